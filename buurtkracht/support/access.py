"""Object access for the safety net, on top of core.access (which decides the actions and
who takes part in a case): the case, or 404 — or 403 with the reason."""

from django.http import Http404

from buurtkracht.core import access
from buurtkracht.core.access import Action

from .models import SafetyNetCase


def access_case(*, request, case_id: int) -> SafetyNetCase:
    """The case, if it belongs to this neighbourhood (the view requires SAFETY_NET)."""
    case = (
        SafetyNetCase.objects.filter(pk=case_id, neighbourhood=request.neighbourhood)
        .select_related("post__author__profile", "post__item", "referred_place", "handled_by")
        .first()
    )
    if case is None:
        raise Http404
    return case


def own_case(*, request, case_id: int) -> SafetyNetCase:
    """The case about the viewer's own request (anyone else's: not there)."""
    case = (
        SafetyNetCase.objects.filter(pk=case_id, neighbourhood=request.neighbourhood)
        .select_related("post", "handled_by__profile")
        .first()
    )
    if case is None or not access.is_author(request.user, case.post):
        raise Http404
    return case


def case_for_writing(*, request, case_id: int) -> tuple[SafetyNetCase, str]:
    """(case, side): the resident who asked writes about their own case (ASKER); a
    professional or admin of the neighbourhood in any case of it (HANDLER). Anyone else
    hears why not (403), or that there is no such case (404)."""
    case = (
        SafetyNetCase.objects.filter(pk=case_id, neighbourhood=request.neighbourhood)
        .select_related("post__author", "neighbourhood", "handled_by")
        .first()
    )
    side = access.case_side(request.user, case, membership=request.membership) if case else None
    if case is None or side is None:
        access.require(request, Action.SAFETY_NET)  # the reason, for those who may not
        raise Http404
    return case, side
