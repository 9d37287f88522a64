from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Visibility

from .models import TEXT_MAX, WEEKDAYS, DayPart, Resource, ResourceKind, TaxonomyCategory

VISIBILITY_HELP = _("This applies to what you add now. You can change each item later.")


class StepForm(forms.Form):
    """One step: tick words from the list, and/or type your own (one per line)."""

    items = forms.TypedMultipleChoiceField(
        label=_("Tick what fits you"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    own_words = forms.CharField(
        label=_("Or in your own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One thing per line."),
        max_length=TEXT_MAX * 10,
    )
    text_kind = forms.ChoiceField(
        label=_("What you typed is"),
        choices=[
            (ResourceKind.THING, _("a thing")),
            (ResourceKind.SPACE, _("a space")),
            (ResourceKind.NETWORK, _("someone I know")),
            (ResourceKind.KNOWLEDGE, _("knowledge")),
        ],
        required=False,
        initial=ResourceKind.THING,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see this?"), choices=Visibility.choices, help_text=VISIBILITY_HELP
    )

    def __init__(self, *args, groups, with_text_kind: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.fields["items"].choices = [
            (item.pk, item.label) for _category, items in groups for item in items
        ]
        self.fields["items"].error_messages["invalid_choice"] = _(
            "One of the choices does not exist (any more). Try again."
        )
        if not with_text_kind:
            del self.fields["text_kind"]

    def clean_own_words(self):
        lines = [" ".join(line.split()) for line in self.cleaned_data["own_words"].splitlines()]
        lines = [line for line in lines if line]
        for line in lines:
            if len(line) > TEXT_MAX:
                raise forms.ValidationError(
                    _("Keep each line under %(max)d characters.") % {"max": TEXT_MAX}
                )
        return lines

    def grouped_boxes(self):
        """The checkboxes grouped by category, for <details> sections in the template."""
        boxes = {int(box.data["value"]): box for box in self["items"]}
        selected = {int(v) for v in (self["items"].value() or [])}
        return [
            {
                "category": category,
                "boxes": [boxes[item.pk] for item in items],
                "chosen": sum(1 for item in items if item.pk in selected),
            }
            for category, items in self.groups
        ]


def _slot_label(day, part):
    # One translatable pattern, so Dutch can write it as one word: "maandagochtend".
    return format_lazy(_("{day} {part}"), day=day, part=part)


class TimeForm(forms.Form):
    slots = forms.MultipleChoiceField(
        label=_("When do you have time?"),
        choices=[
            (f"{day}-{part}", _slot_label(day_label, part_label))
            for day, day_label in WEEKDAYS
            for part, part_label in DayPart.choices
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_asks_per_month = forms.TypedChoiceField(
        label=_("How often may people ask you at most?"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[
            ("", _("No limit")),
            (1, _("once a month")),
            (2, _("twice a month")),
            (4, _("about once a week")),
            (8, _("about twice a week")),
            (0, _("not now")),
        ],
    )
    visibility = forms.ChoiceField(
        label=_("Who may see when you have time?"), choices=Visibility.choices
    )

    def clean_slots(self):
        result = []
        for value in self.cleaned_data["slots"]:
            day, part = value.split("-", 1)
            result.append((int(day), part))
        return result

    def grid(self):
        """Rows of (weekday label, [checkbox per day part]) for a table."""
        boxes = {box.data["value"]: box for box in self["slots"]}
        return [
            (label, [boxes[f"{day}-{part}"] for part, _p in DayPart.choices])
            for day, label in WEEKDAYS
        ]


class VisibilityForm(forms.Form):
    visibility = forms.ChoiceField(label=_("Who may see this?"), choices=Visibility.choices)


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "description",
            "lendable",
            "lending_rules",
            "max_days",
            "needs_approval",
            "visibility",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "lending_rules": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "lending_rules": _("For example: return it clean; not on Sundays; pick up after 6 pm."),
            "max_days": _("Leave empty: no limit."),
        }


class TaxonomyItemForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=TaxonomyCategory.objects.all(), empty_label=_("(choose)")
    )
    label_nl = forms.CharField(label=_("Word in Dutch"), max_length=80)
    label_en = forms.CharField(label=_("Word in English"), max_length=80, required=False)
    synonyms = forms.CharField(
        label=_("Other words people use"),
        required=False,
        max_length=800,
        help_text=_("Separate them with commas, for example: lekkende kraan, kraan lekt."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("What kind of thing is it?"),
        choices=[
            ("head", _("knowledge or experience")),
            ("hands", _("a skill")),
            ("heart", _("a passion")),
            ("interest", _("an interest")),
            ("thing", _("a thing")),
            ("space", _("a space")),
            ("network", _("someone you know")),
            ("time", _("time")),
        ],
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_synonyms(self):
        return [s.strip() for s in self.cleaned_data["synonyms"].split(",") if s.strip()]


class SearchForm(forms.Form):
    zoek = forms.CharField(label=_("Search"), required=False, max_length=100)
    soort = forms.ChoiceField(label=_("Kind of place"), required=False)

    def __init__(self, *args, place_kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [("", _("All places"))] + list(place_kinds)
