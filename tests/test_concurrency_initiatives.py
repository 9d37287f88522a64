"""Sign-ups for the last places of an activity at the same moment, on PostgreSQL with
parallel connections: the database hands out exactly the places there are; everyone else
is on the waiting list, and a cancellation moves exactly one person up. The SQLite run
deselects these; the PostgreSQL run always runs them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtkracht.initiatives import services
from buurtkracht.initiatives.models import Activity, SignUp, SignUpStatus
from tests.factories import membership_of

from . import factories as f
from .test_concurrency import run_together

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://..."


@pytest.fixture
def activity(world):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    initiative = services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Buurtdiner",
        what_and_why="Samen eten",
        membership=membership_of(world.resident, world.hood),
    )
    start = timezone.now() + timedelta(days=2)
    return services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Diner",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=5,
    )


def test_twelve_people_for_five_places_make_five_seats_and_seven_waiting(world, activity):
    people = [f.make_member(world.hood) for _ in range(12)]
    results, errors = run_together(
        [
            lambda p=p: services.sign_up(
                actor=p,
                activity=activity,
                membership=membership_of(p, activity.initiative.neighbourhood),
            )
            for p in people
        ]
    )
    assert errors == []
    statuses = [s.status for s in SignUp.objects.filter(activity=activity)]
    assert statuses.count(SignUpStatus.CONFIRMED) == 5
    assert statuses.count(SignUpStatus.WAITING) == 7
    activity.refresh_from_db()
    assert activity.confirmed == 5


def test_parallel_sign_up_requests_through_the_page(world, activity):
    people = [f.make_member(world.hood) for _ in range(8)]
    url = reverse("initiatives:sign_up", kwargs={"slug": "lindenhof", "activity_id": activity.pk})

    def post(person):
        client = Client()
        client.force_login(person)
        return client.post(url).status_code

    results, errors = run_together([lambda p=p: post(p) for p in people])
    assert errors == [] and results == [302] * 8
    activity.refresh_from_db()
    assert activity.confirmed == 5
    assert SignUp.objects.filter(activity=activity, status=SignUpStatus.WAITING).count() == 3


def test_cancellations_at_the_same_moment_move_up_one_each(world, activity):
    people = [f.make_member(world.hood) for _ in range(9)]
    for person in people:
        services.sign_up(
            actor=person,
            activity=activity,
            membership=membership_of(person, activity.initiative.neighbourhood),
        )
    leaving = people[:3]  # three confirmed people cancel at once
    results, errors = run_together(
        [lambda p=p: services.sign_up_cancel(actor=p, activity=activity) for p in leaving]
    )
    assert errors == []
    activity = Activity.objects.get(pk=activity.pk)
    confirmed = SignUp.objects.filter(activity=activity, status=SignUpStatus.CONFIRMED)
    assert activity.confirmed == confirmed.count() == 5
    assert SignUp.objects.filter(activity=activity, status=SignUpStatus.WAITING).count() == 1
