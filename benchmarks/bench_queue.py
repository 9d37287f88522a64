"""`make bench`: the background queue (issue 15). Not a test: figures, never asserted.

On RabbitMQ (BENCH_BROKER_URL, default the machine's amqp://guest:guest@127.0.0.1:5672//,
a queue of its own) and the load benchmark's PostgreSQL database with the demo city of
100,000 residents (benchmarks/bench_load.py builds it), with one `buurtkracht worker`
(2 processes, as on a 2-core machine):

- jobs per second: N small jobs (each reads the database once and records its run in
  JobRun, as every job does), sent from one process, and how fast one worker finishes
  them;
- the delay from a change to fresh network results: an exchange two residents both mark
  done, through the services a page calls; the refresh job is sent after commit, and we
  wait until the stored network analysis has the new version. Three times.

It prints Markdown and rewrites the "Queue" section of docs/benchmarks.md.

    .venv/bin/python benchmarks/bench_queue.py [--size 100000] [--jobs 2000] [--no-docs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import (  # noqa: E402
    BUURTKRACHT,
    POSTGRES,
    ROOT,
    _psql,
    _setup,
    ensure_database,
    write_docs,
)

SECTION = "## Queue (issue 15)"
BROKER = os.environ.get("BENCH_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")


def _wait(sql: str, database: str, target: int) -> float:
    started = time.perf_counter()
    while int(_psql(sql, database) or 0) < target:
        time.sleep(0.1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=3)
    parser.add_argument("--no-docs", action="store_true")
    args = parser.parse_args()
    database = f"buurtkracht_load_{args.size}"
    var_dir = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "BUURTKRACHT_VAR_DIR": str(var_dir),
        "BROKER_URL": BROKER,
        "BUURTKRACHT_QUEUE": queue,
        "LOG_LEVEL": "ERROR",
    }
    ensure_database(args.size, env, fresh=False)
    _setup(env, "refresh")  # start from a current network analysis
    worker = subprocess.Popen(  # noqa: S603
        [BUURTKRACHT, "worker", "--concurrency=2", "--loglevel=WARNING"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        since = _psql("SELECT now()", database)
        done_sql = (
            "SELECT count(*) FROM jobs_jobrun WHERE name = 'buurtkracht.jobs.resend' "  # noqa: S608
            f"AND state = 'succeeded' AND enqueued_at >= '{since}'"
        )
        started = time.perf_counter()
        sent = _setup(env, "send", str(args.jobs))
        _wait(done_sql, database, args.jobs)
        total = time.perf_counter() - started
        delays = []
        for _ in range(args.changes):
            change = _setup(env, "change")
            fresh_sql = (
                "SELECT count(*) FROM jobs_snapshot s JOIN neighbourhoods_neighbourhood n "  # noqa: S608
                "ON n.id = s.neighbourhood_id WHERE n.slug = 'lindenhof' AND s.kind = 'network' "
                f"AND s.done >= {int(change['wanted'])}"
            )
            _wait(fresh_sql, database, 1)
            delays.append(time.time() - change["committed"])
        network_seconds = float(
            _psql(
                "SELECT s.seconds FROM jobs_snapshot s JOIN neighbourhoods_neighbourhood n "
                "ON n.id = s.neighbourhood_id WHERE n.slug = 'lindenhof' AND s.kind = 'network'",
                database,
            )
        )
    finally:
        worker.terminate()
        worker.wait()
    members = _setup(env, "targets")["members"]
    machine = f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        SECTION,
        "",
        f"`benchmarks/bench_queue.py`, {dt.datetime.now(dt.UTC):%Y-%m-%d}, {machine}; "
        f"RabbitMQ and PostgreSQL on the same machine; one worker with 2 processes; the demo "
        f"city (Lindenhof, {members:,} members).",
        "",
        "| what | figure |",
        "|---|---:|",
        f"| {args.jobs} small jobs sent from one process | "
        f"{args.jobs / sent['seconds']:.0f} jobs/s |",
        f"| … and done by the worker (sent to all done) | {args.jobs / total:.0f} jobs/s |",
        "| delay from a change (an exchange done) to fresh network results, "
        f"{args.changes} times | {', '.join(f'{d:.1f} s' for d in delays)} |",
        f"| of which the network analysis itself (last run) | {network_seconds:.1f} s |",
        "",
        "Every job records its run (JobRun: queued, running, done) in the database, which is "
        "most of a small job's cost; the network refresh is one job that reads the "
        "neighbourhood's events once, analyses them and stores the result.",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if not args.no_docs:
        write_docs(section, SECTION)


if __name__ == "__main__":
    main()
