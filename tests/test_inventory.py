"""Importing and exporting a neighbourhood's inventory (places and what they share).

Messages are compared through gettext of the same msgid, so these tests hold in Dutch as
soon as the catalogue has the translations, and in English before.
"""

import codecs
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from buurtkracht.core.choices import Visibility
from buurtkracht.core.models import ActionLog
from buurtkracht.gifts.models import Resource, ResourceKind, TaxonomyItem
from buurtkracht.inventory import selectors, services
from buurtkracht.inventory.columns import COLUMN_KEYS, guess_mapping
from buurtkracht.inventory.models import ImportJob
from buurtkracht.inventory.spreadsheet import write_csv, write_xlsx
from buurtkracht.places.models import Place, PlaceKind

HEADER = list(COLUMN_KEYS)


def row(**values) -> list[str]:
    return [str(values.get(key, "")) for key in HEADER]


def place_row(name="Buurthuis De Linde", **values):
    return row(soort_rij="plek", naam=name, type=values.pop("type", "buurthuis"), **values)


def thing_row(place="Buurthuis De Linde", text="Partytent", **values):
    return row(
        soort_rij="middel", naam=place, type=values.pop("type", "spullen"), middel=text, **values
    )


def csv_bytes(rows, *, header=None, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    lines = [header or HEADER, *rows]
    text = "\r\n".join(delimiter.join(_quote(c, delimiter) for c in line) for line in lines)
    data = (text + "\r\n").encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


def _quote(cell: str, delimiter: str) -> str:
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def xlsx_bytes(rows, *, header=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(world, data, filename="inventaris.csv", actor=None):
    return services.import_job_create(
        actor=actor or world.professional, neighbourhood=world.hood, filename=filename, data=data
    )


def run_import(world, data, filename="inventaris.csv"):
    job = upload(world, data, filename)
    return services.inventory_import(actor=world.professional, job=job)


def errors_of(preview) -> dict[int, list[str]]:
    return {r.number: r.errors for r in preview.rows if r.errors}


def snapshot(hood):
    """Everything the import can change, to compare before and after."""
    places = list(
        Place.objects.filter(neighbourhood=hood)
        .order_by("pk")
        .values_list(
            "pk",
            "name",
            "kind",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "offers",
            "opening_hours",
            "phone",
            "email",
            "website",
        )
    )
    links = sorted(
        Place.items.through.objects.filter(place__neighbourhood=hood).values_list(
            "place_id", "taxonomyitem_id"
        )
    )
    resources = list(
        Resource.objects.filter(place__neighbourhood=hood)
        .order_by("pk")
        .values_list(
            "pk",
            "place_id",
            "kind",
            "text",
            "item_id",
            "description",
            "lendable",
            "lending_rules",
            "max_days",
        )
    )
    return places, links, resources


def item(key):
    return TaxonomyItem.objects.get(key=key)


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


# --- reading files ------------------------------------------------------------------------


def test_it_reads_utf8_csv_with_semicolons(world):
    job = upload(world, csv_bytes([place_row(), thing_row()]))
    assert (job.encoding, job.delimiter, job.file_format) == ("utf-8", ";", "csv")
    assert job.row_count == 2
    assert job.headers == HEADER
    assert job.mapping == {key: i for i, key in enumerate(HEADER)}


def test_it_reads_utf8_with_bom_and_commas(world):
    data = csv_bytes([place_row(aanbod="Koffie, soep en een praatje")], delimiter=",", bom=True)
    job = upload(world, data)
    assert (job.encoding, job.delimiter) == ("utf-8-sig", ",")
    assert job.headers[0] == "soort_rij"  # the BOM is not part of the first header
    preview = services.inventory_preview(job=job)
    assert preview.can_import
    services.inventory_import(actor=world.professional, job=job)
    assert Place.objects.get(neighbourhood=world.hood).offers == "Koffie, soep en een praatje"


def test_it_falls_back_to_windows_1252(world):
    data = csv_bytes(
        [place_row("Café de Pélikaan", type="winkel", aanbod="Koffie à € 1")], encoding="cp1252"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    job = upload(world, data)
    assert job.encoding == "cp1252"
    services.inventory_import(actor=world.professional, job=job)
    place = Place.objects.get(neighbourhood=world.hood)
    assert (place.name, place.offers) == ("Café de Pélikaan", "Koffie à € 1")


def test_it_shows_which_encoding_was_used(world, client_for):
    job = upload(world, csv_bytes([place_row("Café de Pélikaan")], encoding="cp1252"))
    response = client_for("professional").get(
        reverse("inventory:mapping", kwargs={"slug": "lindenhof", "job_id": job.pk})
    )
    html = response.content.decode()
    assert gettext("Windows-1252 (older Excel)") in html
    assert gettext("semicolon (;)") in html


def test_it_reads_unicode_text_from_excel(world):
    data = "\r\n".join("\t".join(r) for r in [HEADER, place_row("Moskee Al Fath", type="moskee")])
    job = upload(world, data.encode("utf-16"), filename="inventaris.txt")
    assert (job.encoding, job.delimiter) == ("utf-16", "\t")
    services.inventory_import(actor=world.professional, job=job)
    assert Place.objects.get(neighbourhood=world.hood).kind == PlaceKind.MOSQUE


def test_it_reads_xlsx(world):
    data = xlsx_bytes(
        [
            ["plek", "Buurthuis De Linde", "buurthuis", "Lindelaan 1", "2031 ab", 52.38123, 4.63]
            + [""] * 5
            + ["koken"],
            ["middel", "Buurthuis De Linde", "spullen", None, None, None, None, "Groot, wit"]
            + [None] * 5
            + ["Partytent", True, "Schoon terugbrengen", 3],
        ]
    )
    job = upload(world, data, filename="Inventaris.xlsx")
    assert (job.file_format, job.encoding, job.row_count) == ("xlsx", "", 2)
    counts = services.inventory_import(actor=world.professional, job=job)
    assert (counts.places_new, counts.resources_new) == (1, 1)
    place = Place.objects.get(neighbourhood=world.hood)
    assert place.postcode == "2031AB"
    assert (place.latitude, place.longitude) == (Decimal("52.38123"), Decimal("4.63000"))
    assert list(place.items.values_list("key", flat=True)) == ["koken"]
    tent = place.resources.get()
    assert (tent.text, tent.description, tent.lendable, tent.max_days) == (
        "Partytent",
        "Groot, wit",
        True,
        3,
    )
    assert tent.lending_rules == "Schoon terugbrengen"


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("leeg.csv", b"", "empty"),
        ("leeg.csv", b"\r\n \r\n", "empty"),
        ("kop.csv", b"naam;type\r\n", "no_rows"),
        ("kapot.xlsx", b"PK\x03\x04 dit is geen werkboek", "unreadable"),
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_excel"),
        ("foto.pdf", b"%PDF-1.4", "format"),
        ("binair.csv", b"naam;type\r\n\x00\x01\x02;x\r\n", "unreadable"),
    ],
)
def test_it_refuses_files_it_cannot_use(world, filename, data, code):
    with pytest.raises(ValidationError) as refused:
        upload(world, data, filename)
    assert refused.value.code == code
    assert not ImportJob.objects.exists()


def test_it_refuses_a_file_over_5_mb(world):
    with pytest.raises(ValidationError) as refused:
        upload(world, b"naam;type\r\n" + b"x;y\r\n" * (1024 * 1024))
    assert refused.value.code == "too_big"


def test_it_refuses_a_small_file_with_too_much_text(world, monkeypatch):
    from buurtkracht.inventory import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_TEXT", 1000)
    data = xlsx_bytes([place_row(aanbod="x" * 600), place_row("B", aanbod="y" * 600)])
    with pytest.raises(ValidationError) as refused:
        upload(world, data, "veel.xlsx")
    assert refused.value.code == "too_big"


def test_it_refuses_more_than_10000_rows(world):
    data = csv_bytes([place_row(f"Plek {i}") for i in range(10_001)])
    with pytest.raises(ValidationError) as refused:
        upload(world, data)
    message = refused.value.messages[0]
    assert message == gettext(
        "Your file has %(count)s rows. Import at most %(max)s rows at a time; split the file."
    ) % {"count": "10.001", "max": "10.000"}
    assert not ImportJob.objects.exists()


def test_it_accepts_exactly_10000_rows(world):
    job = upload(world, csv_bytes([place_row(f"Plek {i}") for i in range(10_000)]))
    assert job.row_count == 10_000


def test_it_skips_empty_rows_and_numbers_rows_as_in_the_file(world):
    data = csv_bytes([place_row("A"), [""] * len(HEADER), place_row("")])
    preview = services.inventory_preview(job=upload(world, data))
    assert [r.number for r in preview.rows] == [2, 4]
    assert list(errors_of(preview)) == [4]


def test_starting_an_import_removes_jobs_older_than_a_day(world):
    old = upload(world, csv_bytes([place_row()]))
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    recent = upload(world, csv_bytes([place_row()]))
    upload(world, csv_bytes([place_row()]))
    assert set(ImportJob.objects.values_list("pk", flat=True)) >= {recent.pk}
    assert not ImportJob.objects.filter(pk=old.pk).exists()


# --- mapping columns ----------------------------------------------------------------------


def test_it_matches_odd_headers():
    headers = [
        " NAAM ",
        "Soort",
        "Straat",
        "Post code",
        "Lat",
        "Longitude",
        "Omschrijving",
        "Openingstijden ",
        "Tel",
        "E-mailadres",
        "Website",
        "Trefwoorden",
        "Max. dagen",
        "Uitlenen?",
        "Opmerking",
    ]
    assert guess_mapping(headers) == {
        "naam": 0,
        "type": 1,
        "adres": 2,
        "postcode": 3,
        "breedtegraad": 4,
        "lengtegraad": 5,
        "aanbod": 6,
        "openingstijden": 7,
        "telefoon": 8,
        "email": 9,
        "website": 10,
        "woorden": 11,
        "max_dagen": 12,
        "uitlenen": 13,
    }


def test_a_file_with_other_headers_imports_after_mapping(world):
    header = ["Wat", "Plaats", "Categorie"]
    data = csv_bytes([["Koffie", "De Linde", "buurthuis"]], header=header)
    job = upload(world, data)
    assert job.mapping == {"aanbod": 0, "naam": 1, "type": 2}
    job = services.import_job_map(
        actor=world.professional, job=job, mapping={"naam": 1, "type": 2, "openingstijden": 0}
    )
    services.inventory_import(actor=world.professional, job=job)
    assert Place.objects.get(neighbourhood=world.hood).opening_hours == "Koffie"


def test_mapping_needs_the_required_columns(world):
    job = upload(world, csv_bytes([["De Linde", "x"]], header=["Naam", "Iets"]))
    with pytest.raises(ValidationError) as refused:
        services.import_job_map(actor=world.professional, job=job, mapping={"naam": 0})
    assert set(refused.value.error_dict) == {"type"}
    assert refused.value.error_dict["type"][0].code == "column_missing"
    with pytest.raises(ValidationError) as refused:
        services.inventory_import(actor=world.professional, job=job)
    assert refused.value.code == "mapping"


def test_mapping_takes_a_column_once(world):
    job = upload(world, csv_bytes([["De Linde", "buurthuis"]], header=["Naam", "Type"]))
    with pytest.raises(ValidationError) as refused:
        services.import_job_map(
            actor=world.professional, job=job, mapping={"naam": 0, "type": 1, "aanbod": 0}
        )
    assert set(refused.value.error_dict) == {"aanbod"}
    assert refused.value.error_dict["aanbod"][0].code == "column_taken"


# --- checking rows --------------------------------------------------------------------------


def test_the_preview_shows_every_problem_per_row_and_writes_nothing(world):
    Place.objects.create(neighbourhood=world.hood, name="Bibliotheek", kind=PlaceKind.LIBRARY)
    before = snapshot(world.hood)
    rows = [
        place_row("Buurthuis De Linde"),  # 2: fine
        place_row(""),  # 3
        place_row("x" * 121),  # 4
        place_row("Speeltuin", postcode="12345"),  # 5
        place_row("Moestuin", breedtegraad="noord", lengtegraad="4,6"),  # 6
        place_row("Kerk", type="kasteel"),  # 7
        place_row("Sportclub", type="sportclub", woorden="koken; vliegvissen"),  # 8
        thing_row("Het Onbekende Huis"),  # 9
        place_row("Buurthuis De Linde"),  # 10: twice in the file
        place_row("Winkel", type="winkel", email="geen-adres", website="niet een site"),  # 11
        thing_row(uitlenen="misschien", max_dagen="veel"),  # 12
        place_row("Zorg", type="zorg", breedtegraad="95", lengtegraad="4"),  # 13
        place_row("Verre plek", breedtegraad="52,1"),  # 14
        row(soort_rij="gebouw", naam="X", type="buurthuis"),  # 15
        thing_row(text="y" * 121),  # 16
        thing_row(place="Bibliotheek", text="Beamer"),  # 17: fine, place in the database
        thing_row(place="Bibliotheek", text="beamer"),  # 18: the same thing again
        thing_row(type="auto"),  # 19
    ]
    preview = services.inventory_preview(job=upload(world, csv_bytes(rows)))
    errors = errors_of(preview)
    assert set(errors) == set(range(3, 17)) - {2} | {18, 19}
    assert errors[3] == [gettext("The column naam is empty. Write the name of the place.")]
    assert errors[4] == [
        gettext(
            "The text in column %(column)s is too long: %(length)s characters. "
            "At most %(max)s are allowed."
        )
        % {"column": "naam", "length": 121, "max": 120}
    ]
    assert "12345" in errors[5][0]
    assert '"noord"' in errors[6][0]
    assert '"kasteel"' in errors[7][0]
    assert errors[8] == [
        gettext(
            'The word "%(word)s" is not known. Use a word from the list of words, or leave it out.'
        )
        % {"word": "vliegvissen"}
    ]
    assert '"Het Onbekende Huis"' in errors[9][0]
    assert "2" in errors[10][0]
    assert len(errors[11]) == 2
    assert len(errors[12]) == 2
    assert len(errors[13]) == 1
    assert errors[14] == [
        gettext("Fill in both breedtegraad and lengtegraad, or leave both empty.")
    ]
    assert '"gebouw"' in errors[15][0]
    assert "121" in errors[16][0]
    assert "17" in errors[18][0]
    assert '"auto"' in errors[19][0]
    assert preview.counts.errors == 16
    assert not preview.can_import
    assert {r.number: r.summary for r in preview.rows if not r.errors} == {
        2: gettext("New place: %(name)s") % {"name": "Buurthuis De Linde"},
        17: gettext("New resource: %(name)s at %(place)s")
        % {"name": "Beamer", "place": "Bibliotheek"},
    }
    assert snapshot(world.hood) == before


def test_one_bad_row_means_nothing_is_written(world):
    before = snapshot(world.hood)
    logs = ActionLog.objects.filter(action="inventory.imported").count()
    rows = [place_row(f"Plek {i}") for i in range(20)] + [thing_row("Plek 3")]
    rows.append(place_row("Plek 99", postcode="onbekend"))
    job = upload(world, csv_bytes(rows))
    with pytest.raises(ValidationError) as refused:
        services.inventory_import(actor=world.professional, job=job)
    assert refused.value.code == "invalid"
    assert snapshot(world.hood) == before
    assert ActionLog.objects.filter(action="inventory.imported").count() == logs
    job.refresh_from_db()
    assert not job.is_imported


def test_a_write_conflict_rolls_everything_back(world, monkeypatch):
    before = snapshot(world.hood)
    job = upload(world, csv_bytes([place_row("A"), place_row("B"), thing_row("B", "Tent")]))

    def fail(*args, **kwargs):
        from django.db import IntegrityError

        raise IntegrityError("someone was faster")

    monkeypatch.setattr(Resource.objects, "bulk_create", fail)
    with pytest.raises(ValidationError) as refused:
        services.inventory_import(actor=world.professional, job=job)
    assert refused.value.code == "conflict"
    assert snapshot(world.hood) == before


# --- importing ------------------------------------------------------------------------------


def test_an_import_creates_places_resources_and_words(world):
    rows = [
        thing_row(text="Partytent", uitlenen="ja", regels="Droog terug", max_dagen="3"),
        place_row(
            "Buurthuis De Linde",
            adres="Lindelaan 1",
            postcode="2031 ab",
            breedtegraad="52,38123",
            lengtegraad="4.63",
            aanbod="Koffie en soep",
            openingstijden="ma-vr 9-17",
            telefoon="023 123 45 67",
            email="info@delinde.nl",
            website="www.delinde.nl",
            woorden="koken; Samen eten; lekkende kraan; kok",
        ),
        row(naam="Buurthuis De Linde", type="ruimte", middel="Grote zaal", woorden="zaal"),
        place_row("Moestuin Oost", type="Moestuin"),  # by label, any case
        place_row("Huisarts", type="GP or health centre"),  # by English label
    ]
    job = upload(world, csv_bytes(rows))
    counts = services.inventory_import(actor=world.professional, job=job)
    assert (counts.places_new, counts.resources_new, counts.errors) == (3, 2, 0)

    linde = Place.objects.get(neighbourhood=world.hood, name="Buurthuis De Linde")
    assert linde.created_by == world.professional
    assert (linde.address, linde.postcode, linde.phone) == (
        "Lindelaan 1",
        "2031AB",
        "023 123 45 67",
    )
    assert (linde.latitude, linde.longitude) == (Decimal("52.38123"), Decimal("4.63"))
    assert linde.website == "https://www.delinde.nl"
    assert set(linde.items.values_list("key", flat=True)) == {
        "koken",
        "samen-eten",
        "loodgieterswerk",
    }
    tent = linde.resources.get(text="Partytent")
    assert (tent.kind, tent.lendable, tent.lending_rules, tent.max_days) == (
        ResourceKind.THING,
        True,
        "Droog terug",
        3,
    )
    assert tent.owner is None
    hall = linde.resources.get(text="Grote zaal")
    assert (hall.kind, hall.item) == (ResourceKind.SPACE, item("zaal"))
    assert Place.objects.get(name="Moestuin Oost").kind == PlaceKind.GARDEN
    assert Place.objects.get(name="Huisarts").kind == PlaceKind.GP

    job.refresh_from_db()
    assert job.is_imported
    assert bytes(job.content) == b""
    assert job.result["places_new"] == 3
    log = ActionLog.objects.get(action="inventory.imported")
    assert (log.actor, log.neighbourhood, log.data["resources_new"]) == (
        world.professional,
        world.hood,
        2,
    )
    with pytest.raises(ValidationError) as again:
        services.inventory_import(actor=world.professional, job=job)
    assert again.value.code == "done"


def test_a_resource_can_belong_to_a_place_that_is_already_there(world):
    library = Place.objects.create(
        neighbourhood=world.hood, name="Bibliotheek Oost", kind=PlaceKind.LIBRARY
    )
    run_import(world, csv_bytes([thing_row("bibliotheek oost", "Beamer", type="spullen")]))
    assert library.resources.get().text == "Beamer"
    assert Place.objects.filter(neighbourhood=world.hood).count() == 1


def test_a_resource_can_be_just_a_word(world):
    run_import(world, csv_bytes([place_row(), thing_row(text="", type="ruimte", woorden="zaal")]))
    resource = Resource.objects.get()
    assert (resource.text, resource.item.key) == ("", "zaal")


def test_a_resource_has_one_word_at_most(world):
    job = upload(world, csv_bytes([place_row(), thing_row(woorden="zaal; garage")]))
    errors = errors_of(services.inventory_preview(job=job))
    assert errors == {
        3: [gettext("A middel can have one word only. Now it has %(count)s.") % {"count": 2}]
    }


def test_reimporting_updates_instead_of_duplicating(world):
    run_import(world, csv_bytes([place_row(aanbod="Koffie"), thing_row(uitlenen="nee")]))
    ids = snapshot(world.hood)
    rows = [
        place_row("buurthuis  de linde", aanbod="Koffie en thee", woorden="koken"),
        thing_row("Buurthuis De Linde", "partytent", uitlenen="ja", type="spullen"),
        place_row("Speeltuin Zon", type="speeltuin"),
    ]
    job = upload(world, csv_bytes(rows))
    preview = services.inventory_preview(job=job)
    assert [r.action for r in preview.rows] == ["updated", "updated", "new"]
    counts = services.inventory_import(actor=world.professional, job=job)
    assert (counts.places_updated, counts.resources_updated, counts.places_new) == (1, 1, 1)
    linde = Place.objects.get(pk=ids[0][0][0])
    assert (linde.name, linde.offers) == ("buurthuis  de linde", "Koffie en thee")
    assert list(linde.items.values_list("key", flat=True)) == ["koken"]
    tent = Resource.objects.get()
    assert (tent.pk, tent.text, tent.lendable) == (ids[2][0][0], "partytent", True)
    assert Place.objects.filter(neighbourhood=world.hood).count() == 2


def test_unmapped_columns_are_left_alone(world):
    run_import(world, csv_bytes([place_row(adres="Lindelaan 1", woorden="koken")]))
    header = ["naam", "type", "aanbod"]
    run_import(world, csv_bytes([["Buurthuis De Linde", "buurthuis", "Nieuw"]], header=header))
    linde = Place.objects.get()
    assert (linde.address, linde.offers) == ("Lindelaan 1", "Nieuw")
    assert list(linde.items.values_list("key", flat=True)) == ["koken"]


def test_the_same_place_twice_in_other_letters_is_refused(world):
    Place.objects.create(neighbourhood=world.hood, name="De Linde", kind=PlaceKind.COMMUNITY_CENTRE)
    job = upload(world, csv_bytes([place_row("De Linde"), place_row("de linde")]))
    assert list(errors_of(services.inventory_preview(job=job))) == [3]


def test_places_of_other_neighbourhoods_are_not_touched(world):
    other = Place.objects.create(
        neighbourhood=world.other, name="Buurthuis De Linde", kind=PlaceKind.COMMUNITY_CENTRE
    )
    run_import(world, csv_bytes([place_row(aanbod="Soep"), thing_row()]))
    other.refresh_from_db()
    assert other.offers == ""
    assert not other.resources.exists()
    assert Place.objects.filter(name="Buurthuis De Linde").count() == 2


def test_words_of_another_neighbourhood_are_unknown(world):
    from buurtkracht.gifts.models import TaxonomyCategory

    TaxonomyItem.objects.create(
        key="vaartse-kermis",
        category=TaxonomyCategory.objects.first(),
        label_nl="Vaartse kermis",
        label_en="Fair",
        kinds=["interest"],
        neighbourhood=world.other,
    )
    job = upload(world, csv_bytes([place_row(woorden="vaartse-kermis")]))
    assert list(errors_of(services.inventory_preview(job=job))) == [2]


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def inventory(world):
    linde = Place.objects.create(
        neighbourhood=world.hood,
        name="Buurthuis De Linde",
        kind=PlaceKind.COMMUNITY_CENTRE,
        address="Lindelaan 1",
        postcode="2031AB",
        latitude=Decimal("52.381"),
        longitude=Decimal("4.6"),
        offers='Koffie;\nsoep en\t"praat"',
        opening_hours="ma-vr",
        phone="023-1234567",
        email="info@delinde.nl",
        website="https://delinde.nl",
    )
    linde.items.set([item("koken"), item("samen-eten")])
    odd = Place.objects.create(
        neighbourhood=world.hood, name='=HYPERLINK("x")', kind=PlaceKind.OTHER, offers="-5 graden"
    )
    Resource.objects.create(
        place=linde,
        kind=ResourceKind.THING,
        text="Partytent",
        description="@wit",
        lendable=True,
        lending_rules="Droog terug",
        max_days=3,
    )
    Resource.objects.create(place=linde, kind=ResourceKind.SPACE, item=item("zaal"))
    Resource.objects.create(place=odd, kind=ResourceKind.THING, text="+Ladder", lendable=False)
    # A resident's own thing: personal, never in the inventory.
    Resource.objects.create(
        owner=world.resident,
        kind=ResourceKind.THING,
        text="Boormachine van Sanne",
        visibility=Visibility.NEIGHBOURHOOD,
    )
    return linde


def test_the_export_has_the_import_columns_and_only_place_data(world, inventory):
    data = write_csv(selectors.export_headers(), selectors.export_rows(neighbourhood=world.hood))
    assert data.startswith(codecs.BOM_UTF8)
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADER)
    assert "Boormachine" not in text
    assert "Sanne" not in text
    assert "52,381;4,6;" in text
    assert "'=HYPERLINK" in text  # Excel must not run it
    assert "koken; samen-eten" in text


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(world, inventory, file_format):
    before = snapshot(world.hood)
    rows = list(selectors.export_rows(neighbourhood=world.hood))
    if file_format == "csv":
        data = write_csv(selectors.export_headers(), rows)
    else:
        data = write_xlsx(selectors.export_headers(), rows, title="Inventaris")
    job = upload(world, data, filename=f"export.{file_format}")
    preview = services.inventory_preview(job=job)
    assert errors_of(preview) == {}
    assert {r.action for r in preview.rows} == {"unchanged"}
    assert preview.counts.places_unchanged == 2
    assert preview.counts.resources_unchanged == 3
    services.inventory_import(actor=world.professional, job=job)
    assert snapshot(world.hood) == before


def test_the_xlsx_export_keeps_formulas_as_text(world, inventory):
    data = write_xlsx(
        selectors.export_headers(), selectors.export_rows(neighbourhood=world.hood), title="x"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    names = [cell.value for cell in sheet["B"]]
    assert '=HYPERLINK("x")' in names
    assert all(cell.data_type == "s" for cell in sheet["B"])


# --- views, end to end ----------------------------------------------------------------------


def _url(name, job=None, slug="lindenhof"):
    kwargs = {"slug": slug}
    if job is not None:
        kwargs["job_id"] = job.pk if hasattr(job, "pk") else job
    return reverse(f"inventory:{name}", kwargs=kwargs)


def test_it_walks_through_every_step(world, client_for):
    client = client_for("professional")
    assert gettext("Import a spreadsheet") in client.get(_url("start")).content.decode()
    assert client.get(_url("upload")).status_code == 200

    header = ["Naam", "Soort", "Wat"]
    data = csv_bytes([["Café De Linde", "buurthuis", "Koffie"]], header=header, encoding="cp1252")
    response = client.post(
        _url("upload"), {"file": SimpleUploadedFile("lijst.csv", data, "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("mapping", job)

    html = client.get(_url("mapping", job)).content.decode()
    assert "lijst.csv" in html
    assert gettext("Windows-1252 (older Excel)") in html
    assert '<option value="0" selected>A: Naam</option>' in html

    response = client.post(_url("mapping", job), {"naam": "0", "type": "1", "aanbod": "2"})
    assert response["Location"] == _url("preview", job)

    html = client.get(_url("preview", job)).content.decode()
    assert gettext("New place: %(name)s") % {"name": "Café De Linde"} in html
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' in main
    assert not Place.objects.exists()

    response = client.post(_url("preview", job))
    assert response["Location"] == _url("result", job)
    assert Place.objects.get(neighbourhood=world.hood).offers == "Koffie"
    assert gettext("The import is done") in client.get(_url("result", job)).content.decode()
    # Done: the earlier steps lead to the result.
    assert client.get(_url("preview", job))["Location"] == _url("result", job)
    assert client.get(_url("mapping", job))["Location"] == _url("result", job)


def test_the_upload_page_says_what_is_wrong(world, client_for):
    client = client_for("admin")
    response = client.post(_url("upload"), {})
    assert gettext("Choose a file on your computer.") in response.content.decode()
    data = csv_bytes([place_row(f"Plek {i}") for i in range(10_001)])
    response = client.post(_url("upload"), {"file": SimpleUploadedFile("groot.csv", data)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "10.001" in html and "10.000" in html
    assert not ImportJob.objects.exists()


def test_the_mapping_page_names_a_missing_column_next_to_its_select(world, client_for):
    client = client_for("professional")
    job = upload(world, csv_bytes([["De Linde", "x"]], header=["Naam", "Iets"]))
    html = client.get(_url("mapping", job)).content.decode()
    assert "type" in html and 'role="alert"' in html
    response = client.post(_url("mapping", job), {"naam": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    message = gettext("Choose the column with %(field)s. Without it we cannot import.") % {
        "field": "type"
    }
    assert message in html
    assert html.rindex(message) > html.index('name="naam"')  # next to its select (and on top)
    # Skipping ahead does not work either.
    assert client.get(_url("preview", job))["Location"] == _url("mapping", job)


def test_with_a_mistake_there_is_no_import_button(world, client_for):
    client = client_for("professional")
    job = upload(world, csv_bytes([place_row("Goed"), place_row("Fout", woorden="vliegvissen")]))
    html = client.get(_url("preview", job)).content.decode()
    assert '"vliegvissen"' in html or "&quot;vliegvissen&quot;" in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main
    response = client.post(_url("preview", job))
    assert response["Location"] == _url("preview", job)
    assert not Place.objects.exists()
    html = client.get(_url("preview", job) + "?toon=alles").content.decode()
    assert gettext("New place: %(name)s") % {"name": "Goed"} in html


def test_the_preview_pages_long_files(world, client_for):
    job = upload(world, csv_bytes([place_row(f"Plek {i}") for i in range(250)]))
    client = client_for("professional")
    html = client.get(_url("preview", job) + "?toon=alles&pagina=3").content.decode()
    assert "Plek 249" in html and "Plek 199" not in html


def test_another_neighbourhoods_job_is_not_found(world, client_for):
    theirs = services.import_job_create(
        actor=world.outsider,
        neighbourhood=world.other,
        filename="x.csv",
        data=csv_bytes([place_row()]),
    )
    client = client_for("professional")
    for name in ("mapping", "preview", "result"):
        assert client.get(_url(name, theirs)).status_code == 404
    assert client.post(_url("preview", theirs)).status_code == 404
    assert not Place.objects.exists()


def test_another_persons_job_is_not_found(world, client_for):
    job = upload(world, csv_bytes([place_row()]), actor=world.admin)
    assert client_for("professional").get(_url("mapping", job)).status_code == 404
    assert client_for("admin").get(_url("mapping", job)).status_code == 200


def test_the_export_views_download_files(world, client_for, inventory):
    client = client_for("professional")
    response = client.get(_url("export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="inventaris-lindenhof-' in response["Content-Disposition"]
    assert _body(response).startswith(codecs.BOM_UTF8)
    response = client.get(_url("export_xlsx"))
    sheet = load_workbook(io.BytesIO(_body(response))).active
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet.max_row == 6  # header, 2 places, 3 of their resources


def _body(response) -> bytes:
    """A download's bytes, whether it streamed (CSV, XLSX from a file) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content
