"""Permission matrix for gifts (What do you bring?), the asset map and places."""

import pytest

from buurtkracht.accounts.services import guided_account_register
from buurtkracht.gifts.models import Gift, Resource
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.places.models import Place

from .conftest import PERSONAS
from .matrix import REDIRECT, Case, case_id, everyone, logged_in, only, run_case

HOOD = {"slug": "lindenhof"}
STEP_DATA = {"own_words": "Iets", "visibility": "private"}


def _objects(world):
    membership = Membership.objects.get(user=world.professional, neighbourhood=world.hood)
    guided = guided_account_register(
        actor=world.professional, membership=membership, display_name="Henk"
    )
    place = Place.objects.create(neighbourhood=world.hood, name="De Linde", kind="buurthuis")
    return {"guided": guided, "place": place}


def _gift_kwargs(world, objects):
    gift = Gift.objects.create(owner=world.resident, kind="hands", text="Koken")
    return {"model": "gift", "item_id": gift.pk}


def _resource_kwargs(world, objects):
    resource = Resource.objects.create(
        owner=world.resident, kind="thing", text="Ladder", lendable=True
    )
    return {"resource_id": resource.pk}


def _owner_only(code):
    """Resident Sanne owns the item; everyone else gets 404 (not visible = not there)."""
    return {
        "anonymous": "login",
        **{p: 404 for p in PERSONAS if p != "anonymous"},
        "resident": code,
    }


CASES = [
    Case("gifts:my_gifts", logged_in(200)),
    Case("gifts:my_step", logged_in(200), kwargs={"step": "handen"}),
    Case(
        "gifts:my_step", logged_in(REDIRECT), method="post", kwargs={"step": "hart"}, data=STEP_DATA
    ),
    Case(
        "gifts:my_item",
        _owner_only(REDIRECT),
        method="post",
        kwargs=_gift_kwargs,
        data={"visibility": "public"},
    ),
    Case("gifts:my_item_remove", _owner_only(200), kwargs=_gift_kwargs),
    Case("gifts:my_item_remove", _owner_only(REDIRECT), method="post", kwargs=_gift_kwargs),
    Case("gifts:my_resource", _owner_only(200), kwargs=_resource_kwargs),
    Case(
        "gifts:guided_gifts",
        only(["professional", "admin"]),
        kwargs=lambda w, o: {"slug": "lindenhof", "user_id": o["guided"].pk},
    ),
    Case(
        "gifts:guided_step",
        only(["professional", "admin"]),
        kwargs=lambda w, o: {"slug": "lindenhof", "user_id": o["guided"].pk, "step": "hoofd"},
    ),
    Case("gifts:taxonomy_words", only(["admin"]), kwargs=HOOD),
    Case("places:map", everyone(200), kwargs=HOOD),
    Case(
        "places:detail",
        everyone(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "place_id": o["place"].pk},
    ),
    Case("places:create", only(["connector", "professional", "admin"]), kwargs=HOOD),
    Case(
        "places:edit",
        only(["connector", "professional", "admin"]),
        kwargs=lambda w, o: {"slug": "lindenhof", "place_id": o["place"].pk},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix_gifts(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))
