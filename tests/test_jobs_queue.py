"""The queue for real: a Celery worker process on RabbitMQ (BROKER_URL, default the
machine's amqp://guest:guest@127.0.0.1:5672//) and PostgreSQL, as in production.

These run in the PostgreSQL phase (`make test-postgres`); the Makefile starts RabbitMQ
when the machine does not run it. Nothing here waits for a number of seconds to pass:
the tests wait for things to happen (a file, a row), with a cap only against a hang.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from buurtkracht.jobs import services
from buurtkracht.jobs.models import JobRun, JobState, Snapshot
from buurtkracht.jobs.queue import app

from . import factories as f

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

BROKER = os.environ.get("TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parent.parent
HANG = 600  # seconds: only a guard against a test that would otherwise never end


def _wait_for(condition, what: str, worker: subprocess.Popen | None = None):
    deadline = time.monotonic() + HANG
    while not condition():
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker stopped (exit {worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def _done(run, worker):
    """Wait until the run succeeded; fail at once when it failed or was not sent."""

    def finished():
        state = JobRun.objects.get(pk=run.pk).state
        if state in (JobState.FAILED, JobState.NOT_SENT):
            pytest.fail(f"the job ended {state}: {JobRun.objects.get(pk=run.pk).error}")
        return state == JobState.SUCCEEDED

    _wait_for(finished, "the job to succeed", worker)


def _use_broker(url: str) -> None:
    """Send from this process to `url` (a fresh connection pool for it)."""
    from kombu import pools

    app.conf.broker_url = url
    pools.reset()  # kombu's shared pools would hand out the old connections
    app._pool = None
    app.amqp._producer_pool = None
    services._broker_down_until = 0.0


@pytest.fixture
def queue():
    """A queue of its own on the real broker, and this process sending to it (not eager)."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    before = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    _use_broker(BROKER)
    yield name
    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(name)
    _use_broker(before[0])
    app.conf.task_always_eager, app.conf.task_default_queue = before[1:]


def _worker(queue: str, tmp_path: Path, *, hold: bool = False) -> subprocess.Popen:
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        ),
        "BROKER_URL": BROKER,
        "BUURTKRACHT_QUEUE": queue,
        "BUURTKRACHT_VAR_DIR": str(tmp_path / "var"),
        "BUURTKRACHT_SEMANTIC": "off",
        "BUURTKRACHT_SYNC_PEOPLE": "0",
    }
    if hold:
        env["BUURTKRACHT_TEST_HOLD"] = str(tmp_path)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.worker_app",
            "worker",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-mingle",
            "--without-gossip",
            # A node name of its own: two test runs on one broker (a developer's and CI's)
            # would otherwise both claim the exclusive control queue celery@<host>.pidbox.
            f"--hostname={queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group, to kill it with its child
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    worker.wait()


def _network_hood():
    from buurtkracht.exchange.models import Exchange, HelpInvitation, Post

    hood = f.make_neighbourhood(slug="grotebuurt", name="Grote Buurt", modules=["network"])
    people = [f.make_member(hood, name=f"Buur {n}") for n in range(4)]
    for helper, helped in zip(people, people[1:], strict=False):
        post = Post.objects.create(neighbourhood=hood, author=helped, kind="request", text="x")
        invitation = HelpInvitation.objects.create(post=post, invitee=helper, invited_by=helped)
        Exchange.objects.create(
            post=post,
            invitation=invitation,
            helper=helper,
            helped=helped,
            done_by_helper_at=post.created_at,
            done_by_helped_at=post.created_at,
        )
    return hood


def test_a_job_runs_on_a_real_worker_and_is_recorded(queue, tmp_path):
    hood = _network_hood()
    worker = _worker(queue, tmp_path)
    try:
        run = services.send_now(app.tasks["buurtkracht.snapshot.refresh"], "network", hood.pk)
        _done(run, worker)
    finally:
        _stop(worker)
    run.refresh_from_db()
    assert run.attempts == 1 and run.worker and run.finished_at
    row = Snapshot.objects.get(kind="network", neighbourhood=hood)
    assert row.is_current and row.data["figures"]["people"] == 4


def test_a_worker_killed_mid_job_loses_nothing_and_the_job_runs_once_more(queue, tmp_path):
    hood = _network_hood()
    first = _worker(queue, tmp_path, hold=True)
    try:
        run = services.send_now(app.tasks["buurtkracht.snapshot.refresh"], "network", hood.pk)
        _wait_for((tmp_path / "started").exists, "the job to start", first)
        assert JobRun.objects.get(pk=run.pk).state == JobState.RUNNING
    finally:
        _stop(first, signal.SIGKILL)  # the worker and its child die mid-job, no goodbye
    row = Snapshot.objects.get(kind="network", neighbourhood=hood)
    assert not row.is_current and row.lease_owner == run.task_id  # half done, nothing stored
    second = _worker(queue, tmp_path)  # the broker gives the unacknowledged job to it
    try:
        _done(run, second)
    finally:
        _stop(second)
    run.refresh_from_db()
    assert run.attempts == 2  # tried again, not lost
    row.refresh_from_db()
    assert row.is_current and row.done == row.wanted and not row.lease_owner
    assert row.data["figures"]["people"] == 4
    assert JobRun.objects.filter(name="buurtkracht.snapshot.refresh").count() == 1


def test_jobs_sent_while_the_broker_is_down_are_kept_and_sent_later(queue, tmp_path):
    from buurtkracht.jobs import tasks

    hood = _network_hood()
    _use_broker("amqp://guest:guest@127.0.0.1:1//")  # nothing listens there
    run = services.send_now(tasks.refresh_snapshot, "network", hood.pk)  # does not raise
    assert JobRun.objects.get(pk=run.pk).state == JobState.NOT_SENT
    _use_broker(BROKER)
    assert services.resend_unsent() == 1  # what the scheduler runs every two minutes
    worker = _worker(queue, tmp_path)
    try:
        _done(run, worker)
    finally:
        _stop(worker)
    assert Snapshot.objects.get(kind="network", neighbourhood=hood).is_current


def test_a_failing_job_is_tried_again_and_after_the_last_try_it_is_failed(queue, tmp_path):
    from .worker_app import flaky

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    worker = _worker(queue, tmp_path)
    try:
        passing = services.send_now(flaky, str(tmp_path / "a"), 2)
        _done(passing, worker)
        failing = services.send_now(flaky, str(tmp_path / "b"), 5)
        _wait_for(
            lambda: JobRun.objects.get(pk=failing.pk).state == JobState.FAILED,
            "the job to fail for good",
            worker,
        )
    finally:
        _stop(worker)
    passing.refresh_from_db()
    assert passing.attempts == 3 and passing.result == "done after 3 tries"
    failing.refresh_from_db()
    assert failing.attempts == 3  # the first try and two retries (max_retries=2)
    assert "the mail server is away (try 3)" in failing.error
