"""Writes for bookings of shared spaces and things. Each runs in a transaction and logs
what it did; a refused change raises ValidationError with a Dutch message.

The database itself refuses two bookings of one resource that hold overlapping time
(migration 0002_booking_no_overlap); booking_request turns that refusal into words. The
people concerned hear about each step through notifications.notify(): in the app, and by
e-mail as each person chose (right away, in the daily digest, or not), in their own language.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from buurtkracht.core import access
from buurtkracht.core.choices import Role
from buurtkracht.core.logging import log_action
from buurtkracht.gifts.models import LENDABLE_KINDS, Resource
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify

from .models import HOLDING_STATUSES, Booking, BookingStatus

NOT_BOOKABLE = gettext_lazy("This cannot be borrowed or booked.")
ALREADY_BOOKED = gettext_lazy("This time is already booked. Choose another time.")
NO_LONGER_OPEN = gettext_lazy("This booking is no longer open.")
NOTE_MAX: int = Booking._meta.get_field("note").max_length or 0  # the field has one

TITLES = {
    "requested": gettext_lazy("Someone would like to borrow %(label)s"),
    "booked": gettext_lazy("%(label)s is booked"),
    "confirmed": gettext_lazy("Yes: you may borrow %(label)s"),
    "declined": gettext_lazy("Your request for %(label)s was not accepted"),
    "cancelled": gettext_lazy("A booking of %(label)s was cancelled"),
    "returned": gettext_lazy("%(label)s is returned. Thank you!"),
    "reminder": gettext_lazy("Reminder: your booking of %(label)s ends soon"),
}
KINDS = {
    "requested": Kind.BOOKING_REQUEST,
    "booked": Kind.BOOKING,
    "confirmed": Kind.BOOKING_ANSWER,
    "declined": Kind.BOOKING_ANSWER,
    "cancelled": Kind.BOOKING_CANCELLED,
    "returned": Kind.BOOKING_RETURNED,
    "reminder": Kind.BOOKING_REMINDER,
}


# --- notifications -----------------------------------------------------------------------


def _notify(users: Iterable, *, booking: Booking, kind: str, extra: dict | None = None) -> None:
    """Notify each user of `kind` about `booking` in the caller's transaction (any mail
    goes out after commit), worded in their own language. People without e-mail (guided
    accounts) see it in the app and on their bookings page."""
    url = reverse("lending:bookings", kwargs={"slug": booking.neighbourhood.slug})
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            # Worded here, not by notify(): a note or a label may hold a "%".
            title = str(TITLES[kind]) % {"label": booking.resource.label}
            body = render_to_string(
                f"lending/notification/{kind}.txt",
                {"booking": booking, "recipient": user, **(extra or {})},
            ).strip()
        notify(
            user=user,
            kind=KINDS[kind],
            title=title,
            body=body,
            url=url,
            neighbourhood=booking.neighbourhood,
        )


def _owner_side(resource: Resource, *, except_user=None) -> list:
    """Who hears about bookings: the owner; for a place's resource, the administrators of
    the place's neighbourhood (connectors and professionals may answer too, but are not
    notified of every booking)."""
    place = resource.place
    if place is None:
        people = [resource.owner] if resource.owner is not None else []
    else:
        people = list(
            get_user_model()
            .objects.filter(
                memberships__neighbourhood_id=place.neighbourhood_id,
                memberships__role=Role.ADMIN,
            )
            .select_related("profile")
        )
    return [p for p in people if except_user is None or p.pk != except_user.pk]


# --- checks ------------------------------------------------------------------------------


def _check_bookable(*, actor, resource: Resource, neighbourhood, membership) -> None:
    if not resource.lendable or resource.kind not in LENDABLE_KINDS:
        raise ValidationError(str(NOT_BOOKABLE), code="not_bookable")
    if resource.owner_id is not None and resource.owner_id == actor.pk:
        raise ValidationError(_("This is yours. You do not need to book it."), code="own")
    # Not visible looks the same as not bookable: the refusal reveals nothing.
    if not access.lending_sees_resource(
        actor, resource, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(str(NOT_BOOKABLE), code="not_bookable")


def _check_request(*, resource: Resource, start_at: datetime, end_at: datetime, note: str) -> None:
    if timezone.is_naive(start_at) or timezone.is_naive(end_at):
        raise ValueError("booking times must be timezone-aware")
    errors: dict[str, ValidationError] = {}
    if len(note) > NOTE_MAX:
        errors["note"] = ValidationError(
            _("Keep the message short: at most %(count)s characters.") % {"count": NOTE_MAX},
            code="too_long",
        )
    if start_at < timezone.now():
        errors["start_at"] = ValidationError(
            _("This time has passed. Choose a time in the future."), code="past"
        )
    if end_at <= start_at:
        errors["end_at"] = ValidationError(_("The end must be after the start."), code="order")
    elif resource.max_days and end_at - start_at > timedelta(days=resource.max_days):
        errors["end_at"] = ValidationError(
            ngettext(
                "You can borrow this for at most %(days)s day.",
                "You can borrow this for at most %(days)s days.",
                resource.max_days,
            )
            % {"days": resource.max_days},
            code="too_long",
        )
    if errors:
        raise ValidationError(errors)


def _locked(booking: Booking) -> Booking:
    """The booking as it is now, locked until the transaction ends (PostgreSQL)."""
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource__place", "resource__item", "resource__owner", "neighbourhood")
        .get(pk=booking.pk)
    )


# --- services ----------------------------------------------------------------------------


def booking_request(
    *,
    actor,
    resource: Resource,
    neighbourhood,
    start_at: datetime,
    end_at: datetime,
    note: str = "",
    membership: Membership | None = None,
) -> Booking:
    """Ask to borrow `resource`; confirmed at once when the owner does not check each
    booking. Overlap with a booking that holds the time is refused by the database.
    `membership`: the actor's in `neighbourhood` (looked up when not given)."""
    _check_bookable(
        actor=actor, resource=resource, neighbourhood=neighbourhood, membership=membership
    )
    note = note.strip()
    _check_request(resource=resource, start_at=start_at, end_at=end_at, note=note)
    status = BookingStatus.REQUESTED if resource.needs_approval else BookingStatus.CONFIRMED
    with transaction.atomic():
        # Requests for one thing wait for each other here (a row lock on PostgreSQL; SQLite's
        # IMMEDIATE transactions already take turns). Without it, two overlapping inserts can
        # deadlock inside the exclusion constraint and one person gets an error page instead
        # of "already booked". The constraint stays the guarantee; the lock makes it polite.
        Resource.objects.select_for_update().filter(pk=resource.pk).first()
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    resource=resource,
                    borrower=actor,
                    neighbourhood=neighbourhood,
                    start_at=start_at,
                    end_at=end_at,
                    status=status,
                    note=note,
                )
        except IntegrityError:
            raise ValidationError(str(ALREADY_BOOKED), code="taken") from None
        log_action(
            actor=actor,
            action=f"booking.{status}",
            neighbourhood=neighbourhood,
            obj=booking,
            data={"resource": resource.pk},
        )
        kind = "requested" if status == BookingStatus.REQUESTED else "booked"
        _notify(_owner_side(resource, except_user=actor), booking=booking, kind=kind)
    return booking


def booking_decide(
    *, actor, booking: Booking, confirm: bool, membership: Membership | None = None
) -> Booking:
    """The owner (or, for a place, someone who manages places) says yes or no."""
    with transaction.atomic():
        booking = _locked(booking)
        if not access.lending_owner_side(actor, booking.resource, membership=membership):
            raise ValidationError(_("Only the owner can answer this request."), code="not_owner")
        if booking.status != BookingStatus.REQUESTED:
            raise ValidationError(_("This request has already been answered."), code="answered")
        if booking.end_at <= timezone.now():
            raise ValidationError(_("This booking is over."), code="over")
        booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.DECLINED
        booking.save(update_fields=["status"])
        log_action(
            actor=actor,
            action=f"booking.{booking.status}",
            neighbourhood=booking.neighbourhood,
            obj=booking,
        )
        _notify([booking.borrower], booking=booking, kind=str(booking.status))
    return booking


def booking_cancel(*, actor, booking: Booking, membership: Membership | None = None) -> Booking:
    """The borrower or the owner cancels a booking that has not ended; its time is free."""
    with transaction.atomic():
        booking = _locked(booking)
        is_borrower = booking.borrower_id == actor.pk
        if not access.lending_sees_booking(actor, booking, membership=membership):
            raise ValidationError(
                _("Only the borrower or the owner can cancel this booking."), code="not_yours"
            )
        if booking.status not in HOLDING_STATUSES:
            raise ValidationError(str(NO_LONGER_OPEN), code="not_open")
        if booking.end_at <= timezone.now():
            raise ValidationError(
                _("This booking is over. You can no longer cancel it."), code="over"
            )
        booking.status = BookingStatus.CANCELLED
        booking.save(update_fields=["status"])
        log_action(
            actor=actor,
            action="booking.cancelled",
            neighbourhood=booking.neighbourhood,
            obj=booking,
            data={"by": "borrower" if is_borrower else "owner"},
        )
        others = (
            _owner_side(booking.resource, except_user=actor) if is_borrower else [booking.borrower]
        )
        _notify(others, booking=booking, kind="cancelled", extra={"by_borrower": is_borrower})
    return booking


def booking_returned(*, actor, booking: Booking, membership: Membership | None = None) -> Booking:
    """The owner says the thing is back (or the space is left); the rest of the time is free."""
    with transaction.atomic():
        booking = _locked(booking)
        if not access.lending_owner_side(actor, booking.resource, membership=membership):
            raise ValidationError(
                _("Only the owner can say that it is returned."), code="not_owner"
            )
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError(
                _("Only a confirmed booking can be returned."), code="not_confirmed"
            )
        if booking.start_at > timezone.now():
            raise ValidationError(
                _("This booking has not started yet. Cancel it instead."), code="not_started"
            )
        booking.status = BookingStatus.RETURNED
        booking.save(update_fields=["status"])
        log_action(
            actor=actor,
            action="booking.returned",
            neighbourhood=booking.neighbourhood,
            obj=booking,
        )
        _notify([booking.borrower], booking=booking, kind="returned")
    return booking


def bookings_send_reminders(
    *, now: datetime | None = None, window: timedelta = timedelta(hours=24)
) -> int:
    """Remind each borrower once when a confirmed booking ends within `window`: in the app,
    and by e-mail right away unless they chose no e-mail (a reminder does not wait for the
    daily digest; decision 0018). Returns the number of reminders. Safe to run twice at
    once: a booking is claimed by a conditional UPDATE before its reminder is written."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            reminded_at__isnull=True,
            end_at__gt=now,
            end_at__lte=now + window,
        )
        .select_related("resource__item", "borrower__profile", "neighbourhood")
        .order_by("end_at")
    )
    sent = 0
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not claimed:
                continue
            log_action(
                actor=None,
                action="booking.reminded",
                neighbourhood=booking.neighbourhood,
                obj=booking,
            )
            _notify([booking.borrower], booking=booking, kind="reminder")
            sent += 1
    return sent
