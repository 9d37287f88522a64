"""The neighbourhood's buurt code from a postcode or address (PDOK), for administrators."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtkracht.core.access import Action, requires
from buurtkracht.neighbourhoods.services import neighbourhood_update

from . import pdok, selectors
from .forms import FindBuurtForm, UseBuurtForm


@require_http_methods(["GET", "POST"])
@requires(Action.CONFIGURE)
def find_buurt(request, slug):
    """Step 1: look the buurt up (nothing is saved); the answer offers to use its code."""
    form = FindBuurtForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            found = pdok.find_buurt(
                form.cleaned_data["address"], housenumber=form.cleaned_data["housenumber"]
            )
        except pdok.PdokError as error:
            form.add_error("address", str(error))
    return render(request, "wijkinfo/find_buurt.html", {"form": form, "found": found})


@require_POST
@requires(Action.CONFIGURE)
def use_buurt(request, slug):
    """Step 2: the code found becomes the neighbourhood's CBS buurt code."""
    form = UseBuurtForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That is not a CBS buurt code."))
        return redirect("wijkinfo:find_buurt", slug=slug)
    try:
        neighbourhood_update(
            actor=request.user,
            neighbourhood=request.neighbourhood,
            cbs_code=form.cleaned_data["buurtcode"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("wijkinfo:find_buurt", slug=slug)
    messages.success(request, _("The buurt code is saved."))
    return redirect("neighbourhoods:configure", slug=slug)


@require_GET
@requires(Action.NOT_YET_HERE)
def not_yet_here(request, slug):
    """Who is not here yet, in aggregate: members by age group next to the population."""
    found = selectors.not_yet_here(request.neighbourhood)
    return render(request, "wijkinfo/not_yet_here.html", {"found": found})
