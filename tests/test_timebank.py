"""The time bank's ledger: double entry, append-only, hash chain, limits, bad input."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.timebank import services
from buurtkracht.timebank.ledger import verify
from buurtkracht.timebank.models import Account, Entry, Rules, Transfer
from tests.factories import membership_of

from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(world):
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        min_balance=-120,
        max_balance=600,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )
    world.hood.refresh_from_db()
    return world


def _balance(user, world):
    return services.member_account(user, world.hood).balance


def _total(world):
    return sum(Account.objects.filter(neighbourhood=world.hood).values_list("balance", flat=True))


def test_switching_on_adds_the_module_and_opens_every_account_with_the_welcome_credit(bank):
    assert bank.hood.has_module("timebank")
    members = Membership.objects.filter(neighbourhood=bank.hood).count()
    accounts = Account.objects.filter(neighbourhood=bank.hood, kind="member")
    assert accounts.count() == members and {a.balance for a in accounts} == {60}
    assert _total(bank) == 0  # the issuing account carries the other side
    assert list(Transfer.objects.values_list("kind", flat=True).distinct()) == ["welcome"]
    assert Transfer.objects.count() == members
    assert Account.objects.filter(neighbourhood=bank.hood, kind="pot").exists()


def test_a_transfer_is_balanced_entries_and_moves_balances(bank):
    transfer = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=45,
        membership=membership_of(bank.resident, bank.hood),
    )
    assert sorted(transfer.entries.values_list("amount", flat=True)) == [-45, 45]
    assert _balance(bank.resident, bank) == 15 and _balance(bank.connector, bank) == 105
    assert _total(bank) == 0
    assert verify(bank.hood).ok


@pytest.mark.parametrize(
    "minutes, code",
    [
        (0, "not_positive"),
        (-5, "not_positive"),
        (1.5, "not_minutes"),
        (True, "not_minutes"),
        ("30", "not_minutes"),
        (6001, "too_much"),
        (60 + 120 + 1, "below_floor"),  # balance 60, floor -120
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(bank, minutes, code):
    services.member_account(bank.connector, bank.hood)
    before = Entry.objects.count()
    with refused(code):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=minutes,
            membership=membership_of(bank.resident, bank.hood),
        )
    assert Entry.objects.count() == before
    assert _balance(bank.resident, bank) == 60


def test_the_receiver_cannot_go_above_the_highest_balance(bank):
    services.rules_set(
        actor=bank.admin,
        neighbourhood=bank.hood,
        max_balance=100,
        membership=membership_of(bank.admin, bank.hood),
    )
    with refused("above_ceiling"):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=60,
            membership=membership_of(bank.resident, bank.hood),
        )


def test_no_transfers_to_oneself_outsiders_or_closed_accounts(bank):
    give = {
        "actor": bank.resident,
        "neighbourhood": bank.hood,
        "minutes": 10,
        "membership": membership_of(bank.resident, bank.hood),
    }
    with refused("to_self"):
        services.give(to_user=bank.resident, **give)
    with refused("person_not_member"):
        services.give(to_user=bank.outsider, **give)
    account = services.member_account(bank.connector, bank.hood)
    services.account_close(
        actor=bank.admin,
        account=account,
        membership=membership_of(bank.admin, account.neighbourhood),
    )
    with refused("closed"):
        services.give(to_user=bank.connector, **give)


def test_direct_transfers_can_be_switched_off(bank):
    services.rules_set(
        actor=bank.admin,
        neighbourhood=bank.hood,
        direct_transfers=False,
        membership=membership_of(bank.admin, bank.hood),
    )
    with refused("no_direct"):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=5,
            membership=membership_of(bank.resident, bank.hood),
        )


def test_the_same_key_twice_is_one_transfer(bank):
    first = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=30,
        key="x1",
        membership=membership_of(bank.resident, bank.hood),
    )
    again = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=30,
        key="x1",
        membership=membership_of(bank.resident, bank.hood),
    )
    assert again.pk == first.pk
    assert _balance(bank.resident, bank) == 30


def test_donations_and_grants_go_through_the_pot(bank):
    pot = services.pot_of(bank.hood)
    services.donate(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_account=pot,
        minutes=50,
        membership=membership_of(bank.resident, bank.hood),
    )
    with refused("no_reason"):
        services.grant(
            actor=bank.admin,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=20,
            reason=" ",
            membership=membership_of(bank.admin, bank.hood),
        )
    with refused("not_admin"):
        services.grant(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=20,
            reason="ziek",
            membership=membership_of(bank.resident, bank.hood),
        )
    services.grant(
        actor=bank.admin,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=20,
        reason="ziek",
        membership=membership_of(bank.admin, bank.hood),
    )
    pot.refresh_from_db()
    assert pot.balance == 30 and _balance(bank.connector, bank) == 80
    with refused("not_enough"):
        services.grant(
            actor=bank.admin,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=31,
            reason="ziek",
            membership=membership_of(bank.admin, bank.hood),
        )


def test_a_mistake_is_corrected_by_a_reversal_once(bank):
    wrong = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=40,
        membership=membership_of(bank.resident, bank.hood),
    )
    with refused("no_reason"):
        services.reverse(
            actor=bank.admin,
            transfer=wrong,
            reason="",
            membership=membership_of(bank.admin, wrong.neighbourhood),
        )
    correction = services.reverse(
        actor=bank.admin,
        transfer=wrong,
        reason="verkeerde persoon",
        membership=membership_of(bank.admin, wrong.neighbourhood),
    )
    assert correction.reverses == wrong
    assert _balance(bank.resident, bank) == 60 and _balance(bank.connector, bank) == 60
    with refused("corrected"):
        services.reverse(
            actor=bank.admin,
            transfer=wrong,
            reason="nog eens",
            membership=membership_of(bank.admin, wrong.neighbourhood),
        )
    with refused("is_correction"):
        services.reverse(
            actor=bank.admin,
            transfer=correction,
            reason="terug",
            membership=membership_of(bank.admin, correction.neighbourhood),
        )
    assert Transfer.objects.filter(pk=wrong.pk).exists()  # the original stays
    assert verify(bank.hood).ok


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {value}", "DELETE FROM {table}"]
)
@pytest.mark.parametrize(
    "table, column, value",
    [("timebank_entry", "amount", "999"), ("timebank_transfer", "reason", "'x'")],
)
def test_the_database_refuses_to_change_or_remove_ledger_rows(
    bank, statement, table, column, value
):
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=10,
        membership=membership_of(bank.resident, bank.hood),
    )
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=table, column=column, value=value))
    assert verify(bank.hood).ok


def test_the_database_refuses_a_balance_outside_the_limits(bank):
    account = services.member_account(bank.resident, bank.hood)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-121)


def _tamper(sql: str, params=()) -> None:
    from importlib import import_module

    migration = import_module("buurtkracht.timebank.migrations.0002_append_only")
    vendor = connection.vendor
    drop = {"postgresql": migration.POSTGRES_UNDO, "sqlite": migration.SQLITE_UNDO}[vendor]
    create = {"postgresql": migration.POSTGRES, "sqlite": migration.SQLITE}[vendor]
    with connection.cursor() as cursor:
        for statement in drop:
            cursor.execute(statement)
        cursor.execute(sql, params)
        for statement in create:
            cursor.execute(statement)


def _three_transfers(bank):
    for minutes in (10, 20, 30):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=minutes,
            membership=membership_of(bank.resident, bank.hood),
        )


def test_verify_names_an_altered_entry(bank):
    _three_transfers(bank)
    target = Entry.objects.filter(neighbourhood=bank.hood).order_by("seq")[3]
    _tamper("UPDATE timebank_entry SET amount = amount + 5 WHERE id = %s", [target.pk])
    report = verify(bank.hood)
    texts = [str(p) for p in report.problems]
    assert any(f"entry #{target.seq} (id {target.pk}): was altered" in t for t in texts)
    assert any("does not add up to zero" in t for t in texts)
    assert any("cached balance" in t for t in texts)


def test_verify_names_a_removed_entry(bank):
    _three_transfers(bank)
    target = Entry.objects.filter(neighbourhood=bank.hood).order_by("seq")[4]
    _tamper("DELETE FROM timebank_entry WHERE id = %s", [target.pk])
    report = verify(bank.hood)
    assert any(f"entry #{target.seq} is missing" in str(p) for p in report.problems)


def test_verify_notices_a_removed_last_entry(bank):
    _three_transfers(bank)
    last = Entry.objects.filter(neighbourhood=bank.hood).order_by("-seq")[0]
    _tamper("DELETE FROM timebank_entry WHERE id = %s", [last.pk])
    report = verify(bank.hood)
    assert any("the chain ends at" in str(p) for p in report.problems)


def test_ledger_verify_command(bank):
    _three_transfers(bank)
    out = StringIO()
    call_command("ledger_verify", stdout=out)
    entries = Entry.objects.filter(neighbourhood=bank.hood).count()
    assert f"lindenhof: {entries} boekingen, in orde" in out.getvalue()
    first = Entry.objects.filter(neighbourhood=bank.hood).order_by("seq")[0]
    _tamper("UPDATE timebank_entry SET amount = 61 WHERE id = %s", [first.pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("ledger_verify", stdout=out)
    assert f"entry #1 (id {first.pk}): was altered" in out.getvalue()


def test_tighter_limits_keep_balances_and_only_let_them_move_back(bank):
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=150,
        membership=membership_of(bank.resident, bank.hood),
    )
    assert _balance(bank.resident, bank) == -90
    services.rules_set(
        actor=bank.admin,
        neighbourhood=bank.hood,
        min_balance=-30,
        membership=membership_of(bank.admin, bank.hood),
    )
    assert _balance(bank.resident, bank) == -90  # kept
    with pytest.raises(ValidationError):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=1,
            membership=membership_of(bank.resident, bank.hood),
        )
    services.give(
        actor=bank.connector,
        neighbourhood=bank.hood,
        to_user=bank.resident,
        minutes=40,
        membership=membership_of(bank.connector, bank.hood),
    )
    account = services.member_account(bank.resident, bank.hood)
    assert account.balance == -50 and account.floor == -50  # may not sink back to -90
    assert verify(bank.hood).ok


def test_erasing_a_member_keeps_every_balance(bank):
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=30,
        membership=membership_of(bank.resident, bank.hood),
    )
    account = services.member_account(bank.resident, bank.hood)
    bank.resident.delete()
    account.refresh_from_db()
    assert account.user is None and account.balance == 30
    assert _total(bank) == 0
    assert verify(bank.hood).ok


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"min_balance": 10}, "min_above_zero"),
        ({"max_balance": -1}, "max_below_zero"),
        ({"welcome_credit": 700}, "welcome_above_max"),
    ],
)
def test_impossible_rules_are_refused(bank, fields, code):
    with refused(code):
        services.rules_set(
            actor=bank.admin,
            neighbourhood=bank.hood,
            membership=membership_of(bank.admin, bank.hood),
            **fields,
        )
    assert Rules.objects.get().max_balance == 600


def test_only_administrators_set_the_rules(world):
    with refused("not_admin"):
        services.rules_set(
            actor=world.resident,
            neighbourhood=world.hood,
            min_balance=0,
            membership=membership_of(world.resident, world.hood),
        )
    assert not Rules.objects.exists()


def test_leaving_closes_the_account_and_rejoining_opens_it(bank):
    from buurtkracht.neighbourhoods import services as hood_services

    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=30,
        membership=membership_of(bank.resident, bank.hood),
    )
    hood_services.membership_leave(user=bank.connector, neighbourhood=bank.hood)
    account = Account.objects.get(neighbourhood=bank.hood, user=bank.connector)
    assert not account.is_open and account.balance == 90  # the balance stays
    with pytest.raises(ValidationError):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=5,
            membership=membership_of(bank.resident, bank.hood),
        )
    assert _total(bank) == 0
    hood_services.membership_join(user=bank.connector, neighbourhood=bank.hood)
    account.refresh_from_db()
    assert account.is_open
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=5,
        membership=membership_of(bank.resident, bank.hood),
    )
    assert verify(bank.hood).ok


def test_an_administrator_removing_a_member_closes_the_account(bank):
    from buurtkracht.neighbourhoods import services as hood_services
    from buurtkracht.neighbourhoods.models import Membership

    services.member_account(bank.connector, bank.hood)
    membership = Membership.objects.get(user=bank.connector, neighbourhood=bank.hood)
    hood_services.membership_remove(actor=bank.admin, membership=membership)
    assert not Account.objects.get(neighbourhood=bank.hood, user=bank.connector).is_open


def test_a_caller_key_cannot_pre_empt_the_platforms_own_keys(bank):
    wrong = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=40,
        membership=membership_of(bank.resident, bank.hood),
    )
    services.give(
        actor=bank.connector,
        neighbourhood=bank.hood,
        to_user=bank.resident,
        minutes=1,
        key=f"reversal:{wrong.pk}",
        membership=membership_of(bank.connector, bank.hood),
    )
    correction = services.reverse(
        actor=bank.admin,
        transfer=wrong,
        reason="vergissing",
        membership=membership_of(bank.admin, wrong.neighbourhood),
    )
    assert correction.reverses == wrong and correction.kind == "reversal"


def test_only_the_member_or_an_administrator_closes_an_account(bank):
    account = services.member_account(bank.connector, bank.hood)
    for stranger in (bank.outsider, bank.resident):
        with refused("not_admin"):
            services.account_close(
                actor=stranger,
                account=account,
                membership=membership_of(stranger, account.neighbourhood),
            )
    account.refresh_from_db()
    assert account.is_open
    services.account_close(
        actor=bank.connector,
        account=account,
        membership=membership_of(bank.connector, account.neighbourhood),
    )
    account.refresh_from_db()
    assert not account.is_open


def test_a_transfer_takes_a_handful_of_queries(bank, django_assert_max_num_queries):
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=5,
        membership=membership_of(bank.resident, bank.hood),
    )
    # rules, members, accounts, lock, accounts again, transfer, 2 balances, entries, head,
    # audit log, the monthly figures marked out of date (+ savepoints inside the test's
    # transaction)
    membership = membership_of(bank.resident, bank.hood)  # the view has it already
    with django_assert_max_num_queries(16):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=5,
            membership=membership,
        )


def test_a_refused_transfer_leaves_the_surrounding_transaction_usable(bank):
    with pytest.raises(ValidationError):
        services.give(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_user=bank.connector,
            minutes=6000,
            membership=membership_of(bank.resident, bank.hood),
        )
    # Still inside the test's transaction: the next transfer works.
    services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=5,
        membership=membership_of(bank.resident, bank.hood),
    )
    assert verify(bank.hood).ok


def test_an_initiative_has_one_account_that_takes_donations_and_never_goes_below_zero(bank):
    from buurtkracht.initiatives import services as initiatives

    bank.hood.modules = [*bank.hood.modules, "initiatives"]
    bank.hood.save()
    initiative = initiatives.initiative_create(
        actor=bank.resident,
        neighbourhood=bank.hood,
        name="Repair Café",
        what_and_why="Maken",
        membership=membership_of(bank.resident, bank.hood),
    )
    account = initiative.timebank_account  # opened with the initiative
    assert services.initiative_account(initiative).pk == account.pk  # one
    assert account.name == "Repair Café" and account.kind == "initiative"
    services.donate(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_account=account,
        minutes=45,
        membership=membership_of(bank.resident, bank.hood),
    )
    account.refresh_from_db()
    assert account.balance == 45 and account.floor == 0
    with refused("not_a_target"):
        services.donate(
            actor=bank.resident,
            neighbourhood=bank.hood,
            to_account=services.member_account(bank.connector, bank.hood),
            minutes=5,
            membership=membership_of(bank.resident, bank.hood),
        )
