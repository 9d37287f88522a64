"""The map's markers with the production static storage: collectstatic gives every file a
hashed name (WhiteNoise's CompressedManifestStaticFilesStorage), so Leaflet cannot find its
marker images next to its stylesheet; the page has to hand it their URLs."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from playwright.sync_api import expect

from buurtkracht.places.models import Place, PlaceKind

from .collected_static_urls import PREFIX

pytestmark = pytest.mark.browser

ICONS = {
    "icon": "vendor/leaflet/images/marker-icon.png",
    "retina": "vendor/leaflet/images/marker-icon-2x.png",
    "shadow": "vendor/leaflet/images/marker-shadow.png",
}

# Every marker image (icon and shadow) on the map, once the browser has tried to load it.
MARKER_IMAGES = """() => {
  const images = [...document.querySelectorAll(
    '#map img.leaflet-marker-icon, #map img.leaflet-marker-shadow')];
  if (!images.length || !images.every(i => i.complete)) return null;
  return images.map(i => ({cls: i.className, src: i.getAttribute('src'),
                           width: i.naturalWidth}));
}"""


@pytest.fixture
def hashed_static(settings, tmp_path):
    """Static files as production serves them: collected with hashed names, and only those."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_URL = PREFIX
    settings.ROOT_URLCONF = "tests.browser.collected_static_urls"
    call_command("collectstatic", interactive=False, verbosity=0)
    urls = {key: staticfiles_storage.url(name) for key, name in ICONS.items()}
    for key, name in ICONS.items():  # the names really are hashed
        assert urls[key] != PREFIX + name, urls[key]
    return urls


def _block_tiles(page):
    """The tile server is on the internet, which is out of reach: no tile loads."""
    host = urlsplit(settings.BUURTKRACHT_TILE_URL.replace("{s}", "a")).hostname
    page.context.route(
        lambda url: urlsplit(url).hostname == host,
        lambda route: route.abort("internetdisconnected"),
    )


def _loaded_markers(page, count):
    page.wait_for_function(MARKER_IMAGES)
    images = page.evaluate(MARKER_IMAGES)
    icons = [i for i in images if "leaflet-marker-icon" in i["cls"]]
    shadows = [i for i in images if "leaflet-marker-shadow" in i["cls"]]
    assert len(icons) == count and len(shadows) == count, images
    broken = [i for i in images if not i["width"]]
    assert not broken, f"marker images that did not load: {broken}"
    return icons, shadows


def test_markers_load_under_hashed_static_names(browse, live_world, hashed_static):
    places = [
        Place.objects.create(
            neighbourhood=live_world.hood,
            name=name,
            kind=PlaceKind.COMMUNITY_CENTRE,
            latitude=lat,
            longitude=lon,
        )
        for name, lat, lon in [
            ("Buurthuis De Linde", "52.38412", "4.63683"),
            ("Bibliotheek Lindenhof", "52.38530", "4.63911"),
        ]
    ]
    page = browse.new_page()
    _block_tiles(page)

    browse.goto(page, f"/{live_world.hood.slug}/kaart/")
    expect(page.locator("#map")).to_be_visible()
    icons, shadows = _loaded_markers(page, count=len(places))
    assert {i["src"] for i in icons} == {hashed_static["icon"]}
    assert {i["src"] for i in shadows} == {hashed_static["shadow"]}
    # A screen with more pixels gets the larger icon: its URL is the hashed one, and it loads.
    retina = page.locator("#map").get_attribute("data-icon-retina")
    assert retina == hashed_static["retina"]
    assert page.request.get(retina).ok

    # A place's own page shows it on the same kind of map.
    browse.goto(page, f"/{live_world.hood.slug}/plekken/{places[0].pk}/")
    icons, _ = _loaded_markers(page, count=1)
    assert icons[0]["src"] == hashed_static["icon"]
