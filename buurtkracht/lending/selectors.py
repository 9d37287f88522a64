"""Reads for lending: what can be borrowed here, when it is free, and one's bookings.
Visibility of people's resources and names is decided by core.access."""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from buurtkracht.core import access, paging
from buurtkracht.gifts.models import LENDABLE_KINDS, Resource
from buurtkracht.gifts.selectors import of_members
from buurtkracht.neighbourhoods.models import Membership

from .models import HOLDING_STATUSES, Booking, BookingStatus

# What a person may see in the log of reads: their name next to what they lend, or on a
# booking (people.AccessLog.what).
READ_WHAT = "lending"


def lendable_resources(*, neighbourhood, viewer) -> QuerySet[Resource]:
    """Spaces and things to borrow in `neighbourhood`: those of its members that `viewer`
    may see, and those of its places (places are public information)."""
    owner_is_member = Exists(
        Membership.objects.filter(user_id=OuterRef("owner_id"), neighbourhood=neighbourhood)
    )
    of_people = (
        Q(place__isnull=True)
        & Q(owner_is_member)
        & access.visible_q(
            viewer, owner_field="owner_id", level_field="visibility", neighbourhood=neighbourhood
        )
    )
    of_places = Q(place__neighbourhood=neighbourhood)
    return (
        Resource.objects.filter(lendable=True, kind__in=LENDABLE_KINDS)
        .filter(of_people | of_places)
        .select_related("item", "place")
        .order_by("kind", "id")
    )


RESOURCES_PAGE = 30


def lendable_page(*, neighbourhood, viewer, kind: str = "", after: str = "") -> paging.Page:
    """One page of the spaces and things to borrow here, newest first (`kind`: only that
    kind), and where the next page starts. Members' resources and places' resources are
    read apart, each newest first from where the last page ended, and merged: two short
    index walks, never a look at the whole city's resources."""
    wanted: dict[str, object] = {"lendable": True, "kind__in": [kind] if kind else LENDABLE_KINDS}
    if after.isdigit():
        wanted["pk__lt"] = int(after)
    of_people = of_members(Resource, viewer, neighbourhood).filter(place__isnull=True, **wanted)
    of_places = Resource.objects.filter(place__neighbourhood=neighbourhood, **wanted)
    found: list[Resource] = []
    for rows in (of_people, of_places):
        found += rows.select_related("item", "place").order_by("-pk")[: RESOURCES_PAGE + 1]
    found.sort(key=lambda r: r.pk, reverse=True)
    page = found[:RESOURCES_PAGE]
    return paging.Page(page, str(page[-1].pk) if len(found) > RESOURCES_PAGE else "")


def owner_names(*, viewer, membership, neighbourhood, resources) -> dict[int, str]:
    """{resource id: owner's name} for the owners who let `viewer` see their name; a place's
    name for places. Reads by professionals are logged."""
    from buurtkracht.people.selectors import display_names

    owner_ids = {r.owner_id for r in resources if r.owner_id is not None}
    names = display_names(viewer=viewer, neighbourhood=neighbourhood, user_ids=owner_ids)
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[owner_id for owner_id in owner_ids if owner_id in names],
        what=READ_WHAT,
    )
    result = {}
    for resource in resources:
        if resource.place_id is not None:
            result[resource.pk] = resource.place.name
        elif resource.owner_id in names:
            result[resource.pk] = names[resource.owner_id]
    return result


# --- calendar ----------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@dataclass
class Day:
    date: date
    in_month: bool
    past: bool
    # Busy periods within this day in local time; never who booked.
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)
    full: bool = False

    @property
    def state(self) -> str:
        if self.full:
            return "full"
        return "partly" if self.busy else "free"


@dataclass
class Month:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date

    @property
    def busy_days(self) -> list[Day]:
        return [d for week in self.weeks for d in week if d.in_month and d.busy]


def _merge(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def calendar_month(*, resource: Resource, year: int, month: int) -> Month:
    """The weeks (Monday first) of one month with the time that bookings hold per day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    window_start, window_end = _midnight(weeks[0][0]), _midnight(weeks[-1][-1] + timedelta(1))
    held = list(
        Booking.objects.filter(
            resource=resource,
            status__in=HOLDING_STATUSES,
            start_at__lt=window_end,
            end_at__gt=window_start,
        ).values_list("start_at", "end_at")
    )
    today = timezone.localdate()
    rows = []
    for week in weeks:
        row = []
        for day in week:
            day_start, day_end = _midnight(day), _midnight(day + timedelta(1))
            busy = _merge(
                [
                    (max(start, day_start), min(end, day_end))
                    for start, end in held
                    if start < day_end and end > day_start
                ]
            )
            row.append(
                Day(
                    date=day,
                    in_month=day.month == month,
                    past=day < today,
                    busy=[(timezone.localtime(s), timezone.localtime(e)) for s, e in busy],
                    full=busy == [(day_start, day_end)],
                )
            )
        rows.append(row)
    first = date(year, month, 1)
    return Month(
        first=first,
        weeks=rows,
        previous=(first - timedelta(days=1)).replace(day=1),
        next=(first + timedelta(days=31)).replace(day=1),
    )


def month_from(value: str | None) -> date:
    """The first day of the month in "YYYY-MM" (the ?maand= parameter); this month when
    the value is missing or odd."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100:
            return date(year, month, 1)
    except ValueError:
        pass
    return timezone.localdate().replace(day=1)


# --- my bookings -------------------------------------------------------------------------


@dataclass
class BookingRow:
    booking: Booking
    actions: list[str]
    # The borrower's name for the owner's side; for the borrower, the owner's name when
    # visible to them, or the place's name.
    other_name: str | None


@dataclass
class MyBookings:
    as_borrower: list[BookingRow]
    as_owner: list[BookingRow]


def booking_actions(booking: Booking, *, owner_side: bool, now: datetime) -> list[str]:
    """The buttons to show; the services decide again when one is pressed."""
    open_ = booking.status in HOLDING_STATUSES and booking.end_at > now
    actions = []
    if owner_side and open_ and booking.status == BookingStatus.REQUESTED:
        actions += ["confirm", "decline"]
    if owner_side and booking.status == BookingStatus.CONFIRMED and booking.start_at <= now:
        actions.append("returned")
    if open_:
        actions.append("cancel")
    return actions


def _ordered(bookings) -> list[Booking]:
    """Open bookings first (soonest first), then the rest (latest first)."""
    rows = list(bookings)
    open_ = sorted((b for b in rows if b.status in HOLDING_STATUSES), key=lambda b: b.start_at)
    done = sorted(
        (b for b in rows if b.status not in HOLDING_STATUSES),
        key=lambda b: b.start_at,
        reverse=True,
    )
    return open_ + done


def bookings_of(*, user, neighbourhood, membership=None, limit: int = 200) -> MyBookings:
    """`user`'s bookings in `neighbourhood`: what they borrow and what others borrow from
    them (for those who manage places: also the bookings of the places' resources).
    Bookings that ended more than 60 days ago and hold no time are left out."""
    now = timezone.now()
    recent = Q(status__in=HOLDING_STATUSES) | Q(end_at__gte=now - timedelta(days=60))
    base = (
        Booking.objects.filter(recent, neighbourhood=neighbourhood)
        .select_related("resource__item", "resource__place", "borrower__profile")
        .order_by("start_at")
    )
    borrowed = _ordered(base.filter(borrower=user)[:limit])
    owner_q = Q(resource__owner=user)
    if access.lending_manages_places(user, neighbourhood, membership=membership):
        owner_q |= Q(resource__place__neighbourhood=neighbourhood)
    lent = _ordered(base.filter(owner_q)[:limit])

    names = owner_names(
        viewer=user,
        membership=membership,
        neighbourhood=neighbourhood,
        resources={b.resource for b in borrowed},
    )
    # Whoever asks to borrow shows their name to the owner's side: it is part of asking.
    access.note_reads(
        viewer=user,
        membership=membership,
        subject_ids=[b.borrower_id for b in lent],
        what=READ_WHAT,
    )
    return MyBookings(
        as_borrower=[
            BookingRow(b, booking_actions(b, owner_side=False, now=now), names.get(b.resource_id))
            for b in borrowed
        ],
        as_owner=[
            BookingRow(b, booking_actions(b, owner_side=True, now=now), b.borrower.name)
            for b in lent
        ],
    )
