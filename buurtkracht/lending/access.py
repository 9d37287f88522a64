"""The shared resources and bookings a person may act on, or 404. The decisions are in
core.access (its lending section); objects a person may not see, or that belong to
another neighbourhood, are "not found" (404), never "forbidden"."""

from __future__ import annotations

from django.http import Http404

from buurtkracht.core import access
from buurtkracht.gifts.models import Resource

from .models import Booking
from .selectors import lendable_resources


def access_resource(*, viewer, neighbourhood, resource_id: int) -> Resource:
    """A lendable resource `viewer` may see in `neighbourhood`, or 404."""
    resource = (
        lendable_resources(neighbourhood=neighbourhood, viewer=viewer)
        .select_related("item", "place", "owner__profile")
        .filter(pk=resource_id)
        .first()
    )
    if resource is None:
        raise Http404
    return resource


def access_booking(*, user, neighbourhood, booking_id: int, membership=None) -> Booking:
    """A booking of `neighbourhood` that `user` borrows or lends out, or 404."""
    booking = (
        Booking.objects.select_related("resource__place", "resource__item", "borrower__profile")
        .filter(pk=booking_id, neighbourhood=neighbourhood)
        .first()
    )
    if booking is None or not access.lending_sees_booking(user, booking, membership=membership):
        raise Http404
    return booking
