"""The `buurtkracht` command as a newcomer uses it: fresh var/, demo, a real server."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

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
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert "DATABASE_URL" in result.stderr
    assert "database" in result.stderr.lower()


def test_run_prepares_a_fresh_machine_and_serves_the_site(tmp_path):
    port = _free_port()
    env = _env(tmp_path, PORT=str(port))
    server = subprocess.Popen(
        [BIN, "run", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and body is None:
            if server.poll() is not None:
                pytest.fail(f"server stopped: {server.stdout.read()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the site did not answer within two minutes"
        assert "Lindenhof" in body  # the demo neighbourhood was loaded into the empty database
        assert 'lang="nl"' in body
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/static/css/site.css", timeout=5
        ) as css:
            assert css.status == 200  # WhiteNoise serves static files
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    var = tmp_path / "var"
    database = var / "buurtkracht.sqlite3"
    assert database.exists()
    assert sqlite3.connect(database).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    key = var / "secret_key"
    assert key.exists() and oct(key.stat().st_mode & 0o777) == "0o600"
    assert "beheerder@demo.buurtkracht.nl" in output  # the demo accounts are printed
    assert "gunicorn" in output.lower()  # a production-grade server, not runserver


def test_a_second_run_keeps_the_data_and_does_not_load_the_demo_again(tmp_path):
    env = _env(tmp_path)
    first = subprocess.run(
        [BIN, "run", "--prepare-only"], env=env, capture_output=True, text=True, timeout=180
    )
    assert first.returncode == 0, first.stderr
    second = subprocess.run(
        [BIN, "run", "--prepare-only"], env=env, capture_output=True, text=True, timeout=180
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
