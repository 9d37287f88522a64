"""Reads for requests, offers, invitations and exchanges."""

from django.db.models import Q

from buurtkracht.core import paging
from buurtkracht.matching.suggestions import Need, Suggestion, reason_for, suggest_people

from .models import (
    Exchange,
    HelpInvitation,
    InvitationStatus,
    Post,
    PostStatus,
    RequesterAnswer,
    WhereKind,
)


def open_posts(*, neighbourhood, kind: str = ""):
    posts = Post.objects.filter(neighbourhood=neighbourhood, status=PostStatus.OPEN).select_related(
        "category", "author__profile"
    )
    return posts.filter(kind=kind) if kind else posts


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
