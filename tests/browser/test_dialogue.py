"""A wijkdialoog on a phone, without JavaScript: Karim (a connector) plans a dialogue table,
Sanne signs up, Petra (a professional) writes down a quote with Sanne's name and an
action, Sanne says yes to her name, and Karim takes the action up as his initiative.
Every page is audited with axe-core at 320 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buurtkracht.dialogue.models import Dialogue, HarvestItem
from buurtkracht.initiatives.models import Initiative

from .. import factories as f
from .conftest import log_in_with_totp

pytestmark = pytest.mark.browser


@pytest.fixture
def hood(live_world):
    live_world.hood.modules = [*live_world.hood.modules, "dialogue", "initiatives"]
    live_world.hood.save()
    return live_world


def _submit(browse, page, form):
    browse.click(page, form.locator("button[type=submit]").last)


def test_a_dialogue_from_plan_to_harvest_to_initiative(browse, hood):
    karim = browse.new_page(narrow=True, javascript=False)
    browse.log_in(karim, hood.connector.email, f.PASSWORD)
    browse.goto(karim, "/lindenhof/dialoog/")
    browse.click(karim, karim.locator("main a", has_text="Een dialoog plannen"))
    form = karim.locator("main form[method=post]")
    form.locator("input[name=title]").fill("Samen eten")
    form.locator("input[name=day]").fill((timezone.localdate() + timedelta(days=4)).isoformat())
    form.locator("input[name=start]").fill("19:00")
    form.locator("input[name=end]").fill("21:00")
    _submit(browse, karim, form)
    expect(karim.locator("main")).to_contain_text("Iedereen komt aan bod")
    dialogue = Dialogue.objects.get()
    detail = f"/lindenhof/dialoog/{dialogue.pk}/"

    sanne = browse.new_page(narrow=True, javascript=False)
    browse.log_in(sanne, hood.resident.email, f.PASSWORD)
    browse.goto(sanne, detail)
    browse.click(sanne, sanne.locator("main button", has_text="Ik kom"))
    expect(sanne.locator("main")).to_contain_text("Je bent aangemeld")

    petra = browse.new_page(narrow=True, javascript=False)
    log_in_with_totp(browse, petra, hood.professional)
    browse.goto(petra, f"{detail}oogst/")
    form = petra.locator("main form[method=post]").first
    form.locator("input[name=kind][value=quote]").check()
    form.locator("select[name=step]").select_option("experiences")
    form.locator("textarea[name=text]").fill("De buurvrouw bracht soep.")
    form.locator("input[name=consent]").check()
    form.locator("select[name=speaker]").select_option(str(hood.resident.pk))
    _submit(browse, petra, form)
    expect(petra.locator("main")).to_contain_text("wacht op het ja van de spreker")
    form = petra.locator("main form[method=post]").first
    form.locator("input[name=kind][value=action]").check()
    form.locator("textarea[name=text]").fill("Om de week samen eten")
    _submit(browse, petra, form)

    browse.goto(sanne, "/lindenhof/dialoog/mijn-woorden/")
    browse.click(sanne, sanne.locator("main button", has_text="Ja, met mijn naam"))
    assert HarvestItem.objects.get(kind="quote").consent_at is not None
    browse.goto(sanne, detail)
    expect(sanne.locator("main blockquote")).to_contain_text("De buurvrouw bracht soep.")

    browse.goto(karim, detail)
    browse.click(karim, karim.locator("main a", has_text="Ik pak dit op als initiatief"))
    form = karim.locator("main form[method=post]")
    form.locator("input[name=name]").fill("Zondagdiner")
    _submit(browse, karim, form)
    expect(karim.locator("main h1")).to_contain_text("Zondagdiner")
    assert Initiative.objects.get().people.get().user == hood.connector


def test_a_story_told_to_the_buurtwerker_is_read_once_the_teller_says_yes(browse, hood):
    """Petra writes down what Sanne told her; Sanne reads it, shares it with the
    neighbourhood; Karim reads it. No JavaScript, 320 px."""
    from buurtkracht.dialogue.models import Story

    petra = browse.new_page(narrow=True, javascript=False)
    log_in_with_totp(browse, petra, hood.professional)
    browse.goto(petra, "/lindenhof/verhalen/opschrijven/")
    search = petra.locator("main form[role=search]")
    search.locator("input[name=wie]").fill(hood.resident.name[:4])
    browse.click(petra, search.locator("button[type=submit]"))
    browse.click(petra, petra.locator("main ul.stack a").first)
    form = petra.locator("main form[method=post]")
    form.locator("input[name=title]").fill("De soep")
    form.locator("textarea[name=text]").fill("Mijn buurvrouw bracht soep toen ik ziek was.")
    form.locator("input[name=visibility][value=neighbourhood]").check()
    _submit(browse, petra, form)
    story = Story.objects.get()
    assert story.approved_at is None

    sanne = browse.new_page(narrow=True, javascript=False)
    browse.log_in(sanne, hood.resident.email, f.PASSWORD)
    browse.goto(sanne, "/lindenhof/verhalen/mijn/")
    card = sanne.locator("main li.card").first
    card.locator("input[type=checkbox]").check()
    browse.click(sanne, card.locator("button", has_text="Ja, het klopt"))
    expect(sanne.locator("main")).to_contain_text("Bedankt")

    karim = browse.new_page(narrow=True, javascript=False)
    browse.log_in(karim, hood.connector.email, f.PASSWORD)
    browse.goto(karim, "/lindenhof/verhalen/")
    browse.click(karim, karim.locator("main a", has_text="De soep"))
    expect(karim.locator("main article")).to_contain_text("Mijn buurvrouw bracht soep")


def test_a_professional_reflects_and_the_principle_page_shows_it(browse, hood):
    """Petra picks STARR, is stopped when she names Sanne, ticks that Sanne agreed,
    shares it; the principle page lists it for the administrator. 320 px, no JavaScript."""
    from buurtkracht.dialogue.models import Reflection

    petra = browse.new_page(narrow=True, javascript=False)
    log_in_with_totp(browse, petra, hood.professional)
    browse.goto(petra, "/lindenhof/reflecties/nieuw/")
    browse.click(petra, petra.locator("main nav a", has_text="STARR"))
    form = petra.locator("main form[method=post]")
    form.locator("input[name=title]").fill("Een lastig gesprek")
    form.locator("textarea[name=answer_situation]").fill(f"{hood.resident.name} was boos.")
    form.locator("input[name=principles][value=p5]").check()
    form.locator("input[name=for_professionals]").check()
    _submit(browse, petra, form)
    expect(petra.locator("main .error-summary")).to_contain_text(hood.resident.name)
    assert not Reflection.objects.exists()
    form = petra.locator("main form[method=post]")
    form.locator("input[name=names_consent]").check()
    _submit(browse, petra, form)
    expect(petra.locator("main h1")).to_contain_text("Een lastig gesprek")
    assert Reflection.objects.get().format == "starr"

    anouk = browse.new_page(narrow=True, javascript=False)
    log_in_with_totp(browse, anouk, hood.admin)
    browse.goto(anouk, "/lindenhof/principes/")
    browse.click(anouk, anouk.locator("main a", has_text="vertrouwen"))
    expect(anouk.locator("main")).to_contain_text("Een lastig gesprek")
