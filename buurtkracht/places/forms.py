from django import forms
from django.utils.translation import gettext_lazy as _

from buurtkracht.people.services import normalise_postcode

from .models import Place


class PlaceForm(forms.ModelForm):
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
            "latitude": _("Optional, for the map. For example 52.38123."),
            "longitude": _("Optional, for the map. For example 4.63690."),
        }

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def validate_unique(self):
        """The service checks the name per neighbourhood and says so in Dutch."""
