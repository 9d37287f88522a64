"""The shared Dutch vocabulary of gifts, resources and needs (buurtkracht/gifts/data/taxonomy.json).

Plain JSON checks: no database, no Django. Search and matching read this file, so its shape,
its keys and its synonyms must stay sound.
"""

import json
import re
from pathlib import Path

import pytest

TAXONOMY = (
    Path(__file__).resolve().parent.parent / "buurtkracht" / "gifts" / "data" / "taxonomy.json"
)

CATEGORIES = [
    ("klussen", "Klussen in huis"),
    ("tuin", "Tuin"),
    ("vervoer", "Vervoer"),
    ("boodschappen", "Boodschappen"),
    ("koken", "Koken en eten"),
    ("gezelschap", "Gezelschap"),
    ("digitaal", "Digitale hulp"),
    ("papierwerk", "Papierwerk en geldzaken"),
    ("taal", "Taal"),
    ("kinderen", "Kinderen en jongeren"),
    ("dieren", "Dieren"),
    ("zorg", "Zorg en welzijn"),
    ("creatief", "Creatief en cultuur"),
    ("sport", "Sport en bewegen"),
    ("organiseren", "Organiseren"),
    ("communicatie", "Communicatie"),
    ("techniek", "Techniek en energie"),
    ("ruimte", "Ruimte en spullen"),
    ("netwerk", "Netwerk"),
]
KINDS = {"head", "hands", "heart", "interest", "time", "knowledge", "network", "space", "thing"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Keys other code and tests rely on; a value pins the exact kinds.
REQUIRED = {
    "loodgieterswerk": None,
    "fiets-repareren": None,
    "ladder": ["thing"],
    "boormachine": ["thing"],
    "bakfiets": ["thing"],
    "auto-delen": ["thing"],
    "tuinieren": ["hands"],
    "moestuin": None,
    "kent-huismeester": ["network"],
    "boodschappen-doen": None,
    "computerhulp": None,
    "formulieren-invullen": None,
    "taalmaatje": None,
    "koken": None,
    "gezelschap": None,
    "hond-uitlaten": None,
    "vervoer-ziekenhuis": None,
    "zaal": ["space"],
    "tuin-delen": ["space"],
    "garage": ["space"],
}


@pytest.fixture(scope="module")
def raw():
    return TAXONOMY.read_bytes()


@pytest.fixture(scope="module")
def data(raw):
    return json.loads(raw.decode("utf-8"))


@pytest.fixture(scope="module")
def items(data):
    return [item for category in data["categories"] for item in category["items"]]


@pytest.fixture(scope="module")
def by_key(items):
    return {item["key"]: item for item in items}


def test_file_is_utf8_json_ending_with_newline(raw):
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    assert text.endswith("\n")
    json.loads(text)


def test_top_level_shape(data):
    assert set(data) == {"version", "categories"}
    assert data["version"] == 1


def test_categories_in_order_with_dutch_names(data):
    assert [(c["key"], c["nl"]) for c in data["categories"]] == CATEGORIES
    for category in data["categories"]:
        assert set(category) == {"key", "nl", "en", "items"}
        assert category["en"].strip()


def test_enough_items(data, items):
    assert len(items) >= 250
    for category in data["categories"]:
        assert len(category["items"]) >= 8, category["key"]
    counts = {c["key"]: len(c["items"]) for c in data["categories"]}
    assert counts["ruimte"] >= 15
    assert counts["netwerk"] >= 15


def test_item_keys_unique_and_slug_shaped(items):
    keys = [item["key"] for item in items]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    bad = [key for key in keys if not SLUG.match(key)]
    assert not bad


def test_item_fields(items):
    for item in items:
        assert set(item) == {"key", "nl", "en", "kinds", "synonyms"}, item["key"]
        assert item["nl"].strip() and item["nl"] == item["nl"].strip(), item["key"]
        assert item["nl"][0] == item["nl"][0].upper(), item["key"]
        assert item["en"].strip(), item["key"]
        # The database keeps keys and labels in 80-character fields.
        assert max(len(item["key"]), len(item["nl"]), len(item["en"])) <= 80, item["key"]


def test_kinds_valid_and_non_empty(items):
    for item in items:
        kinds = item["kinds"]
        assert kinds, item["key"]
        assert set(kinds) <= KINDS, (item["key"], kinds)
        assert len(kinds) == len(set(kinds)), item["key"]


def test_synonyms(items):
    for item in items:
        synonyms = item["synonyms"]
        assert 3 <= len(synonyms) <= 10, (item["key"], len(synonyms))
        assert len(synonyms) == len(set(synonyms)), item["key"]
        for synonym in synonyms:
            assert synonym.strip() and synonym == synonym.strip(), (item["key"], synonym)
            assert synonym == synonym.lower(), (item["key"], synonym)
            assert synonym != item["nl"].lower(), (item["key"], synonym)


def test_required_keys(by_key):
    missing = sorted(set(REQUIRED) - set(by_key))
    assert not missing
    for key, kinds in REQUIRED.items():
        if kinds is not None:
            assert by_key[key]["kinds"] == kinds, key


def test_required_details(by_key):
    assert {"lekkende kraan", "leertje vervangen", "kraan lekt"} <= set(
        by_key["loodgieterswerk"]["synonyms"]
    )
    bike = by_key["fiets-repareren"]
    assert bike["nl"] == "Fiets repareren"
    assert {"fietsenmaker", "band plakken", "lekke band"} <= set(bike["synonyms"])
    assert by_key["kent-huismeester"]["nl"] == "Ik ken de huismeester"
