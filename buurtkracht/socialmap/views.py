"""The sociale kaart's pages: "Waar kan ik terecht met …?" and one service (issue 19)."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from buurtkracht.core.access import Action, requires
from buurtkracht.places import selectors as places

from . import selectors
from .forms import WhereToGoForm

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
    context = {
        "form": form,
        "query": query,
        "found": selectors.search(neighbourhood=request.neighbourhood, query=query),
        "neighbours": neighbours,
    }
    return render(request, "socialmap/where_to_go.html", context)


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def service_detail(request, slug, service_id: int):
    found = selectors.service_of(neighbourhood=request.neighbourhood, service_id=service_id)
    if found is None:
        raise Http404
    return render(request, "socialmap/service.html", {"found": found})
