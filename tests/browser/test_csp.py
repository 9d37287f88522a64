"""The Content Security Policy in a real browser: the map page (Leaflet, its script and
stylesheet, tiles from the tile server, the places as a JSON data block) works under the
policy and Chromium reports no violation; a violation would be seen."""

import io
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from buurtkracht.places.models import Place, PlaceKind

from .conftest import is_csp_violation

pytestmark = pytest.mark.browser


def _tile_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (210, 225, 210)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_map_page_breaks_no_part_of_the_policy(browse, live_world):
    place = Place.objects.create(
        neighbourhood=live_world.hood,
        name="Buurthuis De Linde",
        kind=PlaceKind.COMMUNITY_CENTRE,
        address="Lindenplein 1",
        latitude="52.38412",
        longitude="4.63683",
    )
    page = browse.new_page()
    # The tile server is out of reach here: answer for it, so tiles really load as images.
    host = urlsplit(settings.BUURTKRACHT_TILE_URL.replace("{s}", "a")).hostname
    png, tiles = _tile_png(), []

    def tile(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=png)

    page.context.route(lambda url: urlsplit(url).hostname == host, tile)
    messages = []
    page.on("console", lambda message: messages.append(message.text))

    response = browse.goto(page, "/lindenhof/kaart/")
    policy = response.header_value("content-security-policy")
    assert policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert f"https://{host}" in policy  # img-src names the tile server

    map_box = page.locator("#map")
    expect(map_box).to_be_visible()
    expect(map_box.locator(".leaflet-marker-icon")).to_have_attribute("alt", place.name)
    expect(map_box.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert tiles, "the map asked for no tiles"
    page.wait_for_load_state("networkidle")
    assert not [m for m in messages if is_csp_violation(m)], messages
    assert not browse.csp_violations

    # The check is not deaf: an inline script is refused, and the refusal is seen.
    with page.expect_console_message(lambda m: is_csp_violation(m.text)):
        page.evaluate(
            """() => {
              const script = document.createElement('script');
              script.textContent = 'window.inlineRan = true';
              document.body.append(script);
            }"""
        )
    assert page.evaluate("() => window.inlineRan") is None
    assert browse.csp_violations
    browse.csp_violations.clear()  # caused on purpose; any other would fail this test
