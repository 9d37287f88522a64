"""What do you bring? ("Wat breng jij mee?") on a phone, and on the neighbourhood's map: a
resident fills in the steps at 375 px, a neighbour finds the results on the map, a visitor
does not; the map page still lists the places when the map tiles cannot load; one step
without JavaScript."""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from buurtkracht.gifts.models import (
    AvailabilitySlot,
    Gift,
    Resource,
    TaxonomyCategory,
    TaxonomyItem,
    TimeOffer,
    Wish,
)
from buurtkracht.gifts.taxonomy import invalidate_index, sync_taxonomy
from buurtkracht.places.models import Place, PlaceKind

from .. import factories as f

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
OWN_WORDS = "Fietsenmaker, ook voor bakfietsen"
WISH = "Hulp bij mijn belastingaangifte"
SLOTS = ["1-evening", "3-afternoon", "5-morning"]  # Tuesday evening, Thursday afternoon, ...
GIFTS = "/mijn/meebrengen/"


@pytest.fixture
def vocabulary(live_world):
    """The shared taxonomy. A data migration loads it, but browser tests run in transactional
    databases that are emptied after each test: load it again (idempotent), and drop the
    search index cached from an earlier test's rows."""
    sync_taxonomy(category_model=TaxonomyCategory, item_model=TaxonomyItem)
    invalidate_index()
    yield
    invalidate_index()


def phone_page(browse, **kw):
    """A page in a 375 × 740 viewport; `narrow` makes the audit check sideways scrolling
    at that width too."""
    page = browse.new_page(narrow=True, **kw)
    page.set_viewport_size(PHONE)
    return page


def step_url(key=None):
    return f"{GIFTS}{key}/" if key else GIFTS


def at(page, path):
    assert urlsplit(page.url).path == path, f"at {page.url}, expected {path}"


def step_form(page):
    return page.locator("main form[method=post]").first


def next_button(form):
    """The submit button without a name: "Save and next", or "Save and finish"."""
    return form.locator("button[type=submit]:not([name])")


def tick_in_category(details, checkbox):
    """Open a closed category (<details>) and tick `checkbox` in it. Returns its label."""
    expect(details).to_have_count(1)
    expect(details).not_to_have_attribute("open", re.compile(".*"))
    expect(checkbox).to_be_hidden()
    details.locator("summary").click()
    expect(details).to_have_attribute("open", "")
    checkbox.check()
    box_id = checkbox.get_attribute("id")
    return details.locator(f'label[for="{box_id}"]').inner_text().strip()


def tick_first(page):
    """Tick the first item of the first category."""
    details = page.locator("main details.category").first
    return tick_in_category(details, details.locator("input[name=items]").first)


def test_bring_in_the_steps_on_a_phone_and_find_it_on_the_map(browse, live_world, vocabulary):
    sanne = live_world.resident
    page = phone_page(browse)
    browse.log_in(page, sanne.email, f.PASSWORD)
    at(page, "/mijn/")

    browse.click(page, page.locator(f'main a[href="{GIFTS}"]'))
    at(page, GIFTS)
    browse.click(page, page.locator(f'main a.button[href="{step_url("hoofd")}"]'))  # Start

    # Head: a category opens, one item in it is ticked.
    at(page, step_url("hoofd"))
    form = step_form(page)
    head_label = tick_first(page)
    browse.click(page, next_button(form))

    # Hands: own words, visible to the members of the neighbourhood.
    at(page, step_url("handen"))
    form = step_form(page)
    form.locator("textarea[name=own_words]").fill(OWN_WORDS)
    form.locator("select[name=visibility]").select_option("neighbourhood")
    browse.click(page, next_button(form))

    # Heart: tick something, then "Save and stop for now" leads to the overview.
    at(page, step_url("hart"))
    form = step_form(page)
    heart_label = tick_first(page)
    browse.click(page, form.locator("button[type=submit][name=done]"))
    at(page, GIFTS)
    main = page.locator("main")
    for text in (head_label, OWN_WORDS, heart_label):
        expect(main).to_contain_text(text)

    # Time: a few parts of the week in the table, and how often.
    browse.click(page, page.locator(f'main a[href="{step_url("tijd")}"]'))
    at(page, step_url("tijd"))
    form = step_form(page)
    for value in SLOTS:
        box = form.locator(f'table.slots input[name=slots][value="{value}"]')
        expect(box).to_be_visible()
        box.check()
    form.locator("select[name=max_asks_per_month]").select_option("2")
    browse.click(page, next_button(form))

    # Share: the ladder, found by its label.
    at(page, step_url("delen"))
    form = step_form(page)
    ladder = TaxonomyItem.objects.get(key="ladder")
    box = page.get_by_label(ladder.label_nl, exact=True)
    tick_in_category(form.locator("details.category").filter(has=box), box)
    form.locator("select[name=visibility]").select_option("neighbourhood")
    browse.click(page, next_button(form))

    # Help for you: a wish, private (the default), then the last button finishes.
    at(page, step_url("hulp"))
    form = step_form(page)
    expect(form.locator("button[type=submit][name=done]")).to_have_count(0)
    expect(form.locator("select[name=visibility]")).to_have_value("private")
    form.locator("textarea[name=own_words]").fill(WISH)
    browse.click(page, next_button(form))

    at(page, GIFTS)
    for text in (head_label, OWN_WORDS, heart_label, ladder.label_nl, WISH):
        expect(main).to_contain_text(text)
    # The time card lists the chosen parts of the week instead of "nothing yet".
    expect(page.locator("main section[aria-labelledby=s-tijd] p.muted")).to_have_count(0)

    # What was stored.
    gifts = Gift.objects.filter(owner=sanne)
    assert sorted(gifts.values_list("kind", flat=True)) == ["hands", "head", "heart"]
    hands = gifts.get(kind="hands")
    assert (hands.text, hands.visibility) == (OWN_WORDS, "neighbourhood")
    resource = Resource.objects.get(owner=sanne)
    assert (resource.item_id, resource.visibility) == (ladder.pk, "neighbourhood")
    assert Wish.objects.get(owner=sanne).visibility == "private"
    slots = {f"{s.weekday}-{s.daypart}" for s in AvailabilitySlot.objects.filter(owner=sanne)}
    assert slots == set(SLOTS)
    assert TimeOffer.objects.get(owner=sanne).max_asks_per_month == 2

    # A neighbour in Lindenhof finds both on the map, with Sanne's name.
    neighbour = f.make_member(live_world.hood, name="Joost")
    other = phone_page(browse)
    browse.log_in(other, neighbour.email, f.PASSWORD)
    for query, label in (("fietsen", OWN_WORDS), ("ladder", ladder.label_nl)):
        browse.goto(other, f"/lindenhof/kaart/?zoek={query}")
        expect(other.locator("main p[role=status]")).to_contain_text(query)
        card = asset_cards(other).filter(has_text=label)
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Sanne")

    # A visitor who is not logged in sees neither: they are for neighbourhood members.
    visitor = phone_page(browse)
    for query, label in (("fietsen", OWN_WORDS), ("ladder", ladder.label_nl)):
        browse.goto(visitor, f"/lindenhof/kaart/?zoek={query}")
        expect(visitor.locator("main h1")).to_be_visible()
        expect(asset_cards(visitor).filter(has_text=label)).to_have_count(0)
        expect(visitor.locator("main")).not_to_contain_text("Sanne")


def asset_cards(page):
    return page.locator("main section[aria-labelledby=assets-h] li.card")


def place_cards(page):
    return page.locator("main section[aria-labelledby=places-h] li.card")


def tile_host():
    return urlsplit(settings.BUURTKRACHT_TILE_URL.replace("{s}", "a")).hostname


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_map_page_without_tiles_still_lists_the_places(browse, live_world, javascript):
    place = Place.objects.create(
        neighbourhood=live_world.hood,
        name="Buurthuis De Linde",
        kind=PlaceKind.COMMUNITY_CENTRE,
        address="Lindenplein 1",
        latitude="52.38412",
        longitude="4.63683",
    )
    page = phone_page(browse, javascript=javascript)
    # The tile server is on the internet, which is out of reach: every tile fails to load.
    tiles = []

    def no_network(route):
        tiles.append(route.request.url)
        route.abort("internetdisconnected")

    host = tile_host()
    page.context.route(lambda url: urlsplit(url).hostname == host, no_network)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))

    def console(message):
        if message.type != "error":
            return
        source = (message.location or {}).get("url", "")
        if urlsplit(source).hostname == host:
            return  # a tile that did not load: the expected failure
        errors.append(f"console: {message.text} ({source})")

    page.on("console", console)

    browse.goto(page, "/lindenhof/kaart/")
    link = place_cards(page).locator(f'a[href="/lindenhof/plekken/{place.pk}/"]')
    expect(link).to_have_text(place.name)
    expect(place_cards(page)).to_contain_text(place.address)
    expect(page.locator("#map-points")).to_have_count(1)

    map_box = page.locator("#map")
    if javascript:
        expect(map_box).to_be_visible()
        expect(map_box).to_have_class(re.compile(r"\bleaflet-container\b"))
        marker = map_box.locator(".leaflet-marker-icon")
        expect(marker).to_have_count(1)
        expect(marker).to_have_attribute("alt", place.name)
        box = map_box.bounding_box()
        assert box["height"] > 100 and box["width"] <= PHONE["width"], box
        # Tiles were asked for, and failed; the rest of the page is untouched.
        page.wait_for_load_state("networkidle")
        assert tiles, "the map asked for no tiles"
        expect(page.locator("main h1")).to_be_visible()
    else:
        expect(map_box).to_be_hidden()
        assert not tiles

    # The list is the way to the place: follow its link.
    browse.click(page, link)
    at(page, f"/lindenhof/plekken/{place.pk}/")
    expect(page.locator("main h1")).to_contain_text(place.name)
    assert not errors, "\n".join(errors)


def test_a_step_without_javascript(browse, live_world, vocabulary):
    person = f.make_member(live_world.hood, name="Fenna")
    page = browse.new_page(javascript=False, narrow=True)
    browse.log_in(page, person.email, f.PASSWORD)
    browse.goto(page, step_url("hoofd"))
    form = step_form(page)
    # <details> opens without JavaScript too.
    label = tick_first(page)
    form.locator("textarea[name=own_words]").fill("Formulieren van de gemeente\n\n")
    browse.click(page, next_button(form))
    at(page, step_url("handen"))

    gifts = Gift.objects.filter(owner=person, kind="head").select_related("item")
    assert sorted(g.label for g in gifts) == sorted([label, "Formulieren van de gemeente"])
