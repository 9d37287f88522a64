"""The privacy pages (issue 16): the readable export and its JSON download, the erasure's
confirmation page, the public privacy statement and the links to them."""

import json

import pytest
from django.urls import reverse

from buurtkracht.accounts.models import User
from buurtkracht.initiatives import services as initiative_services
from buurtkracht.initiatives.models import Involvement
from buurtkracht.initiatives.models import Role as InitiativeRole
from tests.factories import membership_of

from . import privacy_world
from .factories import PASSWORD
from .privacy_world import everything_of

pytestmark = pytest.mark.django_db
busy = privacy_world.busy  # the shared fixture


def test_the_json_download_is_an_attachment(busy, client_for):
    response = client_for("resident").get(reverse("privacy:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert set(data) >= {"accounts", "people", "timebank", "initiatives", "network", "core"}
    assert data["people"]["profile"]["name"] == "Sanne"


def test_the_readable_page_shows_the_same_content(busy, client_for):
    page = client_for("resident").get(reverse("privacy:my_data")).content.decode()
    for words in ("Mijn fietsband is lek", "Ladder", "Moestuin", "Petra", "Wieden"):
        assert words in page
    assert reverse("privacy:my_data_download") in page
    assert "Karims geheime notitie" not in page


def test_anonymous_people_are_sent_to_log_in(client, db):
    for name in ("privacy:my_data", "privacy:my_data_download", "privacy:erase"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_privacy_statement_is_public_and_in_the_footer(client, db):
    url = reverse("core:privacy")
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get(reverse("neighbourhoods:index")).content.decode()


def test_my_pages_link_to_the_export_and_the_erasure(world, client_for):
    for name in ("people:my_home", "people:my_profile"):
        page = client_for("resident").get(reverse(name)).content.decode()
        assert reverse("privacy:my_data") in page and reverse("privacy:erase") in page


def test_an_initiative_goes_to_the_member_she_chose(busy, client_for):
    karim, initiative = busy.connector, busy.initiative
    initiative_services.ask_to_join(
        actor=karim,
        initiative=initiative,
        membership=membership_of(karim, initiative.neighbourhood),
    )
    involvement = Involvement.objects.get(user=karim, initiative=initiative)
    initiative_services.decide(actor=busy.resident, involvement=involvement, accept=True)
    client = client_for("resident")
    url = reverse("privacy:erase")
    field = f"successor_{initiative.pk}"
    page = client.get(url).content.decode()
    assert f'name="{field}"' in page and "Karim" in page
    missing = client.post(url, {"current": PASSWORD, "understood": "on"})
    assert missing.status_code == 200 and User.objects.get(pk=busy.resident.pk).is_active
    done = client.post(url, {"current": PASSWORD, "understood": "on", field: str(karim.pk)})
    assert done.status_code == 302 and done["Location"] == reverse("neighbourhoods:index")
    owners = Involvement.objects.filter(initiative=initiative, role=InitiativeRole.OWNER)
    assert list(owners.values_list("user", flat=True)) == [karim.pk]
    # Logged out: her next page asks to log in.
    assert client.get(reverse("people:my_home"))["Location"].startswith(reverse("account_login"))


def test_the_page_refuses_a_wrong_secret_and_changes_nothing(busy, client_for):
    sanne = busy.resident
    client = client_for("resident")  # logging in sets last_login: before the snapshot
    before = everything_of(sanne)
    response = client.post(reverse("privacy:erase"), {"current": "fout", "understood": "on"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert everything_of(sanne) == before


def test_guessing_the_pin_on_the_erasure_page_stops_after_five_tries(busy, client_for):
    client = client_for("resident")
    url = reverse("privacy:erase")
    for _try in range(5):
        client.post(url, {"current": "fout", "understood": "on"})
    sixth = client.post(url, {"current": PASSWORD, "understood": "on"})
    assert sixth.status_code == 200
    assert User.objects.get(pk=busy.resident.pk).is_active
