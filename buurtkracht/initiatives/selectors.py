"""Reads of initiatives: the fragility signal, the neighbourhood's lists, calendar feeds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from buurtkracht.exchange.models import InvitationStatus

from .models import (
    Activity,
    Initiative,
    Involvement,
    Role,
    SignUp,
    SignUpStatus,
    Support,
    Task,
    TaskInvitation,
)

NEW_DAYS = 30
DORMANT_DAYS = 90
BUSY_SHARE = 0.6


@dataclass(frozen=True)
class Fragility:
    """How sturdy an initiative is, with the reasons in plain words."""

    level: str
    """"sturdy", "new", "fragile" or "dormant"."""
    label: str
    carriers: int
    busiest_share: float
    open_tasks: int
    days_since_activity: int | None
    reasons: list[str] = field(default_factory=list)


def fragility(initiative: Initiative, *, tasks=None, activities=None, now=None) -> Fragility:
    """Who carries the tasks (how many people, the busiest one's share), open tasks, and
    time since the last activity → a signal such as "rests on 1 person", with reasons."""
    now = now or timezone.now()
    tasks = list(initiative.tasks.all()) if tasks is None else tasks
    activities = list(initiative.activities.all()) if activities is None else activities
    carried = Counter(t.carried_by_id for t in tasks if t.carried_by_id is not None)
    carriers = len(carried)
    carried_total = sum(carried.values())
    busiest = max(carried.values()) / carried_total if carried_total else 0.0
    open_tasks = sum(1 for t in tasks if t.carried_by_id is None)
    past = [a.ends_at for a in activities if a.cancelled_at is None and a.ends_at <= now]
    upcoming = [a for a in activities if a.cancelled_at is None and a.starts_at > now]
    last = max(past) if past else None
    days = (now - last).days if last else None
    age = (now - initiative.created_at).days if initiative.created_at else 0
    reasons = []
    fragile = False
    if tasks and carriers <= 1:
        fragile = True
        reasons.append(_("rests on 1 person") if carriers == 1 else _("nobody carries a task yet"))
    elif carriers > 1 and busiest >= BUSY_SHARE:
        fragile = True
        reasons.append(
            _("one person carries %(share)s%% of the tasks") % {"share": round(busiest * 100)}
        )
    if open_tasks:
        reasons.append(
            ngettext("%(count)s open task", "%(count)s open tasks", open_tasks)
            % {"count": open_tasks}
        )
        fragile = fragile or open_tasks >= 3
    dormant = not upcoming and (
        (days is not None and days > DORMANT_DAYS) or (last is None and age > DORMANT_DAYS)
    )
    if days is not None:
        reasons.append(
            ngettext("last activity %(days)s day ago", "last activity %(days)s days ago", days)
            % {"days": days}
        )
    elif not upcoming:
        reasons.append(_("no activity yet"))
    if dormant:
        level = "dormant"
    elif fragile:
        level = "fragile"
    elif age <= NEW_DAYS:
        level = "new"
    else:
        level = "sturdy"
    labels = {
        "sturdy": _("Sturdy"),
        "new": _("New"),
        "fragile": _("Needs help"),
        "dormant": _("Quiet for a while"),
    }
    return Fragility(
        level=level,
        label=labels[level],
        carriers=carriers,
        busiest_share=busiest,
        open_tasks=open_tasks,
        days_since_activity=days,
        reasons=reasons,
    )


def of_neighbourhood(neighbourhood):
    """Open initiatives with their fragility, grouped: fragile, new, active, dormant."""
    initiatives = list(
        Initiative.objects.filter(neighbourhood=neighbourhood, is_open=True).prefetch_related(
            Prefetch("tasks", queryset=Task.objects.only("pk", "initiative_id", "carried_by_id")),
            Prefetch(
                "activities",
                queryset=Activity.objects.only(
                    "pk", "initiative_id", "starts_at", "ends_at", "cancelled_at"
                ),
            ),
        )
    )
    groups: dict[str, list] = {"fragile": [], "new": [], "sturdy": [], "dormant": []}
    for initiative in initiatives:
        signal = fragility(
            initiative,
            tasks=list(initiative.tasks.all()),
            activities=list(initiative.activities.all()),
        )
        groups[signal.level].append((initiative, signal))
    return groups


def upcoming_activities(*, neighbourhood=None, initiative=None, limit: int = 50):
    activities = Activity.objects.filter(
        cancelled_at__isnull=True, ends_at__gt=timezone.now(), initiative__is_open=True
    ).select_related("initiative", "place")
    if neighbourhood is not None:
        activities = activities.filter(initiative__neighbourhood=neighbourhood)
    if initiative is not None:
        activities = activities.filter(initiative=initiative)
    return activities.order_by("starts_at", "pk")[:limit]


def people_of(initiative: Initiative):
    return initiative.people.order_by("role", "since")


def carrying_ids(initiative: Initiative) -> list[int]:
    """The owners and members: the people who carry the initiative."""
    return list(
        initiative.people.filter(role__in=[Role.OWNER, Role.MEMBER]).values_list(
            "user_id", flat=True
        )
    )


def sign_ups_of(user, activities) -> dict[int, SignUp]:
    """Activity id -> `user`'s sign-up (not cancelled), in one query."""
    if not user.is_authenticated:
        return {}
    return {
        s.activity_id: s
        for s in SignUp.objects.filter(user=user, activity__in=activities).exclude(
            status=SignUpStatus.CANCELLED
        )
    }


def calendar(*, name: str, activities, base_url: str) -> bytes:
    """An iCalendar feed (RFC 5545) of `activities`, for calendar apps to subscribe to."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Buurtkracht//initiatieven//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for activity in activities:
        event = Event()
        event.add("uid", f"activity-{activity.pk}@buurtkracht")
        event.add("dtstamp", stamp)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        event.add("summary", f"{activity.title} ({activity.initiative.name})")
        if activity.where:
            event.add("location", activity.where)
        event.add(
            "url",
            f"{base_url}/{activity.initiative.neighbourhood.slug}/initiatieven/{activity.initiative_id}/",
        )
        cal.add_component(event)
    return cal.to_ical()


def task_suggestions(task: Task, *, viewer, membership, limit: int = 6):
    """Neighbours who could take an open task: their gifts fit its words, they live near
    the initiative's place (or the postcode in its address), they have not been asked
    often (the matching engine, `matching.suggestions`). People already in the initiative
    and people already invited for this task are left out: the point is a wider circle
    (seed 002: initiatives lean on too few residents)."""
    from buurtkracht.matching.suggestions import suggest_people

    need = _task_need(task)
    if need is None:
        return []
    return suggest_people(need=need, viewer=viewer, membership=membership, limit=limit)


def task_reason(task: Task, *, invitee, viewer, membership) -> str:
    """Why the platform suggests `invitee` for this task, worked out on the server (""
    when it would not suggest them): never a reason taken from the inviter's form."""
    from buurtkracht.matching.suggestions import reason_for

    need = _task_need(task)
    if need is None:
        return ""
    return reason_for(need=need, user_id=invitee.pk, viewer=viewer, membership=membership)


def _task_need(task: Task):
    from buurtkracht.matching.suggestions import Need

    initiative = task.initiative
    if not task.is_open or not initiative.is_open:
        return None
    exclude = set(initiative.people.values_list("user_id", flat=True))
    exclude.update(task.invitations.values_list("invitee_id", flat=True))
    return Need(
        neighbourhood=initiative.neighbourhood,
        text=task.title,
        place=initiative.place,
        address=initiative.address,
        exclude=frozenset(exclude),
    )


def task_invitations_for(*, user, neighbourhood):
    """`user`'s open invitations to take a task in this neighbourhood."""
    return TaskInvitation.objects.filter(
        invitee=user,
        task__initiative__neighbourhood=neighbourhood,
        status=InvitationStatus.PENDING,
    ).select_related("task__initiative")


def role_of(user, initiative: Initiative) -> str | None:
    """`user`'s role in the initiative (owner, member, asked to join), or None."""
    if not user.is_authenticated:
        return None
    return (
        Involvement.objects.filter(initiative=initiative, user=user)
        .values_list("role", flat=True)
        .first()
    )


def support_in(neighbourhood, *, limit: int = 20):
    """The latest support recorded for the neighbourhood's open initiatives."""
    return Support.objects.filter(
        initiative__neighbourhood=neighbourhood, initiative__is_open=True
    ).select_related("initiative", "organisation")[:limit]
