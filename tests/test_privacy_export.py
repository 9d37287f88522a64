"""Everything kept about a person, in one dict (issue 16, rule 14: inzage): every field
pointing to a person is in it or left out on purpose, and nothing private of anyone else."""

import json

import pytest

from buurtkracht.core.choices import Visibility
from buurtkracht.privacy.export import EXPORTED, NOT_EXPORTED, personal_data

from . import privacy_world
from .privacy_world import user_fields

pytestmark = pytest.mark.django_db
busy = privacy_world.busy  # the shared fixture


def test_every_field_pointing_to_a_person_is_exported_or_left_out_on_purpose():
    fields = user_fields()
    assert fields - EXPORTED - set(NOT_EXPORTED) == set(), "add it to the export or its list"
    assert EXPORTED & set(NOT_EXPORTED) == set()
    assert (EXPORTED | set(NOT_EXPORTED)) - fields == set(), "a field that no longer exists"


def test_the_export_has_every_section_with_her_own_data(busy):
    data = personal_data(busy.resident)
    assert data["accounts"]["account"]["login_name"] == busy.resident.username
    assert data["people"]["profile"]["postcode"] == "2031AB"
    assert data["people"]["profile"]["who_may_see_postcode"] == str(Visibility.PRIVATE.label)
    assert [c["person"] for c in data["people"]["contacts"]] == ["Karim"]
    assert data["people"]["consents"][0]["withdrawn"] is None
    assert data["people"]["access_log"][0]["who"] == "Petra"
    assert data["neighbourhoods"]["memberships"][0]["neighbourhood"] == "Lindenhof"
    assert {g["what"] for g in data["gifts"]["gifts"]} >= {"Taarten bakken"}
    assert data["gifts"]["wishes"][0]["what"] == "Nederlands leren"
    assert data["gifts"]["resources"][0]["what"] == "Ladder"
    assert {p["text"] for p in data["exchange"]["posts"]} == {
        "Mijn fietsband is lek",
        "Ik kan koken",
    }
    assert data["exchange"]["exchanges"][0]["with"] == "Karim"
    assert [m["text"] for m in data["exchange"]["messages"]] == ["Ik woon op nummer 12"]
    account = data["timebank"]["accounts"][0]
    assert account["balance_minutes"] == 60 - 45
    assert sorted(e["minutes"] for e in account["entries"]) == [-45, 60]
    assert data["initiatives"]["involvements"][0]["initiative"] == "Moestuin"
    assert data["initiatives"]["sign_ups"][0]["activity"] == "Wieden"
    assert data["network"]["acquaintances"][0]["you_said_it"] is True
    assert data["notifications"]["notifications"][0]["title"] == "Dank je wel"
    assert "initiative.created" in {a["what"] for a in data["core"]["actions"]}
    text = json.dumps(data, ensure_ascii=False)
    for secret in ("pbkdf2", "md5$", busy.resident.password):
        assert secret not in text


def test_the_export_holds_nothing_private_of_anyone_else(busy):
    text = json.dumps(personal_data(busy.resident), ensure_ascii=False)
    assert "2032CD" not in text
    assert "Karims geheime notitie" not in text
    assert "Karims eigen wens" not in text
    assert "Ik kom om drie uur" not in text  # only the messages she wrote
    # Vera keeps her name to herself: she invited Sanne and is known by her, but unnamed.
    assert "Verborgen Vera" not in text
    data = personal_data(busy.resident)
    assert data["exchange"]["invitations_received"][0]["from"] == "een buur"
    assert data["network"]["acquaintances"][0]["person"] == "een buur"
