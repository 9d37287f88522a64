"""Tasks and roles: adding one, taking one on, handing it back; who could take an open
task (owners and connectors see it), inviting a neighbour, and the invited person's yes
or no."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.neighbourhoods.selectors import member_or_404
from buurtkracht.people.selectors import display_name_of, display_names

from .. import selectors, services
from ..access import initiative_in, invitation_for, task_in
from ..forms import TaskForm
from .page import answered, errors_into, reported, to_detail


@require_POST
@requires(Action.INITIATIVES_USE)
def task_add(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = TaskForm(request.POST, prefix="t")
    if form.is_valid():
        with errors_into(form):
            services.task_add(actor=request.user, initiative=initiative, **form.cleaned_data)
    return answered(request, initiative, form, "task_form")


@require_POST
@requires(Action.INITIATIVES_USE)
def task_take(request, slug, initiative_id: int, task_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    task = task_in(initiative, task_id)
    with reported(request, _("Thank you for taking this on!")):
        services.task_take(actor=request.user, task=task)
    return to_detail(request, initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def task_release(request, slug, initiative_id: int, task_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    task = task_in(initiative, task_id)
    with reported(request, _("Saved.")):
        services.task_release(actor=request.user, task=task)
    return to_detail(request, initiative)


def _helpers_task(request, initiative_id: int, task_id: int):
    """The task, and the viewer's role in its initiative, for those who see who could take
    it (its owners and the neighbourhood's connectors); 404 for everyone else."""
    initiative = initiative_in(request.neighbourhood, initiative_id)
    task = task_in(initiative, task_id)
    role = selectors.role_of(request.user, initiative)
    if not access.sees_initiative_fragility(role, request.membership):
        raise Http404
    return task, role


@require_GET
@requires(Action.INITIATIVES_USE)
def task_helpers(request, slug, initiative_id: int, task_id: int):
    """Who could take this open task (owners and connectors see it); owners invite."""
    task, role = _helpers_task(request, initiative_id, task_id)
    invitations = list(task.invitations.all())
    names = display_names(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_ids=[i.invitee_id for i in invitations],
    )
    return render(
        request,
        "initiatives/task_helpers.html",
        {
            "initiative": task.initiative,
            "task": task,
            "can_invite": access.may_manage_initiative(role, task.initiative),
            "suggestions": selectors.task_suggestions(
                task, viewer=request.user, membership=request.membership
            ),
            "invitations": [(i, names.get(i.invitee_id, _("a neighbour"))) for i in invitations],
        },
    )


@require_POST
@requires(Action.INITIATIVES_USE)
def task_invite(request, slug, initiative_id: int, task_id: int):
    """An owner invites a suggested neighbour; the reason is the server's, never the form's."""
    task, _role = _helpers_task(request, initiative_id, task_id)
    invitee = member_or_404(request.neighbourhood, request.POST.get("user"))
    reason = selectors.task_reason(
        task, invitee=invitee, viewer=request.user, membership=request.membership
    )
    with reported(request, _("The invitation is sent. They decide themselves.")):
        services.task_invite(
            actor=request.user,
            task=task,
            invitee=invitee,
            message=request.POST.get("message", ""),
            reason=reason,
        )
    return redirect(
        "initiatives:task_helpers", slug=slug, initiative_id=initiative_id, task_id=task_id
    )


@require_GET
@requires(Action.INITIATIVES_USE)
def task_invitation(request, slug, invitation_id: int):
    """The invited person reads the invitation (and says yes or no below it)."""
    invitation = invitation_for(request.user, request.neighbourhood, invitation_id)
    inviter = display_name_of(
        viewer=request.user,
        neighbourhood=request.neighbourhood,
        user_id=invitation.invited_by_id,
        otherwise=_("an owner"),
    )
    return render(
        request,
        "initiatives/task_invitation.html",
        {"invitation": invitation, "initiative": invitation.task.initiative, "inviter": inviter},
    )


def _answer(request, slug, invitation_id: int, *, accept: bool):
    invitation = invitation_for(request.user, request.neighbourhood, invitation_id)
    try:
        services.task_invitation_answer(actor=request.user, invitation=invitation, accept=accept)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("initiatives:invitation", slug=slug, invitation_id=invitation_id)
    messages.success(
        request, _("Thank you for taking this on!") if accept else _("You said no. That is fine.")
    )
    return to_detail(request, invitation.task.initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def invitation_accept(request, slug, invitation_id: int):
    return _answer(request, slug, invitation_id, accept=True)


@require_POST
@requires(Action.INITIATIVES_USE)
def invitation_decline(request, slug, invitation_id: int):
    return _answer(request, slug, invitation_id, accept=False)
