from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "buurtkracht.notifications"
    label = "notifications"
