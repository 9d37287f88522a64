from django.apps import AppConfig


class DialogueConfig(AppConfig):
    """Wijkdialoog: the neighbourhood talks in a chosen format, and keeps its harvest
    (issue 20)."""

    name = "buurtkracht.dialogue"
    label = "dialogue"
    verbose_name = "Wijkdialoog"
