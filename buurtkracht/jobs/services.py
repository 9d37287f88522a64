"""Writes of the jobs app: sending jobs, noting changes, storing computed results.

`enqueue(task, *args)` sends a job once the current transaction commits (a job never
sees data that was rolled back). When the broker cannot be reached the job is recorded
as not sent and sent again later by `resend_unsent` (run by the scheduler), so nothing is
lost while the queue is down and pages keep answering.

`changed(kind, neighbourhood_ids)` says a stored result is out of date: after commit it
bumps the snapshot's `wanted` version and, at most once a minute per snapshot, sends its
refresh job. `refresh(kind, neighbourhood_id, owner=…)` computes and stores it; a lease
keeps two workers from computing the same snapshot at once, and a worker that was killed
leaves a lease that its redelivered job (same task id) takes over.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import JobRun, JobState, Snapshot

logger = logging.getLogger("buurtkracht.jobs")

# What computes each kind of snapshot: a function (neighbourhood) -> JSON-able dict.
KINDS: dict[str, str] = {
    "stats": "buurtkracht.gifts.snapshot.compute",
    "network": "buurtkracht.network.snapshot.compute",
    "matching": "buurtkracht.matching.snapshot.compute",
    "timebank": "buurtkracht.timebank.snapshot.compute",
}
LEASE = timedelta(minutes=15)
"""How long a refresh may hold its snapshot before another may take over."""
SETTLE = 2.0
"""Seconds a refresh waits after the change that sent it: the writes of one action (an
exchange marked done by both, an import) come in one computation instead of several."""
REQUEUE_AFTER = timedelta(seconds=60)
"""A refresh is sent at most this often per snapshot while one waits in the queue."""
BROKER_PAUSE = 30.0
"""Seconds a process waits before trying an unreachable broker again."""

_broker_down_until = 0.0
_broker_lock = threading.Lock()


def broker_failed_recently() -> bool:
    return time.monotonic() < _broker_down_until


def _note_broker_down() -> None:
    global _broker_down_until
    with _broker_lock:
        _broker_down_until = time.monotonic() + BROKER_PAUSE


def send_now(task, *args, task_id: str | None = None, countdown: float | None = None) -> JobRun:
    """Send a job now (to run after `countdown` seconds, if given) and record it; never
    raises when the broker is down. `task` is a job or its name ("snapshot.refresh"): by
    name, a module does not need to import the tasks that call it back."""
    if isinstance(task, str):
        from .queue import app

        task = app.tasks[f"buurtkracht.{task}"]
    task_id = task_id or uuid.uuid4().hex
    run, _created = JobRun.objects.get_or_create(
        task_id=task_id, defaults={"name": task.name, "args": list(args)}
    )
    if broker_failed_recently():
        JobRun.objects.filter(pk=run.pk, state=JobState.QUEUED).update(
            state=JobState.NOT_SENT, error="broker unreachable"
        )
        return run
    try:
        task.apply_async(args=list(args), task_id=task_id, countdown=countdown)
    except Exception as error:  # kombu raises OperationalError, OSError, …
        if task.app.conf.task_always_eager:
            raise  # in eager mode this is the job's own error, not the broker's
        _note_broker_down()
        logger.warning("queue unreachable, %s kept to send later: %s", task.name, error)
        JobRun.objects.filter(pk=run.pk, state=JobState.QUEUED).update(
            state=JobState.NOT_SENT, error=f"{type(error).__name__}: {error}"[:4000]
        )
    return run


def enqueue(task, *args) -> None:
    """Send `task(*args)` once the current transaction commits."""
    transaction.on_commit(lambda: send_now(task, *args))


def resend_unsent(*, limit: int = 500) -> int:
    """Send again the jobs that could not be sent while the broker was down."""
    from .queue import app

    count = 0
    for run in JobRun.objects.filter(state=JobState.NOT_SENT).order_by("enqueued_at")[:limit]:
        task = app.tasks.get(run.name)
        if task is None:
            JobRun.objects.filter(pk=run.pk).update(
                state=JobState.FAILED, error=f"unknown job {run.name}"
            )
            continue
        JobRun.objects.filter(pk=run.pk).update(state=JobState.QUEUED)
        send_now(task, *run.args, task_id=run.task_id)
        count += 1
    return count


def job_retry(*, run: JobRun) -> JobRun:
    """An administrator sends a failed job again (same arguments, a new run)."""
    from .queue import app

    task = app.tasks.get(run.name)
    if task is None or run.state not in (JobState.FAILED, JobState.NOT_SENT):
        return run
    return send_now(task, *run.args)


def prune_runs(*, keep_days: int = 14, keep_failed_days: int = 90) -> int:
    """Forget finished runs after two weeks (failed ones after three months)."""
    now = timezone.now()
    deleted, _ = JobRun.objects.filter(
        Q(state=JobState.SUCCEEDED, enqueued_at__lt=now - timedelta(days=keep_days))
        | Q(state=JobState.FAILED, enqueued_at__lt=now - timedelta(days=keep_failed_days))
    ).delete()
    return deleted


# --- snapshots ---------------------------------------------------------------------------


def snapshot_row(kind: str, neighbourhood_id: int) -> Snapshot:
    """The snapshot row of `kind` for a neighbourhood, made when missing."""
    row = Snapshot.objects.filter(kind=kind, neighbourhood_id=neighbourhood_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Snapshot.objects.create(kind=kind, neighbourhood_id=neighbourhood_id)
    except IntegrityError:  # made at the same moment by another process
        return Snapshot.objects.get(kind=kind, neighbourhood_id=neighbourhood_id)


def _bump(kind: str, neighbourhood_ids: Iterable[int]) -> list[int]:
    """Mark the snapshots out of date (in the caller's transaction, so the new version
    commits with the change that made it) and return their neighbourhood ids. Only
    snapshots that exist: one never computed is out of date already."""
    ids = sorted(set(neighbourhood_ids))  # one lock order for every writer
    if ids:
        Snapshot.objects.filter(kind=kind, neighbourhood_id__in=ids).update(
            wanted=F("wanted") + 1, changed_at=timezone.now()
        )
    return ids


def request_refresh(
    kind: str, neighbourhood_id: int, *, now=None, countdown: float | None = None
) -> bool:
    """Send the snapshot's refresh unless one is already waiting: the one that runs reads
    the newest version, so one waiting refresh per snapshot is enough."""
    now = now or timezone.now()
    claimed = (
        Snapshot.objects.filter(kind=kind, neighbourhood_id=neighbourhood_id)
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .update(queued_at=now)
    )
    if claimed:
        send_now("snapshot.refresh", kind, neighbourhood_id, countdown=countdown)
    return bool(claimed)


def changed(kind: str, neighbourhood_ids: Iterable[int]) -> None:
    """What a stored result is made of changed in these neighbourhoods: mark it out of
    date now and, once the transaction commits, send its refresh (the sweep sends it
    later if that is lost)."""
    if kind not in KINDS:
        raise ValueError(f"unknown snapshot kind {kind!r}")
    ids = _bump(kind, [i for i in neighbourhood_ids if i is not None])
    if ids:
        transaction.on_commit(lambda: [request_refresh(kind, i, countdown=SETTLE) for i in ids])


def bump_all(kind: str) -> int:
    """Mark every snapshot of `kind` out of date and send their refreshes (the nightly
    refresh: ties fade with time, and what people offer feeds the suggestions)."""
    Neighbourhood = apps.get_model("neighbourhoods", "Neighbourhood")

    ids = _bump(kind, Neighbourhood.objects.values_list("pk", flat=True))
    return sum(request_refresh(kind, i) for i in ids)


def _claim(row: Snapshot, owner: str) -> bool:
    now = timezone.now()
    return bool(
        Snapshot.objects.filter(pk=row.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(lease_owner=owner))
        .update(lease_owner=owner, lease_until=now + LEASE)
    )


def _release(row: Snapshot, owner: str) -> None:
    Snapshot.objects.filter(pk=row.pk, lease_owner=owner).update(lease_owner="", lease_until=None)


def refresh(kind: str, neighbourhood_id: int, *, owner: str, rounds: int = 3) -> Snapshot | None:
    """Compute and store the snapshot until it is current (at most `rounds` times when
    changes keep coming; the next change sends another refresh). Returns the stored row,
    or None when another process holds it (that one stores the newest version)."""
    Neighbourhood = apps.get_model("neighbourhoods", "Neighbourhood")

    compute = import_string(KINDS[kind])
    neighbourhood = Neighbourhood.objects.filter(pk=neighbourhood_id).first()
    if neighbourhood is None:  # deleted since the job was sent
        return None
    row = snapshot_row(kind, neighbourhood_id)
    if not _claim(row, owner):
        return None
    try:
        Snapshot.objects.filter(pk=row.pk).update(queued_at=None)
        for _round in range(rounds):
            row.refresh_from_db(fields=["wanted", "done", "computed_at"])
            if row.done >= row.wanted and row.computed_at is not None:
                break
            version = row.wanted
            started = time.perf_counter()
            data = compute(neighbourhood)
            seconds = time.perf_counter() - started
            Snapshot.objects.filter(pk=row.pk, done__lt=version).update(
                data=data, done=version, computed_at=timezone.now(), seconds=seconds
            )
        row.refresh_from_db()
        return row
    finally:
        _release(row, owner)


def wait_before_computing(kind: str, neighbourhood_id: int) -> float:
    """Seconds a refresh job should wait before computing again: a snapshot is not worked
    out anew sooner after the last computation than that computation took. Under a steady
    stream of changes a big neighbourhood's network (13 s at 100,000 residents) then takes
    at most half a worker, and results are still fresh within twice its time."""
    row = Snapshot.objects.filter(kind=kind, neighbourhood_id=neighbourhood_id).first()
    if row is None or row.computed_at is None:
        return 0.0
    since = (timezone.now() - row.computed_at).total_seconds()
    return max(0.0, row.seconds - since)


def refresh_later(kind: str, neighbourhood_id: int, *, countdown: float) -> None:
    """Send the snapshot's refresh again to run after `countdown` seconds."""
    Snapshot.objects.filter(kind=kind, neighbourhood_id=neighbourhood_id).update(
        queued_at=timezone.now()
    )
    send_now("snapshot.refresh", kind, neighbourhood_id, countdown=countdown)


def sweep() -> int:
    """Send refreshes for snapshots that are out of date and not waiting or running (a job
    lost with its message, or one whose broker was down). Run every minute."""
    now = timezone.now()
    stale = (
        Snapshot.objects.filter(done__lt=F("wanted"))
        .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - REQUEUE_AFTER))
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .values_list("kind", "neighbourhood_id")
    )
    return sum(
        request_refresh(kind, neighbourhood_id, now=now) for kind, neighbourhood_id in stale[:1000]
    )
