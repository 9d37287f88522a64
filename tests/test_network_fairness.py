"""Fairness in introduction suggestions (rule 12, issue 16): people who chose "nu even
niet" or reached their monthly maximum are not suggested, and nobody appears in more than
a fair share of suggestions or pairs."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from buurtkracht.gifts.models import TimeOffer
from buurtkracht.network import analysis, selectors, services, snapshot
from buurtkracht.network.models import Introduction
from buurtkracht.people.services import consent_grant

from . import factories as f
from .test_exchange import _gift

pytestmark = pytest.mark.django_db


def test_fair_share_keeps_first_choices_and_caps_everyone():
    lists = {t: [("popular", t), ("b", t), ("c", t), ("d", t)] for t in range(6)}
    fair = analysis.fair_share(lists, cap=2)
    counts = Counter(person for entries in fair.values() for person, _t in entries)
    assert max(counts.values()) <= 2
    # The popular person keeps the first targets' first place; later ones get others.
    assert fair[0][0][0] == "popular" and fair[1][0][0] == "popular"
    assert all(entries for entries in fair.values())  # nobody is left without suggestions
    assert [person for person, _t in fair[5]] == ["c"]  # its best still free


def test_capped_pairs_lets_nobody_take_every_pair():
    pairs = [(1, 2, "r"), (1, 3, "r"), (1, 4, "r"), (2, 3, "r"), (5, 6, "r")]
    assert selectors.capped_pairs(pairs, share=1) == [(1, 2, "r"), (5, 6, "r")]


@pytest.fixture
def garden(world):
    """Six residents without ties who like gardening and allowed connectors to see them,
    and four gardeners who may be named."""
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    lonely = [f.make_member(world.hood, name=f"Alleen {n}") for n in range(6)]
    gardeners = [f.make_member(world.hood, name=f"Tuinier {n}") for n in range(4)]
    for person in lonely + gardeners:
        _gift(person, key="tuinieren")
    for person in lonely:
        consent_grant(user=person, neighbourhood=world.hood, scope="connector_outreach")
    for person in gardeners:
        consent_grant(user=person, neighbourhood=world.hood, scope="network_names")
        consent_grant(user=person, neighbourhood=world.hood, scope="connector_outreach")
    world.lonely, world.gardeners = lonely, gardeners
    return world


def _suggested(data) -> Counter:
    return Counter(uid for found in data["suggestions"].values() for uid, _reason in found)


def test_nobody_is_suggested_to_more_than_a_fair_share(garden):
    data = snapshot.compute(garden.hood)
    counts = _suggested(data)
    assert counts and max(counts.values()) <= selectors.FAIR_SHARE
    pair_counts = Counter(uid for one, other, _r in data["pairs"] for uid in (one, other))
    assert not pair_counts or max(pair_counts.values()) <= selectors.PAIR_SHARE


def test_people_who_rest_are_not_suggested(garden):
    resting, full = garden.gardeners[0], garden.gardeners[1]
    TimeOffer.objects.create(owner=resting, max_asks_per_month=0)  # "nu even niet"
    TimeOffer.objects.create(owner=full, max_asks_per_month=1)
    a, b = sorted((full, garden.lonely[5]), key=lambda u: u.pk)
    Introduction.objects.create(
        neighbourhood=garden.hood, proposed_by=garden.connector, person_a=a, person_b=b
    )
    assert selectors.resting(garden.hood) == {resting.pk, full.pk}
    data = snapshot.compute(garden.hood)
    shown = set(_suggested(data)) | {
        uid for one, other, _r in data["pairs"] for uid in (one, other)
    }
    assert resting.pk not in shown and full.pk not in shown
    assert garden.gardeners[2].pk in shown  # the others are still suggested
    with pytest.raises(ValidationError) as refused:
        services.introduction_propose(
            actor=garden.connector,
            membership=f.membership_of(garden.connector, garden.hood),
            one=garden.lonely[0],
            other=resting,
        )
    assert refused.value.code == "resting"
