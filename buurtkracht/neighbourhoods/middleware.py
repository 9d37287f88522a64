from django.shortcuts import get_object_or_404

from .models import Membership, Neighbourhood


class NeighbourhoodMiddleware:
    """The neighbourhood is the tenant: URLs /<slug>/... set request.neighbourhood and
    request.membership (None for non-members and anonymous visitors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.neighbourhood = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("slug")
        if slug is None:
            return None
        neighbourhood = get_object_or_404(Neighbourhood, slug=slug)
        request.neighbourhood = neighbourhood
        if request.user.is_authenticated:
            request.membership = (
                Membership.objects.select_related("organisation")
                .filter(user=request.user, neighbourhood=neighbourhood)
                .first()
            )
        return None
