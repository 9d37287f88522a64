"""Permission matrix for finding the neighbourhood's buurt code (administrators only). The
lookup itself is not reached: PDOK is answered from a recorded response."""

from pathlib import Path

import pytest

from buurtkracht.wijkinfo import pdok

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, only, run_case

HOOD = {"slug": "lindenhof"}
RECORDED = Path(__file__).resolve().parent / "data" / "pdok"

CASES = [
    Case("wijkinfo:find_buurt", only(["admin"]), kwargs=HOOD),
    Case("wijkinfo:find_buurt", only(["admin"]), method="post", kwargs=HOOD, data={"address": ""}),
    Case(
        "wijkinfo:use_buurt",
        only(["admin"], REDIRECT),
        method="post",
        kwargs=HOOD,
        data={"buurtcode": "BU03920712"},
    ),
    Case("wijkinfo:not_yet_here", only(["connector", "professional", "admin"]), kwargs=HOOD),
]


@pytest.fixture(autouse=True)
def recorded_pdok(monkeypatch):
    body = (RECORDED / "free_q-postcode-1118CP_rows1_v3.json").read_bytes()
    monkeypatch.setattr(pdok, "_open", lambda url: body)


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, {})
