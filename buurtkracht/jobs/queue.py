"""The Celery app: background jobs on a real queue (decision 0029).

Production runs a broker (RabbitMQ or Redis, `BROKER_URL`), workers (`buurtkracht
worker`, as many as needed, on any machine that reaches the database and the broker) and
one scheduler (`buurtkracht beat`). Without `BROKER_URL` the queue is kept in files under
var/queue, and `buurtkracht run` starts one worker with the scheduler next to the web
server: the same jobs, embedded.

Every job is acknowledged only when it finished (`acks_late`): a worker killed in the
middle leaves the message with the broker, which hands it to the next worker. A job that
raises is tried again with a growing pause, up to `Job.max_retries` times. Jobs must
therefore be safe to run twice; they take ids, load what they need and call a service.
Each run is recorded in `JobRun` (what the administrator sees on /beheer/taken/).
"""

from __future__ import annotations

import logging
import os

from celery import Celery, Task, signals
from django.utils import timezone
from django.utils.text import Truncator

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")

logger = logging.getLogger("buurtkracht.jobs")

app = Celery("buurtkracht")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _schedule():
    from .schedule import SCHEDULE

    app.conf.beat_schedule = SCHEDULE


_schedule()


class Job(Task):
    """A job: tried again after an error (15 s, 30 s, 60 s … at most 15 minutes apart,
    five times), acknowledged only when done, given back when its worker dies."""

    autoretry_for = (Exception,)
    max_retries = 5
    retry_backoff = 15
    retry_backoff_max = 900
    retry_jitter = True
    acks_late = True
    reject_on_worker_lost = True
    ignore_result = True


def job(name: str, **options):
    """Declare a job: `@job("network.refresh")`."""
    return app.task(name=f"buurtkracht.{name}", base=Job, bind=False, **options)


# --- the record of every run ---------------------------------------------------------------

ERROR_MAX = 4000


def _runs():
    from .models import JobRun

    return JobRun.objects


def _hostname(task) -> str:
    return (getattr(task.request, "hostname", "") or "")[:120]


@signals.task_prerun.connect
def _started(task_id=None, task=None, args=None, **_kwargs):
    from django.db.models import F

    from .models import JobRun, JobState

    if task is None or not task.name.startswith("buurtkracht."):
        return
    now = timezone.now()
    changed = (
        _runs()
        .filter(task_id=task_id)
        .update(
            state=JobState.RUNNING,
            attempts=F("attempts") + 1,
            started_at=now,
            worker=_hostname(task),
        )
    )
    if not changed:  # sent by the scheduler, not through jobs.enqueue
        JobRun.objects.get_or_create(
            task_id=task_id,
            defaults={
                "name": task.name,
                "args": list(args or []),
                "state": JobState.RUNNING,
                "attempts": 1,
                "started_at": now,
                "worker": _hostname(task),
            },
        )


@signals.task_success.connect
def _succeeded(sender=None, result=None, **_kwargs):
    from .models import JobState

    if sender is None or not sender.name.startswith("buurtkracht."):
        return
    _runs().filter(task_id=sender.request.id).update(
        state=JobState.SUCCEEDED,
        finished_at=timezone.now(),
        result=Truncator("" if result is None else str(result)).chars(500),
        error="",
    )


@signals.task_retry.connect
def _retrying(request=None, reason=None, **_kwargs):
    from .models import JobState

    if request is None:
        return
    _runs().filter(task_id=request.id).update(
        state=JobState.RETRYING, error=Truncator(str(reason)).chars(ERROR_MAX)
    )


@signals.task_failure.connect
def _failed(task_id=None, exception=None, einfo=None, sender=None, **_kwargs):
    from .models import JobState

    if sender is not None and not sender.name.startswith("buurtkracht."):
        return
    text = str(einfo) if einfo is not None else f"{type(exception).__name__}: {exception}"
    _runs().filter(task_id=task_id).update(
        state=JobState.FAILED,
        finished_at=timezone.now(),
        error=Truncator(text).chars(ERROR_MAX),
    )
    logger.error("job %s failed for good: %s", task_id, exception)
