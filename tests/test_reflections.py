"""Professionals' reflections and the principle pages (issue 20): a format's questions,
tags with the Buurtpower principles and Movisie's lessons, no residents' names without
their consent, shared only with the neighbourhood's professionals when the author wants."""

import pytest
from django.urls import reverse
from django.utils import translation

from buurtkracht.dialogue import services
from buurtkracht.dialogue.models import Reflection
from buurtkracht.dialogue.selectors import principle_page, reflection_for

from . import factories as f
from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def hood(world):
    world.hood.modules = [*world.hood.modules, "dialogue", "initiatives"]
    world.hood.save()
    return world


def _write(world, who="professional", **values):
    user = getattr(world, who)
    return services.reflection_write(
        actor=user,
        membership=membership_of(user, world.hood),
        neighbourhood=world.hood,
        values={
            "format": "buurtkracht",
            "title": "De eerste wandeling",
            "answers": {"situation": "Twaalf buren liepen mee.", "next": "Vaker vragen."},
            **values,
        },
    )


def _reads(world, reflection, who) -> bool:
    user = getattr(world, who)
    found = reflection_for(
        viewer=user,
        membership=membership_of(user, world.hood),
        neighbourhood=world.hood,
        reflection_id=reflection.pk,
    )
    return found is not None


def test_a_reflection_is_the_authors_until_shared_with_the_professionals(hood):
    own = _write(hood)
    assert own.answers == {"situation": "Twaalf buren liepen mee.", "next": "Vaker vragen."}
    assert [_reads(hood, own, w) for w in ("professional", "facilitator", "admin")] == [
        True,
        False,
        False,
    ]
    shared = _write(hood, for_professionals=True)
    for who, reads in [("facilitator", True), ("admin", True), ("resident", False)]:
        assert _reads(hood, shared, who) == reads, who


def test_residents_names_need_their_consent(hood):
    with refused("names"):
        _write(hood, answers={"situation": "Sanne vertelde over haar buurvrouw."})
    assert not Reflection.objects.exists()
    written = _write(
        hood, answers={"situation": "Sanne vertelde over haar buurvrouw."}, names_consent=True
    )
    assert written.names_consent_at is not None
    # Colleagues' names and ordinary words are not residents' names.
    plain = _write(hood, answers={"situation": "Met Petra en Gerrit naar De Linde."})
    assert plain.names_consent_at is None


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"answers": {}}, "required"),
        ({"answers": {"situation": "x" * 10_000}}, "too_long"),
        ({"format": "dagboek"}, "invalid"),
        ({"title": ""}, "required"),
        ({"tags": ["p1", "x9"]}, "invalid"),
    ],
)
def test_bad_reflections_are_refused_and_nothing_is_saved(hood, values, code):
    with refused(code):
        _write(hood, **values)
    assert not Reflection.objects.exists()


def test_only_professionals_the_municipality_and_admins_reflect(hood, client_for):
    with refused("not_allowed"):
        _write(hood, "resident")
    assert (
        client_for("resident")
        .get(reverse("dialogue:reflections", kwargs={"slug": "lindenhof"}))
        .status_code
        == 403
    )


def test_the_form_asks_the_questions_of_the_chosen_format(hood, client_for):
    client = client_for("professional")
    url = reverse("dialogue:reflection_new", kwargs={"slug": "lindenhof"})
    page = client.get(url, {"werkvorm": "starr"}).content.decode()
    assert "Wat was je rol" in page
    response = client.post(
        f"{url}?werkvorm=starr",
        {
            "format": "starr",
            "title": "Een lastig gesprek",
            "answer_result": "Het hielp.",
            "principles": ["p5"],
            "lessons": ["l4"],
        },
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert reflection.format == "starr"
    assert set(reflection.tags.values_list("code", flat=True)) == {"p5", "l4"}


def test_a_principle_page_shows_what_the_viewer_may_read(hood, client):
    from buurtkracht.initiatives import services as initiatives

    initiative = initiatives.initiative_create(
        actor=hood.resident,
        membership=membership_of(hood.resident, hood.hood),
        neighbourhood=hood.hood,
        name="Zondagdiner",
        what_and_why="Samen eten",
    )
    story = services.story_tell(
        actor=hood.resident,
        membership=membership_of(hood.resident, hood.hood),
        neighbourhood=hood.hood,
        values={
            "title": "Soep",
            "text": "Soep.",
            "visibility": "public",
            "consent": True,
            "tags": ["p3"],
            "initiative": initiative,
        },
    )
    reflection = _write(hood, for_professionals=True, tags=["p3"])
    seen = principle_page(
        viewer=hood.admin,
        membership=membership_of(hood.admin, hood.hood),
        neighbourhood=hood.hood,
        code="p3",
    )
    assert seen.stories == [story] and seen.reflections == [reflection]
    assert seen.initiatives == [initiative]
    public = client.get(reverse("dialogue:principle", kwargs={"slug": "lindenhof", "code": "p3"}))
    html = public.content.decode()
    assert "Soep" in html and "De eerste wandeling" not in html
    missing = client.get(reverse("dialogue:principle", kwargs={"slug": "lindenhof", "code": "p42"}))
    assert missing.status_code == 404


def test_reflections_are_exported_and_erased_with_the_account(hood):
    from buurtkracht.privacy.erasure import account_erase
    from buurtkracht.privacy.export import personal_data

    _write(hood)
    exported = personal_data(hood.professional)["dialogue"]["reflections"]
    assert [r["title"] for r in exported] == ["De eerste wandeling"]
    account_erase(user=hood.professional, current=f.PASSWORD)
    assert not Reflection.objects.exists()
