"""The warm matching index (buurtkracht.matching.index): candidates from the database,
per neighbourhood, found by compounds and synonyms, and a cache that sees new gifts."""

import pytest

from buurtkracht.core.choices import Visibility
from buurtkracht.gifts.models import Gift, Resource, TaxonomyItem
from buurtkracht.matching import index as matching_index
from buurtkracht.matching.index import NeighbourhoodIndex, neighbourhood_index
from buurtkracht.matching.ranker import rank
from buurtkracht.matching.relevance import Candidate

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    monkeypatch.setattr(matching_index, "VERSION_TTL", 0.0)  # check the version every call
    matching_index.clear_cache()
    yield
    matching_index.clear_cache()


def _gift(owner, *, text="", item=None, kind="hands", visibility=Visibility.NEIGHBOURHOOD):
    item = TaxonomyItem.objects.get(key=item) if item else None
    return Gift.objects.create(owner=owner, kind=kind, item=item, text=text, visibility=visibility)


@pytest.fixture
def city():
    here = f.make_neighbourhood(slug="hier")
    elsewhere = f.make_neighbourhood(slug="elders")
    people = {
        "bike": f.make_member(here),
        "plumber": f.make_member(here),
        "ladder": f.make_member(here),
        "shy": f.make_member(here),
        "far": f.make_member(elsewhere),
    }
    _gift(people["bike"], text="Ik ben fietsenmaker geweest, ik plak elke band")
    _gift(people["plumber"], item="loodgieterswerk")
    Resource.objects.create(
        owner=people["ladder"], kind="thing", item=TaxonomyItem.objects.get(key="ladder")
    )
    _gift(people["shy"], text="Ik repareer fietsen", visibility=Visibility.PRIVATE)
    _gift(people["far"], text="Ik repareer fietsen en plak banden")
    _gift(people["far"], item="loodgieterswerk")
    return here, elsewhere, people


def _ids(found):
    return [user_id for user_id, _, _ in found]


def test_compounds_and_synonyms_find_the_right_people(city):
    here, _, people = city
    index = NeighbourhoodIndex.build(here)
    # compound: "fietsband" <-> "fietsenmaker", "band"
    assert _ids(index.candidates("mijn fietsband is lek"))[0] == people["bike"].pk
    # no shared word: "kraan lekt" is a synonym of the taxonomy item loodgieterswerk
    found = index.candidates("de kraan lekt", limit=5)
    assert _ids(found)[0] == people["plumber"].pk
    assert found[0][2] == (TaxonomyItem.objects.get(key="loodgieterswerk").pk,)
    # a resource, by synonym: "keukentrap" is a synonym of ladder
    assert _ids(index.candidates("wie heeft een keukentrap"))[0] == people["ladder"].pk
    assert index.candidates("xyzzy") == []


def test_other_neighbourhoods_and_private_items_are_left_out(city):
    here, elsewhere, people = city
    index = NeighbourhoodIndex.build(here)
    found = _ids(index.candidates("fietsen repareren") + index.candidates("loodgieter"))
    assert people["far"].pk not in found
    assert people["shy"].pk not in found  # their only gift is private
    assert index.items(people["far"].pk) == ()
    assert [i.visibility for i in index.items(people["plumber"].pk)] == ["neighbourhood"]
    assert _ids(NeighbourhoodIndex.build(elsewhere).candidates("fiets")) == [people["far"].pk]


def test_order_is_deterministic_and_ties_go_by_user_id(city):
    here, _, people = city
    twins = [f.make_member(here) for _ in range(3)]
    for person in reversed(twins):
        _gift(person, item="fiets-repareren")
    first = NeighbourhoodIndex.build(here).candidates("fiets repareren")
    again = NeighbourhoodIndex.build(here).candidates("fiets repareren")
    assert first == again
    scores = {user_id: score for user_id, score, _ in first}
    tied = [user_id for user_id in _ids(first) if user_id in {t.pk for t in twins}]
    assert tied == sorted(t.pk for t in twins)
    assert len({scores[t] for t in tied}) == 1
    assert [s for _, s, _ in first] == sorted((s for _, s, _ in first), reverse=True)
    assert (
        _ids(NeighbourhoodIndex.build(here).candidates("fiets repareren", limit=2))
        == (_ids(first)[:2])
    )


def test_cache_rebuilds_when_a_gift_is_added_and_not_otherwise(city, django_assert_max_num_queries):
    here, _, people = city
    first = neighbourhood_index(here)
    with django_assert_max_num_queries(2):  # the version and the taxonomy version
        assert neighbourhood_index(here) is first
    assert _ids(first.candidates("oppassen op de kat")) == []
    newcomer = f.make_member(here)
    _gift(newcomer, text="Ik pas graag op katten als de buren weg zijn")
    second = neighbourhood_index(here)
    assert second is not first
    assert _ids(second.candidates("oppassen op de kat"))[0] == newcomer.pk
    Gift.objects.filter(owner=newcomer).delete()
    assert _ids(neighbourhood_index(here).candidates("oppassen op de kat")) == []


def test_within_the_ttl_the_version_is_not_read_again(city, monkeypatch, django_assert_num_queries):
    here, _, _ = city
    monkeypatch.setattr(matching_index, "VERSION_TTL", 60.0)
    first = neighbourhood_index(here)
    with django_assert_num_queries(0):
        assert neighbourhood_index(here) is first


def test_candidates_feed_the_full_ranker(city):
    here, _, people = city
    index = NeighbourhoodIndex.build(here)
    matches = index.matches("mijn fiets is kapot, band lek")
    ranked = rank(
        "mijn fiets is kapot, band lek",
        [Candidate(str(m.user_id), m.text, m.item_ids) for m in matches],
        taxonomy=index.taxonomy,
    )
    assert ranked[0].id == str(people["bike"].pk)
    assert ranked[0].reasons


def test_matches_count_only_what_the_viewer_may_see(city):
    here, _, people = city
    _gift(
        people["ladder"], text="Ik repareer fietsen voor vrienden", visibility=Visibility.CONTACTS
    )
    index = NeighbourhoodIndex.build(here)
    members = frozenset({Visibility.PUBLIC, Visibility.NEIGHBOURHOOD})
    everyone = [m.user_id for m in index.matches("fiets repareren")]
    assert people["ladder"].pk in everyone
    stranger = index.matches("fiets repareren", levels=members)
    assert people["ladder"].pk not in [m.user_id for m in stranger]
    friend = index.matches(
        "fiets repareren", levels=members, contacts=frozenset({people["ladder"].pk})
    )
    found = {m.user_id: m for m in friend}
    assert "Ik repareer fietsen voor vrienden" in found[people["ladder"].pk].labels
    outsider = index.matches("fiets repareren", levels=frozenset({Visibility.PUBLIC}))
    assert outsider == []  # nothing here is public


def test_category_fills_the_list_and_exclude_leaves_people_out(city):
    here, _, people = city
    index = NeighbourhoodIndex.build(here)
    plumbing = TaxonomyItem.objects.get(key="loodgieterswerk").category.key
    found = index.matches("iets heel anders", category=plumbing)
    assert [m.user_id for m in found] == [people["plumber"].pk]
    assert found[0].score == 0.0 and plumbing in found[0].categories
    assert (
        index.matches(
            "iets heel anders", category=plumbing, exclude=frozenset({people["plumber"].pk})
        )
        == []
    )


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_changed_index_is_rebuilt_in_the_background_while_the_old_one_serves(monkeypatch):
    """What a web process does under load: after a change it keeps answering from the
    index it has (the suggestions are checked against the database anyway) and swaps in
    the rebuilt one when its thread is done — no request waits for the rebuild. (Own words
    only: earlier tests that commit may have emptied the vocabulary.)"""
    here = f.make_neighbourhood(slug="hier")
    _gift(f.make_member(here), text="Ik repareer fietsen")
    monkeypatch.setattr(matching_index, "BACKGROUND_REBUILD", True)
    monkeypatch.setattr(matching_index, "MIN_REBUILD_SECONDS", 0.0)
    threads = []
    real = matching_index._rebuild_in_background

    def recording(*args, **kwargs):
        thread = real(*args, **kwargs)
        threads.append(thread)
        return thread

    monkeypatch.setattr(matching_index, "_rebuild_in_background", recording)
    first = neighbourhood_index(here)  # the process's first build: made right away
    assert not threads
    newcomer = f.make_member(here)
    _gift(newcomer, text="Een ladder lenen")  # bumps the "matching" version (a saved row)
    still = neighbourhood_index(here)
    assert still is first and len(threads) == 1  # the old index answers meanwhile
    threads[0].join()
    rebuilt = neighbourhood_index(here)
    assert rebuilt is not first and rebuilt.items(newcomer.pk)
    assert neighbourhood_index(here) is rebuilt and len(threads) == 1  # current: no rebuild


def test_a_stream_of_edits_rebuilds_the_index_at_most_every_few_seconds(city, monkeypatch):
    here, _, people = city
    monkeypatch.setattr(matching_index, "BACKGROUND_REBUILD", True)
    started = []
    monkeypatch.setattr(
        matching_index, "_rebuild_in_background", lambda *args: started.append(args)
    )
    first = neighbourhood_index(here)  # built just now
    _gift(f.make_member(here), item="ladder")
    assert neighbourhood_index(here) is first and not started  # too soon: keep serving
    monkeypatch.setattr(matching_index, "MIN_REBUILD_SECONDS", 0.0)
    assert neighbourhood_index(here) is first and len(started) == 1  # now it is rebuilt
