"""How fast the inventory import handles 10,000 rows, against a naive row-by-row peer.

For SQLite (a temporary file) and PostgreSQL (a throwaway database
`buurtkracht_bench_inv`, created, migrated and dropped) it runs, in a separate process
against the freshly migrated database:

- the import as a person goes through it: upload (read and check the file), the dry run
  (preview of every row) and the import (checks again, then writes with bulk operations in
  one transaction) of a 10,000-row CSV: 4,000 places with words and 6,000 spaces and things;
- the same file imported again (every row unchanged) and a file that changes every row;
- reading the same 10,000 rows from an XLSX file;
- a naive peer: the same rows, read and checked the same way, written with one
  Model.objects.create() (and items.add()) per row inside one transaction.

Each of the import measurements is the best of `--repeat` runs, each in a new neighbourhood.
It prints a Markdown table. Timings are never asserted in tests.

    .venv/bin/python benchmarks/bench_inventory.py [--repeat 3] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
BUURTKRACHT = BIN / "buurtkracht"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "buurtkracht_bench_inv"
ROWS = 10_000
PLACES = 4_000


# --- the worker: runs inside Django, against DATABASE_URL ------------------------------------


def build_rows(places: int, total: int, *, variant: str = "") -> list[list[str]]:
    from buurtkracht.inventory.columns import COLUMN_KEYS

    kinds = ["buurthuis", "moestuin", "school", "sportclub", "vereniging", "winkel", "zorg"]
    words = ["koken", "samen-eten", "Tuinieren", "lekkende kraan", "zaal", "computerhulp"]
    things = ["Partytent", "Beamer", "Ladder", "Grote zaal", "Statafels", "Koffiezetapparaat"]

    def row(**values):
        return [str(values.get(key, "")) for key in COLUMN_KEYS]

    rows = []
    for i in range(places):
        rows.append(
            row(
                soort_rij="plek",
                naam=f"Plek {i:05d}",
                type=kinds[i % len(kinds)],
                adres=f"Lindelaan {i + 1}",
                postcode=f"{2031 + i % 50} {'AB' if i % 2 else 'CD'}",
                breedtegraad=f"52,{38000 + i}",
                lengtegraad=f"4,{63000 + i}",
                aanbod=f"Koffie, soep en een praatje{variant}",
                openingstijden="ma-vr 9:00-17:00",
                telefoon="023 123 45 67",
                email=f"info{i}@plek.nl",
                website=f"www.plek{i}.nl",
                woorden=f"{words[i % 6]}; {words[(i + 1) % 6]}",
            )
        )
    for j in range(total - places):
        i = j % places
        rows.append(
            row(
                soort_rij="middel",
                naam=f"Plek {i:05d}",
                type="ruimte" if j % 3 == 0 else "spullen",
                middel=f"{things[j % len(things)]} {j // places}",
                aanbod=f"Schoon terugbrengen{variant}",
                uitlenen="ja" if j % 2 else "nee",
                regels="Vooraf bellen",
                max_dagen=str(1 + j % 14),
            )
        )
    return rows


def csv_bytes(rows) -> bytes:
    from buurtkracht.inventory.columns import COLUMN_KEYS
    from buurtkracht.inventory.spreadsheet import write_csv

    return write_csv(list(COLUMN_KEYS), rows)


def xlsx_bytes(rows) -> bytes:
    from buurtkracht.inventory.columns import COLUMN_KEYS
    from buurtkracht.inventory.spreadsheet import write_xlsx

    return write_xlsx(list(COLUMN_KEYS), rows, title="Inventaris")


class Clock:
    def __init__(self):
        self.times: dict[str, float] = {}

    def __call__(self, name, fn, *args, **kwargs):
        started = time.perf_counter()
        result = fn(*args, **kwargs)
        self.times[name] = time.perf_counter() - started
        return result


def _setup(n: int):
    from buurtkracht.accounts.models import User
    from buurtkracht.core.choices import Role
    from buurtkracht.neighbourhoods.models import Membership, Neighbourhood

    hood = Neighbourhood.objects.create(
        name=f"Bench {n}", slug=f"bench-{n}", municipality="Haarlem", modules=["gifts"]
    )
    user = User.objects.create(username=f"bench{n}")
    Membership.objects.create(user=user, neighbourhood=hood, role=Role.ADMIN)
    return hood, user


def check(preview) -> None:
    if not preview.can_import:
        raise RuntimeError(str([r.errors for r in preview.rows if r.errors][:3]))


def _full_import(hood, user, data: bytes) -> dict:
    from buurtkracht.inventory import services

    clock = Clock()
    job = clock(
        "upload",
        services.import_job_create,
        actor=user,
        neighbourhood=hood,
        filename="inventaris.csv",
        data=data,
    )
    preview = clock("preview", services.inventory_preview, job=job)
    check(preview)
    counts = clock("import", services.inventory_import, actor=user, job=job)
    clock.times["total"] = sum(clock.times.values())
    return {"times": clock.times, "counts": counts.__dict__}


def _naive(hood, user, data: bytes) -> dict:
    """Read and check exactly like the import, then write one row at a time."""
    from django.db import transaction

    from buurtkracht.gifts.models import Resource
    from buurtkracht.inventory import services
    from buurtkracht.places.models import Place

    clock = Clock()
    job = clock(
        "upload",
        services.import_job_create,
        actor=user,
        neighbourhood=hood,
        filename="inventaris.csv",
        data=data,
    )
    preview = clock("preview", services.inventory_preview, job=job)
    check(preview)

    def write():
        with transaction.atomic():
            for plan in preview.validator.place_plans:
                place = Place.objects.create(neighbourhood=hood, created_by=user, **plan.values)
                plan.pk = place.pk
                if plan.items:
                    place.items.add(*plan.items)
            for plan in preview.validator.resource_plans:
                place_id = plan.place.pk if plan.place is not None else plan.place_id
                Resource.objects.create(place_id=place_id, **plan.values)

    clock("import", write)
    clock.times["total"] = sum(clock.times.values())
    return {"times": clock.times}


def worker(repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")
    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from buurtkracht.inventory.selectors import export_headers, export_rows
    from buurtkracht.inventory.spreadsheet import read_sheet, write_csv, write_xlsx
    from buurtkracht.places.models import Place

    translation.activate("nl")
    rows = build_rows(PLACES, ROWS)
    data = csv_bytes(rows)
    changed = csv_bytes(build_rows(PLACES, ROWS, variant=" (nieuw)"))
    results: dict[str, dict] = {}

    def best(name, runs):
        results[name] = min(runs, key=lambda r: r["times"]["total"])
        results[name]["slowest"] = max(r["times"]["total"] for r in runs)

    n = 0
    first, again, update = [], [], []
    for _ in range(repeat):
        n += 1
        hood, user = _setup(n)
        first.append(_full_import(hood, user, data))
        again.append(_full_import(hood, user, data))
        update.append(_full_import(hood, user, changed))
        if Place.objects.filter(neighbourhood=hood).count() != PLACES:
            raise RuntimeError("the import did not write every place")
    best("bulk: first import", first)
    best("bulk: same file again", again)
    best("bulk: every row changed", update)

    exports = {"csv": [], "xlsx": []}
    for _ in range(repeat):
        for name, write in (
            ("csv", write_csv),
            ("xlsx", lambda headers, rows: write_xlsx(headers, rows, title="Inventaris")),
        ):
            started = time.perf_counter()
            write(export_headers(), export_rows(neighbourhood=hood))
            exports[name].append(time.perf_counter() - started)
    for name, runs in exports.items():
        results[f"export {name}: 10,000 rows"] = {
            "times": {"total": min(runs)},
            "slowest": max(runs),
        }

    n += 1
    hood, user = _setup(n)
    best("naive: first import", [_naive(hood, user, data)])

    xlsx = xlsx_bytes(rows)
    clock = Clock()
    for i in range(repeat):
        clock(f"read{i}", read_sheet, filename="inventaris.xlsx", data=xlsx)
    read_times = [v for k, v in clock.times.items() if k.startswith("read")]
    results["xlsx: read 10,000 rows"] = {
        "times": {"upload": min(read_times), "total": min(read_times)},
        "slowest": max(read_times),
    }
    print(
        json.dumps(
            {
                "results": results,
                "vendor": connection.vendor,
                "csv_bytes": len(data),
                "xlsx_bytes": len(xlsx),
            }
        )
    )


# --- the driver ---------------------------------------------------------------------------


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def env_for(var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BUURTKRACHT_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="buurtkracht.settings",
        LOG_LEVEL="ERROR",
    )
    return env


def measure(env: dict[str, str], repeat: int) -> dict:
    run([str(BUURTKRACHT), "migrate", "--verbosity", "0"], env)
    out = run([str(PYTHON), __file__, "--worker", "--repeat", str(repeat)], env)
    return json.loads(out.strip().splitlines()[-1])


def bench_sqlite(work: Path, repeat: int) -> dict:
    print("SQLite: migrating and measuring ...", file=sys.stderr, flush=True)
    return measure(env_for(work, f"sqlite:///{work / 'bench_inv.sqlite3'}"), repeat)


def bench_postgres(work: Path, repeat: int) -> dict:
    import psycopg

    def admin(sql: str) -> None:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5) as db:
            db.execute(sql)

    print("PostgreSQL: migrating and measuring ...", file=sys.stderr, flush=True)
    admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        return measure(env_for(work, f"{POSTGRES_URL}/{BENCH_DB}"), repeat)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def table(by_database: dict[str, dict]) -> str:
    lines = [
        "| database | what | upload s | preview s | import s | total s, best (slowest) "
        "| rows/s | naive ÷ this |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for database, measured in by_database.items():
        results = measured["results"]
        naive = results["naive: first import"]["times"]
        for name, r in results.items():
            t = r["times"]
            ratio = ""
            if name.startswith("bulk: first"):
                total, write = naive["total"] / t["total"], naive["import"] / t["import"]
                ratio = f"{total:.1f}× (write: {write:.1f}×)"
            cells = [
                f"{t.get(step, 0):.2f}" if step in t else "–"
                for step in ("upload", "preview", "import")
            ]
            lines.append(
                f"| {database} | {name} | {' | '.join(cells)} "
                f"| {t['total']:.2f} ({r['slowest']:.2f}) | {ROWS / t['total']:,.0f} | {ratio} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.repeat)
        return
    by_database = {}
    with tempfile.TemporaryDirectory(prefix="bench-inv-") as tmp:
        work = Path(tmp)
        by_database["SQLite"] = bench_sqlite(work, args.repeat)
        if not args.skip_postgres:
            by_database["PostgreSQL"] = bench_postgres(work, args.repeat)
    first = next(iter(by_database.values()))
    print(
        f"Inventory import, {ROWS:,} rows ({PLACES:,} places, {ROWS - PLACES:,} spaces and "
        f"things; CSV {first['csv_bytes'] / 1024 / 1024:.1f} MB, XLSX "
        f"{first['xlsx_bytes'] / 1024 / 1024:.1f} MB). Python {platform.python_version()}, "
        f"{platform.machine()}.\n"
    )
    print(table(by_database))
    print(
        "\nupload = read and check the file and store it; preview = the dry run over every "
        "row; import = check again and write in one transaction. The naive peer reads and "
        "checks the same way and writes one create() per row (in one transaction)."
    )


if __name__ == "__main__":
    main()
