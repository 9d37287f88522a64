"""The `buurtkracht` command as a newcomer and an operator use it: fresh var/, the demo only
when asked, its secrets never on an https site, a real server. No test waits on a clock."""

import os
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from buurtkracht.demo.accounts import DEMO_PASSWORD, DEMO_PIN, DEMO_TOTP_SECRET, WITHHELD_LINE

BIN = Path(sys.executable).parent / "buurtkracht"


def _env(tmp_path, **extra):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(BUURTKRACHT_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", [["check-db"], ["run", "--prepare-only"]])
def test_an_unreachable_database_gives_a_clear_message_not_a_traceback(tmp_path, command):
    port = _free_port()  # nothing listens there
    result = subprocess.run(
        [BIN, *command],
        env=_env(tmp_path, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nergens"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "DATABASE_URL" in result.stderr
    assert "database" in result.stderr.lower()


def _read_until_listening(server, port) -> list[str]:
    """Read the server's output line by line (blocking) until gunicorn says it listens.
    No clock: a slow machine only takes longer. If the server stops, fail with its output."""
    lines = []
    for line in server.stdout:
        lines.append(line)
        if f"Listening at: http://127.0.0.1:{port}" in line:
            return lines
    server.wait()
    pytest.fail(
        f"the server stopped (exit {server.returncode}) before listening:\n{''.join(lines)}"
    )


def test_run_prepares_a_fresh_machine_and_serves_the_site(tmp_path):
    port = _free_port()
    env = _env(tmp_path, PORT=str(port))
    server = subprocess.Popen(
        [BIN, "run", "--demo", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        before = _read_until_listening(server, port)
        # The socket is bound: the request waits in its queue until the worker answers.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:  # noqa: S310
            body = response.read().decode()
        assert "Lindenhof" in body  # the demo neighbourhood was loaded into the empty database
        assert 'lang="nl"' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css") as css:  # noqa: S310
            assert css.status == 200  # WhiteNoise serves static files
    finally:
        server.terminate()
        rest, _ = server.communicate()
    output = "".join(before) + rest
    var = tmp_path / "var"
    database = var / "buurtkracht.sqlite3"
    assert database.exists()
    assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    key = var / "secret_key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
    assert "beheerder@demo.buurtkracht.nl" in output  # the demo accounts are printed
    assert DEMO_PASSWORD in output  # on http, with their (public) passwords
    assert "gunicorn" in output.lower()  # a production-grade server, not runserver


def _neighbourhoods(tmp_path) -> int:
    db = sqlite3.connect(tmp_path / "var" / "buurtkracht.sqlite3")
    return db.execute("SELECT count(*) FROM neighbourhoods_neighbourhood").fetchone()[0]


def test_a_second_run_keeps_the_data_and_does_not_load_the_demo_again(tmp_path):
    env = _env(tmp_path)
    first = subprocess.run(
        [BIN, "run", "--demo", "--prepare-only"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [BIN, "run", "--demo", "--prepare-only"], env=env, capture_output=True, text=True
    )
    assert second.returncode == 0, second.stderr
    db = sqlite3.connect(tmp_path / "var" / "buurtkracht.sqlite3")
    assert (
        db.execute(
            "SELECT count(*) FROM neighbourhoods_neighbourhood WHERE slug='lindenhof'"
        ).fetchone()[0]
        == 1
    )
    assert "beheerder@demo.buurtkracht.nl" in second.stdout


def test_run_without_demo_leaves_an_empty_database_and_says_how_to_start(tmp_path):
    result = subprocess.run(
        [BIN, "run", "--prepare-only"], env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert _neighbourhoods(tmp_path) == 0  # a real site starts empty
    db = sqlite3.connect(tmp_path / "var" / "buurtkracht.sqlite3")
    assert db.execute("SELECT count(*) FROM accounts_user").fetchone()[0] == 0
    # The hint is Dutch: the first administrator, or the demo when only trying it out.
    assert "Er is nog geen buurt" in result.stdout
    assert "buurtkracht createsuperuser" in result.stdout
    assert "buurtkracht run --demo" in result.stdout
    assert "beheerder@demo.buurtkracht.nl" not in result.stdout


def test_the_demo_environment_variable_loads_the_demo_and_https_withholds_secrets(tmp_path):
    env = _env(tmp_path, BUURTKRACHT_DEMO="1", SITE_URL="https://buurt.example.nl")
    result = subprocess.run([BIN, "run", "--prepare-only"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert _neighbourhoods(tmp_path) == 2  # Lindenhof and Vaartkwartier
    assert "beheerder@demo.buurtkracht.nl" in result.stdout
    assert WITHHELD_LINE in result.stdout
    for secret in (DEMO_PASSWORD, DEMO_PIN, DEMO_TOTP_SECRET):
        assert secret not in result.stdout + result.stderr
    # A later start prints the accounts again, still without their secrets.
    again = subprocess.run([BIN, "run", "--prepare-only"], env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "beheerder@demo.buurtkracht.nl" in again.stdout and WITHHELD_LINE in again.stdout
    for secret in (DEMO_PASSWORD, DEMO_PIN, DEMO_TOTP_SECRET):
        assert secret not in again.stdout
    # --no-demo wins over the variable: nothing is loaded into another empty database.
    other = _env(tmp_path / "other", BUURTKRACHT_DEMO="1")
    refused = subprocess.run(
        [BIN, "run", "--no-demo", "--prepare-only"], env=other, capture_output=True, text=True
    )
    assert refused.returncode == 0, refused.stderr
    assert _neighbourhoods(tmp_path / "other") == 0
