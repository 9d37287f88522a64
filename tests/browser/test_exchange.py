"""Asking for help on a phone, and the exchange that follows: Sanne posts a request at
375 px, sees the connector Karim suggested with a reason and invites him; Karim finds the
invitation in the requests and in his notifications, says yes and sees Sanne's e-mail (the
route she chose; she sees his phone number); they
send a message, both say it is done, Sanne writes a thank-you note. Also posting a request
without JavaScript."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from buurtkracht.exchange.models import Exchange, HelpInvitation, Post, PostStatus
from buurtkracht.gifts.models import TaxonomyCategory, TaxonomyItem
from buurtkracht.gifts.services import step_save
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.gifts.taxonomy import invalidate_index, sync_taxonomy
from buurtkracht.notifications.models import Kind, Notification
from buurtkracht.people.models import Profile
from tests.factories import membership_of

from .. import factories as f

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
POSTS = "/lindenhof/vragen/"
NEW_POST = "/lindenhof/vragen/nieuw/"
NOTIFICATIONS = "/mijn/meldingen/"
REQUEST = "Mijn fietsband is lek, wie kan helpen?"
INVITE_MESSAGE = "Heb jij zaterdag tijd?"
MESSAGE = "Zaterdag om tien uur bij jou?"
THANKS = "Dankjewel Karim, ik fiets weer!"


@pytest.fixture
def vocabulary(live_world):
    """The shared taxonomy, loaded again: browser tests empty their database (see
    test_gifts.py)."""
    sync_taxonomy(category_model=TaxonomyCategory, item_model=TaxonomyItem)
    invalidate_index()
    yield
    invalidate_index()


def phone_page(browse, **kw):
    page = browse.new_page(narrow=True, **kw)
    page.set_viewport_size(PHONE)
    return page


def at(page, path):
    assert urlsplit(page.url).path == path, f"at {page.url}, expected {path}"


def post_form(page):
    return page.locator("main form[method=post]").first


def action_form(page, action):
    """One of the exchange page's forms, by the last word of the URL it posts to."""
    return page.locator(f'main form[method=post][action$="/{action}/"]')


def submit(form):
    return form.locator("button[type=submit]")


def ask_for_help(browse, page, text):
    """From the requests page, with the "ask for help" link; returns the new post."""
    browse.goto(page, POSTS)
    browse.click(page, page.locator(f'main a[href="{NEW_POST}"]'))
    at(page, NEW_POST)
    form = post_form(page)
    form.locator("textarea[name=text]").fill(text)
    expect(form.locator("input[name=when_kind][value=flexible]")).to_be_checked()
    browse.click(page, form.locator("button[type=submit]"))
    post = Post.objects.get(text=text)
    at(page, f"/lindenhof/vragen/{post.pk}/")
    expect(page.locator("main p.lead")).to_contain_text(text)
    return post


def test_ask_invite_help_and_thank_on_a_phone(browse, live_world, vocabulary):
    sanne, karim = live_world.resident, live_world.connector
    # How each wants to be reached after a yes (decision 0044): Sanne by e-mail, Karim by phone.
    Profile.objects.filter(user=sanne).update(contact_route="email")
    Profile.objects.filter(user=karim).update(phone="0612345678", contact_route="phone")
    step_save(
        actor=karim,
        subject=karim,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key="fiets-repareren").pk],
        texts=[],
        visibility="neighbourhood",
    )

    # Sanne asks for help, flexible in time.
    page = phone_page(browse)
    browse.log_in(page, sanne.email, f.PASSWORD)
    post = ask_for_help(browse, page, REQUEST)
    assert (post.author, post.when_kind, post.status) == (sanne, "flexible", PostStatus.OPEN)

    # Karim is suggested, with a reason; Sanne invites him with a short message.
    invite_action = f"/lindenhof/vragen/{post.pk}/uitnodigen/{karim.pk}/"
    card = page.locator("main li.card").filter(has=page.locator(f'form[action="{invite_action}"]'))
    invite = card.locator(f'form[action="{invite_action}"]')
    expect(card).to_contain_text(karim.profile.display_name)
    shown = card.locator("p").first.inner_text()
    assert "omdat:" in shown and len(shown) > len("omdat:"), "Karim is suggested without a reason"
    reason = shown.split("omdat:", 1)[1].strip()
    invite.locator("input[name=message]").fill(INVITE_MESSAGE)
    browse.click(page, submit(invite))
    at(page, f"/lindenhof/vragen/{post.pk}/")
    expect(page.locator(f'main form[action="{invite_action}"]')).to_have_count(0)
    invitation = HelpInvitation.objects.get(post=post, invitee=karim)
    assert (invitation.invited_by, invitation.message) == (sanne, INVITE_MESSAGE)
    assert invitation.reason == reason  # worked out on the server, as the page showed it
    invitation_url = f"/lindenhof/uitnodigingen/{invitation.pk}/"

    # Karim, on his own phone, sees the invitation among the requests...
    other = phone_page(browse)
    browse.log_in(other, karim.email, f.PASSWORD)
    browse.goto(other, POSTS)
    expect(other.locator(f'main a[href="{invitation_url}"]')).to_contain_text("fietsband")

    # ...and in his notifications, where he opens it.
    notification = Notification.objects.get(user=karim, kind=Kind.INVITATION)
    assert notification.url == invitation_url
    browse.goto(other, NOTIFICATIONS)
    opener = other.locator(f'main form[action="{NOTIFICATIONS}{notification.pk}/"]')
    browse.click(other, submit(opener))
    at(other, invitation_url)
    expect(other.locator("main")).to_contain_text(INVITE_MESSAGE)
    expect(other.locator("main")).to_contain_text(invitation.reason)

    # He says yes: the exchange page shows Sanne's e-mail.
    browse.click(other, other.locator("main form[method=post] button[name=accept]"))
    exchange = Exchange.objects.get(invitation=invitation)
    assert (exchange.helper, exchange.helped) == (karim, sanne)
    exchange_url = f"/lindenhof/samen/{exchange.pk}/"
    at(other, exchange_url)
    expect(other.locator(f'main a[href="mailto:{sanne.email}"]')).to_have_text(sanne.email)
    assert Post.objects.get(pk=post.pk).status == PostStatus.TAKEN

    # He sends a message.
    form = action_form(other, "bericht")
    form.locator("textarea[name=m-text]").fill(MESSAGE)
    browse.click(other, submit(form))
    at(other, exchange_url)
    expect(other.locator("main ol.items")).to_contain_text(MESSAGE)

    # Sanne opens the exchange from the requests page and reads it; she sees his phone.
    browse.goto(page, POSTS)
    browse.click(page, page.locator(f'main a[href="{exchange_url}"]'))
    at(page, exchange_url)
    expect(page.locator("main ol.items")).to_contain_text(MESSAGE)
    expect(page.locator('main a[href="tel:0612345678"]')).to_have_count(1)
    expect(page.locator(f'main a[href="mailto:{karim.email}"]')).to_have_count(0)

    # "It is done": Sanne, then Karim.
    browse.click(page, submit(action_form(page, "klaar")))
    at(page, exchange_url)
    expect(action_form(page, "klaar")).to_have_count(0)
    browse.goto(other, exchange_url)
    # Only the person who was helped writes the thank-you note.
    expect(action_form(other, "bedanken")).to_have_count(0)
    browse.click(other, submit(action_form(other, "klaar")))
    at(other, exchange_url)
    expect(action_form(other, "klaar")).to_have_count(0)
    exchange.refresh_from_db()
    assert exchange.is_done
    assert Post.objects.get(pk=post.pk).status == PostStatus.DONE

    # Sanne writes a thank-you note.
    browse.goto(page, exchange_url)
    form = action_form(page, "bedanken")
    form.locator("textarea[name=k-text]").fill(THANKS)
    browse.click(page, submit(form))
    at(page, exchange_url)
    expect(action_form(page, "bedanken")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(THANKS)
    exchange.refresh_from_db()
    assert exchange.thanks == THANKS


def test_posting_a_request_without_javascript(browse, live_world, vocabulary):
    sanne = live_world.resident
    page = browse.new_page(javascript=False, narrow=True)
    browse.log_in(page, sanne.email, f.PASSWORD)
    post = ask_for_help(browse, page, REQUEST)
    assert (post.author, post.when_kind) == (sanne, "flexible")


@pytest.mark.parametrize("javascript", [True, False])
def test_changing_closing_and_the_safety_net_on_a_phone(browse, live_world, vocabulary, javascript):
    """Sanne changes her request, then closes it as no longer needed; an earlier one that
    went to the safety net shows her who will contact her, and Petra writes to her there."""
    from buurtkracht.exchange.services import post_create
    from buurtkracht.people.services import consent_grant
    from buurtkracht.support.models import SafetyNetCase
    from buurtkracht.support.services import safety_net_sweep

    from .conftest import log_in_with_totp

    world = live_world
    sanne = world.resident
    page = browse.new_page(narrow=True, javascript=javascript)
    browse.log_in(page, sanne.email, f.PASSWORD)
    post = ask_for_help(browse, page, REQUEST)
    browse.click(page, page.locator("main a", has_text="Veranderen"))
    page.locator("main textarea[name=text]").fill("Mijn fietsband is lek. Zaterdag?")
    browse.click(page, post_form(page).locator("button[type=submit]"))
    expect(page.locator("main .lead")).to_contain_text("Zaterdag?")
    browse.click(page, page.locator("main a", has_text="Sluiten"))
    browse.click(page, post_form(page).locator("button[type=submit]"))  # no reason chosen
    expect(page.locator("main")).to_contain_text("Kies waarom je het sluit")
    post_form(page).locator("input[name=outcome][value=withdrawn]").check()
    browse.click(page, post_form(page).locator("button[type=submit]"))
    assert Post.objects.get(pk=post.pk).status == PostStatus.CLOSED
    expect(page.locator("main")).not_to_contain_text("Zaterdag?")  # off the board

    consent_grant(user=sanne, neighbourhood=world.hood, scope="safety_net")
    post_create(
        actor=sanne,
        neighbourhood=world.hood,
        kind="request",
        text="Ik red het niet alleen",
        needs_more=True,
        membership=membership_of(sanne, world.hood),
    )
    safety_net_sweep()
    case = SafetyNetCase.objects.get()
    petra = browse.new_page(narrow=True, javascript=javascript)
    log_in_with_totp(browse, petra, world.professional)
    browse.goto(petra, f"/lindenhof/vangnet/{case.pk}/")
    petra.locator("main textarea[name=text]").fill("Ik bel je morgen om tien uur.")
    browse.click(petra, petra.locator("main section:has(#msg-h) button[type=submit]"))
    browse.goto(page, f"/lindenhof/vangnet/mijn/{case.pk}/")
    expect(page.locator("main")).to_contain_text("met een bericht hier op Buurtkracht")
    expect(page.locator("main section:has(#msg-h)")).to_contain_text("morgen om tien uur")
