"""The people in an initiative: asking to join, the owners' yes or no, owner or member,
leaving. Each button posts to its own URL and comes back to the page with a message."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buurtkracht.core.access import Action, requires

from .. import services
from ..access import initiative_in, involvement_in
from ..models import Role
from .page import reported, to_detail


@require_POST
@requires(Action.INITIATIVES_USE)
def ask(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    with reported(request, _("Asked. The owners decide and you will see it here.")):
        services.ask_to_join(
            actor=request.user, initiative=initiative, membership=request.membership
        )
    return to_detail(request, initiative)


def _decide(request, initiative_id: int, involvement_id: int, *, accept: bool):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    involvement = involvement_in(initiative, involvement_id)
    with reported(request, _("Saved.")):
        services.decide(actor=request.user, involvement=involvement, accept=accept)
    return to_detail(request, initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def accept(request, slug, initiative_id: int, involvement_id: int):
    """An owner lets in someone who asked to join."""
    return _decide(request, initiative_id, involvement_id, accept=True)


@require_POST
@requires(Action.INITIATIVES_USE)
def decline(request, slug, initiative_id: int, involvement_id: int):
    """An owner says no to someone who asked to join."""
    return _decide(request, initiative_id, involvement_id, accept=False)


def _set_role(request, initiative_id: int, involvement_id: int, *, role: str):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    involvement = involvement_in(initiative, involvement_id)
    with reported(request, _("Saved.")):
        services.set_role(actor=request.user, involvement=involvement, role=role)
    return to_detail(request, initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def make_owner(request, slug, initiative_id: int, involvement_id: int):
    return _set_role(request, initiative_id, involvement_id, role=Role.OWNER)


@require_POST
@requires(Action.INITIATIVES_USE)
def make_member(request, slug, initiative_id: int, involvement_id: int):
    return _set_role(request, initiative_id, involvement_id, role=Role.MEMBER)


@require_POST
@requires(Action.INITIATIVES_USE)
def leave(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    with reported(request, _("You have left the initiative.")):
        services.leave(actor=request.user, initiative=initiative)
    return to_detail(request, initiative)
