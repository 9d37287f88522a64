"""Writing the social map: an HSDS import in one transaction, logged (issue 19)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.choices import Role
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify

from . import hsds_io
from .models import (
    Correction,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    scope_of,
)


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
        # Services whose organisation is not in this file but already on the map: read
        # those organisations once, not once per service.
        named = (
            {
                str(document.get("organization_id") or "")
                for document in found.objects["service"].values()
            }
            - set(orgs)
            - {""}
        )
        orgs.update(
            {o.hsds_id: o for o in Organization.objects.filter(scope=scope, hsds_id__in=named)}
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
                    "organization": orgs.get(str(owner or "")),
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


def hsds_import_tabular(*, actor, municipality: str, neighbourhood=None, files: dict[str, bytes]):
    """An HSDS Tabular Data Package (CSV files by name): read into HSDS JSON
    (`hsds_tabular.to_json`), then imported like a JSON file, all or nothing."""
    import json

    from . import hsds_tabular

    roots, problems = hsds_tabular.to_json(files)
    if problems:
        shown = problems[: hsds_io.PROBLEMS_SHOWN]
        raise ValidationError([ValidationError(p, code="invalid") for p in shown])
    return hsds_import(
        actor=actor,
        municipality=municipality,
        neighbourhood=neighbourhood,
        data=json.dumps(roots).encode(),
    )


# --- residents' corrections -------------------------------------------------------------------


def correction_suggest(*, actor, membership, neighbourhood, service, text: str) -> Correction:
    """A member says what is not right about a service; the neighbourhood's professionals
    and administrators hear of it (a notification). Returns the correction."""
    acting_membership(actor, neighbourhood, membership)
    if not access.member_may(
        actor, access.Action.SOCIAL_MAP_SUGGEST, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(
            _("Only members of this neighbourhood can do this."), code="not_allowed"
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError(_("Write what is not right."), code="required")}
        )
    if len(text) > Correction.TEXT_MAX:
        raise ValidationError(
            {
                "text": ValidationError(
                    _("At most %(max)s characters.") % {"max": Correction.TEXT_MAX},
                    code="too_long",
                )
            }
        )
    url = reverse(
        "socialmap:service", kwargs={"slug": neighbourhood.slug, "service_id": service.pk}
    )
    with transaction.atomic():
        correction = Correction.objects.create(
            service=service, neighbourhood=neighbourhood, author=actor, text=text
        )
        log_action(
            actor=actor,
            action="socialmap.correction_suggested",
            neighbourhood=neighbourhood,
            obj=correction,
        )
        handlers = Membership.objects.filter(
            neighbourhood=neighbourhood, role__in=[Role.PROFESSIONAL, Role.ADMIN]
        ).select_related("user")
        for handler in handlers:
            notify(
                user=handler.user,
                kind=Kind.SOCIAL_MAP_CORRECTION,
                title=gettext_lazy("A correction to the social map: %(service)s"),
                body=text[:300],
                url=url,
                neighbourhood=neighbourhood,
                params={"service": service.name},
            )
    return correction


def correction_handled(*, actor, membership, correction: Correction) -> Correction:
    """A professional or administrator checked the suggestion (and changed the entry)."""
    if not access.member_may(
        actor,
        access.Action.SOCIAL_MAP_MANAGE,
        neighbourhood=correction.neighbourhood,
        membership=membership,
    ):
        raise ValidationError(
            _("Only professionals and administrators of this neighbourhood can do this."),
            code="not_allowed",
        )
    with transaction.atomic():
        correction.handled_at = timezone.now()
        correction.handled_by = actor
        correction.save(update_fields=["handled_at", "handled_by"])
        log_action(
            actor=actor,
            action="socialmap.correction_handled",
            neighbourhood=correction.neighbourhood,
            obj=correction,
        )
    return correction
