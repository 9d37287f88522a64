"""Reading the social map: "Waar kan ik terecht met …?" and one service (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from buurtkracht.gifts.search import Document, DocumentIndex
from buurtkracht.gifts.taxonomy import taxonomy_index

from .models import Service, scope_of
from .opening import Opening, opening

STALE_AFTER = timedelta(days=365)
"""An entry nobody checked for this long is marked ("niet gecontroleerd sinds …")."""
FOUND_SHOWN = 20


def services_for(neighbourhood) -> QuerySet[Service]:
    """The neighbourhood's own social map and its municipality's, in use."""
    scopes = [
        scope_of(municipality=neighbourhood.municipality, neighbourhood=neighbourhood),
        scope_of(municipality=neighbourhood.municipality),
    ]
    return (
        Service.objects.filter(scope__in=scopes)
        .exclude(status__in=["inactive", "defunct"])
        .select_related("organization")
    )


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


def search(*, neighbourhood, query: str) -> list[FoundService]:
    """Services for a question in a resident's own words, best first, with the Dutch text
    engine of the matching (stemming, compounds, the taxonomy's synonyms). Without a
    question: all, by name. The social map of a municipality is hundreds of services, not
    a city's residents, so it is searched whole."""
    services = list(
        services_for(neighbourhood).prefetch_related("at_locations__location").order_by("name")
    )
    if not query.strip():
        return [_found(s) for s in services[:FOUND_SHOWN]]
    index = DocumentIndex([Document(id=str(s.pk), title=s.name, text=_text(s)) for s in services])
    by_id = {str(s.pk): s for s in services}
    hits = index.search(query, taxonomy=taxonomy_index(neighbourhood), limit=FOUND_SHOWN)
    return [_found(by_id[hit.id]) for hit in hits]


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
