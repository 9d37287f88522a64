"""The SQL queries of each page the load benchmark measures, pinned (issue 15): a page's
cost must not grow with the neighbourhood. Each page is counted in a small neighbourhood
and again after 30 more residents with gifts, help asked and given, sign-ups and
ties — the same number both times, and the number pinned here. A query added per
person (an N+1) fails this test; a deliberate change updates PINNED.

Each page is asked twice before counting: the first look may work out stored figures
(a small neighbourhood computes them while the page waits), the second is what every
later visitor costs."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtkracht.core.choices import Role
from buurtkracht.exchange import services as exchange_services
from buurtkracht.gifts import services as gift_services
from buurtkracht.gifts.models import TaxonomyItem
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.initiatives import services as initiative_services
from buurtkracht.people.services import consent_grant
from buurtkracht.timebank import services as timebank_services
from tests.factories import membership_of

from . import factories as f

pytestmark = pytest.mark.django_db
HOOD = {"slug": "lindenhof"}

PINNED = {
    "landing": 2,
    "neighbourhood": 2,
    "request": 31,  # + whether the requester lets connectors ask without asking first
    "map": 21,
    "map search": 23,
    "time bank": 13,
    "time bank search": 18,
    "initiatives": 12,
    "initiative": 24,
    "directory": 12,
    "network as connector": 13,
    "network as professional": 15,  # the profile comes with the user (accounts.backends)
}


def _gift(person, key):
    gift_services.step_save(
        actor=person,
        subject=person,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key=key).pk],
        texts=[],
        visibility="neighbourhood",
    )


@pytest.fixture
def town(world):
    world.hood.modules = [*world.hood.modules, "timebank", "initiatives", "network"]
    world.hood.save()
    timebank_services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )
    world.request = exchange_services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Mijn fietsband is lek, wie kan helpen?",
        membership=membership_of(world.resident, world.hood),
    )
    world.initiative = initiative_services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Moestuin",
        what_and_why="Samen",
        membership=membership_of(world.resident, world.hood),
    )
    start = timezone.now() + timedelta(days=3)
    world.activity = initiative_services.activity_add(
        actor=world.resident,
        initiative=world.initiative,
        title="Wieden",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    for person in (world.resident, world.connector):
        consent_grant(user=person, neighbourhood=world.hood, scope="network_names")
    _gift(world.connector, "fiets-repareren")
    return world


def _grow(world, count: int) -> None:
    """`count` more residents who bring something, ask, help, sign up and know people."""
    for n in range(count):
        person = f.make_member(world.hood, role=Role.RESIDENT, name=f"Buur{n:02d}")
        _gift(person, "fiets-repareren" if n % 2 else "tuinieren")
        consent_grant(user=person, neighbourhood=world.hood, scope="network_names")
        initiative_services.sign_up(
            actor=person,
            activity=world.activity,
            membership=membership_of(person, world.activity.initiative.neighbourhood),
        )
        post = exchange_services.post_create(
            actor=person,
            neighbourhood=world.hood,
            kind="request",
            text=f"Hulp bij klus {n}",
            membership=membership_of(person, world.hood),
        )
        if n % 3 == 0:  # the connector helps: an exchange done by both is a tie
            invitation = exchange_services.invitation_send(
                actor=person,
                membership=f.membership_of(person, world.hood),
                post=post,
                invitee=world.connector,
            )
            exchange = exchange_services.invitation_answer(
                actor=world.connector, invitation=invitation, accept=True
            )
            exchange_services.exchange_mark_done(actor=person, exchange=exchange)
            exchange_services.exchange_mark_done(actor=world.connector, exchange=exchange)


def _pages(world) -> dict[str, tuple[str | None, str]]:
    slug = HOOD["slug"]
    return {
        "landing": (None, "/"),
        "neighbourhood": (None, f"/{slug}/"),
        "request": (
            "resident",
            reverse("exchange:post", kwargs={**HOOD, "post_id": world.request.pk}),
        ),
        "map": ("resident", reverse("places:map", kwargs=HOOD)),
        "map search": ("resident", reverse("places:map", kwargs=HOOD) + "?zoek=fiets"),
        "time bank": ("resident", reverse("timebank:home", kwargs=HOOD)),
        "time bank search": ("resident", reverse("timebank:home", kwargs=HOOD) + "?wie=bu"),
        "initiatives": ("resident", reverse("initiatives:list", kwargs=HOOD)),
        "initiative": (
            "resident",
            reverse("initiatives:detail", kwargs={**HOOD, "initiative_id": world.initiative.pk}),
        ),
        "directory": ("resident", reverse("people:directory", kwargs=HOOD)),
        "network as connector": ("connector", reverse("network:overview", kwargs=HOOD)),
        "network as professional": ("professional", reverse("network:overview", kwargs=HOOD)),
    }


def _count(client_for, persona, url) -> int:
    from django.test import Client

    client = client_for(persona) if persona else Client()
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_no_page_costs_more_queries_in_a_bigger_neighbourhood(town, client_for):
    small = {name: _count(client_for, *page) for name, page in _pages(town).items()}
    _grow(town, 30)
    bigger = {name: _count(client_for, *page) for name, page in _pages(town).items()}
    assert bigger == small
    for name, count in small.items():
        assert count == PINNED[name], f"{name}: {count} queries, pinned {PINNED[name]} ({small})"
