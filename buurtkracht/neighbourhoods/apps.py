from django.apps import AppConfig


class NeighbourhoodsConfig(AppConfig):
    name = "buurtkracht.neighbourhoods"
    label = "neighbourhoods"
