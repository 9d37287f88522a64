from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.people.services import normalise_postcode

from .models import Place


class CoordinateField(forms.DecimalField):
    """Accepts 52,38123 as well as 52.38123: Dutch people type a decimal comma."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


class PlaceForm(forms.ModelForm):
    latitude = CoordinateField(
        label=_("latitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-90,
        max_value=90,
        help_text=_("Optional, for the map. For example 52,38123."),
    )
    longitude = CoordinateField(
        label=_("longitude"),
        required=False,
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
        help_text=_("Optional, for the map. For example 4,63690."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=8, required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Place
        fields = [
            "name",
            "kind",
            "address",
            "postcode",
            "offers",
            "opening_hours",
            "phone",
            "email",
            "website",
            "latitude",
            "longitude",
        ]
        widgets = {"offers": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "opening_hours": _("For example: Mon–Fri 9:00–17:00, Sat 10:00–13:00."),
        }

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def validate_unique(self):
        """The service checks the name per neighbourhood and says so in Dutch."""
