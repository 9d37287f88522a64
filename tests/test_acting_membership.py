"""Services act for the membership their caller has (a view's `request.membership`); they
never look it up again (issue 17). None means "not a member", even for someone who is one;
someone else's membership, or one of another neighbourhood, is a programming error."""

import pytest

from buurtkracht.exchange import services as exchange
from buurtkracht.initiatives import services as initiatives
from buurtkracht.network import services as network
from buurtkracht.timebank import services as timebank
from tests.factories import membership_of

from .helpers import refused

pytestmark = pytest.mark.django_db


def _timebank_on(world):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    timebank.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )


def _post(world, actor, membership):
    return exchange.post_create(
        actor=actor,
        neighbourhood=world.hood,
        kind="request",
        text="Wie helpt met mijn fiets?",
        membership=membership,
    )


def _initiative(world, actor, membership):
    return initiatives.initiative_create(
        actor=actor,
        neighbourhood=world.hood,
        name="Moestuin",
        what_and_why="Samen tuinieren",
        membership=membership,
    )


def _know(world, actor, membership):
    return network.acquaintance_add(
        actor=actor, neighbourhood=world.hood, other=world.connector, membership=membership
    )


def _give(world, actor, membership):
    _timebank_on(world)
    return timebank.give(
        actor=actor,
        neighbourhood=world.hood,
        to_user=world.connector,
        minutes=15,
        membership=membership,
    )


ACTS = [_post, _initiative, _know, _give]


@pytest.mark.parametrize("act", ACTS)
def test_a_service_does_what_the_membership_passed_allows(world, act):
    assert act(world, world.resident, membership_of(world.resident, world.hood)) is not None


@pytest.mark.parametrize("act", ACTS)
def test_without_a_membership_a_member_is_refused_as_a_non_member(world, act):
    """No lookup behind the caller's back: None is "not a member"."""
    with refused("not_member"):
        act(world, world.resident, None)


@pytest.mark.parametrize("act", ACTS)
def test_someone_elses_membership_is_a_programming_error(world, act):
    with pytest.raises(ValueError):
        act(world, world.resident, membership_of(world.admin, world.hood))


@pytest.mark.parametrize("act", ACTS)
def test_a_membership_of_another_neighbourhood_is_a_programming_error(world, act):
    with pytest.raises(ValueError):
        act(world, world.outsider, membership_of(world.outsider, world.other))


def test_a_manager_without_the_membership_passed_is_refused(world):
    """Time bank management decides on the membership passed, not on a fresh lookup."""
    with refused("not_admin"):
        timebank.rules_set(actor=world.admin, neighbourhood=world.hood, membership=None)
