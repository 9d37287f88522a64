"""Writes for bookings of shared spaces and things. Each runs in a transaction and logs
what it did; a refused change raises ValidationError with a Dutch message.

The database itself refuses two bookings of one resource that hold overlapping time
(migration 0002_booking_no_overlap); booking_request turns that refusal into words. Mails
go out after commit, in the recipient's own language.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
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

from .access import is_owner_side
from .models import HOLDING_STATUSES, Booking, BookingStatus

logger = logging.getLogger(__name__)

NOT_BOOKABLE = gettext_lazy("This cannot be borrowed or booked.")
ALREADY_BOOKED = gettext_lazy("This time is already booked. Choose another time.")
NO_LONGER_OPEN = gettext_lazy("This booking is no longer open.")
NOTE_MAX = Booking._meta.get_field("note").max_length

SUBJECT_PREFIX = "[Buurtkracht] "
SUBJECTS = {
    "requested": gettext_lazy("Someone would like to borrow %(label)s"),
    "booked": gettext_lazy("%(label)s is booked"),
    "confirmed": gettext_lazy("Yes: you may borrow %(label)s"),
    "declined": gettext_lazy("Your request for %(label)s was not accepted"),
    "cancelled": gettext_lazy("A booking of %(label)s was cancelled"),
    "returned": gettext_lazy("%(label)s is returned. Thank you!"),
    "reminder": gettext_lazy("Reminder: your booking of %(label)s ends soon"),
}


# --- mail --------------------------------------------------------------------------------


def _send(messages: list[tuple[str, str, str]]) -> None:
    """Send after commit. A mail server that is down must not undo a booking: log it."""
    for subject, body, address in messages:
        try:
            send_mail(subject, body, None, [address])
        except (OSError, smtplib.SMTPException):
            logger.exception("could not send a booking mail")


def _mail(users: Iterable, *, booking: Booking, kind: str, extra: dict | None = None) -> int:
    """Queue mail `kind` about `booking` to each user with an e-mail address, rendered in
    their own language. Returns how many mails were queued."""
    url = settings.SITE_URL + reverse(
        "lending:bookings", kwargs={"slug": booking.neighbourhood.slug}
    )
    messages = []
    for user in users:
        if not user.email:
            continue  # guided accounts without e-mail see it on their page
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = str(SUBJECTS[kind]) % {"label": booking.resource.label}
            body = render_to_string(
                f"lending/email/{kind}.txt",
                {"booking": booking, "recipient": user, "url": url, **(extra or {})},
            )
        messages.append((SUBJECT_PREFIX + subject, body, user.email))
    if messages:
        transaction.on_commit(partial(_send, messages))
    return len(messages)


def _owner_side(resource: Resource, *, except_user=None) -> list:
    """Who hears about bookings: the owner; for a place's resource, the administrators of
    the place's neighbourhood (connectors and professionals may answer too, but are not
    mailed about every booking)."""
    if resource.place_id is None:
        people = [resource.owner]
    else:
        people = list(
            get_user_model()
            .objects.filter(
                memberships__neighbourhood_id=resource.place.neighbourhood_id,
                memberships__role=Role.ADMIN,
            )
            .select_related("profile")
        )
    return [p for p in people if except_user is None or p.pk != except_user.pk]


# --- checks ------------------------------------------------------------------------------


def _is_member(user, neighbourhood) -> bool:
    return Membership.objects.filter(user_id=user.pk, neighbourhood=neighbourhood).exists()


def _may_see(actor, resource: Resource, neighbourhood) -> bool:
    if not _is_member(actor, neighbourhood):
        return False
    if resource.place_id is not None:
        return resource.place.neighbourhood_id == neighbourhood.pk
    return _is_member(resource.owner, neighbourhood) and access.can_see(
        actor, owner_id=resource.owner_id, level=resource.visibility, neighbourhood=neighbourhood
    )


def _check_bookable(*, actor, resource: Resource, neighbourhood) -> None:
    if not resource.lendable or resource.kind not in LENDABLE_KINDS:
        raise ValidationError(str(NOT_BOOKABLE))
    if resource.owner_id is not None and resource.owner_id == actor.pk:
        raise ValidationError(_("This is yours. You do not need to book it."))
    # Not visible looks the same as not bookable: the refusal reveals nothing.
    if not _may_see(actor, resource, neighbourhood):
        raise ValidationError(str(NOT_BOOKABLE))


def _check_request(*, resource: Resource, start_at: datetime, end_at: datetime, note: str) -> None:
    if timezone.is_naive(start_at) or timezone.is_naive(end_at):
        raise ValueError("booking times must be timezone-aware")
    errors = {}
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the message short: at most %(count)s characters.") % {
            "count": NOTE_MAX
        }
    if start_at < timezone.now():
        errors["start_at"] = _("This time has passed. Choose a time in the future.")
    if end_at <= start_at:
        errors["end_at"] = _("The end must be after the start.")
    elif resource.max_days and end_at - start_at > timedelta(days=resource.max_days):
        errors["end_at"] = ngettext(
            "You can borrow this for at most %(days)s day.",
            "You can borrow this for at most %(days)s days.",
            resource.max_days,
        ) % {"days": resource.max_days}
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
) -> Booking:
    """Ask to borrow `resource`; confirmed at once when the owner does not check each
    booking. Overlap with a booking that holds the time is refused by the database."""
    _check_bookable(actor=actor, resource=resource, neighbourhood=neighbourhood)
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
            raise ValidationError(str(ALREADY_BOOKED)) from None
        log_action(
            actor=actor,
            action=f"booking.{status}",
            neighbourhood=neighbourhood,
            obj=booking,
            data={"resource": resource.pk},
        )
        kind = "requested" if status == BookingStatus.REQUESTED else "booked"
        _mail(_owner_side(resource, except_user=actor), booking=booking, kind=kind)
    return booking


def booking_decide(*, actor, booking: Booking, confirm: bool) -> Booking:
    """The owner (or, for a place, someone who manages places) says yes or no."""
    with transaction.atomic():
        booking = _locked(booking)
        if not is_owner_side(actor, booking.resource):
            raise ValidationError(_("Only the owner can answer this request."))
        if booking.status != BookingStatus.REQUESTED:
            raise ValidationError(_("This request has already been answered."))
        if booking.end_at <= timezone.now():
            raise ValidationError(_("This booking is over."))
        booking.status = BookingStatus.CONFIRMED if confirm else BookingStatus.DECLINED
        booking.save(update_fields=["status"])
        log_action(
            actor=actor,
            action=f"booking.{booking.status}",
            neighbourhood=booking.neighbourhood,
            obj=booking,
        )
        _mail([booking.borrower], booking=booking, kind=str(booking.status))
    return booking


def booking_cancel(*, actor, booking: Booking) -> Booking:
    """The borrower or the owner cancels a booking that has not ended; its time is free."""
    with transaction.atomic():
        booking = _locked(booking)
        is_borrower = booking.borrower_id == actor.pk
        if not is_borrower and not is_owner_side(actor, booking.resource):
            raise ValidationError(_("Only the borrower or the owner can cancel this booking."))
        if booking.status not in HOLDING_STATUSES:
            raise ValidationError(str(NO_LONGER_OPEN))
        if booking.end_at <= timezone.now():
            raise ValidationError(_("This booking is over. You can no longer cancel it."))
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
        _mail(others, booking=booking, kind="cancelled", extra={"by_borrower": is_borrower})
    return booking


def booking_returned(*, actor, booking: Booking) -> Booking:
    """The owner says the thing is back (or the space is left); the rest of the time is free."""
    with transaction.atomic():
        booking = _locked(booking)
        if not is_owner_side(actor, booking.resource):
            raise ValidationError(_("Only the owner can say that it is returned."))
        if booking.status != BookingStatus.CONFIRMED:
            raise ValidationError(_("Only a confirmed booking can be returned."))
        if booking.start_at > timezone.now():
            raise ValidationError(_("This booking has not started yet. Cancel it instead."))
        booking.status = BookingStatus.RETURNED
        booking.save(update_fields=["status"])
        log_action(
            actor=actor,
            action="booking.returned",
            neighbourhood=booking.neighbourhood,
            obj=booking,
        )
        _mail([booking.borrower], booking=booking, kind="returned")
    return booking


def bookings_send_reminders(
    *, now: datetime | None = None, window: timedelta = timedelta(hours=24)
) -> int:
    """Mail each borrower once when a confirmed booking ends within `window`. Returns the
    number of mails sent. Safe to run twice at once: a booking is claimed by a conditional
    UPDATE before its mail is queued."""
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
            sent += _mail([booking.borrower], booking=booking, kind="reminder")
    return sent
