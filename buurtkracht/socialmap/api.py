"""An HSDS 3.1-compatible read API for a neighbourhood's social map (issue 19):
`GET …/services`, `…/services/{id}`, `…/organizations`, `…/organizations/{id}` in HSDS's
shapes, pages as HSDS's `Page` (total_items, total_pages, page_number, size, first_page,
last_page, empty, contents). Public information, like the pages; the neighbourhood must
have the social map switched on."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from buurtkracht.core.access import Action, requires

from . import hsds_io, selectors
from .models import Organization

PAGE_SIZE = 50
PAGE_MAX = 200


def _page(request, rows, shape):
    try:
        number = max(1, int(request.GET.get("page", "1")))
        size = min(PAGE_MAX, max(1, int(request.GET.get("per_page", str(PAGE_SIZE)))))
    except ValueError:
        return JsonResponse({"error": "page and per_page must be whole numbers"}, status=400)
    total = rows.count()
    pages = max(1, -(-total // size))
    contents = [shape(row) for row in rows[(number - 1) * size : number * size]]
    return JsonResponse(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _organizations(neighbourhood):
    scopes = selectors.services_for(neighbourhood).values("scope")
    return Organization.objects.filter(scope__in=scopes).distinct().order_by("name", "pk")


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def services(request, slug):
    rows = selectors.services_for(request.neighbourhood).order_by("name", "pk")
    return _page(request, rows, hsds_io.service_full)


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def service(request, slug, hsds_id: str):
    found = selectors.services_for(request.neighbourhood).filter(hsds_id=hsds_id).first()
    if found is None:
        raise Http404
    return JsonResponse(hsds_io.service_full(found))


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def organizations(request, slug):
    return _page(request, _organizations(request.neighbourhood), hsds_io.organization_full)


@login_not_required
@require_GET
@requires(Action.SOCIAL_MAP_VIEW)
def organization(request, slug, hsds_id: str):
    found = _organizations(request.neighbourhood).filter(hsds_id=hsds_id).first()
    if found is None:
        raise Http404
    return JsonResponse(hsds_io.organization_full(found))
