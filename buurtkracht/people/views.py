from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from buurtkracht.core import access, paging
from buurtkracht.core.access import Action
from buurtkracht.core.forms import add_service_errors

from . import contact, selectors, services
from .consents import SCOPES
from .forms import ConsentForm, ProfileForm
from .models import Profile


def my_home(request):
    return render(
        request, "people/my_home.html", {"memberships": selectors.memberships_of(user=request.user)}
    )


def _my_profile(request) -> Profile:
    profile = Profile.objects.filter(user=request.user).first()
    if profile is None:  # an account made outside sign-up (e.g. createsuperuser)
        profile = services.profile_create(user=request.user, display_name=request.user.username)
    return profile


@require_http_methods(["GET", "POST"])
def my_profile(request):
    profile = _my_profile(request)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        profile.refresh_from_db()
        try:
            services.profile_update(actor=request.user, profile=profile, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("people:my_profile")
    return render(request, "people/my_profile.html", {"form": form, "profile": profile})


def my_photo(request):
    profile = _my_profile(request)
    if not profile.photo:
        raise Http404
    return FileResponse(profile.photo.open("rb"), content_type="image/jpeg")


def my_consents(request):
    rows = []
    consents = list(selectors.consents_of(user=request.user))
    for membership in selectors.memberships_of(user=request.user):
        active = {
            c.scope: c
            for c in consents
            if c.neighbourhood_id == membership.neighbourhood_id and c.is_active
        }
        rows.append(
            {
                "neighbourhood": membership.neighbourhood,
                "scopes": [(scope, active.get(scope.key)) for scope in SCOPES.values()],
            }
        )
    history = [c for c in consents if not c.is_active]
    return render(request, "people/my_consents.html", {"rows": rows, "history": history})


@require_POST
def my_consent_change(request):
    form = ConsentForm(request.POST)
    membership = None
    if form.is_valid():
        membership = (
            selectors.memberships_of(user=request.user)
            .filter(neighbourhood_id=form.cleaned_data["neighbourhood"])
            .first()
        )
    if membership is None or form.cleaned_data["scope"] not in SCOPES:
        messages.error(request, _("This permission could not be changed. Try again."))
        return redirect("people:my_consents")
    kwargs = {
        "user": request.user,
        "neighbourhood": membership.neighbourhood,
        "scope": form.cleaned_data["scope"],
    }
    if form.cleaned_data["give"]:
        services.consent_grant(**kwargs)
        messages.success(request, _("Thank you. Your permission is saved."))
    else:
        services.consent_withdraw(**kwargs)
        messages.success(request, _("Your permission is withdrawn. It no longer applies."))
    return redirect("people:my_consents")


def my_access_log(request):
    return render(
        request,
        "people/my_access_log.html",
        {"entries": selectors.access_log_of(user=request.user)[:500]},
    )


def directory(request, slug):
    access.require(request, Action.DIRECTORY)
    query = request.GET.get("zoek", "").strip()[:60]
    result = selectors.directory(
        viewer=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        query=query,
        after=paging.after_in(request),
    )
    return render(request, "people/directory.html", {"result": result, "query": query})


def _profile_or_404(request, user_id: int) -> Profile:
    profile = selectors.profile_in_neighbourhood(
        neighbourhood=request.neighbourhood, user_id=user_id
    )
    if profile is None:
        raise Http404
    return profile


def person(request, slug, user_id: int):
    access.require(request, Action.VIEW_PROFILE)
    profile = _profile_or_404(request, user_id)
    view = selectors.person_view(
        viewer=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        profile=profile,
    )
    if view.name is None:  # "not visible" looks the same as "does not exist"
        raise Http404
    found = contact.card(viewer=request.user, other=profile.user)
    return render(request, "people/person.html", {"person": view, "card": found})


def person_photo(request, slug, user_id: int):
    access.require(request, Action.VIEW_PROFILE)
    profile = _profile_or_404(request, user_id)
    visible = profile.photo and access.can_see(
        request.user,
        owner_id=profile.user_id,
        level=profile.photo_visibility,
        neighbourhood=request.neighbourhood,
    )
    if not visible:
        raise Http404
    response = FileResponse(profile.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
