from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "buurtkracht.support"
    label = "support"
