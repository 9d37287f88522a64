"""Object access for the safety net, on top of core.access (which decides the actions)."""

from django.http import Http404

from buurtkracht.core import access
from buurtkracht.core.access import Action

from .models import SafetyNetCase


def require_safety_net(request) -> None:
    access.require(request, Action.SAFETY_NET)


def require_member(request) -> None:
    """Bundled requests: counts only, for every member where requests are on."""
    access.require(request, Action.REQUESTS)


def require_configure(request) -> None:
    access.require(request, Action.CONFIGURE)


def access_case(*, request, case_id: int) -> SafetyNetCase:
    """The case, if it belongs to this neighbourhood and the viewer may handle it."""
    require_safety_net(request)
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
    access.require(request, Action.REQUESTS)
    case = (
        SafetyNetCase.objects.filter(
            pk=case_id, neighbourhood=request.neighbourhood, post__author=request.user
        )
        .select_related("post", "handled_by__profile")
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_for_writing(*, request, case_id: int) -> tuple[SafetyNetCase, bool]:
    """(case, handles): the resident who asked writes about their own case (False); a
    professional or admin of the neighbourhood writes in any case of it (True)."""
    mine = SafetyNetCase.objects.filter(
        pk=case_id, neighbourhood=request.neighbourhood, post__author=request.user
    ).exists()
    if mine:
        return own_case(request=request, case_id=case_id), False
    return access_case(request=request, case_id=case_id), True
