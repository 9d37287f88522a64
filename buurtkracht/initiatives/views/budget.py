"""Residents' budget: the owners' request and where it stands."""

from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buurtkracht.core.access import Action, requires

from .. import services
from ..access import budget_in, initiative_in
from ..forms import BudgetForm, BudgetStatusForm
from .page import answered, errors_into, reported, to_detail


@require_POST
@requires(Action.INITIATIVES_USE)
def budget_add(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = BudgetForm(request.POST, prefix="b")
    if form.is_valid():
        with errors_into(form):
            services.budget_request(
                actor=request.user,
                initiative=initiative,
                title=form.cleaned_data["title"],
                lines=form.lines(),
            )
    return answered(request, initiative, form, "budget_form")


@require_POST
@requires(Action.INITIATIVES_USE)
def budget_status(request, slug, initiative_id: int, budget_id: int):
    """Each request on the page has its own small form; a refusal comes back as a message."""
    initiative = initiative_in(request.neighbourhood, initiative_id)
    budget = budget_in(initiative, budget_id)
    form = BudgetStatusForm(request.POST, prefix=f"bs{budget.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose where the request stands."))
        return to_detail(request, initiative)
    with reported(request, _("Saved.")):
        services.budget_status(actor=request.user, request=budget, **form.cleaned_data)
    return to_detail(request, initiative)
