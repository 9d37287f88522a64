from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "buurtkracht.accounts"
    label = "accounts"
