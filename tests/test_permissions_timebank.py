"""Permission matrix for the time bank: members use it, administrators manage it."""

import pytest

from buurtkracht.timebank import services
from tests.factories import membership_of

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, members_only, only, run_case

HOOD = {"slug": "lindenhof"}


def _objects(world):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )
    transfer = services.give(
        actor=world.resident,
        neighbourhood=world.hood,
        to_user=world.connector,
        minutes=15,
        membership=membership_of(world.resident, world.hood),
    )
    from buurtkracht.timebank import importing

    job = importing.upload(
        actor=world.admin, neighbourhood=world.hood, filename="leeg.csv", data=b"x\n"
    )
    return {"transfer": transfer, "job": job}


CASES = [
    Case("timebank:home", members_only(200), kwargs=HOOD),
    # An empty form: members see it again with the messages, nothing is written.
    Case("timebank:give", members_only(200), method="post", kwargs=HOOD),
    Case("timebank:give_confirmed", members_only(200), method="post", kwargs=HOOD),
    Case("timebank:donate", members_only(200), method="post", kwargs=HOOD),
    Case("timebank:manage", only(["admin"]), kwargs=HOOD),
    Case("timebank:grant", only(["admin"]), method="post", kwargs=HOOD),
    Case("timebank:grant_confirmed", only(["admin"]), method="post", kwargs=HOOD),
    Case(
        "timebank:reverse",
        only(["admin"], REDIRECT),
        method="post",
        kwargs=lambda w, o: {"slug": "lindenhof", "transfer_id": o["transfer"].pk},
        data={"reason": "vergissing"},
    ),
    Case("timebank:export", only(["admin"]), kwargs={"slug": "lindenhof", "fmt": "csv"}),
    Case("timebank:import", only(["admin"]), kwargs=HOOD),
    Case("timebank:my_export", members_only(200), kwargs={"slug": "lindenhof", "fmt": "xlsx"}),
    Case(
        "timebank:import_preview",
        only(["admin"]),
        kwargs=lambda w, o: {"slug": "lindenhof", "job_id": o["job"].pk},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_timebank(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))


def test_the_time_bank_pages_are_not_there_where_the_module_is_off(world, client_for):
    from django.urls import reverse

    for name in ("timebank:home", "timebank:manage"):
        assert client_for("admin").get(reverse(name, kwargs=HOOD)).status_code == 404
