"""Sign up with a verification mail, log in and out, switch the language: in Chromium."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import translation
from playwright.sync_api import expect

from buurtkracht.accounts.models import User

from .. import factories as f
from ..helpers import links_in
from .conftest import wait_for_mail

pytestmark = pytest.mark.browser

LOGOUT_BUTTON = 'header form[action="/account/logout/"] button[type=submit]'
LOGIN_LINK = 'header a[href="/account/login/"]'


def test_sign_up_verify_the_mail_and_land_logged_in_on_a_phone(browse, mailbox, transactional_db):
    page = browse.new_page(narrow=True)
    browse.goto(page, "/")
    browse.click(page, page.locator('header a[href="/account/signup/"]'))

    form = page.locator('main form[action="/account/signup/"]')
    form.locator("input[name=email]").fill("noor@example.org")
    form.locator("input[name=password1]").fill("lang-genoeg-wachtwoord-7")
    form.locator("input[name=password2]").fill("lang-genoeg-wachtwoord-8")
    form.locator("input[name=display_name]").fill("Noor")
    browse.click(page, form.locator("button[type=submit]"))  # the form with its errors
    assert not User.objects.filter(email="noor@example.org").exists()
    form.locator("input[name=password1]").fill("lang-genoeg-wachtwoord-7")
    form.locator("input[name=password2]").fill("lang-genoeg-wachtwoord-7")
    browse.click(page, form.locator("button[type=submit]"))
    assert page.url.endswith("/account/confirm-email/")
    user = User.objects.get(email="noor@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)

    body = wait_for_mail(mailbox, "/account/confirm-email/")
    [link] = [url for url in links_in(body) if "/account/confirm-email/" in url]
    assert link.startswith(browse.base_url + "/")
    browse.goto(page, link)
    assert not EmailAddress.objects.get(user=user).verified  # opening the link is not enough
    # allauth signs a fresh key into the page's form, so match the form by its prefix.
    confirm = page.locator('main form[action^="/account/confirm-email/"] button[type=submit]')
    browse.click(page, confirm)

    assert page.url == browse.base_url + "/mijn/"
    expect(page.locator("main h1")).to_contain_text("Noor")
    browse.open_menu(page)
    expect(page.locator(LOGOUT_BUTTON)).to_be_visible()
    assert EmailAddress.objects.get(user=user).verified


def test_log_in_with_email_and_password_then_log_out(browse, live_world):
    page = browse.new_page()
    browse.goto(page, "/")
    browse.click(page, page.locator(LOGIN_LINK))
    form = page.locator('main form[action="/account/login/"]')
    form.locator("input[name=login]").fill(live_world.resident.email)
    form.locator("input[name=password]").fill(f.PASSWORD)
    browse.click(page, form.locator("button[type=submit]"))

    assert page.url == browse.base_url + "/mijn/"
    expect(page.locator("main h1")).to_contain_text("Sanne")
    expect(page.locator(LOGIN_LINK)).to_have_count(0)

    browse.log_out(page)
    assert page.url == browse.base_url + "/"
    expect(page.locator(LOGIN_LINK)).to_be_visible()
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    browse.goto(page, "/mijn/")  # the session is really gone
    assert page.url.startswith(browse.base_url + "/account/login/")


def test_switch_the_language_to_english_and_back(browse, transactional_db):
    page = browse.new_page()
    browse.goto(page, "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")
    with translation.override("nl"):
        dutch_log_in = translation.gettext("Log in")

    language = page.locator("footer form.language-form")
    language.locator("select[name=language]").select_option("en")
    browse.click(page, language.locator("button[type=submit]"))
    assert page.url == browse.base_url + "/"  # back on the same page
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator(LOGIN_LINK)).to_have_text("Log in")
    expect(language.locator("select[name=language]")).to_have_value("en")

    browse.click(page, page.locator(LOGIN_LINK))  # the choice is remembered
    expect(html).to_have_attribute("lang", "en")

    language.locator("select[name=language]").select_option("nl")
    browse.click(page, language.locator("button[type=submit]"))
    assert page.url == browse.base_url + "/account/login/"
    expect(html).to_have_attribute("lang", "nl")
    expect(page.locator(LOGIN_LINK)).to_have_text(dutch_log_in)
