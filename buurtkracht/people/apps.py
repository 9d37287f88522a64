from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "buurtkracht.people"
    label = "people"
