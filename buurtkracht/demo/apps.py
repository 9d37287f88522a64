from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "buurtkracht.demo"
    label = "demo"
