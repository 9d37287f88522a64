"""Issue 18 on the server side: plain words on every page a resident reaches, the choice of
language without an account, stated needs that change the page, forms that say what is
wrong at the top, time that moves only after "Klopt dat?", and paper (login card, flyers,
the agenda). The browser side (320 px, print to PDF) is in tests/browser/test_small_screens.py.
"""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from buurtkracht.accounts.models import User
from buurtkracht.demo.generator import generate
from buurtkracht.initiatives import services as initiative_services
from buurtkracht.people.models import Profile
from tests.factories import membership_of

from .test_access_log_crawl import _crawl, _seeds

pytestmark = pytest.mark.django_db

HOOD = {"slug": "lindenhof"}
TAGS = re.compile(r"<[^>]+>")


def _avoided() -> dict[str, str]:
    from pathlib import Path

    words = {}
    path = Path(__file__).resolve().parents[1] / "scripts" / "b1_avoid.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, _, instead = line.partition("\t")
            words[word.strip().lower()] = instead
    return words


def _page_text(html: str) -> str:
    """What the page says: the body (menu, content, footer) without scripts and styles."""
    body = html.split("<body", 1)[-1]
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return unescape(TAGS.sub(" ", body))


# --- plain words ---------------------------------------------------------------------------


@pytest.fixture
def demo_city(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    generate(residents=40, seed=5)


@pytest.mark.parametrize("username", ["bewoner", "henk-demo"])
def test_no_page_a_resident_reaches_uses_an_avoided_word(demo_city, client, username):
    """The demo crawled as a resident and as a guided resident: no word from the B1 avoid
    list and no empty choice written as "---------" on any page they can reach."""
    client.force_login(User.objects.get(username=username))
    avoided = _avoided()
    found: dict[str, list[str]] = {}
    crawled = 0
    for url, html, _last in _crawl(client, _seeds()):
        crawled += 1
        text = _page_text(html).lower()
        hits = [
            word
            for word in avoided
            if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text)
        ]
        if "---------" in html:
            hits.append("---------")
        if hits:
            found[url] = hits
    assert crawled > 20, f"the crawl reached only {crawled} pages"
    assert not found, "pages with words residents should not meet:\n" + "\n".join(
        f"  {url}: {hits}" for url, hits in sorted(found.items())
    )


# --- language --------------------------------------------------------------------------------


def test_every_language_is_offered_in_its_own_name_without_an_account(client, db):
    page = client.get(reverse("core:set_language") + "?next=/lindenhof/")
    assert page.status_code == 200
    html = page.content.decode()
    for code, name in [
        ("nl", "Nederlands"),
        ("en", "English"),
        ("ar", "العربيّة"),
        ("tr", "Türkçe"),
        ("pl", "polski"),
        ("uk", "Українська"),
    ]:
        assert f'value="{code}" lang="{code}"' in html
        assert name in html
    assert 'name="next" value="/lindenhof/"' in html


@pytest.mark.parametrize(
    ("language", "direction"), [("ar", "rtl"), ("tr", "ltr"), ("pl", "ltr"), ("uk", "ltr")]
)
def test_a_chosen_language_shows_its_catalogue_and_direction(client, db, language, direction):
    from django.utils import translation

    with translation.override(language):
        log_in = translation.gettext("Log in")
    assert log_in != "Log in"  # the catalogue has it
    client.post(reverse("core:set_language"), {"language": language, "next": "/"})
    html = client.get("/").content.decode()
    assert f'<html lang="{language}" dir="{direction}"' in html
    assert f">{log_in}<" in html
    assert ">Inloggen<" not in html


# --- stated needs ------------------------------------------------------------------------------


def test_stated_needs_change_every_page(world, client_for):
    client = client_for("resident")
    assert 'class="' not in client.get("/lindenhof/").content.decode().split("<head", 1)[0]
    Profile.objects.filter(user=world.resident).update(
        accessibility_needs=["low_vision", "easy_language"]
    )
    html = client.get("/lindenhof/").content.decode()
    assert '<html lang="nl" dir="ltr" class="large-type easy">' in html
    assert "big-actions" in html and "Ik vraag hulp" in html


# --- forms ---------------------------------------------------------------------------------------


def test_a_failed_form_starts_with_a_summary_that_links_to_each_field(world, client_for):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    page = client_for("resident").post(
        reverse("initiatives:new", kwargs=HOOD), {"name": "", "what_and_why": ""}
    )
    assert page.status_code == 200
    html = page.content.decode()
    summary = html.split('<div class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "autofocus" in summary and 'role="alert"' in summary
    for field in ("name", "what_and_why"):
        assert f'href="#id_{field}"' in summary
        assert f'id="id_{field}"' in html


# --- paper --------------------------------------------------------------------------------------


@pytest.fixture
def repair_cafe(world):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    initiative = initiative_services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Repair Café",
        what_and_why="Samen spullen maken in plaats van weggooien.",
        membership=membership_of(world.resident, world.hood),
    )
    start = timezone.now() + timedelta(days=3)
    activity = initiative_services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repareren in het buurthuis",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Lindenplein 1",
    )
    return initiative, activity


def test_an_initiative_and_an_activity_print_as_a_flyer_with_a_qr_code(repair_cafe, settings):
    initiative, activity = repair_cafe
    anonymous = Client()
    for url in (
        reverse("initiatives:flyer", kwargs={**HOOD, "initiative_id": initiative.pk}),
        reverse("initiatives:activity_flyer", kwargs={**HOOD, "activity_id": activity.pk}),
    ):
        html = anonymous.get(url).content.decode()
        assert '<article class="flyer"' in html and "<svg" in html
        assert "Buurt Lindenhof" in html
        detail = reverse("initiatives:detail", kwargs={**HOOD, "initiative_id": initiative.pk})
        assert settings.SITE_URL + detail in html


def test_the_agenda_lists_what_is_coming_by_day_with_the_neighbourhoods_name(repair_cafe):
    _initiative, activity = repair_cafe
    html = Client().get(reverse("initiatives:agenda", kwargs=HOOD)).content.decode()
    assert "Agenda van Lindenhof" in html
    agenda = html.split('<ol class="agenda">', 1)[1].split("</ol>", 1)[0]
    assert activity.title in agenda and "<h2" in agenda


def test_the_login_card_names_the_neighbourhood_and_whom_to_call(world, client_for):
    Profile.objects.filter(user=world.professional).update(phone="0231234567")
    client = client_for("professional")
    client.post(
        reverse("accounts:guided_new", kwargs=HOOD),
        {"display_name": "Henk", "postcode": "2031 ab", "agreed": "on", "consent_method": "paper"},
    )
    user = User.objects.get(profile__display_name="Henk")
    html = client.get(
        reverse("accounts:guided_card", kwargs={**HOOD, "user_id": user.pk})
    ).content.decode()
    assert "Buurtkracht Lindenhof" in html
    call = html.split('class="card-call"', 1)[1].split("</p>", 1)[0]
    assert "Petra" in call and "Welzijn Lindenhof" in call and "0231234567" in call
    # Another professional printing it sees whom to call, not Petra's own number.
    admin = client_for("admin")
    card_url = reverse("accounts:guided_card", kwargs={**HOOD, "user_id": user.pk})
    admin.post(card_url)  # a new card, printed by the administrator
    other = admin.get(card_url).content.decode()
    assert "Petra" in other and "0231234567" not in other


# --- allauth's pages in the site's words ----------------------------------------------------------


def test_a_wrong_password_and_the_two_step_page_speak_the_sites_dutch(world, client):
    wrong = client.post(
        reverse("account_login"), {"login": world.resident.email, "password": "niet-goed"}
    ).content.decode()
    assert "past niet bij het wachtwoord. Probeer het nog eens." in wrong
    assert "incorrect" not in wrong and "opgegeven" not in wrong
    from tests import factories as f

    step = client.post(
        reverse("account_login"), {"login": world.professional.email, "password": f.PASSWORD}
    )
    page = client.get(step["Location"]).content.decode()
    assert "Inloggen in twee stappen" in page
    assert "Twee-factor" not in page and "Aanmelden" not in page


def world_owner(initiative):
    return initiative.people.select_related("user").get(role="owner").user


def test_tasks_and_activities_are_headings_and_their_buttons_name_them(repair_cafe, client_for):
    initiative, activity = repair_cafe
    initiative_services.task_add(
        actor=world_owner(initiative), initiative=initiative, title="Koffie zetten"
    )
    html = (
        client_for("resident")
        .get(reverse("initiatives:detail", kwargs={**HOOD, "initiative_id": initiative.pk}))
        .content.decode()
    )
    assert '<h3 class="h3">Koffie zetten</h3>' in html
    assert f'<h3 class="h3">{activity.title}</h3>' in html
    assert 'Ik pak dit op<span class="visually-hidden">: Koffie zetten</span>' in html
