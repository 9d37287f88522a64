"""Background work (decision 0029): what ran, and results that pages read.

`JobRun` is one job as the administrator sees it: queued, running, done, being retried or
failed, with its attempts and last error. `Snapshot` is a stored result that pages read
instead of computing it while someone waits (the network analysis, a neighbourhood's
figures): a change bumps `wanted`, a job computes and stores `data` with `done` set to
the version it read, so a page knows whether what it shows is current.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    RETRYING = "retrying", _("will be tried again")
    SUCCEEDED = "succeeded", _("done")
    FAILED = "failed", _("failed")
    NOT_SENT = "not_sent", _("not sent: the queue could not be reached")


class JobRun(models.Model):
    task_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    args = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=120, blank=True)
    result = models.CharField(max_length=500, blank=True)
    error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-enqueued_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-enqueued_at"], name="jobs_run_state_idx"),
            models.Index(fields=["name", "-enqueued_at"], name="jobs_run_name_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.state}"


class Snapshot(models.Model):
    neighbourhood = models.ForeignKey(
        "neighbourhoods.Neighbourhood", on_delete=models.CASCADE, related_name="snapshots"
    )
    kind = models.CharField(max_length=32)
    wanted = models.PositiveBigIntegerField(default=1)
    """Bumped by every change that makes the stored result out of date."""
    changed_at = models.DateTimeField(null=True, blank=True)
    """When `wanted` was last bumped: the delay to fresh results is measured from here."""
    done = models.PositiveBigIntegerField(default=0)
    """The `wanted` version the stored `data` reflects (0: nothing computed yet)."""
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)
    data = models.JSONField(default=dict, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    """When its refresh was sent; cleared when the refresh starts (one waits at a time)."""
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "kind"], name="jobs_snapshot_once"),
        ]
        indexes = [models.Index(fields=["kind", "neighbourhood"], name="jobs_snapshot_kind_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.neighbourhood_id} ({self.done}/{self.wanted})"

    @property
    def is_current(self) -> bool:
        return self.done >= self.wanted and self.computed_at is not None

    @property
    def has_data(self) -> bool:
        return self.computed_at is not None
