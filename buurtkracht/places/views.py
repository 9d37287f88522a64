from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from buurtkracht.core import access
from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors
from buurtkracht.gifts.forms import SearchForm

from . import selectors, services
from .forms import PlaceForm
from .models import Place, PlaceKind


@login_not_required
@requires(Action.ASSETS_VIEW)
def asset_map(request, slug):
    """The asset map: places on a map and in a list, what neighbours bring, and search.
    Works as a plain list without JavaScript or when map tiles cannot load."""
    form = SearchForm(request.GET or None, place_kinds=PlaceKind.choices)
    query = kind = ""
    if form.is_valid():
        query, kind = form.cleaned_data["zoek"].strip(), form.cleaned_data["soort"]
    found = selectors.search(
        viewer=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        query=query,
        kind=kind,
        more=request.GET.get("meer", "")[:40],
    )
    context = {
        "form": form,
        "query": query,
        "places": found.places,
        "assets": found.assets,
        "hidden": found.hidden,
        "more": found.more,
        "result_count": len(found.places) + len(found.assets),
        "points": selectors.map_points(found.places),
        "tile_url": settings.BUURTKRACHT_TILE_URL,
        "tile_attribution": settings.BUURTKRACHT_TILE_ATTRIBUTION,
    }
    return render(request, "places/map.html", context)


@login_not_required
@requires(Action.ASSETS_VIEW)
def place_detail(request, slug, place_id: int):
    place = get_object_or_404(Place, pk=place_id, neighbourhood=request.neighbourhood)
    can_manage = access.decide(
        request.user,
        Action.PLACES_MANAGE,
        neighbourhood=request.neighbourhood,
        membership=request.membership,
    )
    return render(
        request,
        "places/detail.html",
        {
            "place": place,
            "can_manage": can_manage,
            "points": selectors.map_points([place]),
            "tile_url": settings.BUURTKRACHT_TILE_URL,
            "tile_attribution": settings.BUURTKRACHT_TILE_ATTRIBUTION,
        },
    )


@require_http_methods(["GET", "POST"])
@requires(Action.PLACES_MANAGE)
def place_edit(request, slug, place_id: int | None = None):
    place = (
        get_object_or_404(Place, pk=place_id, neighbourhood=request.neighbourhood)
        if place_id
        else None
    )
    form = PlaceForm(request.POST or None, instance=place)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in PlaceForm.Meta.fields}
        try:
            if place is None:
                place = services.place_create(
                    actor=request.user, neighbourhood=request.neighbourhood, **data
                )
            else:
                place.refresh_from_db()
                services.place_update(actor=request.user, place=place, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The place is saved."))
            return redirect("places:detail", slug=slug, place_id=place.pk)
    return render(request, "places/form.html", {"form": form, "place": place})
