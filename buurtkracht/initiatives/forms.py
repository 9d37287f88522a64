from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.places.models import Place

from .models import NAME_MAX, TEXT_MAX, BudgetStatus, Recurrence, SupportKind


class InitiativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    what_and_why = forms.CharField(
        label=_("What do you do, and why?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_MAX,
    )
    for_whom = forms.CharField(label=_("For whom?"), max_length=300, required=False)
    place = forms.ModelChoiceField(
        label=_("Where?"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("(no place from the map)"),
    )
    address = forms.CharField(label=_("Or an address"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("A photo (if you like)"),
        help_text=_("JPG or PNG, at most 5 MB. We remove the location from it."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        if places is not None:
            self.fields["place"].queryset = places


class TaskForm(forms.Form):
    title = forms.CharField(
        label=_("Task or role"),
        max_length=NAME_MAX,
        help_text=_("For example: keep the key, make coffee on Tuesday, treasurer."),
    )
    recurrence = forms.ChoiceField(label=_("How often?"), choices=Recurrence.choices)
    minutes = forms.IntegerField(
        label=_("Time it takes (minutes each time)"),
        min_value=1,
        max_value=24 * 60,
        required=False,
    )


class WhenAndWhere(forms.Form):
    """A day, a time from–until, and a place from the map or an address: for activities
    and for dialogues."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.ModelChoiceField(
        label=_("Where?"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("(no place from the map)"),
    )
    address = forms.CharField(label=_("Or an address"), max_length=200, required=False)


class ActivityForm(WhenAndWhere):
    field_order = ["title", "day", "start", "end", "place", "address", "capacity"]

    title = forms.CharField(label=_("What"), max_length=NAME_MAX)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=10_000,
        required=False,
        help_text=_("Empty: no limit."),
    )

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        if places is not None:
            self.fields["place"].queryset = places


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    description = forms.CharField(label=_("What"), max_length=500)
    given_on = forms.DateField(label=_("When"), widget=forms.DateInput(attrs={"type": "date"}))


class UpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Your story or news"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_MAX
    )
    photo = forms.FileField(
        label=_("Photo (if you like)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


BUDGET_ROWS = 5


class BudgetForm(forms.Form):
    """A title and up to five budget lines (more: another request, or ask a connector)."""

    title = forms.CharField(label=_("What is the money for?"), max_length=NAME_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, BUDGET_ROWS + 1):
            self.fields[f"line{n}"] = forms.CharField(
                label=_("Budget line %(n)s") % {"n": n}, max_length=200, required=False
            )
            self.fields[f"amount{n}"] = forms.CharField(
                label=_("Amount %(n)s (euro)") % {"n": n}, max_length=20, required=False
            )

    def lines(self):
        return [
            (self.cleaned_data[f"line{n}"], self.cleaned_data[f"amount{n}"])
            for n in range(1, BUDGET_ROWS + 1)
        ]


class BudgetStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Where does it stand?"), choices=BudgetStatus.choices)
    granted = forms.CharField(label=_("Amount granted (euro)"), max_length=20, required=False)
    account = forms.CharField(
        label=_("Afterwards: how it went, and what the money did"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=TEXT_MAX,
    )
