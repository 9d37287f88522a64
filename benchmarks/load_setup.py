"""The Django side of benchmarks/bench_load.py and bench_queue.py, run in its own process
against the benchmark's database (DATABASE_URL, BUURTKRACHT_VAR_DIR). Prints JSON.

    load_setup.py sessions USER…   a logged-in session key per demo user name
    load_setup.py targets          ids the pages need (Sanne's request, the first initiative)
    load_setup.py refresh          the background jobs for Lindenhof, timed: figures,
                                   network, matching (what a worker does after a change)
    load_setup.py queries JSON     SQL queries per page: {"name": [user or null, url]}
    load_setup.py change           one change to the network (an exchange both mark done)
    load_setup.py send N           send N small jobs (jobs.resend) to the queue, timed
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from buurtkracht.accounts.models import User  # noqa: E402
from buurtkracht.neighbourhoods.models import Neighbourhood  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


def sessions(usernames):
    found = {}
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        found[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return found


def targets():
    from buurtkracht.exchange.models import Post
    from buurtkracht.initiatives.models import Initiative

    hood = Neighbourhood.objects.get(slug="lindenhof")
    post = (
        Post.objects.filter(neighbourhood=hood, author__username="bewoner", kind="request")
        .order_by("-pk")
        .first()
    )
    initiative = Initiative.objects.filter(neighbourhood=hood).order_by("pk").first()
    return {"post": post.pk, "initiative": initiative.pk, "members": hood.memberships.count()}


def refresh():
    from buurtkracht.jobs import services
    from buurtkracht.jobs.models import Snapshot

    hood = Neighbourhood.objects.get(slug="lindenhof")
    seconds = {}
    for kind in ("stats", "network", "matching"):
        services.snapshot_row(kind, hood.pk)
        Snapshot.objects.filter(kind=kind, neighbourhood=hood).update(done=0)
        started = time.perf_counter()
        services.refresh(kind, hood.pk, owner="benchmark")
        seconds[kind] = round(time.perf_counter() - started, 2)
    return seconds


def queries(pages):
    counts = {}
    for name, (username, url) in pages.items():
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        counts[name] = {"queries": len(captured), "status": status}
    return counts


def change():
    """An exchange two residents both mark done: a new tie, so the network's stored
    analysis is out of date. Returns when it committed, and the version it needs."""
    from django.utils import timezone

    from buurtkracht.exchange import services
    from buurtkracht.exchange.models import Post
    from buurtkracht.jobs.models import Snapshot

    hood = Neighbourhood.objects.get(slug="lindenhof")
    people = list(
        hood.memberships.filter(role="resident").order_by("?").values_list("user_id", flat=True)[:2]
    )
    asker, helper = User.objects.filter(pk__in=people)
    post = services.post_create(
        actor=asker, neighbourhood=hood, kind="request", text="Benchmark: tas naar boven tillen"
    )
    invitation = services.invitation_send(
        actor=asker, membership=hood.memberships.get(user=asker), post=post, invitee=helper
    )
    exchange = services.invitation_answer(actor=helper, invitation=invitation, accept=True)
    services.exchange_mark_done(actor=asker, exchange=exchange)
    services.exchange_mark_done(actor=helper, exchange=exchange)
    row = Snapshot.objects.get(kind="network", neighbourhood=hood)
    Post.objects.filter(pk=post.pk).update(text="Benchmark")
    return {"committed": timezone.now().timestamp(), "wanted": row.wanted}


def send(count: int):
    from buurtkracht.jobs import services, tasks

    started = time.perf_counter()
    for _ in range(count):
        services.send_now(tasks.resend_unsent)
    return {"seconds": time.perf_counter() - started}


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "sessions":
        result = sessions(rest)
    elif command == "targets":
        result = targets()
    elif command == "refresh":
        result = refresh()
    elif command == "queries":
        result = queries(json.loads(rest[0]))
    elif command == "change":
        result = change()
    elif command == "send":
        result = send(int(rest[0]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))
