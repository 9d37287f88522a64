"""Booking and borrowing shared spaces and things (gifts.Resource with lendable=True)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("asked")
    CONFIRMED = "confirmed", _("confirmed")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")
    RETURNED = "returned", _("returned")


# Bookings in these states hold their time: the database refuses an overlapping one (an
# exclusion constraint on PostgreSQL, a trigger on SQLite; see 0002_booking_no_overlap).
HOLDING_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class Booking(models.Model):
    HOLDING = HOLDING_STATUSES
    """For code below lending that reads bookings by model name (gifts refusing to remove a
    thing that is booked)."""

    resource = models.ForeignKey(
        "gifts.Resource", on_delete=models.CASCADE, related_name="bookings"
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings"
    )
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="bookings"
    )
    start_at = models.DateTimeField(_("from"))
    end_at = models.DateTimeField(_("until"))
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    note = models.CharField(_("message for the owner"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=models.F("start_at")), name="booking_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} of {self.resource_id}"
