from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "buurtkracht.lending"
    label = "lending"
