"""Time bank benchmark: transfers per second and verifying a million-entry ledger.

    python benchmarks/bench_timebank.py [--database-url URL] [--no-docs]

Without --database-url it runs on SQLite (a throwaway file) and on PostgreSQL
(postgres://postgres@127.0.0.1:5432/buurtkracht_bench_timebank, recreated).

Per database, in one run:
- transfers per second through `timebank.services.give` (lock, limit checks, balance
  updates, hash-chained entries, audit log) with 1 writer and with 20 writer processes,
  among 200 members with limits; refused transfers (over a limit) are counted apart;
- the peer: the naive way — two balance UPDATEs in a transaction, no ledger, no chain,
  no limits enforced by the database — with the same writers;
- `ledger.verify` over a ledger of 1,000,000 entries (500,000 transfers, written in bulk
  with real hashes), next to the peer: one ordered scan of the same rows doing nothing.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOCS = ROOT / "docs" / "benchmarks.md"
SQLITE = Path("/tmp/buurtkracht_bench_timebank.sqlite3")  # noqa: S108 (throwaway)
POSTGRES = "postgres://postgres@127.0.0.1:5432/buurtkracht_bench_timebank"
MEMBERS = 200
WRITERS = 20


def _django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")
    import django

    django.setup()


def _fresh(url: str) -> None:
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE}{suffix}").unlink(missing_ok=True)
    else:
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "buurtkracht"), "migrate", "--verbosity", "0"],
        env={**os.environ, "DATABASE_URL": url},
        check=True,
        cwd=ROOT,
    )


def _setup_members(url: str) -> dict:
    _django(url)
    from buurtkracht.accounts.models import User
    from buurtkracht.core.choices import Role
    from buurtkracht.neighbourhoods.models import Membership, Neighbourhood
    from buurtkracht.timebank import services

    hood = Neighbourhood.objects.create(
        name="Bank", slug="bank", municipality="Haarlem", modules=["timebank"]
    )
    admin = User.objects.create(username="bank-admin", email="admin@bank.test")
    Membership.objects.create(user=admin, neighbourhood=hood, role=Role.ADMIN)
    users = User.objects.bulk_create(
        [User(username=f"lid{n}", email=f"lid{n}@bank.test") for n in range(MEMBERS)]
    )
    Membership.objects.bulk_create([Membership(user=u, neighbourhood=hood) for u in users])
    services.rules_set(
        actor=admin, neighbourhood=hood, min_balance=-600, max_balance=600, welcome_credit=0
    )
    for user in users:
        services.member_account(user, hood)
    return {"hood": hood.pk, "users": [u.pk for u in users]}


def _writer(url, hood_id, users, count, seed, naive, queue):
    from django.db import connections

    _django(url)
    connections.close_all()
    from django.core.exceptions import ValidationError
    from django.db import transaction
    from django.db.models import F

    from buurtkracht.accounts.models import User
    from buurtkracht.neighbourhoods.models import Neighbourhood
    from buurtkracht.timebank import services
    from buurtkracht.timebank.models import Account

    rng = random.Random(seed)
    hood = Neighbourhood.objects.get(pk=hood_id)
    people = {pk: User(pk=pk) for pk in users}
    accounts = dict(Account.objects.filter(neighbourhood=hood).values_list("user_id", "pk"))
    done = refused = 0
    for _ in range(count):
        giver, receiver = rng.sample(users, 2)
        minutes = rng.randint(5, 120)
        if naive:
            with transaction.atomic():
                Account.objects.filter(pk=accounts[giver]).update(balance=F("balance") - minutes)
                Account.objects.filter(pk=accounts[receiver]).update(balance=F("balance") + minutes)
            done += 1
            continue
        try:
            services.give(
                actor=people[giver],
                neighbourhood=hood,
                to_user=people[receiver],
                minutes=minutes,
            )
            done += 1
        except ValidationError:
            refused += 1
    queue.put((done, refused))


def transfers_per_second(url: str, ids: dict, writers: int, total: int, naive: bool) -> dict:
    if naive:  # the peer has no limits: lift the CHECK's bounds so it never refuses
        from buurtkracht.timebank.models import NO_LIMIT, Account

        Account.objects.filter(neighbourhood_id=ids["hood"]).update(
            floor=-NO_LIMIT, ceiling=NO_LIMIT
        )
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    per = total // writers
    processes = [
        context.Process(
            target=_writer,
            args=(url, ids["hood"], ids["users"], per, seed, naive, queue),
        )
        for seed in range(writers)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    done = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    return {
        "writers": writers,
        "attempted": per * writers,
        "done": done,
        "refused": refused,
        "seconds": round(seconds, 2),
        "per_second": round((done + refused) / seconds, 1),
    }


def _bulk_ledger(url: str, entries: int) -> dict:
    """A second neighbourhood with `entries` hash-chained entries, written in bulk."""
    _django(url)
    from django.db import connection, transaction

    from buurtkracht.neighbourhoods.models import Neighbourhood
    from buurtkracht.timebank.models import GENESIS, Account, AccountKind, Rules
    from buurtkracht.timebank.services import entry_hash

    hood = Neighbourhood.objects.create(
        name="Groot", slug="groot", municipality="Haarlem", modules=["timebank"]
    )
    rules = Rules.objects.create(neighbourhood=hood, min_balance=-(10**6), max_balance=10**6)
    accounts = Account.objects.bulk_create(
        [
            Account(neighbourhood=hood, kind=AccountKind.MEMBER, floor=-(10**9), ceiling=10**9)
            for _ in range(1000)
        ]
    )
    ids = [a.pk for a in accounts]
    rng = random.Random(7)
    balances = dict.fromkeys(ids, 0)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM timebank_transfer")
        next_transfer = cursor.fetchone()[0] + 1
        prev, seq = GENESIS, 0
        transfers, rows = [], []
        for n in range(entries // 2):
            transfer_id = next_transfer + n
            at = start + timedelta(seconds=n)
            transfers.append((transfer_id, hood.pk, "direct", at, "", None))
            a, b = rng.sample(ids, 2)
            minutes = rng.randint(5, 120)
            for account_id, amount in sorted(((a, -minutes), (b, minutes))):
                seq += 1
                digest = entry_hash(
                    prev,
                    neighbourhood_id=hood.pk,
                    seq=seq,
                    transfer_id=transfer_id,
                    account_id=account_id,
                    amount=amount,
                    created_at=at,
                )
                rows.append((transfer_id, account_id, hood.pk, seq, amount, at, prev, digest))
                balances[account_id] += amount
                prev = digest
            if len(rows) >= 20_000:
                _flush(cursor, transfers, rows)
                transfers, rows = [], []
        _flush(cursor, transfers, rows)
        for account_id, balance in balances.items():
            cursor.execute(
                "UPDATE timebank_account SET balance = %s WHERE id = %s", [balance, account_id]
            )
        Rules.objects.filter(pk=rules.pk).update(head_seq=seq, head_hash=prev)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"hood": hood.pk, "entries": seq, "write_seconds": round(time.perf_counter() - t0, 1)}


def _flush(cursor, transfers, rows) -> None:
    cursor.executemany(
        "INSERT INTO timebank_transfer (id, neighbourhood_id, kind, created_at, reason, key) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        transfers,
    )
    cursor.executemany(
        "INSERT INTO timebank_entry (transfer_id, account_id, neighbourhood_id, seq, amount, "
        "created_at, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        rows,
    )


def verify_speed(url: str, entries: int) -> dict:
    facts = _bulk_ledger(url, entries)
    from buurtkracht.timebank.ledger import verify
    from buurtkracht.timebank.models import Entry

    t0 = time.perf_counter()
    report = verify(facts["hood"])
    verify_seconds = time.perf_counter() - t0
    if not report.ok:
        raise RuntimeError(f"the bulk ledger does not verify: {report.problems[:3]}")
    t0 = time.perf_counter()
    scanned = 0
    for _row in (
        Entry.objects.filter(neighbourhood_id=facts["hood"])
        .order_by("seq")
        .values_list(
            "id", "seq", "transfer_id", "account_id", "amount", "created_at", "prev_hash", "hash"
        )
        .iterator(chunk_size=5000)
    ):
        scanned += 1
    scan_seconds = time.perf_counter() - t0
    return {
        **facts,
        "verify_seconds": round(verify_seconds, 1),
        "scan_seconds": round(scan_seconds, 1),
        "scanned": scanned,
    }


def measure(url: str, transfers: int, entries: int) -> dict:
    _fresh(url)
    ids = _setup_members(url)
    from buurtkracht.timebank.ledger import verify

    result = {"vendor": __import__("django.db").db.connection.vendor, "runs": []}
    for writers in (1, WRITERS):
        result["runs"].append(
            {"system": "ledger", **transfers_per_second(url, ids, writers, transfers, False)}
        )
    if not verify(ids["hood"]).ok:
        raise RuntimeError("the ledger written by the writers does not verify")
    for writers in (1, WRITERS):
        result["runs"].append(
            {"system": "naive", **transfers_per_second(url, ids, writers, transfers, True)}
        )
    result["verify"] = verify_speed(url, entries)
    return result


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kb = int(handle.readline().split()[1])
            memory = f", {kb / 2**20:.0f} GB RAM"
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores{memory}; Python {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )


def table(r: dict) -> str:
    rows = [
        "| writers | system | transfers done | refused (limits) | seconds | per second |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for run in r["runs"]:
        name = "ledger (`services.give`)" if run["system"] == "ledger" else "naive: 2 UPDATEs"
        rows.append(
            f"| {run['writers']} | {name} | {run['done']:,} | {run['refused']:,} "
            f"| {run['seconds']} | {run['per_second']:,} |"
        )
    v = r["verify"]
    ratio = v["verify_seconds"] / v["scan_seconds"] if v["scan_seconds"] else 0
    rows += [
        "",
        f"- `ledger.verify` over **{v['entries']:,} entries**: **{v['verify_seconds']} s** "
        f"(the peer, one ordered scan of the same rows doing nothing: {v['scan_seconds']} s; "
        f"verify = {ratio:.1f}× the scan). Writing them in bulk took {v['write_seconds']} s.",
    ]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--transfers", type=int, default=4000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.database_url, args.transfers, args.entries)))
        return
    urls = [args.database_url] if args.database_url else [f"sqlite:///{SQLITE}", POSTGRES]
    sections = []
    for url in urls:
        child = subprocess.run(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--measure",
                "--database-url",
                url,
                "--transfers",
                str(args.transfers),
                "--entries",
                str(args.entries),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        text = table(result)
        print(f"{result['vendor']}:\n{text}\n", flush=True)
        sections.append(f"### {result['vendor']}\n\n{text}\n")
    if not args.no_docs:
        with DOCS.open("a", encoding="utf-8") as handle:
            handle.write(
                "\n## Time bank (`benchmarks/bench_timebank.py`)\n\n"
                f"Machine: {machine()}.\n\n" + "\n".join(sections)
            )


if __name__ == "__main__":
    main()
