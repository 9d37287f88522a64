"""Reads of the relationship network for connectors and professionals: connectors, who is
not included yet (with whom they could be introduced), groups and the bridges between
them, groups the neighbourhood wants to see connected, a picture, and monthly figures.

Names appear only as `core.access.network_named` allows; everyone else is an anonymous
dot and a number. A professional's look at named network data is written to the access
log (`access.note_reads`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from buurtkracht.core import access

from . import analysis
from .ties import MONTHS, Ties, events_of, fold, network_of, people_of, window

NOT_INCLUDED_SHOWN = 30
SUGGESTIONS_EACH = 3


@dataclass
class Person:
    user_id: int
    name: str  # "" when the person is not named (anonymous)
    ties: int
    score: float = 0.0
    suggestions: list[tuple[int, str, str]] = field(default_factory=list)
    """(user id, name, reason) of people this person could be introduced to."""


@dataclass
class Figures:
    month: str
    people: int
    with_tie: float
    average_ties: float
    groups: int
    isolated: int


@dataclass
class WatchFigures:
    name: str
    counted: int
    ties_inside: int
    ties_outside: int
    connected: int  # counted members with at least one tie outside the group


@dataclass
class Overview:
    figures: Figures
    connectors: list[Person]
    isolated: list[Person]
    peripheral: list[Person]
    anonymous_isolated: int
    anonymous_peripheral: int
    groups: list[tuple[int, int]]  # (group number, size)
    bridges: list[tuple[int, int, float]]
    watch: list[WatchFigures]
    picture: dict
    history: list[Figures]


def _figures(ties: Ties, result: analysis.Analysis, label: str) -> Figures:
    degree = ties.degree
    people = len(ties.people)
    return Figures(
        month=label,
        people=people,
        with_tie=(sum(1 for p in ties.people if degree.get(p)) / people) if people else 0.0,
        average_ties=(sum(degree.values()) / people) if people else 0.0,
        groups=len(result.groups),
        isolated=len(result.isolated),
    )


def _analyse(ties: Ties) -> analysis.Analysis:
    return analysis.analyse(ties.people, ties.edges(), seed=0)


def features_of(neighbourhood, user_ids, *, viewer) -> dict[int, set[str]]:
    """What people could share, as tokens for introductions: their gifts ("gift:<taxonomy
    item>"), languages ("lang:ar") and postcode area ("near:2031AB") — only what `viewer`
    may see of them (`access.visible_q`), since the reasons are shown to the viewer."""
    from buurtkracht.gifts.models import Gift
    from buurtkracht.people.models import Profile

    def visible(owner_field: str, level_field: str):
        return access.visible_q(
            viewer, owner_field=owner_field, level_field=level_field, neighbourhood=neighbourhood
        )

    found: dict[int, set[str]] = defaultdict(set)
    ids = list(user_ids)
    for owner_id, item_id in Gift.objects.filter(
        visible("owner_id", "visibility"), owner_id__in=ids, item__isnull=False
    ).values_list("owner_id", "item_id"):
        found[owner_id].add(f"gift:{item_id}")
    profiles = Profile.objects.filter(user_id__in=ids)
    for user_id, languages in profiles.filter(
        visible("user_id", "languages_visibility")
    ).values_list("user_id", "languages"):
        found[user_id].update(f"lang:{code}" for code in languages or ())
    for user_id, postcode in (
        profiles.filter(visible("user_id", "postcode_visibility"))
        .exclude(postcode="")
        .values_list("user_id", "postcode")
    ):
        found[user_id].add(f"near:{postcode}")
    return found


def _reason(tokens, item_labels: dict[int, str]) -> str:
    from buurtkracht.people.selectors import LANGUAGE_LABELS

    words = []
    for token in tokens[:3]:
        kind, _colon, value = token.partition(":")
        if kind == "gift":
            words.append(item_labels.get(int(value), ""))
        elif kind == "lang":
            words.append(str(LANGUAGE_LABELS.get(value, value)))
        elif kind == "near":
            words.append(_("lives close by"))
    return " · ".join(w for w in words if w)


def overview(*, neighbourhood, viewer, membership, now: datetime | None = None) -> Overview:
    from buurtkracht.gifts.models import TaxonomyItem
    from buurtkracht.people.selectors import display_names

    from .models import WatchGroup

    now = now or timezone.now()
    ties = network_of(neighbourhood, now=now)
    result = _analyse(ties)
    degree = ties.degree
    everyone = ties.people
    named_ids = access.network_named(neighbourhood=neighbourhood, user_ids=everyone)
    outreach_ids = access.network_named(
        neighbourhood=neighbourhood, user_ids=everyone, outreach=True
    )
    names = display_names(viewer=viewer, neighbourhood=neighbourhood, user_ids=everyone)

    def person(user_id: int, *, outreach: bool = False, score: float = 0.0) -> Person:
        allowed = outreach_ids if outreach else named_ids
        name = names.get(user_id, "") if user_id in allowed else ""
        return Person(user_id=user_id, name=name, ties=degree.get(user_id, 0), score=score)

    connectors = [person(uid, score=score) for uid, score in result.connectors[:10]]
    isolated = [person(uid, outreach=True) for uid in result.isolated]
    peripheral = [person(uid, outreach=True) for uid in result.peripheral]
    shown_isolated = [p for p in isolated if p.name][:NOT_INCLUDED_SHOWN]
    shown_peripheral = [p for p in peripheral if p.name][:NOT_INCLUDED_SHOWN]
    # Whom the people shown could meet: shared gifts, languages, living close by; people
    # with ties weigh a little more (they can bring someone in). Only people who may be
    # named are suggested: an introduction needs both names.
    targets = [p.user_id for p in shown_isolated + shown_peripheral]
    if targets:
        suggestions = analysis.suggest_introductions(
            (everyone, ties.edges()),
            targets,
            features_of(neighbourhood, everyone, viewer=viewer),
            per_target=SUGGESTIONS_EACH * 10,
        )
        item_ids = {
            int(t.split(":", 1)[1])
            for found in suggestions.values()
            for _uid, _score, tokens in found
            for t in tokens
            if t.startswith("gift:")
        }
        label = "label_en" if (get_language() or "nl").startswith("en") else "label_nl"
        labels = dict(TaxonomyItem.objects.filter(pk__in=item_ids).values_list("pk", label))
        for p in shown_isolated + shown_peripheral:
            p.suggestions = [
                (uid, names[uid], _reason(list(tokens), labels))
                for uid, _score, tokens in suggestions.get(p.user_id, [])
                if uid in named_ids and uid in names
            ][:SUGGESTIONS_EACH]
    watch = []
    for group in WatchGroup.objects.filter(neighbourhood=neighbourhood).prefetch_related("members"):
        counted = access.group_counted(
            neighbourhood=neighbourhood, user_ids=[m.pk for m in group.members.all()]
        )
        inside = sum(1 for a, b in ties.weights if a in counted and b in counted)
        outside = sum(1 for a, b in ties.weights if (a in counted) != (b in counted))
        connected = {
            x for a, b in ties.weights for x in (a, b) if (a in counted) != (b in counted)
        } & counted
        watch.append(WatchFigures(group.name, len(counted), inside, outside, len(connected)))
    shown = [p.user_id for p in connectors + shown_isolated + shown_peripheral if p.name]
    shown += [uid for p in shown_isolated + shown_peripheral for uid, _n, _r in p.suggestions]
    access.note_reads(viewer=viewer, membership=membership, subject_ids=shown, what="network")
    return Overview(
        figures=_figures(ties, result, timezone.localdate(now).strftime("%Y-%m")),
        connectors=connectors,
        isolated=shown_isolated,
        peripheral=shown_peripheral,
        anonymous_isolated=len(isolated) - len([p for p in isolated if p.name]),
        anonymous_peripheral=len(peripheral) - len([p for p in peripheral if p.name]),
        groups=[(number + 1, len(members)) for number, members in enumerate(result.groups)],
        bridges=[(a + 1, b + 1, round(w, 1)) for a, b, w in result.bridges[:15]],
        watch=watch,
        picture=picture(ties, result, {uid: names[uid] for uid in named_ids if uid in names}),
        history=history(neighbourhood, now=now),
    )


PALETTE = ("#1b6e4a", "#8a4b08", "#1f4e8c", "#7a1f5c", "#4b5d12", "#0d6b73", "#6b3fa0")


def picture(ties: Ties, result: analysis.Analysis, named: dict[int, str]) -> dict:
    """Positions for an SVG picture (computed layout): a dot per person (a name only for
    people who may be named), a line per tie, a colour per group."""
    positions = analysis.layout(ties.people, ties.edges(), seed=0) if ties.people else {}
    size, margin = 600, 20
    degree = ties.degree
    dots = [
        {
            "x": round(margin + x * (size - 2 * margin), 1),
            "y": round(margin + y * (size - 2 * margin), 1),
            "r": 3 + min(6, degree.get(uid, 0)),
            "colour": PALETTE[result.group_of[uid] % len(PALETTE)]
            if uid in result.group_of
            else "#767676",
            "name": named.get(uid, ""),
        }
        for uid, (x, y) in positions.items()
    ]
    where = {uid: (d["x"], d["y"]) for uid, d in zip(positions, dots, strict=True)}
    lines = [(*where[a], *where[b]) for a, b in ties.weights if a in where and b in where]
    return {"size": size, "dots": dots, "lines": lines}


def history(neighbourhood, *, now: datetime, months: int = 6) -> list[Figures]:
    """The figures at the start of each of the last `months` months, labelled with the
    month that just ended. The events are read once and folded at each moment."""
    starts = [timezone.localdate(now).replace(day=1)]
    for _step in range(months - 1):
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    moments = [timezone.make_aware(datetime.combine(day, datetime.min.time())) for day in starts]
    events = events_of(neighbourhood, since=moments[0] - window(MONTHS), until=moments[-1])
    people = people_of(neighbourhood)
    rows = []
    for day, moment in zip(starts, moments, strict=True):
        ties = fold(people, events, now=moment)
        rows.append(_figures(ties, _analyse(ties), (day - timedelta(days=1)).strftime("%Y-%m")))
    return rows


def pending_for(*, user, neighbourhood):
    """What `user` still has to answer: "ik ken" questions and introductions."""
    from django.db.models import Q

    from .models import Acquaintance, Answer, Introduction

    knows = Acquaintance.objects.filter(
        neighbourhood=neighbourhood, to_user=user, answer=Answer.PENDING
    ).select_related("from_user__profile")
    introductions = Introduction.objects.filter(
        Q(person_a=user, answer_a=Answer.PENDING) | Q(person_b=user, answer_b=Answer.PENDING),
        neighbourhood=neighbourhood,
    )
    return knows, introductions
