from django.conf import settings

from .access import NeighbourhoodPermissions

DISPLAY = {"low_vision": "large-type", "easy_language": "easy"}
"""What a stated need changes on every page (issue 18): "ik zie slecht" a larger type,
"makkelijke taal" the simplest texts and icons (`.explain` hidden, `.easy-only` shown)."""


def display_classes(user) -> str:
    """Classes for <html> from the needs on the person's profile (loaded with the user by
    accounts.backends: no query of its own)."""
    if user is None or not user.is_authenticated:
        return ""
    profile = getattr(user, "profile", None)
    needs = getattr(profile, "accessibility_needs", None) or []
    return " ".join(css for need, css in DISPLAY.items() if need in needs)


def buurtkracht(request):
    context = {
        "site_url": settings.SITE_URL,
        "available_languages": settings.LANGUAGES,
        "display_classes": display_classes(getattr(request, "user", None)),
    }
    if getattr(request, "neighbourhood", None) is not None:
        context["neighbourhood"] = request.neighbourhood
        context["membership"] = request.membership
        context["nperms"] = NeighbourhoodPermissions(request)
    return context
