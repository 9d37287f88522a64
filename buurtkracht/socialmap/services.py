"""Writing the social map: an HSDS import in one transaction, logged (issue 19)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action

from . import hsds_io
from .models import Location, Organization, Service, ServiceAtLocation, scope_of


def _day(text) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def hsds_import(*, actor, municipality: str, neighbourhood=None, data: bytes):
    """Check the file (`hsds_io.plan`) and write every object, or nothing: refused with
    the problems (code "invalid") when there are any. Objects already on this social map
    (the same HSDS id) are replaced. Returns the plan."""
    found = hsds_io.plan(data)
    if found.problems:
        shown = found.problems[: hsds_io.PROBLEMS_SHOWN]
        raise ValidationError([ValidationError(p, code="invalid") for p in shown])
    if not found.ok:
        raise ValidationError(_("There is nothing to import."), code="empty")
    scope = scope_of(municipality=municipality, neighbourhood=neighbourhood)
    common = {"scope": scope, "municipality": municipality, "neighbourhood": neighbourhood}
    with transaction.atomic():
        orgs = {}
        for hsds_id, document in found.objects["organization"].items():
            orgs[hsds_id], _new = Organization.objects.update_or_create(
                scope=scope,
                hsds_id=hsds_id,
                defaults={
                    **common,
                    "document": document,
                    "name": str(document.get("name", ""))[:300],
                    "description": str(document.get("description", "")),
                },
            )
        locations = {}
        for hsds_id, document in found.objects["location"].items():
            owner, position = found.links["location"].get(hsds_id, (None, 0))
            locations[hsds_id], _new = Location.objects.update_or_create(
                scope=scope,
                hsds_id=hsds_id,
                defaults={
                    **common,
                    "document": document,
                    "organization": orgs.get(owner or ""),
                    "position": position,
                    "name": str(document.get("name") or "")[:300],
                    "latitude": _number(document.get("latitude")),
                    "longitude": _number(document.get("longitude")),
                },
            )
        services = {}
        for hsds_id, document in found.objects["service"].items():
            owner, position = found.links["service"].get(
                hsds_id, (document.get("organization_id"), 0)
            )
            services[hsds_id], _new = Service.objects.update_or_create(
                scope=scope,
                hsds_id=hsds_id,
                defaults={
                    **common,
                    "document": document,
                    "organization": orgs.get(str(owner or ""))
                    or Organization.objects.filter(scope=scope, hsds_id=str(owner or "")).first(),
                    "position": position,
                    "name": str(document.get("name", ""))[:300],
                    "description": str(document.get("description", "")),
                    "status": str(document.get("status", "active"))[:30],
                    "reviewed_on": _day(document.get("assured_date")),
                },
            )
        for hsds_id, document in found.objects["service_at_location"].items():
            service_id, position = found.links["service_at_location"][hsds_id]
            ServiceAtLocation.objects.update_or_create(
                scope=scope,
                hsds_id=hsds_id,
                defaults={
                    **common,
                    "document": document,
                    "service": services[service_id],
                    "location": locations[found.at[hsds_id]],
                    "position": position,
                },
            )
        log_action(
            actor=actor,
            action="socialmap.hsds_imported",
            neighbourhood=neighbourhood,
            data={"scope": scope, **found.counts()},
        )
    return found
