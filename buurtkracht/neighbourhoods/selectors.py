from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from buurtkracht.core import access, paging
from buurtkracht.core.choices import Role

from .models import Invitation, Membership, Neighbourhood


@dataclass
class NeighbourhoodSummary:
    members: int
    residents: int
    connectors: int
    professionals: int
    organisations: list[str]
    abundance: list
    """(category key, offered, asked) per category, as stored."""
    computed_at: object = None
    current: bool = True
    version: str = ""


def neighbourhood_summary(*, neighbourhood: Neighbourhood) -> NeighbourhoodSummary:
    """Counts only: safe to show to anyone. Read from the stored figures
    (`gifts.snapshot`), which a background job keeps up to date."""
    from buurtkracht.jobs.selectors import stored

    found = stored("stats", neighbourhood)
    data = found.data
    return NeighbourhoodSummary(
        members=data.get("members", 0),
        residents=data.get("residents", 0),
        connectors=data.get("connectors", 0),
        professionals=data.get("professionals", 0),
        organisations=data.get("organisations", []),
        abundance=data.get("abundance", []),
        computed_at=found.computed_at,
        current=found.current,
        version=found.version,
    )


def neighbourhoods_public(*, limit: int = 100) -> list[Neighbourhood]:
    """The neighbourhoods for the landing page, each with its number of members from the
    stored figures (never a count over every membership per view)."""
    from buurtkracht.jobs.models import Snapshot
    from buurtkracht.jobs.selectors import stored

    hoods = list(Neighbourhood.objects.order_by("name")[:limit])
    figures = dict(
        Snapshot.objects.filter(
            kind="stats", neighbourhood__in=hoods, computed_at__isnull=False
        ).values_list("neighbourhood_id", "data")
    )
    for hood in hoods:
        data = figures.get(hood.pk)
        if data is None:  # never computed (a new neighbourhood): once, now
            data = stored("stats", hood).data
        hood.member_count = data.get("members", 0)  # type: ignore[attr-defined]  # for the page
    return hoods


def memberships_of(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("neighbourhood", "organisation")


MEMBERS_PAGE = 50


def members_for_admin(
    *, neighbourhood, viewer, membership, query: str = "", role: str = "", after: str = ""
) -> paging.Page:
    """One page of the member list an administrator manages, by name (`query`: names
    that start with it; `role`: only that role), and where the next page starts. Names
    are shown to manage roles, and this read is logged
    (docs/decisions/0006-admins-see-member-names.md)."""
    from buurtkracht.people.models import name_starts

    queryset = Membership.objects.filter(neighbourhood=neighbourhood).select_related(
        "user__profile", "organisation"
    )
    if role in Role.values:
        queryset = queryset.filter(role=role)
    queryset = name_starts(queryset, query, field="user__profile__search_name")
    page = paging.by_key(
        queryset, key="user__profile__search_name", pk="user_id", after=after, limit=MEMBERS_PAGE
    )
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[m.user_id for m in page.rows],
        what="member_admin",
    )
    return page


def invitations_of(*, neighbourhood) -> QuerySet[Invitation]:
    return Invitation.objects.filter(neighbourhood=neighbourhood).select_related(
        "created_by__profile"
    )


def organisations_with_counts(*, neighbourhood):
    """All organisations, with how many of their professionals are members here."""
    from .models import Organisation

    return Organisation.objects.annotate(
        here=Count("memberships", filter=Q(memberships__neighbourhood=neighbourhood))
    ).order_by("-here", "name")


def member_or_404(neighbourhood, user_id: str | int | None):
    """The member of `neighbourhood` whose id a form sent (as text), or 404 — also for ids
    that are not numbers, so a tampered form never reaches the database as a traceback."""
    from django.contrib.auth import get_user_model
    from django.shortcuts import get_object_or_404

    text = str(user_id or "")
    return get_object_or_404(
        get_user_model(),
        pk=int(text) if text.isdigit() else None,
        memberships__neighbourhood=neighbourhood,
    )
