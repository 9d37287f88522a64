"""Permission matrix for the background jobs page (site operators only: no persona of a
neighbourhood, not even its administrator, is one) and /health/ (public, no personal
data)."""

import pytest

from .conftest import PERSONAS
from .matrix import Case, case_id, everyone, logged_in, run_case

CASES = [
    Case("jobs:health", everyone(200)),
    Case("jobs:runs", logged_in(403)),
    Case("jobs:runs", logged_in(403), method="post", data={"run": "1"}),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, {})
