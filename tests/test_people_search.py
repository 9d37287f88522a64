"""Finding a neighbour by name (decision 0035): by the first letters, never everyone, and
with what tells two people of the same name apart — only what they let the viewer see."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buurtkracht.people.models import Profile, name_key
from buurtkracht.people.selectors import find_people, person_choice

from . import factories as f

pytestmark = pytest.mark.django_db


def _sanne(world, postcode, visibility):
    person = f.make_member(world.hood, name="Sanne")
    Profile.objects.filter(user=person).update(postcode=postcode, postcode_visibility=visibility)
    return person


def test_two_people_of_one_name_are_told_apart_by_what_they_show(world):
    one = _sanne(world, "2031AB", "neighbourhood")
    other = _sanne(world, "2032CD", "neighbourhood")
    hidden = _sanne(world, "2033EF", "private")
    found = {
        p.user_id: p
        for p in find_people(viewer=world.connector, neighbourhood=world.hood, query="san")
    }
    assert {one.pk, other.pk, hidden.pk, world.resident.pk} <= set(found)
    assert found[one.pk].label == "Sanne (2031 AB)" and found[other.pk].label == "Sanne (2032 CD)"
    assert found[hidden.pk].label == "Sanne" and not found[hidden.pk].postcode  # not shown


def test_the_search_is_by_first_letters_without_accents_and_needs_two(world):
    omer = f.make_member(world.hood, name="Ömer Şahin")
    assert Profile.objects.get(user=omer).search_name == name_key("Ömer Şahin") == "omer sahin"
    assert [
        p.user_id for p in find_people(viewer=world.resident, neighbourhood=world.hood, query="OM")
    ] == [omer.pk]
    assert find_people(viewer=world.resident, neighbourhood=world.hood, query="o") == []
    assert find_people(viewer=world.resident, neighbourhood=world.hood, query="mer") == []


def test_names_people_do_not_show_and_other_neighbourhoods_are_never_found(world):
    private = f.make_member(world.hood, name="Bram")
    Profile.objects.filter(user=private).update(display_name_visibility="private")
    elsewhere = f.make_member(world.other, name="Bregje")
    found = find_people(viewer=world.resident, neighbourhood=world.hood, query="br")
    assert [p.user_id for p in found] == []
    assert (
        person_choice(viewer=world.resident, neighbourhood=world.hood, user_id=elsewhere.pk) is None
    )
    assert person_choice(viewer=world.resident, neighbourhood=world.hood, user_id="1; DROP") is None


def test_a_search_costs_the_same_in_a_bigger_neighbourhood(world):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            find_people(viewer=world.resident, neighbourhood=world.hood, query="bu")
        return len(captured)

    f.make_member(world.hood, name="Buur")
    few = queries()
    for n in range(40):
        f.make_member(world.hood, name=f"Buur {n}")
    assert queries() == few
    assert len(find_people(viewer=world.resident, neighbourhood=world.hood, query="bu")) == 10
