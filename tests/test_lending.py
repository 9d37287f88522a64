"""Lending: booking shared spaces and things (product rule 9) without showing who borrows
to anyone but the owner (rule 14). Services first, then the database's own refusal of
overlaps, notifications and mails, reminders, and the pages end to end."""

import logging
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from buurtkracht.core.choices import Visibility
from buurtkracht.core.models import ActionLog
from buurtkracht.gifts.models import Resource
from buurtkracht.lending import selectors, services
from buurtkracht.lending.models import Booking, BookingStatus
from buurtkracht.notifications import services as notifications
from buurtkracht.notifications.models import Kind, MailMode, MailState, Notification
from buurtkracht.people.models import AccessLog, Contact
from buurtkracht.places.models import Place, PlaceKind

from . import factories as f
from .helpers import links_in, refused


@pytest.fixture(autouse=True)
def _english_messages():
    """These tests read the services' refusals by their English wording."""
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


# --- helpers -----------------------------------------------------------------------------


def make_resource(owner=None, *, place=None, **kw) -> Resource:
    values = {
        "kind": "thing",
        "text": "Ladder",
        "lendable": True,
        "needs_approval": True,
        "visibility": "neighbourhood",
    }
    values.update(kw)
    return Resource.objects.create(owner=owner, place=place, **values)


def make_place(neighbourhood, name="Buurthuis De Linde") -> Place:
    return Place.objects.create(
        neighbourhood=neighbourhood, name=name, kind=PlaceKind.COMMUNITY_CENTRE
    )


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A local moment `days` from today at hour:minute."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def request(world, resource, start, end, *, actor=None, **kw) -> Booking:
    return services.booking_request(
        actor=actor or world.connector,
        resource=resource,
        neighbourhood=world.hood,
        start_at=start,
        end_at=end,
        **kw,
    )


def raw_booking(world, resource, start, end, *, status=BookingStatus.CONFIRMED, borrower=None):
    """A booking written straight to the database, past the service."""
    return Booking.objects.create(
        resource=resource,
        borrower=borrower or world.connector,
        neighbourhood=world.hood,
        start_at=start,
        end_at=end,
        status=status,
    )


def refusal(error) -> dict[str, list[str]]:
    """The codes of a service's refusal, by field ("__all__" for the whole request)."""
    if hasattr(error.value, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.value.error_dict.items()}
    return {"__all__": [e.code for e in error.value.error_list]}


@pytest.fixture
def ladder(world):
    return make_resource(world.resident)


# --- booking_request ---------------------------------------------------------------------


def test_it_asks_when_the_owner_confirms_each_booking(world, ladder):
    booking = request(world, ladder, at(1), at(1, 12), note="  Voor de dakgoot ")
    assert booking.status == BookingStatus.REQUESTED
    assert booking.borrower == world.connector
    assert booking.neighbourhood == world.hood
    assert booking.note == "Voor de dakgoot"
    assert ActionLog.objects.filter(action="booking.requested", actor=world.connector).exists()


def test_it_confirms_at_once_when_the_owner_does_not_check(world):
    drill = make_resource(world.resident, text="Boormachine", needs_approval=False)
    booking = request(world, drill, at(1), at(1, 12))
    assert booking.status == BookingStatus.CONFIRMED
    assert ActionLog.objects.filter(action="booking.confirmed", actor=world.connector).exists()


@pytest.mark.parametrize(
    "change", [{"lendable": False}, {"kind": "time"}, {"kind": "knowledge"}, {"kind": "network"}]
)
def test_it_refuses_what_is_not_lent_out(world, change):
    resource = make_resource(world.resident, **change)
    with pytest.raises(ValidationError) as error:
        request(world, resource, at(1), at(1, 12))
    assert refusal(error) == {"__all__": ["not_bookable"]}
    assert not Booking.objects.exists()


def test_the_owner_cannot_book_their_own(world, ladder):
    with refused("own"):
        request(world, ladder, at(1), at(1, 12), actor=world.resident)


def test_it_refuses_a_start_in_the_past(world, ladder):
    start = timezone.now() - timedelta(minutes=5)
    with pytest.raises(ValidationError) as error:
        request(world, ladder, start, start + timedelta(hours=2))
    assert refusal(error) == {"start_at": ["past"]}


@pytest.mark.parametrize("length", [timedelta(0), timedelta(hours=-1)])
def test_it_refuses_an_end_that_is_not_after_the_start(world, ladder, length):
    with pytest.raises(ValidationError) as error:
        request(world, ladder, at(1), at(1) + length)
    assert refusal(error) == {"end_at": ["order"]}


def test_it_refuses_a_note_that_is_too_long(world, ladder):
    with pytest.raises(ValidationError) as error:
        request(world, ladder, at(1), at(1, 12), note="x" * 301)
    assert refusal(error) == {"note": ["too_long"]}


def test_it_refuses_naive_times(world, ladder):
    with pytest.raises(ValueError, match="aware"):
        request(world, ladder, at(1).replace(tzinfo=None), at(1, 12).replace(tzinfo=None))


def test_it_refuses_longer_than_the_owner_allows(world):
    trailer = make_resource(world.resident, text="Aanhanger", max_days=2)
    with pytest.raises(ValidationError) as error:
        request(world, trailer, at(1), at(3) + timedelta(minutes=1))
    assert refusal(error) == {"end_at": ["too_long"]}
    assert request(world, trailer, at(1), at(3)).status == BookingStatus.REQUESTED


def test_without_a_maximum_any_length_is_fine(world, ladder):
    assert request(world, ladder, at(1), at(40)).pk


@pytest.mark.parametrize(
    "visibility,contacts,allowed",
    [
        (Visibility.PRIVATE, False, False),
        (Visibility.CONTACTS, False, False),
        (Visibility.CONTACTS, True, True),
        (Visibility.NEIGHBOURHOOD, False, True),
        (Visibility.PUBLIC, False, True),
    ],
)
def test_it_refuses_what_the_borrower_may_not_see(world, visibility, contacts, allowed):
    resource = make_resource(world.resident, visibility=visibility)
    if contacts:
        low, high = sorted((world.resident.pk, world.connector.pk))
        Contact.objects.create(user_a_id=low, user_b_id=high, source="test")
    if allowed:
        assert request(world, resource, at(1), at(1, 12)).pk
    else:
        with pytest.raises(ValidationError) as error:
            request(world, resource, at(1), at(1, 12))
        assert refusal(error) == {"__all__": ["not_bookable"]}


def test_a_member_of_another_neighbourhood_cannot_book_here(world):
    public = make_resource(world.resident, visibility=Visibility.PUBLIC)
    with pytest.raises(ValidationError):
        request(world, public, at(1), at(1, 12), actor=world.outsider)


def test_a_resource_of_someone_who_is_not_a_member_here_is_not_bookable_here(world):
    theirs = make_resource(world.outsider, visibility=Visibility.PUBLIC)
    with pytest.raises(ValidationError):
        request(world, theirs, at(1), at(1, 12))


def test_members_book_the_resources_of_their_own_places_only(world):
    here = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    there = make_resource(place=make_place(world.other, "Het Vaarthuis"), kind="space", text="Zaal")
    assert request(world, here, at(1), at(1, 12)).pk
    with pytest.raises(ValidationError):
        request(world, there, at(1), at(1, 12))
    with pytest.raises(ValidationError):  # not even as a member of that neighbourhood
        services.booking_request(
            actor=world.resident,
            resource=there,
            neighbourhood=world.hood,
            start_at=at(2),
            end_at=at(2, 12),
        )


# --- overlap: the service says it, the database decides -----------------------------------


@pytest.mark.parametrize(
    "start,end",
    [
        ((1, 11), (1, 13)),  # overlaps the end
        ((1, 9), (1, 11)),  # overlaps the start
        ((1, 10), (1, 12)),  # the same time
        ((1, 10, 30), (1, 11)),  # inside
        ((1, 8), (1, 14)),  # around
    ],
)
def test_it_refuses_a_time_that_is_already_booked(world, ladder, start, end):
    request(world, ladder, at(1, 10), at(1, 12))
    with pytest.raises(ValidationError) as error:
        request(world, ladder, at(*start), at(*end), actor=world.facilitator)
    assert refusal(error) == {"__all__": ["taken"]}
    assert Booking.objects.count() == 1


def test_the_database_refuses_an_overlap_even_past_the_service(world, ladder):
    raw_booking(world, ladder, at(1, 10), at(1, 12), status=BookingStatus.REQUESTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_booking(world, ladder, at(1, 11), at(1, 13), borrower=world.facilitator)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_booking(world, ladder, at(1, 9), at(1, 10, 30), status=BookingStatus.REQUESTED)
    assert Booking.objects.count() == 1


def test_the_database_refuses_moving_a_booking_onto_another(world, ladder):
    raw_booking(world, ladder, at(1, 10), at(1, 12))
    later = raw_booking(world, ladder, at(1, 14), at(1, 16))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=later.pk).update(start_at=at(1, 11))


def test_the_database_refuses_reopening_a_cancelled_booking_over_another(world, ladder):
    old = raw_booking(world, ladder, at(1, 10), at(1, 12), status=BookingStatus.CANCELLED)
    raw_booking(world, ladder, at(1, 10), at(1, 12))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=old.pk).update(status=BookingStatus.CONFIRMED)


def test_adjacent_bookings_are_fine(world, ladder):
    request(world, ladder, at(1, 10), at(1, 12))
    request(world, ladder, at(1, 12), at(1, 14), actor=world.facilitator)
    request(world, ladder, at(1, 8), at(1, 10), actor=world.admin)
    assert Booking.objects.count() == 3


def test_other_resources_at_the_same_time_are_fine(world, ladder):
    drill = make_resource(world.resident, text="Boormachine")
    request(world, ladder, at(1, 10), at(1, 12))
    request(world, drill, at(1, 10), at(1, 12))
    assert Booking.objects.count() == 2


@pytest.mark.parametrize("how", ["cancel", "decline", "returned"])
def test_a_booking_that_ends_early_frees_its_time(world, ladder, how):
    booking = request(world, ladder, at(1, 10), at(1, 12))
    if how == "cancel":
        services.booking_cancel(actor=world.connector, booking=booking)
    elif how == "decline":
        services.booking_decide(actor=world.resident, booking=booking, confirm=False)
    else:
        services.booking_decide(actor=world.resident, booking=booking, confirm=True)
        Booking.objects.filter(pk=booking.pk).update(start_at=timezone.now() - timedelta(hours=1))
        services.booking_returned(actor=world.resident, booking=booking)
    again = request(world, ladder, at(1, 10), at(1, 12), actor=world.facilitator)
    assert again.status == BookingStatus.REQUESTED


# --- decide, cancel, returned ------------------------------------------------------------


@pytest.mark.parametrize("confirm,status", [(True, "confirmed"), (False, "declined")])
def test_the_owner_answers_a_request(world, ladder, confirm, status):
    booking = request(world, ladder, at(1), at(1, 12))
    services.booking_decide(actor=world.resident, booking=booking, confirm=confirm)
    booking.refresh_from_db()
    assert booking.status == status
    assert ActionLog.objects.filter(action=f"booking.{status}", actor=world.resident).exists()


@pytest.mark.parametrize("who", ["connector", "professional", "admin", "outsider"])
def test_only_the_owner_answers_a_request_of_their_own(world, ladder, who):
    booking = request(world, ladder, at(1), at(1, 12))
    with refused("not_owner"):
        services.booking_decide(actor=world.persona(who), booking=booking, confirm=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


@pytest.mark.parametrize(
    "who,allowed",
    [("connector", True), ("professional", True), ("admin", True), ("facilitator", False)],
)
def test_who_manages_places_answers_for_a_place(world, who, allowed):
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    booking = request(world, room, at(1), at(1, 12), actor=world.resident)
    if allowed:
        services.booking_decide(actor=world.persona(who), booking=booking, confirm=True)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
    else:
        with pytest.raises(ValidationError):
            services.booking_decide(actor=world.persona(who), booking=booking, confirm=True)


def test_managers_of_another_neighbourhood_do_not_answer_for_a_place(world):
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    booking = request(world, room, at(1), at(1, 12), actor=world.resident)
    with pytest.raises(ValidationError):
        services.booking_decide(actor=world.outsider, booking=booking, confirm=True)


def test_a_request_is_answered_once(world, ladder):
    booking = request(world, ladder, at(1), at(1, 12))
    services.booking_decide(actor=world.resident, booking=booking, confirm=True)
    with refused("answered"):
        services.booking_decide(actor=world.resident, booking=booking, confirm=False)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_a_request_that_is_over_cannot_be_answered(world, ladder):
    booking = raw_booking(world, ladder, at(-2), at(-1), status=BookingStatus.REQUESTED)
    with refused("over"):
        services.booking_decide(actor=world.resident, booking=booking, confirm=True)


@pytest.mark.parametrize("who", ["connector", "resident"])
def test_borrower_and_owner_can_cancel(world, ladder, who):
    booking = request(world, ladder, at(1), at(1, 12))
    services.booking_cancel(actor=world.persona(who), booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    log = ActionLog.objects.get(action="booking.cancelled")
    assert log.data["by"] == ("borrower" if who == "connector" else "owner")


@pytest.mark.parametrize("who", ["professional", "admin", "facilitator", "outsider"])
def test_nobody_else_cancels(world, ladder, who):
    booking = request(world, ladder, at(1), at(1, 12))
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=world.persona(who), booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


@pytest.mark.parametrize("status", ["declined", "cancelled", "returned"])
def test_only_open_bookings_can_be_cancelled(world, ladder, status):
    booking = raw_booking(world, ladder, at(1), at(1, 12), status=status)
    with pytest.raises(ValidationError):
        services.booking_cancel(actor=world.connector, booking=booking)


def test_a_booking_that_ended_cannot_be_cancelled(world, ladder):
    booking = raw_booking(world, ladder, at(-3), at(-1))
    with refused("over"):
        services.booking_cancel(actor=world.connector, booking=booking)


def test_a_booking_that_started_can_still_be_cancelled(world, ladder):
    booking = raw_booking(world, ladder, at(-1), at(1))
    services.booking_cancel(actor=world.connector, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_the_owner_marks_it_returned(world, ladder):
    booking = raw_booking(world, ladder, at(-1), at(1))
    services.booking_returned(actor=world.resident, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RETURNED
    assert ActionLog.objects.filter(action="booking.returned", actor=world.resident).exists()


def test_the_borrower_cannot_mark_it_returned(world, ladder):
    booking = raw_booking(world, ladder, at(-1), at(1))
    with refused("not_owner"):
        services.booking_returned(actor=world.connector, booking=booking)


@pytest.mark.parametrize("status", ["requested", "declined", "cancelled", "returned"])
def test_only_a_confirmed_booking_is_returned(world, ladder, status):
    booking = raw_booking(world, ladder, at(-1), at(1), status=status)
    with pytest.raises(ValidationError):
        services.booking_returned(actor=world.resident, booking=booking)


def test_it_is_not_returned_before_it_started(world, ladder):
    booking = raw_booking(world, ladder, at(1), at(2))
    with refused("not_started"):
        services.booking_returned(actor=world.resident, booking=booking)


# --- mails -------------------------------------------------------------------------------


def test_the_owner_gets_a_mail_after_commit_only(
    world, ladder, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request(world, ladder, at(1), at(1, 12), note="Voor de dakgoot")
    assert len(callbacks) == 1
    assert mailbox.bodies() == []
    callbacks[0]()
    [message] = mailbox.messages
    assert message["To"] == world.resident.email
    body = mailbox.bodies()[0]
    assert "Karim" in body and "Ladder" in body and "Voor de dakgoot" in body
    link, settings_link = links_in(body)
    assert link.endswith(reverse("lending:bookings", kwargs={"slug": "lindenhof"}))
    assert settings_link.endswith(reverse("notifications:preferences"))


def test_a_refused_booking_sends_no_mail(
    world, ladder, mailbox, django_capture_on_commit_callbacks
):
    request(world, ladder, at(1, 10), at(1, 12))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        request(world, ladder, at(1, 11), at(1, 13), actor=world.facilitator)
    assert callbacks == []


def test_mails_are_in_the_recipients_language(
    world, ladder, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://buurt.example"
    world.connector.language = "en"
    world.connector.save()
    start = at(7)
    with django_capture_on_commit_callbacks(execute=True):
        booking = request(world, ladder, start, start + timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decide(actor=world.resident, booking=booking, confirm=True)
    to_owner, to_borrower = mailbox.bodies()
    dutch_day = {0: "maandag", 1: "dinsdag", 2: "woensdag", 3: "donderdag"}
    dutch_day |= {4: "vrijdag", 5: "zaterdag", 6: "zondag"}
    assert dutch_day[start.weekday()] in to_owner  # no language chosen: Dutch
    assert start.strftime("%A") in to_borrower  # chose English
    assert "Good news" in to_borrower
    assert "https://buurt.example/lindenhof/reserveringen/" in to_borrower


def test_each_step_mails_the_other_side(world, ladder, mailbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(world, ladder, at(1), at(1, 12))
        services.booking_decide(actor=world.resident, booking=first, confirm=False)
        second = request(world, ladder, at(2), at(2, 12))
        services.booking_cancel(actor=world.connector, booking=second)
        third = raw_booking(world, ladder, at(-1), at(1))
        services.booking_cancel(actor=world.resident, booking=third)
        fourth = raw_booking(world, ladder, at(-2), at(-1, 23))
        services.booking_returned(actor=world.resident, booking=fourth)
    recipients = [m["To"] for m in mailbox.messages]
    owner, borrower = world.resident.email, world.connector.email
    assert recipients == [owner, borrower, owner, owner, borrower, borrower]


def test_place_bookings_are_mailed_to_the_neighbourhoods_administrators(
    world, mailbox, django_capture_on_commit_callbacks
):
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    with django_capture_on_commit_callbacks(execute=True):
        request(world, room, at(1), at(1, 12), actor=world.resident)
    assert [m["To"] for m in mailbox.messages] == [world.admin.email]


def test_people_without_e_mail_get_no_mail(world, mailbox, django_capture_on_commit_callbacks):
    guided = f.make_member(world.hood, with_email=False, name="Henk")
    drill = make_resource(guided, text="Boormachine")
    with django_capture_on_commit_callbacks(execute=True):
        request(world, drill, at(1), at(1, 12))
    assert mailbox.bodies() == []


def test_a_mail_server_that_is_down_does_not_undo_the_booking(
    world, ladder, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = 1  # nothing listens there
    with django_capture_on_commit_callbacks(execute=True):
        booking = request(world, ladder, at(1), at(1, 12))
    assert Booking.objects.filter(pk=booking.pk).exists()


# --- reminders ---------------------------------------------------------------------------


def test_a_reminder_is_sent_once(world, ladder, mailbox, django_capture_on_commit_callbacks):
    now = timezone.now()
    due = raw_booking(world, ladder, now - timedelta(days=1), now + timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders() == 0
    [body] = mailbox.bodies()
    assert "Ladder" in body
    assert "bring" in body.lower() or "terug" in body
    assert mailbox.messages[0]["To"] == world.connector.email
    due.refresh_from_db()
    assert due.reminded_at is not None


def test_only_confirmed_bookings_ending_soon_get_a_reminder(
    world, ladder, mailbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    raw_booking(
        world, ladder, now + timedelta(hours=1), now + timedelta(hours=2), status="requested"
    )
    raw_booking(
        world, ladder, now + timedelta(hours=3), now + timedelta(hours=4), status="cancelled"
    )
    raw_booking(world, ladder, now + timedelta(days=2), now + timedelta(days=3))  # later
    raw_booking(world, ladder, now - timedelta(days=2), now - timedelta(days=1))  # ended
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders() == 0
    assert mailbox.bodies() == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders(window=timedelta(days=3)) == 1


def test_the_reminder_for_a_space_says_when_it_ends(
    world, mailbox, django_capture_on_commit_callbacks
):
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    now = timezone.now()
    raw_booking(world, room, now + timedelta(hours=1), now + timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_send_reminders()
    [body] = mailbox.bodies()
    assert "Zaal" in body and "bring" not in body.lower()


def test_the_reminder_command_says_how_many(world, ladder, mailbox, capsys):
    now = timezone.now()
    raw_booking(world, ladder, now, now + timedelta(hours=2))
    call_command("send_booking_reminders")  # `buurtkracht send-booking-reminders`
    assert capsys.readouterr().out.startswith("1 ")
    call_command("send_booking_reminders")
    assert capsys.readouterr().out.startswith("0 ")
    # outside a test transaction's on_commit capture the mail may wait; the mark is there
    assert Booking.objects.filter(reminded_at__isnull=False).count() == 1


# --- notifications: in the app, and mail as each person chose ----------------------------


def _sent_to(mailbox) -> list[str]:
    return [m["To"] for m in mailbox.messages]


def test_each_step_notifies_the_other_side_in_the_app(
    world, ladder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = request(world, ladder, at(1), at(1, 12), note="Voor de dakgoot")
        services.booking_decide(actor=world.resident, booking=first, confirm=False)
        second = request(world, ladder, at(2), at(2, 12))
        services.booking_cancel(actor=world.connector, booking=second)
        third = raw_booking(world, ladder, at(-1), at(1))
        services.booking_cancel(actor=world.resident, booking=third)
        fourth = raw_booking(world, ladder, at(-2), at(-1, 23))
        services.booking_returned(actor=world.resident, booking=fourth)
        barrow = make_resource(world.resident, text="Kruiwagen", needs_approval=False)
        request(world, barrow, at(3), at(3, 12))  # confirmed at once: "booked"
    owner, borrower = world.resident, world.connector
    rows = list(Notification.objects.order_by("id"))
    assert [(n.user, n.kind) for n in rows] == [
        (owner, Kind.BOOKING_REQUEST),
        (borrower, Kind.BOOKING_ANSWER),
        (owner, Kind.BOOKING_REQUEST),
        (owner, Kind.BOOKING_CANCELLED),
        (borrower, Kind.BOOKING_CANCELLED),
        (borrower, Kind.BOOKING_RETURNED),
        (owner, Kind.BOOKING),
    ]
    bookings = reverse("lending:bookings", kwargs={"slug": "lindenhof"})
    assert {(n.url, n.neighbourhood) for n in rows} == {(bookings, world.hood)}
    asked = rows[0]  # in the owner's language: no choice made, so Dutch
    assert "Ladder" in asked.title and "Karim" in asked.body and "Voor de dakgoot" in asked.body
    assert asked.title != str(services.TITLES["requested"]) % {"label": "Ladder"}
    assert {n.mail_state for n in rows} == {MailState.SENT}


def test_someone_without_e_mail_sees_the_request_in_the_app(
    world, mailbox, django_capture_on_commit_callbacks
):
    guided = f.make_member(world.hood, with_email=False, name="Henk")
    drill = make_resource(guided, text="Boormachine")
    with django_capture_on_commit_callbacks(execute=True):
        request(world, drill, at(1), at(1, 12))
    notification = Notification.objects.get(user=guided)
    assert notification.kind == Kind.BOOKING_REQUEST
    assert notification.mail_state == MailState.SKIPPED
    assert mailbox.bodies() == []


@pytest.mark.parametrize("mode", [MailMode.IMMEDIATE, MailMode.DIGEST, MailMode.NONE])
def test_booking_mails_follow_the_owners_choice(
    world, ladder, mailbox, settings, mode, django_capture_on_commit_callbacks
):
    settings.BUURTKRACHT_DIGEST_HOUR = 8
    notifications.preference_update(user=world.resident, mail_mode=mode)
    with django_capture_on_commit_callbacks(execute=True):
        request(world, ladder, at(1), at(1, 12), note="Voor de dakgoot")
    notification = Notification.objects.get(user=world.resident)
    assert notification.kind == Kind.BOOKING_REQUEST
    tomorrow_morning = at(1, 8, 30)
    if mode == MailMode.IMMEDIATE:
        assert notification.mail_state == MailState.SENT
        assert _sent_to(mailbox) == [world.resident.email]
        assert notifications.send_digests(now=tomorrow_morning) == 0
    elif mode == MailMode.DIGEST:
        assert notification.mail_state == MailState.PENDING
        assert mailbox.bodies() == []
        assert notifications.send_pending(now=timezone.now() + timedelta(hours=1)) == (0, 0)
        assert notifications.send_digests(now=tomorrow_morning) == 1
        [body] = mailbox.bodies()
        assert notification.title in body and "Voor de dakgoot" in body
    else:
        assert notification.mail_state == MailState.SKIPPED
        assert notifications.send_pending(now=timezone.now() + timedelta(hours=1)) == (0, 0)
        assert notifications.send_digests(now=tomorrow_morning) == 0
        assert mailbox.bodies() == []
    assert len(mailbox.bodies()) == (0 if mode == MailMode.NONE else 1)


def test_a_booking_mail_that_fails_is_logged_and_retried(
    world, ladder, mailbox, settings, caplog, django_capture_on_commit_callbacks
):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with (
        caplog.at_level(logging.WARNING, logger="buurtkracht.notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booking = request(world, ladder, at(1), at(1, 12))
    assert Booking.objects.filter(pk=booking.pk).exists()
    notification = Notification.objects.get(user=world.resident)
    assert notification.mail_state == MailState.FAILED
    assert notification.mail_attempts == 1 and notification.mail_error
    assert "failed" in caplog.text
    settings.EMAIL_PORT = working_port
    assert notifications.send_pending() == (0, 0)  # waits for the backoff
    assert notifications.send_pending(now=timezone.now() + timedelta(minutes=11)) == (1, 0)
    assert _sent_to(mailbox) == [world.resident.email]
    assert "Ladder" in mailbox.bodies()[0]
    notification.refresh_from_db()
    assert notification.mail_state == MailState.SENT


@pytest.mark.parametrize("mode", [MailMode.IMMEDIATE, MailMode.DIGEST, MailMode.NONE])
def test_a_reminder_does_not_wait_for_the_digest(
    world, ladder, mailbox, settings, mode, django_capture_on_commit_callbacks
):
    """Decision 0018: a reminder is mailed right away, also to someone who chose the daily
    digest; someone who chose no e-mail sees it in the app only."""
    world.connector.language = "en"
    world.connector.save()
    notifications.preference_update(user=world.connector, mail_mode=mode)
    now = timezone.now()
    raw_booking(world, ladder, now - timedelta(days=1), now + timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_send_reminders() == 1
    reminder = Notification.objects.get(user=world.connector)
    assert reminder.kind == Kind.BOOKING_REMINDER
    assert reminder.title == "Reminder: your booking of Ladder ends soon"  # chose English
    if mode == MailMode.NONE:
        assert reminder.mail_state == MailState.SKIPPED
        assert mailbox.bodies() == []
    else:
        assert reminder.mail_state == MailState.SENT
        assert _sent_to(mailbox) == [world.connector.email]
        [body] = mailbox.bodies()
        assert "Please bring" in body
        assert ("this reminder is about a time" in body) == (mode == MailMode.DIGEST)
    later = timezone.now() + timedelta(days=1, hours=1)
    assert notifications.send_pending(now=later) == (0, 0)
    assert notifications.send_digests(now=later) == 0
    assert len(mailbox.bodies()) == (0 if mode == MailMode.NONE else 1)


def test_a_failed_reminder_to_a_digest_person_is_retried_before_the_digest(
    world, ladder, mailbox, settings, django_capture_on_commit_callbacks
):
    notifications.preference_update(user=world.connector, mail_mode=MailMode.DIGEST)
    now = timezone.now()
    raw_booking(world, ladder, now - timedelta(days=1), now + timedelta(hours=5))
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.bookings_send_reminders()
    assert Notification.objects.get().mail_state == MailState.FAILED
    settings.EMAIL_PORT = working_port
    assert notifications.send_pending(now=now + timedelta(minutes=11)) == (1, 0)
    assert _sent_to(mailbox) == [world.connector.email]


# --- selectors ---------------------------------------------------------------------------


def test_lendable_resources_shows_what_the_viewer_may_see_here(world, ladder):
    hidden = make_resource(world.resident, text="Dagboek", visibility=Visibility.PRIVATE)
    not_lent = make_resource(world.resident, text="Fiets", lendable=False)
    knowledge = make_resource(world.resident, text="Fietsen maken", kind="knowledge")
    elsewhere = make_resource(world.outsider, text="Kano", visibility=Visibility.PUBLIC)
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    other_room = make_resource(place=make_place(world.other, "Vaarthuis"), kind="space")
    seen = set(selectors.lendable_resources(neighbourhood=world.hood, viewer=world.connector))
    assert seen == {ladder, room}
    mine = set(selectors.lendable_resources(neighbourhood=world.hood, viewer=world.resident))
    assert mine == {ladder, hidden, room}
    for absent in (not_lent, knowledge, elsewhere, other_room):
        assert absent not in mine
    # the page of the list decides the same, newest first
    page = selectors.lendable_page(neighbourhood=world.hood, viewer=world.resident)
    assert page.rows == sorted(mine, key=lambda r: r.pk, reverse=True) and not page.next_after
    spaces = selectors.lendable_page(neighbourhood=world.hood, viewer=world.resident, kind="space")
    assert spaces.rows == [room]


def test_the_calendar_marks_busy_days_without_names(world, ladder):
    start = at(1, 22)  # across midnight
    raw_booking(world, ladder, start, start + timedelta(hours=4))
    raw_booking(world, ladder, at(3, 0), at(4, 0))
    raw_booking(world, ladder, at(5, 9), at(5, 11), status=BookingStatus.CANCELLED)
    days = {}
    for month_start in {at(1).date().replace(day=1), at(5).date().replace(day=1)}:
        month = selectors.calendar_month(
            resource=ladder, year=month_start.year, month=month_start.month
        )
        assert all(len(week) == 7 for week in month.weeks)
        for week in month.weeks:
            for day in week:
                if day.in_month:
                    days[day.date] = day
    assert days[at(1).date()].state == "partly"
    assert [(s.hour, e.hour) for s, e in days[at(1).date()].busy] == [(22, 0)]
    assert days[at(2).date()].state == "partly"
    assert days[at(3).date()].state == "full"
    assert days[at(4).date()].state == "free"
    assert days[at(5).date()].state == "free"  # a cancelled booking holds no time


def test_month_from_reads_the_query_and_falls_back_to_this_month(settings):
    this_month = timezone.localdate().replace(day=1)
    assert selectors.month_from("2031-02").isoformat() == "2031-02-01"
    for odd in (None, "", "2031-13", "abc", "31-02", "1999-01", "2031-02-03"):
        assert selectors.month_from(odd) == this_month


# --- pages end to end --------------------------------------------------------------------


def _booking_form(days=3, start="10:00", end="12:00", **extra):
    day = (timezone.localdate() + timedelta(days=days)).isoformat()
    return {"start_date": day, "start_time": start, "end_date": day, "end_time": end, **extra}


def test_request_confirm_and_return_through_the_pages(
    world, ladder, client_for, mailbox, django_capture_on_commit_callbacks
):
    borrower, owner = client_for("connector"), client_for("resident")
    detail = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = borrower.post(detail, _booking_form(note="Mag ik hem lenen?"))
    assert response.status_code == 302
    assert response["Location"] == reverse("lending:bookings", kwargs={"slug": "lindenhof"})
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.REQUESTED

    page = owner.get(response["Location"]).content.decode()
    assert "Karim" in page and "Mag ik hem lenen?" in page
    confirm = reverse(
        "lending:booking_confirm", kwargs={"slug": "lindenhof", "booking_id": booking.pk}
    )
    assert confirm in page
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(confirm).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    Booking.objects.filter(pk=booking.pk).update(start_at=timezone.now() - timedelta(hours=1))
    returned = reverse(
        "lending:booking_returned", kwargs={"slug": "lindenhof", "booking_id": booking.pk}
    )
    assert returned in owner.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.post(returned).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RETURNED
    assert [m["To"] for m in mailbox.messages] == [world.resident.email] + [
        world.connector.email
    ] * 2


def test_a_borrower_cannot_confirm_their_own_request(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    url = reverse("lending:booking_confirm", kwargs={"slug": "lindenhof", "booking_id": booking.pk})
    response = client_for("connector").post(url, follow=True)
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_the_booking_form_shows_what_is_wrong(world, ladder, client_for):
    detail = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    client = client_for("connector")
    response = client.post(detail, _booking_form(start="12:00", end="10:00"))
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    request(world, ladder, at(3, 9), at(3, 11), actor=world.facilitator)
    response = client.post(detail, _booking_form())
    assert str(services.ALREADY_BOOKED) in response.content.decode()
    response = client.post(detail, _booking_form(days=-1))
    assert 'id="id_start_date_error"' in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_calendar_page_shows_busy_days_but_not_who_booked(world, ladder, client_for):
    request(world, ladder, at(1, 10), at(1, 12), note="Geheim briefje")
    day = at(1).date()
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    page = client_for("professional").get(url, {"maand": day.strftime("%Y-%m")}).content.decode()
    assert "<caption>" in page and '<th scope="col">' in page
    assert "10:00" in page and "12:00" in page
    assert "Karim" not in page and "Geheim briefje" not in page
    assert "?dag=" in page  # a day that is not full links to the form


def test_a_day_link_fills_in_the_form(world, ladder, client_for):
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    page = client_for("connector").get(url, {"dag": "2031-05-06"}).content.decode()
    assert 'value="2031-05-06"' in page
    assert "mei 2031" in page  # the calendar opens on that month, in Dutch


def test_month_navigation(world, ladder, client_for):
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    page = client_for("connector").get(url, {"maand": "2031-01"}).content.decode()
    assert "januari 2031" in page
    assert "?maand=2030-12" in page and "?maand=2031-02" in page


def test_the_list_filters_by_kind(world, ladder, client_for):
    room = make_resource(place=make_place(world.hood), kind="space", text="Grote zaal")
    url = reverse("lending:resources", kwargs={"slug": "lindenhof"})
    client = client_for("connector")
    everything = client.get(url).content.decode()
    assert "Ladder" in everything and "Grote zaal" in everything
    spaces = client.get(url, {"soort": "ruimte"}).content.decode()
    assert "Ladder" not in spaces and "Grote zaal" in spaces
    things = client.get(url, {"soort": "spullen"}).content.decode()
    assert "Ladder" in things and "Grote zaal" not in things
    assert room.place.name in everything


def test_the_owners_name_shows_only_when_they_allow_it(world, client_for):
    shy = f.make_member(world.hood, name="Verlegen Vera", visibility=Visibility.PRIVATE)
    make_resource(shy, text="Steekwagen")
    make_resource(world.resident)
    page = client_for("connector").get(reverse("lending:resources", kwargs={"slug": "lindenhof"}))
    html = page.content.decode()
    assert "Steekwagen" in html and "Verlegen Vera" not in html
    assert "Sanne" in html


def test_a_professional_reading_borrowers_names_is_logged(world, client_for):
    room = make_resource(place=make_place(world.hood), kind="space", text="Zaal")
    request(world, room, at(1), at(1, 12), actor=world.resident)
    page = client_for("professional").get(reverse("lending:bookings", kwargs={"slug": "lindenhof"}))
    assert "Sanne" in page.content.decode()
    assert AccessLog.objects.filter(
        viewer=world.professional, subject=world.resident, what="lending"
    ).exists()


def test_a_member_of_another_neighbourhood_gets_nothing(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    outsider = client_for("outsider")
    here = {"slug": "lindenhof"}
    assert outsider.get(reverse("lending:resources", kwargs=here)).status_code == 403
    # through their own neighbourhood's address: not found
    there = {"slug": "vaartkwartier"}
    f_url = reverse("lending:resource", kwargs={**there, "resource_id": ladder.pk})
    assert outsider.get(f_url).status_code == 404
    action = reverse("lending:booking_cancel", kwargs={**there, "booking_id": booking.pk})
    assert outsider.post(action).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_a_booking_through_another_neighbourhoods_address_is_not_found(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    f.make_member(world.other, user=world.connector)
    url = reverse(
        "lending:booking_cancel", kwargs={"slug": "vaartkwartier", "booking_id": booking.pk}
    )
    assert client_for("connector").post(url).status_code == 404


def test_an_invisible_resource_is_not_found(world, client_for):
    private = make_resource(world.resident, visibility=Visibility.PRIVATE)
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": private.pk})
    assert client_for("connector").get(url).status_code == 404
    assert client_for("connector").post(url, _booking_form()).status_code == 404
    assert client_for("resident").get(url).status_code == 200
    assert not Booking.objects.exists()


def test_someone_elses_booking_is_not_found(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    url = reverse("lending:booking_cancel", kwargs={"slug": "lindenhof", "booking_id": booking.pk})
    assert client_for("facilitator").post(url).status_code == 404
    assert client_for("admin").post(url).status_code == 404  # a person's ladder, not a place's


def test_an_unknown_step_is_not_found_and_get_is_not_allowed(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    kwargs = {"slug": "lindenhof", "booking_id": booking.pk}
    client = client_for("resident")
    cancel = reverse("lending:booking_cancel", kwargs={**kwargs})
    assert client.post(cancel.replace("/annuleren/", "/delete/")).status_code == 404
    assert client.get(cancel).status_code == 405
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_all_pages_are_gone_when_the_gifts_module_is_off(world, ladder, client_for):
    booking = request(world, ladder, at(1), at(1, 12))
    world.hood.modules = ["requests"]
    world.hood.save()
    client = client_for("resident")
    here = {"slug": "lindenhof"}
    for url in (
        reverse("lending:resources", kwargs=here),
        reverse("lending:resource", kwargs={**here, "resource_id": ladder.pk}),
        reverse("lending:bookings", kwargs=here),
    ):
        assert client.get(url).status_code == 404, url
    action = reverse("lending:booking_cancel", kwargs={**here, "booking_id": booking.pk})
    assert client.post(action).status_code == 404


def test_the_owner_sees_no_form_on_their_own_resource(world, ladder, client_for):
    url = reverse("lending:resource", kwargs={"slug": "lindenhof", "resource_id": ladder.pk})
    page = client_for("resident").get(url).content.decode()
    assert 'name="start_date"' not in page
    response = client_for("resident").post(url, _booking_form())
    assert response.status_code == 200
    assert not Booking.objects.exists()
