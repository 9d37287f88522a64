from django import forms
from django.utils.translation import gettext_lazy as _


class WhereToGoForm(forms.Form):
    vraag = forms.CharField(
        label=_("What is your question?"),
        help_text=_("In your own words, for example: I cannot pay my rent."),
        max_length=300,
        required=False,
    )
