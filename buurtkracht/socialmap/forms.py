from django import forms
from django.utils.translation import gettext_lazy as _


class WhereToGoForm(forms.Form):
    vraag = forms.CharField(
        label=_("What is your question?"),
        help_text=_("In your own words, for example: I cannot pay my rent."),
        max_length=300,
        required=False,
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("What is not right?"),
        help_text=_("For example: the opening hours changed, or the phone number is wrong."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )
