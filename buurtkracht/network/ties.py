"""A neighbourhood's relationship network, derived from what people did together.

Each thing two residents did together is an event with a weight, and every event fades:
its weight halves every `HALF_LIFE_DAYS` days. A tie is the sum of its faded events, and
it is gone once nothing happened between the two for the window (`months`, default 12):
events older than that do not count (decision 0026).

- an exchange both marked done: 1.0, from the moment the second one did;
- an introduction both accepted: 1.0; an "ik ken" tie the other agreed to: 1.0;
- carrying tasks of the same initiative now: 1.0, not fading while it lasts;
- attending the same activity (confirmed sign-ups of an activity that took place):
  1 / (attendees − 1) for each pair, so a small group weighs more than a big crowd and each
  person gets 1.0 per activity in all (Newman's collaboration weighting); activities with
  more than `CROWD` attendees make no ties (nobody meets 200 people at a fair);
- a tie imported from a relationship map: its weight, from the import's day.

The people in the network are the neighbourhood's residents and connectors (professionals
back the network; they are not counted in it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from itertools import combinations

from django.db.models import Q
from django.utils import timezone

from buurtkracht.core.access import NETWORK_PEOPLE

HALF_LIFE_DAYS = 180
MONTHS = 12
CROWD = 60
PEOPLE_ROLES = NETWORK_PEOPLE  # who the network is about: core.access decides


@dataclass
class Ties:
    """The network at a moment: the people, and weighted ties between pairs (a < b)."""

    people: list[int]
    weights: dict[tuple[int, int], float] = field(default_factory=dict)
    sources: dict[tuple[int, int], set[str]] = field(default_factory=dict)

    def edges(self) -> list[tuple[int, int, float]]:
        return [(a, b, w) for (a, b), w in self.weights.items()]

    @cached_property
    def degree(self) -> dict[int, int]:
        """Ties per person (read once the network is built)."""
        count: dict[int, int] = defaultdict(int)
        for a, b in self.weights:
            count[a] += 1
            count[b] += 1
        return count


def _fade(moment: datetime | None, now: datetime) -> float:
    if moment is None:
        return 1.0
    days = max(0.0, (now - moment).total_seconds() / 86400)
    return 0.5 ** (days / HALF_LIFE_DAYS)


def window(months: int) -> timedelta:
    """How far back events count."""
    return timedelta(days=round(months * 30.44))


def people_of(neighbourhood) -> list[int]:
    from buurtkracht.neighbourhoods.models import Membership

    return sorted(
        Membership.objects.filter(neighbourhood=neighbourhood, role__in=PEOPLE_ROLES).values_list(
            "user_id", flat=True
        )
    )


@dataclass(frozen=True)
class Event:
    """Two people did something together: `weight` at `moment` (None: ongoing)."""

    a: int
    b: int
    weight: float
    moment: datetime | None
    source: str


def events_of(neighbourhood, *, since: datetime, until: datetime) -> list[Event]:
    """Everything residents did together between `since` and `until`, read once; `fold`
    turns it into the network at any moment in that span."""
    from buurtkracht.exchange.models import Exchange
    from buurtkracht.initiatives.models import SignUp, SignUpStatus, Task

    from .models import Acquaintance, Answer, ImportedTie, Introduction

    events: list[Event] = []
    done = Exchange.objects.filter(
        post__neighbourhood=neighbourhood,
        done_by_helper_at__isnull=False,
        done_by_helped_at__isnull=False,
    ).values_list("helper_id", "helped_id", "done_by_helper_at", "done_by_helped_at")
    events += [Event(a, b, 1.0, max(one, other), "exchange") for a, b, one, other in done]
    events += [
        Event(a, b, 1.0, moment, "introduction")
        for a, b, moment in Introduction.objects.filter(
            neighbourhood=neighbourhood, accepted_at__isnull=False
        ).values_list("person_a_id", "person_b_id", "accepted_at")
    ]
    events += [
        Event(a, b, 1.0, moment, "acquaintance")
        for a, b, moment in Acquaintance.objects.filter(
            neighbourhood=neighbourhood, answer=Answer.YES
        ).values_list("from_user_id", "to_user_id", "answered_at")
    ]
    carriers: dict[int, set[int]] = defaultdict(set)
    for initiative_id, user_id in Task.objects.filter(
        initiative__neighbourhood=neighbourhood,
        initiative__is_open=True,
        carried_by__isnull=False,
    ).values_list("initiative_id", "carried_by_id"):
        carriers[initiative_id].add(user_id)
    for together in carriers.values():
        events += [Event(a, b, 1.0, None, "task") for a, b in combinations(sorted(together), 2)]
    attended: dict[int, set[int]] = defaultdict(set)
    moments: dict[int, datetime] = {}
    for activity_id, user_id, starts_at in SignUp.objects.filter(
        Q(status=SignUpStatus.CONFIRMED),
        activity__initiative__neighbourhood=neighbourhood,
        activity__starts_at__lte=until,
        activity__starts_at__gte=since,
        user__memberships__neighbourhood=neighbourhood,
        user__memberships__role__in=PEOPLE_ROLES,
    ).values_list("activity_id", "user_id", "activity__starts_at"):
        attended[activity_id].add(user_id)
        moments[activity_id] = starts_at
    for activity_id, users in attended.items():
        if not 2 <= len(users) <= CROWD:
            continue
        share = 1.0 / (len(users) - 1)
        events += [
            Event(a, b, share, moments[activity_id], "activity")
            for a, b in combinations(sorted(users), 2)
        ]
    events += [
        Event(a, b, weight, moment, "import")
        for a, b, weight, moment in ImportedTie.objects.filter(
            batch__neighbourhood=neighbourhood
        ).values_list("user_a_id", "user_b_id", "weight", "batch__created_at")
    ]
    return events


def fold(people: list[int], events: list[Event], *, now: datetime, months: int = MONTHS) -> Ties:
    """The network at `now`: the events within the window before it, each faded."""
    since = now - window(months)
    members = set(people)
    found = Ties(people=people)
    for event in events:
        a, b = event.a, event.b
        if a == b or a not in members or b not in members:
            continue
        if event.moment is not None and not since <= event.moment <= now:
            continue
        key = (a, b) if a < b else (b, a)
        found.weights[key] = found.weights.get(key, 0.0) + event.weight * _fade(event.moment, now)
        found.sources.setdefault(key, set()).add(event.source)
    return found


def network_of(neighbourhood, *, now: datetime | None = None, months: int = MONTHS) -> Ties:
    """The ties of `neighbourhood` as they stand at `now` (default: now)."""
    now = now or timezone.now()
    events = events_of(neighbourhood, since=now - window(months), until=now)
    return fold(people_of(neighbourhood), events, now=now, months=months)
