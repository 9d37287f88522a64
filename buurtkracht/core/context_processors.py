from django.conf import settings

from .access import NeighbourhoodPermissions


def buurtkracht(request):
    context = {"site_url": settings.SITE_URL, "available_languages": settings.LANGUAGES}
    if getattr(request, "neighbourhood", None) is not None:
        context["neighbourhood"] = request.neighbourhood
        context["membership"] = request.membership
        context["nperms"] = NeighbourhoodPermissions(request)
    return context
