from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.places.models import Place

from .models import NOTE_MAX, SAFETY_NET_DAYS_MAX, SAFETY_NET_DAYS_MIN


class SupportSettingsForm(forms.Form):
    safety_net_days = forms.IntegerField(
        label=_("After how many days does an open request go to the safety net?"),
        help_text=_(
            "Only requests of people who allowed it reach the professionals of this neighbourhood."
        ),
        min_value=SAFETY_NET_DAYS_MIN,
        max_value=SAFETY_NET_DAYS_MAX,
    )


class CaseNoteForm(forms.Form):
    """What a professional did with a case, in one of its own forms and URLs (contacted,
    closed): a note; each form on the case page gets its own field ids."""

    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX,
        required=False,
    )


class CaseReferForm(CaseNoteForm):
    """Pointing the person to a place of this neighbourhood (the social map)."""

    place = forms.ModelChoiceField(
        label=_("Place"), queryset=Place.objects.none(), empty_label=_("(choose)")
    )
    field_order = ["place", "note"]

    def __init__(self, *args, neighbourhood, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(neighbourhood=neighbourhood)
        elsewhere = _("Choose a place in this neighbourhood.")
        self.fields["place"].error_messages.update(required=elsewhere, invalid_choice=elsewhere)


class MonthForm(forms.Form):
    maand = forms.TypedChoiceField(label=_("Month"), required=False, choices=[])

    def __init__(self, *args, months, **kwargs):
        from django.utils.formats import date_format

        super().__init__(*args, **kwargs)
        self.months = {m.strftime("%Y-%m"): m for m in months}
        self.fields["maand"].choices = [("", _("All months"))] + [
            (key, date_format(m, "F Y")) for key, m in self.months.items()
        ]

    def month(self):
        if not self.is_valid():
            return None
        return self.months.get(self.cleaned_data["maand"])
