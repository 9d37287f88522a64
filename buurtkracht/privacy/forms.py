from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.accounts.forms import current_secret_field


class EraseForm(forms.Form):
    """Confirming the erasure: the current PIN or password (not right after a card's
    one-time code, as on the PIN page), and who owns each initiative from now on where the
    person is its only owner. Checked by the service (`accounts.erasure`)."""

    current = current_secret_field(_("Your PIN or password"))
    understood = forms.BooleanField(
        label=_("I understand: my account is erased for good. This cannot be undone."),
        error_messages={"required": _("Tick this box if you want to go on.")},
    )

    def __init__(self, *args, user, plan, **kwargs):
        from .erasure import CLOSE

        super().__init__(*args, **kwargs)
        if user.must_set_secret:
            del self.fields["current"]  # just in with the card's one-time code: that was the proof
        for handover in plan.to_choose:
            self.fields[f"successor_{handover.initiative.pk}"] = forms.ChoiceField(
                label=_("Who owns %(name)s from now on?") % {"name": handover.initiative.name},
                choices=[
                    *((str(pk), name) for pk, name in handover.candidates),
                    (CLOSE, _("Nobody: close the initiative")),
                ],
                widget=forms.RadioSelect,
            )
        self.order_fields([*(f for f in self.fields if f.startswith("successor_")), "current"])

    def successors(self) -> dict[int, str]:
        return {
            int(name.removeprefix("successor_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("successor_")
        }
