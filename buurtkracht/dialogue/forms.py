from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Visibility
from buurtkracht.initiatives.forms import WhenAndWhere
from buurtkracht.initiatives.models import Initiative
from buurtkracht.places.models import Place

from .formats import FORMAT_CHOICES, FORMATS
from .models import (
    HARVEST_MAX,
    REFLECTION_ANSWER_MAX,
    STORY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Dialogue,
    Kind,
)
from .principles import LESSON_CHOICES, PRINCIPLE_CHOICES


class DialogueForm(WhenAndWhere):
    field_order = [
        "title",
        "about",
        "format",
        "day",
        "start",
        "end",
        "place",
        "address",
        "capacity",
        "for_residents",
        "for_organisations",
        "for_municipality",
    ]

    title = forms.CharField(
        label=_("Theme"),
        max_length=TITLE_MAX,
        help_text=_("For example: Growing old in Lindenhof, or: A safe street for children."),
    )
    about = forms.CharField(
        label=_("What do you want to talk about?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_MAX,
        required=False,
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, widget=forms.RadioSelect)
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=2,
        max_value=500,
        required=False,
        help_text=_("Empty: no limit. A dialogue table is for 6 to 8 people."),
    )
    for_residents = forms.BooleanField(label=_("Residents are invited"), required=False)
    for_organisations = forms.CharField(
        label=_("Organisations that are invited"),
        help_text=_("For example: the housing corporation, the library."),
        max_length=300,
        required=False,
    )
    for_municipality = forms.BooleanField(label=_("The municipality is invited"), required=False)

    def __init__(self, *args, neighbourhood=None, **kwargs):
        super().__init__(*args, **kwargs)
        if neighbourhood is not None:
            self.fields["place"].queryset = Place.objects.filter(neighbourhood=neighbourhood)
        self.fields["format"].help_text = " ".join(
            f"{f.name}: {f.summary}" for f in FORMATS.values()
        )

    @staticmethod
    def _aware(day, time_of_day) -> datetime:
        return timezone.make_aware(datetime.combine(day, time_of_day))

    def values(self) -> dict:
        """The plan for `services.dialogue_plan` (it checks it again)."""
        data = self.cleaned_data
        return {
            **{k: data[k] for k in ("title", "about", "format", "place", "address", "capacity")},
            "starts_at": self._aware(data["day"], data["start"]),
            "ends_at": self._aware(data["day"], data["end"]),
            "for_residents": data["for_residents"],
            "for_organisations": data["for_organisations"],
            "for_municipality": data["for_municipality"],
        }


class HarvestForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices, widget=forms.RadioSelect)
    step = forms.ChoiceField(label=_("In which step?"), required=False)
    text = forms.CharField(
        label=_("What was said or found"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=HARVEST_MAX,
    )
    consent = forms.BooleanField(
        label=_("For a quote: the speaker agreed that I write this down"), required=False
    )
    speaker = forms.TypedChoiceField(
        label=_("For a quote with a name: who said it"),
        help_text=_(
            "They get a question first: may we show your name? Until they say yes, it is not shown."
        ),
        coerce=int,
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, steps=(), speakers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", "—"), *steps]
        self.fields["speaker"].choices = [("", _("(nobody: without a name)")), *speakers]


class ActionToInitiativeForm(forms.Form):
    name = forms.CharField(label=_("Name of the initiative"), max_length=120)
    what_and_why = forms.CharField(
        label=_("What and why"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ShareForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may read your story?"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=_("I agree that the people I chose read my story"), required=False
    )


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Your story"), widget=forms.Textarea(attrs={"rows": 8}), max_length=STORY_MAX
    )
    photo = forms.FileField(
        label=_("Photo (if you like)"),
        help_text=_("JPG or PNG, at most 5 MB. We remove the location from it."),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it?"),
        choices=Visibility.choices,
        initial=Visibility.PRIVATE,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("I agree that the people I chose read my story"), required=False
    )
    initiative = forms.ModelChoiceField(
        label=_("About an initiative"),
        queryset=Initiative.objects.none(),
        required=False,
        empty_label="—",
    )
    place = forms.ModelChoiceField(
        label=_("About a place"), queryset=Place.objects.none(), required=False, empty_label="—"
    )
    dialogue = forms.ModelChoiceField(
        label=_("About a dialogue"),
        queryset=Dialogue.objects.none(),
        required=False,
        empty_label="—",
    )
    tags = forms.MultipleChoiceField(
        label=_("What does your story show? (if you like)"),
        choices=PRINCIPLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, neighbourhood=None, for_someone=False, **kwargs):
        super().__init__(*args, **kwargs)
        if neighbourhood is not None:
            self.fields["initiative"].queryset = Initiative.objects.filter(
                neighbourhood=neighbourhood
            ).order_by("name")
            self.fields["place"].queryset = Place.objects.filter(
                neighbourhood=neighbourhood
            ).order_by("name")
            self.fields["dialogue"].queryset = Dialogue.objects.filter(
                neighbourhood=neighbourhood, cancelled_at__isnull=True
            ).order_by("-starts_at")
        if for_someone:
            self.fields["text"].label = _("The story, in their words")
            self.fields["visibility"].label = _("Who may read it, if they agree?")
            del self.fields["consent"]

    def values(self) -> dict:
        data = self.cleaned_data
        keys = ("title", "text", "visibility", "initiative", "place", "dialogue", "tags")
        return {**{k: data[k] for k in keys}, "consent": data.get("consent", False)}


class ReflectionForm(forms.Form):
    """The questions of one reflection format; the service checks again."""

    format = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        help_text=_("For example: The first walk of the walking group."),
    )
    initiative = forms.ModelChoiceField(
        label=_("About an initiative"), queryset=Initiative.objects.none(), required=False
    )
    dialogue = forms.ModelChoiceField(
        label=_("About a dialogue"), queryset=Dialogue.objects.none(), required=False
    )
    principles = forms.MultipleChoiceField(
        label=_("Which principles of Buurtpower does it show?"),
        choices=PRINCIPLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    lessons = forms.MultipleChoiceField(
        label=_("Which lessons of Movisie does it show?"),
        choices=LESSON_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    for_professionals = forms.BooleanField(
        label=_("The professionals of this neighbourhood may read it"), required=False
    )
    names_consent = forms.BooleanField(
        label=_("The residents I name agreed to it"),
        help_text=_("Better: write no names of residents."),
        required=False,
    )

    def __init__(self, *args, chosen, neighbourhood, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen = chosen
        self.fields["format"].initial = chosen.code
        self.fields["initiative"].queryset = Initiative.objects.filter(
            neighbourhood=neighbourhood
        ).order_by("name")
        self.fields["dialogue"].queryset = Dialogue.objects.filter(
            neighbourhood=neighbourhood, cancelled_at__isnull=True
        ).order_by("-starts_at")
        fields = {}
        for step in chosen.steps:
            fields[f"answer_{step.code}"] = forms.CharField(
                label=step.title,
                help_text=step.question,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=REFLECTION_ANSWER_MAX,
                required=False,
            )
        # The questions first, after the title.
        self.fields = {
            "format": self.fields.pop("format"),
            "title": self.fields.pop("title"),
            **fields,
            **self.fields,
        }

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "format": data["format"],
            "title": data["title"],
            "answers": {s.code: data.get(f"answer_{s.code}", "") for s in self.chosen.steps},
            "initiative": data["initiative"],
            "dialogue": data["dialogue"],
            "tags": [*data["principles"], *data["lessons"]],
            "for_professionals": data["for_professionals"],
            "names_consent": data["names_consent"],
        }
