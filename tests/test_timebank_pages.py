"""The time bank's pages: a member's balance and history, giving and donating, the
administrator's rules, balances, monthly figures, grants, corrections and exports."""

import csv
import io

import pytest
from django.urls import reverse

from buurtkracht.core.models import ActionLog
from buurtkracht.timebank import services
from buurtkracht.timebank.models import Entry, Rules, Transfer
from tests.factories import membership_of

pytestmark = pytest.mark.django_db


def _give(giver, receiver, minutes, neighbourhood):
    """Time given directly, as the time bank page does for the giver."""
    return services.give(
        actor=giver,
        neighbourhood=neighbourhood,
        to_user=receiver,
        minutes=minutes,
        membership=membership_of(giver, neighbourhood),
    )


def _url(name, **kw):
    return reverse(f"timebank:{name}", kwargs={"slug": "lindenhof", **kw})


@pytest.fixture
def bank(world):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=120,
        membership=membership_of(world.admin, world.hood),
    )
    return world


def _key(page):
    import re

    return re.search(r'name="key" value="([0-9a-f]+)"', page.content.decode()).group(1)


def test_the_time_bank_is_a_404_where_the_neighbourhood_does_not_use_it(world, client_for):
    assert client_for("resident").get(_url("home")).status_code == 404


def test_before_the_rules_are_set_members_are_told_and_the_admin_starts_it(world, client_for):
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    page = client_for("resident").get(_url("home"))
    assert "nog niet ingesteld" in page.content.decode()
    admin = client_for("admin")
    response = admin.post(
        _url("manage"),
        {
            "min_balance": -300,
            "max_balance": 3000,
            "welcome_credit": 60,
            "direct_transfers": "on",
            "pot": "on",
        },
    )
    assert response.status_code == 302
    assert Rules.objects.get().min_balance == -300


def test_a_member_sees_the_balance_and_gives_time_once_even_if_sent_twice(bank, client_for):
    resident = client_for("resident")
    page = resident.get(_url("home"))
    html = page.content.decode()
    assert "2 uur" in html and "welkomsttegoed" in html.lower()
    data = {
        "to_user": bank.connector.pk,
        "hours": 0,
        "minutes": 45,
        "note": "ramen gelapt",
        "key": _key(page),
    }
    check = resident.post(_url("give"), data)  # "Klopt dat?" first: nothing moves yet
    assert check.status_code == 200
    assert "Je geeft 45 minuten aan Karim" in check.content.decode()
    assert not Transfer.objects.filter(kind="direct").exists()
    assert resident.post(_url("give_confirmed"), data).status_code == 302
    assert resident.post(_url("give_confirmed"), data).status_code == 302  # sent again
    assert Transfer.objects.filter(kind="direct").count() == 1
    assert services.member_account(bank.resident, bank.hood).balance == 75
    html = resident.get(_url("home")).content.decode()
    assert "ramen gelapt" in html and "Karim" in html


@pytest.mark.parametrize(
    "step, hours, minutes, message",
    [
        ("give", "0", "0", "meer dan nul"),
        ("give", "1,5", "0", "geheel getal"),
        ("give", "-1", "0", "minstens 0"),
        ("give", "0", "75", "hoogstens 59"),
        ("give_confirmed", "0", "0", "meer dan nul"),
        ("give_confirmed", "13", "0", "niet onder min 10 uur"),
    ],
)
def test_bad_amounts_get_a_dutch_message_and_nothing_is_written(
    bank, client_for, step, hours, minutes, message
):
    resident = client_for("resident")
    key = _key(resident.get(_url("home")))
    before = Entry.objects.count()
    page = resident.post(
        _url(step), {"to_user": bank.connector.pk, "hours": hours, "minutes": minutes, "key": key}
    )
    assert page.status_code == 200
    assert message in page.content.decode()
    assert Entry.objects.count() == before


def test_giving_to_someone_outside_the_neighbourhood_is_refused(bank, client_for):
    resident = client_for("resident")
    key = _key(resident.get(_url("home") + "?wie=kar"))
    page = resident.post(
        _url("give"), {"to_user": bank.outsider.pk, "hours": 1, "minutes": 0, "key": key}
    )
    assert page.status_code == 200 and "Kies de buur uit de gevonden namen" in (
        page.content.decode()
    )
    assert not Transfer.objects.filter(kind="direct").exists()


def test_donating_to_the_pot(bank, client_for):
    resident = client_for("resident")
    key = _key(resident.get(_url("home")))
    pot = services.pot_of(bank.hood)
    resident.post(_url("donate"), {"to_account": pot.pk, "hours": 1, "minutes": 0, "key": key})
    pot.refresh_from_db()
    assert pot.balance == 60


def test_the_admin_grants_from_the_pot_corrects_a_mistake_and_sees_the_months(bank, client_for):
    services.donate(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_account=services.pot_of(bank.hood),
        minutes=60,
        membership=membership_of(bank.resident, bank.hood),
    )
    wrong = _give(bank.resident, bank.connector, 30, bank.hood)
    admin = client_for("admin")
    page = admin.get(_url("manage") + "?wie=Karim")
    html = page.content.decode()
    assert "Karim" in html and "Buurtpot" in html
    grant = {
        "to_user": bank.connector.pk,
        "hours": 0,
        "minutes": 20,
        "reason": "ziek geweest",
        "key": _key(page),
    }
    check = admin.post(_url("grant"), grant).content.decode()
    assert "Je geeft 20 minuten uit de buurtpot aan Karim" in check
    assert not Transfer.objects.filter(kind="grant").exists()
    admin.post(_url("grant_confirmed"), grant)
    assert Transfer.objects.filter(kind="grant", reason="ziek geweest").exists()
    no_reason = admin.post(
        _url("grant"), {"to_user": bank.connector.pk, "hours": 0, "minutes": 20, "key": "k2"}
    )
    assert "Dit veld is verplicht" in no_reason.content.decode()
    admin.post(_url("reverse", transfer_id=wrong.pk), {"reason": "verkeerde buur"})
    assert Transfer.objects.filter(reverses=wrong).exists()
    again = admin.post(_url("reverse", transfer_id=wrong.pk), {"reason": "nog eens"}, follow=True)
    assert "al teruggedraaid" in again.content.decode()
    months = admin.get(_url("manage")).context["months"]
    assert months[0].minutes == 0  # the only help payment was corrected


def test_monthly_figures_count_reciprocity(bank):
    from buurtkracht.timebank.selectors import monthly

    _give(bank.resident, bank.connector, 30, bank.hood)
    _give(bank.connector, bank.resident, 15, bank.hood)
    _give(bank.admin, bank.connector, 10, bank.hood)
    month = monthly(neighbourhood=bank.hood)[0]
    assert month.minutes == 55
    assert (month.givers, month.receivers, month.both) == (2, 3, 2)
    assert month.reciprocity == pytest.approx(2 / 3)


def test_exports_hold_every_entry_in_csv_and_xlsx(bank, client_for):
    _give(bank.resident, bank.connector, 30, bank.hood)
    admin = client_for("admin")
    response = admin.get(_url("export", fmt="csv"))
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["boeking", "datum", "overboeking"]
    assert len(rows) - 1 == Entry.objects.count()
    assert sum(int(r[6]) for r in rows[1:]) == 0  # negative amounts stay numbers
    given = sorted(r[7].lstrip("'") for r in rows[1:] if r[3] == "tijd gegeven")
    assert given == ["-0:30", "0:30"]  # "-0:30" kept as text, not a formula
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(_body(admin.get(_url("export", fmt="xlsx")))))
    assert book.active.max_row - 1 == Entry.objects.count()
    assert admin.get(_url("export", fmt="pdf")).status_code == 404


def test_the_export_reads_the_ledger_in_chunks_and_logs_each_person_once(
    bank, client_for, monkeypatch
):
    from buurtkracht.people.models import AccessLog
    from buurtkracht.timebank import views

    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)  # several chunks out of a few entries
    for _ in range(3):
        _give(bank.resident, bank.connector, 5, bank.hood)
    response = client_for("admin").get(_url("export", fmt="csv"))
    assert response.streaming  # never held whole in the worker's memory
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))[1:]
    assert [int(r[0]) for r in rows] == list(
        Entry.objects.order_by("seq").values_list("seq", flat=True)
    )
    names = {bank.resident.profile.display_name, bank.connector.profile.display_name}
    assert {r[5] for r in rows if r[3] in ("tijd gegeven", "tijd gekregen")} == names
    logged = list(AccessLog.objects.filter(what="timebank").values_list("subject_id", flat=True))
    assert sorted(logged) == sorted(set(logged))  # once per person, not once per chunk
    assert bank.resident.pk in logged and bank.connector.pk in logged


def test_a_professional_reading_balances_would_be_logged_but_cannot(bank, client_for):
    assert client_for("professional").get(_url("manage")).status_code == 403
    assert not ActionLog.objects.filter(action="timebank.viewed").exists()


def test_a_member_downloads_their_own_history(bank, client_for):
    _give(bank.resident, bank.connector, 30, bank.hood)
    response = client_for("resident").get(_url("my_export", fmt="csv"))
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["datum", "soort", "met"]
    assert [r[1] for r in rows[1:]] == ["welkomsttegoed", "tijd gegeven"]  # oldest first
    assert rows[2][2] == "Karim" and rows[2][3] == "-30"
    assert client_for("resident").get(_url("my_export", fmt="doc")).status_code == 404


def _body(response) -> bytes:
    """A download's bytes, whether it streamed (CSV, XLSX from a file) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_pages_never_open_an_account_they_only_read_it(bank, client_for):
    from buurtkracht.core.choices import Role
    from buurtkracht.timebank.models import Account

    from . import factories as f

    late = f.make_member(bank.hood, role=Role.RESIDENT, name="Later")  # not through joining
    Account.objects.filter(kind="pot").delete()
    before = (Account.objects.count(), Transfer.objects.count(), Entry.objects.count())
    client = client_for("resident")
    client.force_login(late)
    page = client.get(_url("home"))
    assert page.status_code == 200
    assert page.context["account"] is None  # "your account opens soon"
    assert client.get(_url("my_export", fmt="csv")).status_code == 200
    assert client_for("admin").get(_url("manage")).status_code == 200
    assert (Account.objects.count(), Transfer.objects.count(), Entry.objects.count()) == before


def test_joining_opens_the_account_with_the_welcome_credit_once(bank):
    from buurtkracht.neighbourhoods import services as neighbourhoods
    from buurtkracht.timebank import selectors

    from . import factories as f

    newcomer = f.make_user()
    neighbourhoods.membership_join(user=newcomer, neighbourhood=bank.hood)
    account = selectors.member_account_of(newcomer, bank.hood)
    assert account is not None and account.balance == 120
    neighbourhoods.membership_leave(user=newcomer, neighbourhood=bank.hood)
    account.refresh_from_db()
    assert not account.is_open
    neighbourhoods.membership_join(user=newcomer, neighbourhood=bank.hood)
    account.refresh_from_db()
    assert account.is_open and account.balance == 120  # reopened, no second welcome
    assert Transfer.objects.filter(kind="welcome", key=f"welcome:{account.pk}").count() == 1


def test_a_large_neighbourhood_opens_its_accounts_in_a_job(world, monkeypatch):
    from django.test import TestCase

    from buurtkracht.jobs.models import JobRun
    from buurtkracht.neighbourhoods.models import Membership
    from buurtkracht.timebank.models import Account

    monkeypatch.setattr(services, "OPEN_AT_ONCE", 2)
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        services.rules_set(
            actor=world.admin,
            neighbourhood=world.hood,
            welcome_credit=30,
            membership=membership_of(world.admin, world.hood),
        )
    assert not Account.objects.filter(kind="member").exists()  # the page did not wait
    assert Account.objects.filter(kind="pot").exists()
    for callback in callbacks:
        callback()
    assert JobRun.objects.filter(name="buurtkracht.timebank.accounts_open").exists()
    members = Membership.objects.filter(neighbourhood=world.hood).count()
    assert Account.objects.filter(kind="member").count() == members
    from buurtkracht.timebank.tasks import accounts_open, accounts_sweep

    accounts_open(world.hood.pk)  # safe to run twice
    accounts_sweep()
    assert Transfer.objects.filter(kind="welcome").count() == members
