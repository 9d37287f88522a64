from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtkracht.core.choices import Role

from .models import OFFERED_MODULE_CHOICES, RESERVED_SLUGS, Neighbourhood, Organisation


class NeighbourhoodForm(forms.ModelForm):
    modules = forms.MultipleChoiceField(
        label=_("What does your neighbourhood use?"),
        choices=OFFERED_MODULE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Neighbourhood
        fields = ["name", "municipality", "cbs_code", "description", "join_policy", "modules"]
        widgets = {
            "join_policy": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "cbs_code": _("Optional. You find it on the CBS website, for example BU03920100."),
        }


class NeighbourhoodCreateForm(NeighbourhoodForm):
    class Meta(NeighbourhoodForm.Meta):
        fields = [
            "name",
            "slug",
            "municipality",
            "cbs_code",
            "description",
            "join_policy",
            "modules",
        ]
        help_texts = {
            **NeighbourhoodForm.Meta.help_texts,
            "slug": _("Small letters, digits and dashes, for example rijtuigenbuurt."),
        }

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This web address is taken. Choose another."))
        return slug


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("(none)"),
    )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "sector", "website"]

    def validate_unique(self):
        """The service checks the name (case-insensitively) and says so in Dutch."""


class InvitationForm(forms.Form):
    note = forms.CharField(label=_("Note for yourself"), max_length=120, required=False)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty: valid until you withdraw it."),
    )
    max_uses = forms.IntegerField(
        label=_("How many people may use it?"),
        required=False,
        min_value=1,
        max_value=10000,
        help_text=_("Leave empty: no limit."),
    )

    def clean_valid_until(self):
        day = self.cleaned_data["valid_until"]
        if day is None:
            return None
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose a date in the future."))
        return timezone.make_aware(datetime.combine(day, time(23, 59)))


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_("You got it from a neighbour or on paper, for example 4KX7-PQ2M."),
    )
