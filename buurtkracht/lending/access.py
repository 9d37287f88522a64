"""Who may act on a shared resource or a booking. Objects a person may not see, or that
belong to another neighbourhood, are "not found" (404), never "forbidden"."""

from __future__ import annotations

from django.http import Http404

from buurtkracht.core import access
from buurtkracht.core.access import Action
from buurtkracht.gifts.models import Resource
from buurtkracht.neighbourhoods.models import Membership

from .models import Booking


def manages_places(user, neighbourhood) -> bool:
    """May `user` act for the places of `neighbourhood` (connectors, professionals, admins)?"""
    if not user.is_authenticated:
        return False
    membership = Membership.objects.filter(user=user, neighbourhood=neighbourhood).first()
    return bool(
        access.decide(
            user, Action.PLACES_MANAGE, neighbourhood=neighbourhood, membership=membership
        )
    )


def is_owner_side(user, resource: Resource) -> bool:
    """The owner of a person's resource; for a place's resource, whoever manages the
    places of the place's neighbourhood."""
    if resource.place_id is None:
        return user.is_authenticated and resource.owner_id == user.pk
    return manages_places(user, resource.place.neighbourhood)


def access_resource(*, viewer, neighbourhood, resource_id: int) -> Resource:
    """A lendable resource `viewer` may see in `neighbourhood`, or 404."""
    from .selectors import lendable_resources

    resource = (
        lendable_resources(neighbourhood=neighbourhood, viewer=viewer)
        .select_related("item", "place", "owner__profile")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404
    return resource


def access_booking(*, user, neighbourhood, booking_id: int) -> Booking:
    """A booking of `neighbourhood` that `user` borrows or lends out, or 404."""
    booking = (
        Booking.objects.select_related("resource__place", "resource__item", "borrower__profile")
        .filter(pk=booking_id, neighbourhood=neighbourhood)
        .first()
    )
    if booking is None or not (
        booking.borrower_id == user.pk or is_owner_side(user, booking.resource)
    ):
        raise Http404
    return booking
