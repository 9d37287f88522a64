from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """The matching engine: no models of its own (the offer vectors are the gifts app's);
    an app for its commands (`match-batch`, `match-eval`, `embed-offers`) and its job."""

    name = "buurtkracht.matching"
    label = "matching"
