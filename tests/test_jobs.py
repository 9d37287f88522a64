"""Background work as pages see it: stored results and their versions, a big neighbourhood
reading what is stored, the administrator's page of jobs, /health/, and pages that keep
answering when the queue or the cache is down. (A real worker on a real broker:
tests/test_jobs_queue.py.)"""

import json
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from buurtkracht.jobs import services
from buurtkracht.jobs.models import JobRun, JobState, Snapshot
from buurtkracht.jobs.queue import app
from buurtkracht.jobs.selectors import stored
from tests.factories import membership_of

from . import factories as f

pytestmark = pytest.mark.django_db
HOOD = {"slug": "lindenhof"}
DEAD_BROKER = "amqp://guest:guest@127.0.0.1:1//"


@pytest.fixture
def not_eager():
    """Jobs go to the queue (the embedded file queue of the test's var dir) instead of
    running in the page: what a site with workers does."""
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def dead_broker(not_eager):
    from kombu import pools

    before = app.conf.broker_url
    app.conf.broker_url = DEAD_BROKER
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    services._broker_down_until = 0.0
    yield
    app.conf.broker_url = before
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    services._broker_down_until = 0.0


def test_a_change_makes_the_stored_figures_out_of_date_in_its_own_transaction(world):
    first = stored("stats", world.hood)
    assert first.current and first.data["members"] == 5  # the world: five roles
    row = Snapshot.objects.get(kind="stats", neighbourhood=world.hood)
    with pytest.raises(RuntimeError), transaction.atomic():
        f.make_member(world.hood, name="Wim")
        raise RuntimeError("rolled back")
    row.refresh_from_db()
    assert row.is_current  # nothing changed: the rolled-back join left no new version
    f.make_member(world.hood, name="Wim")
    row.refresh_from_db()
    assert not row.is_current and row.wanted == row.done + 1
    assert stored("stats", world.hood).data["members"] == 6  # small: computed at once


def test_a_big_neighbourhood_shows_what_is_stored_and_sends_the_refresh(
    world, client_for, settings, not_eager
):
    from buurtkracht.jobs import tasks

    settings.BUURTKRACHT_SYNC_PEOPLE = 0  # every neighbourhood counts as big
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    connector = client_for("connector")
    url = reverse("network:overview", kwargs=HOOD)
    page = connector.get(url)
    assert page.status_code == 200 and not page.context["net"].ready
    assert "De cijfers worden nu uitgerekend" in page.content.decode()
    sent = JobRun.objects.get(name="buurtkracht.snapshot.refresh", args=["network", world.hood.pk])
    assert sent.state == JobState.QUEUED  # waiting in the queue for a worker
    tasks.refresh_snapshot("network", world.hood.pk)  # what the worker does
    page = connector.get(url)
    assert page.context["net"].ready and page.context["net"].current
    assert "Bijgewerkt om" in page.content.decode()
    f.make_member(world.hood, name="Wim")  # a change: the page keeps what is stored
    page = connector.get(url)
    assert page.context["net"].ready and not page.context["net"].current
    assert "Er is sindsdien iets veranderd" in page.content.decode()
    Snapshot.objects.filter(kind="network").update(changed_at=timezone.now() - timedelta(hours=1))
    page = connector.get(url)
    assert "loopt nu achter" in page.content.decode()  # the queue may be down: say so


def test_the_sweep_sends_refreshes_that_were_lost(world, not_eager):
    from buurtkracht.jobs import tasks

    stored("stats", world.hood)
    f.make_member(world.hood, name="Wim")
    Snapshot.objects.filter(kind="stats").update(queued_at=None)  # as if its job was lost
    assert services.sweep() == 1
    assert services.sweep() == 0  # one waiting refresh is enough
    tasks.refresh_snapshot("stats", world.hood.pk)
    assert Snapshot.objects.get(kind="stats", neighbourhood=world.hood).is_current
    assert services.sweep() == 0


def test_the_jobs_page_is_for_site_operators_who_can_send_a_failed_job_again(world, client):
    failed = JobRun.objects.create(
        task_id="t-1",
        name="buurtkracht.notifications.send_mails",
        state=JobState.FAILED,
        attempts=6,
        error="SMTPServerDisconnected: de mailserver ging dicht",
    )
    JobRun.objects.create(task_id="t-2", name="buurtkracht.snapshot.sweep", state="succeeded")
    url = reverse("jobs:runs")
    world.admin.is_superuser = False
    operator = f.make_user(name="Beheer")
    operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mails die mislukten" in html and "de mailserver ging dicht" in html
    assert [run for run, _label in page.context["rows"]] == [failed]  # failed ones first
    assert client.get(url + "?toestand=alle").context["page"].paginator.count == 2
    response = client.post(url, {"run": failed.pk})
    assert response.status_code == 302
    again = JobRun.objects.exclude(pk__in=[failed.pk]).get(name=failed.name)
    assert again.state == JobState.SUCCEEDED  # sent again (run at once in these tests)
    assert client.post(url, {"run": "x"}).status_code == 404


def test_health_says_everything_is_ok(client):
    response = client.get(reverse("jobs:health"))
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "queue": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_names_the_queue_when_its_broker_is_down(client, dead_broker):
    response = client.get(reverse("jobs:health"))
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "down", "cache": "ok"}


def test_health_names_the_cache_and_pages_still_answer_when_redis_is_down(
    world, client, client_for, settings
):
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "buurtkracht.core.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # (Changing CACHES makes Django build its cache connections anew.)
    assert type(caches["default"]).__name__ == "TolerantRedisCache"
    response = client.get(reverse("jobs:health"))
    assert response.status_code == 503 and response.json()["cache"] == "down"
    assert client.get(reverse("neighbourhoods:home", kwargs=HOOD)).status_code == 200
    # Counting login attempts needs the cache: without it, nobody is locked out.
    code_login = client.post(reverse("accounts:code_login"), {"code": "AAAA-BBBB"})
    assert code_login.status_code == 200 and "te vaak" not in code_login.content.decode()


def test_pages_answer_and_nothing_is_lost_while_the_broker_is_down(
    world, client_for, dead_broker, django_capture_on_commit_callbacks
):
    from buurtkracht.notifications.models import Notification
    from buurtkracht.notifications.services import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=world.resident, kind="thanks", title="Dank je", body="", url="/mijn/")
    run = JobRun.objects.get(name="buurtkracht.notifications.send_one")
    assert run.state == JobState.NOT_SENT and "OperationalError" in run.error
    assert Notification.objects.get(user=world.resident).mail_state == "pending"  # kept
    page = client_for("resident").get(reverse("neighbourhoods:home", kwargs=HOOD))
    assert page.status_code == 200


def test_the_client_address_comes_from_a_proxy_only_when_one_is_configured(rf, settings):
    from buurtkracht.core.ratelimit import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.9", REMOTE_ADDR="127.0.0.1")
    settings.BUURTKRACHT_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"  # anyone can send the header: ignored
    settings.BUURTKRACHT_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.0.0.9"  # what our one proxy saw
    settings.BUURTKRACHT_TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "6.6.6.6"


def test_photos_go_through_the_storage_api(world, client_for, settings):
    """The store is whatever STORAGES says (here Django's in-memory store, as S3 would
    be): the app never opens a photo by its path on disk."""
    from io import BytesIO

    from django.core.files.storage import storages
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    storages._storages = {}
    storages.backends  # noqa: B018 (re-read the setting)
    from buurtkracht.people.services import profile_update

    buffer = BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, format="JPEG")
    profile = world.resident.profile
    profile.photo_visibility = "neighbourhood"
    profile_update(
        actor=world.resident,
        profile=profile,
        photo=SimpleUploadedFile("ik.jpg", buffer.getvalue(), "image/jpeg"),
    )
    name = profile.photo.name
    assert name and storages["default"].exists(name)  # in the configured store, not on disk
    served = client_for("connector").get(
        reverse("people:person_photo", kwargs={**HOOD, "user_id": world.resident.pk})
    )
    assert served.status_code == 200 and b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    storages._storages = {}


def test_an_s3_bucket_is_used_for_photos_when_configured(tmp_path):
    code = (
        "import json, django; from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={
            "DJANGO_SETTINGS_MODULE": "buurtkracht.settings",
            "BUURTKRACHT_VAR_DIR": str(tmp_path),
            "MEDIA_S3_BUCKET": "buurtkracht-media",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.nl",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    storage = json.loads(result.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "buurtkracht-media"
    assert storage["OPTIONS"]["default_acl"] == "private"  # served only through our views


def test_the_cached_public_part_of_the_neighbourhood_page_follows_every_change(world, client):
    """The part everyone sees (figures, chart, initiatives, modules) is cached by the
    version of the stored figures, which initiatives, sign-ups and settings bump too."""
    from buurtkracht.initiatives import services as initiatives

    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    url = reverse("neighbourhoods:home", kwargs=HOOD)
    assert "Moestuin" not in client.get(url).content.decode()
    initiatives.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Moestuin",
        what_and_why="Samen",
        membership=membership_of(world.resident, world.hood),
    )
    page = client.get(url).content.decode()
    assert "Moestuin" in page and "<strong>5</strong>" in page
    f.make_member(world.hood, name="Wim")
    assert "<strong>6</strong>" in client.get(url).content.decode()
    world.hood.modules = ["gifts"]
    world.hood.save()
    assert "Moestuin" not in client.get(url).content.decode()


def test_a_big_snapshot_is_not_worked_out_again_sooner_than_it_took(world, not_eager):
    """Under a stream of changes a refresh waits as long as the last computation took, so
    a big neighbourhood's network takes at most half a worker."""
    from buurtkracht.jobs import tasks

    stored("stats", world.hood)
    Snapshot.objects.filter(kind="stats").update(seconds=120.0, computed_at=timezone.now())
    f.make_member(world.hood, name="Wim")
    assert "again in" in tasks.refresh_snapshot("stats", world.hood.pk)
    row = Snapshot.objects.get(kind="stats", neighbourhood=world.hood)
    assert not row.is_current and row.queued_at is not None  # sent again, for later
    Snapshot.objects.filter(kind="stats").update(computed_at=timezone.now() - timedelta(minutes=3))
    tasks.refresh_snapshot("stats", world.hood.pk)
    assert Snapshot.objects.get(kind="stats", neighbourhood=world.hood).is_current
