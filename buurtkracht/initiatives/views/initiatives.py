"""The neighbourhood's initiatives, starting one, its page, and what its owners change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core.access import Action, requires
from buurtkracht.core.forms import add_service_errors

from .. import selectors, services
from ..access import initiative_in
from ..forms import InitiativeForm
from .page import answered, errors_into, places_of, render_detail, reported, to_detail


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def initiatives(request, slug):
    hood = request.neighbourhood
    return render(
        request,
        "initiatives/list.html",
        {
            "groups": selectors.of_neighbourhood(hood),
            "activities": selectors.upcoming_activities(neighbourhood=hood, limit=20),
            "support": selectors.support_in(hood, limit=20),
            "task_invitations": selectors.task_invitations_for(
                user=request.user, neighbourhood=hood
            )
            if request.membership is not None
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
@requires(Action.INITIATIVES_USE)
def initiative_new(request, slug):
    places = places_of(request.neighbourhood)
    form = InitiativeForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(
                actor=request.user,
                neighbourhood=request.neighbourhood,
                membership=request.membership,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your initiative is started. Add tasks and activities."))
            return to_detail(request, initiative)
    return render(request, "initiatives/form.html", {"form": form})


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def initiative_detail(request, slug, initiative_id: int):
    return render_detail(request, initiative_in(request.neighbourhood, initiative_id))


@require_POST
@requires(Action.INITIATIVES_USE)
def initiative_edit(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    places = places_of(request.neighbourhood)
    form = InitiativeForm(request.POST, request.FILES, prefix="e", places=places)
    if form.is_valid():
        with errors_into(form):
            services.initiative_update(
                actor=request.user, initiative=initiative, **form.cleaned_data
            )
    return answered(request, initiative, form, "edit_form")


@require_POST
@requires(Action.INITIATIVES_USE)
def initiative_close(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    with reported(request, _("The initiative is closed.")):
        services.initiative_close(actor=request.user, initiative=initiative)
    return to_detail(request, initiative)


def photo_response(photo) -> FileResponse:
    """A stored photo (re-encoded on upload, without EXIF), public like the page."""
    if not photo:
        raise Http404
    response = FileResponse(photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def initiative_photo(request, slug, initiative_id: int):
    """The initiative's own photo: public like the page (re-encoded, without EXIF)."""
    return photo_response(initiative_in(request.neighbourhood, initiative_id).photo)
