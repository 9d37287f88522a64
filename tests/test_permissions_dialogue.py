"""Permission matrix for the wijkdialoog: the announcement is public; signing up, reading
the harvest and planning are for members; changing, cancelling and inviting for who
planned it (here: the resident) and administrators; writing the harvest also for
professionals and the municipality."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from buurtkracht.dialogue import services
from tests.factories import membership_of

from .conftest import PERSONAS
from .matrix import (
    LOGIN,
    MEMBERS,
    REDIRECT,
    Case,
    case_id,
    everyone,
    members_only,
    only,
    run_case,
)

HOOD = {"slug": "lindenhof"}
RUNS = ["resident", "admin"]
HARVESTS = ["resident", "professional", "facilitator", "admin"]


def _objects(world):
    world.hood.modules = [*world.hood.modules, "dialogue", "initiatives"]
    world.hood.save()
    start = timezone.now() + timedelta(days=3)
    dialogue = services.dialogue_plan(
        actor=world.resident,
        membership=membership_of(world.resident, world.hood),
        neighbourhood=world.hood,
        values={
            "title": "Samen eten",
            "format": "dialoogtafel",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "capacity": None,
        },
    )
    action = services.harvest_add(
        actor=world.resident,
        membership=membership_of(world.resident, world.hood),
        dialogue=dialogue,
        kind="action",
        text="Om de week samen eten",
        step="do",
    )
    story = services.story_tell(
        actor=world.resident,
        membership=membership_of(world.resident, world.hood),
        neighbourhood=world.hood,
        values={
            "title": "De soep",
            "text": "De buurvrouw bracht soep.",
            "visibility": "neighbourhood",
            "consent": True,
        },
        photo=SimpleUploadedFile("soep.jpg", _jpeg(), content_type="image/jpeg"),
    )
    written = services.story_tell(
        actor=world.professional,
        membership=membership_of(world.professional, world.hood),
        neighbourhood=world.hood,
        values={"title": "Mijn tuin", "text": "Ik vertelde over de tuin.", "visibility": "public"},
        teller=world.resident,
    )
    reflection = services.reflection_write(
        actor=world.professional,
        membership=membership_of(world.professional, world.hood),
        neighbourhood=world.hood,
        values={
            "format": "buurtkracht",
            "title": "De eerste wandeling",
            "answers": {"situation": "Twaalf buren liepen mee."},
            "for_professionals": True,
            "tags": ["p5"],
        },
    )
    return {
        "dialogue": dialogue,
        "action": action,
        "story": story,
        "written": written,
        "reflection": reflection,
    }


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="JPEG")
    return out.getvalue()


def _s(world, objects):
    return {**HOOD, "story_id": objects["story"].pk}


def _w(world, objects):
    return {**HOOD, "story_id": objects["written"].pk}


# Members read a story shared with the neighbourhood; nobody else finds it.
READERS = {"anonymous": 404, "outsider": 404, **dict.fromkeys(MEMBERS, 200)}
# Only its teller (the resident) answers for a story; other members do not find it there.
TELLER = {"anonymous": LOGIN, "outsider": 403, **dict.fromkeys(MEMBERS, 404), "resident": REDIRECT}
SHARE = {"s-visibility": "private"}
REFLECTS = ["professional", "facilitator", "admin"]


def _r(world, objects):
    return {**HOOD, "reflection_id": objects["reflection"].pk}


def _d(world, objects):
    return {**HOOD, "dialogue_id": objects["dialogue"].pk}


def _item(world, objects):
    return {**_d(world, objects), "item_id": objects["action"].pk}


def _plan(world, objects):
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    return {
        "title": "Samen eten",
        "format": "dialoogtafel",
        "day": day,
        "start": "19:00",
        "end": "21:00",
        "for_residents": "on",
    }


CASES = [
    Case("dialogue:list", everyone(200), kwargs=HOOD),
    Case("dialogue:detail", everyone(200), kwargs=_d),
    Case("dialogue:new", members_only(200), kwargs=HOOD),
    Case("dialogue:new", members_only(REDIRECT), method="post", kwargs=HOOD, data=_plan),
    Case("dialogue:edit", only(RUNS, 200), kwargs=_d),
    Case("dialogue:edit", only(RUNS, REDIRECT), method="post", kwargs=_d, data=_plan),
    Case("dialogue:cancel", only(RUNS, REDIRECT), method="post", kwargs=_d),
    Case("dialogue:join", members_only(REDIRECT), method="post", kwargs=_d),
    Case("dialogue:leave", members_only(REDIRECT), method="post", kwargs=_d),
    Case("dialogue:invite", only(RUNS, 200), kwargs=_d),
    Case("dialogue:invite", only(RUNS, REDIRECT), method="post", kwargs=_d, data={"people": []}),
    Case(
        "dialogue:invite_everyone",
        # Who planned it (the resident) may not invite everyone; the administrator may.
        {**only(["admin"], REDIRECT), "resident": 403},
        method="post",
        kwargs=_d,
    ),
    Case("dialogue:harvest", members_only(200), kwargs=_d),
    Case(
        "dialogue:harvest",
        only(HARVESTS, REDIRECT),
        method="post",
        kwargs=_d,
        data={"kind": "insight", "text": "Veel mensen eten alleen.", "step": "meet"},
    ),
    Case("dialogue:harvest_remove", only(HARVESTS, REDIRECT), method="post", kwargs=_item),
    Case("dialogue:quotes", members_only(200), kwargs=HOOD),
    Case("dialogue:quotes", members_only(REDIRECT), method="post", kwargs=HOOD, data={}),
    Case("dialogue:action_initiative", members_only(200), kwargs=_item),
    Case(
        "dialogue:action_initiative",
        {
            **members_only(REDIRECT),
            # Professionals and the municipality never own an initiative (rule 3): the
            # page says so and nothing is made.
            "professional": 200,
            "facilitator": 200,
        },
        method="post",
        kwargs=_item,
        data={"name": "Zondagdiner", "what_and_why": "Samen eten."},
    ),
    Case("dialogue:action_task", members_only(REDIRECT), method="post", kwargs=_item),
    Case("dialogue:stories", everyone(200), kwargs=HOOD),
    Case("dialogue:story", READERS, kwargs=_s),
    Case("dialogue:story_photo", READERS, kwargs=_s),
    Case("dialogue:story_new", members_only(200), kwargs=HOOD),
    Case(
        "dialogue:story_new",
        members_only(REDIRECT),
        method="post",
        kwargs=HOOD,
        data={"title": "Iets", "text": "Mijn verhaal.", "visibility": "private"},
    ),
    Case("dialogue:story_write_for", only(["professional", "admin"], 200), kwargs=HOOD),
    Case("dialogue:my_stories", members_only(200), kwargs=HOOD),
    Case(
        "dialogue:story_approve",
        TELLER,
        method="post",
        kwargs=_w,
        data={"prefix": "s", **SHARE},
    ),
    Case("dialogue:story_share", TELLER, method="post", kwargs=_s, data={"prefix": "s", **SHARE}),
    Case("dialogue:story_withdraw", TELLER, method="post", kwargs=_s),
    Case("dialogue:reflections", only(REFLECTS, 200), kwargs=HOOD),
    Case("dialogue:reflection_new", only(REFLECTS, 200), kwargs=HOOD),
    Case(
        "dialogue:reflection_new",
        only(REFLECTS, REDIRECT),
        method="post",
        kwargs=HOOD,
        data={"format": "buurtkracht", "title": "Iets", "answer_did": "Ik vroeg door."},
    ),
    Case("dialogue:reflection", only(REFLECTS, 200), kwargs=_r),
    Case("dialogue:reflection_delete", only(REFLECTS, REDIRECT), method="post", kwargs=_r),
    Case("dialogue:principles", everyone(200), kwargs=HOOD),
    Case("dialogue:principle", everyone(200), kwargs={**HOOD, "code": "p5"}),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
