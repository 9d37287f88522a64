"""Permission matrix for notifications: every page is personal (mijn/…)."""

import pytest

from buurtkracht.notifications.services import notify

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, logged_in, run_case


def _objects(world):
    notification = notify(user=world.resident, kind="thanks", title="Dank je", url="/mijn/")
    return {"notification": notification}


CASES = [
    Case("notifications:list", logged_in(200)),
    Case("notifications:preferences", logged_in(200)),
    Case(
        "notifications:preferences",
        logged_in(REDIRECT),
        method="post",
        data={"mail_mode": "digest"},
    ),
    Case("notifications:mark_all_read", logged_in(REDIRECT), method="post"),
    Case(
        "notifications:open",
        # Sanne's own notification; for everyone else it does not exist.
        {
            "anonymous": "login",
            **{p: 404 for p in PERSONAS if p != "anonymous"},
            "resident": REDIRECT,
        },
        method="post",
        kwargs=lambda w, o: {"notification_id": o["notification"].pk},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_notifications(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
