"""Reads of the jobs app: stored results as pages see them, and runs for administrators."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import services
from .models import JobRun, JobState, Snapshot

LATE = timedelta(minutes=5)
"""A change this long ago without fresh results: the background work is behind."""


@dataclass
class Stored:
    """A stored result as a page shows it."""

    data: dict
    computed_at: datetime | None
    current: bool
    changed_at: datetime | None
    version: str = ""
    """Changes whenever what is stored, or what it should be, changes: a cache key."""

    @property
    def ready(self) -> bool:
        return self.computed_at is not None

    @property
    def late(self) -> bool:
        """Out of date for a while: say so on the page (the queue may be down)."""
        return (
            not self.current
            and self.changed_at is not None
            and timezone.now() - self.changed_at > LATE
        )


def _stored(row: Snapshot) -> Stored:
    return Stored(
        data=row.data or {},
        computed_at=row.computed_at,
        current=row.is_current,
        changed_at=row.changed_at,
        version=f"{row.wanted}.{row.done}",
    )


def sync_limit() -> int:
    return settings.BUURTKRACHT_SYNC_PEOPLE


def _small(neighbourhood) -> bool:
    """Few enough members to compute a result while the page waits (about a second at
    most), by the number of members in the stored figures."""
    members = stored("stats", neighbourhood).data.get("members")
    return members is not None and members <= sync_limit()


def stored(kind: str, neighbourhood) -> Stored:
    """The stored result of `kind` for `neighbourhood`. In a small neighbourhood an
    out-of-date result is computed now; in a big one the page gets what is stored (or
    nothing yet) and the refresh is on its way."""
    row = services.snapshot_row(kind, neighbourhood.pk)
    if row.is_current:
        return _stored(row)
    if kind == "stats":  # the figures say how big the neighbourhood is: never computed, now
        small = not row.has_data or row.data.get("members", 0) <= sync_limit()
    else:
        small = _small(neighbourhood)
    if small:
        fresh = services.refresh(kind, neighbourhood.pk, owner=f"page-{uuid.uuid4().hex}")
        if fresh is not None:
            return _stored(fresh)
    else:
        services.request_refresh(kind, neighbourhood.pk)  # unless one is waiting already
    row.refresh_from_db()
    return _stored(row)


JOB_LABELS = {
    "buurtkracht.snapshot.refresh": _("Work out stored figures (network, neighbourhood, matching)"),
    "buurtkracht.snapshot.sweep": _("Send lost refreshes again"),
    "buurtkracht.snapshot.nightly": _("Nightly refresh of the network"),
    "buurtkracht.jobs.resend": _("Send jobs that could not be sent"),
    "buurtkracht.jobs.prune": _("Forget old job runs"),
    "buurtkracht.notifications.send_one": _("Mail one notification"),
    "buurtkracht.notifications.send_mails": _("Mails that failed, and daily digests"),
    "buurtkracht.lending.booking_reminders": _("Reminders before a booking ends"),
    "buurtkracht.support.safety_net": _("Safety net: requests nobody took up"),
    "buurtkracht.initiatives.activity_reminders": _("Reminders of activities"),
    "buurtkracht.timebank.ledger_verify": _("Check the time bank ledgers"),
    "buurtkracht.matching.embed_offers": _("Vectors for semantic matching"),
    "buurtkracht.jobs.analyze": _("Refresh the database's statistics"),
}


def runs(*, state: str = "") -> QuerySet[JobRun]:
    queryset = JobRun.objects.all()
    return queryset.filter(state=state) if state else queryset


def run_counts() -> dict[str, int]:
    return dict(JobRun.objects.values_list("state").annotate(n=Count("id")).order_by())


def failed_count() -> int:
    return JobRun.objects.filter(state=JobState.FAILED).count()
