"""A 320 px phone, with and without JavaScript (issue 18): the header leaves the first screen
to the page, its menu opens without JavaScript, the pages people named fit without
scrolling sideways (checked by `browse` on every narrow page), and printing shows no
buttons. Every page visited is audited with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from buurtkracht.people.models import Profile
from tests import factories as f

from .conftest import NARROW, log_in_with_totp

pytestmark = pytest.mark.browser

ONE_LINE = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return [el.textContent.trim(), tops.size];
})"""
"""(text, number of lines) of each element the selector finds."""
HEADER_AT_MOST = NARROW["height"] // 4
"""A quarter of the first screen, at most, for the header (it was 539 of 640 px)."""


def _first_screen(page):
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= HEADER_AT_MOST, f"the header is {header['height']} px high"
    heading = page.locator("main h1").bounding_box()
    assert heading["y"] + heading["height"] <= NARROW["height"] / 2, heading


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_sees_the_page_first_and_finds_the_menu(browse, live_world, javascript):
    page = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(page, live_world.resident.email, f.PASSWORD)
    browse.goto(page, "/lindenhof/")
    _first_screen(page)
    menu = page.locator("header details.menu")
    expect(menu.locator("nav a", has_text="Vragen en aanbod")).to_be_hidden()
    menu.locator("summary").click()  # details/summary: no script needed
    link = menu.locator("nav a", has_text="Vragen en aanbod")
    expect(link).to_be_visible()
    browse.click(page, link)
    assert page.url.endswith("/lindenhof/vragen/")
    _first_screen(page)


def test_an_administrators_header_is_as_small(browse, live_world):
    page = browse.new_page(narrow=True)
    log_in_with_totp(browse, page, live_world.admin)
    for path in ("/lindenhof/", "/lindenhof/beheer/leden/"):
        browse.goto(page, path)
        _first_screen(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_pages_that_scrolled_sideways_fit_at_320(browse, live_world, javascript):
    """My access log, the requests that come back, the safety-net queue, import and
    export, the availability grid: `browse` fails any narrow page wider than the screen."""
    page = browse.new_page(narrow=True, javascript=javascript)
    log_in_with_totp(browse, page, live_world.admin)
    for path in (
        "/mijn/inzage/",
        "/lindenhof/gebundeld/",
        "/lindenhof/vangnet/",
        "/lindenhof/beheer/import-export/",
        "/mijn/meebrengen/tijd/",
        "/mijn/meebrengen/handen/",
    ):
        browse.goto(page, path)
        expect(page.locator("main h1")).to_be_visible()
    # The availability grid keeps each day's name on one line.
    browse.goto(page, "/mijn/meebrengen/tijd/")
    lines = page.evaluate(ONE_LINE, "table.slots th[scope=row]")
    assert lines and all(count == 1 for _day, count in lines), lines


def test_a_stated_need_changes_the_page(browse, live_world):
    Profile.objects.filter(user=live_world.resident).update(
        accessibility_needs=["low_vision", "easy_language"]
    )
    page = browse.new_page(narrow=True)
    browse.log_in(page, live_world.resident.email, f.PASSWORD)
    browse.goto(page, "/lindenhof/")
    size = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size >= 22, f"larger type asked for, root font is {size} px"
    expect(page.locator("main .big-actions")).to_be_visible()
    expect(page.locator("main .big-actions a").first).to_contain_text("Ik vraag hulp")
    expect(page.locator("main .explain").first).to_be_hidden()


def test_an_arabic_page_reads_right_to_left(browse, live_world):
    page = browse.new_page(narrow=True)
    browse.goto(page, "/")
    browse.click(page, page.locator("header a.language-link"))
    browse.click(page, page.locator('main button[value="ar"]'))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    browse.goto(page, "/lindenhof/")
    _first_screen(page)


def test_an_initiative_flyer_and_the_agenda_print_without_buttons(browse, live_world):
    from datetime import timedelta

    from django.utils import timezone

    from buurtkracht.initiatives import services
    from tests.factories import membership_of

    live_world.hood.modules = [*live_world.hood.modules, "initiatives"]
    live_world.hood.save()
    initiative = services.initiative_create(
        actor=live_world.resident,
        neighbourhood=live_world.hood,
        name="Repair Café",
        what_and_why="Samen spullen maken in plaats van weggooien.",
        membership=membership_of(live_world.resident, live_world.hood),
    )
    start = timezone.now() + timedelta(days=3)
    services.activity_add(
        actor=live_world.resident,
        initiative=initiative,
        title="Repareren in het buurthuis",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Lindenplein 1",
    )
    page = browse.new_page(narrow=True)
    browse.goto(page, f"/lindenhof/initiatieven/{initiative.pk}/flyer/")
    expect(page.locator("article.flyer .qr svg")).to_be_visible()
    page.emulate_media(media="print")
    for element in page.locator("button, .no-print, header, footer").all():
        expect(element).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"the flyer prints on {pages} pages"
    page.emulate_media(media="screen")
    browse.goto(page, "/lindenhof/agenda/")
    expect(page.locator("main h1")).to_contain_text("Agenda van Lindenhof")
    expect(page.locator("main ol.agenda")).to_contain_text("Repareren in het buurthuis")


@pytest.mark.parametrize("javascript", [True, False])
def test_where_can_i_go_on_a_small_phone(browse, live_world, javascript):
    import json

    from buurtkracht.demo.socialmap import hsds_organizations
    from buurtkracht.socialmap.services import hsds_import

    live_world.hood.municipality = "Haarlem"
    live_world.hood.modules = [*live_world.hood.modules, "social_map"]
    live_world.hood.save()
    hsds_import(actor=None, municipality="Haarlem", data=json.dumps(hsds_organizations()).encode())
    page = browse.new_page(narrow=True, javascript=javascript)
    browse.goto(page, "/lindenhof/waar-kan-ik-terecht/")
    form = page.locator("main form[role=search]")
    form.locator("input[name=vraag]").fill("ik kan mijn huur niet betalen")
    browse.click(page, form.locator("button[type=submit]"))
    first = page.locator("main ul.cards li.card h3 a").first
    expect(first).to_be_visible()
    browse.click(page, first)
    expect(page.locator("main dl")).to_contain_text("Laatst gecontroleerd")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_professional_keeps_the_social_map_right_on_a_small_phone(browse, live_world, javascript):
    """Change an entry (its hours, its topic), then "still right" on the list to check."""
    import json

    from buurtkracht.demo.socialmap import hsds_organizations
    from buurtkracht.socialmap.models import Service
    from buurtkracht.socialmap.services import hsds_import

    live_world.hood.municipality = "Haarlem"
    live_world.hood.modules = [*live_world.hood.modules, "social_map"]
    live_world.hood.save()
    hsds_import(actor=None, municipality="Haarlem", data=json.dumps(hsds_organizations()).encode())
    service = Service.objects.get(name="Geldspreekuur")
    page = browse.new_page(narrow=True, javascript=javascript)
    log_in_with_totp(browse, page, live_world.professional)
    browse.goto(page, f"/lindenhof/sociale-kaart/{service.pk}/")
    browse.click(page, page.locator("main a", has_text="Deze gegevens veranderen"))
    form = page.locator("main form.narrow")
    form.locator("input[name=opens_SA]").fill("10:00")
    form.locator("input[name=closes_SA]").fill("12:00")
    form.locator("select[name=topic_3]").select_option("stadspas")
    browse.click(page, form.locator("button[type=submit]"))
    expect(page.locator("main")).to_contain_text("Opgeslagen")
    expect(page.locator("main dl")).to_contain_text("stadspas")
    service.refresh_from_db()
    assert any("SA" in s["byday"] for s in service.document["schedules"])
    browse.goto(page, "/lindenhof/sociale-kaart/te-controleren/")
    first = page.locator("main ul.stack li.card").first
    name = first.locator("h2").inner_text()
    browse.click(page, first.locator("button", has_text="Klopt nog"))
    expect(page.locator("main")).to_contain_text("Vandaag gecontroleerd")
    assert Service.objects.get(name=name).reviewed_on is not None
