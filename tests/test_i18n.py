"""Dutch by default, English on request; the Dutch catalogue is complete (docs/decisions/0004)."""

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
CHECK_SCRIPT = ROOT / "scripts" / "check_messages.py"
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES"
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue():
    """`make messages` normally compiles the catalogue; do it here when the .mo is missing
    or older than the .po, and make Django load it afresh."""
    po, mo = CATALOGUE / "django.po", CATALOGUE / "django.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        msgfmt = shutil.which("msgfmt")
        if msgfmt is None:
            pytest.fail("msgfmt is missing: run `make system-deps` (gettext)")
        partial = mo.with_suffix(".mo.partial")
        subprocess.run([msgfmt, "--check-format", "-o", str(partial), str(po)], check=True)  # noqa: S603
        os.replace(partial, mo)
        from asgiref.local import Local
        from django.utils.translation import trans_real

        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = Local()
    return mo


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- which language a visitor gets ------------------------------------------------------


def test_dutch_without_a_cookie(client, db):
    response = client.get("/")
    html = _html(response)
    assert '<html lang="nl" dir="ltr">' in html
    for dutch in ("Inloggen", "Account maken", "Taal wijzigen", "Welkom"):
        assert dutch in html
    assert ">Log in<" not in html
    assert response.headers["Content-Language"] == "nl"


def test_the_browser_language_is_ignored(client, db):
    html = _html(client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9"))
    assert '<html lang="nl" dir="ltr">' in html
    assert "Inloggen" in html


def test_switching_to_english_sets_the_cookie(client, db):
    response = client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[COOKIE].value == "en"

    html = _html(client.get("/"))
    assert '<html lang="en" dir="ltr">' in html
    assert "Log in" in html
    assert "Inloggen" not in html

    client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    assert '<html lang="nl" dir="ltr">' in _html(client.get("/"))


def test_an_unknown_language_changes_nothing(client, db):
    response = client.post(reverse("core:set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    assert '<html lang="nl" dir="ltr">' in _html(client.get("/"))


def test_next_must_stay_on_this_site(client, db):
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": "https://elders.example/"}
    )
    assert response["Location"] == "/"


def test_a_logged_in_choice_is_stored_on_the_account(db):
    user = f.make_user(name="Sanne")
    assert user.language == ""  # not chosen yet
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": reverse("people:my_home")}
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "en"
    user.refresh_from_db()
    assert user.language == "en"

    # Another device without the cookie: the account's choice counts, not the browser's.
    other_device = Client(HTTP_ACCEPT_LANGUAGE="nl")
    other_device.force_login(user)
    html = _html(other_device.get("/"))
    assert '<html lang="en" dir="ltr">' in html
    assert "Log out" in html


def test_a_choice_made_before_logging_in_survives_the_login(db):
    user = f.make_user()
    client = Client()
    client.post(reverse("core:set_language"), {"language": "en", "next": "/"})
    client.force_login(user)
    html = _html(client.get(reverse("people:my_home")))
    assert '<html lang="en" dir="ltr">' in html


def test_the_saved_choice_wins_over_the_cookie(db):
    user = f.make_user()
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.cookies[COOKIE] = "nl"
    client.force_login(user)
    html = _html(client.get("/"))
    assert '<html lang="en" dir="ltr">' in html
    assert "Log out" in html


# --- the catalogue ------------------------------------------------------------------------

REQUIRED = {
    "Page not found": "Pagina niet gevonden",
    "Log in": "Inloggen",
    "Sign up": "Account maken",
    "Change language": "Taal wijzigen",
    "Neighbours": "Buren",
    "Join this neighbourhood": "Word lid van deze buurt",
    "You are not a member of this neighbourhood. Join it first.": (
        "Je bent geen lid van deze buurt. Word eerst lid."
    ),
    "Log in with your card": "Inloggen met je kaart",
    "Choose how you log in": "Kies hoe je inlogt",
    "Login card": "Inlogkaart",
    "Welcome": "Welkom",
}


@pytest.mark.parametrize(("english", "dutch"), REQUIRED.items())
def test_fixed_translations(english, dutch):
    with translation.override("nl"):
        assert translation.gettext(english) == dutch
    with translation.override("en"):
        assert translation.gettext(english) == english


@pytest.mark.parametrize(("count", "dutch"), [(0, "0 leden"), (1, "1 lid"), (2, "2 leden")])
def test_plural_forms(count, dutch):
    with translation.override("nl"):
        text = translation.ngettext("%(counter)s member", "%(counter)s members", count)
    assert text % {"counter": count} == dutch


def test_the_catalogue_is_complete():
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(CHECK_SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for language in ("nl", "ar", "tr", "pl", "uk"):
        assert f"catalogue {language} complete: " in result.stdout


# --- the checker itself, on small made-up catalogues ---------------------------------------


@pytest.fixture(scope="module")
def checker():
    spec = importlib.util.spec_from_file_location("check_messages", CHECK_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


HEADER = r"""msgid ""
msgstr ""
"Language: nl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

"""


def _po(checker, tmp_path, body, name="django.po"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return checker.parse_po(path)


def test_checker_accepts_a_complete_catalogue(checker, tmp_path):
    body = r"""msgid "Hello"
msgstr "Hallo"

#, python-format
msgid "%(counter)s member"
msgid_plural "%(counter)s members"
msgstr[0] "%(counter)s lid"
msgstr[1] "%(counter)s leden"

msgctxt "verb"
msgid "Print"
msgstr "Printen"

#, python-format
msgid ""
"Go to <strong>%(url)s</strong>\n"
"and \"scan\"."
msgstr ""
"Ga naar <strong>%(url)s</strong>\n"
"en \"scan\"."
"""
    committed = _po(checker, tmp_path, body)
    fresh = _po(checker, tmp_path, body.replace('msgstr "Hallo"', 'msgstr ""'), "fresh.po")
    assert [e.msgctxt for e in committed if e.msgid == "Print"] == ["verb"]
    assert committed[-1].msgid == 'Go to <strong>%(url)s</strong>\nand "scan".'
    assert checker.check(committed, fresh) == {}
    assert checker.run_msgfmt(tmp_path / "django.po") is None


def test_checker_finds_every_kind_of_problem(checker, tmp_path):
    committed = _po(
        checker,
        tmp_path,
        r"""msgid "Untranslated"
msgstr ""

#, fuzzy
msgid "Fuzzy"
msgstr "Vaag"

msgid "Old"
msgstr "Oud"

#, python-format
msgid "Hello %(name)s"
msgstr "Hallo %(naam)s"

msgid "Go <b>now</b>"
msgstr "Ga nu"

#, python-format
msgid "%(counter)s member"
msgid_plural "%(counter)s members"
msgstr[0] "%(counter)s lid"
msgstr[1] ""

#~ msgid "Gone"
#~ msgstr "Weg"
""",
    )
    fresh = _po(
        checker,
        tmp_path,
        r"""msgid "Untranslated"
msgstr ""

msgid "Fuzzy"
msgstr ""

#, python-format
msgid "Hello %(name)s"
msgstr ""

msgid "Go <b>now</b>"
msgstr ""

#, python-format
msgid "%(counter)s member"
msgid_plural "%(counter)s members"
msgstr[0] ""
msgstr[1] ""

msgid "New"
msgstr ""
""",
        "fresh.po",
    )
    problems = checker.check(committed, fresh)
    assert set(problems) == {"missing", "stale", "untranslated", "fuzzy", "placeholders", "html"}
    assert problems["missing"] == ["'New'"]
    assert len(problems["stale"]) == 2  # "Old", and the obsolete "Gone"
    assert len(problems["untranslated"]) == 2  # "Untranslated", and msgstr[1] of the plural
    assert "msgfmt" not in problems
    assert checker.run_msgfmt(tmp_path / "django.po")  # %(naam)s is not in the msgid


def test_checker_rejects_a_fuzzy_or_incomplete_header(checker, tmp_path):
    path = tmp_path / "django.po"
    path.write_text('#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: \\n"\n', encoding="utf-8")
    problems = checker.check(checker.parse_po(path), [])
    assert len(problems["header"]) == 4  # fuzzy, Language, Content-Type, Plural-Forms


def test_checker_wants_plain_dutch(checker, tmp_path):
    body = r"""msgid "If you want, send it back"
msgstr "Indien gewenst kun je het retourneren."

msgid "Long"
msgstr ""
"Dit is een zin met veel te veel woorden want hij gaat maar door "
"en door en door zonder punt of komma ergens."

msgid "Short"
msgstr "Stuur het terug als je wilt."
"""
    committed = _po(checker, tmp_path, body)
    problems = checker.check(committed, committed)
    assert set(problems) == {"b1 words", "b1 sentences"}
    assert len(problems["b1 words"]) == 2  # indien, retourneren
    assert "(write: als)" in problems["b1 words"][0]
    assert len(problems["b1 sentences"]) == 1


POLISH = r"""msgid ""
msgstr ""
"Language: pl\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; "
"plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

# machine-draft
#, python-format
msgid "%(counter)s member"
msgid_plural "%(counter)s members"
msgstr[0] "%(counter)s członek"
msgstr[1] "%(counter)s członków"
"""


def test_checker_counts_plural_forms_and_machine_drafts_per_language(checker, tmp_path):
    path = tmp_path / "django.po"
    path.write_text(POLISH, encoding="utf-8")
    incomplete = checker.parse_po(path)
    assert checker.check(incomplete, incomplete, "pl")["plural forms"]  # 2 forms, not 3
    path.write_text(POLISH + 'msgstr[2] "%(counter)s członków"\n', encoding="utf-8")
    complete = checker.parse_po(path)
    assert checker.check(complete, complete, "pl") == {}
    assert checker.machine_drafts(complete) == 1
