"""Joining a neighbourhood: an open one, by invitation link, by typed code (without JS)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from buurtkracht.core.choices import Role
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import invitation_create

from .. import factories as f

pytestmark = pytest.mark.browser


def role_text(role: Role) -> str:
    with translation.override("nl"):
        return str(role.label)


def assert_member_here(page, user, slug):
    """On the neighbourhood's home page, which says the person is a member, and as what."""
    assert page.url.endswith(f"/{slug}/")
    expect(page.locator("main .you")).to_contain_text(role_text(Role.RESIDENT))
    assert Membership.objects.get(user=user, neighbourhood__slug=slug).role == Role.RESIDENT


def test_join_an_open_neighbourhood_and_one_by_invitation_link(browse, live_world):
    user = f.make_user(name="Fatima")
    invitation = invitation_create(actor=live_world.outsider, neighbourhood=live_world.other)
    page = browse.new_page()
    browse.log_in(page, user.email, f.PASSWORD)
    assert page.url.endswith("/mijn/")

    browse.goto(page, "/")
    browse.click(page, page.locator('main .cards a[href="/lindenhof/"]'))
    browse.click(page, page.locator('main form[action="/lindenhof/meedoen/"] button[type=submit]'))
    assert_member_here(page, user, "lindenhof")

    # Vaartkwartier is invite-only: no join button on its home page...
    browse.goto(page, "/vaartkwartier/")
    expect(page.locator("main form[action='/vaartkwartier/meedoen/']")).to_have_count(0)
    # ...but the invitation link works.
    browse.goto(page, f"/vaartkwartier/uitnodiging/{invitation.code}/")
    browse.click(page, page.locator("main form button[type=submit]"))
    assert_member_here(page, user, "vaartkwartier")


def test_invitation_link_when_logged_out_leads_through_login_and_back(browse, live_world):
    user = f.make_user(name="Ruben")
    invitation = invitation_create(actor=live_world.outsider, neighbourhood=live_world.other)
    page = browse.new_page()
    browse.goto(page, f"/vaartkwartier/uitnodiging/{invitation.code}/")
    browse.click(page, page.locator('main a[href^="/account/login/?next="]'))
    form = page.locator('main form[action="/account/login/"]')
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(f.PASSWORD)
    browse.click(page, form.locator("button[type=submit]"))
    assert page.url.endswith(f"/vaartkwartier/uitnodiging/{invitation.code}/")
    browse.click(page, page.locator("main form button[type=submit]"))
    assert_member_here(page, user, "vaartkwartier")


def test_join_with_a_typed_code_and_an_open_neighbourhood_without_javascript(browse, live_world):
    user = f.make_user(name="Bram")
    invitation = invitation_create(actor=live_world.outsider, neighbourhood=live_world.other)
    page = browse.new_page(javascript=False, narrow=True)
    browse.log_in(page, user.email, f.PASSWORD)
    assert page.url.endswith("/mijn/")

    browse.goto(page, "/")
    browse.click(page, page.locator('main a[href="/meedoen/"]'))
    form = page.locator("main form")
    form.locator("input[name=code]").fill("2345-6789")  # a typo first: the form with an error
    browse.click(page, form.locator("button[type=submit]"))
    assert page.url.endswith("/meedoen/")
    # As a person types it from paper: lower case, with the dash.
    typed = f"{invitation.code[:4]}-{invitation.code[4:]}".lower()
    form.locator("input[name=code]").fill(typed)
    browse.click(page, form.locator("button[type=submit]"))
    assert page.url.endswith(f"/vaartkwartier/uitnodiging/{invitation.code}/")
    browse.click(page, page.locator("main form button[type=submit]"))
    assert_member_here(page, user, "vaartkwartier")

    browse.goto(page, "/lindenhof/")
    browse.click(page, page.locator('main form[action="/lindenhof/meedoen/"] button[type=submit]'))
    assert_member_here(page, user, "lindenhof")
