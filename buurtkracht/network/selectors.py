"""Reads of the relationship network for connectors and professionals: connectors, who is
not included yet (with whom they could be introduced), groups and the bridges between
them, groups the neighbourhood wants to see connected, a picture, and monthly figures.

Names appear only as `core.access.network_named` allows; everyone else is an anonymous
dot and a number. A professional's look at named network data is written to the access
log (`access.note_reads`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TypeVar, cast

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from buurtkracht.core import access

from . import analysis
from .ties import MONTHS, Ties, events_of, fold, people_of, window

_T = TypeVar("_T")

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
    groups: list[tuple[int, int]]  # (group number, size) of the largest groups
    bridges: list[tuple[int, int, float]]
    watch: list[WatchFigures]
    pairs: list
    picture: dict
    history: list[Figures]
    group_count: int = 0
    computed_at: datetime | None = None
    current: bool = True
    late: bool = False
    ready: bool = True

    @classmethod
    def pending(cls, found) -> Overview:
        """Nothing computed yet: the page says the analysis is on its way."""
        empty = Figures(month="", people=0, with_tie=0.0, average_ties=0.0, groups=0, isolated=0)
        return cls(
            figures=empty,
            connectors=[],
            isolated=[],
            peripheral=[],
            anonymous_isolated=0,
            anonymous_peripheral=0,
            groups=[],
            bridges=[],
            watch=[],
            pairs=[],
            picture={"size": 600, "dots": [], "lines": []},
            history=[],
            current=False,
            late=found.late,
            ready=False,
        )


def figures_of(ties: Ties, result: analysis.Analysis, label: str) -> Figures:
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
        # Everyone asked about is a member here (the network's people).
        return access.visible_q(
            viewer,
            owner_field=owner_field,
            level_field=level_field,
            neighbourhood=neighbourhood,
            owners_are_members=True,
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


def reason(tokens, item_labels: dict[int, str]) -> str:
    from buurtkracht.people.selectors import LANGUAGE_LABELS

    words: list[str] = []
    for token in tokens:
        kind, _colon, value = token.partition(":")
        if kind == "gift":
            word = item_labels.get(int(value), "")
        elif kind == "lang":
            word = str(LANGUAGE_LABELS.get(value, value))
        else:
            word = _("lives close by") if kind == "near" else ""
        if word and word not in words:
            words.append(word)
        if len(words) == 3:
            break
    return " · ".join(words)


PAIRS_SHOWN = 10
REQUESTS_LOOKED_AT = 10
PAIR_TARGETS = 1000
"""Pairs are looked for from at most this many people, those with the fewest ties first."""
PICTURE_LIMIT = 2000
"""Above this many people the picture shows groups and bridges instead of people (a
layout of every person would be slow and unreadable)."""


@dataclass
class Computed:
    """What the overview computes from the events, the same for every viewer: the network
    now, its analysis (without the graph), the picture's positions and the figures over
    time."""

    ties: Ties
    result: analysis.Analysis
    positions: dict[int, tuple[float, float]]
    history: list[Figures]


def _month_starts(now: datetime, months: int) -> list:
    starts = [timezone.localdate(now).replace(day=1)]
    for _step in range(months - 1):
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    return starts


def _by_id(found: Mapping[Hashable, _T]) -> dict[int, _T]:
    """What the analysis found per node, for nodes that are user ids (as the app's are):
    the analysis takes any hashable node, so its types cannot say so."""
    return cast("dict[int, _T]", dict(found))


def _network_of(result: analysis.Analysis, ties: Ties):
    """The network the analysis built (kept so the picture does not build it again)."""
    return result.network if result.network is not None else ties.edges()


def computed(neighbourhood, *, now: datetime | None = None, months: int = 6) -> Computed:
    """The network of `neighbourhood` at `now` with its analysis, picture and the figures
    at the start of each of the last `months` months, from the events read once. Heavy in
    a big neighbourhood: the background job runs it (`network.snapshot`), pages read what
    it stored."""
    now = now or timezone.now()
    starts = _month_starts(now, months)
    moments = [timezone.make_aware(datetime.combine(day, datetime.min.time())) for day in starts]
    events = events_of(neighbourhood, since=moments[0] - window(MONTHS), until=now)
    people = people_of(neighbourhood)
    ties = fold(people, events, now=now)
    result = _analyse(ties)
    positions = (
        _by_id(analysis.layout(ties.people, _network_of(result, ties), seed=0))
        if ties.people and len(ties.people) <= PICTURE_LIMIT
        else {}
    )
    rows = []
    for day, moment in zip(starts, moments, strict=True):
        then = fold(people, events, now=moment)
        rows.append(
            figures_of(
                then,
                analysis.analyse(then.people, then.edges(), seed=0, connectors=False),
                (day - timedelta(days=1)).strftime("%Y-%m"),
            )
        )
    return Computed(ties, replace(result, network=None), positions, rows)


@dataclass
class Pair:
    """Two neighbours a connector could introduce, and why."""

    one: int
    one_name: str
    other: int
    other_name: str
    reason: str


def _introduced(neighbourhood) -> set[tuple[int, int]]:
    from .models import Introduction

    return set(
        Introduction.objects.filter(neighbourhood=neighbourhood).values_list(
            "person_a_id", "person_b_id"
        )
    )


def _need_pairs(
    *, neighbourhood, viewer, membership, ties: Ties, allowed: set[int], skip, names
) -> list[Pair]:
    """A need one can answer: for the newest open requests of people who may be named, the
    best helper the matching engine finds (`matching.suggestions`) who is not tied to the
    asker yet. The reason is the request and the engine's own reason."""
    from django.utils.text import Truncator

    from buurtkracht.exchange.models import PostKind
    from buurtkracht.exchange.selectors import open_posts, suggested_helpers

    pairs = []
    posts = open_posts(neighbourhood=neighbourhood, kind=PostKind.REQUEST).filter(
        author_id__in=allowed
    )[:REQUESTS_LOOKED_AT]
    for post in posts:
        for found in suggested_helpers(post=post, viewer=viewer, membership=membership, limit=3):
            key = tuple(sorted((post.author_id, found.user_id)))
            if found.user_id not in allowed or key in ties.weights or key in skip:
                continue
            skip.add(key)
            asks = Truncator(" ".join(post.text.split())).chars(60)
            pairs.append(
                Pair(
                    one=post.author_id,
                    one_name=names[post.author_id],
                    other=found.user_id,
                    other_name=names[found.user_id],
                    reason=_("asks: %(request)s · %(reasons)s")
                    % {"request": asks, "reasons": found.fit},
                )
            )
            break
    return pairs


def pairs(
    *,
    neighbourhood,
    viewer,
    membership,
    ties: Ties,
    allowed: set[int],
    names,
    features,
    labels,
    limit: int = PAIRS_SHOWN,
) -> list[Pair]:
    """Introduction suggestions between any two neighbours who may be named and are not
    tied or introduced yet: first a need one can answer, then the most in common (rare
    gifts, languages, living close by), at most `PAIRS_SHOWN`."""
    allowed = {uid for uid in allowed if uid in names}
    among = allowed
    if len(among) > PAIR_TARGETS:
        degree = ties.degree
        among = set(sorted(among, key=lambda uid: (degree.get(uid, 0), uid))[:PAIR_TARGETS])
    skip = _introduced(neighbourhood)
    found = _need_pairs(
        neighbourhood=neighbourhood,
        viewer=viewer,
        membership=membership,
        ties=ties,
        allowed=allowed,
        skip=skip,
        names=names,
    )
    for a, b, _score, tokens in analysis.suggest_pairs(
        (ties.people, ties.edges()),
        features,
        among=among,
        exclude=skip,
        limit=limit,
    ):
        if len(found) >= limit:
            break
        one, other = cast(int, a), cast(int, b)  # user ids (see _by_id)
        found.append(Pair(one, names[one], other, names[other], reason(list(tokens), labels)))
    return found[:limit]


def item_labels(token_lists, *, language: str | None = None) -> dict[int, str]:
    from buurtkracht.gifts.models import TaxonomyItem

    item_ids = {
        int(t.split(":", 1)[1]) for tokens in token_lists for t in tokens if t.startswith("gift:")
    }
    label = "label_en" if (language or get_language() or "nl").startswith("en") else "label_nl"
    return dict(TaxonomyItem.objects.filter(pk__in=item_ids).values_list("pk", label))


def _figures_row(data: dict) -> Figures:
    return Figures(**data)


@dataclass
class _Seen:
    """What the overview may show of the people in the stored analysis, as it is now:
    who may be named (`named`), who may be approached (`outreach`), and the names the
    viewer may see of those the page shows."""

    named: set[int]
    outreach: set[int]
    names: dict[int, str]

    def person(
        self, user_id: int, ties: int, *, outreach: bool = False, score: float = 0.0
    ) -> Person:
        allowed = self.outreach if outreach else self.named
        name = self.names.get(user_id, "") if user_id in allowed else ""
        return Person(user_id=user_id, name=name, ties=ties, score=score)


def overview(*, neighbourhood, viewer, membership) -> Overview:
    """The overview as `viewer` may see it, from the stored analysis (`network.snapshot`,
    kept up to date in the background): bounded lists, so the page costs the same at 200
    or 100,000 residents. Names only of people who may be named *now* and whose name the
    viewer may see; a professional's look is written to the access log."""
    from buurtkracht.jobs.selectors import stored

    found = stored("network", neighbourhood)
    if not found.ready:
        return Overview.pending(found)
    data = found.data
    seen = _seen(data, viewer=viewer, neighbourhood=neighbourhood)
    suggestions = _suggestions_in(data)
    isolated = _not_included(data["isolated"], seen, suggestions)
    peripheral = _not_included(data["peripheral"], seen, suggestions)
    meet = [
        Pair(one, seen.names[one], other, seen.names[other], _in_language(reasons))
        for one, other, reasons in data["pairs"]
        if {one, other} <= seen.outreach and one in seen.names and other in seen.names
    ][:PAIRS_SHOWN]
    connectors = [seen.person(uid, ties, score=score) for uid, score, ties in data["connectors"]]
    dot_names = {
        uid: seen.names[uid]
        for uid in _picture_ids(data)
        if uid in seen.named and uid in seen.names
    }
    watch = _watch_figures(data, neighbourhood)
    shown = [p.user_id for p in connectors + isolated + peripheral if p.name]
    shown += [uid for p in isolated + peripheral for uid, _n, _r in p.suggestions]
    shown += [uid for pair in meet for uid in (pair.one, pair.other)]
    shown += list(dot_names)  # a dot's name is shown too (its title in the picture)
    access.note_reads(viewer=viewer, membership=membership, subject_ids=shown, what="network")
    return Overview(
        figures=_figures_row(data["figures"]),
        connectors=connectors,
        isolated=isolated,
        peripheral=peripheral,
        anonymous_isolated=data["isolated_count"] - data["isolated_named"],
        anonymous_peripheral=data["peripheral_count"] - data["peripheral_named"],
        groups=[(number + 1, size) for number, size in enumerate(data["groups"])],
        group_count=data.get("group_count", len(data["groups"])),
        bridges=[tuple(bridge) for bridge in data["bridges"]],
        watch=watch,
        pairs=meet,
        picture=_named_picture(data["picture"], dot_names),
        history=[_figures_row(row) for row in data["history"]],
        computed_at=found.computed_at,
        current=found.current,
        late=found.late,
    )


def _suggestions_in(data: dict) -> dict[int, list]:
    return {int(k): v for k, v in data["suggestions"].items()}


def _picture_ids(data: dict) -> list[int]:
    return [d["id"] for d in data["picture"].get("dots", []) if "id" in d]


def _seen(data: dict, *, viewer, neighbourhood) -> _Seen:
    """Consent and names as they are now (withdrawing either takes effect at once), looked
    up only for whom the page may show: the first few who may be named of each list (a
    margin for names the viewer may not see), their suggestions, pairs and dots; then, in
    a second small look-up, the people the shown ones could meet."""
    from buurtkracht.people.selectors import display_names

    connectors, stored_pairs = data["connectors"], data["pairs"]
    isolated, peripheral = data["isolated"], data["peripheral"]
    suggestions, picture_ids = _suggestions_in(data), _picture_ids(data)
    asked = {uid for uid, *_rest in connectors} | {uid for uid, _t in isolated + peripheral}
    asked |= {uid for found_for in suggestions.values() for uid, _r in found_for}
    asked |= {uid for one, other, _r in stored_pairs for uid in (one, other)}
    asked |= set(picture_ids)
    named_ids, outreach_ids = access.network_consents(neighbourhood=neighbourhood, user_ids=asked)
    margin = 2 * NOT_INCLUDED_SHOWN
    wanted = {uid for uid, *_rest in connectors if uid in named_ids}
    for people in (isolated, peripheral):
        wanted.update([uid for uid, _t in people if uid in outreach_ids][:margin])
    wanted.update(uid for one, other, _r in stored_pairs for uid in (one, other))
    wanted.update(uid for uid in picture_ids if uid in named_ids)
    names = display_names(
        viewer=viewer, neighbourhood=neighbourhood, user_ids=wanted & outreach_ids
    )
    shown_targets = []
    for people in (isolated, peripheral):
        shown_targets += [uid for uid, _t in people if uid in names][:NOT_INCLUDED_SHOWN]
    partners = {
        uid
        for target in shown_targets
        for uid, _r in suggestions.get(target, [])[: 2 * SUGGESTIONS_EACH]
        if uid in named_ids and uid not in names
    }
    names.update(display_names(viewer=viewer, neighbourhood=neighbourhood, user_ids=partners))
    return _Seen(named=named_ids, outreach=outreach_ids, names=names)


def _not_included(people: list, seen: _Seen, suggestions: dict[int, list]) -> list[Person]:
    """The first people of a "not included yet" list who may be named, each with the
    neighbours they could meet."""
    shown = [p for p in (seen.person(u, t, outreach=True) for u, t in people) if p.name]
    shown = shown[:NOT_INCLUDED_SHOWN]
    for p in shown:
        p.suggestions = [
            (uid, seen.names[uid], _in_language(reasons))
            for uid, reasons in suggestions.get(p.user_id, [])[: 2 * SUGGESTIONS_EACH]
            if uid in seen.named and uid in seen.names
        ][:SUGGESTIONS_EACH]
    return shown


def _watch_figures(data: dict, neighbourhood) -> list[WatchFigures]:
    """The groups to connect that still exist, with their stored figures."""
    from .models import WatchGroup

    group_names = dict(
        WatchGroup.objects.filter(neighbourhood=neighbourhood).values_list("pk", "name")
    )
    return [
        WatchFigures(group_names[pk], counted, inside, outside, connected)
        for pk, counted, inside, outside, connected in data["watch"]
        if pk in group_names
    ]


def _in_language(reasons: dict) -> str:
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return reasons.get(language) or reasons.get(settings.LANGUAGE_CODE, "")


def stored_reason(*, neighbourhood, one: int, other: int) -> str:
    """Why the stored analysis suggests that `one` and `other` meet, in the page's language
    ("" when it does not suggest it): an introduction says this as the platform's words,
    so it is worked out here and never taken from a form."""
    from buurtkracht.jobs.selectors import stored

    found = stored("network", neighbourhood)
    if not found.ready:
        return ""
    pair = {one, other}
    for a, b, reasons in found.data.get("pairs", []):
        if {a, b} == pair:
            return _in_language(reasons)
    for person in (one, other):
        for uid, reasons in found.data.get("suggestions", {}).get(str(person), []):
            if {person, uid} == pair:
                return _in_language(reasons)
    return ""


def _named_picture(picture: dict, names: dict[int, str]) -> dict:
    """The stored picture with the names the viewer may see (dots carry ids, not names)."""
    dots = [
        {**{k: v for k, v in dot.items() if k != "id"}, "name": names.get(dot.get("id"), "")}
        for dot in picture.get("dots", [])
    ]
    return {**picture, "dots": dots}


PALETTE = ("#1b6e4a", "#8a4b08", "#1f4e8c", "#7a1f5c", "#4b5d12", "#0d6b73", "#6b3fa0")


def picture(
    ties: Ties, result: analysis.Analysis, positions, named: dict[int, str], *, with_ids=False
) -> dict:
    """An SVG picture from the computed layout (`positions` in [0, 1]²): a dot per person
    (a name only for people who may be named), a line per tie, a colour per group. Without
    positions (more than `PICTURE_LIMIT` people) it is a picture of the groups instead."""
    size, margin = 600, 20
    if not positions and ties.people:
        return _group_picture(result, size, margin)
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
            **({"id": uid} if with_ids else {}),
        }
        for uid, (x, y) in positions.items()
    ]
    where = {uid: (d["x"], d["y"]) for uid, d in zip(positions, dots, strict=True)}
    lines = [(*where[a], *where[b]) for a, b in ties.weights if a in where and b in where]
    return {"size": size, "dots": dots, "lines": lines}


def _group_picture(result: analysis.Analysis, size: int, margin: int) -> dict:
    """A dot per group (area by its size; the 60 largest), a line per bridge between them."""
    import math

    shown = result.groups[:60]
    bridges = [(a, b, w) for a, b, w in result.bridges if a < len(shown) and b < len(shown)]
    spots = _by_id(analysis.layout(range(len(shown)), bridges, seed=0)) if shown else {}
    largest = max((len(g) for g in shown), default=1)
    dots = [
        {
            "x": round(margin + x * (size - 2 * margin), 1),
            "y": round(margin + y * (size - 2 * margin), 1),
            "r": round(3 + 27 * math.sqrt(len(shown[g]) / largest), 1),
            "colour": PALETTE[g % len(PALETTE)],
            "name": "",
        }
        for g, (x, y) in spots.items()
    ]
    where = {g: (d["x"], d["y"]) for g, d in zip(spots, dots, strict=True)}
    lines = [(*where[a], *where[b]) for a, b, _w in bridges if a in where and b in where]
    return {"size": size, "dots": dots, "lines": lines, "groups": True}


def history(neighbourhood, *, now: datetime, months: int = 6) -> list[Figures]:
    """The figures at the start of each of the last `months` months, labelled with the
    month that just ended."""
    return computed(neighbourhood, now=now, months=months).history


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


FAIR_SHARE = 3
"""Nobody is suggested to more than this many people at a time, nor in more than
`PAIR_SHARE` of the pairs who could meet: one kind, well-connected neighbour should not be
asked by everyone (rule 12)."""
PAIR_SHARE = 2


def resting(neighbourhood, among=None) -> set[int]:
    """Members (of `among`, default all) who are not to be suggested for an introduction
    now: they chose "nu even niet" (a monthly maximum of 0), or invitations and
    introductions of the last 30 days reached their own monthly maximum."""
    from django.db.models import Count

    from buurtkracht.gifts.models import TimeOffer
    from buurtkracht.matching.suggestions import ask_history

    from .models import Introduction

    offers = TimeOffer.objects.filter(
        owner__memberships__neighbourhood=neighbourhood, max_asks_per_month__isnull=False
    )
    if among is not None:
        offers = offers.filter(owner_id__in=list(among))
    limits = {
        uid: most
        for uid, most in offers.values_list("owner_id", "max_asks_per_month")
        if most is not None
    }
    asked = [uid for uid, most in limits.items() if most > 0]
    if not asked:
        return set(limits)
    history = ask_history(asked)
    since = timezone.now() - timedelta(days=30)
    recent = Introduction.objects.filter(neighbourhood=neighbourhood, created_at__gte=since)
    introduced: dict[int, int] = {}
    for side in ("person_a", "person_b"):
        rows = (
            recent.filter(**{f"{side}_id__in": asked})
            .values(f"{side}_id")
            .annotate(n=Count("id"))
            .values_list(f"{side}_id", "n")
        )
        for uid, n in rows:
            introduced[uid] = introduced.get(uid, 0) + n
    return {
        uid
        for uid, most in limits.items()
        if most == 0 or history.get(uid, (0, None))[0] + introduced.get(uid, 0) >= most
    }


def capped_pairs(pairs: list, *, share: int = PAIR_SHARE) -> list:
    """`pairs` (best first) without anyone in more than `share` of them."""
    counts: dict[int, int] = {}
    kept = []
    for pair in pairs:
        one, other = pair[0], pair[1]
        if counts.get(one, 0) < share and counts.get(other, 0) < share:
            counts[one] = counts.get(one, 0) + 1
            counts[other] = counts.get(other, 0) + 1
            kept.append(pair)
    return kept


MET_SHOWN = 20


def met_through_introductions(*, viewer, neighbourhood) -> list[tuple[object, str]]:
    """The newest accepted introductions of `viewer` (at most MET_SHOWN), each with the
    other person's name: where they write to each other."""
    from django.db.models import Q

    from buurtkracht.people.selectors import display_names

    from .models import Introduction

    met = list(
        Introduction.objects.filter(
            Q(person_a=viewer) | Q(person_b=viewer),
            neighbourhood=neighbourhood,
            accepted_at__isnull=False,
        ).order_by("-accepted_at")[:MET_SHOWN]
    )
    others = {i.pk: i.person_b_id if i.person_a_id == viewer.pk else i.person_a_id for i in met}
    names = display_names(
        viewer=viewer, neighbourhood=neighbourhood, user_ids=list(others.values())
    )
    return [(i, names.get(others[i.pk], _("a neighbour"))) for i in met]


def watch_groups(*, neighbourhood):
    """The groups a neighbourhood wants to see connected, each with its number of members
    counted now (members who withdrew `group_count` are not counted)."""
    from .models import WatchGroup

    groups = []
    for group, counted in _counted_groups(neighbourhood, WatchGroup.objects.order_by("name")):
        group.counted = len(counted)
        groups.append(group)
    return groups


def _counted_groups(neighbourhood, groups):
    """Each group of `neighbourhood` with the members who may be counted now
    (`group_count`), asking the consents once for all groups (ids only)."""
    from .models import WatchGroup

    groups = list(groups.filter(neighbourhood=neighbourhood))
    members: dict[int, set[int]] = {group.pk: set() for group in groups}
    for group_id, user_id in WatchGroup.members.through.objects.filter(
        watchgroup__in=groups
    ).values_list("watchgroup_id", "user_id"):
        members[group_id].add(user_id)
    counted = access.group_counted(
        neighbourhood=neighbourhood, user_ids=set().union(*members.values())
    )
    return [(group, members[group.pk] & counted) for group in groups]


GROUP_PAGE = 50


def watch_group_people(*, group, viewer, membership, query: str = "", after: str = ""):
    """For the page of one group: one page of its members (in the order they joined:
    the order says nothing about a name the viewer may not see) and where the next page
    starts, and the residents found by name (`query`) who could be added — only those
    who allowed being counted in a group (`group_count`) — by the name the viewer may
    see, and whether anyone allowed it. A professional's look is written to the access
    log."""
    from buurtkracht.core import paging
    from buurtkracht.people.models import Consent
    from buurtkracht.people.selectors import display_names, find_people

    hood = group.neighbourhood
    in_group = group.members.through.objects.filter(watchgroup=group)
    page = paging.by_id(in_group, pk="id", after=after, limit=GROUP_PAGE)
    member_ids = [row.user_id for row in page.rows]
    allowing = Consent.objects.filter(
        neighbourhood=hood, scope="group_count", withdrawn_at__isnull=True
    ).values("user_id")
    consenting = set(allowing.filter(user_id__in=member_ids).values_list("user_id", flat=True))
    names = display_names(viewer=viewer, neighbourhood=hood, user_ids=member_ids)
    fallback = _("a neighbour")
    members = [(uid, names.get(uid, fallback), uid in consenting) for uid in member_ids]
    candidates = find_people(
        viewer=viewer,
        neighbourhood=hood,
        query=query,
        exclude=in_group.values("user_id"),
        among=allowing,
    )
    access.note_reads(
        viewer=viewer,
        membership=membership,
        subject_ids=[uid for uid in member_ids if uid in names] + [p.user_id for p in candidates],
        what="network_groups",
    )
    return members, page.next_after, candidates, allowing.exists()


def groups_of(*, user, neighbourhood):
    """The groups `user` is counted in, so they can see it and leave."""
    from .models import WatchGroup

    return WatchGroup.objects.filter(neighbourhood=neighbourhood, members=user).order_by("name")
