from django.apps import AppConfig


class SocialMapConfig(AppConfig):
    """The sociale kaart: organisations, their services and where they are offered, as
    Open Referral HSDS 3.1 models them (issue 19)."""

    name = "buurtkracht.socialmap"
    label = "socialmap"
    verbose_name = "Sociale kaart"
