from django import forms
from django.utils.translation import gettext_lazy as _


class WhereToGoForm(forms.Form):
    vraag = forms.CharField(
        label=_("What is your question?"),
        help_text=_("In your own words, for example: I cannot pay my rent."),
        max_length=300,
        required=False,
    )
    onderwerp = forms.CharField(
        label=_("Topic"), max_length=120, required=False, widget=forms.HiddenInput
    )

    def clean_onderwerp(self):
        from .topics import vocabulary

        code = self.cleaned_data["onderwerp"].strip()
        if not code:
            return None
        if code not in vocabulary():
            raise forms.ValidationError(_("We do not know this topic. Choose one from the list."))
        return vocabulary()[code]


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What is not right?"),
        help_text=_("For example: the opening hours changed, or the phone number is wrong."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


DAY_NAMES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
TOPIC_FIELDS = ["topic_1", "topic_2", "topic_3"]
STATUSES = [
    ("active", _("Offered")),
    ("temporarily closed", _("Closed for a while")),
    ("inactive", _("No longer offered")),
]


def _clock(day_label, opens: bool):
    label = _("%(day)s: opens at") if opens else _("%(day)s: closes at")
    return forms.TimeField(
        label=label % {"day": day_label},
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class ServiceForm(forms.Form):
    """One service of the social map, as professionals edit it (issue 19). The service
    (`services.service_save`) checks again and writes the HSDS document."""

    name = forms.CharField(label=_("Name"), max_length=300)
    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int, required=False)
    new_organization = forms.CharField(
        label=_("Or a new organisation: its name"), max_length=300, required=False
    )
    description = forms.CharField(
        label=_("What they do"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    eligibility_description = forms.CharField(label=_("For whom"), max_length=1000, required=False)
    application_process = forms.CharField(
        label=_("How to get there or sign up"), max_length=1000, required=False
    )
    fees_description = forms.CharField(label=_("What it costs"), max_length=300, required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^\+?[0-9 ()-]{6,20}$",
        error_messages={"invalid": _("Write a phone number with digits, like 023 531 0000.")},
        max_length=20,
        required=False,
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    url = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    languages = forms.CharField(
        label=_("Languages"),
        help_text=_("With commas between them, for example: Nederlands, Engels."),
        max_length=300,
        required=False,
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES)
    keeper = forms.TypedChoiceField(label=_("Who keeps this up to date"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, organizations=(), keepers=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .topics import vocabulary

        self.fields["organization"].choices = [("", "—"), *organizations]
        self.fields["keeper"].choices = list(keepers)
        topic_choices = [("", "—")] + [(t.code, t.name) for t in vocabulary().values()]
        for n, field in enumerate(TOPIC_FIELDS, start=1):
            self.fields[field] = forms.ChoiceField(
                label=_("Topic %(n)s") % {"n": n}, choices=topic_choices, required=False
            )
        for day, label in DAY_NAMES:
            self.fields[f"opens_{day}"] = _clock(label, opens=True)
            self.fields[f"closes_{day}"] = _clock(label, opens=False)

    def clean(self):
        data = super().clean()
        if not data.get("organization") and not (data.get("new_organization") or "").strip():
            self.add_error(
                "organization", _("Choose an organisation, or write the name of a new one.")
            )
        for day, _label in DAY_NAMES:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{day}", _("Fill in both times, or neither."))
            elif opens is not None and closes <= opens:
                self.add_error(f"closes_{day}", _("The closing time comes after the opening time."))
        return data

    def hours(self) -> dict:
        data = self.cleaned_data
        return {
            day: (data[f"opens_{day}"], data[f"closes_{day}"])
            for day, _label in DAY_NAMES
            if data.get(f"opens_{day}") is not None and data.get(f"closes_{day}") is not None
        }

    def topics(self) -> list[str]:
        return [self.cleaned_data[f] for f in TOPIC_FIELDS if self.cleaned_data.get(f)]

    def day_rows(self):
        """(day name, opens field, closes field) for the table of opening hours."""
        return [(label, self[f"opens_{day}"], self[f"closes_{day}"]) for day, label in DAY_NAMES]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".json,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("HSDS files"),
        help_text=_("One JSON file, or all CSV files of an HSDS data package."),
    )
    dry_run = forms.BooleanField(
        label=_("Only check: import nothing yet"), required=False, initial=True
    )
