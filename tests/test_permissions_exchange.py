"""Permission matrix for requests, offers, invitations and exchanges."""

from datetime import timedelta

import pytest
from django.utils import timezone

from buurtkracht.exchange import services
from buurtkracht.people.services import consent_grant
from tests.factories import membership_of

from .conftest import PERSONAS
from .matrix import LOGIN, REDIRECT, Case, case_id, members_only, run_case
from .test_exchange import _invite

HOOD = {"slug": "lindenhof"}


def _objects(world):
    post = services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Wie helpt met de tuin?",
        membership=membership_of(world.resident, world.hood),
    )
    invitation = _invite(world.resident, post, world.connector)
    exchange_post = services.post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text="Boodschappen doen",
        membership=membership_of(world.resident, world.hood),
    )
    accepted = _invite(world.resident, exchange_post, world.admin)
    exchange = services.invitation_answer(actor=world.admin, invitation=accepted, accept=True)
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="connector_outreach")
    proposed = _invite(world.connector, post, world.facilitator)
    return {"post": post, "invitation": invitation, "exchange": exchange, "proposed": proposed}


def _post(w, o):
    return {"slug": "lindenhof", "post_id": o["post"].pk}


def _proposed(w, o):
    return {"slug": "lindenhof", "post_id": o["post"].pk, "invitation_id": o["proposed"].pk}


def _exchange(w, o):
    return {"slug": "lindenhof", "exchange_id": o["exchange"].pk}


def _next_week() -> str:
    return (timezone.localdate() + timedelta(days=7)).isoformat()


def _only_persona(allowed: list[str], code):
    """Personal objects: the people involved get `code`, other members 404 (not there for
    them), the outsider 403 (not a member), anonymous the login page."""
    members = {
        p: (code if p in allowed else 404) for p in PERSONAS if p not in ("anonymous", "outsider")
    }
    return {"anonymous": LOGIN, "outsider": 403, **members}


CASES = [
    Case("exchange:posts", members_only(200), kwargs=HOOD),
    Case("exchange:post_new", members_only(200), kwargs=HOOD),
    Case(
        "exchange:post",
        members_only(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "post_id": o["post"].pk},
    ),
    # Only the author changes, closes or puts back their own post; for others it is not there.
    Case("exchange:post_edit", _only_persona(["resident"], 200), kwargs=_post),
    Case(
        "exchange:post_edit",
        _only_persona(["resident"], REDIRECT),
        method="post",
        kwargs=_post,
        data=lambda w, o: {
            "text": "Wie helpt met de moestuin?",
            "when_kind": "flexible",
            "where_kind": "neighbourhood",
        },
    ),
    Case("exchange:post_close", _only_persona(["resident"], 200), kwargs=_post),
    Case(
        "exchange:post_close",
        _only_persona(["resident"], REDIRECT),
        method="post",
        kwargs=_post,
        data=lambda w, o: {"outcome": "withdrawn"},
    ),
    Case(
        "exchange:post_renew",
        _only_persona(["resident"], REDIRECT),
        method="post",
        kwargs=_post,
    ),
    Case(
        "exchange:invite",
        members_only(REDIRECT),
        method="post",
        kwargs=lambda w, o: {
            "slug": "lindenhof",
            "post_id": o["post"].pk,
            "user_id": w.professional.pk,
        },
    ),
    Case(
        "exchange:invitation",
        _only_persona(["connector"], 200),
        kwargs=lambda w, o: {"slug": "lindenhof", "invitation_id": o["invitation"].pk},
    ),
    Case("exchange:requester_answer", _only_persona(["resident"], 200), kwargs=_proposed),
    Case(
        "exchange:requester_answer",
        _only_persona(["resident"], REDIRECT),
        method="post",
        kwargs=_proposed,
        data={"yes": "1"},
    ),
    Case("exchange:exchange", _only_persona(["resident", "admin"], 200), kwargs=_exchange),
    # What the two people of an exchange do on its page, each at its own URL.
    Case(
        "exchange:exchange_message",
        _only_persona(["resident", "admin"], REDIRECT),
        method="post",
        kwargs=_exchange,
        data={"m-text": "Zaterdag om 10 uur?"},
    ),
    Case(
        "exchange:exchange_time",
        _only_persona(["resident", "admin"], REDIRECT),
        method="post",
        kwargs=_exchange,
        data=lambda w, o: {"t-day": _next_week(), "t-time": "10:00"},
    ),
    Case(
        "exchange:exchange_done",
        _only_persona(["resident", "admin"], REDIRECT),
        method="post",
        kwargs=_exchange,
    ),
    Case(  # only the one helped thanks; the helper is refused on the page (200, an error)
        "exchange:exchange_thanks",
        _only_persona(["resident", "admin"], REDIRECT) | {"admin": 200},
        method="post",
        kwargs=_exchange,
        data={"k-text": "Dank je wel!"},
    ),
    # The time bank is off here: a proposal or confirmation is refused on the page.
    Case(
        "exchange:exchange_hours_propose",
        _only_persona(["resident", "admin"], 200),
        method="post",
        kwargs=_exchange,
        data={"h-hours": "1", "h-minutes": "0"},
    ),
    Case(
        "exchange:exchange_hours_confirm",
        _only_persona(["resident", "admin"], 200),
        method="post",
        kwargs=_exchange,
        data={"h-hours": "1", "h-minutes": "0"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_exchange(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
