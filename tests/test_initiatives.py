"""Resident initiatives: owned by residents, members, tasks, activities with sign-ups and a
waiting list, the fragility signal, calendar feeds and the public page's event data."""

import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from buurtkracht.initiatives import selectors, services
from buurtkracht.initiatives.models import Activity, Initiative, Involvement, SignUp, Task
from tests.factories import membership_of

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def repair(world):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    initiative = services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Repair Café Lindenhof",
        what_and_why="Samen spullen maken in plaats van weggooien.",
        for_whom="Iedereen in de buurt",
        address="Buurthuis De Linde",
        membership=membership_of(world.resident, world.hood),
    )
    return world, initiative


def _soon(days=3, hours=2):
    start = timezone.now() + timedelta(days=days)
    return start, start + timedelta(hours=hours)


def test_a_resident_starts_an_initiative_and_owns_it(repair):
    world, initiative = repair
    assert services.role_of(world.resident, initiative) == "owner"


@pytest.mark.parametrize("persona", ["professional", "facilitator"])
def test_professionals_cannot_own_an_initiative(world, persona):
    with pytest.raises(ValidationError) as refused:
        services.initiative_create(
            actor=getattr(world, persona),
            neighbourhood=world.hood,
            name="Van de gemeente",
            what_and_why="Iets",
            membership=membership_of(getattr(world, persona), world.hood),
        )
    assert refused.value.code == "not_resident"
    assert not Initiative.objects.exists()


def test_names_are_unique_per_neighbourhood_and_texts_are_required(repair):
    world, _ = repair
    with pytest.raises(ValidationError) as refused:
        services.initiative_create(
            actor=world.connector,
            neighbourhood=world.hood,
            name="repair café lindenhof",
            what_and_why="x",
            membership=membership_of(world.connector, world.hood),
        )
    assert refused.value.error_dict["name"][0].code == "name_taken"
    with pytest.raises(ValidationError) as refused:
        services.initiative_create(
            actor=world.connector,
            neighbourhood=world.hood,
            name="  ",
            what_and_why="x",
            membership=membership_of(world.connector, world.hood),
        )
    assert refused.value.error_dict["name"][0].code == "required"


def test_joining_is_asked_and_owners_decide(repair):
    world, initiative = repair
    asked = services.ask_to_join(
        actor=world.connector,
        initiative=initiative,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    with pytest.raises(ValidationError) as refused:
        services.decide(actor=world.connector, involvement=asked, accept=True)
    assert refused.value.code == "not_owner"
    services.decide(actor=world.resident, involvement=asked, accept=True)
    assert services.role_of(world.connector, initiative) == "member"
    with pytest.raises(ValidationError) as refused:
        services.decide(actor=world.resident, involvement=asked, accept=False)
    assert refused.value.code == "already_answered"
    with pytest.raises(ValidationError) as refused:
        services.ask_to_join(
            actor=world.connector,
            initiative=initiative,
            membership=membership_of(world.connector, initiative.neighbourhood),
        )
    assert refused.value.code == "already_part"
    with pytest.raises(ValidationError) as refused:
        services.ask_to_join(
            actor=world.outsider,
            initiative=initiative,
            membership=membership_of(world.outsider, initiative.neighbourhood),
        )
    assert refused.value.code == "not_member"


def test_the_last_owner_cannot_go(repair):
    world, initiative = repair
    owner = Involvement.objects.get(initiative=initiative, user=world.resident)
    with pytest.raises(ValidationError) as refused:
        services.set_role(actor=world.resident, involvement=owner, role="member")
    assert refused.value.code == "last_owner"
    with pytest.raises(ValidationError) as refused:
        services.leave(actor=world.resident, initiative=initiative)
    assert refused.value.code == "last_owner"
    asked = services.ask_to_join(
        actor=world.connector,
        initiative=initiative,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    services.decide(actor=world.resident, involvement=asked, accept=True)
    services.set_role(actor=world.resident, involvement=asked, role="owner")
    services.leave(actor=world.resident, initiative=initiative)  # now someone else owns it
    assert services.role_of(world.connector, initiative) == "owner"


def test_a_professional_cannot_be_made_owner(repair):
    world, initiative = repair
    asked = services.ask_to_join(
        actor=world.professional,
        initiative=initiative,
        membership=membership_of(world.professional, initiative.neighbourhood),
    )
    services.decide(actor=world.resident, involvement=asked, accept=True)
    with pytest.raises(ValidationError) as refused:
        services.set_role(actor=world.resident, involvement=asked, role="owner")
    assert refused.value.code == "not_resident"


def test_tasks_are_added_by_owners_and_taken_by_the_people_of_the_initiative(repair):
    world, initiative = repair
    task = services.task_add(
        actor=world.resident, initiative=initiative, title="Sleutel beheren", recurrence="ongoing"
    )
    with pytest.raises(ValidationError) as refused:
        services.task_add(actor=world.connector, initiative=initiative, title="x")
    assert refused.value.code == "not_owner"
    with pytest.raises(ValidationError) as refused:
        services.task_take(actor=world.connector, task=task)
    assert refused.value.code == "not_part"
    asked = services.ask_to_join(
        actor=world.connector,
        initiative=initiative,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    services.decide(actor=world.resident, involvement=asked, accept=True)
    services.task_take(actor=world.connector, task=task)
    with pytest.raises(ValidationError) as refused:
        services.task_take(actor=world.resident, task=task)
    assert refused.value.code == "taken"
    services.leave(actor=world.connector, initiative=initiative)
    task.refresh_from_db()
    assert task.is_open  # leaving opens the tasks one carried


@pytest.mark.parametrize(
    "start_delta, length, field, code",
    [
        (timedelta(days=-1), timedelta(hours=2), "starts_at", "in_the_past"),
        (timedelta(days=2), timedelta(hours=-1), "ends_at", "ends_before_start"),
        (timedelta(days=2), timedelta(0), "ends_at", "ends_before_start"),
    ],
)
def test_activities_in_the_past_or_ending_before_they_start_are_refused(
    repair, start_delta, length, field, code
):
    world, initiative = repair
    start = timezone.now() + start_delta
    with pytest.raises(ValidationError) as refused:
        services.activity_add(
            actor=world.resident,
            initiative=initiative,
            title="Repair Café",
            starts_at=start,
            ends_at=start + length,
        )
    assert refused.value.error_dict[field][0].code == code
    assert not Activity.objects.exists()


def test_the_database_refuses_an_activity_that_ends_before_it_starts(repair):
    _world, initiative = repair
    start, _end = _soon()
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(
            initiative=initiative, title="x", starts_at=start, ends_at=start - timedelta(hours=1)
        )


def test_sign_ups_fill_the_places_then_the_waiting_list_which_moves_up(repair):
    world, initiative = repair
    start, end = _soon()
    activity = services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=end,
        capacity=2,
    )
    first = services.sign_up(
        actor=world.connector,
        activity=activity,
        membership=membership_of(world.connector, activity.initiative.neighbourhood),
    )
    second = services.sign_up(
        actor=world.admin,
        activity=activity,
        membership=membership_of(world.admin, activity.initiative.neighbourhood),
    )
    third = services.sign_up(
        actor=world.facilitator,
        activity=activity,
        membership=membership_of(world.facilitator, activity.initiative.neighbourhood),
    )
    assert (first.status, second.status, third.status) == ("confirmed", "confirmed", "waiting")
    with pytest.raises(ValidationError) as refused:
        services.sign_up(
            actor=world.connector,
            activity=activity,
            membership=membership_of(world.connector, activity.initiative.neighbourhood),
        )
    assert refused.value.code == "already_signed_up"
    services.sign_up_cancel(actor=world.connector, activity=activity)
    third.refresh_from_db()
    activity.refresh_from_db()
    assert third.status == "confirmed" and activity.confirmed == 2
    with pytest.raises(ValidationError) as refused:
        services.sign_up(
            actor=world.outsider,
            activity=activity,
            membership=membership_of(world.outsider, activity.initiative.neighbourhood),
        )
    assert refused.value.code == "not_member"


def test_the_database_refuses_an_overbooked_activity(repair):
    world, initiative = repair
    start, end = _soon()
    activity = services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="x",
        starts_at=start,
        ends_at=end,
        capacity=1,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(confirmed=2)


def test_fragility_tells_when_it_rests_on_one_person(repair):
    world, initiative = repair
    for title in ("Sleutel beheren", "Koffie zetten op dinsdag", "Penningmeester"):
        task = services.task_add(actor=world.resident, initiative=initiative, title=title)
        services.task_take(actor=world.resident, task=task)
    signal = selectors.fragility(initiative)
    assert signal.level == "fragile" and signal.carriers == 1
    assert "rust op 1 persoon" in signal.reasons
    asked = services.ask_to_join(
        actor=world.connector,
        initiative=initiative,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    services.decide(actor=world.resident, involvement=asked, accept=True)
    task = Task.objects.get(title="Penningmeester")
    services.task_release(actor=world.resident, task=task)
    services.task_take(actor=world.connector, task=task)
    signal = selectors.fragility(initiative)
    assert signal.carriers == 2
    assert "één persoon draagt 67% van de taken" in signal.reasons


def test_an_initiative_without_activities_for_months_is_dormant(repair):
    _world, initiative = repair
    Initiative.objects.filter(pk=initiative.pk).update(
        created_at=timezone.now() - timedelta(days=200)
    )
    initiative.refresh_from_db()
    signal = selectors.fragility(initiative)
    assert signal.level == "dormant" and "nog geen activiteit" in signal.reasons


def _url(name, **kw):
    return reverse(f"initiatives:{name}", kwargs={"slug": "lindenhof", **kw})


def test_the_public_page_has_event_data_and_no_names(repair, client):
    world, initiative = repair
    start, end = _soon()
    services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=end,
    )
    html = client.get(_url("detail", initiative_id=initiative.pk)).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data[0]["@type"] == "Event" and data[0]["name"] == "Repair Café"
    assert "location" not in data[0]  # the activity has no place of its own
    assert "Sanne" not in html  # no names for the public


@pytest.mark.parametrize("title", ["<!--<script", "</script><p>gemaakt</p>", "A & B > C"])
def test_a_title_cannot_break_out_of_the_event_data(repair, client, title):
    """The event data sits in a <script>: a title with "<!--<script" or "</script" must
    neither end it nor open a comment that swallows the rest of the page."""
    world, initiative = repair
    start, end = _soon()
    services.activity_add(
        actor=world.resident, initiative=initiative, title=title, starts_at=start, ends_at=end
    )
    html = client.get(_url("detail", initiative_id=initiative.pk)).content.decode()
    block = re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)[0]["name"] == title
    assert '<footer class="site-footer">' in html.split(block, 1)[1]


def test_calendar_feeds_parse_as_icalendar(repair, client):
    from icalendar import Calendar

    world, initiative = repair
    start, end = _soon()
    services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=end,
        address="Lindelaan 1",
    )
    for url in (_url("calendar", initiative_id=initiative.pk), _url("calendar_all")):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 1
        assert str(events[0]["SUMMARY"]) == "Repair Café (Repair Café Lindenhof)"
        assert events[0].decoded("DTSTART") == start.replace(microsecond=0) or abs(
            events[0].decoded("DTSTART") - start
        ) < timedelta(seconds=1)
        assert str(events[0]["LOCATION"]) == "Lindelaan 1"


def test_the_pages_start_an_initiative_add_a_task_and_an_activity(world, client_for):
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    resident = client_for("resident")
    response = resident.post(
        _url("new"), {"name": "Moestuin", "what_and_why": "Samen groente kweken."}
    )
    initiative = Initiative.objects.get(name="Moestuin")
    page = _url("detail", initiative_id=initiative.pk)
    assert response["Location"] == page
    resident.post(
        _url("task_add", initiative_id=initiative.pk),
        {"t-title": "Water geven", "t-recurrence": "weekly"},
    )
    assert Task.objects.filter(initiative=initiative, title="Water geven").exists()
    day = (timezone.localdate() + timedelta(days=5)).isoformat()
    plan = _url("activity_add", initiative_id=initiative.pk)
    bad = resident.post(
        plan,
        {
            "a-title": "Oogstfeest",
            "a-day": day,
            "a-start": "16:00",
            "a-end": "15:00",
        },
    )
    assert "na het begin" in bad.content.decode()
    resident.post(
        plan,
        {
            "a-title": "Oogstfeest",
            "a-day": day,
            "a-start": "15:00",
            "a-end": "17:00",
            "a-capacity": "1",
        },
    )
    activity = Activity.objects.get(title="Oogstfeest")
    client_for("connector").post(_url("sign_up", activity_id=activity.pk))
    client_for("admin").post(_url("sign_up", activity_id=activity.pk))
    statuses = dict(SignUp.objects.values_list("user_id", "status"))
    assert statuses == {world.connector.pk: "confirmed", world.admin.pk: "waiting"}
    html = resident.get(page).content.decode()
    assert "Hoe stevig is het?" in html and "Water geven" in html


def test_the_neighbourhood_lists_initiatives_by_how_they_are_doing(repair, client):
    world, initiative = repair
    other = f.make_member(world.hood, name="Joke")
    services.initiative_create(
        actor=other,
        neighbourhood=world.hood,
        name="Leesclub",
        what_and_why="Boeken lezen",
        membership=membership_of(other, world.hood),
    )
    html = client.get(_url("list")).content.decode()
    assert "Repair Café Lindenhof" in html and "Leesclub" in html


def _photo_with_location(fmt="JPEG") -> bytes:
    import io

    from PIL import Image

    image = Image.new("RGB", (1600, 900), "green")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 23.0, 0.0)}  # GPS info
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes()) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def test_people_of_the_initiative_post_news_with_a_photo_without_location(
    repair, settings, tmp_path
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    world, initiative = repair
    upload = SimpleUploadedFile("tuin.jpg", _photo_with_location(), content_type="image/jpeg")
    assert Image.open(io.BytesIO(_photo_with_location())).getexif().get(0x8825)
    update = services.update_post(
        actor=world.resident, initiative=initiative, text="De eerste tomaten!", photo=upload
    )
    with update.photo.open("rb") as handle, Image.open(handle) as stored:
        assert max(stored.size) <= 800
        assert not stored.getexif().get(0x8825)  # no location kept
    with pytest.raises(ValidationError) as refused:
        services.update_post(actor=world.connector, initiative=initiative, text="Hoi")
    assert refused.value.code == "not_part"


@pytest.mark.parametrize(
    "name, content",
    [("nep.jpg", b"dit is geen foto"), ("groot.jpg", b"x" * (6 * 1024 * 1024))],
)
def test_a_non_image_or_oversized_upload_is_refused_and_nothing_saved(repair, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from buurtkracht.initiatives.models import Update

    world, initiative = repair
    with pytest.raises(ValidationError) as refused:
        services.update_post(
            actor=world.resident,
            initiative=initiative,
            text="Kijk",
            photo=SimpleUploadedFile(name, content, content_type="image/jpeg"),
        )
    assert refused.value.code == "bad_photo"
    assert not Update.objects.exists()


def test_professionals_record_support_but_cannot_edit(repair):
    world, initiative = repair
    support = services.support_record(
        actor=world.professional,
        initiative=initiative,
        kind="space",
        description="Gratis zaal op zaterdag",
        given_on=timezone.localdate(),
        membership=membership_of(world.professional, initiative.neighbourhood),
    )
    assert support.organisation == world.organisation
    with pytest.raises(ValidationError) as refused:
        services.support_record(
            actor=world.resident,
            initiative=initiative,
            kind="money",
            description="x",
            given_on=timezone.localdate(),
            membership=membership_of(world.resident, initiative.neighbourhood),
        )
    assert refused.value.code == "not_supporter"
    with pytest.raises(ValidationError) as refused:
        services.initiative_update(actor=world.professional, initiative=initiative, name="Van ons")
    assert refused.value.code == "not_owner"
    with pytest.raises(ValidationError) as refused:
        services.initiative_close(actor=world.professional, initiative=initiative)
    assert refused.value.code == "not_owner"


def test_support_and_news_show_on_the_pages(repair, client, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world, initiative = repair
    page = _url("detail", initiative_id=initiative.pk)
    client_for("professional").post(
        _url("support_add", initiative_id=initiative.pk),
        {
            "s-kind": "knowledge",
            "s-description": "Training subsidie",
            "s-given_on": timezone.localdate().isoformat(),
        },
    )
    client_for("resident").post(
        _url("update_add", initiative_id=initiative.pk),
        {
            "u-text": "Weer tien dingen gemaakt",
            "u-photo": SimpleUploadedFile("x.jpg", _photo_with_location(), "image/jpeg"),
        },
    )
    html = client.get(page).content.decode()
    assert "Training subsidie" in html and "Weer tien dingen gemaakt" in html
    photo = re.search(r'src="([^"]+/fotos/\d+/)"', html).group(1)
    assert client.get(photo)["Content-Type"] == "image/jpeg"
    assert "Training subsidie" in client.get(_url("list")).content.decode()
    bad = client_for("resident").post(
        _url("update_add", initiative_id=initiative.pk),
        {
            "u-text": "x",
            "u-photo": SimpleUploadedFile("x.jpg", b"nope", "image/jpeg"),
        },
    )
    assert "geen foto" in bad.content.decode()


def test_owners_write_a_budget_request_and_record_the_decision(repair, client_for):
    from decimal import Decimal

    from buurtkracht.initiatives.models import BudgetRequest

    world, initiative = repair
    with pytest.raises(ValidationError) as refused:
        services.budget_request(
            actor=world.resident,
            initiative=initiative,
            title="Gereedschap",
            lines=[("Soldeerbout", "45,50"), ("Schroevendraaiers", "-3")],
        )
    assert (refused.value.code, refused.value.params) == ("bad_line", {"number": 2})
    with pytest.raises(ValidationError) as refused:
        services.budget_request(actor=world.resident, initiative=initiative, title="x", lines=[])
    assert refused.value.code == "no_lines"
    assert not BudgetRequest.objects.exists()  # nothing half-saved
    with pytest.raises(ValidationError) as refused:
        services.budget_request(
            actor=world.professional, initiative=initiative, title="x", lines=[("a", "1")]
        )
    assert refused.value.code == "not_owner"
    page = _url("detail", initiative_id=initiative.pk)
    client_for("resident").post(
        _url("budget_add", initiative_id=initiative.pk),
        {
            "b-title": "Gereedschap",
            "b-line1": "Soldeerbout",
            "b-amount1": "45,50",
            "b-line2": "Koffie",
            "b-amount2": "20",
        },
    )
    budget = BudgetRequest.objects.get()
    assert budget.total == Decimal("65.50")
    client_for("resident").post(
        _url("budget_status", initiative_id=initiative.pk, budget_id=budget.pk),
        {
            f"bs{budget.pk}-status": "partly",
            f"bs{budget.pk}-granted": "50",
            f"bs{budget.pk}-account": "Soldeerbout gekocht.",
        },
    )
    budget.refresh_from_db()
    assert budget.status == "partly" and budget.granted == Decimal("50")
    assert "Soldeerbout gekocht." in client_for("connector").get(page).content.decode()
    with pytest.raises(ValidationError) as refused:
        services.budget_status(actor=world.resident, request=budget, status="granted", granted="")
    assert refused.value.code == "no_amount"


def test_people_signed_up_get_one_reminder_a_day_before_by_mail_and_in_the_app(
    repair, smtp_server, django_capture_on_commit_callbacks
):
    from io import StringIO

    from django.core.management import call_command

    from buurtkracht.notifications.models import Notification

    _controller, inbox = smtp_server
    world, initiative = repair
    start = timezone.now() + timedelta(hours=20)
    activity = services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=1,
    )
    services.sign_up(
        actor=world.connector,
        activity=activity,
        membership=membership_of(world.connector, activity.initiative.neighbourhood),
    )
    services.sign_up(
        actor=world.admin,
        activity=activity,
        membership=membership_of(world.admin, activity.initiative.neighbourhood),
    )  # waiting: no reminder
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_activity_reminders", stdout=out)
    assert out.getvalue().startswith("1 ")
    again = StringIO()
    call_command("send_activity_reminders", stdout=again)  # once only
    assert again.getvalue().startswith("0 ")
    reminders = Notification.objects.filter(kind="activity_reminder")
    assert [n.user_id for n in reminders] == [world.connector.pk]
    assert "Morgen: Repair Café" in reminders[0].title
    assert any("Repair Café" in body for body in inbox.bodies())


def test_the_neighbourhood_page_lists_initiatives_and_coming_activities(repair, client):
    world, initiative = repair
    start, end = _soon()
    services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=end,
    )
    html = client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content
    html = html.decode()
    assert "Repair Café Lindenhof" in html and "Binnenkort" in html


def test_public_lists_never_call_an_initiative_fragile(repair, client):
    world, initiative = repair
    services.task_add(actor=world.resident, initiative=initiative, title="Sleutel")
    services.task_add(actor=world.resident, initiative=initiative, title="Koffie")
    assert selectors.fragility(initiative).level == "fragile"
    for url in (reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"}), _url("list")):
        html = client.get(url).content.decode()
        assert "Repair Café Lindenhof" in html
        assert "Heeft hulp nodig" not in html and "rust op" not in html
    assert (
        "kan hulp gebruiken"
        in client.get(reverse("neighbourhoods:home", kwargs={"slug": "lindenhof"})).content.decode()
    )


def test_owners_change_the_description_and_others_cannot(repair, client_for):
    world, initiative = repair
    edit = _url("edit", initiative_id=initiative.pk)
    data = {"e-name": "Repair Café", "e-what_and_why": "Samen repareren."}
    client_for("resident").post(edit, data)
    initiative.refresh_from_db()
    assert initiative.name == "Repair Café"
    services.ask_to_join(
        actor=world.professional,
        initiative=initiative,
        membership=membership_of(world.professional, initiative.neighbourhood),
    )
    client_for("professional").post(edit, {**data, "e-name": "Overgenomen"})
    initiative.refresh_from_db()
    assert initiative.name == "Repair Café"  # professionals back initiatives, never edit them
    empty = client_for("resident").post(edit, {**data, "e-what_and_why": ""})
    assert "Dit veld is verplicht" in empty.content.decode()


def test_the_page_does_not_ask_the_database_once_per_activity(repair, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world, initiative = repair
    page = _url("detail", initiative_id=initiative.pk)
    karim = client_for("connector")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert karim.get(page).status_code == 200
        return len(captured)

    start, end = _soon()
    services.activity_add(
        actor=world.resident, initiative=initiative, title="a", starts_at=start, ends_at=end
    )
    one = queries()
    for n in range(4):
        start, end = _soon(days=4 + n)
        services.activity_add(
            actor=world.resident,
            initiative=initiative,
            title=f"b{n}",
            starts_at=start,
            ends_at=end,
        )
    assert queries() == one


def test_an_initiative_starts_with_a_photo_without_location_shown_on_its_page(world, client_for):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    response = client_for("resident").post(
        reverse("initiatives:new", kwargs={"slug": "lindenhof"}),
        {
            "name": "Bloembakken",
            "what_and_why": "Bloemen langs de stoep.",
            "photo": SimpleUploadedFile("bak.jpg", _photo_with_location(), "image/jpeg"),
        },
    )
    initiative = Initiative.objects.get(name="Bloembakken")
    assert response.status_code == 302
    with initiative.photo.open("rb") as handle, Image.open(handle) as stored:
        assert max(stored.size) <= 800 and not stored.getexif().get(0x8825)
    photo_url = _url("initiative_photo", initiative_id=initiative.pk)
    page = client_for("anonymous").get(_url("detail", initiative_id=initiative.pk))
    assert photo_url in page.content.decode()
    served = client_for("anonymous").get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).format == "JPEG"
    # An owner replaces it; a page without a photo answers 404 for the photo.
    services.initiative_update(
        actor=world.resident,
        initiative=initiative,
        photo=SimpleUploadedFile("nieuw.png", _photo_with_location("PNG"), "image/png"),
    )
    initiative.refresh_from_db()
    assert initiative.photo.name.endswith(".jpg")
    other = services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Zonder foto",
        what_and_why="x",
        membership=membership_of(world.resident, world.hood),
    )
    missing = _url("initiative_photo", initiative_id=other.pk)
    assert client_for("anonymous").get(missing).status_code == 404


@pytest.mark.parametrize(
    "content, message", [(b"dit is geen foto", "geen foto"), (b"x" * (6 * 1024 * 1024), "te groot")]
)
def test_starting_with_a_bad_photo_says_why_and_saves_nothing(world, client_for, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    response = client_for("resident").post(
        reverse("initiatives:new", kwargs={"slug": "lindenhof"}),
        {
            "name": "Bloembakken",
            "what_and_why": "Bloemen langs de stoep.",
            "photo": SimpleUploadedFile("bak.jpg", content, "image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photo"])
    assert not Initiative.objects.exists()


def test_signing_up_for_an_activity_does_not_read_like_making_an_account(repair, client_for):
    """ "Sign up" for an activity has its own msgid context: not the sign-up page's
    "Account maken". The button names the activity for screen readers."""
    world, initiative = repair
    start, end = _soon()
    services.activity_add(
        actor=world.resident,
        initiative=initiative,
        title="Repair Café",
        starts_at=start,
        ends_at=end,
    )
    html = client_for("connector").get(_url("detail", initiative_id=initiative.pk)).content
    html = html.decode()
    assert "Ik doe mee" in html and "Account maken</button>" not in html
    assert '<span class="visually-hidden">: Repair Café</span>' in html


def test_every_button_posts_to_its_own_url_and_comes_back_to_the_page(repair, client_for):
    """One URL per action: no hidden `action` field; each answer is a message on the page."""
    from django.urls import resolve

    world, initiative = repair
    start, end = _soon()
    activity = services.activity_add(
        actor=world.resident, initiative=initiative, title="Oogst", starts_at=start, ends_at=end
    )
    owner, karim = client_for("resident"), client_for("connector")
    page = _url("detail", initiative_id=initiative.pk)
    here = {"initiative_id": initiative.pk}
    main = owner.get(page).content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    assert 'name="action"' not in main
    forms = re.findall(r'<form method="post"[^>]*>', main)
    actions = re.findall(r'<form method="post"[^>]* action="([^"]+)"', main)
    assert len(forms) == len(actions) > 5
    assert {resolve(action).app_name for action in actions} == {"initiatives"}

    def said(response):
        assert response.status_code == 302 and response["Location"] == page
        return [str(m) for m in response.wsgi_request._messages]

    said(karim.post(_url("ask", **here)))
    asked = Involvement.objects.get(initiative=initiative, user=world.connector)
    said(owner.post(_url("decline", **here, involvement_id=asked.pk)))
    assert not Involvement.objects.filter(pk=asked.pk).exists()
    said(karim.post(_url("ask", **here)))
    asked = Involvement.objects.get(initiative=initiative, user=world.connector)
    said(owner.post(_url("accept", **here, involvement_id=asked.pk)))
    assert services.role_of(world.connector, initiative) == "member"
    said(karim.post(_url("sign_up", activity_id=activity.pk)))
    said(karim.post(_url("sign_up_cancel", activity_id=activity.pk)))
    assert SignUp.objects.get(user=world.connector).status == "cancelled"
    said(karim.post(_url("leave", **here)))
    assert services.role_of(world.connector, initiative) is None
    refused = said(karim.post(_url("close", **here)))  # not an owner: a message, no change
    assert refused and initiative.is_open
    said(owner.post(_url("activity_cancel", **here, activity_id=activity.pk)))
    activity.refresh_from_db()
    assert activity.cancelled_at is not None
    said(owner.post(_url("close", **here)))
    initiative.refresh_from_db()
    assert not initiative.is_open
    assert owner.get(_url("close", **here)).status_code == 405  # only by POST
