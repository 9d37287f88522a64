from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An account. `username` is the login name that guided accounts type; others use e-mail.

    Everything personal (name, postcode, languages, ...) lives in people.Profile with a
    visibility per field; first_name/last_name are not used.
    """

    email = models.EmailField(_("e-mail address"), blank=True)
    # Empty until the person chooses; then it follows them to every device and into mails.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    is_guided = models.BooleanField(default=False)
    # A guided account that logged in with its one-time code must choose a PIN or password.
    must_set_secret = models.BooleanField(default=False)
    # Set when the person erased their account (`privacy.erasure`): the row stays, under a
    # pseudonym, so the time bank's ledger and everything pointing here still hold.
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="unique_email_when_set"
            )
        ]
        # Imports look people up by login name whatever its capitals (timebank.importing).
        indexes = [models.Index(Lower("username"), name="username_lower")]

    @property
    def name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.display_name if profile else self.username


def user_display(user) -> str:
    """How allauth's messages name a person ("Je bent nu ingelogd als Sanne"): the name
    they gave, else their e-mail address — never a generated login name (settings:
    ACCOUNT_USER_DISPLAY)."""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile else "") or user.email or user.username


class LoginCode(models.Model):
    """A one-time code printed on a guided account's login card. Only its digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_codes"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"login code {self.pk} for user {self.user_id}"


class GuidedAccount(models.Model):
    """A resident without e-mail whose account a professional registered, with consent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidance"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="guided_accounts"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "neighbourhoods.Organisation", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"guided account of user {self.user_id}"
