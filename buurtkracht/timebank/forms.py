import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Rules
from .services import MAX_MINUTES, REASON_MAX


class TimeForm(forms.Form):
    """Hours and minutes in two whole-number boxes (no decimals to get wrong), plus a
    one-time key so the same form sent twice makes one transfer."""

    hours = forms.IntegerField(
        label=_("Hours"), min_value=0, max_value=MAX_MINUTES // 60, initial=1
    )
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)

    def clean(self):
        data = super().clean()
        hours, minutes = data.get("hours"), data.get("minutes")
        if hours is not None and minutes is not None and hours * 60 + minutes <= 0:
            raise forms.ValidationError(_("The time must be more than zero."), code="not_positive")
        return data

    def total(self) -> int:
        return self.cleaned_data["hours"] * 60 + self.cleaned_data["minutes"]

    def key_for(self, user) -> str:
        """The transfer's idempotency key: this form, sent by this person."""
        return f"form:{user.pk}:{self.cleaned_data['key']}"


class GiveForm(TimeForm):
    to_user = forms.TypedChoiceField(label=_("To whom?"), coerce=int)
    note = forms.CharField(
        label=_("What for? (if you like)"), required=False, max_length=REASON_MAX
    )
    field_order = ["to_user", "hours", "minutes", "note"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].choices = [("", _("(choose)")), *members]


class DonateForm(TimeForm):
    to_account = forms.TypedChoiceField(label=_("To what?"), coerce=int)
    field_order = ["to_account", "hours", "minutes"]

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_account"].choices = list(targets)


class GrantForm(GiveForm):
    reason = forms.CharField(label=_("Why?"), max_length=REASON_MAX)
    field_order = ["to_user", "hours", "minutes", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is this corrected?"), max_length=REASON_MAX)


class RulesForm(forms.ModelForm):
    class Meta:
        model = Rules
        fields = ["min_balance", "max_balance", "welcome_credit", "direct_transfers", "pot"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel)"),
        help_text=_(
            "Columns: overboeking, datum, wie, minuten, omschrijving. One row per line of a "
            "transfer; the lines of one transfer add up to zero."
        ),
    )
