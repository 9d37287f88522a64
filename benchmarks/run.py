"""`make bench`: how fast the demo generator fills a database, against simpler peers.

For SQLite (a fresh temporary file in WAL mode) and PostgreSQL (throwaway databases
`buurtkracht_bench` and `buurtkracht_bench_template`, dropped afterwards) it measures,
each in its own process on a freshly migrated database (migrated once, then copied),
best of three runs:

- the demo generator with 100,000 residents (and with 2,000, to compare at equal size);
- a naive peer: 2,000 residents written one ORM create() per row;
- a bulk_create peer: 20,000 residents, the same rows as the naive peer, with
  QuerySet.bulk_create;
- one password hash, to show what hashing per resident would add.

It prints a Markdown table and rewrites the "Demo generator" section of
docs/benchmarks.md. Nothing here touches var/. Timings are never asserted in tests.

    .venv/bin/python benchmarks/run.py [--residents 100000] [--naive 2000]
        [--bulk-create 20000] [--repeat 3] [--skip-postgres] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
BUURTKRACHT = BIN / "buurtkracht"
WORKER = Path(__file__).resolve().parent / "worker.py"
DOCS = ROOT / "docs" / "benchmarks.md"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = "buurtkracht_bench"
TEMPLATE_DB = "buurtkracht_bench_template"
SECTION = "## Demo generator"
BULK_CREATE_N = 20_000


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def base_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BUURTKRACHT_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="buurtkracht.settings",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    return env


def measure(args: list[str], env: dict[str, str]) -> dict:
    out = run([str(PYTHON), str(WORKER), *args], env)
    return json.loads(out.strip().splitlines()[-1])


class SQLiteBackend:
    name = "SQLite"

    def __init__(self, work: Path):
        self.work = work
        self.template = work / "template.sqlite3"
        self.count = 0

    def prepare(self) -> None:
        env = base_env(self.work, f"sqlite:///{self.template}")
        run([str(BUURTKRACHT), "migrate", "--verbosity", "0"], env)
        # Fold the write-ahead log into the file, so one copy is a complete database.
        with sqlite3.connect(self.template) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def fresh(self) -> dict[str, str]:
        self.count += 1
        path = self.work / f"run{self.count}.sqlite3"
        shutil.copyfile(self.template, path)
        return base_env(self.work, f"sqlite:///{path}")

    def version(self) -> str:
        return f"SQLite {sqlite3.sqlite_version}"

    def cleanup(self) -> None:
        pass


class PostgresBackend:
    name = "PostgreSQL"

    def __init__(self, work: Path):
        self.work = work

    def admin(self):
        import psycopg

        return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=5)

    def drop(self, name: str) -> None:
        with self.admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def prepare(self) -> None:
        for name in (BENCH_DB, TEMPLATE_DB):
            self.drop(name)
        with self.admin() as db:
            db.execute(f'CREATE DATABASE "{TEMPLATE_DB}"')
        env = base_env(self.work, f"{POSTGRES_URL}/{TEMPLATE_DB}")
        run([str(BUURTKRACHT), "migrate", "--verbosity", "0"], env)

    def fresh(self) -> dict[str, str]:
        self.drop(BENCH_DB)
        with self.admin() as db:
            db.execute(f'CREATE DATABASE "{BENCH_DB}" TEMPLATE "{TEMPLATE_DB}"')
        return base_env(self.work, f"{POSTGRES_URL}/{BENCH_DB}")

    def version(self) -> str:
        with self.admin() as db:
            return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0].split()[0]

    def cleanup(self) -> None:
        for name in (BENCH_DB, TEMPLATE_DB):
            self.drop(name)


def bench_backend(
    backend, *, residents: int, naive: int, bulk_create: int, repeat: int
) -> list[dict]:
    print(f"{backend.name}: migrating ...", flush=True)
    backend.prepare()
    rows = []
    plan = [
        ("demo", residents, "demo generator (insert_rows)"),
        ("demo", naive, "demo generator (insert_rows)"),
        ("bulk_create", bulk_create, "peer: ORM bulk_create"),
        ("naive", naive, "peer: one create() per row"),
    ]
    try:
        for mode, n, label in plan:
            print(f"{backend.name}: {label}, {n:,} residents ...", flush=True)
            # Best of `repeat` runs, each on a fresh database: noise only ever adds time.
            runs = [measure([mode, str(n)], backend.fresh()) for _ in range(repeat)]
            result = min(runs, key=lambda r: r["seconds"])
            result.update(
                backend=backend.name,
                label=label,
                asked=n,
                slowest=max(r["seconds"] for r in runs),
                runs=repeat,
            )
            rows.append(result)
            print("  " + ", ".join(f"{r['seconds']:.1f} s" for r in runs), flush=True)
        hashed = min(
            (measure(["hash"], backend.fresh()) for _ in range(repeat)),
            key=lambda r: r["seconds"],
        )
        rows.append({"backend": backend.name, "mode": "hash", **hashed})
        backend.versions = backend.version()
    finally:
        backend.cleanup()
    return rows


def fmt(number: float) -> str:
    return f"{number:,.0f}".replace(",", " ")


def times(ratio: float) -> str:
    return f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"


def duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.0f} hours"
    return f"{seconds / 60:.0f} minutes"


def table(results: list[dict]) -> str:
    lines = [
        "| database | what | residents | rows written | seconds, best (slowest) "
        "| residents/s | rows/s |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r["mode"] == "hash":
            continue
        lines.append(
            f"| {r['backend']} | {r['label']} | {fmt(r['residents'])} | {fmt(r['rows'])} "
            f"| {r['seconds']:.1f} ({r['slowest']:.1f}) | {fmt(r['residents'] / r['seconds'])} "
            f"| {fmt(r['rows'] / r['seconds'])} |"
        )
    return "\n".join(lines)


def ratios(results: list[dict], *, residents: int, naive: int, bulk_create: int) -> list[str]:
    lines = []
    for backend in dict.fromkeys(r["backend"] for r in results):
        mine = [r for r in results if r["backend"] == backend]

        def row(mode: str, asked: int, mine=mine) -> dict:
            return next(r for r in mine if r["mode"] == mode and r.get("asked") == asked)

        def per_second(mode: str, asked: int, what: str = "residents") -> float:
            found = row(mode, asked)
            return found[what] / found["seconds"]

        big = per_second("demo", residents)
        big_rows = per_second("demo", residents, "rows")
        hash_seconds = next(r["seconds"] for r in mine if r["mode"] == "hash")
        naive_rate = per_second("naive", naive)
        bulk_rate = per_second("bulk_create", bulk_create)
        lines.append(
            f"- **{backend}**: at {fmt(residents)} residents the generator is "
            f"**{times(big / naive_rate)}** the naive peer in residents per second "
            f"({times(big_rows / per_second('naive', naive, 'rows'))} in rows per second) "
            f"and {times(big / bulk_rate)} the bulk_create peer "
            f"({times(big_rows / per_second('bulk_create', bulk_create, 'rows'))} in rows per "
            f"second). At equal size ({fmt(naive)} residents) it is "
            f"{times(per_second('demo', naive) / naive_rate)} the naive peer. "
            f"One password hash takes {hash_seconds:.2f} s: a hash per resident would add "
            f"about {duration(hash_seconds * residents)} at {fmt(residents)} residents."
        )
    return lines


def machine(versions: list[str]) -> str:
    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S607
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        if match:
            memory = f"{int(match.group(1)) / 1024 / 1024:.0f} GB RAM"
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        if match:
            cpu = match.group(1).strip()
    import django

    return (
        f"{cores} cores (`nproc`), {memory}, {cpu}; Python {platform.python_version()}, "
        f"Django {django.get_version()}, {', '.join(versions)}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d}."
    )


def section(results, *, residents, naive, bulk_create, versions, load, repeat) -> str:
    return "\n".join(
        [
            SECTION,
            "",
            "`make bench` (`benchmarks/run.py`) fills a freshly migrated database, each run in",
            "its own process; only the filling is timed, not Django's start or the migrations.",
            f"Every figure is the best of {repeat} runs (the slowest in brackets); rates and",
            "ratios use the best run.",
            "",
            f"Machine: {machine(versions)}",
            "",
            f"The machine is shared and noisy (load average {load} when this run started):",
            "repeated runs differ by 10–60 %, so read the ratios, not the last digit.",
            "",
            table(results),
            "",
            *ratios(results, residents=residents, naive=naive, bulk_create=bulk_create),
            "",
            "What is compared:",
            "",
            "- *demo generator*: `buurtkracht demo` — per resident a user, profile, membership,",
            "  mostly an e-mail address, sometimes a guided account, about 1.2 consents and 1.5",
            "  contact rows, plus the Vaartkwartier neighbours; and what people bring: about",
            "  2.3 gifts, 0.4 wishes, 1.5 availability slots and 0.5 shared resources per",
            "  resident, the places with their words, and bookings. Made up in memory, then",
            "  written table by table with `demo.bulk.insert_rows` (executemany on SQLite, COPY on",
            "  PostgreSQL, chunks of 20,000 rows) in one transaction; one password hash for",
            "  everybody. Its time includes making up the people, two password hashes (the",
            "  demo password and Henk's PIN: most of the time at 2,000 residents) and the",
            "  commit, where PostgreSQL checks all deferred foreign keys.",
            "- *peer: ORM bulk_create*: only user, profile, membership and e-mail address per",
            "  resident, with `QuerySet.bulk_create(batch_size=5000)`, one transaction. Django",
            "  splits SQLite batches at 999 parameters and builds a model instance and compiles",
            "  every value per row; that, not the database, is most of its time.",
            "- *peer: one create() per row*: the same four rows, each through `Model.save()`,",
            "  in one transaction (with a commit per row it would be slower still). Both peers",
            "  reuse one precomputed password hash, like the generator; the hash line above",
            "  shows what a hash per resident would cost on top.",
            "",
        ]
    )


def update_docs(text: str) -> None:
    if DOCS.exists():
        current = DOCS.read_text()
    else:
        current = (
            "# Benchmarks\n\nFigures from `make bench`. Each section says how it was measured.\n\n"
        )
    if SECTION in current:
        start = current.index(SECTION)
        following = current.find("\n## ", start + len(SECTION))
        end = len(current) if following == -1 else following + 1
        current = current[:start] + text + ("\n" if following != -1 else "") + current[end:]
    else:
        current = current.rstrip("\n") + "\n\n" + text
    DOCS.write_text(current.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=2_000)
    parser.add_argument("--bulk-create", type=int, default=BULK_CREATE_N)
    parser.add_argument("--repeat", type=int, default=3, help="Runs per figure; best counts.")
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/benchmarks.md.")
    parser.add_argument("--skip-postgres", action="store_true")
    options = parser.parse_args()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    results: list[dict] = []
    versions: list[str] = []
    with tempfile.TemporaryDirectory(prefix="buurtkracht-bench-") as tmp:
        backends = [SQLiteBackend(Path(tmp))]
        if not options.skip_postgres:
            backends.append(PostgresBackend(Path(tmp)))
        for backend in backends:
            results += bench_backend(
                backend,
                residents=options.residents,
                naive=options.naive,
                bulk_create=options.bulk_create,
                repeat=options.repeat,
            )
            versions.append(backend.versions)
    text = section(
        results,
        residents=options.residents,
        naive=options.naive,
        bulk_create=options.bulk_create,
        versions=versions,
        load=load,
        repeat=options.repeat,
    )
    print()
    print(text)
    if not options.no_docs:
        update_docs(text)
        print(f"Written to {DOCS.relative_to(ROOT)}.")


if __name__ == "__main__":
    main()
