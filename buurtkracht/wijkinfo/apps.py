from django.apps import AppConfig


class WijkinfoConfig(AppConfig):
    """Public figures of the neighbourhood (CBS Kerncijfers wijken en buurten) and the
    address-to-buurt lookup (PDOK Locatieserver). Issue 19."""

    name = "buurtkracht.wijkinfo"
    label = "wijkinfo"
    verbose_name = "Wijkinformatie"
