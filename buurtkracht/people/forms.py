from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Visibility
from buurtkracht.core.photos import validate_photo

from .contact import buurtwerker_of, normalise_phone
from .models import ACCESSIBILITY_CHOICES, LANGUAGE_CHOICES, AgeGroup, ContactRoute, Profile
from .services import normalise_postcode

VISIBILITY_LABEL = _("Who may see this?")


def visibility_field(exclude=()):
    return forms.ChoiceField(
        label=VISIBILITY_LABEL,
        choices=[c for c in Visibility.choices if c[0] not in exclude],
        widget=forms.Select,
    )


class ProfileForm(forms.ModelForm):
    """Each piece of personal data comes with its own 'who may see this?'."""

    languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("What helps me"),
        choices=ACCESSIBILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    display_name_visibility = visibility_field()
    postcode_visibility = visibility_field()
    languages_visibility = visibility_field()
    accessibility_visibility = visibility_field(exclude=(Visibility.PUBLIC,))
    photo_visibility = visibility_field()
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=8,
        required=False,
        help_text=_("Four digits and two letters, for example 2031 AB. Optional."),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=24,
        required=False,
        help_text=_(
            "Optional. Only people you said yes to see it, and only when you choose the "
            "phone below. It is never in a list."
        ),
    )
    contact_route = forms.ChoiceField(
        label=_("After a yes, how may the other person reach you?"),
        help_text=_("You can always send each other messages here as well."),
        choices=ContactRoute.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "display_name_visibility",
            "postcode",
            "postcode_visibility",
            "languages",
            "languages_visibility",
            "age_group",
            "accessibility_needs",
            "accessibility_note",
            "accessibility_visibility",
            "photo",
            "photo_visibility",
            "phone",
            "contact_route",
        ]
        labels = {"display_name": _("Your name"), "age_group": _("How old are you, about?")}
        help_texts = {
            "display_name": _("A first name or nickname is enough."),
            "age_group": _(
                "Optional. Never shown with your name: only counted, to see who is not here yet."
            ),
        }
        widgets = {"photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["age_group"].choices = [("", _("I'd rather not say")), *AgeGroup.choices]
        if buurtwerker_of(self.instance.user) is None:
            self.fields["contact_route"].choices = [
                c for c in ContactRoute.choices if c[0] != ContactRoute.BUURTWERKER
            ]

    def clean_contact_route(self):
        return self.cleaned_data["contact_route"] or ContactRoute.MESSAGES

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.instance.photo:
            return photo
        validate_photo(photo)
        return photo


class ConsentForm(forms.Form):
    neighbourhood = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.CharField(widget=forms.HiddenInput)
    give = forms.BooleanField(required=False, widget=forms.HiddenInput)
