from django.apps import AppConfig


class GiftsConfig(AppConfig):
    name = "buurtkracht.gifts"
    label = "gifts"
