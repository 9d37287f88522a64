"""The safety net (rule 8) and the bundled requests (rule 11)."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from buurtkracht.exchange.models import Post, PostStatus
from buurtkracht.exchange.services import post_create
from buurtkracht.gifts.models import TaxonomyItem
from buurtkracht.people.models import AccessLog
from buurtkracht.people.services import consent_grant, consent_withdraw
from buurtkracht.places.models import Place
from buurtkracht.support.models import CaseStatus, SafetyNetCase, SupportSettings
from buurtkracht.support.services import (
    safety_net_case_close,
    safety_net_case_refer,
    safety_net_sweep,
    support_settings_save,
)
from tests.factories import membership_of
from tests.helpers import dutch

from . import factories as f

TEXT = "Wie brengt mij dinsdag naar het ziekenhuis"


def _request(
    world, *, author=None, hood=None, text=TEXT, days_old=0, item="vervoer-ziekenhuis", **kw
):
    author, hood = author or world.resident, hood or world.hood
    post = post_create(
        actor=author,
        neighbourhood=hood,
        kind="request",
        text=text,
        item=TaxonomyItem.objects.get(key=item) if item else None,
        membership=membership_of(author, hood),
        **kw,
    )
    if days_old:
        Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(days=days_old))
        post.refresh_from_db()
    return post


def _consent(world, user=None, hood=None):
    consent_grant(user=user or world.resident, neighbourhood=hood or world.hood, scope="safety_net")


def _case_of(post):
    return SafetyNetCase.objects.get(post=post)


# --- the sweep ---------------------------------------------------------------------------


def test_it_sends_a_request_after_the_default_seven_days(world):
    _consent(world)
    young = _request(world, days_old=6)
    old = _request(world, days_old=8)
    assert safety_net_sweep() == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.safety_net_at is not None
    assert young.safety_net_at is None
    case = _case_of(old)
    assert case.neighbourhood == world.hood
    assert case.status == CaseStatus.NEW
    assert case.reason == "waited"


def test_it_follows_the_neighbourhood_setting(world):
    _consent(world)
    support_settings_save(actor=world.admin, neighbourhood=world.hood, safety_net_days=3)
    post = _request(world, days_old=4)
    assert safety_net_sweep() == 1
    assert _case_of(post)


def test_it_waits_longer_when_the_setting_is_longer(world):
    _consent(world)
    support_settings_save(actor=world.admin, neighbourhood=world.hood, safety_net_days=30)
    _request(world, days_old=10)
    assert safety_net_sweep() == 0


def test_it_uses_each_neighbourhoods_own_setting(world):
    other_member = f.make_member(world.other, name="Bram")
    _consent(world)
    _consent(world, user=other_member, hood=world.other)
    support_settings_save(actor=world.admin, neighbourhood=world.hood, safety_net_days=2)
    here = _request(world, days_old=3)
    there = _request(world, author=other_member, hood=world.other, days_old=3)
    assert safety_net_sweep() == 1
    assert _case_of(here)
    assert not SafetyNetCase.objects.filter(post=there).exists()


def test_it_sends_needs_more_at_once(world):
    _consent(world)
    post = _request(world, needs_more=True)
    assert safety_net_sweep() == 1
    assert _case_of(post).reason == "needs_more"


def test_it_sends_nothing_without_consent(world):
    _request(world, days_old=30)
    _request(world, needs_more=True)
    assert safety_net_sweep() == 0
    assert not SafetyNetCase.objects.exists()
    assert not Post.objects.filter(safety_net_at__isnull=False).exists()


def test_it_sends_nothing_after_the_consent_is_withdrawn(world):
    _consent(world)
    consent_withdraw(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    _request(world, needs_more=True)
    assert safety_net_sweep() == 0


def test_it_needs_consent_for_this_neighbourhood(world):
    _consent(world, hood=world.other)
    _request(world, needs_more=True)
    assert safety_net_sweep() == 0


def test_it_only_sends_open_requests(world):
    _consent(world)
    taken = _request(world, days_old=30)
    done = _request(world, days_old=30, needs_more=True)
    Post.objects.filter(pk=taken.pk).update(status=PostStatus.TAKEN)
    Post.objects.filter(pk=done.pk).update(status=PostStatus.DONE)
    post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="offer",
        text="Ik kook",
        membership=membership_of(world.resident, world.hood),
    )
    Post.objects.filter(kind="offer").update(created_at=timezone.now() - timedelta(days=30))
    assert safety_net_sweep() == 0


def test_it_is_idempotent(world):
    _consent(world)
    post = _request(world, needs_more=True)
    assert safety_net_sweep() == 1
    first = Post.objects.get(pk=post.pk).safety_net_at
    assert safety_net_sweep() == 0
    assert SafetyNetCase.objects.count() == 1
    assert Post.objects.get(pk=post.pk).safety_net_at == first


def test_it_runs_as_a_command(world):
    _consent(world)
    _request(world, needs_more=True)
    out = io.StringIO()
    call_command("safety_net", stdout=out)
    assert "1" in out.getvalue()
    assert SafetyNetCase.objects.count() == 1


# --- services on a case ------------------------------------------------------------------


@pytest.fixture
def case(world):
    _consent(world)
    _request(world, needs_more=True)
    safety_net_sweep()
    return SafetyNetCase.objects.get()


def test_it_refers_only_to_a_place_of_this_neighbourhood(world, case):
    elsewhere = Place.objects.create(neighbourhood=world.other, name="Elders", kind="zorg")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        safety_net_case_refer(actor=world.professional, case=case, place=elsewhere)
    assert refused.value.error_dict["place"][0].code == "no_place"
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_it_keeps_a_closed_case_closed(world, case):
    from django.core.exceptions import ValidationError

    safety_net_case_close(actor=world.professional, case=case, note="Geholpen door de wijkzorg")
    with pytest.raises(ValidationError) as again:
        safety_net_case_close(actor=world.professional, case=case, note="Nog eens")
    assert again.value.code == "closed"


# --- queue and case views ----------------------------------------------------------------


def test_it_shows_the_queue_new_first_and_logs_the_read(world, client_for, case):
    _consent(world, user=world.connector)
    second = _request(world, author=world.connector, text="Ik heb hulp nodig", needs_more=True)
    safety_net_sweep()
    SafetyNetCase.objects.filter(pk=case.pk).update(status=CaseStatus.CONTACTED)
    url = reverse("support:queue", kwargs={"slug": "lindenhof"})
    professional = client_for("professional")
    response = professional.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ik heb hulp nodig" in html and TEXT not in html  # the new case; Sanne's is taken
    assert "Nieuw (1)" in html and "Bezig (1)" in html
    assert "<caption>" in html
    logged = set(
        AccessLog.objects.filter(viewer=world.professional).values_list("subject_id", flat=True)
    )
    assert logged == {second.author_id}  # only the people on the page shown
    working = professional.get(url, {"toon": "bezig"}).content.decode()
    assert TEXT in working and "Sanne" in working and "Ik heb hulp nodig" not in working
    assert world.resident.pk in AccessLog.objects.values_list("subject_id", flat=True)
    assert professional.get(url, {"toon": "gesloten"}).status_code == 200
    assert professional.get(url, {"toon": "iets", "na": "x|y"}).status_code == 200


def test_the_queue_pages_its_cases_without_more_queries(world, client_for, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from buurtkracht.support.selectors import QUEUE_PAGE

    url = reverse("support:queue", kwargs={"slug": "lindenhof"})
    professional = client_for("professional")
    with CaptureQueriesContext(connection) as few:
        professional.get(url)
    for number in range(QUEUE_PAGE + 5):
        author = f.make_member(world.hood, name=f"Buur {number}")
        _consent(world, user=author)
        _request(world, author=author, text=f"Hulp {number}", needs_more=True)
    safety_net_sweep()
    with CaptureQueriesContext(connection) as many:
        first = professional.get(url).content.decode()
    assert len(many) == len(few)
    link = re.search(r'href="(\?toon=nieuw&amp;na=[^"]+)"', first).group(1).replace("&amp;", "&")
    rest = professional.get(url + link).content.decode()
    shown = re.findall(r"Hulp \d+|" + re.escape(TEXT), first + rest)
    assert len(shown) == QUEUE_PAGE + 6 and len(set(shown)) == QUEUE_PAGE + 6


@pytest.mark.parametrize("persona", ["resident", "connector", "facilitator", "outsider"])
def test_it_refuses_the_queue(world, client_for, case, persona):
    response = client_for(persona).get(reverse("support:queue", kwargs={"slug": "lindenhof"}))
    assert response.status_code == 403


def test_it_shows_a_case_and_logs_the_read(world, client_for, case):
    url = reverse("support:case", kwargs={"slug": "lindenhof", "case_id": case.pk})
    response = client_for("professional").get(url)
    assert response.status_code == 200
    assert TEXT in response.content.decode()
    assert AccessLog.objects.filter(viewer=world.professional, subject=world.resident).exists()


def test_it_hides_a_case_of_another_neighbourhood(world, client_for):
    neighbour = f.make_member(world.other, name="Bram")
    _consent(world, user=neighbour, hood=world.other)
    _request(world, author=neighbour, hood=world.other, needs_more=True)
    safety_net_sweep()
    other_case = SafetyNetCase.objects.get()
    kwargs = {"slug": "lindenhof", "case_id": other_case.pk}
    assert client_for("professional").get(reverse("support:case", kwargs=kwargs)).status_code == 404
    for name in ("support:case_contacted", "support:case_refer", "support:case_close"):
        response = client_for("professional").post(reverse(name, kwargs=kwargs), {"note": "x"})
        assert response.status_code == 404
    other_case.refresh_from_db()
    assert other_case.status == CaseStatus.NEW


def test_it_marks_contacted(world, client_for, case):
    url = reverse("support:case_contacted", kwargs={"slug": "lindenhof", "case_id": case.pk})
    response = client_for("professional").post(url, {"note": "Gebeld"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CONTACTED
    assert case.handled_by == world.professional
    assert case.note == "Gebeld"


def test_it_refers_to_a_place(world, client_for, case):
    place = Place.objects.create(neighbourhood=world.hood, name="Wijkteam", kind="zorg")
    url = reverse("support:case_refer", kwargs={"slug": "lindenhof", "case_id": case.pk})
    response = client_for("admin").post(url, {"place": place.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REFERRED
    assert case.referred_place == place


def test_it_refuses_a_place_of_another_neighbourhood_in_the_form(world, client_for, case):
    elsewhere = Place.objects.create(neighbourhood=world.other, name="Elders", kind="zorg")
    url = reverse("support:case_refer", kwargs={"slug": "lindenhof", "case_id": case.pk})
    response = client_for("professional").post(url, {"place": elsewhere.pk})
    assert response.status_code == 200
    assert dutch("Choose a place in this neighbourhood.") in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_it_closes_with_a_note_only(world, client_for, case):
    url = reverse("support:case_close", kwargs={"slug": "lindenhof", "case_id": case.pk})
    refused_page = client_for("professional").post(url, {})
    assert refused_page.status_code == 200
    assert dutch("Write a short note on how it ended.") in refused_page.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    response = client_for("professional").post(url, {"note": "Opgelost"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "61", "abc", ""])
def test_it_refuses_days_outside_1_to_60(world, client_for, value):
    url = reverse("support:settings", kwargs={"slug": "lindenhof"})
    response = client_for("admin").post(url, {"safety_net_days": value})
    assert response.status_code == 200
    assert not SupportSettings.objects.exists()


def test_it_saves_the_days(world, client_for):
    url = reverse("support:settings", kwargs={"slug": "lindenhof"})
    assert client_for("admin").get(url).status_code == 200
    response = client_for("admin").post(url, {"safety_net_days": "14"})
    assert response.status_code == 302
    assert SupportSettings.objects.get(neighbourhood=world.hood).safety_net_days == 14


def test_the_service_refuses_days_outside_1_to_60(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        support_settings_save(actor=world.admin, neighbourhood=world.hood, safety_net_days=61)
    assert refused.value.error_dict["safety_net_days"][0].code == "out_of_range"


# --- bundled requests --------------------------------------------------------------------


def _in_month(post, year, month):
    when = timezone.make_aware(datetime(year, month, 15, 12))  # noqa: DTZ001 (made aware)
    Post.objects.filter(pk=post.pk).update(created_at=when)


@pytest.fixture
def bundled(world):
    for _ in range(3):
        _in_month(_request(world), 2026, 10)
    _in_month(_request(world), 2026, 9)
    _in_month(_request(world, item=None, text="Iets heel eigens"), 2026, 10)
    taken = _request(world)
    _in_month(taken, 2026, 10)
    Post.objects.filter(pk=taken.pk).update(status=PostStatus.TAKEN)
    neighbour = f.make_member(world.other, name="Bram")
    _in_month(_request(world, author=neighbour, hood=world.other), 2026, 10)


def test_it_bundles_per_need_and_month(world, bundled):
    from buurtkracht.support.selectors import request_bundles

    rows = {
        (b.month.strftime("%Y-%m"), b.category_key): b.count
        for b in request_bundles(neighbourhood=world.hood)
    }
    item = TaxonomyItem.objects.get(key="vervoer-ziekenhuis")
    assert rows == {
        ("2026-10", item.category.key): 3,
        ("2026-09", item.category.key): 1,
        ("2026-10", "anders"): 1,
    }


def test_it_bundles_by_the_start_when_given(world):
    from buurtkracht.support.selectors import request_bundles

    start = timezone.now() + timedelta(days=400)
    _request(world, when_kind="date", starts_at=start)
    (bundle,) = request_bundles(neighbourhood=world.hood)
    assert bundle.month == timezone.localtime(start).date().replace(day=1)


def test_the_bundles_page_shows_counts_without_names_or_texts(world, client_for, bundled):
    url = reverse("support:bundles", kwargs={"slug": "lindenhof"})
    response = client_for("resident").get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "oktober 2026" in html
    assert re.search(r"\b3 (requests|vragen)\b", html)
    assert TEXT not in html
    assert "Iets heel eigens" not in html
    assert "Sanne" not in html.split("<main", 1)[-1]
    assert "<caption>" in html


def test_the_bundles_page_filters_by_month(world, client_for, bundled):
    url = reverse("support:bundles", kwargs={"slug": "lindenhof"})
    html = client_for("facilitator").get(url, {"maand": "2026-09"}).content.decode()
    table = html.split("<table", 1)[1]
    assert "september 2026" in table
    assert "oktober 2026" not in table


def test_the_csv_has_the_same_counts_and_no_personal_details(world, client_for, bundled):
    url = reverse("support:bundles_csv", kwargs={"slug": "lindenhof"})
    response = client_for("professional").get(url)
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    counts = sorted(int(row[3]) for row in rows[1:])
    assert counts == [1, 1, 3]
    assert "oktober 2026" in body
    assert TEXT not in body
    assert "Iets heel eigens" not in body
    assert "Sanne" not in body


def test_the_csv_filters_by_month(world, client_for, bundled):
    url = reverse("support:bundles_csv", kwargs={"slug": "lindenhof"})
    response = client_for("admin").get(url, {"maand": "2026-10"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert sorted(int(row[3]) for row in rows[1:]) == [1, 3]


def test_the_csv_writes_a_formula_as_text(world, client_for, bundled):
    """A need's name that a spreadsheet would run ("=HYPERLINK(…)") is written as text."""
    from buurtkracht.gifts.models import TaxonomyCategory

    TaxonomyCategory.objects.filter(pk__in=Post.objects.values("item__category")).update(
        label_nl='=HYPERLINK("https://example.org","klik")'
    )
    response = client_for("admin").get(reverse("support:bundles_csv", kwargs={"slug": "lindenhof"}))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    needs = [row[2] for row in csv.reader(io.StringIO(body), delimiter=";")][1:]
    assert any(need.startswith("'=HYPERLINK") for need in needs)
    assert not any(need.startswith("=") for need in needs)
