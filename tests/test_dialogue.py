"""The wijkdialoog (issue 20): planning with a format's steps and rules, signing up within
the places, inviting (also through the buurtwerker, also the whole neighbourhood in
batches), the harvest with the speakers' consent, and actions that become a resident's
initiative or a task of one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from buurtkracht.core.models import ActionLog
from buurtkracht.dialogue import services
from buurtkracht.dialogue.models import Dialogue, HarvestItem, Invited, Participant
from buurtkracht.initiatives.models import Initiative, Involvement
from buurtkracht.notifications.models import Notification

from . import factories as f
from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def hood(world):
    world.hood.modules = [*world.hood.modules, "dialogue", "initiatives"]
    world.hood.save()
    return world


def _plan(**change):
    start = timezone.now() + timedelta(days=3)
    return {
        "title": "Samen eten",
        "about": "Veel buren eten alleen.",
        "format": "dialoogtafel",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": None,
        **change,
    }


def _as(world, name):
    user = getattr(world, name)
    return {"actor": user, "membership": membership_of(user, world.hood)}


def _dialogue(world, organiser="resident", **change):
    return services.dialogue_plan(
        **_as(world, organiser), neighbourhood=world.hood, values=_plan(**change)
    )


def _url(name, dialogue=None, **kw):
    if dialogue is not None:
        kw["dialogue_id"] = dialogue.pk
    return reverse(f"dialogue:{name}", kwargs={"slug": "lindenhof", **kw})


# --- planning ---------------------------------------------------------------------------------


def test_a_resident_plans_a_dialogue_and_runs_it(hood):
    dialogue = _dialogue(hood)
    assert dialogue.organiser == hood.resident and dialogue.format == "dialoogtafel"
    assert ActionLog.objects.filter(action="dialogue.planned").exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": "  "}, "required"),
        ({"title": "x" * 121}, "too_long"),
        ({"about": "x" * 10_000}, "too_long"),
        ({"format": "debat"}, "invalid"),
        ({"capacity": 1}, "invalid"),
        ({"ends_at": timezone.now() + timedelta(days=2)}, "ends_before_start"),
        (
            {
                "starts_at": timezone.now() - timedelta(days=1),
                "ends_at": timezone.now() - timedelta(hours=20),
            },
            "in_the_past",
        ),
    ],
)
def test_a_bad_plan_is_refused_and_nothing_is_saved(hood, change, code):
    with refused(code):
        _dialogue(hood, **change)
    assert not Dialogue.objects.exists()


def test_the_page_shows_the_steps_and_rules_to_everyone_and_the_harvest_to_members(
    hood, client, client_for
):
    dialogue = _dialogue(hood)
    services.harvest_add(
        **_as(hood, "resident"),
        dialogue=dialogue,
        kind="insight",
        text="Eten verbindt.",
        step="meet",
    )
    public = client.get(_url("detail", dialogue)).content.decode()
    for words in ("Ontmoeten", "Ervaringen", "Dromen", "Doen", "Iedereen komt aan bod"):
        assert words in public
    assert "Eten verbindt." not in public  # the harvest is the neighbourhood's
    assert (
        "Eten verbindt." in client_for("connector").get(_url("detail", dialogue)).content.decode()
    )


def test_the_form_plans_a_dialogue_and_says_what_is_wrong_in_dutch(hood, client_for):
    client = client_for("connector")
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    data = {"title": "Veilig naar school", "format": "world_cafe", "day": day}
    wrong = client.post(_url("new"), {**data, "start": "21:00", "end": "19:00"})
    assert wrong.status_code == 200 and "Het eindigt na het begin" in wrong.content.decode()
    assert not Dialogue.objects.exists()
    done = client.post(_url("new"), {**data, "start": "19:00", "end": "21:00"})
    assert done.status_code == 302
    assert Dialogue.objects.get().organiser == hood.connector


# --- signing up -------------------------------------------------------------------------------


def test_places_are_kept_and_the_last_one_goes_once(hood):
    dialogue = _dialogue(hood, capacity=2)
    services.dialogue_join(**_as(hood, "resident"), dialogue=dialogue)
    with refused("already"):
        services.dialogue_join(**_as(hood, "resident"), dialogue=dialogue)
    services.dialogue_join(**_as(hood, "connector"), dialogue=dialogue)
    with refused("full"):
        services.dialogue_join(**_as(hood, "professional"), dialogue=dialogue)
    dialogue.refresh_from_db()
    assert dialogue.joined == 2 and Participant.objects.count() == 2
    services.dialogue_leave(**_as(hood, "connector"), dialogue=dialogue)
    services.dialogue_join(**_as(hood, "professional"), dialogue=dialogue)
    dialogue.refresh_from_db()
    assert dialogue.joined == 2


def test_a_cancelled_dialogue_tells_who_signed_up_and_takes_nobody_more(hood):
    dialogue = _dialogue(hood)
    services.dialogue_join(**_as(hood, "connector"), dialogue=dialogue)
    with refused("not_organiser"):
        services.dialogue_cancel(**_as(hood, "connector"), dialogue=dialogue)
    services.dialogue_cancel(**_as(hood, "resident"), dialogue=dialogue)
    assert Notification.objects.filter(user=hood.connector, kind="dialogue").exists()
    with refused("cancelled"):
        services.dialogue_join(**_as(hood, "professional"), dialogue=dialogue)


# --- inviting ---------------------------------------------------------------------------------


def test_invited_people_hear_of_it_once_and_a_guided_resident_through_the_buurtwerker(hood):
    from buurtkracht.accounts import services as accounts

    henk = accounts.guided_account_register(**_as(hood, "professional"), display_name="Henk")
    from buurtkracht.people.models import ContactRoute, Profile

    Profile.objects.filter(user=henk).update(contact_route=ContactRoute.BUURTWERKER)
    dialogue = _dialogue(hood)
    ids = [hood.connector.pk, henk.pk, hood.outsider.pk]  # the outsider is no member
    assert services.dialogue_invite(**_as(hood, "resident"), dialogue=dialogue, user_ids=ids) == 2
    assert services.dialogue_invite(**_as(hood, "resident"), dialogue=dialogue, user_ids=ids) == 0
    assert Notification.objects.filter(user=hood.connector, kind="dialogue").count() == 1
    passed_on = Notification.objects.get(user=hood.professional, kind="dialogue")
    assert "Henk" in passed_on.title and "Henk" in passed_on.body
    assert not Notification.objects.filter(user=hood.outsider).exists()
    with refused("not_organiser"):
        services.dialogue_invite(**_as(hood, "connector"), dialogue=dialogue, user_ids=ids)


def test_the_whole_neighbourhood_is_invited_in_batches_once(
    hood, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.dialogues, "INVITE_BATCH", 2)
    for _ in range(5):
        f.make_member(hood.hood)
    dialogue = _dialogue(hood, organiser="facilitator")
    with refused("not_allowed"):
        services.dialogue_invite_everyone(**_as(hood, "resident"), dialogue=_dialogue(hood))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.dialogue_invite_everyone(**_as(hood, "facilitator"), dialogue=dialogue)
    members = hood.hood.memberships.count()
    assert Invited.objects.filter(dialogue=dialogue).count() == members
    assert Notification.objects.filter(kind="dialogue").count() >= members
    dialogue.refresh_from_db()
    assert not services.dialogue_invite_everyone(**_as(hood, "facilitator"), dialogue=dialogue)
    assert Invited.objects.filter(dialogue=dialogue).count() == members


# --- the harvest ------------------------------------------------------------------------------


def _harvest(world, dialogue, who="professional", **fields):
    return services.harvest_add(**_as(world, who), dialogue=dialogue, **fields)


def test_a_quote_needs_consent_and_a_name_needs_the_speakers_yes(hood, client_for):
    dialogue = _dialogue(hood)
    with refused("no_consent"):
        _harvest(hood, dialogue, kind="quote", text="Ik eet altijd alleen.")
    _harvest(hood, dialogue, kind="quote", text="Ik eet altijd alleen.", consent=True)
    named = _harvest(
        hood,
        dialogue,
        kind="quote",
        text="Soep van de buurvrouw.",
        consent=True,
        speaker=hood.connector,
    )
    page = client_for("resident").get(_url("detail", dialogue)).content.decode()
    assert "Ik eet altijd alleen." in page and "Soep van de buurvrouw." not in page
    asked = Notification.objects.get(user=hood.connector, kind="dialogue")
    assert asked.url == _url("quotes")
    with refused("not_yours"):
        services.quote_answer(actor=hood.resident, item=named, answer="named")
    speaker = client_for("connector")
    assert "Soep van de buurvrouw." in speaker.get(_url("quotes")).content.decode()
    speaker.post(_url("quotes"), {"item": named.pk, "answer": "named"})
    named.refresh_from_db()
    assert named.consent_method == "online" and named.consent_at is not None
    page = client_for("resident").get(_url("detail", dialogue)).content.decode()
    assert "Soep van de buurvrouw." in page and hood.connector.name in page


@pytest.mark.parametrize(("answer", "left"), [("anonymous", 1), ("no", 0)])
def test_the_speaker_may_go_without_a_name_or_take_it_back(hood, answer, left):
    dialogue = _dialogue(hood)
    item = _harvest(
        hood, dialogue, kind="quote", text="Mijn woorden.", consent=True, speaker=hood.connector
    )
    services.quote_answer(actor=hood.connector, item=item, answer=answer)
    assert HarvestItem.objects.count() == left
    if left:
        assert HarvestItem.objects.get().speaker is None
    shown = _harvest(
        hood, dialogue, kind="quote", text="Nog meer.", consent=True, speaker=hood.connector
    )
    services.quote_answer(actor=hood.connector, item=shown, answer="named")
    services.harvest_remove(**_as(hood, "connector"), item=shown)  # their own words
    assert not HarvestItem.objects.filter(pk=shown.pk).exists()


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"kind": "insight", "text": ""}, "required"),
        ({"kind": "insight", "text": "x" * 10_000}, "too_long"),
        ({"kind": "gossip", "text": "Iets"}, "invalid"),
        ({"kind": "dream", "text": "Iets", "step": "round_9"}, "invalid"),
    ],
)
def test_bad_harvest_is_refused_and_nothing_is_saved(hood, fields, code):
    dialogue = _dialogue(hood)
    with refused(code):
        _harvest(hood, dialogue, **fields)
    assert not HarvestItem.objects.exists()


def test_only_who_may_harvest_writes_it_and_html_stays_text(hood, client_for):
    dialogue = _dialogue(hood)
    with refused("not_harvester"):
        _harvest(hood, dialogue, who="connector", kind="insight", text="Iets")
    _harvest(hood, dialogue, kind="dream", text="<script>alert(1)</script> een tuin", step="dreams")
    page = client_for("resident").get(_url("detail", dialogue)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; een tuin" in page


# --- actions ----------------------------------------------------------------------------------


def test_a_resident_takes_an_action_up_as_their_own_initiative(hood, client_for):
    dialogue = _dialogue(hood)
    action = _harvest(hood, dialogue, kind="action", text="Om de week samen eten", step="do")
    pro = client_for("professional").post(
        _url("action_initiative", dialogue, item_id=action.pk),
        {"name": "Zondagdiner", "what_and_why": "Samen eten."},
    )
    assert pro.status_code == 200 and not Initiative.objects.exists()  # rule 3
    response = client_for("connector").post(
        _url("action_initiative", dialogue, item_id=action.pk),
        {"name": "Zondagdiner", "what_and_why": "Samen eten."},
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert Involvement.objects.get(initiative=initiative).user == hood.connector
    action.refresh_from_db()
    assert action.initiative == initiative
    with refused("taken"):
        services.action_to_initiative(
            **_as(hood, "resident"), item=action, name="Nog een", what_and_why="Dubbel"
        )
    assert Initiative.objects.count() == 1
    page = client_for("resident").get(_url("detail", dialogue)).content.decode()
    assert "Zondagdiner" in page


def test_an_owner_makes_an_action_a_task_of_their_initiative(hood):
    from buurtkracht.initiatives import services as initiatives

    dialogue = _dialogue(hood)
    action = _harvest(hood, dialogue, kind="action", text="Boodschappen doen", step="do")
    initiative = initiatives.initiative_create(
        **_as(hood, "resident"), neighbourhood=hood.hood, name="Zondagdiner", what_and_why="Eten"
    )
    with refused("not_owner"):
        services.action_to_task(**_as(hood, "connector"), item=action, initiative=initiative)
    task = services.action_to_task(**_as(hood, "resident"), item=action, initiative=initiative)
    action.refresh_from_db()
    assert action.task == task and task.title == "Boodschappen doen"
    insight = _harvest(hood, dialogue, kind="insight", text="Iets", step="meet")
    with refused("not_action"):
        services.action_to_task(**_as(hood, "resident"), item=insight, initiative=initiative)


# --- privacy ----------------------------------------------------------------------------------


def test_a_person_s_dialogues_are_exported_and_erased(hood):
    from buurtkracht.privacy.erasure import account_erase
    from buurtkracht.privacy.export import personal_data

    dialogue = _dialogue(hood)
    services.dialogue_join(**_as(hood, "connector"), dialogue=dialogue)
    quote = _harvest(
        hood, dialogue, kind="quote", text="Mijn woorden.", consent=True, speaker=hood.connector
    )
    services.quote_answer(actor=hood.connector, item=quote, answer="named")
    data = personal_data(hood.connector)["dialogue"]
    assert data["dialogues_joined"][0]["theme"] == "Samen eten"
    assert data["quotes"] == [
        {"dialogue": "Samen eten", "text": "Mijn woorden.", "with_your_name": True}
    ]
    account_erase(user=hood.connector, current=f.PASSWORD)
    dialogue.refresh_from_db()
    assert dialogue.joined == 0 and not HarvestItem.objects.exists()
