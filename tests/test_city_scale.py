"""What lets one instance serve a city (issue 15) that the other tests do not show: the
planner's statistics, the shape of the visibility filter, periodic work on the queue,
and counting attempts across processes."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from buurtkracht.core import access
from buurtkracht.jobs.models import JobRun, JobState
from buurtkracht.jobs.queue import app
from buurtkracht.jobs.schedule import SCHEDULE
from buurtkracht.people.models import Profile
from tests.factories import membership_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_visibility_filter_asks_the_viewer_first_and_never_per_row(world):
    """Two correlated EXISTS per row made PostgreSQL scan every gift; now the viewer's
    membership and contacts are constants in the query."""
    from buurtkracht.people.services import contact_connect

    contact_connect(a=world.resident, b=world.connector, source="exchange")
    for kwargs in ({}, {"owners_are_members": True}, {"owner_ids": [world.connector.pk]}):
        q = access.visible_q(
            world.resident,
            owner_field="user_id",
            level_field="display_name_visibility",
            neighbourhood=world.hood,
            **kwargs,
        )
        sql = str(Profile.objects.filter(q).query).upper()
        assert "EXISTS" not in sql
        assert str(world.connector.pk) in sql  # the contact, as a constant
    for viewer in (world.resident, world.outsider, access.ANY_MEMBER):
        q = access.visible_q(
            viewer,
            owner_field="user_id",
            level_field="display_name_visibility",
            neighbourhood=world.hood,
        )
        seen = set(Profile.objects.filter(q).values_list("user_id", flat=True))
        expected = {
            p.user_id
            for p in Profile.objects.all()
            if access.can_see(
                viewer,
                owner_id=p.user_id,
                level=p.display_name_visibility,
                neighbourhood=world.hood,
            )
        }
        assert seen == expected  # the same answer as the one-by-one check


@pytest.mark.django_db
def test_every_periodic_job_is_a_job_of_ours_and_runs(world):
    """The scheduler's entries name real jobs; each runs (here in the test's process) and
    is recorded."""
    from buurtkracht.jobs.services import send_now

    assert {"notification-mails", "booking-reminders", "safety-net", "activity-reminders"} <= set(
        SCHEDULE
    )
    assert {"ledger-verify", "embed-offers", "snapshot-sweep", "jobs-resend"} <= set(SCHEDULE)
    for entry in SCHEDULE.values():
        task = app.tasks[entry["task"]]
        run = send_now(task, *entry.get("args", ()))
        run.refresh_from_db()
        assert run.state == JobState.SUCCEEDED, (entry["task"], run.error)
    assert JobRun.objects.filter(state=JobState.SUCCEEDED).count() >= len(SCHEDULE)


@pytest.mark.django_db
def test_a_ledger_that_does_not_verify_fails_its_job_with_what_is_wrong(world):
    from buurtkracht.timebank import services as timebank
    from buurtkracht.timebank.models import Entry
    from buurtkracht.timebank.tasks import LedgerMismatch, ledger_verify

    from .test_timebank import _tamper

    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    timebank.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )
    timebank.give(
        actor=world.resident,
        neighbourhood=world.hood,
        to_user=world.connector,
        minutes=5,
        membership=membership_of(world.resident, world.hood),
    )
    entry = Entry.objects.filter(neighbourhood=world.hood).first()
    _tamper("UPDATE timebank_entry SET amount = amount + 1 WHERE id = %s", [entry.pk])
    result = ledger_verify.apply(throw=False)  # as a worker runs it: the error is recorded
    assert isinstance(result.result, LedgerMismatch)
    run = JobRun.objects.get(name="buurtkracht.timebank.ledger_verify")
    assert run.state == JobState.FAILED and "lindenhof" in run.error


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_migrations_leave_the_planner_with_statistics():
    """`migrate` ends with ANALYZE (autovacuum may be off), so PostgreSQL knows its tables
    from the first request on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'gifts_gift' "
            "AND last_analyze IS NOT NULL"
        )
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db
def test_a_bulk_import_refreshes_the_planners_statistics(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from buurtkracht.core import database
    from buurtkracht.core.logging import log_action

    ran = []
    monkeypatch.setattr(database, "analyze", lambda using="default": ran.append(using))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        log_action(actor=world.admin, action="network.imported", neighbourhood=world.hood)
    assert ran == ["default"]
    assert JobRun.objects.get(name="buurtkracht.jobs.analyze").state == JobState.SUCCEEDED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_rate_limits_count_across_processes_in_the_shared_cache(settings):
    """Two app processes count one visitor's attempts together (the database cache)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "buurtkracht_cache",
        }
    }
    from buurtkracht.core.ratelimit import hit

    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    code = (
        "import django; django.setup(); from buurtkracht.core.ratelimit import hit; "
        "print(sum(hit('code-login:10.0.0.7', limit=10, seconds=300) for _ in range(10)))"
    )
    other = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={
            "DJANGO_SETTINGS_MODULE": "buurtkracht.settings",
            "DATABASE_URL": url,
            "BUURTKRACHT_VAR_DIR": str(ROOT / "var"),
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert other.stdout.strip() == "10"  # ten allowed there
    assert not hit("code-login:10.0.0.7", limit=10, seconds=300)  # the eleventh, here: no
    assert hit("code-login:10.0.0.8", limit=10, seconds=300)  # someone else: yes
