from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "buurtkracht.inventory"
    label = "inventory"
