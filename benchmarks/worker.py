"""One measurement, run by benchmarks/run.py in its own process against a fresh database
(DATABASE_URL and BUURTKRACHT_VAR_DIR come from the environment). Prints one JSON line.

    worker.py demo N         the demo generator (buurtkracht.demo.generator.generate)
    worker.py naive N        peer: one ORM create() per row, the way a first version would
    worker.py bulk_create N  peer: the same rows as `naive`, with QuerySet.bulk_create
    worker.py hash           one password hash (what every naive per-user hash would cost)

Only the work itself is timed: Django setup and migrations are not.
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

from allauth.account.models import EmailAddress  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from buurtkracht.accounts.models import User  # noqa: E402
from buurtkracht.core.choices import Role  # noqa: E402
from buurtkracht.demo.accounts import DEMO_PASSWORD  # noqa: E402
from buurtkracht.demo.generator import generate, postcodes  # noqa: E402
from buurtkracht.neighbourhoods.models import Membership, Neighbourhood  # noqa: E402
from buurtkracht.people.models import Profile  # noqa: E402

# Rows each peer writes per resident: user, profile, membership, e-mail address.
PEER_ROWS_PER_RESIDENT = 4


def run_demo(residents: int) -> dict:
    result = generate(residents=residents, seed=1)
    c = result.counts
    rows = (
        2 * c["users"]  # users and profiles
        + c["memberships"]
        + c["email_addresses"]
        + c["guided_accounts"]
        + c["consents"]
        + c["contacts"]
        + c["gifts"]
        + c["wishes"]
        + c["time_offers"]
        + c["availability_slots"]
        + c["resources"]
        + c["places"]
        + c["place_items"]
        + c["bookings"]
    )
    return {"seconds": result.seconds, "residents": c["residents"], "rows": rows}


def _peer_setup(residents: int):
    neighbourhood = Neighbourhood.objects.create(
        name="Peerbuurt", slug="peerbuurt", municipality="Haarlem"
    )
    # Same shortcut as the generator: one hash for everybody (see `hash` for its cost).
    password = make_password(DEMO_PASSWORD)
    codes = postcodes(2031, max(6, residents // 12))
    return neighbourhood, password, codes


def run_naive(residents: int) -> dict:
    """Every row its own INSERT through Model.save(), inside one transaction."""
    neighbourhood, password, codes = _peer_setup(residents)
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(residents):
            email = f"peer{i:06d}@demo.buurtkracht.nl"
            user = User.objects.create(username=f"peer{i:06d}", email=email, password=password)
            Profile.objects.create(
                user=user,
                display_name=f"Buur {i}",
                postcode=codes[i % len(codes)],
                languages=["nl"],
            )
            Membership.objects.create(user=user, neighbourhood=neighbourhood, role=Role.RESIDENT)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "residents": residents, "rows": residents * PEER_ROWS_PER_RESIDENT}


def run_bulk_create(residents: int) -> dict:
    """The same rows as `naive`, written with QuerySet.bulk_create in batches."""
    neighbourhood, password, codes = _peer_setup(residents)
    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(
            [
                User(
                    username=f"peer{i:06d}",
                    email=f"peer{i:06d}@demo.buurtkracht.nl",
                    password=password,
                )
                for i in range(residents)
            ],
            batch_size=5000,
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user_id=u.pk,
                    display_name=f"Buur {i}",
                    postcode=codes[i % len(codes)],
                    languages=["nl"],
                )
                for i, u in enumerate(users)
            ],
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user_id=u.pk, neighbourhood=neighbourhood, role=Role.RESIDENT)
                for u in users
            ],
            batch_size=5000,
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in users],
            batch_size=5000,
        )
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "residents": residents, "rows": residents * PEER_ROWS_PER_RESIDENT}


def run_hash() -> dict:
    started = time.perf_counter()
    make_password(DEMO_PASSWORD)
    return {"seconds": time.perf_counter() - started}


def main() -> None:
    mode = sys.argv[1]
    if mode == "hash":
        result = run_hash()
    else:
        residents = int(sys.argv[2])
        result = {"demo": run_demo, "naive": run_naive, "bulk_create": run_bulk_create}[mode](
            residents
        )
    result.update(mode=mode, vendor=connection.vendor)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
