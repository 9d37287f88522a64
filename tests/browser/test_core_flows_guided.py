"""Each core flow at 320 px as a guided resident (a login name and a PIN, no e-mail), with
and without JavaScript (issue 18): ask for help, say what you bring, give time after
"Klopt dat?", sign up for an activity. `browse` audits every page with axe-core and fails
any that scrolls sideways at 320 px."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from buurtkracht.accounts.models import User
from buurtkracht.exchange.models import Post
from buurtkracht.gifts.models import Gift, TaxonomyCategory, TaxonomyItem
from buurtkracht.gifts.taxonomy import invalidate_index, sync_taxonomy
from buurtkracht.initiatives import services as initiatives
from buurtkracht.initiatives.models import SignUp
from buurtkracht.timebank import services as timebank
from buurtkracht.timebank.models import Transfer
from tests.factories import membership_of

from .. import factories as f
from .test_gifts import next_button, step_form, tick_first

pytestmark = pytest.mark.browser

PIN = "48213"
CATEGORY_SIGN = """() => getComputedStyle(
  document.querySelector('details.category summary'), '::before').content"""


@pytest.fixture
def guided(live_world):
    """Henk: a guided account of Lindenhof (login name and PIN), in a neighbourhood with
    the time bank and initiatives on, an activity coming up, and the taxonomy loaded."""
    sync_taxonomy(category_model=TaxonomyCategory, item_model=TaxonomyItem)
    invalidate_index()
    hood = live_world.hood
    hood.modules = [*hood.modules, "timebank", "initiatives"]
    hood.save()
    timebank.rules_set(
        actor=live_world.admin,
        neighbourhood=hood,
        welcome_credit=120,
        membership=membership_of(live_world.admin, hood),
    )
    henk = f.make_member(hood, name="Henk")
    User.objects.filter(pk=henk.pk).update(username="henk", email="", is_guided=True)
    henk.refresh_from_db()
    henk.set_password(PIN)
    henk.save()
    timebank.member_joined(user=henk, neighbourhood=hood)
    initiative = initiatives.initiative_create(
        actor=live_world.connector,
        neighbourhood=hood,
        name="Buurtdiner",
        what_and_why="Elke maand samen eten.",
        membership=membership_of(live_world.connector, hood),
    )
    start = timezone.now() + timedelta(days=4)
    activity = initiatives.activity_add(
        actor=live_world.connector,
        initiative=initiative,
        title="Soep koken",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Lindenplein 1",
    )
    yield henk, initiative, activity
    invalidate_index()


def _log_in(browse, page):
    browse.log_in(page, "henk", PIN)
    assert page.url.endswith("/mijn/"), page.url


@pytest.mark.parametrize("javascript", [True, False])
def test_a_guided_resident_does_each_core_flow_on_a_small_phone(
    browse, live_world, guided, javascript
):
    henk, initiative, activity = guided
    page = browse.new_page(narrow=True, javascript=javascript)
    _log_in(browse, page)

    # Ask for help.
    browse.goto(page, "/lindenhof/vragen/nieuw/")
    form = page.locator("main form[method=post]").first
    form.locator("textarea[name=text]").fill("Wie helpt mij met boodschappen?")
    browse.click(page, form.locator("button[type=submit]"))
    post = Post.objects.get(author=henk)
    assert page.url.endswith(f"/lindenhof/vragen/{post.pk}/")

    # Say what you bring: a category opens (details/summary), tick, save.
    browse.goto(page, "/mijn/meebrengen/handen/")
    sign = page.evaluate(CATEGORY_SIGN)  # a closed category shows that it opens
    assert sign not in ("none", "normal", ""), sign
    label = tick_first(page)
    browse.click(page, next_button(step_form(page)))
    assert label in [gift.label for gift in Gift.objects.filter(owner=henk)]

    # Give time: find by name, choose, then "Klopt dat?" before anything moves.
    browse.goto(page, "/lindenhof/tijdbank/")
    search = page.locator("main section:has(#give-h) form[role=search]")
    search.locator("input[name=wie]").fill("Kar")
    browse.click(page, search.locator("button[type=submit]"))
    give = page.locator("main form[action$='/tijdbank/geven/']")
    give.locator(f"input[name=to_user][value='{live_world.connector.pk}']").check()
    give.locator("input[name=hours]").fill("1")
    give.locator("input[name=minutes]").fill("0")
    browse.click(page, give.locator("button[type=submit]"))
    expect(page.locator("main .big")).to_contain_text("Je geeft 1 uur aan Karim")
    assert not Transfer.objects.filter(kind="direct").exists()
    browse.click(page, page.locator("main form button[type=submit]"))
    assert Transfer.objects.filter(kind="direct").count() == 1
    expect(page.locator("main .big")).to_have_text("1 uur")  # 2 hours welcome, 1 given

    # Sign up for an activity.
    browse.goto(page, f"/lindenhof/initiatieven/{initiative.pk}/")
    sign_up = page.locator("main form[action$='/aanmelden/']")
    expect(sign_up.locator("button")).to_contain_text("Soep koken")  # names its activity
    browse.click(page, sign_up.locator("button[type=submit]"))
    assert SignUp.objects.filter(activity=activity, user=henk).exists()
