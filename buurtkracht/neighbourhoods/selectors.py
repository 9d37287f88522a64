from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet

from buurtkracht.core import access
from buurtkracht.core.choices import Role

from .models import Invitation, Membership, Neighbourhood


@dataclass
class NeighbourhoodSummary:
    members: int
    residents: int
    connectors: int
    professionals: int
    organisations: list[str]


def neighbourhood_summary(*, neighbourhood: Neighbourhood) -> NeighbourhoodSummary:
    """Counts only: safe to show to anyone."""
    counts = Membership.objects.filter(neighbourhood=neighbourhood).aggregate(
        members=Count("id"),
        residents=Count("id", filter=Q(role=Role.RESIDENT)),
        connectors=Count("id", filter=Q(role=Role.CONNECTOR)),
        professionals=Count("id", filter=Q(role=Role.PROFESSIONAL)),
    )
    organisations = sorted(
        set(
            Membership.objects.filter(
                neighbourhood=neighbourhood, organisation__isnull=False
            ).values_list("organisation__name", flat=True)
        )
    )
    return NeighbourhoodSummary(organisations=organisations, **counts)


def neighbourhoods_public() -> QuerySet[Neighbourhood]:
    return Neighbourhood.objects.annotate(member_count=Count("memberships")).order_by("name")


def memberships_of(*, user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("neighbourhood", "organisation")


def members_for_admin(
    *, neighbourhood, viewer, membership, page: int | str = 1, per_page: int = 50
):
    """One page of the member list an administrator manages. Names are shown to manage
    roles, and this read is logged (docs/decisions/0006-admins-see-member-names.md)."""
    queryset = (
        Membership.objects.filter(neighbourhood=neighbourhood)
        .select_related("user__profile", "organisation")
        .order_by("role", "user__profile__display_name", "id")
    )
    page_obj = Paginator(queryset, per_page).get_page(page)
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[m.user_id for m in page_obj],
        what="member_admin",
    )
    return page_obj


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
