"""Tasks and roles people carry, and inviting a neighbour to take an open one (the same
flow as an invitation to help with a request: they decide themselves)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.exchange.services import answer_once
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify
from buurtkracht.people.services import contact_connect

from ..models import NAME_MAX, Initiative, Involvement, Recurrence, Role, Task, TaskInvitation
from ..selectors import role_of
from .base import clean_text, closed, field_error, require_owner

MESSAGE_MAX = 300
REASON_MAX = 300


def _carried() -> ValidationError:
    return ValidationError(_("Someone else already carries this task."), code="taken")


def task_add(
    *,
    actor,
    initiative: Initiative,
    title: str,
    recurrence: str = Recurrence.ONCE,
    minutes: int | None = None,
    carried_by=None,
) -> Task:
    require_owner(actor, initiative)
    title = clean_text(title, field="title", required=True, limit=NAME_MAX)
    if recurrence not in Recurrence.values:
        raise field_error("recurrence", _("Choose how often."), "invalid_choice")
    if minutes is not None and not 1 <= minutes <= 24 * 60:
        raise field_error("minutes", _("Between 1 minute and 24 hours, please."), "out_of_range")
    if carried_by is not None and not access.is_in_initiative(role_of(carried_by, initiative)):
        raise field_error(
            "carried_by", _("Only people of the initiative can carry a task."), "not_part"
        )
    with transaction.atomic():
        task = Task.objects.create(
            initiative=initiative,
            title=title,
            recurrence=recurrence,
            minutes=minutes,
            carried_by=carried_by,
        )
        log_action(
            actor=actor, action="task.added", neighbourhood=initiative.neighbourhood, obj=task
        )
    return task


def task_take(*, actor, task: Task) -> Task:
    """A person of the initiative takes an open task (one at a time: the first wins)."""
    initiative = task.initiative
    if not access.is_in_initiative(role_of(actor, initiative)):
        raise ValidationError(
            _("Join the initiative first; then you can take a task."), code="not_part"
        )
    with transaction.atomic():
        if not Task.objects.filter(pk=task.pk, carried_by__isnull=True).update(carried_by=actor):
            raise _carried()
        log_action(
            actor=actor, action="task.taken", neighbourhood=initiative.neighbourhood, obj=task
        )
    task.refresh_from_db()
    return task


def task_release(*, actor, task: Task) -> Task:
    """The carrier (or an owner) hands a task back: it is open again."""
    initiative = task.initiative
    if not access.may_release_task(actor, task, role_of(actor, initiative)):
        raise ValidationError(
            _("Only the carrier or an owner can hand this task back."), code="not_carrier"
        )
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(carried_by=None)
        log_action(
            actor=actor, action="task.released", neighbourhood=initiative.neighbourhood, obj=task
        )
    task.refresh_from_db()
    return task


def _invitation_url(invitation: TaskInvitation, initiative: Initiative) -> str:
    return reverse(
        "initiatives:invitation",
        kwargs={"slug": initiative.neighbourhood.slug, "invitation_id": invitation.pk},
    )


def _check_invitee(*, actor, task: Task, invitee) -> None:
    if task.carried_by_id is not None:
        raise _carried()
    if invitee.pk == actor.pk:
        raise ValidationError(_("You cannot invite yourself."), code="self")
    hood = task.initiative.neighbourhood
    if not Membership.objects.filter(user=invitee, neighbourhood=hood).exists():
        raise ValidationError(
            _("This person is not a member of this neighbourhood."), code="not_member"
        )


def task_invite(
    *, actor, task: Task, invitee, message: str = "", reason: str = ""
) -> TaskInvitation:
    """An owner invites a neighbour to take an open task (the same flow as inviting someone
    to help with a request: they decide themselves)."""
    initiative = task.initiative
    require_owner(actor, initiative)
    _check_invitee(actor=actor, task=task, invitee=invitee)
    message = clean_text(message, field="message", required=False, limit=MESSAGE_MAX)
    try:
        with transaction.atomic():
            invitation = TaskInvitation.objects.create(
                task=task,
                invitee=invitee,
                invited_by=actor,
                message=message,
                reason=(reason or "")[:REASON_MAX],
            )
            notify(
                user=invitee,
                kind=Kind.INVITATION,
                title=gettext_lazy("Would you like to help with %(initiative)s?"),
                body=gettext_lazy("You decide yourself. Saying no is fine."),
                params={"initiative": initiative.name},
                url=_invitation_url(invitation, initiative),
                neighbourhood=initiative.neighbourhood,
            )
            log_action(
                actor=actor,
                action="task.invited",
                neighbourhood=initiative.neighbourhood,
                obj=invitation,
                data={"task": task.pk, "invitee": invitee.pk},
            )
    except IntegrityError:
        raise ValidationError(
            _("You already invited this person for this task."), code="already_invited"
        ) from None
    return invitation


def _join_and_carry(*, actor, task: Task) -> None:
    """The yes to a task: a member of the initiative (one who only asked is let in) who
    carries the task, unless someone else took it meanwhile."""
    initiative = task.initiative
    if not initiative.is_open:
        raise closed()
    involvement, created = Involvement.objects.get_or_create(
        initiative=initiative, user=actor, defaults={"role": Role.MEMBER}
    )
    if not created and involvement.role == Role.ASKED:
        Involvement.objects.filter(pk=involvement.pk).update(role=Role.MEMBER)
    if not Task.objects.filter(pk=task.pk, carried_by__isnull=True).update(carried_by=actor):
        raise ValidationError(
            _("Someone else took this task in the meantime. Thank you all the same!"),
            code="taken_meanwhile",
        )


def task_invitation_answer(*, actor, invitation: TaskInvitation, accept: bool) -> Task | None:
    """The invited person says yes or no, once. Yes makes them a member of the initiative
    who carries the task, and puts them in contact with the owner who asked. When someone
    else took the task meanwhile, the yes is refused and nothing changes (they may still
    say no, or join the initiative another way)."""
    task = invitation.task
    initiative = task.initiative
    with transaction.atomic():
        answer_once(invitation, actor=actor, accept=accept)
        log_action(
            actor=actor,
            action="task.invitation_accepted" if accept else "task.invitation_declined",
            neighbourhood=initiative.neighbourhood,
            obj=invitation,
        )
        url = reverse(
            "initiatives:detail",
            kwargs={"slug": initiative.neighbourhood.slug, "initiative_id": initiative.pk},
        )
        if not accept:
            notify(
                user=invitation.invited_by,
                kind=Kind.INVITATION_ANSWERED,
                title=gettext_lazy("Someone said no this time. Invite someone else?"),
                url=url,
                neighbourhood=initiative.neighbourhood,
            )
            invitation.refresh_from_db()
            return None
        _join_and_carry(actor=actor, task=task)
        contact_connect(a=actor, b=invitation.invited_by, source="initiative")
        notify(
            user=invitation.invited_by,
            kind=Kind.INVITATION_ANSWERED,
            title=gettext_lazy("Good news: someone said yes to a task."),
            body=gettext_lazy("You can now see each other's details."),
            url=url,
            neighbourhood=initiative.neighbourhood,
        )
    invitation.refresh_from_db()
    task.refresh_from_db()
    return task
