"""The people in an initiative: asking to join, the owners' yes or no, owner or member,
leaving. An initiative always keeps at least one owner: the owners' rows are locked while
one of them goes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership

from ..models import Initiative, Involvement, Role, Task
from .base import require_open, require_owner


def _last_owner() -> ValidationError:
    return ValidationError(
        _("An initiative always has an owner. Make someone else owner first."), code="last_owner"
    )


def ask_to_join(*, actor, initiative: Initiative, membership: Membership | None) -> Involvement:
    """A member of the neighbourhood asks to join; the owners decide."""
    acting_membership(actor, initiative.neighbourhood, membership)
    require_open(initiative)
    try:
        with transaction.atomic():
            involvement = Involvement.objects.create(
                initiative=initiative, user=actor, role=Role.ASKED
            )
            log_action(
                actor=actor,
                action="initiative.asked",
                neighbourhood=initiative.neighbourhood,
                obj=initiative,
            )
    except IntegrityError:
        raise ValidationError(
            _("You are already part of this initiative."), code="already_part"
        ) from None
    return involvement


def decide(*, actor, involvement: Involvement, accept: bool) -> Involvement | None:
    """An owner lets someone in who asked, or says no."""
    require_owner(actor, involvement.initiative)
    with transaction.atomic():
        changed = Involvement.objects.filter(pk=involvement.pk, role=Role.ASKED)
        done = changed.update(role=Role.MEMBER) if accept else changed.delete()[0]
        if not done:
            raise ValidationError(
                _("This request has already been answered."), code="already_answered"
            )
        log_action(
            actor=actor,
            action="initiative.accepted" if accept else "initiative.declined",
            neighbourhood=involvement.initiative.neighbourhood,
            obj=involvement.initiative,
            data={"user": involvement.user_id},
        )
    if not accept:
        return None
    involvement.refresh_from_db()
    return involvement


def _lock_owners(initiative: Initiative) -> int:
    return len(
        list(
            Involvement.objects.select_for_update()
            .filter(initiative=initiative, role=Role.OWNER)
            .values_list("pk", flat=True)
        )
    )


def set_role(*, actor, involvement: Involvement, role: str) -> Involvement:
    """An owner makes a member owner, or an owner member again (never the last owner)."""
    initiative = involvement.initiative
    require_owner(actor, initiative)
    if role not in (Role.OWNER, Role.MEMBER):
        raise ValueError(role)
    if role == Role.OWNER and not access.may_own_initiative(
        Membership.objects.filter(
            user_id=involvement.user_id, neighbourhood_id=initiative.neighbourhood_id
        ).first()
    ):
        raise ValidationError(
            _("Initiatives are owned by residents. A professional can support it."),
            code="not_resident",
        )
    with transaction.atomic():
        if involvement.role == Role.OWNER and role != Role.OWNER and _lock_owners(initiative) <= 1:
            raise _last_owner()
        Involvement.objects.filter(pk=involvement.pk).update(role=role)
        log_action(
            actor=actor,
            action="initiative.role_set",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
            data={"user": involvement.user_id, "role": role},
        )
    involvement.refresh_from_db()
    return involvement


def leave(*, actor, initiative: Initiative) -> None:
    """Someone leaves (an owner only when another owner stays); their tasks open up."""
    with transaction.atomic():
        involvement = Involvement.objects.filter(initiative=initiative, user=actor).first()
        if involvement is None:
            raise ValidationError(_("You are not part of this initiative."), code="not_part")
        if involvement.role == Role.OWNER and _lock_owners(initiative) <= 1:
            raise _last_owner()
        involvement.delete()
        Task.objects.filter(initiative=initiative, carried_by=actor).update(carried_by=None)
        log_action(
            actor=actor,
            action="initiative.left",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
        )
