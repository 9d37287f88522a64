"""Notifications: in the app, by e-mail right away, as a daily digest, or not at all."""

import logging
import socket
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from buurtkracht.accounts.services import guided_account_register
from buurtkracht.gifts.models import TimeOffer
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.notifications import selectors, services
from buurtkracht.notifications.models import Kind, MailMode, MailState, Notification

from . import factories as f


def _notify(user, title="Karim bedankt je", kind="thanks", **kw):
    with transaction.atomic():
        return services.notify(
            user=user, kind=kind, title=title, body="Voor de ladder.", url="/mijn/", **kw
        )


def _local(days: int, hour: int, minute: int = 0, *, start: date | None = None) -> datetime:
    """A moment in Buurtkracht's own time zone, `days` after `start` (default: today)."""
    day = (start or timezone.localdate()) + timedelta(days=days)
    return timezone.make_aware(
        datetime.combine(day, time(hour, minute)), timezone.get_default_timezone()
    )


def _news(person, title, *, created_at):
    """A notification as if it was made at `created_at`."""
    notification = _notify(person, title=title)
    Notification.objects.filter(pk=notification.pk).update(created_at=created_at)
    return notification


def _digest_person(person, *, last_digest_at):
    services.preference_update(user=person, mail_mode=MailMode.DIGEST)
    person.notification_preference.last_digest_at = last_digest_at
    person.notification_preference.save()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def person(db):
    return f.make_user(name="Sanne")


def test_it_creates_in_app_and_mails_right_away(
    person, mailbox, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            user=person,
            kind="thanks",
            title="Karim bedankt je",
            body="Voor de ladder.",
            url="/mijn/",
        )
    notification.refresh_from_db()
    assert notification.mail_state == MailState.SENT
    assert notification.mailed_at is not None
    assert notification.read_at is None
    (body,) = mailbox.bodies()
    assert "Karim bedankt je" in body
    assert "Voor de ladder." in body
    assert settings.SITE_URL + "/mijn/" in body
    assert "Hallo Sanne" in body or "Hello Sanne" in body
    assert selectors.unread_count(person) == 1


def test_it_renders_in_the_recipients_language(person, mailbox, django_capture_on_commit_callbacks):
    person.language = "en"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            user=person, kind="message", title=gettext_lazy("Message"), url="/mijn/"
        )
    assert notification.title == "Message"
    (body,) = mailbox.bodies()
    assert "Hello Sanne" in body


def test_it_does_not_mail_before_commit_and_not_on_rollback(
    person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.notify(user=person, kind="thanks", title="Weg")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mailbox.bodies() == []
    assert not Notification.objects.exists()


def test_it_waits_for_the_digest_and_sends_one_mail_once(
    person, mailbox, settings, django_capture_on_commit_callbacks
):
    services.preference_update(user=person, mail_mode=MailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify(user=person, kind="thanks", title="Eerste", url="/mijn/")
        services.notify(user=person, kind="booking", title="Tweede")
        read = services.notify(user=person, kind="message", title="Al gelezen")
    services.notification_mark_read(user=person, notification=read)
    assert mailbox.bodies() == []
    assert services.send_pending() == (0, 0)
    assert services.send_digests() == 0  # chosen just now: the first digest comes tomorrow
    later = _local(1, settings.BUURTKRACHT_DIGEST_HOUR, 1)
    assert services.send_digests(now=later) == 1
    (body,) = mailbox.bodies()
    assert "Eerste" in body and "Tweede" in body
    assert "Al gelezen" not in body
    assert services.send_digests(now=later) == 0
    assert services.send_digests(now=later + timedelta(minutes=10)) == 0
    assert len(mailbox.bodies()) == 1
    first.refresh_from_db()
    read.refresh_from_db()
    assert first.mail_state == MailState.SENT
    assert read.mail_state == MailState.SKIPPED


def test_the_command_sends_digests(person, mailbox, settings):
    settings.BUURTKRACHT_DIGEST_HOUR = 0  # the command runs now, whatever the hour
    services.preference_update(user=person, mail_mode=MailMode.DIGEST)
    person.notification_preference.last_digest_at = timezone.now() - timedelta(days=2)
    person.notification_preference.save()
    _notify(person, title="Een")
    _notify(person, title="Twee")
    call_command("send_notification_mails", stdout=StringIO())
    call_command("send_notification_mails", stdout=StringIO())
    (body,) = mailbox.bodies()
    assert "Een" in body and "Twee" in body


def test_none_mode_never_mails(person, mailbox, django_capture_on_commit_callbacks):
    services.preference_update(user=person, mail_mode=MailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(user=person, kind="thanks", title="Stil")
    assert notification.mail_state == MailState.SKIPPED
    later = timezone.now() + timedelta(days=2)
    assert services.send_pending(now=later) == (0, 0)
    assert services.send_digests(now=later) == 0
    assert mailbox.bodies() == []
    assert selectors.unread_count(person) == 1


def test_guided_account_without_email_is_skipped(
    world, mailbox, django_capture_on_commit_callbacks
):
    membership = Membership.objects.get(user=world.professional, neighbourhood=world.hood)
    guided = guided_account_register(
        actor=world.professional, membership=membership, display_name="Henk"
    )
    assert not guided.email
    assert selectors.preference_of(user=guided).mail_mode == MailMode.NONE
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(
            user=guided, kind="safety_net", title="Petra komt langs", neighbourhood=world.hood
        )
    assert notification.mail_state == MailState.SKIPPED
    assert mailbox.bodies() == []


def test_smtp_down_fails_logs_keeps_the_row_and_retries_later(
    person, mailbox, settings, caplog, django_capture_on_commit_callbacks
):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    with (
        caplog.at_level(logging.WARNING, logger="buurtkracht.notifications.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification = services.notify(user=person, kind="thanks", title="Dank", url="/mijn/")
    notification.refresh_from_db()
    assert notification.mail_state == MailState.FAILED
    assert notification.mail_attempts == 1
    assert notification.mail_error
    assert "failed" in caplog.text
    assert Notification.objects.filter(pk=notification.pk).exists()

    settings.EMAIL_PORT = working_port
    assert services.send_pending() == (0, 0)  # the backoff (10 minutes) has not passed
    assert mailbox.bodies() == []
    later = timezone.now() + timedelta(minutes=11)
    assert services.send_pending(now=later) == (1, 0)
    notification.refresh_from_db()
    assert notification.mail_state == MailState.SENT
    assert notification.mail_attempts == 2
    assert len(mailbox.bodies()) == 1
    assert services.send_pending(now=later) == (0, 0)


def test_it_gives_up_after_five_attempts(person, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_PORT = _closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(user=person, kind="thanks", title="Dank")
    now = timezone.now()
    for _ in range(10):
        now += timedelta(hours=1)
        services.send_pending(now=now)
    notification.refresh_from_db()
    assert notification.mail_state == MailState.FAILED
    assert notification.mail_attempts == services.MAX_ATTEMPTS


def test_digest_failure_is_retried(person, mailbox, settings):
    services.preference_update(user=person, mail_mode=MailMode.DIGEST)
    _notify(person, title="Een")
    later = _local(1, settings.BUURTKRACHT_DIGEST_HOUR, 1)
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    assert services.send_digests(now=later) == 0
    assert Notification.objects.get().mail_state == MailState.PENDING
    settings.EMAIL_PORT = working_port
    assert services.send_digests(now=later + timedelta(minutes=10)) == 1
    assert len(mailbox.bodies()) == 1


# --- the digest hour -----------------------------------------------------------------------


@pytest.mark.parametrize("hour", [None, 18])
def test_no_digest_before_the_digest_hour_then_one_at_it(person, mailbox, settings, hour):
    if hour is None:
        assert settings.BUURTKRACHT_DIGEST_HOUR == 8  # the default
        hour = 8
    else:
        settings.BUURTKRACHT_DIGEST_HOUR = hour
    _digest_person(person, last_digest_at=_local(-3, 12))
    _news(person, "Een", created_at=_local(-1, 12))
    assert services.send_digests(now=_local(0, hour - 1, 59)) == 0
    assert services.send_digests(now=_local(0, 0, 0)) == 0
    assert mailbox.bodies() == []
    assert Notification.objects.get().mail_state == MailState.PENDING
    assert services.send_digests(now=_local(0, hour)) == 1
    (body,) = mailbox.bodies()
    assert "Een" in body


def test_the_digest_comes_at_the_hour_even_when_yesterdays_came_late(person, mailbox, settings):
    settings.BUURTKRACHT_DIGEST_HOUR = 8
    _digest_person(person, last_digest_at=_local(-1, 9, 30))  # the scheduler was late
    _news(person, "Een", created_at=_local(-1, 10))
    assert services.send_digests(now=_local(0, 8, 5)) == 1
    _news(person, "Twee", created_at=_local(0, 9))
    for later in (_local(0, 8, 15), _local(0, 12), _local(0, 23, 59), _local(1, 7, 59)):
        assert services.send_digests(now=later) == 0  # once a day
    assert len(mailbox.bodies()) == 1
    assert services.send_digests(now=_local(1, 8)) == 1
    first, second = mailbox.bodies()
    assert "Een" in first and "Twee" not in first
    assert "Twee" in second and "Een" not in second


def test_the_digest_is_sent_once_on_the_day_the_clocks_go_back(person, mailbox, settings):
    """The last Sunday of October has 25 hours: a digest at 00:30 and a run at 23:30 are 24
    hours apart, yet on the same day."""
    settings.BUURTKRACHT_DIGEST_HOUR = 0
    year = timezone.localdate().year + 1
    sunday = date(year, 10, 31) - timedelta(days=(date(year, 10, 31).weekday() + 1) % 7)
    # As timezone.now() gives them: in UTC, where a day is 24 hours.
    early = _local(0, 0, 30, start=sunday).astimezone(UTC)
    late = _local(0, 23, 30, start=sunday).astimezone(UTC)
    assert late - early == timedelta(hours=24)
    _digest_person(person, last_digest_at=_local(-3, 12, start=sunday))
    _news(person, "Een", created_at=_local(-1, 12, start=sunday))
    assert services.send_digests(now=early) == 1
    _news(person, "Twee", created_at=_local(0, 10, start=sunday))
    assert services.send_digests(now=late) == 0
    assert services.send_digests(now=_local(1, 0, 5, start=sunday)) == 1
    assert len(mailbox.bodies()) == 2


# --- urgent notifications ------------------------------------------------------------------


def test_an_urgent_notification_reaches_a_digest_person_right_away(
    person, mailbox, settings, django_capture_on_commit_callbacks
):
    person.language = "en"
    person.save()
    _digest_person(person, last_digest_at=_local(-3, 12))
    _news(person, "Gewoon nieuws", created_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _notify(person, title="Breng de ladder terug", kind=Kind.BOOKING_REMINDER)
    reminder.refresh_from_db()
    assert reminder.mail_state == MailState.SENT
    (body,) = mailbox.bodies()
    assert "Breng de ladder terug" in body and "Gewoon nieuws" not in body
    assert "this reminder is about a time" in body
    assert services.send_digests(now=_local(1, settings.BUURTKRACHT_DIGEST_HOUR)) == 1
    digest = mailbox.bodies()[1]
    assert "Gewoon nieuws" in digest and "Breng de ladder terug" not in digest


def test_a_failed_urgent_mail_to_a_digest_person_is_retried_not_put_in_the_digest(
    person, mailbox, settings, django_capture_on_commit_callbacks
):
    _digest_person(person, last_digest_at=_local(-3, 12))
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _closed_port()
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _notify(person, title="Breng de ladder terug", kind=Kind.BOOKING_REMINDER)
    reminder.refresh_from_db()
    assert reminder.mail_state == MailState.FAILED
    settings.EMAIL_PORT = working_port
    later = timezone.now() + timedelta(minutes=11)
    assert services.send_digests(now=_local(1, settings.BUURTKRACHT_DIGEST_HOUR)) == 0
    assert services.send_pending(now=later) == (1, 0)
    (body,) = mailbox.bodies()
    assert "Breng de ladder terug" in body


def test_no_e_mail_means_no_e_mail_also_for_urgent_ones(
    person, mailbox, django_capture_on_commit_callbacks
):
    services.preference_update(user=person, mail_mode=MailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _notify(person, title="Breng de ladder terug", kind=Kind.BOOKING_REMINDER)
    assert reminder.mail_state == MailState.SKIPPED
    assert services.send_pending(now=timezone.now() + timedelta(hours=1)) == (0, 0)
    assert mailbox.bodies() == []
    assert selectors.unread_count(person) == 1


# --- views ---------------------------------------------------------------------------------


def test_it_lists_newest_first_and_says_new_in_words(world, client_for):
    _notify(world.resident, title="Oud bericht")
    _notify(world.resident, title="Nieuw bericht")
    _notify(world.connector, title="Van Karim")
    response = client_for("resident").get(reverse("notifications:list"))
    html = response.content.decode()
    assert html.index("Nieuw bericht") < html.index("Oud bericht")
    assert "Van Karim" not in html
    assert "Nieuw:" in html or "New:" in html


def test_opening_marks_read_and_goes_to_its_page(world, client_for):
    notification = _notify(world.resident)
    client = client_for("resident")
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/mijn/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert selectors.unread_count(world.resident) == 0


@pytest.mark.parametrize("url", ["https://example.com/", "//example.com/", "javascript:alert(1)"])
def test_opening_never_goes_to_another_site(world, client_for, url):
    notification = services.notify(user=world.resident, kind="message", title="Pas op", url=url)
    response = client_for("resident").post(reverse("notifications:open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_someone_elses_notification_is_404(world, client_for):
    notification = _notify(world.connector)
    response = client_for("resident").post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_needs_post(world, client_for):
    notification = _notify(world.resident)
    response = client_for("resident").get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 405


def test_mark_all_read(world, client_for):
    _notify(world.resident)
    _notify(world.resident)
    other = _notify(world.connector)
    response = client_for("resident").post(reverse("notifications:mark_all_read"), follow=True)
    assert response.status_code == 200
    assert selectors.unread_count(world.resident) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_preferences_page_saves_the_choice_and_links_to_time(world, client_for):
    TimeOffer.objects.create(owner=world.resident, max_asks_per_month=3)
    client = client_for("resident")
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert "/mijn/meebrengen/tijd/" in html
    assert "3" in html
    response = client.post(reverse("notifications:preferences"), {"mail_mode": "digest"})
    assert response.status_code == 302
    world.resident.refresh_from_db()
    assert world.resident.notification_preference.mail_mode == MailMode.DIGEST


def test_preferences_refuse_an_unknown_choice(world, client_for):
    response = client_for("resident").post(
        reverse("notifications:preferences"), {"mail_mode": "hourly"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_the_template_tag_counts_unread(world, rf):
    from django.template import Context, Template

    _notify(world.resident)
    request = rf.get("/")
    request.user = world.resident
    template = Template("{% load notifications %}{% unread_notifications as n %}{{ n }}")
    assert template.render(Context({"request": request})) == "1"
