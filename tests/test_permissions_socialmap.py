"""Permission matrix for the sociale kaart: public information, for everyone (where the
neighbourhood has the module on)."""

import json

import pytest

from buurtkracht.socialmap.services import hsds_import

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, everyone, members_only, only, run_case


def _objects(world):
    from buurtkracht.demo.socialmap import hsds_organizations

    world.hood.municipality = "Haarlem"
    world.hood.modules = [*world.hood.modules, "social_map"]
    world.hood.save()
    hsds_import(actor=None, municipality="Haarlem", data=json.dumps(hsds_organizations()).encode())
    from buurtkracht.socialmap.models import Correction, Service

    service = Service.objects.order_by("pk").first()
    correction = Correction.objects.create(
        service=service, neighbourhood=world.hood, author=world.resident, text="Klopt niet"
    )
    return {"service": service, "correction": correction}


def _service_id(world, objects):
    return {"slug": "lindenhof", "hsds_id": objects["service"].hsds_id}


def _organization_id(world, objects):
    return {"slug": "lindenhof", "hsds_id": objects["service"].organization.hsds_id}


def _service(world, objects):
    return {"slug": "lindenhof", "service_id": objects["service"].pk}


CASES = [
    Case(
        "socialmap:correction_suggest",
        members_only(REDIRECT),
        method="post",
        kwargs=_service,
        data={"text": "De openingstijden kloppen niet."},
    ),
    Case(
        "socialmap:correction_handled",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=lambda w, o: {**_service(w, o), "correction_id": o["correction"].pk},
    ),
    Case(
        "socialmap:service_new", only(["professional", "admin"], 200), kwargs={"slug": "lindenhof"}
    ),
    Case("socialmap:to_check", only(["professional", "admin"], 200), kwargs={"slug": "lindenhof"}),
    Case("socialmap:service_edit", only(["professional", "admin"], 200), kwargs=_service),
    Case("socialmap:import", only(["professional", "admin"], 200), kwargs={"slug": "lindenhof"}),
    Case(
        "socialmap:service_edit",
        only(["professional", "admin"], 200),
        method="post",
        kwargs=_service,
        data={"name": ""},
    ),
    Case(
        "socialmap:service_checked",
        only(["professional", "admin"], REDIRECT),
        method="post",
        kwargs=_service,
    ),
    Case("socialmap:api_services", everyone(200), kwargs={"slug": "lindenhof"}),
    Case("socialmap:api_service", everyone(200), kwargs=_service_id),
    Case("socialmap:api_organizations", everyone(200), kwargs={"slug": "lindenhof"}),
    Case("socialmap:api_organization", everyone(200), kwargs=_organization_id),
    Case("socialmap:where_to_go", everyone(200), kwargs={"slug": "lindenhof"}),
    Case(
        "socialmap:service",
        everyone(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "service_id": o["service"].pk},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
