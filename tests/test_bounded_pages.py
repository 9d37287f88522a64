"""Pages of administrators and professionals that list people stay the same size as the
neighbourhood grows (issue 15): the guided accounts, the members and their roles, the
people in a group to connect. Each shows one page, found by name, with a "more" link that
leads to the rest; the queries of a page do not grow with the people behind it; only the
people shown are written to the access log; a tampered "na=" starts at the beginning."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buurtkracht.accounts import selectors as account_selectors
from buurtkracht.accounts import services as account_services
from buurtkracht.core import paging
from buurtkracht.core.choices import Role
from buurtkracht.network import selectors as network_selectors
from buurtkracht.network import services as network_services
from buurtkracht.people.models import AccessLog, Profile
from buurtkracht.people.services import consent_grant

from . import factories as f

pytestmark = pytest.mark.django_db
HOOD = {"slug": "lindenhof"}


def _queries(client, url) -> int:
    client.get(url)  # the first look may work out stored figures
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def _more(html: str) -> str:
    found = re.search(r'href="(\?[^"]*na=[^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else ""


def _walk(client, url) -> list[str]:
    """Every page from the first, by its "more" links."""
    pages, link = [], ""
    while True:
        html = client.get(url + link).content.decode()
        pages.append(html)
        link = _more(html)
        if not link:
            return pages


def _guided(world, count, start=0):
    membership = world.professional.memberships.get(neighbourhood=world.hood)
    for number in range(start, start + count):
        account_services.guided_account_register(
            actor=world.professional, membership=membership, display_name=f"Bewoner {number:03}"
        )


def test_the_guided_accounts_come_in_pages_found_by_name(world, client_for):
    url = reverse("accounts:guided_list", kwargs=HOOD)
    client = client_for("professional")
    _guided(world, 3)
    few = _queries(client, url)
    _guided(world, account_selectors.GUIDED_PAGE + 10, start=3)
    assert _queries(client, url) == few
    pages = _walk(client, url)
    assert len(pages) == 2
    shown = [re.findall(r"Bewoner \d{3}", html) for html in pages]
    assert len(shown[0]) == account_selectors.GUIDED_PAGE
    assert sorted(shown[0] + shown[1]) == [
        f"Bewoner {n:03}" for n in range(account_selectors.GUIDED_PAGE + 13)
    ]
    found = client.get(url, {"zoek": "bewoner 05"}).content.decode()
    assert sorted(set(re.findall(r"Bewoner \d{3}", found))) == [
        f"Bewoner {n:03}" for n in range(50, 60)
    ]
    assert "Niemand gevonden" in client.get(url, {"zoek": "Xerxes"}).content.decode()
    assert client.get(url, {"na": "no|such|place"}).status_code == 200


def test_a_look_at_the_guided_accounts_logs_only_the_page_shown(world, client_for):
    _guided(world, account_selectors.GUIDED_PAGE + 5)
    AccessLog.objects.all().delete()
    client_for("professional").get(reverse("accounts:guided_list", kwargs=HOOD))
    assert AccessLog.objects.filter(what="guided_list").count() == account_selectors.GUIDED_PAGE


def _residents(world, count, start=0, **kw):
    return [
        f.make_member(world.hood, name=f"Buur {number:03}", **kw)
        for number in range(start, start + count)
    ]


def test_the_member_list_comes_in_pages_by_name_and_role(world, client_for):
    from buurtkracht.neighbourhoods.selectors import MEMBERS_PAGE

    url = reverse("neighbourhoods:members", kwargs=HOOD)
    client = client_for("admin")
    _residents(world, 3)
    f.make_organisation(name="Buurtwerk Noord")
    few = _queries(client, url)
    _residents(world, MEMBERS_PAGE + 10, start=3)
    assert _queries(client, url) == few  # no query per member, nor per organisation
    pages = _walk(client, url)
    assert len(pages) == 2
    everyone = Profile.objects.filter(user__memberships__neighbourhood=world.hood).count()
    shown = [re.findall(r'<h2 class="h3">([^<]+)</h2>', html) for html in pages]
    assert len(shown[0]) == MEMBERS_PAGE and len(shown[0]) + len(shown[1]) == everyone
    html = client.get(url, {"rol": Role.CONNECTOR}).content.decode()
    assert re.findall(r'<h2 class="h3">([^<]+)</h2>', html) == ["Karim"]
    assert "Buurtwerk Noord" in html  # every form still offers every organisation
    assert client.get(url, {"zoek": "buur 06"}).content.decode().count('class="h3"') == 3
    assert client.get(url, {"rol": "keizer", "na": "x"}).status_code == 200


def test_invitations_made_come_newest_first_a_page_at_a_time(world, client_for):
    from buurtkracht.neighbourhoods import services as hood_services
    from buurtkracht.neighbourhoods.views import INVITATIONS_PAGE

    url = reverse("neighbourhoods:invitations", kwargs=HOOD)
    client = client_for("admin")

    def invite(count, start=0):
        for number in range(start, start + count):
            hood_services.invitation_create(
                actor=world.admin, neighbourhood=world.hood, note=f"Flyer {number:02}"
            )

    invite(2)
    few = _queries(client, url)
    invite(INVITATIONS_PAGE + 3, start=2)
    assert _queries(client, url) == few
    pages = _walk(client, url)
    notes = [re.findall(r"Flyer \d\d", html) for html in pages]
    assert len(notes[0]) == INVITATIONS_PAGE
    assert notes[0][0] == f"Flyer {INVITATIONS_PAGE + 4:02}"  # the newest first
    assert sorted(notes[0] + notes[1]) == [f"Flyer {n:02}" for n in range(INVITATIONS_PAGE + 5)]


def test_a_group_shows_its_people_a_page_at_a_time(world, client_for):
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    group = network_services.watch_group_save(
        actor=world.professional,
        membership=f.membership_of(world.professional, world.hood),
        name="Beschut wonen",
    )
    url = reverse("network:group", kwargs={**HOOD, "group_id": group.pk})
    client = client_for("professional")

    def join(people):
        for person in people:
            consent_grant(user=person, neighbourhood=world.hood, scope="group_count")
            network_services.watch_group_add(
                actor=world.professional,
                membership=f.membership_of(world.professional, world.hood),
                group=group,
                person=person,
            )

    join(_residents(world, 3))
    few = _queries(client, url)
    join(_residents(world, network_selectors.GROUP_PAGE + 10, start=3))
    assert _queries(client, url) == few
    pages = _walk(client, url)
    assert len(pages) == 2
    taken_out = [re.findall(r"Buur \d{3} uit de groep", html) for html in pages]
    assert len(taken_out[0]) == network_selectors.GROUP_PAGE
    assert len(taken_out[0]) + len(taken_out[1]) == group.members.count()
    # someone not yet in the group is found by name; those in it are not offered again
    outsider = f.make_member(world.hood, name="Buur Nieuw")
    consent_grant(user=outsider, neighbourhood=world.hood, scope="group_count")
    found = client.get(url, {"wie": "Buur"}).content.decode()
    assert "Buur Nieuw" in found and f'value="{outsider.pk}"' in found
    assert client.get(url, {"na": "-1"}).status_code == 200


def test_the_things_to_borrow_and_the_board_come_in_pages(world, client_for):
    from buurtkracht.exchange.models import Post
    from buurtkracht.exchange.selectors import POSTS_PAGE
    from buurtkracht.gifts.models import Resource
    from buurtkracht.lending.selectors import RESOURCES_PAGE
    from buurtkracht.places.models import Place, PlaceKind

    world.hood.modules = [*world.hood.modules, "lending"]
    world.hood.save()
    house = Place.objects.create(
        neighbourhood=world.hood, name="Buurthuis", kind=PlaceKind.COMMUNITY_CENTRE
    )
    elsewhere = Place.objects.create(
        neighbourhood=world.other, name="Vaarthuis", kind=PlaceKind.COMMUNITY_CENTRE
    )

    def lend(count, start=0):
        for number in range(start, start + count):
            owner = f.make_member(world.hood, name=f"Lener {number}")
            for place, who in ((None, owner), (house, None), (elsewhere, None)):
                Resource.objects.create(
                    owner=who,
                    place=place,
                    kind="thing",
                    text=f"Ding {number}",
                    lendable=True,
                    visibility="neighbourhood",
                )
            Post.objects.create(
                neighbourhood=world.hood, author=owner, kind="request", text=f"Vraag {number}"
            )

    client = client_for("connector")
    lending = reverse("lending:resources", kwargs=HOOD)
    board = reverse("exchange:posts", kwargs=HOOD)
    lend(2)
    few = (_queries(client, lending), _queries(client, board))
    lend(max(RESOURCES_PAGE, POSTS_PAGE) + 5, start=2)
    assert (_queries(client, lending), _queries(client, board)) == few
    here = Resource.objects.exclude(place=elsewhere).count()
    pages = _walk(client, lending)
    assert sum(html.count('class="card"') for html in pages) == here
    assert all(html.count('class="card"') <= RESOURCES_PAGE for html in pages)
    assert all("Vaarthuis" not in html for html in pages)
    posts = _walk(client, board)
    assert (
        len(posts) == 2
        and sum(len(re.findall(r"Vraag \d+", h)) for h in posts) == Post.objects.count()
    )
    assert client.get(board, {"soort": "aanbod", "na": "nooit|1"}).status_code == 200
    assert client.get(lending, {"soort": "ruimte", "na": "-5"}).status_code == 200


def test_keyset_pages_read_what_a_link_sends_and_never_fail_on_it(world):
    people = _residents(world, 7)
    everyone = Profile.objects.filter(user_id__in=[p.pk for p in people])
    seen, after = [], ""
    while True:
        page = paging.by_key(everyone, key="search_name", pk="user_id", after=after, limit=3)
        seen += [p.user_id for p in page.rows]
        if not page.next_after:
            break
        after = page.next_after
    assert seen == [p.pk for p in people]  # "Buur 000" … "Buur 006", each once
    for junk in ("", "|", "abc", "x|y", "||5", "buur 003|abc", "z" * 500):
        assert len(paging.by_key(everyone, key="search_name", after=junk, limit=3).rows) <= 3
    by_id = paging.by_id(everyone, pk="user_id", after="", limit=5)
    rest = paging.by_id(everyone, pk="user_id", after=by_id.next_after, limit=5)
    assert [p.user_id for p in by_id.rows + rest.rows] == sorted(p.pk for p in people)
    assert rest.next_after == "" and paging.by_id(everyone, after="x", limit=2).rows


def test_newest_first_pages_follow_each_other_even_at_the_same_moment(world):
    from django.utils import timezone

    from buurtkracht.exchange.models import Post

    moment = timezone.now()
    posts = [
        Post.objects.create(neighbourhood=world.hood, author=world.resident, kind="request", text=t)
        for t in "abcde"
    ]
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=moment)
    everyone = Post.objects.filter(pk__in=[p.pk for p in posts])
    first = paging.newest(everyone, after="", limit=2)
    second = paging.newest(everyone, after=first.next_after, limit=2)
    third = paging.newest(everyone, after=second.next_after, limit=2)
    shown = [p.pk for p in first.rows + second.rows + third.rows]
    assert shown == sorted((p.pk for p in posts), reverse=True) and third.next_after == ""
    for junk in ("gisteren|3", "2026-13-45T10:00:00|3", "2026-02-30 25:61|9"):
        assert len(paging.newest(everyone, after=junk, limit=2).rows) == 2
