"""The Celery app as a real worker runs it in tests/test_jobs_queue.py: Buurtkracht's own
app and jobs, with one hook so a test can stop a job in the middle.

With BUURTKRACHT_TEST_HOLD=<folder>, the network analysis a refresh job computes first
writes <folder>/started and then waits until <folder>/go exists — long enough for the
test to kill the worker at that point. `celery -A tests.worker_app worker`.
"""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")
django.setup()

from buurtkracht.jobs.queue import app  # noqa: E402
from buurtkracht.network import snapshot  # noqa: E402

__all__ = ["app"]

_hold = os.environ.get("BUURTKRACHT_TEST_HOLD")
if _hold:
    _compute = snapshot.compute

    def held_compute(neighbourhood, **kwargs):
        folder = Path(_hold)
        (folder / "started").write_text(str(os.getpid()))
        while not (folder / "go").exists():
            time.sleep(0.05)
        return _compute(neighbourhood, **kwargs)

    snapshot.compute = held_compute


@app.task(
    name="buurtkracht.test.flaky",
    base=type(app.tasks["buurtkracht.snapshot.refresh"]),
    retry_backoff=False,
    default_retry_delay=0,
    max_retries=2,
)
def flaky(folder: str, failures: int) -> str:
    """Fails `failures` times (counted in a file), then succeeds: the queue's retries."""
    tries = Path(folder) / "tries"
    count = int(tries.read_text()) + 1 if tries.exists() else 1
    tries.write_text(str(count))
    if count <= failures:
        raise OSError(f"the mail server is away (try {count})")
    return f"done after {count} tries"
