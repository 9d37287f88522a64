"""Reads for requests, offers, invitations and exchanges."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q
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


def _asks_last_30_days(user_ids) -> dict[int, int]:
    since = timezone.now() - timedelta(days=30)
    rows = (
        HelpInvitation.objects.filter(invitee_id__in=user_ids, created_at__gte=since)
        .values("invitee_id")
        .annotate(n=Count("id"))
    )
    return {row["invitee_id"]: row["n"] for row in rows}


def suggested_helpers(*, post: Post, viewer, membership, limit: int = 8) -> list[Suggestion]:
    """Members whose gifts and resources fit the request, as far as the viewer may see them,
    with a plain reason. Nobody is assigned: these are people one may invite. People who
    reached their own monthly maximum of requests, or who were already invited, are left out."""
    from buurtkracht.matching.relevance import Candidate, text_relevance

    hood = post.neighbourhood
    members = Membership.objects.filter(neighbourhood=hood).exclude(user_id=post.author_id)
    invited = HelpInvitation.objects.filter(post=post).values("invitee_id")
    names = dict(
        Profile.objects.filter(
            access.visible_q(
                viewer,
                owner_field="user_id",
                level_field="display_name_visibility",
                neighbourhood=hood,
            ),
            user_id__in=members.values("user_id"),
        )
        .exclude(user_id__in=invited)
        .values_list("user_id", "display_name")
    )
    texts: dict[int, list[str]] = {}
    items: dict[int, list[int]] = {}
    for model in (Gift, Resource):
        visible = model.objects.filter(
            access.visible_q(
                viewer, owner_field="owner_id", level_field="visibility", neighbourhood=hood
            ),
            owner_id__in=names,
        ).select_related("item")
        for obj in visible:
            texts.setdefault(obj.owner_id, []).append(obj.label)
            if obj.item_id:
                items.setdefault(obj.owner_id, []).append(obj.item_id)
    limits = dict(
        TimeOffer.objects.filter(owner_id__in=texts, max_asks_per_month__isnull=False).values_list(
            "owner_id", "max_asks_per_month"
        )
    )
    asks = _asks_last_30_days(list(texts))
    candidates = [
        Candidate(id=str(user_id), text=" · ".join(labels), item_ids=tuple(items.get(user_id, ())))
        for user_id, labels in texts.items()
        if user_id not in limits or asks.get(user_id, 0) < limits[user_id]
    ]
    if not candidates:
        return []
    scored = [s for s in text_relevance(post.text, candidates) if s.score > 0][:limit]
    result = [
        Suggestion(
            user_id=int(s.id),
            name=names[int(s.id)],
            reasons=" · ".join(s.reasons[:3]),
            score=s.score,
        )
        for s in scored
    ]
    access.note_reads(
        viewer=viewer, membership=membership, subject_ids=[s.user_id for s in result], what="gifts"
    )
    return result


def invitations_for(*, user, neighbourhood):
    return HelpInvitation.objects.filter(
        invitee=user, post__neighbourhood=neighbourhood
    ).select_related("post", "invited_by__profile")


def exchanges_of(*, user, neighbourhood):
    return Exchange.objects.filter(
        Q(helper=user) | Q(helped=user), post__neighbourhood=neighbourhood
    ).select_related("post", "helper__profile", "helped__profile")
