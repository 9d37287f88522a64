"""The social map in HSDS 3.1 (issue 19): the official examples imported and exported
again lose nothing; malformed files (missing ids, broken references, wrong types) are
refused with the path of each problem, and nothing is half-imported."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from buurtkracht.socialmap import hsds_io
from buurtkracht.socialmap.models import Location, Organization, Service, ServiceAtLocation
from buurtkracht.socialmap.services import hsds_import

from .helpers import refused

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parent / "data" / "hsds"


def _example(name):
    return (EXAMPLES / name).read_bytes()


def _import(data, **kw):
    return hsds_import(actor=None, municipality="Haarlem", data=data, **kw)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "model", "export"),
    [
        ("service_full.json", Service, hsds_io.service_full),
        ("organization_full.json", Organization, hsds_io.organization_full),
        ("service_at_location_full.json", ServiceAtLocation, hsds_io.service_at_location_full),
    ],
)
def test_the_official_examples_make_the_round_trip_losing_nothing(name, model, export):
    original = json.loads(_example(name))
    _import(_example(name))
    assert export(model.objects.get(hsds_id=original["id"])) == original


def test_the_rows_hold_what_the_pages_need():
    _import(_example("service_full.json"))
    service = Service.objects.get()
    assert service.organization.name and service.status == "active"
    place = ServiceAtLocation.objects.get().location
    assert place.latitude is not None and isinstance(place.latitude, float)
    assert Location.objects.filter(organization=service.organization).exists()


def test_importing_again_replaces_rather_than_doubles():
    _import(_example("service_full.json"))
    _import(_example("service_full.json"))
    assert Service.objects.count() == 1 and Organization.objects.count() == 1


def _broken(change) -> bytes:
    data = json.loads(_example("service_full.json"))
    change(data)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("id"), "service: “id” is missing."),
        (lambda d: d.update(name=42), "service.name: must be of type string."),
        (lambda d: d.update(status="open"), "service.status: “open” is not one of"),
        (lambda d: d.update(minimum_age="ten"), "service.minimum_age: must be of type number."),
        (
            lambda d: d["service_at_locations"][0]["location"].pop("location_type"),
            "service.service_at_locations[0].location: “location_type” is missing.",
        ),
        (
            lambda d: d["phones"][0].pop("number"),
            "service.phones[0]: “number” is missing.",
        ),
        (
            lambda d: d.update(organization_id="not-this-one"),
            "organization_id not-this-one is not the organization it is in",
        ),
        (
            lambda d: d["organization"]["locations"][0].update(name="Anders"),
            "appears twice, with different contents",
        ),
    ],
)
def test_a_malformed_file_says_where_and_imports_nothing(change, message):
    with refused("invalid") as caught:
        _import(_broken(change))
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert not Service.objects.exists() and not Organization.objects.exists()


def test_a_broken_reference_and_other_files_are_refused():
    lonely = json.loads(_example("service_at_location_full.json"))
    del lonely["location"]
    lonely["location_id"] = "nowhere"
    with refused("invalid") as caught:
        _import(json.dumps(lonely).encode())
    assert any("its location (nowhere) is not in the file" in m for m in caught.value.messages)
    with refused("invalid"):
        _import(b"{not json")
    with refused("invalid"):
        _import(b'{"hello": "world"}')


def test_a_page_of_the_api_imports_its_contents():
    listing = {"contents": [json.loads(_example("service_full.json"))], "total_items": 1}
    found = _import(json.dumps(listing).encode())
    assert found.counts()["service"] == 1


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def haarlem(world):
    from buurtkracht.demo.socialmap import hsds_organizations

    world.hood.municipality = "Haarlem"
    world.hood.modules = [*world.hood.modules, "social_map"]
    world.hood.save()
    _import(json.dumps(hsds_organizations()).encode())
    return world


def _where(client, question):
    from django.urls import reverse

    url = reverse("socialmap:where_to_go", kwargs={"slug": "lindenhof"})
    return client.get(url, {"vraag": question})


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("ik kan mijn huur niet betalen", {"Huurachterstand: op tijd hulp", "Geldspreekuur"}),
        ("hulp met DigiD op de computer", {"Digitaal Hulpplein"}),
        ("mijn fietsband is lek", {"Fietsenhulp"}),
    ],
)
def test_a_question_in_own_words_finds_the_services_that_fit(haarlem, client, question, expected):
    page = _where(client, question)
    names = [item.service.name for item in page.context["found"]][:3]
    assert expected & set(names), names


def test_the_page_shows_opening_hours_and_marks_what_nobody_checked(haarlem, client):
    from django.urls import reverse

    from buurtkracht.socialmap.selectors import is_stale

    html = _where(client, "").content.decode()
    assert "Nu open" in html or "Nu gesloten" in html
    stale = Service.objects.get(name="Ruimte huren")  # checked 20 months ago
    assert is_stale(stale)
    page = client.get(
        reverse("socialmap:service", kwargs={"slug": "lindenhof", "service_id": stale.pk})
    ).content.decode()
    assert "bel voordat je gaat" in page.lower()
    fresh = Service.objects.get(name="Geldspreekuur")  # checked a month ago
    assert not is_stale(fresh)


def test_without_the_module_the_pages_are_not_there(world, client):
    from django.urls import reverse

    url = reverse("socialmap:where_to_go", kwargs={"slug": "lindenhof"})
    assert client.get(url).status_code == 404


def test_a_service_of_another_municipality_is_not_shown(haarlem, client):
    from django.urls import reverse

    elsewhere = json.loads(_example("service_full.json"))
    hsds_import(actor=None, municipality="Zaanstad", data=json.dumps(elsewhere).encode())
    other = Service.objects.get(hsds_id=elsewhere["id"])
    url = reverse("socialmap:service", kwargs={"slug": "lindenhof", "service_id": other.pk})
    assert client.get(url).status_code == 404
    mine = Service.objects.get(name="Geldspreekuur")
    page = client.get(
        reverse("socialmap:service", kwargs={"slug": "lindenhof", "service_id": mine.pk})
    )
    assert page.status_code == 200 and "Schuldhulp Haarlem" in page.content.decode()


# --- opening hours ------------------------------------------------------------------------------


def test_opening_hours_in_words():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from buurtkracht.socialmap.opening import opening

    week = [{"byday": "TU,TH", "opens_at": "09:30", "closes_at": "12:00"}]
    amsterdam = ZoneInfo("Europe/Amsterdam")
    tuesday_ten = datetime(2026, 12, 8, 10, 0, tzinfo=amsterdam)
    assert opening(week, tuesday_ten).text == "Open now, until 12:00"
    tuesday_one = datetime(2026, 12, 8, 13, 0, tzinfo=amsterdam)
    assert opening(week, tuesday_one).text == "Closed now, opens Thursday at 09:30"
    monday_eight = datetime(2026, 12, 7, 8, 0, tzinfo=amsterdam)
    assert opening(week, monday_eight).text == "Closed now, opens tomorrow at 09:30"
    assert opening([{"description": "Op afspraak"}]).open_now is None


# --- the HSDS read API ----------------------------------------------------------------------------


def test_the_read_api_gives_hsds_shapes_and_pages(haarlem, client):
    from django.urls import reverse

    page = client.get(
        reverse("socialmap:api_services", kwargs={"slug": "lindenhof"}), {"per_page": 10}
    ).json()
    assert (page["total_items"], page["total_pages"], page["size"]) == (38, 4, 10)
    assert page["first_page"] and not page["last_page"] and not page["empty"]
    first = page["contents"][0]
    hsds_io.check(first, "service", "service", problems := [])
    assert problems == [] and first["organization"]["name"]
    one = client.get(
        reverse("socialmap:api_service", kwargs={"slug": "lindenhof", "hsds_id": first["id"]})
    ).json()
    assert one == first
    orgs = client.get(reverse("socialmap:api_organizations", kwargs={"slug": "lindenhof"})).json()
    assert orgs["total_items"] == 15 and orgs["contents"][0]["services"]
    assert (
        client.get(
            reverse("socialmap:api_service", kwargs={"slug": "lindenhof", "hsds_id": "nope"})
        ).status_code
        == 404
    )
    bad = client.get(reverse("socialmap:api_services", kwargs={"slug": "lindenhof"}), {"page": "x"})
    assert bad.status_code == 400


# --- residents suggest a correction ---------------------------------------------------------------


def test_a_resident_suggests_a_correction_and_a_professional_handles_it(haarlem, client_for):
    from django.urls import reverse

    from buurtkracht.notifications.models import Notification
    from buurtkracht.socialmap.models import Correction

    service = Service.objects.get(name="Geldspreekuur")
    kwargs = {"slug": "lindenhof", "service_id": service.pk}
    resident = client_for("resident")
    url = reverse("socialmap:correction_suggest", kwargs=kwargs)
    empty = resident.post(url, {"text": "  "})
    assert empty.status_code == 200 and not Correction.objects.exists()
    too_long = resident.post(url, {"text": "x" * 1001})
    assert too_long.status_code == 200 and not Correction.objects.exists()
    resident.post(url, {"text": "Het spreekuur is nu op woensdag."})
    correction = Correction.objects.get()
    assert correction.author == haarlem.resident
    told = set(
        Notification.objects.filter(kind="social_map_correction").values_list("user", flat=True)
    )
    assert told == {haarlem.professional.pk, haarlem.admin.pk}
    page = client_for("professional").get(reverse("socialmap:service", kwargs=kwargs))
    assert "Het spreekuur is nu op woensdag." in page.content.decode()
    assert (
        "Het spreekuur is nu op woensdag."
        not in resident.get(reverse("socialmap:service", kwargs=kwargs)).content.decode()
    )  # only those who handle it see suggestions
    client_for("professional").post(
        reverse("socialmap:correction_handled", kwargs={**kwargs, "correction_id": correction.pk})
    )
    correction.refresh_from_db()
    assert correction.handled_by == haarlem.professional and correction.handled_at


# --- the tabular data package --------------------------------------------------------------


def _package() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (EXAMPLES / "csv").glob("*.csv")}


def _rows(data: bytes, resource) -> dict[str, dict]:
    import csv
    import io

    from buurtkracht.socialmap.hsds_tabular import _typed, field_types

    types = field_types(resource)
    found = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))):
        found[row["id"]] = {
            k: _typed(v, types.get(k, "string")) for k, v in row.items() if v not in (None, "")
        }
    return found


def test_the_official_csv_package_makes_the_round_trip():
    from buurtkracht.socialmap.hsds_tabular import resources
    from buurtkracht.socialmap.selectors import tabular_export
    from buurtkracht.socialmap.services import hsds_import_tabular

    original = _package()
    hsds_import_tabular(actor=None, municipality="Haarlem", files=original)
    exported = tabular_export(municipality="Haarlem")
    kept = {r["path"]: r for r in resources() if r["path"] in original}
    missing = set(kept) - set(exported)
    # Descriptions of the tables themselves are not social-map data (decision 0055).
    assert missing == {"meta_table_descriptions.csv"}, missing
    for path in exported:
        assert _rows(exported[path], kept[path]) == _rows(original[path], kept[path]), path


def test_a_package_with_a_broken_reference_or_value_is_refused():
    from buurtkracht.socialmap.services import hsds_import_tabular

    files = _package()
    files["phones.csv"] = files["phones.csv"].replace(
        b"3a19ff88-4620-4d17-9830-ac1d859eb5d5", b"00000000-0000-0000-0000-000000000000", 1
    )
    with refused("invalid") as caught:
        hsds_import_tabular(actor=None, municipality="Haarlem", files=files)
    assert any("not in the package" in m for m in caught.value.messages)
    files = _package()
    files["locations.csv"] = files["locations.csv"].replace(b",100,101,", b",honderd,101,", 1)
    with refused("invalid") as caught:
        hsds_import_tabular(actor=None, municipality="Haarlem", files=files)
    assert any("locations.csv, line 2, column latitude" in m for m in caught.value.messages)
    assert not Service.objects.exists()


def test_the_published_package_is_refused_for_its_loose_references():
    """HSDS's own example names ids none of its tables hold (tests/data/hsds/csv/README.md):
    each is reported with its file, and nothing is imported."""
    from buurtkracht.socialmap.services import hsds_import_tabular

    published = {
        path.name: path.read_bytes() for path in (EXAMPLES / "csv_published").glob("*.csv")
    }
    with refused("invalid") as caught:
        hsds_import_tabular(actor=None, municipality="Haarlem", files=published)
    text = "\n".join(caught.value.messages)
    for dangling in (
        "985e4a42-bd9f-4edc-911d-0243a4640aca",
        "ae67a707-5893-4225-b0b1-320ab9cb596b",
        "93eaf18d-1cd2-4ec7-bffb-3c9172ee5070",
        "af69894e-7bed-11ef-a85c-07e0918a608c",
        "07ff6aee-a219-438c-b694-d2fcb6c5373b",
        "f75b808e-7bdb-11ef-afaa-ab00a77dc5c4",
        "187a37a2-7b40-11ef-9790-dbf7623d4407",
    ):
        assert dangling in text, dangling
    assert (
        "attributes.csv: attribute ae58cc39-8b70-4ab1-8aea-786882e5ac8e is linked to nothing"
        in text
    )
    assert not Service.objects.exists()


def test_the_commands_import_and_export_both_forms(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    call_command(
        "socialmap_import", str(EXAMPLES / "csv"), "--municipality", "Haarlem", stdout=StringIO()
    )
    call_command(
        "socialmap_export",
        str(tmp_path / "csv"),
        "--municipality",
        "Haarlem",
        "--format",
        "csv",
        stdout=StringIO(),
    )
    assert (tmp_path / "csv" / "services.csv").exists()
    call_command(
        "socialmap_export", str(tmp_path / "json"), "--municipality", "Haarlem", stdout=StringIO()
    )
    assert (tmp_path / "json" / "organizations.json").exists()
    Service.objects.all().delete()
    Organization.objects.all().delete()
    out = StringIO()
    call_command(
        "socialmap_import",
        str(tmp_path / "json" / "organizations.json"),
        "--municipality",
        "Haarlem",
        stdout=out,
    )
    assert json.loads(out.getvalue())["service"] == 1


def test_the_services_found_are_on_a_map_above_the_list(haarlem, client):
    page = _where(client, "geld")
    points = page.context["points"]
    assert points and all(p["url"].startswith("/lindenhof/sociale-kaart/") for p in points)
    html = page.content.decode()
    assert 'id="map-points"' in html and html.index('id="map"') < html.index('class="cards"')
