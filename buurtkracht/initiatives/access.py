"""Who may do what with an initiative. The neighbourhood-level rules live in
`core.access`; this adds the initiative's own roles. Views ask here, never decide."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from buurtkracht.core.choices import Role as NeighbourhoodRole

from .models import Initiative, Role


def initiative_in(neighbourhood, initiative_id: int) -> Initiative:
    """An initiative of this neighbourhood (open or closed), or 404."""
    return get_object_or_404(
        Initiative.objects.select_related("place"), pk=initiative_id, neighbourhood=neighbourhood
    )


def sees_fragility(role: str | None, membership) -> bool:
    """The fragility signal is for the initiative's owners (`role` in it) and the
    neighbourhood's connectors (product rule 4), not a public verdict."""
    if role == Role.OWNER:
        return True
    return membership is not None and membership.role == NeighbourhoodRole.CONNECTOR
