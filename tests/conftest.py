"""Shared fixtures: a real SMTP server, the personas, a permission-aware client."""

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from buurtkracht.core.choices import Role
from buurtkracht.neighbourhoods.models import JoinPolicy

from . import factories as f


class _Inbox:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def bodies(self):
        with self.lock:
            return [m.get_body(preferencelist=("plain",)).get_content() for m in self.messages]


@pytest.fixture(scope="session")
def smtp_server():
    inbox = _Inbox()
    with socket.socket() as probe:  # aiosmtpd cannot start on port 0: pick a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_at_once():
    """Jobs sent by a page run right there, in the test's process (Celery's eager mode),
    so a test sees their effect; tests/test_jobs_queue.py runs a real worker on a real
    broker instead."""
    from buurtkracht.jobs.queue import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_matching_index(monkeypatch):
    """Each test starts with no warm matching index and checks the index version on every
    call: ids repeat between tests (rolled back), and tests add gifts between two looks."""
    from buurtkracht.matching import index as matching_index
    from buurtkracht.matching import semantic

    monkeypatch.setattr(matching_index, "VERSION_TTL", 0.0)
    monkeypatch.setattr(matching_index, "BACKGROUND_REBUILD", False)
    matching_index.clear_cache()
    semantic.clear_cache()
    yield
    matching_index.clear_cache()


@pytest.fixture(autouse=True)
def _test_settings(settings, smtp_server, tmp_path):
    controller, inbox = smtp_server
    inbox.clear()
    # The optional semantic matching is off unless a test switches it on (tests/test_semantic.py),
    # so no other result depends on it.
    settings.BUURTKRACHT_SEMANTIC = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests without the database clear the cache too; the shared database cache itself is
    # tested across processes in tests/test_shared_cache.py.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)  # every test starts in Dutch, the default
    yield
    translation.deactivate()


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server[1]


@dataclass
class World:
    """One neighbourhood with a person in every role, and one outsider next door."""

    hood: object
    other: object
    organisation: object
    resident: object
    connector: object
    professional: object
    facilitator: object
    admin: object
    outsider: object

    def persona(self, name):
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "anonymous",
    "resident",
    "connector",
    "professional",
    "facilitator",
    "admin",
    "outsider",
]


@pytest.fixture
def world(db):
    hood = f.make_neighbourhood(slug="lindenhof", name="Lindenhof")
    other = f.make_neighbourhood(
        slug="vaartkwartier", name="Vaartkwartier", join_policy=JoinPolicy.INVITE
    )
    organisation = f.make_organisation(name="Welzijn Lindenhof")
    w = World(
        hood=hood,
        other=other,
        organisation=organisation,
        resident=f.make_member(hood, name="Sanne"),
        connector=f.make_member(hood, role=Role.CONNECTOR, name="Karim"),
        professional=f.make_member(
            hood, role=Role.PROFESSIONAL, organisation=organisation, name="Petra"
        ),
        facilitator=f.make_member(hood, role=Role.FACILITATOR, name="Gerrit"),
        admin=f.make_member(hood, role=Role.ADMIN, name="Anouk"),
        outsider=f.make_member(other, role=Role.ADMIN, name="Olaf"),
    )
    for user in (w.professional, w.facilitator, w.admin, w.outsider):
        f.enable_totp(user)
    return w


@pytest.fixture
def client_for(world):
    """client_for("resident") → a Django test client logged in as that persona."""

    def make(persona: str) -> Client:
        client = Client()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user)
        return client

    return make
