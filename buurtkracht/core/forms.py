from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .threads import MESSAGE_MAX


class FormRenderer(TemplatesSetting):
    """Forms render with the site's templates: a checkbox next to its label, help and
    errors tied to the field (templates/includes/field.html; issue 18)."""

    field_template_name = "includes/field.html"


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class MessageForm(forms.Form):
    """One message in a thread (an exchange, an introduction)."""

    text = forms.CharField(
        label=_("Your message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
