"""Permission matrix for privacy (issue 16): the statement is public; the export and the
erasure are each person's own (mijn/…). A POST without the PIN or password erases
nothing: the page comes back with the refusal."""

import pytest

from .conftest import PERSONAS
from .matrix import Case, case_id, everyone, logged_in, run_case

CASES = [
    Case("core:privacy", everyone(200)),
    Case("privacy:my_data", logged_in(200)),
    Case("privacy:my_data_download", logged_in(200)),
    Case("privacy:erase", logged_in(200)),
    Case("privacy:erase", logged_in(200), method="post", data={"understood": "on"}),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_privacy(case, persona, world, client_for):
    run_case(case, persona, world, client_for, {})
