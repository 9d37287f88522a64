"""The social map kept right by people (issue 19): topics from the government's product
list (UPL), professionals editing and adding entries on a page, "still right", the list of
entries to check, and the reminders to the keepers of entries nobody checked for a year."""

import json
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from buurtkracht.notifications.models import Notification
from buurtkracht.socialmap import hsds_io, hsds_tabular
from buurtkracht.socialmap.models import Organization, Service, ServiceTopic, scope_of
from buurtkracht.socialmap.opening import weekly_hours
from buurtkracht.socialmap.selectors import stale_services, tabular_export
from buurtkracht.socialmap.services import hsds_import, service_save, stale_reminders
from buurtkracht.socialmap.topics import UPL_URI, vocabulary

from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def mapped(world):
    """Lindenhof (in Haarlem) with the demo's social map of Haarlem."""
    from buurtkracht.demo.socialmap import hsds_organizations

    world.hood.municipality = "Haarlem"
    world.hood.modules = [*world.hood.modules, "social_map"]
    world.hood.save()
    hsds_import(actor=None, municipality="Haarlem", data=json.dumps(hsds_organizations()).encode())
    return world


def _url(name, service=None, **kw):
    if service is not None:
        kw["service_id"] = service.pk
    return reverse(f"socialmap:{name}", kwargs={"slug": "lindenhof", **kw})


# --- topics ---------------------------------------------------------------------------------


def test_the_vocabulary_is_the_government_product_list_for_residents():
    topics = vocabulary()
    assert len(topics) == 376
    assert topics["schuldhulpverlening"].name == "schuldhulpverlening"
    assert topics["schuldhulpverlening"].uri == UPL_URI + "schuldhulpverlening"


def test_imported_topics_are_kept_beside_the_document_and_browsed(mapped, client):
    food = set(
        ServiceTopic.objects.filter(code="voedselbank").values_list("service__name", flat=True)
    )
    assert food == {"Voedselpakket", "Intake voedselbank"}
    page = client.get(_url("where_to_go"))
    listed = {topic.code: count for topic, count in page.context["topics"]}
    assert listed["voedselbank"] == 2 and listed["schuldhulpverlening"] == 3
    chosen = client.get(_url("where_to_go"), {"onderwerp": "voedselbank"})
    assert {i.service.name for i in chosen.context["found"]} == food
    assert "Onderwerp: voedselbank" in chosen.content.decode()


def test_an_unknown_topic_is_a_dutch_message_not_an_error(mapped, client):
    page = client.get(_url("where_to_go"), {"onderwerp": "bestaat-niet"})
    assert page.status_code == 200
    assert "Dit onderwerp kennen we niet" in page.content.decode()


def test_a_service_is_found_by_the_words_of_its_topic(mapped, client):
    """Geldspreekuur says nothing of an inkomenstoeslag; its topic does."""
    service = Service.objects.get(name="Geldspreekuur")
    assert "inkomenstoeslag" not in json.dumps(
        {k: v for k, v in service.document.items() if k != "attributes"}
    )
    page = client.get(_url("where_to_go"), {"vraag": "inkomenstoeslag"})
    assert service.name in [i.service.name for i in page.context["found"]][:3]


def test_topics_travel_as_hsds_attributes_in_json_and_csv(mapped):
    service = Service.objects.get(name="Schuldhulpverlening")
    exported = hsds_io.service_full(service)
    terms = [a["taxonomy_term"] for a in exported["attributes"]]
    assert [t["term_uri"] for t in terms] == [
        UPL_URI + "schuldhulpverlening",
        UPL_URI + "wsnp-verklaring",
    ]
    # The CSV package (terms shared by several services) reads back without a problem.
    roots, problems = hsds_tabular.to_json(tabular_export(municipality="Haarlem"))
    assert problems == []
    assert not hsds_io.plan(json.dumps(roots).encode()).problems


# --- editing on a page ----------------------------------------------------------------------


def _form(client, service=None):
    """The edit page's form as the browser would send it back, unchanged."""
    page = client.get(_url("service_edit", service) if service else _url("service_new"))
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value.strftime("%H:%M") if hasattr(value, "strftime") else value
    return data


def test_a_professional_changes_an_entry_and_nothing_else_is_lost(mapped, client_for):
    service = Service.objects.get(name="Geldspreekuur")
    service.document = {
        **service.document,
        "funding": [{"id": "f1", "source": "Gemeente Haarlem"}],
        "phones": [*service.document["phones"], {"id": "p2", "number": "023 999 9999"}],
    }
    service.reviewed_on = timezone.localdate() - timedelta(days=400)
    service.save()
    professional = client_for("professional")
    data = _form(professional, service)
    assert data["phone"] == service.document["phones"][0]["number"]
    data.update(
        description="Hulp bij rekeningen en formulieren.",
        topic_1="schuldhulpverlening",
        topic_2="",
        opens_WE="13:00",
        closes_WE="16:00",
        languages="Nederlands, Arabisch",
    )
    response = professional.post(_url("service_edit", service), data)
    assert response.status_code == 302, response.context["form"].errors
    service.refresh_from_db()
    document = service.document
    assert document["description"] == "Hulp bij rekeningen en formulieren."
    assert document["funding"] == [{"id": "f1", "source": "Gemeente Haarlem"}]  # kept
    assert document["phones"][1]["number"] == "023 999 9999"  # the second phone kept
    assert [lang["name"] for lang in document["languages"]] == ["Nederlands", "Arabisch"]
    assert service.reviewed_on == timezone.localdate()
    assert document["assured_date"] == timezone.localdate().isoformat()
    assert service.version == 2
    assert list(service.topics.values_list("code", flat=True)) == ["schuldhulpverlening"]
    hours = weekly_hours(document["schedules"])
    assert hours["WE"] == (time(13), time(16))
    # Still valid HSDS: the export imports without a problem.
    assert not hsds_io.plan(json.dumps(hsds_io.service_full(service)).encode()).problems
    from buurtkracht.core.models import ActionLog

    assert ActionLog.objects.filter(action="socialmap.service_saved").exists()


def test_unchanged_hours_keep_schedules_the_page_cannot_show(mapped, client_for):
    service = Service.objects.get(name="Geldspreekuur")
    two_a_day = [
        {"id": "s1", "freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"},
        {"id": "s2", "freq": "WEEKLY", "byday": "MO", "opens_at": "13:00", "closes_at": "17:00"},
    ]
    service.document = {**service.document, "schedules": two_a_day}
    service.save()
    professional = client_for("professional")
    data = {**_form(professional, service), "name": "Geldspreekuur Noord"}
    assert professional.post(_url("service_edit", service), data).status_code == 302
    service.refresh_from_db()
    assert service.name == "Geldspreekuur Noord" and service.document["schedules"] == two_a_day


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "  "}, "name", "Dit veld is verplicht"),
        ({"opens_MO": "17:00", "closes_MO": "09:00"}, "closes_MO", "sluitingstijd"),
        ({"opens_TU": "10:00", "closes_TU": ""}, "closes_TU", "beide tijden"),
        ({"phone": "bel me"}, "phone", "telefoonnummer"),
        ({"organization": "", "new_organization": ""}, "organization", "organisatie"),
        ({"topic_1": "bestaat-niet"}, "topic_1", "geldige keuze"),
        ({"description": "x" * 5001}, "description", "5000"),
    ],
)
def test_bad_input_is_a_dutch_message_and_nothing_is_saved(
    mapped, client_for, change, field, message
):
    service = Service.objects.get(name="Geldspreekuur")
    before = (service.document, service.version)
    professional = client_for("professional")
    response = professional.post(
        _url("service_edit", service), {**_form(professional, service), **change}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message.lower() in errors.lower(), response.context["form"].errors
    service.refresh_from_db()
    assert (service.document, service.version) == before


def test_a_save_from_an_older_page_is_refused(mapped, client_for):
    service = Service.objects.get(name="Geldspreekuur")
    professional, admin = client_for("professional"), client_for("admin")
    old_page = _form(professional, service)
    first = admin.post(
        _url("service_edit", service), {**_form(admin, service), "fees_description": "€ 2"}
    )
    assert first.status_code == 302
    late = professional.post(
        _url("service_edit", service), {**old_page, "fees_description": "Gratis"}
    )
    assert late.status_code == 200
    assert "Iemand anders heeft deze dienst veranderd" in late.content.decode()
    service.refresh_from_db()
    assert service.document["fees_description"] == "€ 2" and service.version == 2


def test_a_new_service_of_a_new_organisation_is_on_the_neighbourhood_map(mapped, client_for):
    professional = client_for("professional")
    data = {
        **_form(professional),
        "name": "Klusbus",
        "new_organization": "Klusbus Lindenhof",
        "description": "Kleine klussen in huis, door vrijwilligers.",
        "topic_1": "woningaanpassing",
        "opens_SA": "10:00",
        "closes_SA": "14:00",
    }
    response = professional.post(_url("service_new"), data)
    assert response.status_code == 302, response.context["form"].errors
    service = Service.objects.get(name="Klusbus")
    assert service.scope == scope_of(municipality="Haarlem", neighbourhood=mapped.hood)
    assert service.keeper == membership_of(mapped.professional, mapped.hood)
    assert service.organization.name == "Klusbus Lindenhof"
    found = professional.get(_url("where_to_go"), {"vraag": "klusjes in huis"})
    assert "Klusbus" in [i.service.name for i in found.context["found"]]
    # The neighbourhood's own map exports it inside its organisation, as valid HSDS.
    exported = hsds_io.organization_full(service.organization)
    assert [s["name"] for s in exported["services"]] == ["Klusbus"]
    assert not hsds_io.plan(json.dumps([exported]).encode()).problems


def test_a_new_service_of_an_existing_organisation_is_offered_where_it_is(mapped, client_for):
    welfare = Organization.objects.get(name="Welzijn Lindenhof")
    professional = client_for("professional")
    data = {**_form(professional), "name": "Buurtlunch", "organization": str(welfare.pk)}
    assert professional.post(_url("service_new"), data).status_code == 302
    service = Service.objects.get(name="Buurtlunch")
    assert service.scope == welfare.scope
    assert [sal.location for sal in service.at_locations.all()] == list(welfare.locations.all())
    names = [s["name"] for s in hsds_io.organization_full(welfare)["services"]]
    assert "Buurtlunch" in names


def _save_as(user, hood, service):
    membership = membership_of(user, hood)
    return service_save(
        actor=user,
        membership=membership,
        neighbourhood=hood,
        service=service,
        values={"name": "x", "status": "active", "keeper": membership.pk},
        hours=None,
        topics=[],
    )


def test_the_service_refuses_a_resident_and_another_map(mapped):
    service = Service.objects.get(name="Geldspreekuur")
    with refused("not_allowed"):
        _save_as(mapped.resident, mapped.hood, service)
    service.scope = scope_of(municipality="Amsterdam")
    service.save()
    with refused("invalid"):
        _save_as(mapped.professional, mapped.hood, service)


# --- checking and reminding -----------------------------------------------------------------


def test_still_right_takes_an_entry_off_the_list_to_check(mapped, client_for):
    professional = client_for("professional")
    page = professional.get(_url("to_check"))
    stale = list(page.context["page"].object_list)
    assert stale, "the demo has entries nobody checked for a year"
    service = stale[0]
    professional.post(_url("service_checked", service), {"next": "to_check"})
    service.refresh_from_db()
    assert service.reviewed_on == timezone.localdate()
    assert service not in stale_services(neighbourhood=mapped.hood).object_list


def _keep_all(membership):
    Service.objects.update(keeper=membership)


def test_keepers_are_reminded_once_a_month_while_an_entry_stays_unchecked(mapped):
    keeper = membership_of(mapped.professional, mapped.hood)
    _keep_all(keeper)
    stale = stale_services(neighbourhood=mapped.hood).paginator.count
    assert stale > 0
    assert stale_reminders() == stale
    reminders = Notification.objects.filter(kind="social_map_stale", user=mapped.professional)
    assert reminders.count() == stale
    assert reminders.first().url.startswith("/lindenhof/sociale-kaart/")
    assert stale_reminders() == 0  # not again the next day
    Service.objects.update(reminded_at=timezone.now() - timedelta(days=31))
    assert stale_reminders() == stale  # a month later, still unchecked


def test_checked_entries_and_those_no_longer_offered_get_no_reminder(mapped, client_for):
    keeper = membership_of(mapped.professional, mapped.hood)
    _keep_all(keeper)
    stale = list(stale_services(neighbourhood=mapped.hood).object_list)
    client_for("professional").post(_url("service_checked", stale[0]))
    Service.objects.filter(pk=stale[1].pk).update(status="inactive")
    sent = stale_reminders()
    reminded = set(
        Notification.objects.filter(kind="social_map_stale").values_list("url", flat=True)
    )
    assert sent == len(stale) - 2
    assert _url("service", stale[0]) not in reminded and _url("service", stale[1]) not in reminded


def test_an_entry_nobody_keeps_is_on_the_list_but_not_reminded(mapped):
    Service.objects.update(keeper=None)
    assert stale_services(neighbourhood=mapped.hood).paginator.count > 0
    assert stale_reminders() == 0


# --- importing on a page --------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent / "data" / "hsds"


def _upload(client, files: dict[str, bytes], *, dry_run: bool):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"files": [SimpleUploadedFile(name, content) for name, content in files.items()]}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(_url("import"), data)


def _csv_package() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (EXAMPLES / "csv").glob("*.csv")}


def test_an_import_is_checked_first_then_goes_into_the_neighbourhoods_own_map(mapped, client_for):
    professional = client_for("professional")
    before = Service.objects.count()
    checked = _upload(professional, _csv_package(), dry_run=True)
    assert checked.status_code == 200 and checked.context["counts"]["service"] == 1
    assert "De bestanden kloppen" in checked.content.decode()
    assert Service.objects.count() == before  # a check writes nothing
    done = _upload(professional, _csv_package(), dry_run=False)
    assert done.status_code == 302
    added = Service.objects.exclude(scope=scope_of(municipality="Haarlem"))
    assert added.count() == 1
    assert added.get().scope == scope_of(municipality="Haarlem", neighbourhood=mapped.hood)
    json_file = {"service_full.json": (EXAMPLES / "service_full.json").read_bytes()}
    assert _upload(professional, json_file, dry_run=False).status_code == 302


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"kaart.txt": b"hallo"}, "Kies één HSDS JSON-bestand"),
        ({"a.json": b"[]", "b.json": b"[]"}, "Kies één HSDS JSON-bestand"),
        ({"kaart.json": b"{niet json"}, "JSON"),
    ],
)
def test_a_wrong_file_is_a_dutch_message_and_nothing_is_imported(
    mapped, client_for, files, message
):
    before = Service.objects.count()
    page = _upload(client_for("admin"), files, dry_run=False)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert Service.objects.count() == before


def test_a_broken_package_names_file_line_and_column_and_imports_nothing(mapped, client_for):
    files = _csv_package()
    files["locations.csv"] = files["locations.csv"].replace(b",100,101,", b",honderd,101,", 1)
    before = Service.objects.count()
    page = _upload(client_for("professional"), files, dry_run=False)
    assert "locations.csv, regel 2, kolom latitude" in page.content.decode()
    assert Service.objects.count() == before


def test_too_big_files_are_refused_before_reading(mapped, client_for, monkeypatch):
    from buurtkracht.socialmap import services

    monkeypatch.setattr(services, "UPLOAD_MAX_BYTES", 100)
    page = _upload(client_for("professional"), _csv_package(), dry_run=True)
    assert "te groot" in page.content.decode()


def test_an_entry_no_longer_offered_leaves_the_map_and_the_editor_lands_on_it(mapped, client_for):
    service = Service.objects.get(name="Geldspreekuur")
    professional = client_for("professional")
    data = {**_form(professional, service), "status": "inactive"}
    response = professional.post(_url("service_edit", service), data)
    assert response.status_code == 302 and response.url == _url("where_to_go")
    assert professional.get(_url("service", service)).status_code == 404
    assert professional.get(_url("service_edit", service)).status_code == 200  # back on


def test_the_entries_someone_keeps_are_in_their_personal_export(mapped):
    from buurtkracht.privacy.export import personal_data

    Service.objects.filter(name="Geldspreekuur").update(
        keeper=membership_of(mapped.professional, mapped.hood)
    )
    kept = personal_data(mapped.professional)["socialmap"]["kept_entries"]
    assert kept == [{"service": "Geldspreekuur", "neighbourhood": "Lindenhof"}]


def test_the_command_checks_without_importing(mapped, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    before = Service.objects.count()
    out = StringIO()
    call_command(
        "socialmap_import",
        str(EXAMPLES / "csv"),
        "--municipality",
        "Haarlem",
        "--dry-run",
        stdout=out,
    )
    assert json.loads(out.getvalue())["service"] == 1
    broken = tmp_path / "kaart.json"
    broken.write_text('[{"name": "zonder id"}]')
    with pytest.raises(CommandError):
        call_command("socialmap_import", str(broken), "--municipality", "Haarlem", "--dry-run")
    assert Service.objects.count() == before
