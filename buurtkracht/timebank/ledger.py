"""Checking a ledger: `buurtkracht ledger-verify` and the tests use `verify`.

Walks a neighbourhood's entries in chain order and reports, naming the entry:
- a gap in the sequence (an entry removed), or a sequence that ends before the head;
- an entry whose stored `prev_hash` is not the hash before it, or whose own hash does not
  match its fields (an entry altered, or one removed and the chain patched);
- a transfer whose entries do not sum to zero;
- an account whose cached balance differs from the sum of its entries, or lies outside
  its limits.
Reads in chunks; one pass, memory per transfer and account, not per entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import GENESIS, Account, Entry, Rules
from .services import entry_hash

CHUNK = 5000


@dataclass(frozen=True)
class Problem:
    what: str
    entry_seq: int | None = None
    entry_id: int | None = None

    def __str__(self) -> str:
        if self.entry_seq is None:
            return self.what
        return f"entry #{self.entry_seq} (id {self.entry_id}): {self.what}"


@dataclass(frozen=True)
class Report:
    neighbourhood_id: int
    entries: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(neighbourhood, *, max_problems: int = 100) -> Report:
    neighbourhood_id = getattr(neighbourhood, "pk", neighbourhood)
    rules = Rules.objects.filter(neighbourhood_id=neighbourhood_id).first()
    problems: list[Problem] = []

    def note(problem: Problem) -> None:
        if len(problems) < max_problems:
            problems.append(problem)

    expected_seq, prev = 1, GENESIS
    sums: dict[int, int] = {}
    balances: dict[int, int] = {}
    count = 0
    rows = (
        Entry.objects.filter(neighbourhood_id=neighbourhood_id)
        .order_by("seq")
        .values_list(
            "id", "seq", "transfer_id", "account_id", "amount", "created_at", "prev_hash", "hash"
        )
        .iterator(chunk_size=CHUNK)
    )
    for pk, seq, transfer_id, account_id, amount, created_at, prev_hash, stored in rows:
        count += 1
        if seq != expected_seq:
            missing = (
                f"entry #{expected_seq} is missing"
                if seq == expected_seq + 1
                else f"entries #{expected_seq}–#{seq - 1} are missing"
            )
            note(Problem(f"{missing} (removed?)", seq, pk))
        if prev_hash != prev:
            note(Problem("does not follow the entry before it (prev_hash differs)", seq, pk))
        computed = entry_hash(
            prev_hash,
            neighbourhood_id=neighbourhood_id,
            seq=seq,
            transfer_id=transfer_id,
            account_id=account_id,
            amount=amount,
            created_at=created_at,
        )
        if computed != stored:
            note(Problem("was altered (its hash does not match its contents)", seq, pk))
        prev, expected_seq = stored, seq + 1
        sums[transfer_id] = sums.get(transfer_id, 0) + amount
        balances[account_id] = balances.get(account_id, 0) + amount
    head_seq = rules.head_seq if rules else 0
    head_hash = rules.head_hash if rules else GENESIS
    if expected_seq - 1 != head_seq:
        note(Problem(f"the chain ends at #{expected_seq - 1} but its head says #{head_seq}"))
    elif prev != head_hash:
        note(Problem(f"the last entry #{head_seq} is not the one the head recorded"))
    for transfer_id, total in sums.items():
        if total != 0:
            note(Problem(f"transfer {transfer_id} does not add up to zero ({total:+d} minutes)"))
    for pk, balance, floor, ceiling in Account.objects.filter(
        neighbourhood_id=neighbourhood_id
    ).values_list("pk", "balance", "floor", "ceiling"):
        derived = balances.get(pk, 0)
        if balance != derived:
            note(Problem(f"account {pk}: cached balance {balance} ≠ {derived} from its entries"))
        if not floor <= derived <= ceiling:
            note(Problem(f"account {pk}: balance {derived} outside its limits"))
    return Report(neighbourhood_id, count, tuple(problems))
