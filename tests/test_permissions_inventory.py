"""The permission matrix of inventory import and export: professionals and administrators
of the neighbourhood, only where the "gifts" module is on (tests/matrix.py)."""

import pytest
from django.urls import reverse

from buurtkracht.inventory import services
from buurtkracht.inventory.columns import COLUMN_KEYS

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, only, run_case

HOOD = {"slug": "lindenhof"}
TRANSFER = ["professional", "admin"]


def _job(w, o):
    return {"slug": "lindenhof", "job_id": o["job"].pk}


def _objects(world, persona):
    """An upload of the persona when they may import (a job is only its maker's), else of
    the professional: the others are refused before the job is looked up."""
    maker = world.persona(persona) if persona in TRANSFER else world.professional
    header = ";".join(COLUMN_KEYS)
    data = f"{header}\r\nplek;Buurthuis De Linde;buurthuis\r\n".encode()
    job = services.import_job_create(
        actor=maker, neighbourhood=world.hood, filename="inventaris.csv", data=data
    )
    return {"job": job}


CASES = [
    Case("inventory:start", only(TRANSFER), kwargs=HOOD),
    Case("inventory:upload", only(TRANSFER), kwargs=HOOD),
    Case("inventory:upload", only(TRANSFER), method="post", kwargs=HOOD),  # no file: the form
    Case("inventory:mapping", only(TRANSFER), kwargs=_job),
    Case(
        "inventory:mapping",
        only(TRANSFER, REDIRECT),
        method="post",
        kwargs=_job,
        data={"naam": "1", "type": "2"},
    ),
    Case("inventory:preview", only(TRANSFER), kwargs=_job),
    Case("inventory:preview", only(TRANSFER, REDIRECT), method="post", kwargs=_job),
    Case("inventory:result", only(TRANSFER, REDIRECT), kwargs=_job),  # not imported yet
    Case("inventory:export_csv", only(TRANSFER), kwargs=HOOD),
    Case("inventory:export_xlsx", only(TRANSFER), kwargs=HOOD),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world, persona))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nothing_exists_where_the_gifts_module_is_off(case, world, client_for):
    world.hood.modules = ["requests"]
    world.hood.save(update_fields=["modules"])
    objects = _objects(world, "admin")
    kwargs = case.kwargs(world, objects) if callable(case.kwargs) else case.kwargs
    response = getattr(client_for("admin"), case.method)(reverse(case.name, kwargs=kwargs))
    assert response.status_code == 404
