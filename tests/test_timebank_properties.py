"""The time bank's ledger under random use: a hypothesis state machine gives, donates,
grants, reverses, changes the limits, closes accounts and erases members in a fresh
neighbourhood per example, keeps its own model of every account, and checks after every
step that the database agrees with the model and that the ledger's invariants hold
(balanced, cached balances right, within limits, append-only, hash chain intact).

Runs on SQLite and PostgreSQL alike: every example makes its own neighbourhood (unique
slug), so nothing depends on rolling back between examples."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from buurtkracht.core.choices import Role
from buurtkracht.timebank import services
from buurtkracht.timebank.ledger import verify
from buurtkracht.timebank.models import Account, AccountKind, Entry, Rules, Transfer, TransferKind
from tests.factories import membership_of

from . import factories as f

pytestmark = pytest.mark.django_db

OUTCOMES: Counter = Counter()  # (transfer kind, written?) → how often, over the whole run
MEMBERS = 5  # residents, besides the administrator
SMALL = st.integers(min_value=1, max_value=90)
AMOUNTS = st.one_of(
    SMALL,  # usually fits
    SMALL,
    st.integers(min_value=1, max_value=400),  # often over a limit
    st.integers(min_value=-30, max_value=0),  # never allowed
    st.sampled_from([services.MAX_MINUTES, services.MAX_MINUTES + 1, 10**6]),
)


@dataclass
class Modelled:
    """What the model expects of one account."""

    kind: str
    balance: int
    floor: int
    ceiling: int
    is_open: bool = True


@dataclass
class Posted:
    """A transfer the model knows: its legs (account pk → minutes)."""

    pk: int
    kind: str
    legs: dict[int, int]
    reversed: bool = field(default=False)


def _excess(balance: int, low: int, high: int) -> int:
    """How far a balance lies outside [low, high] (0 when inside)."""
    return max(0, low - balance, balance - high)


class TimeBankMachine(RuleBasedStateMachine):
    # --- Setting up: one fresh neighbourhood per example --------------------------------

    @initialize(
        low=st.integers(min_value=-240, max_value=-30),
        high=st.integers(min_value=60, max_value=400),
        welcome=st.sampled_from([0, 30, 60]),
    )
    def open_the_bank(self, low, high, welcome):
        self.hood = f.make_neighbourhood(slug=f"tijdbank-{uuid.uuid4().hex[:16]}")
        self.admin = f.make_member(self.hood, role=Role.ADMIN)
        self.people = [self.admin] + [f.make_member(self.hood) for _ in range(MEMBERS)]
        self.erased: set[int] = set()  # indexes into self.people
        services.rules_set(
            actor=self.admin,
            neighbourhood=self.hood,
            min_balance=low,
            max_balance=high,
            welcome_credit=welcome,
            pot=True,
            membership=membership_of(self.admin, self.hood),
        )
        self.hood.refresh_from_db()
        self.low, self.high, self.welcome = low, high, welcome
        # Open every account up front, so no transfer opens one on the side.
        self.account_of = {
            i: services.member_account(person, self.hood).pk for i, person in enumerate(self.people)
        }
        self.pot = services.pot_of(self.hood)
        self.model: dict[int, Modelled] = {
            pk: Modelled(AccountKind.MEMBER, welcome, low, high) for pk in self.account_of.values()
        }
        self.model[self.pot.pk] = Modelled(AccountKind.POT, 0, 0, 10**12)
        if welcome:
            issuer = services.issuer_of(self.hood)
            self.model[issuer.pk] = Modelled(
                AccountKind.ISSUE, -welcome * len(self.people), -(10**12), 0
            )
        self.transfers = [
            Posted(t.pk, t.kind, self._legs_in_db(t.pk))
            for t in Transfer.objects.filter(neighbourhood=self.hood).order_by("pk")
        ]
        assert len(self.transfers) == (len(self.people) if welcome else 0)
        assert all(t.kind == TransferKind.WELCOME for t in self.transfers)
        self.snapshot: list[tuple] = []
        self.excess_seen: dict[int, int] | None = None
        self.excess_rules = (low, high)

    # --- Helpers ------------------------------------------------------------------------

    def _legs_in_db(self, transfer_pk: int) -> dict[int, int]:
        return dict(Entry.objects.filter(transfer_id=transfer_pk).values_list("account", "amount"))

    def _present(self, index: int) -> int:
        """An index of a person who still exists (erased people cannot act or receive)."""
        present = [i for i in range(len(self.people)) if i not in self.erased]
        return present[index % len(present)]

    def _ledger_state(self):
        rules = Rules.objects.get(neighbourhood=self.hood)
        return (
            Entry.objects.filter(neighbourhood=self.hood).count(),
            Transfer.objects.filter(neighbourhood=self.hood).count(),
            rules.head_seq,
            rules.head_hash,
            rules.min_balance,
            rules.max_balance,
            sorted(
                Account.objects.filter(neighbourhood=self.hood).values_list(
                    "pk", "balance", "floor", "ceiling", "is_open"
                )
            ),
        )

    def _expect(self, legs: dict[int, int], kind: str, allowed: bool, call):
        """Run `call`; it must succeed exactly when `allowed`, write `legs` then, and
        change nothing when refused."""
        OUTCOMES[kind, allowed] += 1
        before = self._ledger_state()
        if not allowed:
            with pytest.raises(ValidationError):
                call()
            assert self._ledger_state() == before, "a refused transfer changed the ledger"
            return None
        transfer = call()
        assert transfer.kind == kind
        assert self._legs_in_db(transfer.pk) == legs
        for pk, amount in legs.items():
            account = self.model[pk]
            account.balance += amount
            if account.kind == AccountKind.MEMBER:  # refitted to today's limits
                account.floor = min(self.low, account.balance)
                account.ceiling = max(self.high, account.balance)
        posted = Posted(transfer.pk, kind, legs)
        self.transfers.append(posted)
        return posted

    def _fits(self, legs: dict[int, int], *, closed_ok: bool = False) -> bool:
        for pk, amount in legs.items():
            account = self.model[pk]
            if not account.is_open and not closed_ok:
                return False
            if not account.floor <= account.balance + amount <= account.ceiling:
                return False
        return True

    # --- What people do -----------------------------------------------------------------

    @rule(giver=st.integers(0, 100), receiver=st.integers(0, 100), minutes=AMOUNTS)
    def give(self, giver, receiver, minutes):
        giver, receiver = self._present(giver), self._present(receiver)
        source, target = self.account_of[giver], self.account_of[receiver]
        legs = {source: -minutes, target: minutes} if giver != receiver else {}
        allowed = giver != receiver and 0 < minutes <= services.MAX_MINUTES and self._fits(legs)
        self._expect(
            legs,
            TransferKind.DIRECT,
            allowed,
            lambda: services.give(
                actor=self.people[giver],
                neighbourhood=self.hood,
                to_user=self.people[receiver],
                minutes=minutes,
                note="voor het helpen",
                membership=membership_of(self.people[giver], self.hood),
            ),
        )

    @rule(giver=st.integers(0, 100), minutes=AMOUNTS)
    def donate_to_the_pot(self, giver, minutes):
        giver = self._present(giver)
        legs = {self.account_of[giver]: -minutes, self.pot.pk: minutes}
        allowed = 0 < minutes <= services.MAX_MINUTES and self._fits(legs)
        self._expect(
            legs,
            TransferKind.DONATION,
            allowed,
            lambda: services.donate(
                actor=self.people[giver],
                neighbourhood=self.hood,
                to_account=self.pot,
                minutes=minutes,
                membership=membership_of(self.people[giver], self.hood),
            ),
        )

    @rule(
        receiver=st.integers(0, 100),
        minutes=AMOUNTS,
        what_is_there=st.sampled_from([True, True, False]),
        by_admin=st.sampled_from([True, True, True, False]),
    )
    def grant_from_the_pot(self, receiver, minutes, what_is_there, by_admin):
        receiver = self._present(receiver)
        pot = self.model[self.pot.pk].balance
        if what_is_there and pot > 0:  # at most what the pot holds: usually granted
            minutes = min(minutes, pot) if minutes > 0 else pot
        actor = self.admin if by_admin else self.people[self._present(1 + receiver)]
        legs = {self.pot.pk: -minutes, self.account_of[receiver]: minutes}
        allowed = actor == self.admin and 0 < minutes <= services.MAX_MINUTES and self._fits(legs)
        self._expect(
            legs,
            TransferKind.GRANT,
            allowed,
            lambda: services.grant(
                actor=actor,
                neighbourhood=self.hood,
                to_user=self.people[receiver],
                minutes=minutes,
                reason="kan het even niet betalen",
                membership=membership_of(actor, self.hood),
            ),
        )

    @precondition(lambda self: self.transfers)
    @rule(which=st.integers(0, 10**6))
    def reverse_an_earlier_transfer(self, which):
        original = self.transfers[which % len(self.transfers)]
        legs = {pk: -amount for pk, amount in original.legs.items()}
        allowed = (
            original.kind != TransferKind.REVERSAL
            and not original.reversed
            and self._fits(legs, closed_ok=True)  # a correction may touch closed accounts
        )
        posted = self._expect(
            legs,
            TransferKind.REVERSAL,
            allowed,
            lambda: services.reverse(
                actor=self.admin,
                transfer=Transfer.objects.get(pk=original.pk),
                reason="vergissing",
                membership=membership_of(self.admin, self.hood),
            ),
        )
        if posted is not None:
            original.reversed = True
            assert Transfer.objects.get(pk=posted.pk).reverses_id == original.pk

    # --- What administrators change -----------------------------------------------------

    @rule(low=st.integers(-300, 30), high=st.integers(-30, 600))
    def change_the_limits(self, low, high):
        allowed = low <= 0 and high >= 0 and self.welcome <= high
        before = self._ledger_state()
        if not allowed:
            with pytest.raises(ValidationError):
                services.rules_set(
                    actor=self.admin,
                    neighbourhood=self.hood,
                    min_balance=low,
                    max_balance=high,
                    membership=membership_of(self.admin, self.hood),
                )
            assert self._ledger_state() == before
            return
        services.rules_set(
            actor=self.admin,
            neighbourhood=self.hood,
            min_balance=low,
            max_balance=high,
            membership=membership_of(self.admin, self.hood),
        )
        self.low, self.high = low, high
        for account in self.model.values():
            if account.kind == AccountKind.MEMBER:  # balances are kept, limits widened
                account.floor = min(low, account.balance)
                account.ceiling = max(high, account.balance)
        assert self._ledger_state()[:4] == before[:4]  # no transfer, no entry

    @precondition(
        lambda self: (
            sum(a.is_open and a.kind == AccountKind.MEMBER for a in self.model.values()) > 3
        )
    )
    @rule(who=st.integers(0, 100))
    def close_an_account(self, who):
        who = self._present(who)
        account = Account.objects.get(pk=self.account_of[who])
        services.account_close(
            actor=self.admin,
            account=account,
            membership=membership_of(self.admin, account.neighbourhood),
        )
        self.model[account.pk].is_open = False

    @precondition(lambda self: len(self.erased) < 2)
    @rule(who=st.integers(1, MEMBERS))
    def erase_a_member(self, who):
        if who in self.erased:
            return
        balance = self.model[self.account_of[who]].balance
        self.people[who].delete()
        self.erased.add(who)
        account = Account.objects.get(pk=self.account_of[who])
        assert account.user_id is None and account.balance == balance  # stays, pseudonymous

    # --- After every step ----------------------------------------------------------------

    @invariant()
    def the_ledger_holds(self):
        accounts = list(
            Account.objects.filter(neighbourhood=self.hood).values_list(
                "pk", "kind", "balance", "floor", "ceiling", "is_open"
            )
        )
        sums = dict(
            Entry.objects.filter(neighbourhood=self.hood)
            .values("account")
            .annotate(total=Sum("amount"))
            .values_list("account", "total")
        )
        # the whole neighbourhood adds up to zero
        assert sum(balance for _pk, _kind, balance, *_rest in accounts) == 0
        for pk, kind, balance, floor, ceiling, is_open in accounts:
            assert balance == sums.get(pk, 0), f"account {pk}: cached balance ≠ its entries"
            assert floor <= balance <= ceiling, f"account {pk}: outside its limits"
            expected = self.model[pk]
            assert (kind, balance, floor, ceiling, is_open) == (
                expected.kind,
                expected.balance,
                expected.floor,
                expected.ceiling,
                expected.is_open,
            ), f"account {pk} differs from the model"
        assert len(accounts) == len(self.model)

        # a member never moves further outside today's limits than it was
        excess = {
            pk: _excess(balance, self.low, self.high)
            for pk, kind, balance, *_rest in accounts
            if kind == AccountKind.MEMBER
        }
        if self.excess_seen is not None and self.excess_rules == (self.low, self.high):
            for pk, now in excess.items():
                assert now <= self.excess_seen[pk], f"account {pk} moved away from the limits"
        self.excess_seen, self.excess_rules = excess, (self.low, self.high)

        # append-only: earlier entries are all still there, unchanged, in order
        entries = list(
            Entry.objects.filter(neighbourhood=self.hood)
            .order_by("seq")
            .values_list("id", "seq", "transfer_id", "account_id", "amount", "hash")
        )
        assert len(entries) >= len(self.snapshot)
        assert entries[: len(self.snapshot)] == self.snapshot, "an entry changed or vanished"
        self.snapshot = entries
        assert len(entries) == sum(len(t.legs) for t in self.transfers)

        report = verify(self.hood)
        assert report.ok, [str(p) for p in report.problems]
        assert report.entries == len(entries)


def test_the_ledger_holds_under_random_use(db):
    OUTCOMES.clear()
    run_state_machine_as_test(
        TimeBankMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
            derandomize=True,  # the same examples on every run and machine
        ),
    )
    # the run took both paths of every kind of transfer (not just refusals)
    for kind in (
        TransferKind.DIRECT,
        TransferKind.DONATION,
        TransferKind.GRANT,
        TransferKind.REVERSAL,
    ):
        assert OUTCOMES[kind, True] and OUTCOMES[kind, False], (kind, dict(OUTCOMES))
