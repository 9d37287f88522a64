"""The permission matrix machinery: every URL × every persona → the expected answer.

Each app's tests/test_permissions*.py module defines CASES with these helpers;
tests/test_permissions.py runs them and fails when a URL of ours is in no module's CASES.
Codes: 200 ok, LOGIN redirect to the login page, REDIRECT any other redirect, 403 refused
with a reason, 404 not found (or not visible, or a module the neighbourhood switched off).
"""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from .conftest import PERSONAS

LOGIN = "login"
REDIRECT = "redirect"
MEMBERS = ["resident", "connector", "professional", "facilitator", "admin"]


def everyone(code):
    return dict.fromkeys(PERSONAS, code)


def members_only(code=200, *, outsider=403):
    return {"anonymous": LOGIN, "outsider": outsider, **dict.fromkeys(MEMBERS, code)}


def only(allowed: list[str], code=200):
    return {
        "anonymous": LOGIN,
        "outsider": 403,
        **{p: (code if p in allowed else 403) for p in MEMBERS},
    }


def logged_in(code=200):
    return {"anonymous": LOGIN, **dict.fromkeys([*MEMBERS, "outsider"], code)}


@dataclass
class Case:
    name: str
    expect: dict[str, Any]
    method: str = "get"
    kwargs: Any = field(default_factory=dict)  # dict, or callable(world, objects) -> dict
    data: Any = field(default_factory=dict)


def case_id(case: Case) -> str:
    return f"{case.method.upper()} {case.name}"


def check(response, expected, persona, case):
    where = f"{persona} {case_id(case)}"
    if expected == LOGIN:
        assert response.status_code == 302, where
        assert response["Location"].startswith(reverse("account_login")), where
    elif expected == REDIRECT:
        assert response.status_code == 302, (where, response.status_code)
        assert not response["Location"].startswith(reverse("account_login")), where
    else:
        assert response.status_code == expected, (where, response.status_code)
        if expected == 403:
            assert "<h1>" in response.content.decode(), where  # the 403 page says why


def run_case(case, persona, world, client_for, objects):
    kwargs = case.kwargs(world, objects) if callable(case.kwargs) else case.kwargs
    data = case.data(world, objects) if callable(case.data) else case.data
    url = reverse(case.name, kwargs=kwargs)
    response = getattr(client_for(persona), case.method)(url, data=data)
    check(response, case.expect[persona], persona, case)
