from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from buurtkracht.core.choices import Visibility
from buurtkracht.core.photos import validate_photo

from .models import ACCESSIBILITY_CHOICES, LANGUAGE_CHOICES, Profile
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

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "display_name_visibility",
            "postcode",
            "postcode_visibility",
            "languages",
            "languages_visibility",
            "accessibility_needs",
            "accessibility_note",
            "accessibility_visibility",
            "photo",
            "photo_visibility",
        ]
        labels = {"display_name": _("Your name")}
        help_texts = {"display_name": _("A first name or nickname is enough.")}
        widgets = {"photo": forms.FileInput(attrs={"accept": "image/jpeg,image/png"})}

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if not photo or photo == self.instance.photo:
            return photo
        validate_photo(photo)
        return photo
        if photo.size > settings.BUURTKRACHT_PHOTO_MAX_BYTES:
            raise ValidationError(_("The photo is too large. Choose one under 5 MB."))
        try:
            with Image.open(photo) as image:
                image.verify()
                if image.format not in {"JPEG", "PNG"}:
                    raise ValidationError(_("Choose a photo in JPG or PNG format."))
        except (UnidentifiedImageError, OSError):
            raise ValidationError(
                _("This file is not a photo. Choose a JPG or PNG file.")
            ) from None
        photo.seek(0)
        return photo


class ConsentForm(forms.Form):
    neighbourhood = forms.IntegerField(widget=forms.HiddenInput)
    scope = forms.CharField(widget=forms.HiddenInput)
    give = forms.BooleanField(required=False, widget=forms.HiddenInput)
