from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.people.services import normalise_postcode

from .models import PLACE_DATA_FIELDS, Place

FIELDS = frozenset(PLACE_DATA_FIELDS)


def _save(place: Place) -> Place:
    place.name = " ".join(place.name.split())
    place.postcode = normalise_postcode(place.postcode)
    if (place.latitude is None) != (place.longitude is None):
        raise ValidationError({"longitude": _("Fill in both latitude and longitude, or neither.")})
    place.full_clean(validate_unique=False, validate_constraints=False)  # the DB says, below
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        raise ValidationError(
            {"name": _("This neighbourhood already has a place with this name.")}
        ) from None
    return place


def place_create(*, actor, neighbourhood, **fields) -> Place:
    if set(fields) - FIELDS:
        raise ValueError(f"not editable: {sorted(set(fields) - FIELDS)}")
    with transaction.atomic():
        place = _save(Place(neighbourhood=neighbourhood, created_by=actor, **fields))
        log_action(actor=actor, action="place.created", neighbourhood=neighbourhood, obj=place)
    return place


def place_update(*, actor, place: Place, **fields) -> Place:
    if set(fields) - FIELDS:
        raise ValueError(f"not editable: {sorted(set(fields) - FIELDS)}")
    with transaction.atomic():
        for key, value in fields.items():
            setattr(place, key, value)
        _save(place)
        log_action(
            actor=actor, action="place.updated", neighbourhood=place.neighbourhood, obj=place
        )
    return place
