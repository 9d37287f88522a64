"""Every page that shows a resident's name to a professional, facilitator or administrator
writes the access log (product rule 14; issue 16).

The demo neighbourhood is generated (small), every resident's name is made a unique word,
and each logged reader crawls the site from the neighbourhood page, following links. For
every page, each resident whose name is on it must have an access-log row for that viewer,
written by that very request. A page that shows a name and does not log it fails the test,
named with its URL and the people it did not log.
"""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat
from django.urls import NoReverseMatch, reverse

from buurtkracht.accounts.models import User
from buurtkracht.core.choices import Role
from buurtkracht.demo.generator import generate
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.people.models import AccessLog, Profile

from .test_permissions import _our_url_names

pytestmark = pytest.mark.django_db

READERS = ["professional", "gemeente", "beheerder"]  # the demo's professional, facilitator, admin
RESIDENT_ROLES = [Role.RESIDENT, Role.CONNECTOR]
PAGES_AT_MOST = 400
SKIP = ("/static/", "/media/", "/account/logout/", "/taal/", "/health/", "/admin/")
HREF = re.compile(r'href="([^"#?]*)(?:\?[^"#]*)?(?:#[^"]*)?"')
NAME = re.compile(r"\bZq(\d+)n\b")


@pytest.fixture
def city(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(residents=40, seed=5)
    # Names that can only be names: "Zq<id>n", so a page's text says exactly who is on it.
    Profile.objects.update(
        display_name=Concat(Value("Zq"), Cast(F("user_id"), output_field=CharField()), Value("n"))
    )
    residents = set(
        Membership.objects.filter(role__in=RESIDENT_ROLES).values_list("user_id", flat=True)
    )
    return residents


def _seeds() -> list[str]:
    """Every page of ours without an object in its URL (also those no link leads to), in
    Lindenhof; pages of one object are reached by the links on these."""
    found = ["/lindenhof/", "/mijn/"]
    for name in _our_url_names():
        for kwargs in ({}, {"slug": "lindenhof"}):
            try:
                url = reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            if not url.startswith(SKIP) and url not in found:
                found.append(url)
    return found


def _links(html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        path = urldefrag(href)[0]
        if path.startswith("/") and not path.startswith("//") and not path.startswith(SKIP):
            found.append(path)
    return found


def _crawl(client, start: list[str]):
    """Yield (url, response) for every page reachable by links from `start`."""
    seen, queue = set(start), deque(start)
    while queue and len(seen) <= PAGES_AT_MOST:
        url = queue.popleft()
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        yield url, html, last
        for link in _links(html):
            if urlsplit(link).path not in seen:
                seen.add(urlsplit(link).path)
                queue.append(urlsplit(link).path)


def test_every_name_a_logged_reader_sees_is_in_the_access_log(city, client):
    """One generated city, crawled by each logged reader in turn."""
    unlogged: dict[str, list[int]] = {}
    for reader in READERS:
        viewer = User.objects.get(username=reader)
        client.force_login(viewer)
        residents = city - {viewer.pk}
        crawled = named = 0
        for url, html, last in _crawl(client, _seeds()):
            crawled += 1
            main = html.split("<main", 1)[-1].split("</main>", 1)[0]
            shown = {int(pk) for pk in NAME.findall(main)} & residents
            if not shown:
                continue
            named += 1
            logged = set(
                AccessLog.objects.filter(
                    pk__gt=last, viewer=viewer, subject_id__in=shown
                ).values_list("subject_id", flat=True)
            )
            if shown - logged:
                unlogged[f"{reader} {url}"] = sorted(shown - logged)[:5]
        assert crawled > 30, f"{reader}'s crawl reached only {crawled} pages"
        assert named > 10, f"{reader} saw names on only {named} pages: the check would be empty"
        client.logout()
    assert not unlogged, "pages that show names without logging them:\n" + "\n".join(
        f"  {page}: {ids}" for page, ids in sorted(unlogged.items())
    )
