"""The sociale kaart's pages: "Waar kan ik terecht met …?" and one service (issue 19)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors
from buurtkracht.places import selectors as places

from . import selectors, services
from .forms import CorrectionForm, WhereToGoForm
from .models import Correction

NEIGHBOURS_SHOWN = 5


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def where_to_go(request, slug):
    """A question in one's own words: the services that fit, best first, and neighbours
    who offered help with it (the asset map, as far as the viewer may see them)."""
    form = WhereToGoForm(request.GET or None)
    query = form.cleaned_data["vraag"].strip() if form.is_valid() else ""
    neighbours = []
    if query and request.neighbourhood.has_module("gifts"):
        neighbours = places.search(
            viewer=request.user,
            membership=request.membership,
            neighbourhood=request.neighbourhood,
            query=query,
        ).assets[:NEIGHBOURS_SHOWN]
    found = selectors.search(neighbourhood=request.neighbourhood, query=query)
    context = {
        "form": form,
        "query": query,
        "found": found,
        "neighbours": neighbours,
        "points": _points(found, slug),
        "tile_url": settings.BUURTKRACHT_TILE_URL,
        "tile_attribution": settings.BUURTKRACHT_TILE_ATTRIBUTION,
    }
    return render(request, "socialmap/where_to_go.html", context)


def _points(found, slug: str) -> list[dict]:
    """Markers for the map above the list (the list works without it)."""
    return [
        {
            "name": item.service.name,
            "lat": item.point[0],
            "lon": item.point[1],
            "id": item.service.pk,
            "url": reverse("socialmap:service", args=[slug, item.service.pk]),
        }
        for item in found
        if item.point is not None
    ]


def _service_page(request, found, correction_form=None):
    context = {
        "found": found,
        "correction_form": correction_form or CorrectionForm(),
        "corrections": selectors.open_corrections(
            service=found.service, neighbourhood=request.neighbourhood
        ),
    }
    return render(request, "socialmap/service.html", context)


def _found_or_404(request, service_id: int):
    found = selectors.service_of(neighbourhood=request.neighbourhood, service_id=service_id)
    if found is None:
        raise Http404
    return found


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def service_detail(request, slug, service_id: int):
    return _service_page(request, _found_or_404(request, service_id))


@require_POST
@requires(Action.SOCIAL_MAP_SUGGEST)
def correction_suggest(request, slug, service_id: int):
    """A member tells what is not right; professionals and administrators hear of it."""
    found = _found_or_404(request, service_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.correction_suggest(
                actor=request.user,
                membership=request.membership,
                neighbourhood=request.neighbourhood,
                service=found.service,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you. A professional will check it."))
            return redirect("socialmap:service", slug=slug, service_id=service_id)
    return _service_page(request, found, form)


@require_POST
@requires(Action.SOCIAL_MAP_MANAGE)
def correction_handled(request, slug, service_id: int, correction_id: int):
    correction = get_object_or_404(
        Correction,
        pk=correction_id,
        service_id=service_id,
        neighbourhood=request.neighbourhood,
        handled_at__isnull=True,
    )
    services.correction_handled(
        actor=request.user, membership=request.membership, correction=correction
    )
    messages.success(request, _("Marked as handled."))
    return redirect("socialmap:service", slug=slug, service_id=service_id)
