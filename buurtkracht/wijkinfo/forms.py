from django import forms
from django.utils.translation import gettext_lazy as _


class FindBuurtForm(forms.Form):
    address = forms.CharField(
        label=_("Postcode or address"),
        help_text=_("For example 2031 AB, or Lindenplein 1 Haarlem."),
        max_length=200,
    )
    housenumber = forms.CharField(
        label=_("House number (if you like)"), max_length=10, required=False
    )


class UseBuurtForm(forms.Form):
    buurtcode = forms.RegexField(regex=r"^BU\d{8}$", max_length=10)
