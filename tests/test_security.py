"""A production site's security settings: the Content Security Policy on every page,
HTTPS behind a proxy, `check --deploy` clean with the documented environment, optional
error reporting, and the demo's secrets never printed on an https site."""

import json
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from buurtkracht.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_PIN,
    DEMO_TOTP_SECRET,
    WITHHELD_LINE,
    print_accounts,
)
from buurtkracht.settings import _tile_origin

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent / "buurtkracht"
ENV_EXAMPLE = REPO / "deploy" / "env.example"
DEMO_SECRETS = (DEMO_PASSWORD, DEMO_PIN, DEMO_TOTP_SECRET)


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


# -- Content Security Policy -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_sends_a_strict_content_security_policy_on_a_normal_page(client, settings):
    response = client.get("/")
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", _tile_origin(settings.BUURTKRACHT_TILE_URL)]
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_the_policy_allows_the_tile_server_and_nothing_more():
    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == (
        "https://tile.openstreetmap.org"
    )
    assert _tile_origin("https://{s}.tile.example.nl:8443/{z}/{x}/{y}.png") == (
        "https://*.tile.example.nl:8443"
    )
    assert _tile_origin("/tiles/{z}/{x}/{y}.png") == ""  # the site's own: 'self' covers it


def test_no_template_runs_inline_script_or_style():
    """Inline scripts, event handler attributes and style attributes would be refused by
    the policy; JSON data blocks are not executed and may stay."""
    inline = []
    for template in (REPO / "buurtkracht").rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attributes = match.group(1)
            if "src=" in attributes or re.search(r'type="application/(ld\+)?json"', attributes):
                continue
            inline.append(f"{template.name}: {match.group(0)}")
        for pattern in (r"<[a-z][^>]*\s(on[a-z]+|style)=[\"']", r"<style\b", r"javascript:"):
            inline += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert not inline, inline


# -- HTTPS and the proxy ---------------------------------------------------------------------


def _env(tmp_path, **extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith(("SECURE_", "SENTRY_", "BUURTKRACHT_"))
    }
    env.update(BUURTKRACHT_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


SHOW_SETTINGS = """
import json, sys
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "hsts": settings.SECURE_HSTS_SECONDS,
    "subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "redirect": settings.SECURE_SSL_REDIRECT,
    "proxy": settings.SECURE_PROXY_SSL_HEADER,
    "cookies": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "sentry_imported": "sentry_sdk" in sys.modules,
}))
"""


def settings_with(tmp_path, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="buurtkracht.settings", **env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_http_by_default_https_settings_follow_site_url_and_the_proxy(tmp_path):
    laptop = settings_with(tmp_path)
    assert laptop["hsts"] == 0 and laptop["redirect"] is False
    assert laptop["proxy"] is None and laptop["cookies"] == [False, False]

    site = settings_with(
        tmp_path, SITE_URL="https://buurt.example.nl", BUURTKRACHT_BEHIND_PROXY="1"
    )
    assert site["hsts"] == 31536000 and site["subdomains"] is True
    assert site["redirect"] is True
    assert site["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert site["cookies"] == [True, True]

    # Without being told about the proxy, X-Forwarded-Proto is not trusted, and redirecting
    # is off (it could not tell https requests apart and would loop).
    alone = settings_with(tmp_path, SITE_URL="https://buurt.example.nl")
    assert alone["proxy"] is None and alone["redirect"] is False and alone["hsts"] == 31536000

    chosen = settings_with(
        tmp_path, SITE_URL="https://buurt.example.nl", SECURE_HSTS_SECONDS="3600"
    )
    assert chosen["hsts"] == 3600


@pytest.mark.django_db
@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
)
def test_behind_the_proxy_https_is_recognised_and_http_redirected(client):
    plain = client.get("/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/"
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # A monitor asking the app server itself over plain http is not redirected.
    assert client.get("/health/").status_code != 301


def documented_environment(tmp_path) -> dict:
    """The active lines of deploy/env.example, as an operator copies them; only the secret
    key (a placeholder there) and the var dir (a test directory) differ."""
    env = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, value = line.split("=", 1)
            env[name.strip()] = value.strip().removeprefix('"').removesuffix('"')
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["BUURTKRACHT_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_check_deploy_passes_with_the_documented_production_environment(tmp_path):
    documented = documented_environment(tmp_path)
    assert documented["SITE_URL"].startswith("https://") and documented["DEBUG"] == "0"
    result = subprocess.run(
        [BIN, "check", "--deploy", "--fail-level", "WARNING"],
        env={**_env(tmp_path), **documented},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_without_the_production_settings(tmp_path):
    """The check above is not toothless: the laptop defaults fail it."""
    result = subprocess.run(
        [BIN, "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr + result.stdout, check


# -- Error reporting -------------------------------------------------------------------------

SHOW_SENTRY = """
import json, sys
import django
django.setup()
from buurtkracht.wsgi import application
state = {"imported": "sentry_sdk" in sys.modules}
if state["imported"]:
    import sentry_sdk
    client = sentry_sdk.get_client()
    state.update(
        active=client.is_active(),
        dsn=client.options["dsn"],
        pii=client.options["send_default_pii"],
        environment=client.options["environment"],
        traces=client.options["traces_sample_rate"],
        bodies=client.options["max_request_body_size"],
        integrations=sorted(client.integrations),
    )
print(json.dumps(state))
"""


def sentry_state(tmp_path, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SENTRY],
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="buurtkracht.settings", **env),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sentry_is_set_up_only_with_a_dsn(tmp_path):
    dsn = "http://public@127.0.0.1:9/1"  # nothing listens: no event could leave the test
    state = sentry_state(
        tmp_path, SENTRY_DSN=dsn, SENTRY_ENVIRONMENT="acceptatie", SENTRY_TRACES_SAMPLE_RATE="0.25"
    )
    assert state["active"] is True and state["dsn"] == dsn
    assert state["pii"] is False and state["bodies"] == "never"
    assert state["environment"] == "acceptatie" and state["traces"] == 0.25
    assert "django" in state["integrations"]

    default = sentry_state(tmp_path, SENTRY_DSN=dsn)
    assert default["environment"] == "production" and default["traces"] == 0

    assert sentry_state(tmp_path) == {"imported": False}  # not even imported without a DSN


# -- The demo's secrets on an https site -----------------------------------------------------


@pytest.mark.django_db
def test_the_demo_command_withholds_its_secrets_on_an_https_site(settings):
    settings.SITE_URL = "https://buurt.example.nl"
    out = StringIO()
    call_command("demo", "--residents", "10", stdout=out)
    text = out.getvalue()
    assert "Klaar in" in text
    for account in DEMO_ACCOUNTS:
        assert account.login in text  # who the accounts are is still said
    assert WITHHELD_LINE in text
    for secret in DEMO_SECRETS:
        assert secret not in text
    # The same accounts on http, for comparison: the secrets are printed.
    settings.SITE_URL = "http://127.0.0.1:8000"
    out = StringIO()
    print_accounts(out)
    assert all(secret in out.getvalue() for secret in DEMO_SECRETS)
    assert WITHHELD_LINE not in out.getvalue()


@pytest.mark.django_db
def test_demo_totp_gives_no_code_on_an_https_site(settings):
    settings.SITE_URL = "https://buurt.example.nl"
    with pytest.raises(CommandError, match="https"):
        call_command("demo_totp", "beheerder@demo.buurtkracht.nl", stdout=StringIO())
    with pytest.raises(CommandError, match="https"):
        call_command("demo_totp", stdout=StringIO())
