"""The permission matrix of the foundation's URLs, and the check that every URL of ours is
in some module's matrix (tests/test_permissions_<app>.py for later apps; see tests/matrix.py).
"""

import importlib
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from buurtkracht.accounts import services as account_services
from buurtkracht.neighbourhoods import services as hood_services

from .conftest import PERSONAS
from .matrix import (
    MEMBERS,
    REDIRECT,
    Case,
    case_id,
    everyone,
    logged_in,
    members_only,
    only,
    run_case,
)


def _ours(resolver) -> bool:
    """A URLconf of this project (not allauth's, Django's or another library's)."""
    module = resolver.urlconf_module
    name = module if isinstance(module, str) else getattr(module, "__name__", "")
    return name.startswith("buurtkracht.")


def _objects(world):
    invitation = hood_services.invitation_create(actor=world.admin, neighbourhood=world.hood)
    guided = account_services.guided_account_register(
        actor=world.professional,
        membership=world.professional.memberships.get(neighbourhood=world.hood),
        display_name="Henk",
    )
    return {"invitation": invitation, "guided": guided}


HOOD = {"slug": "lindenhof"}


def _residents_membership(w, o):
    return {
        "slug": "lindenhof",
        "membership_id": w.resident.memberships.get(neighbourhood=w.hood).pk,
    }


CASES = [
    # core
    Case("neighbourhoods:index", everyone(200)),
    Case("core:set_language", everyone(REDIRECT), method="post", data={"language": "en"}),
    # neighbourhoods
    Case("neighbourhoods:home", everyone(200), kwargs=HOOD),
    Case("neighbourhoods:join", {**members_only(200, outsider=200)}, kwargs=HOOD),
    Case(
        "neighbourhoods:join",
        {**members_only(REDIRECT, outsider=REDIRECT)},
        method="post",
        kwargs=HOOD,
    ),
    Case(
        "neighbourhoods:invitation",
        everyone(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "code": o["invitation"].code},
    ),
    Case("neighbourhoods:join_by_code", logged_in(200)),
    Case("neighbourhoods:create", logged_in(200)),
    Case("neighbourhoods:leave", members_only(200), kwargs=HOOD),
    Case("neighbourhoods:configure", only(["admin"]), kwargs=HOOD),
    Case("neighbourhoods:members", only(["admin"]), kwargs=HOOD),
    Case(
        "neighbourhoods:member_change",
        only(["admin"], REDIRECT),
        method="post",
        kwargs=_residents_membership,
        data={},
    ),
    Case(
        "neighbourhoods:member_remove",
        only(["admin"], REDIRECT),
        method="post",
        kwargs=_residents_membership,
    ),
    Case("neighbourhoods:organisations", only(["admin"]), kwargs=HOOD),
    Case("neighbourhoods:invitations", only(["admin", "connector"]), kwargs=HOOD),
    Case(
        "neighbourhoods:invitation_revoke",
        only(["admin", "connector"], REDIRECT),
        method="post",
        kwargs=lambda w, o: {"slug": "lindenhof", "invitation_id": o["invitation"].pk},
    ),
    # people
    Case("people:my_home", logged_in(200)),
    Case("people:my_profile", logged_in(200)),
    Case("people:my_photo", logged_in(404)),
    Case("people:my_consents", logged_in(200)),
    Case("people:my_consent_change", logged_in(REDIRECT), method="post"),
    Case("people:my_access_log", logged_in(200)),
    Case("people:directory", members_only(200), kwargs=HOOD),
    Case(
        "people:person",
        members_only(200),
        kwargs=lambda w, o: {"slug": "lindenhof", "user_id": w.resident.pk},
    ),
    Case(
        "people:person_photo",
        members_only(404),
        kwargs=lambda w, o: {"slug": "lindenhof", "user_id": w.resident.pk},
    ),
    # accounts
    Case("accounts:code_login", everyone(200)),
    Case("accounts:set_secret", logged_in(200)),
    Case("accounts:guided_list", only(["professional", "admin"]), kwargs=HOOD),
    Case("accounts:guided_new", only(["professional", "admin"]), kwargs=HOOD),
    Case(
        "accounts:guided_card",
        only(["professional", "admin"]),
        kwargs=lambda w, o: {"slug": "lindenhof", "user_id": o["guided"].pk},
    ),
    # allauth pages we link to (their own tests cover the rest)
    Case("account_login", {"anonymous": 200, **dict.fromkeys([*MEMBERS, "outsider"], REDIRECT)}),
    Case("account_signup", {"anonymous": 200, **dict.fromkeys([*MEMBERS, "outsider"], REDIRECT)}),
    Case("account_reset_password", everyone(200)),
    Case("account_change_password", logged_in(200)),
    Case("mfa_index", logged_in(200)),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(case, persona, world, client_for):
    run_case(case, persona, world, client_for, _objects(world))


def _our_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if not _ours(pattern):
                continue
            yield from _our_url_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def _all_cases():
    """CASES of every tests/test_permissions*.py module (each app keeps its own)."""
    cases = list(CASES)
    for path in sorted(Path(__file__).parent.glob("test_permissions_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        cases.extend(module.CASES)
    return cases


def test_every_url_is_in_the_matrix():
    names = set(_our_url_names())
    covered = {case.name for case in _all_cases()}
    assert names, "no URLs found"
    assert names - covered == set()


def test_unknown_neighbourhood_is_a_dutch_404(client, db):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
