"""The network on a phone: Karim (connector) sees who is not included yet and proposes an
introduction; Sanne and Bas each say yes on their own page, and Sanne also says whom she
knows; Petra (professional) makes a group to connect and adds a resident who allowed it.
Once both said yes they write to each other in the introduction's thread. Every page is
audited with axe-core at 320 px, also without JavaScript."""

import pytest
from playwright.sync_api import expect

from buurtkracht.gifts.models import TaxonomyCategory, TaxonomyItem
from buurtkracht.gifts.services import step_save
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.gifts.taxonomy import sync_taxonomy
from buurtkracht.network.models import Acquaintance, Introduction
from buurtkracht.people.services import consent_grant

from .. import factories as f
from .conftest import log_in_with_totp

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False])
def test_a_connector_introduces_two_neighbours_who_both_say_yes(browse, live_world, javascript):
    world = live_world
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    bas = f.make_member(world.hood, name="Bas")
    sync_taxonomy(category_model=TaxonomyCategory, item_model=TaxonomyItem)
    for person in (world.resident, bas):
        consent_grant(user=person, neighbourhood=world.hood, scope="connector_outreach")
        consent_grant(user=person, neighbourhood=world.hood, scope="network_names")
        step_save(
            actor=person,
            subject=person,
            step=STEP_BY_KEY["handen"],
            item_ids=[TaxonomyItem.objects.get(key="tuinieren").pk],
            texts=[],
            visibility="neighbourhood",
        )

    karim = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(karim, world.connector.email, f.PASSWORD)
    browse.goto(karim, "/lindenhof/netwerk/")
    main = karim.locator("main")
    expect(main.locator("#out-h")).to_be_visible()
    expect(main).to_contain_text("Sanne")
    expect(main.locator("svg[role=img] title").first).to_contain_text("bewoners")

    out = main.locator("section[aria-labelledby=out-h]")
    card = out.locator("li.card", has=karim.locator("strong", has_text="Sanne"))
    expect(card).to_contain_text("Bas")  # both like gardening: a suggestion with a reason
    browse.click(karim, card.locator("button[type=submit]").first)
    expect(karim.locator("main h1")).to_contain_text("Sanne")  # first: confirm, own words
    assert Introduction.objects.count() == 0
    karim.locator("main textarea[name=message]").fill("Jullie houden allebei van tuinieren.")
    browse.click(karim, karim.locator("main form[method=post] button[type=submit]"))
    expect(karim.locator("main")).to_contain_text("De kennismaking is voorgesteld")
    introduction = Introduction.objects.get()

    sanne = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(sanne, world.resident.email, f.PASSWORD)
    browse.goto(sanne, "/lindenhof/netwerk/mijn-buren/")
    browse.click(sanne, sanne.locator("main #intro-h + ul a"))
    expect(sanne.locator("main h1")).to_contain_text("Bas")
    browse.click(sanne, sanne.locator("main button[name=yes]"))
    expect(sanne.locator("main")).to_contain_text("Je hebt geantwoord")

    browse.goto(sanne, "/lindenhof/netwerk/mijn-buren/")
    search = sanne.locator("main section:has(#know-h) form[role=search]")
    search.locator("input[name=wie]").fill("kar")
    browse.click(sanne, search.locator("button[type=submit]"))
    form = sanne.locator('main form[action$="/ik-ken/"]')
    form.locator(f"input[name=k-other][value='{world.connector.pk}']").check()
    browse.click(sanne, form.locator("button[type=submit]"))
    expect(sanne.locator("main")).to_contain_text("Gevraagd")
    assert Acquaintance.objects.get().to_user == world.connector

    bas_page = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(bas_page, bas.email, f.PASSWORD)
    browse.goto(bas_page, f"/lindenhof/netwerk/kennismaken/{introduction.pk}/")
    browse.click(bas_page, bas_page.locator("main button[name=yes]"))
    introduction.refresh_from_db()
    assert introduction.accepted_at is not None

    # After both yeses: how to reach each other, and a thread (issue 16).
    expect(bas_page.locator("main #reach-h")).to_contain_text("Hoe bereik je Sanne")
    bas_page.locator("main textarea[name=text]").fill("Zullen we zaterdag samen wieden?")
    browse.click(bas_page, bas_page.locator("main section:has(#msg-h) button[type=submit]"))
    expect(bas_page.locator("main")).to_contain_text("Je bericht is verstuurd")
    browse.goto(sanne, "/lindenhof/netwerk/mijn-buren/")
    browse.click(sanne, sanne.locator("main #met-h + ul a"))
    expect(sanne.locator("main section:has(#msg-h)")).to_contain_text("samen wieden")


@pytest.mark.parametrize("javascript", [True, False])
def test_a_professional_makes_a_group_to_connect(browse, live_world, javascript):
    from buurtkracht.network.models import WatchGroup

    world = live_world
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="group_count")

    petra = browse.new_page(narrow=True, javascript=javascript)
    log_in_with_totp(browse, petra, world.professional)
    browse.goto(petra, "/lindenhof/netwerk/")
    browse.click(petra, petra.locator("main a", has_text="Groepen om te verbinden"))
    petra.locator("main input[name=name]").fill("Beschut wonen")
    browse.click(petra, petra.locator("main button[type=submit]"))
    expect(petra.locator("main h1")).to_have_text("Beschut wonen")
    search = petra.locator("main section:has(#add-h) form[role=search]")
    search.locator("input[name=wie]").fill("San")
    browse.click(petra, search.locator("button[type=submit]"))
    add = petra.locator('main form[action$="/toevoegen/"]')
    add.locator(f"input[name=person][value='{world.resident.pk}']").check()
    browse.click(petra, add.locator("button[type=submit]"))
    expect(petra.locator("main #members-h + ul")).to_contain_text("Sanne")
    assert list(WatchGroup.objects.get().members.all()) == [world.resident]

    sanne = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(sanne, world.resident.email, f.PASSWORD)
    browse.goto(sanne, "/lindenhof/netwerk/mijn-buren/")
    browse.click(sanne, sanne.locator('main form[action$="/verlaten/"] button'))
    expect(sanne.locator("main")).to_contain_text("Je bent uit de groep")
    assert not WatchGroup.objects.get().members.exists()
