"""Reads for requests, offers, invitations and exchanges."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from buurtkracht.core import paging
from buurtkracht.matching.suggestions import Need, Suggestion, reason_for, suggest_people

from .models import (
    Exchange,
    HelpInvitation,
    InvitationStatus,
    Post,
    PostStatus,
    RequesterAnswer,
    WhenKind,
    WhereKind,
)

STALE_DAYS = 90
"""A post that has been on the board this long without being put back leaves the lists."""


def listed_q(now=None) -> Q:
    """Open posts that are still current: posted or put back in the last STALE_DAYS days,
    and not about a day that has passed (decision 0045). Done and closed posts are never
    listed."""
    now = now or timezone.now()
    current_day = (
        Q(when_kind=WhenKind.FLEXIBLE)
        | Q(ends_at__gte=now)
        | Q(ends_at__isnull=True, starts_at__gte=now - timedelta(hours=12))
    )
    return Q(status=PostStatus.OPEN, created_at__gte=now - timedelta(days=STALE_DAYS)) & current_day


def is_listed(post: Post, now=None) -> bool:
    """`listed_q` for one post already read (no query)."""
    now = now or timezone.now()
    if post.status != PostStatus.OPEN or post.created_at < now - timedelta(days=STALE_DAYS):
        return False
    if post.when_kind == WhenKind.FLEXIBLE:
        return True
    if post.ends_at is not None:
        return post.ends_at >= now
    return post.starts_at is not None and post.starts_at >= now - timedelta(hours=12)


def open_posts(*, neighbourhood, kind: str = ""):
    posts = Post.objects.filter(listed_q(), neighbourhood=neighbourhood).select_related(
        "category", "author__profile"
    )
    return posts.filter(kind=kind) if kind else posts


def posts_of(*, user, neighbourhood):
    """A person's own requests and offers that are not closed, newest first: where they
    change, close or put back what they posted."""
    return Post.objects.filter(
        neighbourhood=neighbourhood,
        author=user,
        status__in=[PostStatus.OPEN, PostStatus.TAKEN],
    ).order_by("-created_at", "-id")


POSTS_PAGE = 30


def board(*, neighbourhood, kind: str = "", after: str = "") -> paging.Page:
    """One page of the open requests and offers, newest first (`kind`: only those), and
    where the next page starts."""
    posts = open_posts(neighbourhood=neighbourhood, kind=kind)
    return paging.newest(posts, after=after, limit=POSTS_PAGE)


def _need(post: Post) -> Need:
    invited = set(HelpInvitation.objects.filter(post=post).values_list("invitee_id", flat=True))
    return Need(
        neighbourhood=post.neighbourhood,
        text=post.text,
        asker_id=post.author_id,
        category=post.category if post.category_id else None,
        starts_at=post.starts_at,
        place=post.place if post.where_kind == WhereKind.PLACE and post.place_id else None,
        exclude=frozenset(invited),
    )


def suggested_helpers(*, post: Post, viewer, membership, limit: int = 8) -> list[Suggestion]:
    """Members whose gifts and resources fit the request (`matching.suggestions`). People
    already invited for this request, and the requester, are not suggested again."""
    return suggest_people(need=_need(post), viewer=viewer, membership=membership, limit=limit)


def invitation_reason(*, post: Post, invitee, viewer, membership) -> str:
    """Why the platform suggests `invitee` for this request, worked out on the server
    ("" when it would not suggest them): an invitation never carries a reason the inviter
    typed into a hidden field (their own words are the message, shown as theirs)."""
    return reason_for(need=_need(post), user_id=invitee.pk, viewer=viewer, membership=membership)


def invitations_for(*, user, neighbourhood):
    """The invitations `user` was sent (one waiting for the requester's yes is not sent yet)."""
    return HelpInvitation.objects.filter(
        invitee=user, post__neighbourhood=neighbourhood, requester_answer=RequesterAnswer.YES
    ).select_related("post", "invited_by__profile")


def waiting_for_requester(*, post: Post):
    """Invitations a connector proposed on this request that wait for the requester."""
    return post.invitations.filter(
        requester_answer=RequesterAnswer.PENDING, status=InvitationStatus.PENDING
    ).select_related("invitee__profile", "invited_by__profile")


def exchanges_of(*, user, neighbourhood):
    return Exchange.objects.filter(
        Q(helper=user) | Q(helped=user), post__neighbourhood=neighbourhood
    ).select_related("post", "helper__profile", "helped__profile")
