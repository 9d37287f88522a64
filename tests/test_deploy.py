"""What deploy/ ships for a production site: systemd units that run real commands with
the documented environment and hardening, an nginx sample that fits the app, a lock file
that pins every dependency of pyproject.toml, and a backup that restores."""

import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
UNITS = DEPLOY / "systemd"
PREFIX = "/opt/buurtkracht"  # where docs/deploy.md installs the checkout and its .venv
VAR_DIR = "/var/lib/buurtkracht"
# Celery's commands come with the background job queue (another branch); the units may
# name them before they exist here.
QUEUE_COMMANDS = {"worker", "beat"}
SERVICES = {
    "buurtkracht-web.service",
    "buurtkracht-worker.service",
    "buurtkracht-beat.service",
    "buurtkracht-backup.service",
}


def read_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file: sections of keys, each with every value it was given (systemd
    allows a key more than once, which configparser refuses)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        assert not line.endswith("\\"), f"{path.name}:{number}: keep each setting on one line"
        if line.startswith("["):
            assert line.endswith("]"), f"{path.name}:{number}: {line}"
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}:{number}: a setting before any section"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}:{number}: not KEY=value: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def env_example_names(*, active_only=False) -> list[str]:
    pattern = r"^([A-Z][A-Z0-9_]*)=" if active_only else r"^#?([A-Z][A-Z0-9_]*)="
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    return re.findall(pattern, text, flags=re.MULTILINE)


def buurtkracht_commands() -> set[str]:
    return {name.replace("_", "-") for name in get_commands()} | QUEUE_COMMANDS


# -- systemd ---------------------------------------------------------------------------------


def test_the_units_are_the_ones_the_guide_names():
    shipped = {p.name for p in UNITS.iterdir()}
    assert shipped == SERVICES | {"buurtkracht-backup.timer"}
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in shipped:
        assert name in guide, name


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_unit_runs_a_real_command_as_its_own_user_with_hardening(name):
    unit = read_unit(UNITS / name)
    assert unit["Unit"]["Description"]
    service = unit["Service"]
    assert service["User"] == ["buurtkracht"] and service["Group"] == ["buurtkracht"]
    assert service["EnvironmentFile"] == ["/etc/buurtkracht/env"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "RestrictSUIDSGID": "yes",
    }.items():
        assert service[key] == [value], f"{name}: {key}"
    assert service["CapabilityBoundingSet"] == [""]  # no capabilities at all
    (exec_start,) = service["ExecStart"]
    argv = shlex.split(exec_start)
    if name == "buurtkracht-backup.service":
        assert service["Type"] == ["oneshot"]
        assert argv == [f"{PREFIX}/deploy/backup.sh"]
        script = REPO / "deploy" / "backup.sh"
        assert script.is_file() and os.access(script, os.X_OK)
        assert service["ReadWritePaths"] == ["/var/backups/buurtkracht"]
        return
    assert service["Restart"] == ["on-failure"]
    assert service["ReadWritePaths"] == [VAR_DIR] and service["StateDirectory"] == ["buurtkracht"]
    assert service["WorkingDirectory"] == [VAR_DIR]
    assert any("DJANGO_SETTINGS_MODULE=buurtkracht.settings" in e for e in service["Environment"])
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]
    if name == "buurtkracht-web.service":
        # gunicorn with the WSGI app `buurtkracht run` serves; no migrations at start.
        assert argv[0] == f"{PREFIX}/.venv/bin/gunicorn"
        assert argv[1] == "buurtkracht.wsgi:application"
        assert "ExecStartPre" not in service
        options = dict(zip(argv[2::2], argv[3::2], strict=True))
        assert options["--bind"] == "${HOST}:${PORT}"
        assert options["--workers"] == "${WEB_WORKERS}"
        assert options["--access-logfile"] == "-"
        from buurtkracht.wsgi import application

        assert callable(application)
        for variable in ("HOST", "PORT", "WEB_WORKERS"):
            assert variable in env_example_names(active_only=True)
    else:
        assert argv[0] == f"{PREFIX}/.venv/bin/buurtkracht"
        assert argv[1] in buurtkracht_commands(), f"{name}: no command {argv[1]!r}"
        assert argv[1] == {"buurtkracht-worker.service": "worker"}.get(name, "beat")


def test_the_timer_starts_the_backup_every_night():
    timer = read_unit(UNITS / "buurtkracht-backup.timer")
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 02:30:00"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    assert "Unit" not in timer["Timer"]  # the service of the same name


def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify, on copies pointing at this checkout's .venv and deploy/; the
    parsing tests above run everywhere, this extra check where systemd is installed."""
    for path in UNITS.iterdir():
        text = path.read_text(encoding="utf-8")
        text = text.replace(f"{PREFIX}/.venv/bin/", f"{Path(sys.executable).parent}/")
        text = text.replace(f"{PREFIX}/deploy/", f"{DEPLOY}/")
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    assert len(list(tmp_path.iterdir())) == 5
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # only this extra check needs systemd; the copies above were still made
    result = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    # Warnings (an unknown key, a bad value) come without a failing exit code: none allowed.
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "buurtkracht" in line or "Unknown" in line or "Failed" in line
    ]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


# -- the environment file --------------------------------------------------------------------


def test_every_variable_in_the_environment_file_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    names = env_example_names()
    assert {"SITE_URL", "SECRET_KEY", "DATABASE_URL", "BROKER_URL", "SENTRY_DSN"} <= set(names)
    undocumented = [name for name in names if f"`{name}`" not in readme]
    assert not undocumented, f"add to README.md's configuration table: {undocumented}"
    assert len(names) == len(set(names)), "a variable named twice in deploy/env.example"


def test_every_variable_the_app_reads_is_in_the_environment_file():
    """An operator finds every setting in one place: what settings.py reads from the
    environment is in deploy/env.example (on or commented out)."""
    source = (REPO / "buurtkracht" / "settings.py").read_text(encoding="utf-8")
    read = set(
        re.findall(r"""(?:environ\.get|environ\[|env_bool)\(?\s*["']([A-Z_]+)["']""", source)
    )
    # Switches for tests and laptops, not for a production site.
    not_for_production = {
        "BUURTKRACHT_TEST_SQLITE_FILE",
        "BUURTKRACHT_MAIL_TO_FILES",
        "EMAIL_BACKEND",
    }
    missing = sorted(read - not_for_production - set(env_example_names()))
    assert not missing, f"add to deploy/env.example: {missing}"


def test_the_guide_names_only_commands_that_exist():
    guide = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    named = set(re.findall(r"(?:manage\.sh|`buurtkracht|bin/buurtkracht) ([a-z][a-z-]+)", guide))
    assert {"migrate", "collectstatic", "createsuperuser", "worker", "beat"} <= named
    assert not named - buurtkracht_commands(), named - buurtkracht_commands()


def test_the_environment_file_reads_the_same_in_the_shell_and_in_systemd(tmp_path):
    """deploy/manage.sh sources the file with bash, the units read it as systemd does
    (quotes stripped, no expansion): every value must come out the same both ways."""
    from .test_security import documented_environment

    systemd = documented_environment(tmp_path)
    script = 'set -a; . "$1"; set +a; for n in "${@:2}"; do printf "%s=%s\\0" "$n" "${!n}"; done'
    names = env_example_names(active_only=True)
    result = subprocess.run(
        ["bash", "-c", script, "bash", DEPLOY / "env.example", *names],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    shell = dict(item.split("=", 1) for item in result.stdout.split("\0") if item)
    for name in names:
        if name not in {"SECRET_KEY", "BUURTKRACHT_VAR_DIR"}:  # replaced by the test
            assert shell[name] == systemd[name], name
    assert shell["DEFAULT_FROM_EMAIL"] == "Buurtkracht <noreply@buurt.example.nl>"


def test_manage_sh_runs_a_command_with_the_site_settings(tmp_path):
    """The operator's way to run migrate, createsuperuser, ...: here `check --deploy` with
    the documented environment, as the current user instead of buurtkracht."""
    var = tmp_path / "var"
    var.mkdir()
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    text = text.replace(
        "SECRET_KEY=change-me-to-a-long-random-string", f"SECRET_KEY={secrets.token_urlsafe(50)}"
    )
    text = text.replace("BUURTKRACHT_VAR_DIR=/var/lib/buurtkracht", f"BUURTKRACHT_VAR_DIR={var}")
    env_file = tmp_path / "env"
    env_file.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [DEPLOY / "manage.sh", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            "PATH": os.environ["PATH"],
            "BUURTKRACHT_ENV_FILE": str(env_file),
            "BUURTKRACHT_USER": subprocess.run(
                ["id", "-un"], capture_output=True, text=True, check=True
            ).stdout.strip(),
            "BUURTKRACHT_BIN": str(Path(sys.executable).parent / "buurtkracht"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    missing = subprocess.run(
        [DEPLOY / "manage.sh", "check"],
        env={"PATH": os.environ["PATH"], "BUURTKRACHT_ENV_FILE": str(tmp_path / "nowhere")},
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr


# -- nginx -----------------------------------------------------------------------------------

NGINX = DEPLOY / "nginx" / "buurtkracht.conf"


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmM]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit.lower()]


def test_the_nginx_sample_fits_the_app():
    conf = NGINX.read_text(encoding="utf-8")
    body = _size(re.search(r"client_max_body_size\s+(\S+);", conf).group(1))
    upload = max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.BUURTKRACHT_PHOTO_MAX_BYTES)
    assert upload < body <= upload + 2 * 1024 * 1024  # the app says "too large", with a margin
    assert "return 301 https://$host$request_uri;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "proxy_set_header Host $host;" in conf
    assert "/etc/letsencrypt/live/buurt.example.nl/fullchain.pem" in conf
    assert "/.well-known/acme-challenge/" in conf
    env = dict(line.split("=", 1) for line in _active_env_lines())
    assert f"server {env['HOST']}:{env['PORT']};" in conf  # where gunicorn listens
    assert f"alias {env['BUURTKRACHT_VAR_DIR']}/static/;" in conf  # STATIC_ROOT
    assert str(settings.STATIC_ROOT).endswith("/static")
    assert settings.STATIC_URL == "/static/"
    assert re.search(r'add_header Cache-Control "public, max-age=31536000, immutable"', conf)
    assert "media" not in re.findall(r"location\s+(\S+)", conf)  # photos only via the app
    # The hashed-name pattern matches what Django's manifest storage writes.
    pattern = re.search(r'location ~ "([^"]+)"', conf).group(1)
    assert re.match(pattern, "/static/css/site.3f2a9c1b7d4e.css")
    assert not re.match(pattern, "/static/css/site.css")


def _active_env_lines():
    text = (DEPLOY / "env.example").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "buurt.example.nl")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "fullchain.pem", directory / "privkey.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_nginx_accepts_the_sample(tmp_path):
    """nginx -t on the sample with a self-signed certificate in a temporary prefix; where
    nginx is not installed, only that last step is left out."""
    cert, key = _self_signed(tmp_path)
    conf = NGINX.read_text(encoding="utf-8")
    conf = conf.replace("/etc/letsencrypt/live/buurt.example.nl/fullchain.pem", str(cert))
    conf = conf.replace("/etc/letsencrypt/live/buurt.example.nl/privkey.pem", str(key))
    assert str(cert) in conf and str(key) in conf
    (tmp_path / "site.conf").write_text(conf, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if nginx is None:
        return
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# -- the lock file ---------------------------------------------------------------------------


def _locked() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def test_the_lock_pins_every_dependency_of_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"]]
    # The extras `make lock` compiles (the ones CI installs and tests); an extra only a
    # deployment installs, like s3, is not locked.
    locked_extras = re.findall(r"--extra (\w+)", (REPO / "Makefile").read_text())
    assert {"dev", "semantic"} <= set(locked_extras)
    for extra in locked_extras:
        requirements += project["optional-dependencies"][extra]
    pins = _locked()
    problems = []
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            problems.append(f"{requirement.name}=={pins[name]} does not satisfy {text}")
        for extra in requirement.extras:  # psycopg[binary] -> psycopg-binary
            if extra == "binary" and f"{name}-binary" not in pins:
                problems.append(f"{name}[binary] without {name}-binary in the lock")
    assert not problems, "run `make lock`:\n" + "\n".join(problems)
    assert not [n for n in pins if n.startswith(("torch", "nvidia"))]  # nothing CUDA
    assert {"django-csp", "sentry-sdk", "pip-tools"} <= set(pins)


def test_the_lock_was_made_by_make_lock():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for flag in ("--allow-unsafe", "--strip-extras", "--extra=dev", "--extra=semantic"):
        assert flag in lock, flag
        assert flag.replace("=", " ") in makefile, flag
    assert "-r requirements.lock" in makefile and "--no-deps -e ." in makefile
    # No index or local paths of the machine that compiled it.
    assert not re.search(r"^(-e|--index-url|--extra-index-url|--find-links)|file://", lock, re.M)


# -- backup and restore ----------------------------------------------------------------------


def _server_url(database: str) -> str:
    url = os.environ["DATABASE_URL"]
    assert url.startswith(("postgres://", "postgresql://")), "run with DATABASE_URL=postgres://"
    return url.rsplit("/", 1)[0] + "/" + database


@pytest.mark.postgres_only
def test_a_backup_restores_into_a_new_database(tmp_path):
    import psycopg

    suffix = os.urandom(4).hex()
    source, target = f"bk_backup_{suffix}", f"bk_restore_{suffix}"
    admin = psycopg.connect(_server_url("postgres"), autocommit=True)
    try:
        admin.execute(f'CREATE DATABASE "{source}"')
        admin.execute(f'CREATE DATABASE "{target}"')
        with psycopg.connect(_server_url(source)) as db:
            db.execute("CREATE TABLE neighbour (id int PRIMARY KEY, name text NOT NULL)")
            db.execute(
                "INSERT INTO neighbour VALUES (1, 'Sanne'), (2, 'Ahmed'), (3, 'Piotr'), "
                "(4, 'Henk – geen e-mail')"
            )
        var = tmp_path / "var"
        (var / "media" / "photos").mkdir(parents=True)
        (var / "media" / "photos" / "buurthuis.jpg").write_bytes(b"\xff\xd8 a photo")
        backups = tmp_path / "backups"
        env = {
            **os.environ,
            "DATABASE_URL": _server_url(source),
            "BUURTKRACHT_VAR_DIR": str(var),
            "BUURTKRACHT_BACKUP_DIR": str(backups),
        }
        made = subprocess.run(
            [DEPLOY / "backup.sh"], env=env, capture_output=True, text=True, check=False
        )
        assert made.returncode == 0, made.stderr
        dump = Path(made.stdout.strip())
        assert dump.parent == backups and dump.suffix == ".dump"
        assert oct(dump.stat().st_mode & 0o777) == "0o600"  # backups hold personal data
        (media,) = backups.glob("media-*.tar.gz")
        assert not list(backups.glob("*.partial"))

        restored = subprocess.run(
            [DEPLOY / "restore.sh", dump, _server_url(target)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(_server_url(target)) as db:
            rows = db.execute("SELECT id, name FROM neighbour ORDER BY id").fetchall()
        assert rows == [(1, "Sanne"), (2, "Ahmed"), (3, "Piotr"), (4, "Henk – geen e-mail")]

        # Restoring over a database that is not empty changes nothing and says so.
        again = subprocess.run(
            [DEPLOY / "restore.sh", dump, _server_url(target)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert again.returncode != 0 and "already exists" in again.stderr
        with psycopg.connect(_server_url(target)) as db:
            assert db.execute("SELECT count(*) FROM neighbour").fetchone()[0] == 4

        # The media archive holds the photos, under media/.
        unpacked = tmp_path / "unpacked"
        unpacked.mkdir()
        subprocess.run(
            ["tar", "--extract", f"--file={media}", f"--directory={unpacked}"], check=True
        )
        assert (unpacked / "media" / "photos" / "buurthuis.jpg").read_bytes() == b"\xff\xd8 a photo"
    finally:
        for name in (source, target):
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_backup_refuses_a_database_it_cannot_back_up(tmp_path):
    result = subprocess.run(
        [DEPLOY / "backup.sh"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "PostgreSQL" in result.stderr
    missing = subprocess.run(
        [DEPLOY / "restore.sh", tmp_path / "no.dump", "postgres://x@127.0.0.1/y"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "cannot read" in missing.stderr
