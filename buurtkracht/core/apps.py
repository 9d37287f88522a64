from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "buurtkracht.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from .converters import NeighbourhoodSlugConverter

        register_converter(NeighbourhoodSlugConverter, "buurt")
