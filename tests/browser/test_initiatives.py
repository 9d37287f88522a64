"""An initiative on a phone: Sanne starts one, adds a task and an activity; Karim (a
connector) sees it rests on one person, asks to join, is let in, takes the task and signs
up — and the fragility signal changes. Every page is audited with axe-core at 320 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buurtkracht.initiatives.models import Initiative, SignUp, Task
from tests.factories import membership_of

from .. import factories as f

pytestmark = pytest.mark.browser

NEW = "/lindenhof/initiatieven/nieuw/"


@pytest.fixture
def hood(live_world):
    live_world.hood.modules = [*live_world.hood.modules, "initiatives"]
    live_world.hood.save()
    return live_world


def _submit(browse, page, form):
    browse.click(page, form.locator("button[type=submit]"))


def test_start_an_initiative_and_see_the_fragility_signal_change(browse, hood):
    sanne = browse.new_page(narrow=True)
    browse.log_in(sanne, hood.resident.email, f.PASSWORD)
    browse.goto(sanne, NEW)
    form = sanne.locator("main form[method=post]")
    form.locator("input[name=name]").fill("Moestuin")
    form.locator("textarea[name=what_and_why]").fill("Samen groente kweken achter de flat.")
    _submit(browse, sanne, form)
    initiative = Initiative.objects.get(name="Moestuin")
    page_path = f"/lindenhof/initiatieven/{initiative.pk}/"

    sanne.locator("summary", has_text="Een taak of rol toevoegen").click()
    task_form = sanne.locator("main form[action$='/taken/nieuw/']")
    task_form.locator("input[name=t-title]").fill("Water geven")
    task_form.locator("select[name=t-recurrence]").select_option("weekly")
    _submit(browse, sanne, task_form)
    take = sanne.locator("main form[action$='/oppakken/']")
    _submit(browse, sanne, take)
    expect(sanne.locator("main")).to_contain_text("rust op 1 persoon")

    sanne.locator("summary", has_text="Een activiteit plannen").click()
    plan = sanne.locator("main form[action$='/activiteiten/nieuw/']")
    day = timezone.localdate() + timedelta(days=4)
    plan.locator("input[name=a-title]").fill("Oogstfeest")
    plan.locator("input[name=a-day]").fill(day.isoformat())
    plan.locator("input[name=a-start]").fill("15:00")
    plan.locator("input[name=a-end]").fill("17:00")
    plan.locator("input[name=a-capacity]").fill("10")
    _submit(browse, sanne, plan)
    expect(sanne.locator("main")).to_contain_text("Oogstfeest")

    karim = browse.new_page(narrow=True)
    browse.log_in(karim, hood.connector.email, f.PASSWORD)
    browse.goto(karim, page_path)
    expect(karim.locator("main #fragility-h")).to_contain_text("Heeft hulp nodig")  # for connectors
    _submit(browse, karim, karim.locator("main form[action$='/meedoen/']"))
    expect(karim.locator("main")).to_contain_text("De eigenaren beslissen")
    _submit(browse, karim, karim.locator("main form[action$='/aanmelden/']"))
    assert SignUp.objects.get(user=hood.connector).status == "confirmed"

    browse.goto(sanne, page_path)
    browse.click(sanne, sanne.locator("main form[action$='/toelaten/'] button"))
    # Sanne hands the task over to Karim: he takes it, and it no longer rests on her.
    release = sanne.locator("main form[action$='/teruggeven/']")
    _submit(browse, sanne, release)
    browse.goto(karim, page_path)
    _submit(browse, karim, karim.locator("main form[action$='/oppakken/']"))
    second = Task.objects.create(
        initiative=initiative, title="Zaad kopen", carried_by=hood.resident
    )
    assert second.pk
    browse.goto(karim, page_path)
    expect(karim.locator("main")).not_to_contain_text("rust op 1 persoon")
    signal = karim.locator("main #fragility-h")
    expect(signal).to_contain_text("Nieuw")  # no longer "Heeft hulp nodig": two people carry it
    expect(signal).not_to_contain_text("Heeft hulp nodig")


@pytest.fixture
def vocabulary(hood):
    """The shared taxonomy, loaded again: browser tests empty their database."""
    from buurtkracht.gifts.models import TaxonomyCategory, TaxonomyItem
    from buurtkracht.gifts.taxonomy import invalidate_index, sync_taxonomy

    sync_taxonomy(category_model=TaxonomyCategory, item_model=TaxonomyItem)
    invalidate_index()
    yield
    invalidate_index()


@pytest.mark.parametrize("javascript", [True, False])
def test_invite_a_suggested_neighbour_for_an_open_task_and_give_time(
    browse, hood, vocabulary, javascript
):
    """Sanne's inloop needs a host. The page suggests Karim (he likes hosting); Sanne
    invites him, he says yes on his phone and now carries the task; he also gives the
    initiative an hour of time. Also without JavaScript."""
    from buurtkracht.gifts import services as gift_services
    from buurtkracht.gifts.models import TaxonomyItem
    from buurtkracht.gifts.steps import STEP_BY_KEY
    from buurtkracht.initiatives import services
    from buurtkracht.timebank import services as timebank
    from buurtkracht.timebank.models import Account

    timebank.rules_set(
        actor=hood.admin,
        neighbourhood=hood.hood,
        welcome_credit=120,
        membership=membership_of(hood.admin, hood.hood),
    )
    initiative = services.initiative_create(
        actor=hood.resident,
        neighbourhood=hood.hood,
        name="Inloop De Linde",
        what_and_why="Elke dinsdag koffie en een praatje.",
        membership=membership_of(hood.resident, hood.hood),
    )
    task = services.task_add(
        actor=hood.resident, initiative=initiative, title="Gastvrouw of gastheer bij de inloop"
    )
    gift_services.step_save(
        actor=hood.connector,
        subject=hood.connector,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key="buurtkamer-gastvrouw").pk],
        texts=[],
        visibility="neighbourhood",
    )
    page_path = f"/lindenhof/initiatieven/{initiative.pk}/"

    sanne = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(sanne, hood.resident.email, f.PASSWORD)
    browse.goto(sanne, page_path)
    browse.click(sanne, sanne.locator("main a", has_text="Wie zou dit kunnen oppakken?"))
    card = sanne.locator("main li.card", has_text="Karim")
    expect(card).to_contain_text("gastvrouw", ignore_case=True)
    card.locator("input[name=message]").fill("Iets voor jou?")
    browse.click(sanne, card.locator("button[type=submit]"))
    expect(sanne.locator("main")).to_contain_text("De uitnodiging is verstuurd")

    karim = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(karim, hood.connector.email, f.PASSWORD)
    browse.goto(karim, "/lindenhof/initiatieven/")
    browse.click(karim, karim.locator("main #invited-h + ul a"))
    expect(karim.locator("main")).to_contain_text("Iets voor jou?")
    browse.click(karim, karim.locator("main form[action$='/ja/'] button"))
    expect(karim.locator("main")).to_contain_text("Dank je")
    task.refresh_from_db()
    assert task.carried_by == hood.connector

    karim.locator("summary", has_text="Geef tijd aan dit initiatief").click()
    give = karim.locator("main form[action$='/tijd/geven/']")
    give.locator("input[name=d-hours]").fill("1")
    give.locator("input[name=d-minutes]").fill("0")
    browse.click(karim, give.locator("button[type=submit]"))
    expect(karim.locator("main #time-h + p")).to_contain_text("1 uur")
    assert Account.objects.get(initiative=initiative).balance == 60


def test_an_activity_title_cannot_hide_the_rest_of_the_page(browse, hood):
    """A title that opens an HTML comment inside the page's event data (schema.org) would
    make the browser swallow everything after it; the footer must still be there."""
    from buurtkracht.initiatives import services

    initiative = services.initiative_create(
        actor=hood.resident,
        neighbourhood=hood.hood,
        name="Buurtfeest",
        what_and_why="Samen.",
        membership=membership_of(hood.resident, hood.hood),
    )
    start = timezone.now() + timedelta(days=3)
    services.activity_add(
        actor=hood.resident,
        initiative=initiative,
        title="<!--<script",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    page = browse.new_page(narrow=True)
    browse.goto(page, f"/lindenhof/initiatieven/{initiative.pk}/")
    expect(page.locator("footer.site-footer")).to_be_visible()
    expect(page.locator("main")).to_contain_text("<!--<script")
