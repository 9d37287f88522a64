"""Permission matrix for the relationship network: never public; the overview is for
connectors, professionals and administrators; importing and the groups to connect for
professionals and administrators; an introduction only for the two people in it."""

import pytest

from buurtkracht.network.models import Acquaintance, Introduction, WatchGroup
from buurtkracht.people.services import consent_grant

from .conftest import PERSONAS
from .matrix import LOGIN, REDIRECT, Case, case_id, members_only, only, run_case

HOOD = {"slug": "lindenhof"}
VIEWERS = ["connector", "professional", "admin"]


def _objects(world):
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    a, b = sorted((world.resident, world.connector), key=lambda u: u.pk)
    introduction = Introduction.objects.create(
        neighbourhood=world.hood, proposed_by=world.admin, person_a=a, person_b=b
    )
    group = WatchGroup.objects.create(neighbourhood=world.hood, name="Beschut wonen")
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="group_count")
    counted = WatchGroup.objects.create(neighbourhood=world.hood, name="Mantelzorgers")
    counted.members.add(world.resident)
    asked = Acquaintance.objects.create(
        neighbourhood=world.hood, from_user=world.connector, to_user=world.resident
    )
    return {"introduction": introduction, "group": group, "counted": counted, "asked": asked}


def _group(w, o):
    return {"slug": "lindenhof", "group_id": o["group"].pk}


def _introduction(w, o):
    return {"slug": "lindenhof", "introduction_id": o["introduction"].pk}


CASES = [
    Case("network:overview", only(VIEWERS), kwargs=HOOD),
    Case(
        "network:propose",
        only(VIEWERS, REDIRECT),  # no permission to name them: back to the overview
        kwargs=HOOD,
        data=lambda w, o: {"one": w.resident.pk, "other": w.facilitator.pk},
    ),
    Case(
        "network:propose",
        only(VIEWERS, REDIRECT),
        method="post",
        kwargs=HOOD,
        data=lambda w, o: {"one": w.resident.pk, "other": w.facilitator.pk},
    ),
    Case("network:mine", members_only(200), kwargs=HOOD),
    Case(  # "ik ken": back to the page for every member (a refusal is said there)
        "network:know",
        members_only(REDIRECT),
        method="post",
        kwargs=HOOD,
        data=lambda w, o: {"k-other": w.facilitator.pk},
    ),
    Case(  # only the one named answers; for the others the answer is refused on the page
        "network:know_answer",
        members_only(REDIRECT),
        method="post",
        kwargs=lambda w, o: {"slug": "lindenhof", "acquaintance_id": o["asked"].pk},
        data={"yes": "1"},
    ),
    Case(
        "network:group_leave",
        members_only(REDIRECT),
        method="post",
        kwargs=lambda w, o: {"slug": "lindenhof", "group_id": o["counted"].pk},
    ),
    Case("network:import", only(["professional", "admin"]), kwargs=HOOD),
    Case("network:groups", only(["professional", "admin"]), kwargs=HOOD),
    Case(
        "network:groups",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=HOOD,
        data=lambda w, o: {"name": "Jongeren"},
    ),
    Case("network:group", only(["professional", "admin"]), kwargs=_group),
    Case(
        "network:group_rename",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_group,
        data={"g-name": "Beschut wonen Lindenplein"},
    ),
    Case(
        "network:group_add",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_group,
        data=lambda w, o: {"person": w.resident.pk},
    ),
    Case(
        "network:group_remove",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=lambda w, o: {"slug": "lindenhof", "group_id": o["counted"].pk},
        data=lambda w, o: {"person": w.resident.pk},
    ),
    Case(
        "network:group_delete",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_group,
    ),
    Case(
        "network:introduction",
        {**members_only(404), "resident": 200, "connector": 200, "anonymous": LOGIN},
        kwargs=_introduction,
    ),
    Case(  # the two people may write once both said yes: here not yet, so refused (400)
        "network:introduction_message",
        {**members_only(404), "resident": 400, "connector": 400, "anonymous": LOGIN},
        method="post",
        kwargs=_introduction,
        data=lambda w, o: {"text": "Hallo"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_network(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))


def test_the_network_pages_are_not_there_where_the_module_is_off(world, client_for):
    from django.urls import reverse

    assert client_for("admin").get(reverse("network:overview", kwargs=HOOD)).status_code == 404
