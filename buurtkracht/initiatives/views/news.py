"""News and stories of an initiative, with a photo."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET, require_POST

from buurtkracht.core.access import Action, requires

from .. import services
from ..access import initiative_in
from ..forms import UpdateForm
from ..models import Update
from .initiatives import photo_response
from .page import answered, errors_into


@require_POST
@requires(Action.INITIATIVES_USE)
def update_add(request, slug, initiative_id: int):
    initiative = initiative_in(request.neighbourhood, initiative_id)
    form = UpdateForm(request.POST, request.FILES, prefix="u")
    if form.is_valid():
        with errors_into(form):
            services.update_post(
                actor=request.user,
                initiative=initiative,
                text=form.cleaned_data["text"],
                photo=form.cleaned_data["photo"],
            )
    return answered(request, initiative, form, "update_form")


@login_not_required
@require_GET
@requires(Action.INITIATIVES_VIEW)
def update_photo(request, slug, initiative_id: int, update_id: int):
    """An update's photo: public like the page (re-encoded on upload, without EXIF)."""
    initiative = initiative_in(request.neighbourhood, initiative_id)
    return photo_response(get_object_or_404(Update, pk=update_id, initiative=initiative).photo)
