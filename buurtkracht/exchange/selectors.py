"""Reads for requests, offers, invitations and exchanges."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone

from buurtkracht.core import access
from buurtkracht.gifts.models import Gift, Resource, TimeOffer
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.people.models import Profile

from .models import Exchange, HelpInvitation, Post, PostStatus


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


def suggested_helpers(*, post: Post, viewer, membership, limit: int = 8) -> list[Suggestion]:
    """Members whose gifts and resources fit the request, ranked by the matching engine:
    relevance (words, category, free at the asked time, languages) and, separately,
    fairness (people asked often drop; people at their own monthly maximum are left out).
    Only what the viewer may see is used. Nobody is assigned: these are people one may
    invite. People already invited for this request are not suggested again."""
    from buurtkracht.gifts.models import AvailabilitySlot
    from buurtkracht.gifts.taxonomy import taxonomy_index
    from buurtkracht.matching.ranker import Request, rank
    from buurtkracht.matching.relevance import Candidate

    hood = post.neighbourhood
    members = Membership.objects.filter(neighbourhood=hood).exclude(user_id=post.author_id)
    invited = HelpInvitation.objects.filter(post=post).values("invitee_id")
    profiles = {
        p.user_id: p
        for p in Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=hood,
            ),
            user_id__in=members.values("user_id"),
        ).exclude(user_id__in=invited)
    }
    texts: dict[int, list[str]] = {}
    items: dict[int, list[int]] = {}
    categories: dict[int, set[str]] = {}
    for model in (Gift, Resource):
        visible = model.objects.filter(
            access.visible_q(
                viewer, owner_field="owner_id", level_field="visibility", neighbourhood=hood
            ),
            owner_id__in=profiles,
        ).select_related("item__category")
        for obj in visible:
            texts.setdefault(obj.owner_id, []).append(obj.label)
            if obj.item_id:
                items.setdefault(obj.owner_id, []).append(obj.item_id)
                categories.setdefault(obj.owner_id, set()).add(obj.item.category.key)
    if not texts:
        return []
    limits = dict(
        TimeOffer.objects.filter(owner_id__in=texts, max_asks_per_month__isnull=False).values_list(
            "owner_id", "max_asks_per_month"
        )
    )
    history = _ask_history(list(texts))
    free: dict[int, bool] = {}
    slot_label = ""
    if post.starts_at is not None:
        weekday, part = timezone.localtime(post.starts_at).weekday(), _daypart(post.starts_at)
        slot_label = timezone.localtime(post.starts_at).strftime("%A")
        visible_times = TimeOffer.objects.filter(
            access.visible_q(
                viewer, owner_field="owner_id", level_field="visibility", neighbourhood=hood
            ),
            owner_id__in=texts,
        ).values("owner_id")
        with_slots = set(
            AvailabilitySlot.objects.filter(owner_id__in=visible_times).values_list(
                "owner_id", flat=True
            )
        )
        free_now = set(
            AvailabilitySlot.objects.filter(
                owner_id__in=visible_times, weekday=weekday, daypart=part
            ).values_list("owner_id", flat=True)
        )
        free = {user_id: user_id in free_now for user_id in with_slots}
    # One query for whose languages the viewer may see (not a check per candidate).
    languages_shown = set(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="languages_visibility",
                neighbourhood=hood,
            ),
            user_id__in=texts,
        ).values_list("user_id", flat=True)
    )
    wanted = _language_names(code for code in _languages_of(post.author_id) if code != "nl")
    candidates = [
        Candidate(
            id=str(user_id),
            text=" · ".join(labels),
            item_ids=tuple(items.get(user_id, ())),
            categories=tuple(sorted(categories.get(user_id, ()))),
            languages=(
                _language_names(profiles[user_id].languages) if user_id in languages_shown else ()
            ),
            available=free.get(user_id),
            availability_label=slot_label if free.get(user_id) else "",
            asks_last_30_days=history.get(user_id, (0, None))[0],
            days_since_last_ask=history.get(user_id, (0, None))[1],
            max_asks_per_month=limits.get(user_id),
        )
        for user_id, labels in texts.items()
    ]
    request = Request(
        text=post.text,
        categories=(post.category.key,) if post.category_id else (),
        languages=wanted,
        category_labels={post.category.key: post.category.label} if post.category_id else {},
    )
    ranked = [r for r in rank(request, candidates, taxonomy=taxonomy_index(hood)) if not r.excluded]
    result = [
        Suggestion(
            user_id=int(r.id),
            name=profiles[int(r.id)].display_name,
            reasons=r.reasons.removeprefix("omdat:").strip(),
            score=r.total,
        )
        for r in ranked[:limit]
    ]
    access.note_reads(
        viewer=viewer, membership=membership, subject_ids=[s.user_id for s in result], what="gifts"
    )
    return result


def _language_names(codes) -> tuple[str, ...]:
    """Dutch names, as the ranker's reasons say them ("spreekt Arabisch")."""
    from django.utils import translation

    from buurtkracht.people.selectors import LANGUAGE_LABELS

    with translation.override("nl"):
        return tuple(str(LANGUAGE_LABELS.get(code, code)).lower() for code in codes)


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
