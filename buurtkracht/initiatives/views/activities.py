"""Activities: planning one, cancelling it, signing up and cancelling a sign-up, and the
iCalendar feeds."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core.access import Action, requires

from .. import selectors, services
from ..access import activity_in, activity_of, initiative_in
from ..forms import ActivityForm
from ..models import SignUpStatus
from .page import answered, errors_into, places_of, reported, to_detail


def _aware(day, time_of_day):
    return timezone.make_aware(datetime.combine(day, time_of_day))


@require_POST
@requires(Action.INITIATIVES_USE)
def activity_add(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = ActivityForm(request.POST, prefix="a", places=places_of(request.neighbourhood))
    if form.is_valid():
        data = form.cleaned_data
        with errors_into(form):
            services.activity_add(
                actor=request.user,
                initiative=initiative,
                title=data["title"],
                starts_at=_aware(data["day"], data["start"]),
                ends_at=_aware(data["day"], data["end"]),
                place=data["place"],
                address=data["address"],
                capacity=data["capacity"],
            )
    return answered(request, initiative, form, "activity_form")


@require_POST
@requires(Action.INITIATIVES_USE)
def activity_cancel(request, slug, initiative_id: int, activity_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    activity = activity_in(initiative, activity_id)
    with reported(request, _("Saved.")):
        services.activity_cancel(actor=request.user, activity=activity)
    return to_detail(request, initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def sign_up(request, slug, activity_id: int):
    activity = activity_of(request.neighbourhood, activity_id)
    try:
        signup = services.sign_up(
            actor=request.user, activity=activity, membership=request.membership
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if signup.status == SignUpStatus.CONFIRMED:
            messages.success(request, _("You are signed up. See you there!"))
        else:
            messages.success(
                request, _("It is full: you are on the waiting list. We will tell you.")
            )
    return to_detail(request, activity.initiative)


@require_POST
@requires(Action.INITIATIVES_USE)
def sign_up_cancel(request, slug, activity_id: int):
    activity = activity_of(request.neighbourhood, activity_id)
    with reported(request, _("You are no longer signed up.")):
        services.sign_up_cancel(actor=request.user, activity=activity)
    return to_detail(request, activity.initiative)


def _ics(request, name: str, activities) -> HttpResponse:
    base = getattr(settings, "SITE_URL", "").rstrip("/") or request.build_absolute_uri("/")[:-1]
    response = HttpResponse(
        selectors.calendar(name=name, activities=activities, base_url=base),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def calendar_initiative(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    activities = selectors.upcoming_activities(initiative=initiative, limit=500)
    return _ics(request, initiative.name, activities)


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def calendar_neighbourhood(request, slug):
    hood = request.neighbourhood
    activities = selectors.upcoming_activities(neighbourhood=hood, limit=500)
    return _ics(request, hood.name, activities)
