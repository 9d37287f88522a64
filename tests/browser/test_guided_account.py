"""A professional registers a resident without e-mail and prints a login card; the
resident logs in with the card's code on a phone, chooses a PIN, and logs in with it."""

import re

import pytest
from playwright.sync_api import expect

from buurtkracht.accounts.models import User

from .conftest import log_in_with_totp

pytestmark = pytest.mark.browser

A6_HEIGHT_PX = 559  # 148 mm at 96 dpi
A6_WIDTH_PX = 397  # 105 mm at 96 dpi
PIN = "48213"


def register_resident(browse, page, name):
    browse.goto(page, "/lindenhof/begeleid/nieuw/")
    form = page.locator("main form")
    form.locator("input[name=display_name]").fill(name)
    form.locator("input[name=postcode]").fill("2031 ab")
    form.locator("input[name=agreed]").check()
    form.locator("select[name=consent_method]").select_option("verbal")
    browse.click(page, form.locator("button[type=submit]"))
    assert re.search(r"/lindenhof/begeleid/\d+/kaart/$", page.url), page.url


def test_guided_account_from_card_to_pin(browse, live_world):
    professional = browse.new_page()
    log_in_with_totp(browse, professional, live_world.professional)
    register_resident(browse, professional, "Henk")

    card = professional.locator("article.login-card")
    code = card.locator(".card-steps .code.big").inner_text().strip()
    login_name = card.locator("p > .code.big").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
    resident = User.objects.get(profile__display_name="Henk")
    assert login_name == resident.username
    expect(card.locator(".qr svg")).to_be_visible()
    expect(card).to_contain_text(browse.base_url + "/inloggen/code/")

    # The resident, on a phone, in a browser of their own.
    phone = browse.new_page(narrow=True)
    browse.goto(phone, "/")
    browse.click(phone, phone.locator('main a[href="/inloggen/code/"]'))
    form = phone.locator("main form")
    form.locator("input[name=code]").fill("2345-6789")  # a typo first: the form with an error
    browse.click(phone, form.locator("button[type=submit]"))
    assert phone.url == browse.base_url + "/inloggen/code/"
    form.locator("input[name=code]").fill(code)
    browse.click(phone, form.locator("button[type=submit]"))
    assert phone.url == browse.base_url + "/mijn/pincode/"
    expect(phone.locator("main")).to_contain_text(login_name)

    form = phone.locator("main form")
    form.locator("input[name=kind][value=pin]").check()
    form.locator("input[name=pin]").fill(PIN)
    form.locator("input[name=repeat]").fill(PIN)
    browse.click(phone, form.locator("button[type=submit]"))
    assert phone.url == browse.base_url + "/mijn/"
    expect(phone.locator("main h1")).to_contain_text("Henk")

    browse.log_out(phone)
    browse.log_in(phone, login_name, PIN)
    assert phone.url == browse.base_url + "/mijn/"
    expect(phone.locator("main h1")).to_contain_text("Henk")
    resident.refresh_from_db()
    assert not resident.must_set_secret


def test_login_card_prints_on_one_a6_page(browse, live_world):
    page = browse.new_page()
    log_in_with_totp(browse, page, live_world.professional)
    register_resident(browse, page, "Wilhelmina van der Berg-Hoogendoorn")
    card = page.locator("article.login-card")
    expect(card).to_contain_text("Buurtkracht Lindenhof")  # the neighbourhood
    expect(card.locator(".card-call")).to_contain_text("Petra")  # whom to call

    # Lay the page out at A6 width, as printed, with print styles.
    page.set_viewport_size({"width": A6_WIDTH_PX, "height": A6_HEIGHT_PX})
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer", ".messages"):
        expect(page.locator(hidden)).to_have_count(1)
        expect(page.locator(hidden)).to_be_hidden()
    for element in page.locator(".no-print, main button").all():  # no buttons on paper
        expect(element).to_be_hidden()
    expect(card).to_be_visible()
    expect(card.locator(".qr svg")).to_be_visible()
    for code in card.locator(".code").all():  # the code and the login name never wrap
        height = code.bounding_box()["height"]
        font = code.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert height < 2 * font, f"{code.inner_text()!r} wraps: {height} px high"

    # Chromium's own print to PDF, at the page size the style sheet asks for: one A6 page.
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"the login card prints on {pages} pages"
    width, height = (
        float(v) for v in re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf).groups()
    )
    assert (round(width), round(height)) == (298, 420), f"the page is {width} x {height} pt, not A6"
