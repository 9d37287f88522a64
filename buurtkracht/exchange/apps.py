from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "buurtkracht.exchange"
    label = "exchange"
