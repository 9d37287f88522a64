from django.apps import AppConfig


class NeighbourhoodsConfig(AppConfig):
    name = "buurtkracht.neighbourhoods"
    label = "neighbourhoods"

    def ready(self):
        from django.urls import register_converter

        from .converters import NeighbourhoodSlugConverter

        # `<buurt:slug>` in every app's URLs: the tenant's part of the path.
        register_converter(NeighbourhoodSlugConverter, "buurt")
