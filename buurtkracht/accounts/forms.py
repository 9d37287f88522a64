from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from buurtkracht.people.consents import SCOPES, Method
from buurtkracht.people.contact import normalise_phone
from buurtkracht.people.models import ACCESSIBILITY_CHOICES, LANGUAGE_CHOICES
from buurtkracht.people.services import normalise_postcode, profile_create

from . import services


class LoginForm(AllauthLoginForm):
    """allauth's login form with plain labels: e-mail, or the login name on a card."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail or login name")
        self.fields["login"].help_text = _("Your login name is on your login card.")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].label = _("Password or PIN")
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Stay logged in on this device")


class SignupExtraForm(forms.Form):
    """Added to allauth's sign-up form: the name other people see."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("A first name or nickname is enough."),
    )

    def signup(self, request, user):
        with transaction.atomic():
            profile_create(user=user, display_name=self.cleaned_data["display_name"])


class CodeLoginForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your card"),
        max_length=20,
        help_text=_("8 letters and digits, for example K7DF-3MPQ."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )


def current_secret_field(label) -> forms.CharField:
    """The PIN or password someone has now, asked before a change only they may make."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SetSecretForm(forms.Form):
    KIND_PIN, KIND_PASSWORD = "pin", "password"
    kind = forms.ChoiceField(
        label=_("How do you want to log in from now on?"),
        choices=[
            (KIND_PIN, _("With a PIN (5 to 8 digits)")),
            (KIND_PASSWORD, _("With a password")),
        ],
        widget=forms.RadioSelect,
        initial=KIND_PIN,
    )
    pin = forms.CharField(
        label=_("PIN"),
        required=False,
        max_length=8,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    repeat = forms.CharField(
        label=_("Type it again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    current = current_secret_field(_("Your current PIN or password"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.must_set_secret:
            # Just in with the one-time code from the card: that was the proof.
            del self.fields["current"]
        else:
            self.order_fields(["current"])

    def clean(self):
        data = super().clean()
        if "current" in self.fields and not self.user.check_password(data.get("current") or ""):
            self.add_error("current", _("This is not your current PIN or password."))
            return data
        kind = data.get("kind")
        secret = data.get("pin") if kind == self.KIND_PIN else data.get("password")
        field = "pin" if kind == self.KIND_PIN else "password"
        if not secret:
            self.add_error(field, _("Fill this in."))
            return data
        if secret != data.get("repeat"):
            self.add_error("repeat", _("The two do not match. Type it again."))
            return data
        try:
            if kind == self.KIND_PIN:
                services._check_pin(secret)
            else:
                from django.contrib.auth.password_validation import validate_password

                validate_password(secret, self.user)
        except ValidationError as error:
            self.add_error(field, error)
        return data


class GuidedAccountForm(forms.Form):
    display_name = forms.CharField(
        label=_("Name of the resident"),
        max_length=60,
        help_text=_("A first name or nickname is enough."),
    )
    postcode = forms.CharField(label=_("Postcode"), max_length=8, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages the resident speaks"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("What helps the resident"),
        choices=ACCESSIBILITY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(
        label=_("Phone number of the resident"),
        max_length=24,
        required=False,
        help_text=_(
            "Optional. Only people the resident says yes to see it. Without a number, "
            "messages for the resident come to you, and you pass them on."
        ),
    )
    agreed = forms.BooleanField(
        label=_(
            "The resident agrees to a guided account: "
            "I may help with the account, together with them."
        ),
        error_messages={
            "required": _("Without the resident's consent you cannot make a guided account.")
        },
    )
    consent_method = forms.ChoiceField(
        label=_("How did the resident give consent?"), choices=Method.CHOICES, initial=Method.PAPER
    )
    consent_scopes = forms.MultipleChoiceField(
        label=_("The resident also allows"),
        choices=[(s.key, s.title) for s in SCOPES.values() if s.key != "guided_account"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])
