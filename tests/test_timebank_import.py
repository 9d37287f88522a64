"""Moving from another time bank: a spreadsheet of balances and history, checked in a
dry run with line numbers, then written all or nothing."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buurtkracht.timebank import importing, services
from buurtkracht.timebank.ledger import verify
from buurtkracht.timebank.models import Entry, LedgerImport, Transfer
from tests.factories import membership_of

from .helpers import refused

pytestmark = pytest.mark.django_db

HEADER = "overboeking;datum;wie;minuten;omschrijving\n"


@pytest.fixture
def bank(world):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        min_balance=-120,
        membership=membership_of(world.admin, world.hood),
    )
    return world


def _file(bank, body: str) -> bytes:
    text = body.format(sanne=bank.resident.email, karim=bank.connector.username)
    return (HEADER + text).encode()


GOOD = (
    "1;2025-01-06;beginsaldo;-150;saldo bij de overstap\n"
    "1;2025-01-06;{sanne};150;\n"
    "2;11-02-2025;{sanne};-45;boodschappen\n"
    "2;11-02-2025;{karim};45;\n"
    "3;2025-03-01 14:30;{karim};-30;voor de buurtpot\n"
    "3;2025-03-01 14:30;buurtpot;30;\n"
)


def test_the_dry_run_reads_only_the_accounts_in_the_file(bank):
    services.member_account(bank.professional, bank.hood)  # an account the file leaves alone
    data = _file(bank, "1;2025-01-06;{sanne};-20;\n1;2025-01-06;{karim};20;\n")
    result = importing.plan(neighbourhood=bank.hood, filename="oud.csv", data=data)
    assert result.ok, result.errors
    assert set(result.balances) == {str(bank.resident.pk), str(bank.connector.pk)}
    # login names match whatever their capitals, through the index on lower(username)
    shouted = _file(bank, "1;2025-01-06;{sanne};-20;\n1;2025-01-06;{karim};20;\n").replace(
        bank.connector.username.encode(), bank.connector.username.upper().encode()
    )
    assert importing.plan(neighbourhood=bank.hood, filename="oud.csv", data=shouted).ok


def test_a_good_file_is_previewed_then_written_at_once(bank):
    data = _file(bank, GOOD)
    result = importing.plan(neighbourhood=bank.hood, filename="oud.csv", data=data)
    assert result.ok, result.errors
    assert [p.group for p in result.transfers] == ["1", "2", "3"]
    assert result.balances[str(bank.resident.pk)] == 105
    assert not Transfer.objects.exists()  # the dry run wrote nothing
    job = importing.upload(actor=bank.admin, neighbourhood=bank.hood, filename="oud.csv", data=data)
    assert (
        importing.commit(
            actor=bank.admin, job=job, membership=membership_of(bank.admin, job.neighbourhood)
        )
        == 3
    )
    assert services.member_account(bank.resident, bank.hood).balance == 105
    assert services.member_account(bank.connector, bank.hood).balance == 15
    assert services.pot_of(bank.hood).balance == 30
    assert set(Transfer.objects.values_list("kind", flat=True)) == {"import"}
    assert verify(bank.hood).ok
    with refused("imported"):
        importing.commit(
            actor=bank.admin, job=job, membership=membership_of(bank.admin, job.neighbourhood)
        )
    assert Transfer.objects.count() == 3


@pytest.mark.parametrize(
    "body, message",
    [
        ("1;2025-01-06;{sanne};30;\n1;2025-01-06;{karim};-20;\n", "telt niet op tot nul: +10"),
        ("1;2025-01-06;{sanne};30;\n1;2025-01-06;{sanne};-30;\n", "twee of meer verschillende"),
        (
            "1;06/01/2025;{sanne};30;\n1;06/01/2025;{karim};-30;\n",
            "Regel 8: “06/01/2025” is geen datum",
        ),
        (
            "1;2999-01-01;{sanne};30;\n1;2999-01-01;{karim};-30;\n",
            "Regel 8: de datum ligt in de toekomst",
        ),
        ("1;2025-01-06;{sanne};1,5;\n1;2025-01-06;{karim};-1,5;\n", "Regel 8: “1,5” is geen heel"),
        ("1;2025-01-06;{sanne};0;\n1;2025-01-06;{karim};0;\n", "Regel 8: “0” is geen heel"),
        (
            "1;2025-01-06;olaf@example.nl;30;\n1;2025-01-06;{karim};-30;\n",
            "“olaf@example.nl” is geen lid",
        ),
        (";2025-01-06;{sanne};30;\n", "Regel 8: het nummer van de overboeking is leeg"),
        ("1;2025-01-06;{sanne};-500;\n1;2025-01-06;{karim};500;\n", "buiten de grenzen"),
    ],
)
def test_a_wrong_file_is_refused_with_the_line_and_nothing_is_written(bank, body, message):
    # The good transfers come first (lines 2-7): one wrong transfer stops them all.
    data = _file(bank, GOOD + body.replace("1;", "9;", 2))
    result = importing.plan(neighbourhood=bank.hood, filename="oud.csv", data=data)
    assert not result.ok
    assert any(message in problem for problem in result.errors), result.errors
    job = importing.upload(actor=bank.admin, neighbourhood=bank.hood, filename="oud.csv", data=data)
    with refused("invalid"):  # the same problems as the dry run's
        importing.commit(
            actor=bank.admin, job=job, membership=membership_of(bank.admin, job.neighbourhood)
        )
    assert not Entry.objects.exists()  # nothing half-written


def test_missing_columns_and_empty_files_are_named(bank):
    result = importing.plan(neighbourhood=bank.hood, filename="x.csv", data=b"datum;wie\n1;2\n")
    assert "overboeking, minuten" in result.errors[0]
    empty = importing.plan(neighbourhood=bank.hood, filename="x.csv", data=b"")
    assert "leeg" in empty.errors[0]


def test_an_xlsx_file_works_too(bank):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["overboeking", "datum", "wie", "minuten", "omschrijving"])
    sheet.append([1, "2025-01-06", "beginsaldo", -60, "overstap"])
    sheet.append([1, "2025-01-06", bank.resident.email, 60, ""])
    out = io.BytesIO()
    book.save(out)
    result = importing.plan(neighbourhood=bank.hood, filename="oud.xlsx", data=out.getvalue())
    assert result.ok, result.errors


def test_the_import_pages(bank, client_for):
    admin = client_for("admin")
    url = reverse("timebank:import", kwargs={"slug": "lindenhof"})
    response = admin.post(url, {"file": SimpleUploadedFile("oud.csv", _file(bank, GOOD))})
    preview = admin.get(response["Location"]).content.decode()
    assert "3 overboekingen die kloppen" in preview and "Alles overnemen" in preview
    admin.post(response["Location"])
    assert Transfer.objects.filter(kind="import").count() == 3
    assert "Dit bestand is overgenomen" in admin.get(response["Location"]).content.decode()
    bad = admin.post(
        url, {"file": SimpleUploadedFile("fout.csv", _file(bank, "1;2025-01-06;{sanne};30;\n"))}
    )
    page = admin.get(bad["Location"]).content.decode()
    assert "Er is niets opgeslagen" in page and re.search(r"telt niet op tot nul", page)
    job = LedgerImport.objects.latest("pk")
    admin.post(bad["Location"])
    job.refresh_from_db()
    assert job.imported_at is None and Transfer.objects.filter(kind="import").count() == 3
