"""Paying for an exchange with time: one proposes, the other confirms, the helper receives."""

import pytest
from django.urls import reverse

from buurtkracht.exchange import services as exchange_services
from buurtkracht.timebank import services
from buurtkracht.timebank.models import Transfer

from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(world):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        min_balance=-300,
        membership=membership_of(world.admin, world.hood),
    )
    post = exchange_services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Gordijnen ophangen",
        membership=membership_of(world.resident, world.hood),
    )
    invitation = exchange_services.invitation_send(
        actor=world.resident,
        membership=membership_of(world.resident, world.hood),
        post=post,
        invitee=world.connector,
    )
    exchange = exchange_services.invitation_answer(
        actor=world.connector, invitation=invitation, accept=True
    )
    return world, exchange


def _finish(world, exchange):
    exchange_services.exchange_mark_done(actor=world.resident, exchange=exchange)
    exchange_services.exchange_mark_done(actor=world.connector, exchange=exchange)
    exchange.refresh_from_db()


def test_time_is_settled_only_after_both_said_it_is_done(done):
    world, exchange = done
    with refused("not_done"):
        services.exchange_hours_propose(actor=world.connector, exchange=exchange, minutes=90)


def test_the_helper_receives_the_confirmed_time_once(done):
    world, exchange = done
    _finish(world, exchange)
    services.exchange_hours_propose(actor=world.connector, exchange=exchange, minutes=90)
    with refused("own_proposal"):
        services.exchange_hours_confirm(actor=world.connector, exchange=exchange, minutes=90)
    with refused("changed"):
        services.exchange_hours_confirm(actor=world.resident, exchange=exchange, minutes=60)
    first = services.exchange_hours_confirm(actor=world.resident, exchange=exchange, minutes=90)
    again = services.exchange_hours_confirm(actor=world.resident, exchange=exchange, minutes=90)
    assert first.pk == again.pk and Transfer.objects.filter(kind="exchange").count() == 1
    assert services.member_account(world.connector, world.hood).balance == 90
    assert services.member_account(world.resident, world.hood).balance == -90
    with refused("settled"):
        services.exchange_hours_propose(actor=world.connector, exchange=exchange, minutes=30)


def test_outsiders_of_the_exchange_cannot_settle_it(done):
    world, exchange = done
    _finish(world, exchange)
    with refused("not_involved"):
        services.exchange_hours_propose(actor=world.admin, exchange=exchange, minutes=30)


def test_settling_through_the_exchange_page(done, client_for):
    world, exchange = done
    _finish(world, exchange)
    url = reverse("exchange:exchange", kwargs={"slug": "lindenhof", "exchange_id": exchange.pk})
    helper, helped = client_for("connector"), client_for("resident")
    assert "Hoe lang duurde de hulp" in helper.get(url).content.decode()
    propose, confirm = url + "uren/voorstellen/", url + "uren/bevestigen/"
    bad = helper.post(propose, {"h-hours": "0", "h-minutes": "0"})
    assert "meer dan nul" in bad.content.decode()
    helper.post(propose, {"h-hours": "1", "h-minutes": "15"})
    page = helped.get(url).content.decode()
    assert "Voorstel: 1 uur en 15 minuten" in page and "Bevestig deze tijd" in page
    helped.post(confirm, {"h-hours": "1", "h-minutes": "15"})
    assert "1 uur en 15 minuten is overgemaakt" in helper.get(url).content.decode()
    assert services.member_account(world.connector, world.hood).balance == 75
