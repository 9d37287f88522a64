"""Activities and signing up for them. Seats are taken with a conditional UPDATE that the
database checks (see models): two people cannot take the last seat at the same moment."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership

from ..models import NAME_MAX, Activity, Initiative, SignUp, SignUpStatus
from .base import clean_text, field_error, require_owner
from .initiatives import ADDRESS_MAX, place_elsewhere


def _check_times(*, starts_at, ends_at, capacity: int | None) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give a day, a start time and an end time."), code="no_time")
    if starts_at <= timezone.now():
        raise field_error("starts_at", _("Choose a moment in the future."), "in_the_past")
    if ends_at <= starts_at:
        raise field_error("ends_at", _("The end must be after the start."), "ends_before_start")
    if capacity is not None and capacity < 1:
        raise field_error("capacity", _("At least 1 place, or leave it empty."), "no_places")


def activity_add(
    *,
    actor,
    initiative: Initiative,
    title: str,
    starts_at,
    ends_at,
    place=None,
    address: str = "",
    capacity: int | None = None,
) -> Activity:
    require_owner(actor, initiative)
    title = clean_text(title, field="title", required=True, limit=NAME_MAX)
    address = clean_text(address, field="address", required=False, limit=ADDRESS_MAX)
    _check_times(starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    if place is not None and place.neighbourhood_id != initiative.neighbourhood_id:
        raise place_elsewhere()
    with transaction.atomic():
        activity = Activity.objects.create(
            initiative=initiative,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            address=address,
            capacity=capacity,
        )
        log_action(
            actor=actor,
            action="activity.added",
            neighbourhood=initiative.neighbourhood,
            obj=activity,
        )
    return activity


def activity_cancel(*, actor, activity: Activity) -> Activity:
    require_owner(actor, activity.initiative)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        ):
            raise ValidationError(
                _("This activity has already been cancelled."), code="already_cancelled"
            )
        log_action(
            actor=actor,
            action="activity.cancelled",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
        )
    activity.refresh_from_db()
    return activity


def _take_seat(activity_id: int) -> bool:
    """One seat, if there is one: the database decides (conditional UPDATE + CHECK)."""
    return bool(
        Activity.objects.filter(pk=activity_id)
        .filter(Q(capacity__isnull=True) | Q(confirmed__lt=F("capacity")))
        .update(confirmed=F("confirmed") + 1)
    )


def _signed_up() -> ValidationError:
    return ValidationError(_("You are already signed up."), code="already_signed_up")


def _check_open(activity: Activity) -> None:
    if activity.cancelled_at is not None:
        raise ValidationError(_("This activity has been cancelled."), code="cancelled")
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This activity has already started."), code="started")


def sign_up(*, actor, activity: Activity, membership: Membership | None) -> SignUp:
    """A member of the neighbourhood signs up: a seat if there is one, else the waiting list."""
    acting_membership(actor, activity.initiative.neighbourhood, membership)
    _check_open(activity)
    with transaction.atomic():
        existing = SignUp.objects.select_for_update().filter(activity=activity, user=actor).first()
        if existing is not None and existing.status != SignUpStatus.CANCELLED:
            raise _signed_up()
        status = SignUpStatus.CONFIRMED if _take_seat(activity.pk) else SignUpStatus.WAITING
        try:
            with transaction.atomic():
                if existing is not None:
                    SignUp.objects.filter(pk=existing.pk).update(
                        status=status, created_at=timezone.now()
                    )
                    signup = SignUp.objects.get(pk=existing.pk)
                else:
                    signup = SignUp.objects.create(activity=activity, user=actor, status=status)
        except IntegrityError:  # signed up at the same moment in another tab
            raise _signed_up() from None
        log_action(
            actor=actor,
            action="activity.signed_up",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
            data={"status": status},
        )
    return signup


def sign_up_cancel(*, actor, activity: Activity) -> SignUp:
    """Someone cancels: a confirmed seat goes to the first on the waiting list."""
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(activity=activity, user=actor).first()
        if signup is None or signup.status == SignUpStatus.CANCELLED:
            raise ValidationError(_("You are not signed up."), code="not_signed_up")
        was_confirmed = signup.status == SignUpStatus.CONFIRMED
        SignUp.objects.filter(pk=signup.pk).update(status=SignUpStatus.CANCELLED)
        if was_confirmed:
            Activity.objects.filter(pk=activity.pk).update(confirmed=F("confirmed") - 1)
            waiting = (
                SignUp.objects.select_for_update()
                .filter(activity=activity, status=SignUpStatus.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if waiting is not None and _take_seat(activity.pk):
                SignUp.objects.filter(pk=waiting.pk).update(status=SignUpStatus.CONFIRMED)
        log_action(
            actor=actor,
            action="activity.sign_up_cancelled",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
        )
    signup.refresh_from_db()
    return signup
