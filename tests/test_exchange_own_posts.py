"""A resident changes, closes or withdraws their own request; done and stale posts leave
the lists, and the author can put a stale one back (issue 16, decision 0045)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from buurtkracht.exchange import selectors, services
from buurtkracht.exchange.models import HelpInvitation, InvitationStatus, Post, PostStatus
from buurtkracht.notifications.models import Notification

from .test_exchange import _invite, _request

pytestmark = pytest.mark.django_db


def _url(name, post):
    return reverse(f"exchange:{name}", kwargs={"slug": "lindenhof", "post_id": post.pk})


def _board(world):
    return list(selectors.open_posts(neighbourhood=world.hood))


def test_the_author_changes_their_request(world, client_for):
    post = _request(world)
    client = client_for("resident")
    form = client.get(_url("post_edit", post)).content.decode()
    assert "Mijn fietsband is lek" in form  # the form starts from what was posted
    response = client.post(
        _url("post_edit", post),
        {"text": "Mijn fietsband is lek, zaterdag?", "when_kind": "flexible", "where_kind": "home"},
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.text, post.where_kind) == ("Mijn fietsband is lek, zaterdag?", "home")


def test_a_change_that_is_wrong_saves_nothing_and_says_why(world, client_for):
    post = _request(world)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for("resident").post(
        _url("post_edit", post),
        {"text": "Nieuw", "when_kind": "date", "day": yesterday, "where_kind": "home"},
    )
    assert response.status_code == 200
    assert "Kies een moment in de toekomst" in response.content.decode()
    post.refresh_from_db()
    assert (post.text, post.when_kind) == ("Mijn fietsband is lek, wie kan helpen?", "flexible")


def test_nobody_else_changes_or_closes_it(world):
    post = _request(world)
    with pytest.raises(ValidationError) as refused:
        services.post_update(actor=world.connector, post=post, text="Anders")
    assert refused.value.code == "not_yours"
    with pytest.raises(ValidationError) as refused:
        services.post_close(actor=world.admin, post=post, outcome="withdrawn")
    assert refused.value.code == "not_yours"
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN


def test_withdrawing_tells_the_neighbours_asked_and_leaves_the_board(world, client_for):
    post = _request(world)
    asked = _invite(world.resident, post, world.connector)
    assert post in _board(world)
    client = client_for("resident")
    page = client.get(_url("post_close", post)).content.decode()
    assert "Mijn fietsband is lek" in page  # the page asks first, showing what is closed
    missing = client.post(_url("post_close", post), {})
    assert missing.status_code == 200 and "Kies waarom" in missing.content.decode()
    assert Post.objects.get(pk=post.pk).status == PostStatus.OPEN
    assert client.post(_url("post_close", post), {"outcome": "withdrawn"}).status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.CLOSED and post not in _board(world)
    assert HelpInvitation.objects.get(pk=asked.pk).status == InvitationStatus.WITHDRAWN
    told = Notification.objects.filter(user=world.connector, kind="invitation_answered").get()
    assert "niet meer nodig" in told.title
    with pytest.raises(ValidationError) as again:
        services.post_close(actor=world.resident, post=post, outcome="done")
    assert again.value.code == "closed"
    # A closed post can no longer be changed: its pages are gone for the author too.
    assert client.get(_url("post_edit", post)).status_code == 404


def test_done_is_kept_as_done(world):
    post = _request(world)
    services.post_close(actor=world.resident, post=post, outcome="done")
    assert Post.objects.get(pk=post.pk).status == PostStatus.DONE


def test_a_stale_request_leaves_the_board_and_its_author_puts_it_back(world, client_for):
    old = _request(world, text="Wie heeft een ladder?")
    Post.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=selectors.STALE_DAYS + 1)
    )
    fresh = _request(world, text="Wie helpt met boodschappen?")
    assert _board(world) == [fresh]
    client = client_for("resident")
    page = client.get(_url("post", old)).content.decode()
    assert "niet meer op het bord" in page and _url("post_renew", old) in page
    assert client.post(_url("post_renew", old)).status_code == 302
    assert [p.pk for p in _board(world)] == [old.pk, fresh.pk]  # back, on top


def test_a_request_whose_day_passed_leaves_the_board_and_needs_a_new_day(world):
    soon = timezone.now() + timedelta(hours=2)
    post = _request(world, when_kind="date", starts_at=soon, ends_at=soon + timedelta(hours=1))
    assert post in _board(world)
    Post.objects.filter(pk=post.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2)
    )
    post.refresh_from_db()
    assert post not in _board(world) and not selectors.is_listed(post)
    with pytest.raises(ValidationError) as refused:
        services.post_renew(actor=world.resident, post=post)
    assert refused.value.code == "day_passed"


def test_is_listed_agrees_with_the_board_query(world):
    now = timezone.now()
    shapes = [
        {},
        {"created_at": now - timedelta(days=selectors.STALE_DAYS - 1)},
        {"created_at": now - timedelta(days=selectors.STALE_DAYS + 1)},
        {"when_kind": "date", "starts_at": now - timedelta(hours=6), "ends_at": None},
        {"when_kind": "date", "starts_at": now - timedelta(hours=13), "ends_at": None},
        {"when_kind": "window", "starts_at": now - timedelta(3), "ends_at": now + timedelta(1)},
        {"status": PostStatus.DONE},
        {"status": PostStatus.TAKEN},
    ]
    for shape in shapes:
        post = _request(world)
        Post.objects.filter(pk=post.pk).update(**shape)
    on_board = set(Post.objects.filter(selectors.listed_q(now)).values_list("pk", flat=True))
    by_python = {p.pk for p in Post.objects.all() if selectors.is_listed(p, now)}
    assert on_board == by_python and 0 < len(on_board) < len(shapes)
