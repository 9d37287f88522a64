"""Wijkinformatie (issue 19): CBS Kerncijfers imported for any year (matched by the name
without the year's suffix), bad files refused with their line and column and nothing
half-imported, the neighbourhood page showing its figures next to the municipality's with
"Bron: CBS" and an SVG chart; PDOK's Locatieserver from recorded responses."""

import json
import urllib.error
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from buurtkracht.wijkinfo import kerncijfers, pdok
from buurtkracht.wijkinfo.models import CbsFigure, CbsTable
from buurtkracht.wijkinfo.selectors import neighbourhood_figures, regions_of
from buurtkracht.wijkinfo.services import kerncijfers_import

from .helpers import refused

DATA = Path(__file__).resolve().parents[1] / "buurtkracht" / "wijkinfo" / "data"
METADATA = (DATA / "85984NED_DataProperties.json").read_bytes()
HAARLEM = (DATA / "85984NED_Haarlem_GM_WK_stripped_2024.json").read_bytes()
RECORDED = Path(__file__).resolve().parent / "data" / "pdok"


@pytest.fixture
def english():
    """The messages as written (the Dutch catalogue is checked on its own)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def _import(data=HAARLEM, filename="haarlem.json", **kw):
    return kerncijfers_import(
        actor=None, table_id="85984NED", metadata=METADATA, data=data, filename=filename, **kw
    )


# --- import ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_haarlem_extract_imports_with_its_units_and_year():
    table, plan = _import()
    assert (table.year, len(plan.regions)) == (2024, 22)  # Haarlem and its 21 wijken
    people = CbsFigure.objects.get(measure__base="AantalInwoners", region="GM0392")
    assert people.value == 167636
    assert people.measure.key == "AantalInwoners_5" and people.measure.title == "Aantal inwoners"
    density = CbsFigure.objects.get(measure__base="Bevolkingsdichtheid", region="WK039201")
    assert density.measure.unit == "aantal inwoners per km²"


@pytest.mark.django_db
def test_another_years_suffixes_are_matched_by_name():
    """The same figures with 2019's numbering (AantalInwoners_6 …): found by base name."""
    other_year = {
        region: {
            f"{kerncijfers.base_name(k)}_{int(k.rsplit('_', 1)[1]) + 1}": v for k, v in row.items()
        }
        for region, row in json.loads(HAARLEM).items()
    }
    _table, plan = _import(json.dumps(other_year).encode())
    assert plan.renamed["AantalInwoners_6"] == "AantalInwoners_5"
    assert CbsFigure.objects.get(measure__base="AantalInwoners", region="GM0392").value == 167636


@pytest.mark.django_db
def test_the_csv_form_with_padded_codes_and_not_available_values():
    csv = (
        b'"ID";"WijkenEnBuurten";"Gemeentenaam_1";"AantalInwoners_5";"Mannen_6";"Vrouwen_7"\n'
        b'"0";"GM0392    ";"Haarlem   ";"  167636";"   82251";"       ."\n'
        b'"1";"WK039207  ";"Haarlem   ";"    9035";"-99995";"    4600"\n'
    )
    _table, plan = _import(csv, "kerncijfers.csv")
    assert plan.regions == ["GM0392", "WK039207"]
    values = {
        (f.measure.base, f.region): f.value for f in CbsFigure.objects.select_related("measure")
    }
    assert values[("Vrouwen", "GM0392")] is None  # "." : not available
    assert values[("Mannen", "WK039207")] is None  # -99995
    assert values[("AantalInwoners", "WK039207")] == 9035


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b'{"GM0392": {"Onbekend_999": 1}}', "x.json", "Column Onbekend_999 (first in GM0392)"),
        (b'[{"AantalInwoners_5": 5}]', "x.json", "row 1: there is no column with the region code"),
        (b'{"XX12": {"AantalInwoners_5": 5}}', "x.json", "“XX12” is not a CBS code"),
        (b'{"GM0392": {"AantalInwoners_5": "veel"}}', "x.json", "“veel” is not a number"),
        (b"not json at all", "x.json", "cannot be read"),
        (
            b'"WijkenEnBuurten";"AantalInwoners_5"\n"GM0392";"1"\n"GM0392";"2"\n',
            "x.csv",
            "line 3: region GM0392 is in the file twice",
        ),
    ],
)
def test_a_bad_file_says_where_and_imports_nothing(data, filename, message, english):
    _import()  # an earlier import stays as it was
    before = CbsFigure.objects.count()
    with refused("invalid") as caught:
        _import(data, filename)
    assert any(message in text for text in caught.value.messages), caught.value.messages
    assert CbsFigure.objects.count() == before


@pytest.mark.django_db
def test_a_bad_table_id_or_metadata_is_refused():
    with refused("table_id"):
        kerncijfers_import(
            actor=None, table_id="85984 NED!", metadata=METADATA, data=HAARLEM, filename="x.json"
        )
    with refused("invalid"):
        kerncijfers_import(
            actor=None, table_id="85984NED", metadata=b"[]", data=HAARLEM, filename="x.json"
        )
    assert not CbsTable.objects.exists()


@pytest.mark.django_db
def test_the_command_checks_first_with_a_dry_run(tmp_path):
    from io import StringIO

    data = tmp_path / "haarlem.json"
    data.write_bytes(HAARLEM)
    out = StringIO()
    call_command(
        "cbs_import",
        str(DATA / "85984NED_DataProperties.json"),
        str(data),
        "--table",
        "85984NED",
        "--dry-run",
        stdout=out,
    )
    assert "22 regio's" in out.getvalue() and not CbsFigure.objects.exists()
    call_command(
        "cbs_import",
        str(DATA / "85984NED_DataProperties.json"),
        str(data),
        "--table",
        "85984NED",
        stdout=StringIO(),
    )
    assert CbsFigure.objects.filter(region="GM0392").exists()


# --- the neighbourhood page --------------------------------------------------------------------


def test_codes_of_a_buurt():
    assert regions_of("BU03920712") == ("BU03920712", "WK039207", "GM0392")
    assert regions_of("WK039207") == ("", "WK039207", "GM0392")
    assert regions_of("") == ("", "", "")


@pytest.mark.django_db
def test_the_neighbourhood_page_shows_its_wijk_next_to_the_municipality(world, client):
    _import()
    world.hood.cbs_code = "BU03920712"
    world.hood.municipality = "Haarlem"
    world.hood.save()
    found = neighbourhood_figures(world.hood)
    assert (found.level, found.region, found.year) == ("wijk", "WK039207", 2024)
    html = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content.decode()
    section = html.split('aria-labelledby="figures-h"', 1)[1].split("</section>", 1)[0]
    assert "Bron: CBS" in section and "CC BY 4.0" in section
    assert "167.636" in section  # Haarlem's inhabitants, Dutch thousands separator
    assert "<svg" in section and "<table" in section  # a chart and its data beside it
    assert "Mannen" in section and "%" in section
    svg = section.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "," not in svg.split(">", 1)[0] and not any(
        "," in attr
        for attr in svg.split('"')[1::2]
        if attr.replace(",", "").replace(".", "").isdigit()
    )  # SVG numbers are never localised


@pytest.mark.django_db
def test_without_a_cbs_code_or_figures_nothing_is_shown(world, client):
    html = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content.decode()
    assert "figures-h" not in html


# --- PDOK Locatieserver, from recorded responses ------------------------------------------------


def _recorded(name):
    body = (RECORDED / name).read_bytes()

    def opener(url):
        opener.url = url
        return body

    return opener


def test_a_postcode_and_house_number_give_the_buurt():
    opener = _recorded("free_q-postcode-1118CP-and-housenumber-202_rows1_v3.json")
    found = pdok.find_buurt("1118 cp", housenumber="202", opener=opener)
    assert (found.buurtcode, found.wijkcode, found.gemeentecode) == (
        "BU03941663",
        "WK039416",
        "GM0394",
    )
    assert found.latitude and 52 < found.latitude < 53
    assert "postcode%3A1118CP+and+huisnummer%3A202" in opener.url


def test_no_results_and_errors_get_a_clear_message(english):
    with pytest.raises(pdok.NotFound):
        pdok.find_buurt("9999 ZZ", opener=_recorded("free_no-results_v3.json"))

    def error_400(url):
        raise urllib.error.HTTPError(url, 400, "Bad Request", {}, None)

    def unreachable(url):
        raise urllib.error.URLError("no network")

    def garbage(url):
        return b"<html>Service Unavailable</html>"

    for opener in (error_400, unreachable, garbage):
        with pytest.raises(pdok.Unreachable) as caught:
            pdok.find_buurt("2031 AB", opener=opener)
        assert "Try again later" in str(caught.value) or "cannot read" in str(caught.value)
    with pytest.raises(pdok.NotFound):
        pdok.find_buurt("   ", opener=unreachable)


# --- the administrator finds the buurt code ---------------------------------------------


@pytest.mark.django_db
def test_the_administrator_finds_and_uses_the_buurt_code(world, client_for, monkeypatch):
    body = (RECORDED / "free_q-postcode-1118CP-and-housenumber-202_rows1_v3.json").read_bytes()
    monkeypatch.setattr(pdok, "_open", lambda url: body)
    admin = client_for("admin")
    url = reverse("wijkinfo:find_buurt", kwargs={"slug": "lindenhof"})
    page = admin.post(url, {"address": "1118 CP", "housenumber": "202"})
    assert "BU03941663" in page.content.decode()
    world.hood.refresh_from_db()
    assert world.hood.cbs_code != "BU03941663"  # looking up saves nothing
    admin.post(
        reverse("wijkinfo:use_buurt", kwargs={"slug": "lindenhof"}), {"buurtcode": "BU03941663"}
    )
    world.hood.refresh_from_db()
    assert world.hood.cbs_code == "BU03941663"


@pytest.mark.django_db
def test_pdok_unreachable_is_a_message_on_the_form(world, client_for, monkeypatch):
    def unreachable(url):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(pdok, "_open", unreachable)
    page = client_for("admin").post(
        reverse("wijkinfo:find_buurt", kwargs={"slug": "lindenhof"}), {"address": "2031 AB"}
    )
    assert page.status_code == 200
    assert "error-summary" in page.content.decode()


# --- "Wie is er (nog) niet bij?" ---------------------------------------------------------------

KAART_META = (DATA / "wijkenbuurtenkaart_2024_DataProperties.json").read_bytes()
KAART = (DATA / "wijkenbuurtenkaart_2024_Haarlem_leeftijd.csv").read_bytes()


def _ages(world, groups: dict[str, int]):
    from buurtkracht.people.models import Profile
    from tests import factories as f

    for group, count in groups.items():
        for _ in range(count):
            person = f.make_member(world.hood)
            Profile.objects.filter(user=person).update(age_group=group)


@pytest.mark.django_db
def test_members_by_age_next_to_the_population_never_below_five(world, client_for):
    from buurtkracht.wijkinfo.selectors import not_yet_here

    kerncijfers_import(
        actor=None, table_id="WBK2024", metadata=KAART_META, data=KAART, filename="kaart.csv"
    )
    world.hood.cbs_code = "BU03920712"  # wijk WK039207
    world.hood.save()
    _ages(world, {"15-24": 2, "25-44": 6, "45-64": 9, "65+": 12})
    found = not_yet_here(world.hood)
    by_group = {row.group: row for row in found.rows}
    assert by_group["15-24"].members is None  # 2: fewer than 5
    # Only one cell below 5: the next smallest is hidden too, or the total would give it.
    assert by_group["25-44"].members is None
    assert (by_group["45-64"].members, by_group["65+"].members) == (9, 12)
    assert found.said == 29 and found.level == "wijk" and found.year == 2024
    assert sum(row.share_population for row in found.rows) == pytest.approx(1.0)
    html = (
        client_for("connector")
        .get(reverse("wijkinfo:not_yet_here", kwargs={"slug": "lindenhof"}))
        .content.decode()
    )
    assert html.count('<td class="number">minder dan 5</td>') == 2 and ">12<" in html
    assert "CBS, 2024" in html


@pytest.mark.django_db
def test_no_hidden_count_can_be_worked_out_from_the_total(world):
    """A differencing check: whichever cells are hidden, total minus the shown cells never
    leaves exactly one hidden cell."""
    import itertools

    from buurtkracht.wijkinfo.selectors import _suppressed

    for counts in itertools.product([0, 1, 4, 5, 9], repeat=4):
        cells = dict(zip(["15-24", "25-44", "45-64", "65+"], counts, strict=True))
        shown = _suppressed(cells)
        hidden = [g for g, n in shown.items() if n is None]  # "minder dan 5", also for 0
        assert len(hidden) != 1, (cells, shown)
        assert all(n is None or n >= 5 for n in shown.values())
