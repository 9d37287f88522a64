"""Reading the social map: "Waar kan ik terecht met …?" and one service (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.gifts.search import Document, DocumentIndex
from buurtkracht.gifts.taxonomy import taxonomy_index

from .models import NOT_OFFERED, Service, ServiceTopic, map_scopes, scope_of
from .opening import Opening, opening
from .topics import Topic, topics_of, vocabulary

STALE_AFTER = timedelta(days=365)
"""An entry nobody checked for this long is marked ("niet gecontroleerd sinds …")."""
FOUND_SHOWN = 20


def services_for(neighbourhood) -> QuerySet[Service]:
    """The neighbourhood's own social map and its municipality's, in use."""
    return (
        Service.objects.filter(scope__in=map_scopes(neighbourhood))
        .exclude(status__in=NOT_OFFERED)
        .select_related("organization")
    )


def stale_q(today: date) -> Q:
    """Services nobody checked in the last STALE_AFTER (or ever), as a filter."""
    return Q(reviewed_on__isnull=True) | Q(reviewed_on__lt=today - STALE_AFTER)


def is_stale(service, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return service.reviewed_on is None or today - service.reviewed_on > STALE_AFTER


def _text(service) -> str:
    document = service.document
    parts = [
        document.get("alternate_name"),
        document.get("description"),
        document.get("eligibility_description"),
        document.get("application_process"),
        service.organization.name if service.organization else "",
        *(topic.name for topic in topics_of(document)),
    ]
    return " ".join(str(p) for p in parts if p)


@dataclass(frozen=True)
class FoundService:
    service: Service
    opening: Opening
    stale: bool
    address: str

    @property
    def point(self) -> tuple[float, float] | None:
        """Where it is offered, for the map: the first location with coordinates."""
        for sal in self.service.at_locations.all():
            if sal.location.latitude is not None and sal.location.longitude is not None:
                return sal.location.latitude, sal.location.longitude
        return None


def _address(service) -> str:
    for sal in service.at_locations.all():
        for address in sal.location.document.get("addresses") or []:
            if isinstance(address, dict) and address.get("address_1"):
                city = address.get("city") or ""
                return f"{address['address_1']}, {city}".strip(", ")
    return ""


def _found(service) -> FoundService:
    schedules = list(service.document.get("schedules") or [])
    for sal in service.at_locations.all():
        schedules += sal.document.get("schedules") or []
    return FoundService(service, opening(schedules), is_stale(service), _address(service))


def search(*, neighbourhood, query: str, topic: str = "") -> list[FoundService]:
    """Services for a question in a resident's own words, best first, with the Dutch text
    engine of the matching (stemming, compounds, the taxonomy's synonyms; a service's
    topics count as its words). Without a question: all, by name. `topic`: only the
    services with this UPL topic. The social map of a municipality is hundreds of
    services, not a city's residents, so it is searched whole."""
    found = services_for(neighbourhood)
    if topic:
        found = found.filter(topics__code=topic)
    services = list(found.prefetch_related("at_locations__location").order_by("name"))
    if not query.strip():
        return [_found(s) for s in services[:FOUND_SHOWN]]
    index = DocumentIndex([Document(id=str(s.pk), title=s.name, text=_text(s)) for s in services])
    by_id = {str(s.pk): s for s in services}
    hits = index.search(query, taxonomy=taxonomy_index(neighbourhood), limit=FOUND_SHOWN)
    return [_found(by_id[hit.id]) for hit in hits]


TOPICS_SHOWN = 40


def topics_in_use(*, neighbourhood) -> list[tuple[Topic, int]]:
    """The UPL topics of the services on the neighbourhood's maps, with how many services
    have each: most used first (at most TOPICS_SHOWN), to browse by."""
    rows = (
        ServiceTopic.objects.filter(service__in=services_for(neighbourhood))
        .values("code", "name")
        .annotate(services=Count("service"))
        .order_by("-services", "name")[:TOPICS_SHOWN]
    )
    known = vocabulary()
    return [
        (known.get(row["code"]) or Topic(row["code"], row["name"]), row["services"]) for row in rows
    ]


def topic_named(code: str) -> Topic | None:
    return vocabulary().get(code)


def editable_service(*, neighbourhood, service_id: int) -> Service | None:
    """A service on the neighbourhood's maps, also one no longer offered (to edit it)."""
    return (
        Service.objects.filter(scope__in=map_scopes(neighbourhood), pk=service_id)
        .select_related("organization", "keeper")
        .first()
    )


def organization_choices(*, neighbourhood) -> list[tuple[int, str]]:
    """The organisations on the neighbourhood's maps, for the edit page."""
    from .models import Organization

    return list(
        Organization.objects.filter(scope__in=map_scopes(neighbourhood))
        .order_by("name", "pk")
        .values_list("pk", "name")
    )


def keeper_choices(*, viewer, neighbourhood, service=None) -> list[tuple[int, str]]:
    """Who may keep an entry up to date (the neighbourhood's professionals and admins),
    and the service's keeper of now when they are of another neighbourhood; each by the
    name `viewer` may see (people.selectors.display_names)."""
    from buurtkracht.core.choices import Role
    from buurtkracht.neighbourhoods.models import Membership
    from buurtkracht.people.selectors import display_names

    rows = list(
        Membership.objects.filter(
            neighbourhood=neighbourhood, role__in=[Role.PROFESSIONAL, Role.ADMIN]
        ).order_by("pk")
    )
    if service is not None and service.keeper_id and service.keeper_id not in {m.pk for m in rows}:
        rows.append(service.keeper)
    names = display_names(
        viewer=viewer, neighbourhood=neighbourhood, user_ids=[m.user_id for m in rows]
    )
    hidden = _("Someone whose name is hidden (%(number)s)")
    return [(m.pk, names.get(m.user_id) or hidden % {"number": m.pk}) for m in rows]


STALE_PAGE = 25


def stale_services(*, neighbourhood, page: int = 1):
    """The entries on the neighbourhood's maps nobody checked for a year, oldest first,
    a page at a time (a Django Page)."""
    from django.core.paginator import Paginator

    today = timezone.localdate()
    rows = (
        services_for(neighbourhood)
        .filter(stale_q(today))
        .order_by(F("reviewed_on").asc(nulls_first=True), "pk")
    )
    return Paginator(rows, STALE_PAGE).get_page(page)


def service_of(*, neighbourhood, service_id: int) -> FoundService | None:
    service = (
        services_for(neighbourhood)
        .prefetch_related("at_locations__location")
        .filter(Q(pk=service_id))
        .first()
    )
    return _found(service) if service else None


def open_corrections(*, service, neighbourhood):
    """Residents' suggestions for this service not handled yet (newest first, at most 20)."""
    from .models import Correction

    return list(
        Correction.objects.filter(
            service=service, neighbourhood=neighbourhood, handled_at__isnull=True
        )[:20]
    )


def tabular_export(*, municipality: str, neighbourhood=None) -> dict[str, bytes]:
    """One social map as an HSDS Tabular Data Package: CSV files by name."""
    from . import hsds_io, hsds_tabular
    from .models import Organization

    scope = scope_of(municipality=municipality, neighbourhood=neighbourhood)
    roots = [
        ("organization", hsds_io.organization_full(org))
        for org in Organization.objects.filter(scope=scope).order_by("pk")
    ]
    roots += [
        ("service", hsds_io.service_full(service))
        for service in Service.objects.filter(scope=scope, organization__isnull=True).order_by("pk")
    ]
    return hsds_tabular.from_json(roots)
