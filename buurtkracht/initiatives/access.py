"""An initiative's objects by their ids in the URL, within the neighbourhood (else 404).
Who may do what with them is decided in `core.access` (its initiatives section)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from buurtkracht.neighbourhoods.models import Neighbourhood

from .models import Activity, BudgetRequest, Initiative, Involvement, Task, TaskInvitation


def initiative_in(neighbourhood: Neighbourhood, initiative_id: int) -> Initiative:
    """An initiative of this neighbourhood (open or closed), or 404."""
    return get_object_or_404(
        Initiative.objects.select_related("place"), pk=initiative_id, neighbourhood=neighbourhood
    )


def involvement_in(initiative: Initiative, involvement_id: int) -> Involvement:
    return get_object_or_404(
        Involvement.objects.select_related("initiative"), pk=involvement_id, initiative=initiative
    )


def task_in(initiative: Initiative, task_id: int) -> Task:
    return get_object_or_404(
        Task.objects.select_related("initiative"), pk=task_id, initiative=initiative
    )


def activity_in(initiative: Initiative, activity_id: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("initiative"), pk=activity_id, initiative=initiative
    )


def activity_of(neighbourhood: Neighbourhood, activity_id: int) -> Activity:
    """An activity of one of this neighbourhood's initiatives, or 404."""
    return get_object_or_404(
        Activity.objects.select_related("initiative"),
        pk=activity_id,
        initiative__neighbourhood=neighbourhood,
    )


def budget_in(initiative: Initiative, budget_id: int) -> BudgetRequest:
    return get_object_or_404(
        BudgetRequest.objects.select_related("initiative"), pk=budget_id, initiative=initiative
    )


def invitation_for(user, neighbourhood: Neighbourhood, invitation_id: int) -> TaskInvitation:
    """`user`'s own invitation to take a task in this neighbourhood, or 404 (nobody else
    sees it)."""
    return get_object_or_404(
        TaskInvitation.objects.select_related("task__initiative", "invited_by__profile"),
        pk=invitation_id,
        invitee=user,
        task__initiative__neighbourhood=neighbourhood,
    )
