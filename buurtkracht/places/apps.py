from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "buurtkracht.places"
    label = "places"
