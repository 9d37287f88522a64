"""Who may do what with an initiative. The neighbourhood-level rules live in
`core.access`; this adds the initiative's own roles. Views ask here, never decide."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from buurtkracht.core.choices import Role as NeighbourhoodRole

from .models import Initiative, Role
from .services import role_of


def initiative_in(neighbourhood, initiative_id: int) -> Initiative:
    """An initiative of this neighbourhood (open or closed), or 404."""
    return get_object_or_404(
        Initiative.objects.select_related("place"), pk=initiative_id, neighbourhood=neighbourhood
    )


def is_owner(user, initiative) -> bool:
    return role_of(user, initiative) == Role.OWNER


def is_part(user, initiative) -> bool:
    return role_of(user, initiative) in (Role.OWNER, Role.MEMBER)


def sees_fragility(user, membership, initiative) -> bool:
    """The fragility signal is for the initiative's owners and the neighbourhood's
    connectors (product rule 4), not a public verdict."""
    if is_owner(user, initiative):
        return True
    return membership is not None and membership.role == NeighbourhoodRole.CONNECTOR


def require_open(initiative) -> None:
    if not initiative.is_open:
        raise Http404
