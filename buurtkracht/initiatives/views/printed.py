"""Paper for the neighbourhood: an initiative or an activity as a one-page flyer with a QR
code, and the neighbourhood's agenda (issue 18). Public like the pages they come from."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from buurtkracht.core.access import Action, requires
from buurtkracht.core.qr import qr_svg

from .. import selectors
from ..access import activity_of, initiative_in

AGENDA_SHOWN = 100
"""Activities on the agenda page (the next ones first); the calendar feed has more."""


def _qr(path: str) -> tuple[str, str]:
    url = settings.SITE_URL + path
    return url, qr_svg(url)


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def initiative_flyer(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    url, qr = _qr(reverse("initiatives:detail", args=[slug, initiative.pk]))
    context = {
        "initiative": initiative,
        "activities": selectors.upcoming_activities(initiative=initiative, limit=3),
        "url": url,
        "qr_svg": qr,
    }
    return render(request, "initiatives/flyer.html", context)


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def activity_flyer(request, slug, activity_id: int):
    activity = activity_of(request.neighbourhood, activity_id)
    url, qr = _qr(reverse("initiatives:detail", args=[slug, activity.initiative_id]))
    context = {"activity": activity, "initiative": activity.initiative, "url": url, "qr_svg": qr}
    return render(request, "initiatives/activity_flyer.html", context)


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def agenda(request, slug):
    """What is coming up in the neighbourhood, by day; prints as an agenda."""
    activities = selectors.upcoming_activities(
        neighbourhood=request.neighbourhood, limit=AGENDA_SHOWN
    )
    return render(request, "initiatives/agenda.html", {"activities": activities})
