"""The time bank on a phone: Sanne sees her welcome credit, gives Karim 45 minutes for
washing her windows (also without JavaScript) and reads it back in her history; the
administrator sees every balance, the month's figures, and corrects a mistake. Every page
is audited with axe-core and checked at 320 px."""

import pytest
from playwright.sync_api import expect

from buurtkracht.timebank import services
from buurtkracht.timebank.models import Transfer
from tests.factories import membership_of

from .. import factories as f
from .test_guided_account import log_in_with_totp

pytestmark = pytest.mark.browser

HOME = "/lindenhof/tijdbank/"
MANAGE = "/lindenhof/tijdbank/beheer/"


@pytest.fixture
def bank(live_world):
    world = live_world
    world.hood.modules = [*world.hood.modules, "timebank"]
    world.hood.save()
    services.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=60,
        membership=membership_of(world.admin, world.hood),
    )
    return world


def _give(browse, page, karim, minutes):
    # Find the neighbour by the first letters of the name, then choose them.
    search = page.locator("main section:has(#give-h) form[role=search]")
    search.locator("input[name=wie]").fill("Kar")
    browse.click(page, search.locator("button[type=submit]"))
    form = page.locator("main form[action$='/tijdbank/geven/']")
    form.locator(f"input[name=to_user][value='{karim.pk}']").check()
    form.locator("input[name=hours]").fill("0")
    form.locator("input[name=minutes]").fill(str(minutes))
    form.locator("input[name=note]").fill("Ramen gelapt")
    browse.click(page, form.locator("button[type=submit]"))
    # "Klopt dat?": nothing moved yet; the choice in plain words.
    expect(page.locator("main h1")).to_contain_text("Klopt dat?")
    expect(page.locator("main .big")).to_contain_text(f"{minutes} minuten aan Karim")
    assert not Transfer.objects.filter(kind="direct").exists()
    browse.click(page, page.locator("main form button[type=submit]"))


@pytest.mark.parametrize("javascript", [True, False])
def test_a_resident_gives_time_on_a_phone(browse, bank, javascript):
    page = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(page, bank.resident.email, f.PASSWORD)
    browse.goto(page, HOME)
    expect(page.locator("main .big")).to_have_text("1 uur")
    _give(browse, page, bank.connector, 45)
    expect(page.locator("[role=status].messages")).to_contain_text("Dank je")
    expect(page.locator("main .big")).to_have_text("15 minuten")
    expect(page.locator("main table")).to_contain_text("Ramen gelapt")
    assert Transfer.objects.filter(kind="direct").count() == 1


def test_the_administrator_sees_balances_and_corrects_a_mistake(browse, bank):
    wrong = services.give(
        actor=bank.resident,
        neighbourhood=bank.hood,
        to_user=bank.connector,
        minutes=30,
        membership=membership_of(bank.resident, bank.hood),
    )
    page = browse.new_page(narrow=True)
    log_in_with_totp(browse, page, bank.admin)
    browse.goto(page, MANAGE)
    expect(page.locator("main")).to_contain_text("Alle saldi")
    card = page.locator("main li.card", has_text="tijd gegeven")
    card.locator("input[name=reason]").fill("Verkeerde buur")
    browse.click(page, card.locator("button[type=submit]"))
    expect(page.locator("body")).to_contain_text("De overboeking is teruggedraaid")
    assert Transfer.objects.filter(reverses=wrong).exists()
