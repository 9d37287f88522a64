"""The initiative's time bank account: neighbours give it time; owners thank people of
the initiative with it (decision 0025)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buurtkracht.core.access import Action, requires
from buurtkracht.timebank import services as timebank_services
from buurtkracht.timebank.forms import GiveForm, TimeForm

from .. import selectors, services
from ..access import initiative_in
from .page import answered, errors_into

User = get_user_model()


@require_POST
@requires(Action.INITIATIVES_USE)
def time_donate(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = TimeForm(request.POST, prefix="d")
    if form.is_valid():
        with errors_into(form):
            services.time_donate(
                actor=request.user,
                initiative=initiative,
                minutes=form.total(),
                key=form.key_for(request.user),
                membership=request.membership,
            )
    return answered(
        request, initiative, form, "donate_form", _("Thank you for giving time to this initiative.")
    )


@require_POST
@requires(Action.INITIATIVES_USE)
def time_give(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    people = selectors.carrying_ids(initiative)
    form = GiveForm(request.POST, prefix="g", members=[(user_id, "") for user_id in people])
    if form.is_valid():
        with errors_into(form):
            timebank_services.initiative_give(
                actor=request.user,
                initiative=initiative,
                to_user=User.objects.get(pk=form.cleaned_data["to_user"]),
                minutes=form.total(),
                note=form.cleaned_data["note"],
                key=form.key_for(request.user),
            )
    return answered(request, initiative, form, "give_form", _("Sent. Thank you for thanking."))
