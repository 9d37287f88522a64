"""Writes for profiles, consents and contacts."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.core.photos import clean_photo

from .consents import SCOPES, Method
from .models import Consent, Contact, ContactRoute, Profile

PC6 = re.compile(r"^[1-9]\d{3}[A-Z]{2}$")


def normalise_postcode(raw: str) -> str:
    """'1234 ab' → '1234AB'; empty stays empty; anything else is refused."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if value and not PC6.match(value):
        raise ValidationError(
            _("Enter a postcode like 2031 AB: four digits and two letters."), code="postcode"
        )
    return value


def profile_create(*, user, display_name: str, **fields) -> Profile:
    profile = Profile(user=user, display_name=display_name.strip(), **fields)
    profile.postcode = normalise_postcode(profile.postcode)
    profile.full_clean()
    profile.save()
    return profile


def _check_route(profile: Profile) -> None:
    """A chosen route must work: a phone needs a number, an e-mail an address, the
    buurtwerker route a buurtwerker."""
    from .contact import buurtwerker_of, normalise_phone

    profile.phone = normalise_phone(profile.phone)
    route = profile.contact_route
    if route == ContactRoute.PHONE and not profile.phone:
        raise ValidationError(
            {
                "phone": ValidationError(
                    _("Fill in your phone number, or choose another way."), code="route_needs_phone"
                )
            }
        )
    if route == ContactRoute.EMAIL and not profile.user.email:
        raise ValidationError(
            {
                "contact_route": ValidationError(
                    _("Your account has no e-mail address. Choose another way."),
                    code="route_needs_email",
                )
            }
        )
    if route == ContactRoute.BUURTWERKER and buurtwerker_of(profile.user) is None:
        raise ValidationError(
            {
                "contact_route": ValidationError(
                    _("You have no buurtwerker who helps you. Choose another way."),
                    code="route_needs_buurtwerker",
                )
            }
        )


def profile_update(*, actor, profile: Profile, remove_photo: bool = False, **fields) -> Profile:
    old_photo = profile.photo.name if profile.photo else ""
    photo = fields.pop("photo", None)
    if photo is not None and photo != profile.photo and photo is not False:
        fields["photo"] = clean_photo(photo)
    if remove_photo:
        fields["photo"] = None
    with transaction.atomic():
        for key, value in fields.items():
            setattr(profile, key, value)
        profile.display_name = profile.display_name.strip()
        profile.postcode = normalise_postcode(profile.postcode)
        _check_route(profile)
        profile.full_clean()
        profile.save()
        log_action(
            actor=actor, action="profile.updated", obj=profile, data={"fields": sorted(fields)}
        )
        if old_photo and "photo" in fields:
            transaction.on_commit(lambda: profile.photo.storage.delete(old_photo))
    return profile


def consent_grant(
    *, user, neighbourhood, scope: str, method: str = Method.ONLINE, recorded_by=None
) -> Consent:
    """Record a consent. Granting one that is already active changes nothing."""
    if scope not in SCOPES:
        raise ValidationError(_("Unknown kind of permission."), code="unknown_scope")
    with transaction.atomic():
        existing = Consent.objects.filter(
            user=user, neighbourhood=neighbourhood, scope=scope, withdrawn_at__isnull=True
        ).first()
        if existing:
            return existing
        try:
            with transaction.atomic():
                consent = Consent.objects.create(
                    user=user,
                    neighbourhood=neighbourhood,
                    scope=scope,
                    method=method,
                    recorded_by=recorded_by,
                    granted_at=timezone.now(),
                )
        except IntegrityError:  # granted at the same moment elsewhere
            return Consent.objects.get(
                user=user, neighbourhood=neighbourhood, scope=scope, withdrawn_at__isnull=True
            )
        log_action(
            actor=recorded_by or user,
            action="consent.granted",
            neighbourhood=neighbourhood,
            obj=consent,
            data={"scope": scope, "method": method},
        )
    return consent


def consent_withdraw(*, user, neighbourhood, scope: str, actor=None) -> Consent | None:
    with transaction.atomic():
        consent = Consent.objects.filter(
            user=user, neighbourhood=neighbourhood, scope=scope, withdrawn_at__isnull=True
        ).first()
        if consent is None:
            return None
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        log_action(
            actor=actor or user,
            action="consent.withdrawn",
            neighbourhood=neighbourhood,
            obj=consent,
            data={"scope": scope},
        )
    return consent


def contact_connect(*, a, b, source: str) -> Contact:
    """Record that two people are in contact; later issues call this when an introduction is
    accepted or an exchange is done."""
    if a.pk == b.pk:
        raise ValidationError(_("A person cannot be their own contact."), code="self_contact")
    low, high = sorted((a.pk, b.pk))
    contact, _created = Contact.objects.get_or_create(
        user_a_id=low, user_b_id=high, defaults={"source": source}
    )
    return contact
