"""Permission matrix for the safety net and the bundled requests."""

import pytest

from buurtkracht.exchange.services import post_create
from buurtkracht.people.services import consent_grant
from buurtkracht.places.models import Place
from buurtkracht.support.services import safety_net_sweep
from tests.factories import membership_of

from .conftest import PERSONAS
from .matrix import LOGIN, REDIRECT, Case, case_id, members_only, only, run_case

HOOD = {"slug": "lindenhof"}


def _objects(world):
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Ik kan dit niet alleen",
        needs_more=True,
        membership=membership_of(world.resident, world.hood),
    )
    safety_net_sweep()
    case = world.resident.posts.get().safety_net_case
    place = Place.objects.create(neighbourhood=world.hood, name="Wijkteam", kind="zorg")
    return {"case": case, "place": place}


def _case(world, objects):
    return {"slug": "lindenhof", "case_id": objects["case"].pk}


CASES = [
    Case("support:queue", only(["professional", "admin"]), kwargs=HOOD),
    Case("support:case", only(["professional", "admin"]), kwargs=_case),
    Case(
        "support:case_contacted",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_case,
        data={"note": "Gebeld"},
    ),
    Case(
        "support:case_refer",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_case,
        data=lambda world, objects: {"place": objects["place"].pk},
    ),
    Case(
        "support:case_close",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_case,
        data={"note": "Opgelost"},
    ),
    # The resident's own view of their case; for other members it is not there.
    Case(
        "support:my_case",
        {**members_only(404), "resident": 200, "anonymous": LOGIN},
        kwargs=_case,
    ),
    Case(  # the resident who asked, and the professionals and admins who handle it
        "support:case_message",
        {**only(["professional", "admin"], REDIRECT), "resident": REDIRECT},
        method="post",
        kwargs=_case,
        data={"text": "Wanneer kunt u bellen?"},
    ),
    Case(
        "support:duty",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=HOOD,
        data={"on": "0"},
    ),
    Case("support:settings", only(["admin"]), kwargs=HOOD),
    Case(
        "support:settings",
        only(["admin"], REDIRECT),
        method="post",
        kwargs=HOOD,
        data={"safety_net_days": "10"},
    ),
    Case("support:bundles", members_only(200), kwargs=HOOD),
    Case("support:bundles_csv", members_only(200), kwargs=HOOD),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_support(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
