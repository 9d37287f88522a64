"""The permission matrix of lending: every URL × every persona (see tests/matrix.py).

Sanne (resident) lends a ladder that Karim (connector) asked for; Gerrit (facilitator)
asked for the hall of the neighbourhood's community centre, which connectors,
professionals and administrators answer for. Objects that are not one's own are 404.
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from buurtkracht.gifts.models import Resource
from buurtkracht.lending import services
from buurtkracht.places.models import Place, PlaceKind

from .conftest import PERSONAS
from .matrix import LOGIN, MEMBERS, REDIRECT, Case, case_id, members_only, run_case

HOOD = {"slug": "lindenhof"}


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _objects(world):
    ladder = Resource.objects.create(
        owner=world.resident,
        kind="thing",
        text="Ladder",
        lendable=True,
        needs_approval=True,
        visibility="neighbourhood",
    )
    diary = Resource.objects.create(
        owner=world.resident, kind="thing", text="Dagboek", lendable=True, visibility="private"
    )
    place = Place.objects.create(
        neighbourhood=world.hood, name="Buurthuis", kind=PlaceKind.COMMUNITY_CENTRE
    )
    hall = Resource.objects.create(place=place, kind="space", text="Zaal", lendable=True)
    ladder_booking = services.booking_request(
        actor=world.connector,
        resource=ladder,
        neighbourhood=world.hood,
        start_at=_at(1, 10),
        end_at=_at(1, 12),
    )
    hall_booking = services.booking_request(
        actor=world.facilitator,
        resource=hall,
        neighbourhood=world.hood,
        start_at=_at(1, 10),
        end_at=_at(1, 12),
    )
    return {
        "ladder": ladder,
        "diary": diary,
        "ladder_booking": ladder_booking,
        "hall_booking": hall_booking,
    }


def _resource(name):
    return lambda w, o: {**HOOD, "resource_id": o[name].pk}


def _booking(booking):
    return lambda w, o: {**HOOD, "booking_id": o[booking].pk}


def _new_booking(w, o):
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    return {"start_date": day, "start_time": "10:00", "end_date": day, "end_time": "12:00"}


def _except(base, **overrides):
    return {**base, **overrides}


CASES = [
    Case("lending:resources", members_only(200), kwargs=HOOD),
    Case("lending:resource", members_only(200), kwargs=_resource("ladder")),
    # only its owner sees a private resource; for the others it does not exist
    Case(
        "lending:resource",
        _except(members_only(404), resident=200),
        kwargs=_resource("diary"),
    ),
    # booking: everyone but the owner is sent on to their bookings; the owner is told no
    Case(
        "lending:resource",
        _except(members_only(REDIRECT), resident=200),
        method="post",
        kwargs=_resource("ladder"),
        data=_new_booking,
    ),
    Case("lending:bookings", members_only(200), kwargs=HOOD),
    # the borrower and the owner may cancel; for the others the booking does not exist
    Case(
        "lending:booking_cancel",
        _except(members_only(404), resident=REDIRECT, connector=REDIRECT),
        method="post",
        kwargs=_booking("ladder_booking"),
    ),
    # a place's booking: those who manage places answer; the borrower (facilitator) sees
    # it but is refused with a message; the resident has nothing to do with it
    Case(
        "lending:booking_confirm",
        _except(members_only(REDIRECT), resident=404),
        method="post",
        kwargs=_booking("hall_booking"),
    ),
    Case(
        "lending:booking_decline",
        _except(members_only(REDIRECT), resident=404),
        method="post",
        kwargs=_booking("hall_booking"),
    ),
    Case(
        "lending:booking_returned",
        _except(members_only(REDIRECT), resident=404),
        method="post",
        kwargs=_booking("hall_booking"),
    ),
    Case(
        "lending:booking_cancel",
        {"anonymous": LOGIN, **dict.fromkeys([*MEMBERS, "outsider"], 405)},
        kwargs=_booking("ladder_booking"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_the_gifts_module_off_hides_every_lending_page(case, world, client_for):
    objects = _objects(world)
    world.hood.modules = ["requests"]
    world.hood.save()
    for persona in [*MEMBERS, "outsider"]:
        expected = 405 if case.expect[persona] == 405 else 404
        run_case(
            Case(case.name, dict.fromkeys(PERSONAS, expected), case.method, case.kwargs, case.data),
            persona,
            world,
            client_for,
            objects,
        )
