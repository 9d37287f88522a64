import csv
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.people.services import normalise_postcode

from .models import NL_LATITUDE, NL_LONGITUDE, PLACE_DATA_FIELDS, Place, PostcodeArea

FIELDS = frozenset(PLACE_DATA_FIELDS)


def _save(place: Place) -> Place:
    place.name = " ".join(place.name.split())
    place.postcode = normalise_postcode(place.postcode)
    if (place.latitude is None) != (place.longitude is None):
        raise ValidationError(
            {
                "longitude": ValidationError(
                    _("Fill in both latitude and longitude, or neither."), code="half_point"
                )
            }
        )
    place.full_clean(validate_unique=False, validate_constraints=False)  # the DB says, below
    try:
        with transaction.atomic():
            place.save()
    except IntegrityError:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("This neighbourhood already has a place with this name."), code="exists"
                )
            }
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


# --- Postcode areas (PC6 centres) -----------------------------------------------------

POSTCODE_COLUMNS = ("postcode", "latitude", "longitude")
POSTCODE_MAX_ROWS = 600_000
"""The Netherlands has about 460,000 PC6 areas."""
POSTCODE_MAX_ERRORS = 50
"""A file with more wrong lines than this is named no further: it is the wrong file."""


@dataclass
class PostcodeImport:
    rows: int = 0
    added: int = 0
    changed: int = 0
    errors: list[str] = field(default_factory=list)
    """"line N: what is wrong", in the active language."""


def _coordinate(raw: str, bounds: tuple[float, float]) -> Decimal:
    low, high = bounds
    value = Decimal(raw.strip().replace(",", "."))
    if not value.is_finite() or not low <= value <= high:
        raise ValueError
    return value.quantize(Decimal("0.00001"))


def postcode_areas_import(stream, *, actor=None, source: str = "", dry_run: bool = False):
    """Read PC6 centres from a CSV text stream (columns postcode, latitude, longitude; a
    header line; comma or semicolon) and store them: all rows or, when any row is wrong,
    none. Returns what was (or with `dry_run` would be) added and changed, or the errors
    with their line numbers."""
    result = PostcodeImport()
    sample = stream.read(4096)
    stream.seek(0)
    reader = csv.reader(stream, delimiter=";" if sample.count(";") > sample.count(",") else ",")
    header = next(reader, None)
    if header is None:
        result.errors.append(_("The file is empty."))
        return result
    names = [h.strip().lower().lstrip("\ufeff") for h in header]
    missing = [c for c in POSTCODE_COLUMNS if c not in names]
    if missing:
        result.errors.append(
            _("line 1: the columns %(columns)s are missing.") % {"columns": ", ".join(missing)}
        )
        return result
    at = {c: names.index(c) for c in POSTCODE_COLUMNS}
    areas: dict[str, tuple[Decimal, Decimal]] = {}
    for line, row in enumerate(reader, start=2):
        if len(result.errors) >= POSTCODE_MAX_ERRORS:
            break
        if not any(cell.strip() for cell in row):
            continue
        result.rows += 1
        if result.rows > POSTCODE_MAX_ROWS:
            result.errors.append(
                _("line %(line)d: more than %(max)d postcodes; is this the right file?")
                % {"line": line, "max": POSTCODE_MAX_ROWS}
            )
            break
        if len(row) < len(names):
            result.errors.append(_("line %(line)d: too few columns.") % {"line": line})
            continue
        try:
            postcode = normalise_postcode(row[at["postcode"]])
        except ValidationError:
            postcode = ""
        if not postcode:
            result.errors.append(
                _("line %(line)d: %(value)s is not a postcode like 2031AB.")
                % {"line": line, "value": row[at["postcode"]].strip()[:20] or "''"}
            )
            continue
        try:
            point = (
                _coordinate(row[at["latitude"]], NL_LATITUDE),
                _coordinate(row[at["longitude"]], NL_LONGITUDE),
            )
        except (ValueError, ArithmeticError):
            result.errors.append(
                _("line %(line)d: the latitude and longitude must be numbers in the Netherlands.")
                % {"line": line}
            )
            continue
        if postcode in areas:
            result.errors.append(
                _("line %(line)d: postcode %(postcode)s is in the file twice.")
                % {"line": line, "postcode": postcode}
            )
            continue
        areas[postcode] = point
    if result.errors:
        return result
    known: dict[str, tuple[Decimal, Decimal]] = {}
    codes = list(areas)
    for start in range(0, len(codes), 5000):
        known.update(
            (pc, (lat, lon))
            for pc, lat, lon in PostcodeArea.objects.filter(
                postcode__in=codes[start : start + 5000]
            ).values_list("postcode", "latitude", "longitude")
        )
    result.added = sum(1 for pc in areas if pc not in known)
    result.changed = sum(1 for pc, point in areas.items() if pc in known and known[pc] != point)
    if dry_run:
        return result
    with transaction.atomic():
        PostcodeArea.objects.bulk_create(
            [
                PostcodeArea(postcode=pc, latitude=lat, longitude=lon, source=source[:60])
                for pc, (lat, lon) in areas.items()
                if known.get(pc) != (lat, lon)
            ],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["latitude", "longitude", "source"],
        )
        log_action(
            actor=actor,
            action="postcode_areas.imported",
            data={"added": result.added, "changed": result.changed, "source": source[:60]},
        )
    return result
