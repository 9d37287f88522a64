from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimebankConfig(AppConfig):
    name = "buurtkracht.timebank"
    verbose_name = _("Time bank")

    def ready(self) -> None:
        # Accounts open when someone joins and close when they leave (decision 0048):
        # the neighbourhoods app tells, and never imports the time bank.
        from buurtkracht.neighbourhoods import signals

        from . import receivers

        signals.member_joined.connect(receivers.member_joined, dispatch_uid="timebank.joined")
        signals.member_left.connect(receivers.member_left, dispatch_uid="timebank.left")
