"""The sociale kaart's pages: "Waar kan ik terecht met …?", one service, and editing it
(issue 19)."""

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
from .forms import TOPIC_FIELDS, CorrectionForm, ImportForm, ServiceForm, WhereToGoForm
from .models import NOT_OFFERED, Correction
from .opening import weekly_hours
from .topics import topics_of

NEIGHBOURS_SHOWN = 5


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def where_to_go(request, slug):
    """A question in one's own words: the services that fit, best first, and neighbours
    who offered help with it (the asset map, as far as the viewer may see them)."""
    form = WhereToGoForm(request.GET or None)
    query = form.cleaned_data["vraag"].strip() if form.is_valid() else ""
    topic = form.cleaned_data["onderwerp"] if form.is_valid() else None
    neighbours = []
    if query and request.neighbourhood.has_module("gifts"):
        neighbours = places.search(
            viewer=request.user,
            membership=request.membership,
            neighbourhood=request.neighbourhood,
            query=query,
        ).assets[:NEIGHBOURS_SHOWN]
    found = selectors.search(
        neighbourhood=request.neighbourhood, query=query, topic=topic.code if topic else ""
    )
    context = {
        "form": form,
        "query": query,
        "topic": topic,
        "topics": selectors.topics_in_use(neighbourhood=request.neighbourhood),
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
        "topics": topics_of(found.service.document),
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


# --- professionals edit -----------------------------------------------------------------------


def _initial(service, membership) -> dict:
    if service is None:
        return {"keeper": membership.pk, "status": "active"}
    document = service.document
    phones = [p for p in document.get("phones") or [] if isinstance(p, dict)]
    languages = [str(lang.get("name") or "") for lang in document.get("languages") or []]
    initial = {key: document.get(key, "") for key in [*services.TEXT_FIELDS, "name"]}
    initial.update(
        organization=service.organization_id,
        phone=phones[0].get("number", "") if phones else "",
        languages=", ".join(n for n in languages if n),
        status=service.status if service.status != "defunct" else "inactive",
        keeper=service.keeper_id or membership.pk,
        version=service.version,
    )
    for field, topic in zip(TOPIC_FIELDS, topics_of(document), strict=False):
        initial[field] = topic.code
    for day, (opens, closes) in _hours_of(service).items():
        initial[f"opens_{day}"], initial[f"closes_{day}"] = opens, closes
    return initial


def _hours_of(service) -> dict:
    if service is None:
        return {}
    schedules = list(service.document.get("schedules") or [])
    for sal in service.at_locations.all():
        schedules += sal.document.get("schedules") or []
    return weekly_hours(schedules)


def _service_form(request, service=None):
    hood = request.neighbourhood
    return ServiceForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(service, request.membership),
        organizations=selectors.organization_choices(neighbourhood=hood),
        keepers=selectors.keeper_choices(viewer=request.user, neighbourhood=hood, service=service),
    )


def _save(request, form, service):
    """The form's values through the service; the service on success, else None (the
    refusal is on the form)."""
    hours = form.hours()
    if service is not None and hours == _hours_of(service):
        hours = None  # unchanged: keep the schedules (also those the page cannot show)
    try:
        return services.service_save(
            actor=request.user,
            membership=request.membership,
            neighbourhood=request.neighbourhood,
            service=service,
            values=form.cleaned_data,
            hours=hours,
            topics=form.topics(),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _edit_page(request, service):
    form = _service_form(request, service)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, service)
        if saved is not None:
            messages.success(request, _("Saved. Thank you for keeping the social map right."))
            if saved.status in NOT_OFFERED:  # no longer shown: back to the map
                return redirect("socialmap:where_to_go", slug=request.neighbourhood.slug)
            return redirect(
                "socialmap:service", slug=request.neighbourhood.slug, service_id=saved.pk
            )
    return render(request, "socialmap/edit.html", {"form": form, "service": service})


@requires(Action.SOCIAL_MAP_MANAGE)
def service_new(request, slug):
    return _edit_page(request, None)


def _editable_or_404(request, service_id: int):
    service = selectors.editable_service(neighbourhood=request.neighbourhood, service_id=service_id)
    if service is None:
        raise Http404
    return service


@requires(Action.SOCIAL_MAP_MANAGE)
def service_edit(request, slug, service_id: int):
    return _edit_page(request, _editable_or_404(request, service_id))


@require_POST
@requires(Action.SOCIAL_MAP_MANAGE)
def service_checked(request, slug, service_id: int):
    """ "Still right": checked today, without changing anything."""
    services.service_checked(
        actor=request.user,
        membership=request.membership,
        neighbourhood=request.neighbourhood,
        service=_editable_or_404(request, service_id),
    )
    messages.success(request, _("Marked as checked today."))
    target = request.POST.get("next") == "to_check"
    if target:
        return redirect("socialmap:to_check", slug=slug)
    return redirect("socialmap:service", slug=slug, service_id=service_id)


@require_GET
@requires(Action.SOCIAL_MAP_MANAGE)
def to_check(request, slug):
    """The entries nobody checked for a year, oldest first, to check or change."""
    page = selectors.stale_services(
        neighbourhood=request.neighbourhood, page=request.GET.get("pagina") or 1
    )
    return render(request, "socialmap/to_check.html", {"page": page})


@requires(Action.SOCIAL_MAP_MANAGE)
def hsds_upload(request, slug):
    """HSDS files into the neighbourhood's own social map: first a check, then all or
    nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    found = None
    if request.method == "POST" and form.is_valid():
        files = {f.name: f.read() for f in form.cleaned_data["files"]}
        dry_run = form.cleaned_data["dry_run"]
        try:
            found = services.hsds_upload(
                actor=request.user,
                membership=request.membership,
                neighbourhood=request.neighbourhood,
                files=files,
                dry_run=dry_run,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not dry_run:
                messages.success(request, _("Imported. The social map is up to date."))
                return redirect("socialmap:where_to_go", slug=slug)
    counts = found.counts() if found is not None else None
    return render(request, "socialmap/import.html", {"form": form, "counts": counts})
