"""Permission matrix for initiatives: the pages and calendars are public; taking part
needs membership of the neighbourhood; owning is for residents (services)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buurtkracht.initiatives import services
from tests.factories import membership_of

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, everyone, members_only, run_case

HOOD = {"slug": "lindenhof"}


def _objects(world):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    initiative = services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Moestuin",
        what_and_why="Groente",
        photo=SimpleUploadedFile("tuin.jpg", _jpeg(), content_type="image/jpeg"),
        membership=membership_of(world.resident, world.hood),
    )
    start = timezone.now() + timedelta(days=3)
    activity = services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Oogstfeest",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    update = services.update_post(
        actor=world.resident,
        initiative=initiative,
        text="Eerste oogst",
        photo=SimpleUploadedFile("oogst.jpg", _jpeg(), content_type="image/jpeg"),
    )
    task = services.task_add(actor=world.resident, initiative=initiative, title="Koffie zetten")
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    involvement = services.ask_to_join(
        actor=world.facilitator,
        initiative=initiative,
        membership=membership_of(world.facilitator, initiative.neighbourhood),
    )
    budget = services.budget_request(
        actor=world.resident, initiative=initiative, title="Zaden", lines=[("Zaden", "10")]
    )
    return {
        "involvement": involvement,
        "budget": budget,
        "initiative": initiative,
        "activity": activity,
        "update": update,
        "task": task,
        "invitation": invitation,
    }


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG")
    return out.getvalue()


def _detail(w, o):
    return {"slug": "lindenhof", "initiative_id": o["initiative"].pk}


def _task(w, o):
    return {"slug": "lindenhof", "initiative_id": o["initiative"].pk, "task_id": o["task"].pk}


def _involvement(w, o):
    return {**_detail(w, o), "involvement_id": o["involvement"].pk}


def _invitation(w, o):
    return {"slug": "lindenhof", "invitation_id": o["invitation"].pk}


NOT_FOUND = members_only(404)
OWNERS_AND_CONNECTORS = {**NOT_FOUND, "resident": 200, "connector": 200}

CASES = [
    Case("initiatives:list", everyone(200), kwargs=HOOD),
    Case("initiatives:new", members_only(200), kwargs=HOOD),
    Case("initiatives:detail", everyone(200), kwargs=_detail),
    # Every form on the page posts to its own URL: members get an answer on the page (a
    # redirect back, or the page again with the form's errors); the services refuse those
    # who may not (owners only, people of the initiative only, supporters only).
    *[
        Case(f"initiatives:{name}", members_only(REDIRECT), method="post", kwargs=_detail)
        for name in ("ask", "leave", "close")
    ],
    *[
        Case(f"initiatives:{name}", members_only(200), method="post", kwargs=_detail)
        for name in ("edit", "task_add", "activity_add", "update_add", "support_add", "budget_add")
    ],
    *[
        Case(f"initiatives:{name}", members_only(REDIRECT), method="post", kwargs=_involvement)
        for name in ("accept", "decline", "make_owner", "make_member")
    ],
    *[
        Case(f"initiatives:{name}", members_only(REDIRECT), method="post", kwargs=_task)
        for name in ("task_take", "task_release")
    ],
    Case(
        "initiatives:activity_cancel",
        members_only(REDIRECT),
        method="post",
        kwargs=lambda w, o: {**_detail(w, o), "activity_id": o["activity"].pk},
    ),
    Case(
        "initiatives:budget_status",
        members_only(REDIRECT),
        method="post",
        kwargs=lambda w, o: {**_detail(w, o), "budget_id": o["budget"].pk},
    ),
    # The time bank is off in this neighbourhood: the forms answer with the page again.
    *[
        Case(f"initiatives:{name}", members_only(200), method="post", kwargs=_detail)
        for name in ("time_donate", "time_give")
    ],
    Case("initiatives:calendar", everyone(200), kwargs=_detail),
    Case("initiatives:initiative_photo", everyone(200), kwargs=_detail),
    Case("initiatives:calendar_all", everyone(200), kwargs=HOOD),
    # Paper: flyers and the agenda are as public as the pages they come from.
    Case("initiatives:flyer", everyone(200), kwargs=_detail),
    Case(
        "initiatives:activity_flyer",
        everyone(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "activity_id": o["activity"].pk},
    ),
    Case("initiatives:agenda", everyone(200), kwargs=HOOD),
    Case(
        "initiatives:photo",
        everyone(200),
        kwargs=lambda w, o: {
            "slug": "lindenhof",
            "initiative_id": o["initiative"].pk,
            "update_id": o["update"].pk,
        },
    ),
    *[
        Case(
            f"initiatives:{name}",
            members_only(REDIRECT),
            method="post",
            kwargs=lambda w, o: {"slug": "lindenhof", "activity_id": o["activity"].pk},
        )
        for name in ("sign_up", "sign_up_cancel")
    ],
    # Who could take an open task: the owners (resident) and connectors; owners invite.
    Case("initiatives:task_helpers", OWNERS_AND_CONNECTORS, kwargs=_task),
    Case(
        "initiatives:task_invite",
        {**OWNERS_AND_CONNECTORS, "resident": REDIRECT, "connector": REDIRECT},
        method="post",
        kwargs=_task,
        data=lambda w, o: {"user": w.admin.pk},
    ),
    # An invitation to take a task: only the invited person (the connector) sees it.
    Case("initiatives:invitation", {**NOT_FOUND, "connector": 200}, kwargs=_invitation),
    *[
        Case(
            f"initiatives:{name}",
            {**NOT_FOUND, "connector": REDIRECT},
            method="post",
            kwargs=_invitation,
        )
        for name in ("invitation_accept", "invitation_decline")
    ],
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_initiatives(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))


def test_the_pages_are_not_there_where_the_module_is_off(world, client_for):
    from django.urls import reverse

    assert client_for("resident").get(reverse("initiatives:list", kwargs=HOOD)).status_code == 404
