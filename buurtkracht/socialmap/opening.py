"""Opening hours from HSDS schedules: "Nu open, tot 17:00" or "Nu gesloten, opent dinsdag om
09:00" (issue 19). Weekly schedules (`freq` WEEKLY, `byday` like "MO,WE", `opens_at` and
`closes_at` as HH:MM); a schedule with only a `description` is shown as its words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Opening:
    open_now: bool | None
    """None: the schedules do not say (no weekly hours)."""
    text: str


def _clock(text) -> time | None:
    try:
        hours, minutes = str(text)[:5].split(":")
        return time(int(hours), int(minutes))
    except (ValueError, TypeError):
        return None


def _slots(schedules) -> list[tuple[int, time, time]]:
    slots = []
    for schedule in schedules or []:
        if not isinstance(schedule, dict):
            continue
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if opens is None or closes is None or closes <= opens:
            continue
        days = [d.strip().upper()[-2:] for d in str(schedule.get("byday") or "").split(",")]
        for day in days:
            if day in DAYS:
                slots.append((DAYS.index(day), opens, closes))
    return sorted(slots)


def opening(schedules, now: datetime | None = None) -> Opening:
    now = timezone.localtime(now or timezone.now())
    slots = _slots(schedules)
    if not slots:
        described = [
            str(s.get("description"))
            for s in schedules or []
            if isinstance(s, dict) and s.get("description")
        ]
        return Opening(None, " ".join(described)[:300])
    today, clock = now.weekday(), now.time()
    for day, opens, closes in slots:
        if day == today and opens <= clock < closes:
            return Opening(True, _("Open now, until %(time)s") % {"time": closes.strftime("%H:%M")})
    for ahead in range(8):
        day = (today + ahead) % 7
        for slot_day, opens, _closes in slots:
            if slot_day == day and (ahead > 0 or clock < opens):
                when = (
                    _("today")
                    if ahead == 0
                    else _("tomorrow")
                    if ahead == 1
                    else date_format(now + timedelta(days=ahead), "l")
                )
                return Opening(
                    False,
                    _("Closed now, opens %(when)s at %(time)s")
                    % {"when": when, "time": opens.strftime("%H:%M")},
                )
    return Opening(False, _("Closed now"))


def weekly_hours(schedules) -> dict[str, tuple[time, time]]:
    """The first opening time of each weekday ("MO" → (09:00, 17:00)), for the edit page."""
    hours: dict[str, tuple[time, time]] = {}
    for day, opens, closes in _slots(schedules):
        hours.setdefault(DAYS[day], (opens, closes))
    return hours


def is_weekly(schedule) -> bool:
    """A schedule the edit page shows and replaces: weekly, with its hours."""
    return bool(_slots([schedule]))


def weekly_schedules(hours: dict[str, tuple[time, time]], make_id) -> list[dict]:
    """HSDS schedules for these hours: one schedule for the days that share their hours."""
    groups: dict[tuple[time, time], list[str]] = {}
    for day in DAYS:
        if day in hours:
            groups.setdefault(hours[day], []).append(day)
    return [
        {
            "id": make_id(),
            "freq": "WEEKLY",
            "byday": ",".join(days),
            "opens_at": opens.strftime("%H:%M"),
            "closes_at": closes.strftime("%H:%M"),
        }
        for (opens, closes), days in groups.items()
    ]
