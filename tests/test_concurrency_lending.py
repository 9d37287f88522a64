"""Lending rules that must hold when people act at the same moment, proven with parallel
connections on PostgreSQL (the exclusion constraint, conditional updates). The SQLite run
deselects these; the PostgreSQL run always runs them and fails elsewhere."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtkracht.gifts.models import Resource
from buurtkracht.lending import services
from buurtkracht.lending.models import HOLDING_STATUSES, Booking, BookingStatus

from . import factories as f
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://..."


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def ladder(world):
    return Resource.objects.create(
        owner=world.resident,
        kind="thing",
        text="Ladder",
        lendable=True,
        needs_approval=True,
        visibility="neighbourhood",
    )


def test_eight_requests_for_one_slot_make_one_booking(world, ladder):
    people = [f.make_member(world.hood) for _ in range(8)]
    results, errors = run_together(
        [
            (
                lambda p=p: services.booking_request(
                    actor=p,
                    resource=ladder,
                    neighbourhood=world.hood,
                    start_at=_at(1, 10),
                    end_at=_at(1, 12),
                )
            )
            for p in people
        ]
    )
    assert len(results) == 1
    assert len(errors) == 7
    assert all([x.code for x in e.error_list] == ["taken"] for e in errors)
    assert Booking.objects.count() == 1


def test_overlapping_requests_at_once_never_both_hold_time(world, ladder):
    people = [f.make_member(world.hood) for _ in range(8)]
    # each window overlaps the next one by half an hour
    windows = [(_at(1, 8 + i), _at(1, 9 + i, 30)) for i in range(8)]
    results, errors = run_together(
        [
            (
                lambda p=p, w=w: services.booking_request(
                    actor=p, resource=ladder, neighbourhood=world.hood, start_at=w[0], end_at=w[1]
                )
            )
            for p, w in zip(people, windows, strict=True)
        ]
    )
    assert results and all(isinstance(e, ValidationError) for e in errors)
    held = list(Booking.objects.filter(status__in=HOLDING_STATUSES).order_by("start_at"))
    assert len(held) == len(results)
    for first, second in zip(held, held[1:], strict=False):
        assert first.end_at <= second.start_at


def test_eight_people_posting_the_form_at_once_make_one_booking(world, ladder):
    people = [f.make_member(world.hood) for _ in range(8)]
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    form = {"start_date": day, "start_time": "14:00", "end_date": day, "end_time": "16:00"}
    clients = []
    for person in people:
        client = Client()
        client.force_login(person)
        clients.append(client)
    results, errors = run_together([lambda c=c: c.post(url, form).status_code for c in clients])
    assert errors == []
    assert sorted(results) == [200] * 7 + [302]
    assert Booking.objects.count() == 1


def test_reminders_run_at_once_mail_each_borrower_once(world, mailbox):
    now = timezone.now()
    borrowers = [f.make_member(world.hood) for _ in range(3)]
    for i, borrower in enumerate(borrowers):
        Booking.objects.create(
            resource=Resource.objects.create(
                owner=world.resident, kind="thing", text=f"Ding {i}", lendable=True
            ),
            borrower=borrower,
            neighbourhood=world.hood,
            start_at=now - timedelta(days=1),
            end_at=now + timedelta(hours=1 + i),
            status=BookingStatus.CONFIRMED,
        )
    results, errors = run_together([services.bookings_send_reminders] * 4)
    assert errors == []
    assert sum(results) == 3
    assert sorted(m["To"] for m in mailbox.messages) == sorted(b.email for b in borrowers)
    assert not Booking.objects.filter(reminded_at__isnull=True).exists()


def test_owner_confirming_while_borrower_cancels_ends_cancelled(world, ladder):
    booking = services.booking_request(
        actor=world.connector,
        resource=ladder,
        neighbourhood=world.hood,
        start_at=_at(1, 10),
        end_at=_at(1, 12),
    )
    results, errors = run_together(
        [
            lambda: services.booking_decide(actor=world.resident, booking=booking, confirm=True),
            lambda: services.booking_cancel(actor=world.connector, booking=booking),
        ]
    )
    # confirm then cancel: both succeed; cancel then confirm: the answer comes too late
    assert len(results) + len(errors) == 2
    assert all(isinstance(e, ValidationError) for e in errors)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
