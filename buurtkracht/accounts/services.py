"""Guided accounts, one-time login codes, PINs."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from buurtkracht.core import codes
from buurtkracht.core.choices import Role
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.signals import member_joined
from buurtkracht.people.consents import Method
from buurtkracht.people.contact import normalise_phone
from buurtkracht.people.models import ContactRoute
from buurtkracht.people.services import consent_grant, profile_create

from .models import GuidedAccount, LoginCode, User

PIN_MIN, PIN_MAX = 5, 8


def _login_name(display_name: str) -> str:
    """A login name people can read from a card and type: 'anna-4821'."""
    base = slugify(display_name)[:20] or "bewoner"
    while True:
        candidate = f"{base}-{get_random_string(4, '23456789')}"
        if not User.objects.filter(username=candidate).exists():
            return candidate


def guided_account_register(
    *,
    actor,
    membership: Membership,
    display_name: str,
    postcode: str = "",
    languages: list[str] | None = None,
    accessibility_needs: list[str] | None = None,
    phone: str = "",
    consent_scopes: list[str] | None = None,
    consent_method: str = Method.PAPER,
) -> User:
    """A professional registers a resident without e-mail, with the resident's consent
    to a guided account (always recorded) and any further consents they gave. People the
    resident says yes to reach them by phone when there is a number, else through the
    professional who registered them (`people.contact`)."""
    neighbourhood = membership.neighbourhood
    with transaction.atomic():
        user = User(username=_login_name(display_name), is_guided=True, must_set_secret=True)
        user.set_unusable_password()
        user.save()
        profile_create(
            user=user,
            display_name=display_name,
            postcode=postcode,
            languages=languages or [],
            accessibility_needs=accessibility_needs or [],
            phone=normalise_phone(phone),
            contact_route=ContactRoute.PHONE if phone else ContactRoute.BUURTWERKER,
        )
        joined = Membership.objects.create(
            user=user, neighbourhood=neighbourhood, role=Role.RESIDENT
        )
        member_joined.send(sender=Membership, membership=joined)  # their time bank account
        GuidedAccount.objects.create(
            user=user,
            neighbourhood=neighbourhood,
            registered_by=actor,
            organisation=membership.organisation,
        )
        for scope in ["guided_account", *(consent_scopes or [])]:
            consent_grant(
                user=user,
                neighbourhood=neighbourhood,
                scope=scope,
                method=consent_method,
                recorded_by=actor,
            )
        log_action(
            actor=actor, action="guided_account.registered", neighbourhood=neighbourhood, obj=user
        )
    return user


@dataclass(frozen=True)
class IssuedCode:
    login_code: LoginCode
    code: str  # shown once, on the card; only its digest is stored

    @property
    def grouped(self) -> str:
        return codes.group(self.code)


def login_code_issue(*, actor, user: User, neighbourhood=None) -> IssuedCode:
    """A new one-time code for a login card. Earlier unused codes stop working."""
    now = timezone.now()
    with transaction.atomic():
        LoginCode.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        code = codes.new_code(8)
        login_code = LoginCode.objects.create(
            user=user,
            digest=codes.digest(code),
            created_by=actor,
            expires_at=now + timedelta(days=settings.BUURTKRACHT_LOGIN_CODE_DAYS),
        )
        log_action(
            actor=actor, action="login_code.issued", neighbourhood=neighbourhood, obj=login_code
        )
    return IssuedCode(login_code=login_code, code=code)


def login_code_redeem(*, code: str) -> User:
    """Use a code once. The conditional UPDATE makes a second use fail, also at the same time."""
    now = timezone.now()
    with transaction.atomic():
        login_code = LoginCode.objects.filter(digest=codes.digest(code)).first()
        used = (
            login_code is not None
            and LoginCode.objects.filter(
                pk=login_code.pk,
                used_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=now,
            ).update(used_at=now)
            == 1
        )
        if not used or login_code is None:
            raise ValidationError(
                _(
                    "This code does not work. It may be used already or expired. "
                    "Ask for a new card."
                ),
                code="code_not_valid",
            )
        user = login_code.user
        User.objects.filter(pk=user.pk).update(must_set_secret=True)
        user.must_set_secret = True
        log_action(actor=user, action="login_code.used", obj=login_code)
    return user


def _check_pin(pin: str) -> None:
    if not pin.isdigit() or not PIN_MIN <= len(pin) <= PIN_MAX:
        raise ValidationError(
            _("A PIN has %(min)d to %(max)d digits.") % {"min": PIN_MIN, "max": PIN_MAX},
            code="pin_length",
        )
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationError(
            _("This PIN is too easy to guess. Choose other digits."), code="pin_too_easy"
        )


def secret_set(*, user: User, pin: str = "", password: str = "", current: str = "") -> User:
    """Someone chooses how to log in from now on: a PIN or a password. Right after the
    one-time code of a guided account's card, that code was the proof; anyone else first
    gives their current PIN or password (a session left open must not become a PIN)."""
    if not user.must_set_secret and not user.check_password(current):
        raise ValidationError(
            _("This is not your current PIN or password."), code="wrong_current_secret"
        )
    if bool(pin) == bool(password):
        raise ValidationError(_("Choose a PIN or a password."), code="pin_or_password")
    if pin:
        _check_pin(pin)
    else:
        validate_password(password, user)
    with transaction.atomic():
        user.set_password(pin or password)
        user.must_set_secret = False
        user.save(update_fields=["password", "must_set_secret"])
        log_action(
            actor=user, action="account.secret_set", data={"kind": "pin" if pin else "password"}
        )
    return user
