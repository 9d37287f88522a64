"""Answering one invitation from two devices at once makes one exchange (PostgreSQL)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from buurtkracht.exchange import services
from buurtkracht.exchange.models import Exchange, HelpInvitation

from .test_concurrency import run_together

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
    )
    invitation = services.invitation_send(actor=world.resident, post=post, invitee=world.connector)
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
