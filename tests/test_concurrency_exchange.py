"""Answering one invitation from two devices at once makes one exchange (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from buurtkracht.exchange import services
from buurtkracht.exchange.models import Exchange, HelpInvitation
from tests.factories import membership_of

from .test_concurrency import run_together
from .test_exchange import _invite

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres():
    assert connection.vendor == "postgresql", "run these with DATABASE_URL=postgres://..."


def test_an_invitation_is_accepted_once_even_at_the_same_moment(world):
    post = services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Wie helpt met boodschappen?",
        membership=membership_of(world.resident, world.hood),
    )
    invitation = _invite(world.resident, post, world.connector)
    results, errors = run_together(
        [
            lambda: services.invitation_answer(
                actor=world.connector,
                invitation=HelpInvitation.objects.get(pk=invitation.pk),
                accept=True,
            )
        ]
        * 6
    )
    assert len(results) == 1 and all(isinstance(e, ValidationError) for e in errors)
    assert Exchange.objects.count() == 1


def test_the_requester_decides_once_even_from_two_devices(world):
    """Yes on one phone and no on the other at the same moment: one answer counts, and the
    neighbour is asked exactly when it is the yes."""
    from buurtkracht.exchange.models import RequesterAnswer
    from buurtkracht.notifications.models import Notification
    from buurtkracht.people.services import consent_grant

    post = services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Wie helpt mij?",
        membership=membership_of(world.resident, world.hood),
    )
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="connector_outreach")
    invitation = _invite(world.connector, post, world.professional)

    def answer(yes):
        return lambda: services.requester_answer(
            actor=world.resident, invitation=HelpInvitation.objects.get(pk=invitation.pk), yes=yes
        )

    results, errors = run_together([answer(True), answer(False)] * 3)
    assert len(results) == 1 and all(isinstance(e, ValidationError) for e in errors)
    invitation.refresh_from_db()
    asked = Notification.objects.filter(user=world.professional, kind="invitation").count()
    assert asked == (1 if invitation.requester_answer == RequesterAnswer.YES else 0)
