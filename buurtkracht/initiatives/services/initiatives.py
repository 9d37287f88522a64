"""Starting, changing and closing an initiative."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership, Neighbourhood
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.timebank import services as timebank

from ..models import NAME_MAX, TEXT_MAX, Initiative, Involvement, Role
from .base import clean_text, field_error, photo_checked, require_owner

FOR_WHOM_MAX = 300
ADDRESS_MAX = 200


def _name_taken() -> ValidationError:
    return field_error("name", _("There is already an initiative with this name."), "name_taken")


def place_elsewhere() -> ValidationError:
    return field_error("place", _("Choose a place in this neighbourhood."), "elsewhere")


def initiative_create(
    *,
    actor,
    neighbourhood: Neighbourhood,
    name: str,
    what_and_why: str,
    for_whom: str = "",
    place=None,
    address: str = "",
    photo=None,
    membership: Membership | None,
) -> Initiative:
    """A resident starts an initiative and is its first owner."""
    membership = acting_membership(actor, neighbourhood, membership)
    if not access.may_own_initiative(membership):
        raise ValidationError(
            _("Initiatives are owned by residents. As a professional you can support one."),
            code="not_resident",
        )
    name = clean_text(name, field="name", required=True, limit=NAME_MAX)
    what_and_why = clean_text(what_and_why, field="what_and_why", required=True, limit=TEXT_MAX)
    for_whom = clean_text(for_whom, field="for_whom", required=False, limit=FOR_WHOM_MAX)
    address = clean_text(address, field="address", required=False, limit=ADDRESS_MAX)
    if place is not None and place.neighbourhood_id != neighbourhood.pk:
        raise place_elsewhere()
    cleaned = photo_checked(photo)
    with transaction.atomic():
        if Initiative.objects.filter(neighbourhood=neighbourhood, name__iexact=name).exists():
            raise _name_taken()
        try:
            with transaction.atomic():
                initiative = Initiative.objects.create(
                    neighbourhood=neighbourhood,
                    name=name,
                    what_and_why=what_and_why,
                    for_whom=for_whom,
                    place=place,
                    address=address,
                )
                if cleaned is not None:
                    initiative.photo.save(cleaned.name, cleaned, save=True)
        except IntegrityError:
            raise _name_taken() from None
        Involvement.objects.create(initiative=initiative, user=actor, role=Role.OWNER)
        timebank.initiative_opened(initiative)
        log_action(
            actor=actor, action="initiative.created", neighbourhood=neighbourhood, obj=initiative
        )
    return initiative


EDITABLE = frozenset({"name", "what_and_why", "for_whom", "place", "address", "photo"})
LIMITS = {
    "name": NAME_MAX,
    "what_and_why": TEXT_MAX,
    "for_whom": FOR_WHOM_MAX,
    "address": ADDRESS_MAX,
}
REQUIRED = frozenset({"name", "what_and_why"})


def initiative_update(*, actor, initiative: Initiative, **fields: Any) -> Initiative:
    """An owner changes the description; a new photo replaces the old one (no photo in
    `fields`, or None: the photo stays)."""
    if set(fields) - EDITABLE:
        raise ValueError(f"not editable: {sorted(set(fields) - EDITABLE)}")
    require_owner(actor, initiative)
    cleaned = photo_checked(fields.pop("photo", None))
    with transaction.atomic():
        for key, value in fields.items():
            if key in LIMITS:
                value = clean_text(value, field=key, required=key in REQUIRED, limit=LIMITS[key])
            setattr(initiative, key, value)
        if (
            Initiative.objects.filter(
                neighbourhood=initiative.neighbourhood, name__iexact=initiative.name
            )
            .exclude(pk=initiative.pk)
            .exists()
        ):
            raise _name_taken()
        if cleaned is not None:
            initiative.photo.save(cleaned.name, cleaned, save=False)
        initiative.save()
        timebank.initiative_changed(initiative)
        log_action(
            actor=actor,
            action="initiative.updated",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
            data={"fields": sorted([*fields, *(["photo"] if cleaned else [])])},
        )
    return initiative


def initiative_close(*, actor, initiative: Initiative) -> Initiative:
    require_owner(actor, initiative)
    with transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(is_open=False)
        initiative.is_open = False
        timebank.initiative_changed(initiative)
        log_action(
            actor=actor,
            action="initiative.closed",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
        )
    initiative.refresh_from_db()
    return initiative
