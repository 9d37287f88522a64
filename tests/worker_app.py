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
