"""The time bank under real parallel load: separate OS processes, each with its own
PostgreSQL connection, give time to each other at the same moment. Transfers of one
neighbourhood take turns on its `Rules` row lock, so no balance may leave its limits, no
update may be lost, no transfer may be lost or doubled and the hash chain may not fork.
The SQLite run deselects these; the PostgreSQL run always runs them and fails elsewhere."""

import multiprocessing
import random
import traceback

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from buurtkracht.accounts.models import User
from buurtkracht.core.choices import Role
from buurtkracht.neighbourhoods.models import Neighbourhood
from buurtkracht.timebank import services
from buurtkracht.timebank.ledger import verify
from buurtkracht.timebank.models import Account, Entry, Rules, Transfer, TransferKind
from tests.factories import membership_of

from . import factories as f

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

PROCESSES = 20
TRANSFERS_EACH = 500
MEMBERS = 30
LOW, HIGH = -60, 120  # tight: many transfers must be refused
TIMEOUT = 600  # seconds to wait for each process's report (generous: a loaded machine)


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://..."


@pytest.fixture
def bank(db):
    """A neighbourhood with MEMBERS members (the first its administrator), tight limits, no
    welcome credit, every account opened."""
    hood = f.make_neighbourhood(slug="drukte")
    people = [f.make_member(hood, role=Role.ADMIN)]
    people += [f.make_member(hood) for _ in range(MEMBERS - 1)]
    services.rules_set(
        actor=people[0],
        neighbourhood=hood,
        min_balance=LOW,
        max_balance=HIGH,
        welcome_credit=0,
        pot=False,
        membership=membership_of(people[0], hood),
    )
    hood.refresh_from_db()
    for person in people:
        services.member_account(person, hood)
    return hood, people


def _in_processes(target, args_per_process):
    """Run target(barrier, queue, *args) in one forked process per args; return what each
    put on the queue. Django's connections are closed first: a child must not share the
    parent's socket, it opens its own connection to the same test database."""
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(args_per_process))
    queue = context.Queue()
    connections.close_all()
    processes = [
        context.Process(target=target, args=(barrier, queue, *args)) for args in args_per_process
    ]
    for process in processes:
        process.start()
    try:
        reports = [queue.get(timeout=TIMEOUT) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():  # pragma: no cover - only when a child hangs
                process.kill()
    assert [p.exitcode for p in processes] == [0] * len(processes)
    return reports


def _give_randomly(barrier, queue, seed, hood_pk, user_pks):
    """A child: TRANSFERS_EACH random gifts; report (successes, refusals, error)."""
    connections.close_all()
    successes = refusals = 0
    error = None
    try:
        rng = random.Random(seed)
        with connection.cursor() as cursor:  # speed only: no wait for the disk on commit
            cursor.execute("SET synchronous_commit = off")
        hood = Neighbourhood.objects.get(pk=hood_pk)
        users = list(User.objects.filter(pk__in=user_pks))
        barrier.wait(timeout=60)
        for _ in range(TRANSFERS_EACH):
            giver, receiver = rng.sample(users, 2)
            try:
                services.give(
                    actor=giver,
                    neighbourhood=hood,
                    to_user=receiver,
                    minutes=rng.randint(1, 90),
                    membership=membership_of(giver, hood),
                )
            except ValidationError:
                refusals += 1
            else:
                successes += 1
    except BaseException:  # noqa: BLE001 - any other error fails the test in the parent
        error = traceback.format_exc()
    finally:
        connections.close_all()
    queue.put((successes, refusals, error))


def test_ten_thousand_transfers_in_twenty_processes_keep_the_ledger_right(bank):
    hood, people = bank
    user_pks = [person.pk for person in people]
    reports = _in_processes(
        _give_randomly, [(seed, hood.pk, user_pks) for seed in range(PROCESSES)]
    )

    errors = [error for _s, _r, error in reports if error is not None]
    assert errors == []
    successes = sum(s for s, _r, _e in reports)
    refusals = sum(r for _s, r, _e in reports)
    assert successes + refusals == PROCESSES * TRANSFERS_EACH
    # the limits were really exercised, and time really moved
    assert refusals >= PROCESSES * TRANSFERS_EACH // 10, (successes, refusals)
    assert successes >= PROCESSES * TRANSFERS_EACH // 10, (successes, refusals)

    accounts = list(Account.objects.filter(neighbourhood=hood))
    assert len(accounts) == MEMBERS
    for account in accounts:  # the rules never changed: every limit is today's
        assert LOW <= account.balance <= HIGH, account.pk
        assert (account.floor, account.ceiling) == (LOW, HIGH)
    assert sum(a.balance for a in accounts) == 0

    # no lost update: every cached balance is the sum of its entries
    sums = dict(
        Entry.objects.filter(neighbourhood=hood)
        .values("account")
        .annotate(total=Sum("amount"))
        .values_list("account", "total")
    )
    assert {a.pk: a.balance for a in accounts} == {a.pk: sums.get(a.pk, 0) for a in accounts}

    # nothing lost, nothing doubled
    transfers = Transfer.objects.filter(neighbourhood=hood)
    assert transfers.count() == transfers.filter(kind=TransferKind.DIRECT).count() == successes
    assert Entry.objects.filter(neighbourhood=hood).count() == 2 * successes

    # one chain, no forks: seq unique and contiguous, the head at its end
    seqs = list(
        Entry.objects.filter(neighbourhood=hood).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 2 * successes + 1))
    assert Rules.objects.get(neighbourhood=hood).head_seq == 2 * successes
    report = verify(hood)
    assert report.ok, [str(p) for p in report.problems]
    assert report.entries == 2 * successes


def _confirm_once(barrier, queue, hood_pk, giver_pk, receiver_pk):
    """A child: submit the same confirmation; report (transfer pk, error)."""
    connections.close_all()
    pk = error = None
    try:
        hood = Neighbourhood.objects.get(pk=hood_pk)
        giver, receiver = User.objects.get(pk=giver_pk), User.objects.get(pk=receiver_pk)
        barrier.wait(timeout=60)
        pk = services.give(
            actor=giver,
            neighbourhood=hood,
            to_user=receiver,
            minutes=30,
            key="same",
            membership=membership_of(giver, hood),
        ).pk
    except BaseException:  # noqa: BLE001 - reported to the parent
        error = traceback.format_exc()
    finally:
        connections.close_all()
    queue.put((pk, error))


def test_the_same_confirmation_from_twenty_processes_is_one_transfer(bank):
    hood, people = bank
    giver, receiver = people[1], people[2]
    reports = _in_processes(_confirm_once, [(hood.pk, giver.pk, receiver.pk)] * PROCESSES)

    assert [error for _pk, error in reports if error is not None] == []
    transfer = Transfer.objects.get(neighbourhood=hood)  # exactly one
    assert transfer.key == "caller:same" and transfer.kind == TransferKind.DIRECT
    assert {pk for pk, _error in reports} == {transfer.pk}  # every process got that one
    assert services.member_account(giver, hood).balance == -30
    assert services.member_account(receiver, hood).balance == 30
    assert Entry.objects.filter(neighbourhood=hood).count() == 2
    assert verify(hood).ok
