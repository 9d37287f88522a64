"""Reads for requests, offers, invitations and exchanges."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.gifts.models import Gift, Resource, TimeOffer
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.people.models import Profile
from buurtkracht.people.selectors import LANGUAGE_LABELS

from .models import Exchange, HelpInvitation, Post, PostStatus, WhereKind


def open_posts(*, neighbourhood, kind: str = ""):
    posts = Post.objects.filter(neighbourhood=neighbourhood, status=PostStatus.OPEN).select_related(
        "category", "author__profile"
    )
    return posts.filter(kind=kind) if kind else posts


@dataclass
class Suggestion:
    user_id: int
    name: str
    reasons: str
    score: float


def _ask_history(user_ids) -> dict[int, tuple[int, int | None]]:
    """Per person: invitations in the last 30 days, and days since the last one."""
    now = timezone.now()
    rows = (
        HelpInvitation.objects.filter(
            invitee_id__in=user_ids, created_at__gte=now - timedelta(days=30)
        )
        .values("invitee_id")
        .annotate(n=Count("id"), last=Max("created_at"))
    )
    return {row["invitee_id"]: (row["n"], (now - row["last"]).days) for row in rows}


def _daypart(moment) -> str:
    hour = timezone.localtime(moment).hour
    return "morning" if hour < 12 else ("afternoon" if hour < 18 else "evening")


CANDIDATE_LIMIT = 200
"""People the warm index hands to the full ranker per request."""


def suggested_helpers(*, post: Post, viewer, membership, limit: int = 8) -> list[Suggestion]:
    """Members whose gifts and resources fit the request, ranked by the matching engine:
    relevance (words, category, free at the asked time, languages) and, separately,
    fairness (people asked often drop; people at their own monthly maximum are left out).
    Nobody is assigned: these are people one may invite. People already invited for this
    request are not suggested again.

    Candidates come from the neighbourhood's warm index (`matching.index`), counting only
    the items the viewer may see (`access.matching_scope`); the best `CANDIDATE_LIMIT`
    are then checked against the database (the index may be a moment behind an edit) with
    `access.scope_q`, and only what passes reaches the ranker and the page."""
    from buurtkracht.gifts.models import AvailabilitySlot
    from buurtkracht.matching import semantic
    from buurtkracht.matching.index import neighbourhood_index, offer_text
    from buurtkracht.matching.ranker import Request, rank
    from buurtkracht.matching.relevance import Candidate

    hood = post.neighbourhood
    index = neighbourhood_index(hood)
    scope = access.matching_scope(viewer, neighbourhood=hood)
    levels, contacts = scope
    invited = set(HelpInvitation.objects.filter(post=post).values_list("invitee_id", flat=True))
    category = post.category.key if post.category_id else None
    matches = index.matches(
        post.text,
        limit=CANDIDATE_LIMIT,
        levels=levels,
        contacts=contacts,
        category=category,
        exclude=frozenset(invited | {post.author_id}),
    )
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
    if not found:
        return []
    ids = list(found)
    limits = dict(
        TimeOffer.objects.filter(owner_id__in=ids, max_asks_per_month__isnull=False).values_list(
            "owner_id", "max_asks_per_month"
        )
    )
    history = _ask_history(ids)
    free: dict[int, bool] = {}
    slot_label = ""
    if post.starts_at is not None:
        weekday, part = timezone.localtime(post.starts_at).weekday(), _daypart(post.starts_at)
        slot_label = _moment_label(post.starts_at)
        visible_times = TimeOffer.objects.filter(
            access.visible_q(
                viewer, owner_field="owner_id", level_field="visibility", neighbourhood=hood
            ),
            owner_id__in=ids,
        ).values("owner_id")
        slots = AvailabilitySlot.objects.filter(owner_id__in=visible_times).values_list(
            "owner_id", "weekday", "daypart"
        )
        free = {}
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
            ),
            user_id__in=ids,
        ).values_list("user_id", flat=True)
    )
    wanted = tuple(code for code in _languages_of(post.author_id) if code != "nl")
    distances = _distances(post=post, viewer=viewer, ids=ids)
    # Optional: meaning beyond shared words, from stored vectors (`matching.semantic`).
    meaning = (
        semantic.scores(
            post.text, {str(uid): labels for uid, (labels, _) in found.items()}, index.taxonomy
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
        )
        for user_id, (labels, item_ids) in found.items()
    ]
    request = Request(
        text=post.text,
        categories=(category,) if category else (),
        languages=wanted,
        category_labels={category: post.category.label} if category else {},
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
        )
        for r in ranked[:limit]
    ]
    access.note_reads(
        viewer=viewer, membership=membership, subject_ids=[s.user_id for s in result], what="gifts"
    )
    return result


def _distances(*, post: Post, viewer, ids) -> dict[int, float]:
    """How far each candidate's postcode area is from the request: from the place it is
    at, or from the requester's postcode area. Only for people whose postcode the viewer
    may see (and the requester's, when that is the starting point); unknown stays out."""
    from buurtkracht.places.selectors import distance_m, postcode_points

    hood = post.neighbourhood
    visible = dict(
        Profile.objects.filter(
            access.visible_q(
                viewer, owner_field="user_id", level_field="postcode_visibility", neighbourhood=hood
            ),
            user_id__in=[*ids, post.author_id],
        )
        .exclude(postcode="")
        .values_list("user_id", "postcode")
    )
    origin_postcode = visible.pop(post.author_id, "")
    points = postcode_points([origin_postcode, *visible.values()])
    origin = points.get(origin_postcode)
    if post.where_kind == WhereKind.PLACE and post.place_id and post.place.latitude is not None:
        origin = (float(post.place.latitude), float(post.place.longitude))
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


def _languages_of(user_id: int) -> list[str]:
    profile = Profile.objects.filter(user_id=user_id).first()
    return list(profile.languages) if profile else []


def invitations_for(*, user, neighbourhood):
    return HelpInvitation.objects.filter(
        invitee=user, post__neighbourhood=neighbourhood
    ).select_related("post", "invited_by__profile")


def exchanges_of(*, user, neighbourhood):
    return Exchange.objects.filter(
        Q(helper=user) | Q(helped=user), post__neighbourhood=neighbourhood
    ).select_related("post", "helper__profile", "helped__profile")
