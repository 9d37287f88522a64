"""Writing the social map: an HSDS import in one transaction, logged (issue 19)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
    NOT_OFFERED,
    Correction,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    ServiceTopic,
    map_scopes,
    scope_of,
)
from .opening import is_weekly, weekly_schedules
from .topics import topics_of, with_topics


def _day(text) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def hsds_check(data: bytes) -> hsds_io.Plan:
    """The import's check without the import: the plan, or refused with the problems."""
    found = hsds_io.plan(data)
    if found.problems:
        shown = found.problems[: hsds_io.PROBLEMS_SHOWN]
        raise ValidationError([ValidationError(p, code="invalid") for p in shown])
    if not found.ok:
        raise ValidationError(_("There is nothing to import."), code="empty")
    return found


def hsds_import(*, actor, municipality: str, neighbourhood=None, data: bytes):
    """Check the file (`hsds_io.plan`) and write every object, or nothing: refused with
    the problems (code "invalid") when there are any. Objects already on this social map
    (the same HSDS id) are replaced. Returns the plan."""
    found = hsds_check(data)
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
        _sync_topics(list(services.values()))
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


def _sync_topics(services: list[Service]) -> None:
    """The `ServiceTopic` rows of these services, from their HSDS documents."""
    ServiceTopic.objects.filter(service__in=services).delete()
    ServiceTopic.objects.bulk_create(
        [
            ServiceTopic(service=service, code=topic.code, name=topic.name)
            for service in services
            for topic in topics_of(service.document)
        ]
    )


UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def hsds_json(files: dict[str, bytes]) -> bytes:
    """One HSDS JSON file, or the CSV files of a data package read into JSON."""
    import json

    from . import hsds_tabular

    names = sorted(files)
    if len(names) == 1 and names[0].lower().endswith(".json"):
        return files[names[0]]
    if names and all(name.lower().endswith(".csv") for name in names):
        roots, problems = hsds_tabular.to_json(files)
        if problems:
            shown = problems[: hsds_io.PROBLEMS_SHOWN]
            raise ValidationError([ValidationError(p, code="invalid") for p in shown])
        return json.dumps(roots).encode()
    raise ValidationError(
        _("Choose one HSDS JSON file, or the CSV files of an HSDS data package."),
        code="file_type",
    )


def hsds_upload(*, actor, membership, neighbourhood, files: dict[str, bytes], dry_run: bool):
    """A professional or administrator imports HSDS files into the neighbourhood's own
    social map (the municipality's map is the operator's: the socialmap_import command).
    `dry_run`: only check, write nothing. All or nothing, as `hsds_import`. Returns the
    plan (what it found, by kind)."""
    _may_manage(actor, membership, neighbourhood)
    if sum(len(data) for data in files.values()) > UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The files are too big: at most %(mb)s MB together.")
            % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)},
            code="too_big",
        )
    data = hsds_json(files)
    if dry_run:
        return hsds_check(data)
    return hsds_import(
        actor=actor,
        municipality=neighbourhood.municipality,
        neighbourhood=neighbourhood,
        data=data,
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


# --- professionals edit on a page ------------------------------------------------------------

TEXT_FIELDS = [
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "email",
    "url",
]
STATUSES = {"active", "inactive", "temporarily closed", "defunct"}


def _may_manage(actor, membership, neighbourhood) -> None:
    acting_membership(actor, neighbourhood, membership)
    if not access.member_may(
        actor, access.Action.SOCIAL_MAP_MANAGE, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(
            _("Only professionals and administrators of this neighbourhood can do this."),
            code="not_allowed",
        )


def keepers(neighbourhood):
    """Who may keep an entry up to date: the neighbourhood's professionals and admins."""
    return Membership.objects.filter(
        neighbourhood=neighbourhood, role__in=[Role.PROFESSIONAL, Role.ADMIN]
    ).select_related("user")


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


def _languages(old: list, text: str) -> list[dict]:
    """ "Nederlands, Engels" as HSDS languages, keeping the ones the service had."""
    kept = {str(lang.get("name", "")).lower(): lang for lang in old if isinstance(lang, dict)}
    names = [n.strip() for n in text.split(",") if n.strip()]
    return [kept.get(name.lower()) or {"id": _new_id(), "name": name} for name in names]


def _phones(old: list, number: str) -> list[dict]:
    """The first phone number as written on the page; the others as they were."""
    rest = [p for p in old[1:] if isinstance(p, dict)]
    if not number:
        return rest
    first = old[0] if old and isinstance(old[0], dict) else {"id": _new_id()}
    return [{**first, "number": number}, *rest]


def _edited(document: dict, *, values: dict, hours, topics: list[str], today: date) -> dict:
    """The service's HSDS document with the page's values; what the page does not show
    (funding, capacities, other taxonomies, a second phone …) stays as it was."""
    document = dict(document)
    document["name"] = values["name"]
    document["status"] = values["status"]
    for key in TEXT_FIELDS:
        value = str(values.get(key) or "").strip()
        if value:
            document[key] = value
        else:
            document.pop(key, None)
    document["phones"] = _phones(list(document.get("phones") or []), values.get("phone", ""))
    document["languages"] = _languages(
        list(document.get("languages") or []), values.get("languages", "")
    )
    if hours is not None:
        kept = [s for s in document.get("schedules") or [] if not is_weekly(s)]
        document["schedules"] = kept + weekly_schedules(hours, _new_id)
    document = with_topics(document, service_id=document["id"], codes=topics)
    document["assured_date"] = today.isoformat()
    return {key: value for key, value in document.items() if value != []}


def _checked_values(values: dict, *, neighbourhood, service) -> tuple[str, Membership]:
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError(
            {"name": ValidationError(_("Write the name of the service."), code="required")}
        )
    if values.get("status") not in STATUSES:
        raise ValidationError({"status": ValidationError(_("Choose a status."), code="invalid")})
    keeper = keepers(neighbourhood).filter(pk=values.get("keeper")).first()
    if keeper is None and service is not None and service.keeper_id == values.get("keeper"):
        keeper = service.keeper
    if keeper is None:
        raise ValidationError(
            {
                "keeper": ValidationError(
                    _("Choose a professional or administrator of this neighbourhood."),
                    code="invalid",
                )
            }
        )
    return name, keeper


def _organization(values: dict, *, actor, neighbourhood) -> Organization:
    """The chosen organisation on the neighbourhood's maps, or a new one on its own map."""
    new_name = str(values.get("new_organization") or "").strip()
    if new_name:
        scope = scope_of(municipality=neighbourhood.municipality, neighbourhood=neighbourhood)
        hsds_id = _new_id()
        # HSDS requires a description; it starts as the name (decision 0056).
        document: dict = {"id": hsds_id, "name": new_name, "description": new_name}
        document[hsds_io.NESTED] = ["services", "locations"]
        organization = Organization.objects.create(
            scope=scope,
            hsds_id=hsds_id,
            municipality=neighbourhood.municipality,
            neighbourhood=neighbourhood,
            name=new_name[:300],
            description=new_name,
            document=document,
        )
        log_action(
            actor=actor,
            action="socialmap.organization_added",
            neighbourhood=neighbourhood,
            obj=organization,
        )
        return organization
    chosen = Organization.objects.filter(
        pk=values.get("organization") or 0, scope__in=map_scopes(neighbourhood)
    ).first()
    if chosen is None:
        raise ValidationError(
            {
                "organization": ValidationError(
                    _("Choose an organisation, or write the name of a new one."), code="invalid"
                )
            }
        )
    return chosen


def _nest_services(organization: Organization) -> None:
    """A service added on a page is exported inside its organisation, as HSDS nests it."""
    nested = organization.document.get(hsds_io.NESTED, [])
    if "services" not in nested:
        organization.document = {**organization.document, hsds_io.NESTED: [*nested, "services"]}
        organization.save(update_fields=["document", "updated_at"])


def service_save(
    *, actor, membership, neighbourhood, service=None, values: dict, hours, topics: list[str]
) -> Service:
    """A professional or administrator writes a service of the neighbourhood's social map
    (a new one when `service` is None): its HSDS document and columns, its topics, "checked
    today". `hours`: the weekly opening hours by day, or None to keep the schedules as they
    are. A save from a page older than the last change is refused (code "changed"): the
    version is checked by the database in the same UPDATE that writes."""
    _may_manage(actor, membership, neighbourhood)
    if service is not None and service.scope not in map_scopes(neighbourhood):
        raise ValidationError(_("This service is not on this neighbourhood's map."), code="invalid")
    name, keeper = _checked_values(values, neighbourhood=neighbourhood, service=service)
    today = timezone.localdate()
    with transaction.atomic():
        organization = _organization(values, actor=actor, neighbourhood=neighbourhood)
        if service is None:
            service = _service_added(organization, name=name, actor=actor)
        document = _edited(
            {**service.document, "organization_id": organization.hsds_id},
            values={**values, "name": name},
            hours=hours,
            topics=topics,
            today=today,
        )
        version = values.get("version") or service.version
        changed = Service.objects.filter(pk=service.pk, version=version).update(
            document=document,
            organization=organization,
            name=name[:300],
            description=document.get("description", ""),
            status=values["status"],
            reviewed_on=today,
            keeper=keeper,
            reminded_at=None,
            version=version + 1,
            updated_at=timezone.now(),
        )
        if not changed:
            raise ValidationError(
                _(
                    "Someone else changed this service while you were writing. "
                    "Look at the new version and make your change again."
                ),
                code="changed",
            )
        service.refresh_from_db()
        if hours is not None:
            _move_hours_to_service(service)
        _nest_services(organization)
        _sync_topics([service])
        log_action(
            actor=actor, action="socialmap.service_saved", neighbourhood=neighbourhood, obj=service
        )
    return service


def _move_hours_to_service(service: Service) -> None:
    """The page's weekly hours are the service's: the same kind of hours where it is
    offered (HSDS allows both) would still count, so they go."""
    for sal in service.at_locations.all():
        schedules = list(sal.document.get("schedules") or [])
        kept = [s for s in schedules if not is_weekly(s)]
        if len(kept) != len(schedules):
            document = {**sal.document, "schedules": kept}
            if not kept:
                document.pop("schedules")
            sal.document = document
            sal.save(update_fields=["document", "updated_at"])


def _service_added(organization: Organization, *, name: str, actor) -> Service:
    """A new service of the organisation, offered at the organisation's locations."""
    hsds_id = _new_id()
    common = {
        "scope": organization.scope,
        "municipality": organization.municipality,
        "neighbourhood": organization.neighbourhood,
    }
    document = {"id": hsds_id, "name": name, "status": "active", hsds_io.NESTED: []}
    service = Service.objects.create(
        **common, hsds_id=hsds_id, organization=organization, name=name[:300], document=document
    )
    for position, location in enumerate(organization.locations.all()):
        sal_id = _new_id()
        ServiceAtLocation.objects.create(
            **common,
            hsds_id=sal_id,
            service=service,
            location=location,
            position=position,
            document={
                "id": sal_id,
                "service_id": hsds_id,
                "location_id": location.hsds_id,
                hsds_io.NESTED: ["location"],
            },
        )
    if organization.locations.exists():
        service.document = {**document, hsds_io.NESTED: ["service_at_locations"]}
        service.save(update_fields=["document"])
    return service


def service_checked(*, actor, membership, neighbourhood, service: Service) -> Service:
    """ "Still right": the entry was checked today (its HSDS `assured_date`)."""
    _may_manage(actor, membership, neighbourhood)
    if service.scope not in map_scopes(neighbourhood):
        raise ValidationError(_("This service is not on this neighbourhood's map."), code="invalid")
    today = timezone.localdate()
    with transaction.atomic():
        service.document = {**service.document, "assured_date": today.isoformat()}
        service.reviewed_on = today
        service.reminded_at = None
        service.save(update_fields=["document", "reviewed_on", "reminded_at", "updated_at"])
        log_action(
            actor=actor,
            action="socialmap.service_checked",
            neighbourhood=neighbourhood,
            obj=service,
        )
    return service


# --- reminders to the keepers of entries nobody checked for a year --------------------------

REMIND_AGAIN_AFTER_DAYS = 30
REMINDERS_PER_RUN = 500


def stale_reminders(today: date | None = None) -> int:
    """Remind each keeper of an entry not checked for a year (again after a month, while
    it stays unchecked); at most REMINDERS_PER_RUN a run, the next run goes on. Returns
    how many were sent."""
    from datetime import timedelta

    from .selectors import stale_q

    now = timezone.now()
    today = today or timezone.localdate()
    due = (
        Service.objects.filter(keeper__isnull=False)
        .exclude(status__in=NOT_OFFERED)
        .filter(stale_q(today))
        .filter(
            Q(reminded_at__isnull=True)
            | Q(reminded_at__lt=now - timedelta(days=REMIND_AGAIN_AFTER_DAYS))
        )
        .select_related("keeper__user", "keeper__neighbourhood")
        .order_by("pk")[:REMINDERS_PER_RUN]
    )
    sent = 0
    for service in due:
        keeper = service.keeper
        if keeper is None:  # filtered above; for the type checker
            continue
        url = reverse(
            "socialmap:service",
            kwargs={"slug": keeper.neighbourhood.slug, "service_id": service.pk},
        )
        with transaction.atomic():
            # Claim it first: two workers never remind the same keeper twice.
            claimed = Service.objects.filter(pk=service.pk, reminded_at=service.reminded_at).update(
                reminded_at=now
            )
            if not claimed:
                continue
            notify(
                user=keeper.user,
                kind=Kind.SOCIAL_MAP_STALE,
                title=gettext_lazy("Is this still right? %(service)s"),
                body=gettext_lazy(
                    "Nobody checked this entry of the social map for a year. "
                    "Look if it is still right, and press “Still right” or change it."
                ),
                url=url,
                neighbourhood=keeper.neighbourhood,
                params={"service": service.name},
            )
            log_action(
                actor=None,
                action="socialmap.stale_reminded",
                neighbourhood=keeper.neighbourhood,
                obj=service,
            )
        sent += 1
    return sent
