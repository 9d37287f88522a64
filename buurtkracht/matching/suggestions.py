"""Who could help: the matching engine's suggestions of neighbours for a need — a request
(`exchange`) or an open task of an initiative (`initiatives`).

One recipe for both, so "who could help" means the same everywhere: candidates come from
the neighbourhood's warm index (`matching.index`), counting only the items the viewer may
see (`access.matching_scope`); the best `CANDIDATE_LIMIT` are checked against the database
(the index may be a moment behind an edit) with `access.scope_q`, and only what passes
reaches the ranker (`matching.ranker`): relevance (words, category, free at the asked time,
languages, distance) and, separately, fairness — people asked often (for requests and for
tasks together) drop, people at their own monthly maximum are left out. Nobody is
assigned: these are people one may invite."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.geo import distance_m, postcode_points

CANDIDATE_LIMIT = 200
"""People the warm index hands to the full ranker per need."""

POSTCODE = re.compile(r"\b(\d{4})\s?([A-Za-z]{2})\b")


@dataclass(frozen=True)
class Need:
    """What someone needs help with, in the terms the engine ranks on."""

    neighbourhood: object
    text: str
    asker_id: int | None = None
    """Whose languages count and from whose postcode area distance is measured (when
    there is no place); None for a task, which belongs to an initiative, not a person."""
    category: object | None = None
    starts_at: datetime | None = None
    place: object | None = None
    """Where it happens, when known (a `places.Place`)."""
    address: str = ""
    """Or an address: its postcode, when it has one, is the starting point for distance."""
    exclude: frozenset[int] = field(default_factory=frozenset)
    """People not to suggest (the asker, people already invited or already part of it)."""
    only: frozenset[int] = field(default_factory=frozenset)
    """When set, only these people are ranked: the reason an invitation gives for the one
    person chosen is worked out here, on the server, never taken from the form."""


@dataclass
class Suggestion:
    user_id: int
    name: str
    reasons: str
    score: float
    fit: str = ""
    """The relevance part of the reasons only (what fits), without fairness notes."""


def ask_history(user_ids) -> dict[int, tuple[int, int | None]]:
    """Per person: invitations in the last 30 days — to help with a request or to take a
    task — and days since the last one. Fairness counts both: a person asked often is asked
    often, whatever for."""
    # Invitations live in the apps above matching (which use it): read by model name.
    HelpInvitation = apps.get_model("exchange", "HelpInvitation")
    TaskInvitation = apps.get_model("initiatives", "TaskInvitation")

    now = timezone.now()
    since = now - timedelta(days=30)
    history: dict[int, tuple[int, datetime]] = {}
    for model in (HelpInvitation, TaskInvitation):
        rows = (
            model.objects.filter(invitee_id__in=user_ids, created_at__gte=since)
            .values("invitee_id")
            .annotate(n=Count("id"), last=Max("created_at"))
        )
        for row in rows:
            n, last = history.get(row["invitee_id"], (0, row["last"]))
            history[row["invitee_id"]] = (n + row["n"], max(last, row["last"]))
    return {uid: (n, (now - last).days) for uid, (n, last) in history.items()}


def _daypart(moment) -> str:
    hour = timezone.localtime(moment).hour
    return "morning" if hour < 12 else ("afternoon" if hour < 18 else "evening")


def suggest_people(*, need: Need, viewer, membership, limit: int = 8) -> list[Suggestion]:
    """Members whose gifts and resources fit `need`, best first, each with a plain-Dutch
    reason ("omdat: fietsen repareren · 300 m · vrij op zaterdag"). Only what the viewer may
    see is used; the professional's look at named data is noted (`access.note_reads`)."""
    from buurtkracht.gifts.models import AvailabilitySlot, Gift, Resource, TimeOffer
    from buurtkracht.matching import semantic
    from buurtkracht.matching.index import neighbourhood_index, offer_text
    from buurtkracht.matching.ranker import Request, rank, reason_parts
    from buurtkracht.matching.relevance import Candidate
    from buurtkracht.neighbourhoods.models import Membership
    from buurtkracht.people.models import Profile
    from buurtkracht.people.selectors import LANGUAGE_LABELS

    hood = need.neighbourhood
    index = neighbourhood_index(hood)
    scope = access.matching_scope(viewer, neighbourhood=hood)
    levels, contacts = scope
    category = need.category.key if need.category is not None else None
    exclude = frozenset(need.exclude | ({need.asker_id} if need.asker_id else set()))
    matches = index.matches(
        need.text,
        limit=CANDIDATE_LIMIT,
        levels=levels,
        contacts=contacts,
        category=category,
        exclude=exclude,
    )
    if need.only:
        matches = [match for match in matches if match.user_id in need.only]
    if not matches:
        return []
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=hood,
                owners_are_members=True,  # restricted to members right below
            ),
            user_id__in=Membership.objects.filter(
                neighbourhood=hood, user_id__in=[m.user_id for m in matches]
            ).values("user_id"),
        )
    }
    # The database decides what is visible now: (owner, item, own words) of visible items
    # (all owners here are members, so the scope's plain filter applies).
    current: set[tuple[int, int | None, str]] = set()
    for model in (Gift, Resource):
        current.update(
            model.objects.filter(
                access.scope_q(scope, owner_field="owner_id", level_field="visibility"),
                owner_id__in=list(profiles),
            ).values_list("owner_id", "item_id", "text")
        )
    category_of = index.item_category
    offered: dict[int, list[tuple[int | None, str]]] = {}
    for owner_id, item_id, text in current:
        offered.setdefault(owner_id, []).append((item_id, text))
    found: dict[int, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    by_meaning: dict[int, float] = {}  # found by meaning only (a request in another language)
    for match in matches:
        if match.user_id not in profiles:
            continue
        kept = [
            (label, key)
            for label, key in zip(match.labels, match.keys, strict=True)
            if (match.user_id, *key) in current
        ]
        if kept:
            found[match.user_id] = (
                tuple(label for label, _ in kept),
                tuple(dict.fromkeys(key[0] for _, key in kept if key[0])),
            )
            if match.meaning:
                by_meaning[match.user_id] = match.meaning
    if not found:
        return []
    ids = list(found)
    limits = dict(
        TimeOffer.objects.filter(owner_id__in=ids, max_asks_per_month__isnull=False).values_list(
            "owner_id", "max_asks_per_month"
        )
    )
    history = ask_history(ids)
    free: dict[int, bool] = {}
    slot_label = ""
    if need.starts_at is not None:
        weekday, part = timezone.localtime(need.starts_at).weekday(), _daypart(need.starts_at)
        slot_label = _moment_label(need.starts_at)
        visible_times = TimeOffer.objects.filter(
            access.visible_q(
                viewer,
                owner_field="owner_id",
                level_field="visibility",
                neighbourhood=hood,
                owners_are_members=True,  # ids: members found above
            ),
            owner_id__in=ids,
        ).values("owner_id")
        slots = AvailabilitySlot.objects.filter(owner_id__in=visible_times).values_list(
            "owner_id", "weekday", "daypart"
        )
        for owner_id, day, daypart in slots:
            free[owner_id] = free.get(owner_id, False) or (day == weekday and daypart == part)
    # One query for whose languages the viewer may see (not a check per candidate).
    languages_shown = set(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="languages_visibility",
                neighbourhood=hood,
                owners_are_members=True,  # ids: members found above
            ),
            user_id__in=ids,
        ).values_list("user_id", flat=True)
    )
    wanted = tuple(code for code in _languages_of(need.asker_id) if code != "nl")
    distances = _distances(need=need, viewer=viewer, ids=ids)
    # Optional: meaning beyond shared words, from stored vectors (`matching.semantic`).
    meaning = (
        semantic.scores(
            need.text, {str(uid): labels for uid, (labels, _) in found.items()}, index.taxonomy
        )
        if semantic.enabled()
        else {}
    )
    candidates = [
        Candidate(
            id=str(user_id),
            text=offer_text(labels),
            item_ids=item_ids,
            categories=tuple(
                sorted({category_of[i] for i, _ in offered.get(user_id, ()) if i in category_of})
            ),
            languages=tuple(profiles[user_id].languages) if user_id in languages_shown else (),
            distance_m=distances.get(user_id),
            available=free.get(user_id),
            availability_label=slot_label if free.get(user_id) else "",
            asks_last_30_days=history.get(user_id, (0, None))[0],
            days_since_last_ask=history.get(user_id, (0, None))[1],
            max_asks_per_month=limits.get(user_id),
            closeness=meaning.get(str(user_id), (None, None))[0],
            topic=meaning.get(str(user_id), (None, None))[1],
            meaning=by_meaning.get(user_id, 0.0),
        )
        for user_id, (labels, item_ids) in found.items()
    ]
    request = Request(
        text=need.text,
        categories=(category,) if category else (),
        languages=wanted,
        category_labels={category: need.category.label} if category else {},
        language_labels={code: str(LANGUAGE_LABELS.get(code, code)) for code in wanted},
    )
    ranked = [
        r
        for r in rank(request, candidates, taxonomy=index.taxonomy, explain=limit)
        if not r.excluded
    ]
    result = [
        Suggestion(
            user_id=int(r.id),
            name=profiles[int(r.id)].display_name,
            reasons=" · ".join(r.parts),
            score=r.total,
            fit=" · ".join(reason_parts(r.components)),
        )
        for r in ranked[:limit]
    ]
    access.note_reads(
        viewer=viewer, membership=membership, subject_ids=[s.user_id for s in result], what="gifts"
    )
    return result


def reason_for(*, need: Need, user_id: int, viewer, membership) -> str:
    """Why the engine suggests `user_id` for `need` ("" when it would not suggest them
    now): the text an invitation shows as the platform's own words."""
    from dataclasses import replace

    found = suggest_people(
        need=replace(need, only=frozenset({user_id})), viewer=viewer, membership=membership
    )
    return found[0].reasons[:300] if found else ""


def _distances(*, need: Need, viewer, ids) -> dict[int, float]:
    """How far each candidate's postcode area is from the need: from the place it is at,
    from the postcode in its address, or from the asker's postcode area. Only for people
    whose postcode the viewer may see (and the asker's, when that is the starting point);
    unknown stays out."""
    from buurtkracht.people.models import Profile

    hood = need.neighbourhood
    asker = [need.asker_id] if need.asker_id else []
    visible = dict(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="postcode_visibility",
                neighbourhood=hood,
                owner_ids=[*ids, *asker],
            ),
            user_id__in=[*ids, *asker],
        )
        .exclude(postcode="")
        .values_list("user_id", "postcode")
    )
    origin_postcode = visible.pop(need.asker_id, "") if need.asker_id else ""
    found = POSTCODE.search(need.address or "")
    if found:
        origin_postcode = (found.group(1) + found.group(2)).upper()
    points = postcode_points([origin_postcode, *visible.values()])
    origin = points.get(origin_postcode)
    place = need.place
    if place is not None and place.latitude is not None:
        origin = (float(place.latitude), float(place.longitude))
    if origin is None:
        return {}
    return {
        user_id: distance_m(origin, points[postcode])
        for user_id, postcode in visible.items()
        if postcode in points
    }


def _moment_label(moment) -> str:
    """How a reason says the asked time: "zaterdagochtend" / "Saturday morning"."""
    local = timezone.localtime(moment)
    day = date_format(local, "l")
    part = _daypart(local)
    if part == "morning":
        return _("%(day)s morning") % {"day": day}
    if part == "afternoon":
        return _("%(day)s afternoon") % {"day": day}
    return _("%(day)s evening") % {"day": day}


def _languages_of(user_id: int | None) -> list[str]:
    from buurtkracht.people.models import Profile

    if user_id is None:
        return []
    profile = Profile.objects.filter(user_id=user_id).first()
    return list(profile.languages) if profile else []
