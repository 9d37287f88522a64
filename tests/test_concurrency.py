"""Rules that must hold when people act at the same moment, proven with parallel
connections on PostgreSQL (real row locks). The SQLite run deselects these; the
PostgreSQL run (make test-postgres) always runs them and fails if the database is not
PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from buurtkracht.accounts import services as account_services
from buurtkracht.core.choices import Role
from buurtkracht.neighbourhoods import services as hood_services
from buurtkracht.neighbourhoods.models import Membership

from . import factories as f

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://..."


def run_together(functions):
    """Start all functions at the same instant in their own thread (own connection);
    return (results, errors)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []
    lock = threading.Lock()

    def worker(fn):
        try:
            barrier.wait()
            value = fn()
            with lock:
                results.append(value)
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def test_a_login_code_is_used_once_even_at_the_same_moment(world):
    membership = Membership.objects.get(user=world.professional, neighbourhood=world.hood)
    user = account_services.guided_account_register(
        actor=world.professional, membership=membership, display_name="Henk"
    )
    issued = account_services.login_code_issue(actor=world.professional, user=user)
    results, errors = run_together(
        [lambda: account_services.login_code_redeem(code=issued.code)] * 8
    )
    assert len(results) == 1
    assert len(errors) == 7 and all(isinstance(e, ValidationError) for e in errors)


def test_an_invitation_is_not_used_more_than_allowed(world):
    invitation = hood_services.invitation_create(
        actor=world.outsider, neighbourhood=world.other, max_uses=3
    )
    people = [f.make_user() for _ in range(10)]
    results, errors = run_together(
        [
            (
                lambda p=p: hood_services.membership_join(
                    user=p, neighbourhood=world.other, invitation_code=invitation.code
                )
            )
            for p in people
        ]
    )
    assert len(results) == 3
    assert all(isinstance(e, ValidationError) for e in errors)
    invitation.refresh_from_db()
    assert invitation.uses == 3
    assert Membership.objects.filter(neighbourhood=world.other).count() == 1 + 3


def test_two_admins_cannot_demote_each_other_at_once(world):
    second = Membership.objects.get(user=world.connector, neighbourhood=world.hood)
    hood_services.membership_change(
        actor=world.admin, membership=second, role=Role.ADMIN, organisation=None
    )
    first = Membership.objects.get(user=world.admin, neighbourhood=world.hood)

    def demote(actor, membership):
        return lambda: hood_services.membership_change(
            actor=actor,
            membership=Membership.objects.get(pk=membership.pk),
            role=Role.RESIDENT,
            organisation=None,
        )

    results, errors = run_together([demote(world.admin, second), demote(world.connector, first)])
    assert len(results) == 1 and len(errors) == 1
    assert Membership.objects.filter(neighbourhood=world.hood, role=Role.ADMIN).count() == 1


def test_joining_twice_at_once_makes_one_membership(world):
    newcomer = f.make_user()
    results, errors = run_together(
        [lambda: hood_services.membership_join(user=newcomer, neighbourhood=world.hood)] * 4
    )
    assert len(results) == 1
    assert all(isinstance(e, ValidationError) for e in errors)
    assert Membership.objects.filter(user=newcomer).count() == 1


def test_two_professionals_saving_the_same_entry_at_once_do_not_undo_each_other(world):
    """The version check is in the UPDATE itself: of two saves from the same page, the
    database lets one through; the other is refused, not silently overwritten."""
    import json

    from buurtkracht.demo.socialmap import hsds_organizations
    from buurtkracht.socialmap.models import Service
    from buurtkracht.socialmap.services import hsds_import, service_save

    world.hood.municipality = "Haarlem"
    world.hood.modules = [*world.hood.modules, "social_map"]
    world.hood.save()
    hsds_import(actor=None, municipality="Haarlem", data=json.dumps(hsds_organizations()).encode())
    service = Service.objects.get(name="Geldspreekuur")
    pros = [(world.professional, f.membership_of(world.professional, world.hood))]
    pros.append((world.admin, f.membership_of(world.admin, world.hood)))

    def save(actor, membership, fees):
        return lambda: service_save(
            actor=actor,
            membership=membership,
            neighbourhood=world.hood,
            service=Service.objects.get(pk=service.pk),
            values={
                "name": "Geldspreekuur",
                "organization": service.organization_id,
                "status": "active",
                "keeper": membership.pk,
                "fees_description": fees,
                "version": 1,
            },
            hours=None,
            topics=[],
        )

    results, errors = run_together([save(*pros[0], "€ 1"), save(*pros[1], "€ 2")])
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ValidationError) and errors[0].code == "changed"
    service.refresh_from_db()
    assert service.version == 2
    assert service.document["fees_description"] == results[0].document["fees_description"]


def test_more_people_than_places_sign_up_for_a_dialogue_at_once(world):
    """The last place of a dialogue goes once: taken in the UPDATE that checks it."""
    from datetime import timedelta

    from django.utils import timezone

    from buurtkracht.dialogue import services as dialogue
    from buurtkracht.dialogue.models import Dialogue, Participant

    world.hood.modules = [*world.hood.modules, "dialogue"]
    world.hood.save()
    start = timezone.now() + timedelta(days=2)
    planned = dialogue.dialogue_plan(
        actor=world.resident,
        membership=f.membership_of(world.resident, world.hood),
        neighbourhood=world.hood,
        values={
            "title": "Samen eten",
            "format": "dialoogtafel",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "capacity": 3,
        },
    )
    people = [f.make_member(world.hood) for _ in range(8)]
    results, errors = run_together(
        [
            (
                lambda p=p: dialogue.dialogue_join(
                    actor=p,
                    membership=f.membership_of(p, world.hood),
                    dialogue=Dialogue.objects.get(pk=planned.pk),
                )
            )
            for p in people
        ]
    )
    assert len(results) == 3
    assert len(errors) == 5 and all(e.code == "full" for e in errors)
    planned.refresh_from_db()
    assert planned.joined == 3 == Participant.objects.filter(dialogue=planned).count()
