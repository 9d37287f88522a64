"""Reminders the day before an activity (`buurtkracht send-activity-reminders`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from buurtkracht.core.logging import log_action
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify

from ..models import Activity, SignUpStatus

REMINDER_TITLE = gettext_lazy("Tomorrow: %(title)s (%(initiative)s)")
REMINDER_BODY = gettext_lazy(
    "You signed up for %(title)s on %(when)s. Can you not come? Cancel on the page, so "
    "someone from the waiting list can go."
)


def _remind(activity: Activity) -> int:
    """Tell everyone with a seat; the number told."""
    hood = activity.initiative.neighbourhood
    url = reverse(
        "initiatives:detail",
        kwargs={"slug": hood.slug, "initiative_id": activity.initiative_id},
    )
    when = timezone.localtime(activity.starts_at).strftime("%d-%m-%Y %H:%M")
    sent = 0
    for signup in activity.sign_ups.filter(status=SignUpStatus.CONFIRMED).select_related("user"):
        notify(
            user=signup.user,
            kind=Kind.ACTIVITY_REMINDER,
            title=REMINDER_TITLE,
            body=REMINDER_BODY,
            url=url,
            neighbourhood=hood,
            params={
                "title": activity.title,
                "initiative": activity.initiative.name,
                "when": when,
            },
        )
        sent += 1
    log_action(actor=None, action="activity.reminded", neighbourhood=hood, obj=activity)
    return sent


def activities_send_reminders(
    *, now: datetime | None = None, window: timedelta = timedelta(hours=24)
) -> int:
    """Remind everyone signed up (confirmed) for an activity that starts within `window`,
    once per activity: in the app, and by mail right away unless they chose no e-mail
    (decision 0018). Safe to run twice at once: an activity is claimed first."""
    now = now or timezone.now()
    due = Activity.objects.filter(
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + window,
        initiative__is_open=True,
    ).select_related("initiative__neighbourhood")
    sent = 0
    for activity in due:
        with transaction.atomic():
            if Activity.objects.filter(pk=activity.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                sent += _remind(activity)
    return sent
