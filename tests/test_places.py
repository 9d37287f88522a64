"""Places on the asset map, and search across places, gifts and resources."""

import pytest
from django.urls import reverse

from buurtkracht.gifts import services
from buurtkracht.gifts.models import TaxonomyItem
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.places.models import Place

from . import factories as f

pytestmark = pytest.mark.django_db

PLACE = {
    "name": "Buurthuis De Linde",
    "kind": "buurthuis",
    "address": "Lindenplein 1",
    "postcode": "2031 ab",
    "offers": "Koffieochtend, repair café op zaterdag",
    "opening_hours": "ma-vr 9-17",
    "phone": "",
    "email": "",
    "website": "",
    "latitude": "52.38123",
    "longitude": "4.63690",
}


def _gift(user, step, *, keys=(), texts=(), visibility="neighbourhood"):
    services.step_save(
        actor=user,
        subject=user,
        step=STEP_BY_KEY[step],
        item_ids=[TaxonomyItem.objects.get(key=k).pk for k in keys],
        texts=list(texts),
        visibility=visibility,
    )


def test_a_connector_adds_a_place_and_everyone_sees_it(world, client_for, client):
    response = client_for("connector").post(
        reverse("places:create", kwargs={"slug": "lindenhof"}), PLACE
    )
    assert response.status_code == 302
    place = Place.objects.get(name="Buurthuis De Linde")
    assert place.postcode == "2031AB" and place.neighbourhood == world.hood
    page = client.get(reverse("places:map", kwargs={"slug": "lindenhof"})).content.decode()
    assert "Buurthuis De Linde" in page and "map-points" in page


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"postcode": "12345"}, "postcode"),
        ({"longitude": ""}, "longitude"),
        ({"latitude": "123"}, "latitude"),
        ({"kind": "kasteel"}, "kind"),
        ({"offers": "x" * 2001}, "offers"),
    ],
)
def test_bad_place_input_gets_a_message_and_saves_nothing(world, client_for, change, field):
    response = client_for("admin").post(
        reverse("places:create", kwargs={"slug": "lindenhof"}), {**PLACE, **change}
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Place.objects.exists()


def test_two_places_with_one_name_are_refused(world, client_for):
    client = client_for("admin")
    client.post(reverse("places:create", kwargs={"slug": "lindenhof"}), PLACE)
    response = client.post(reverse("places:create", kwargs={"slug": "lindenhof"}), PLACE)
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert Place.objects.count() == 1


def test_a_resident_cannot_add_places(world, client_for):
    assert (
        client_for("resident")
        .post(reverse("places:create", kwargs={"slug": "lindenhof"}), PLACE)
        .status_code
        == 403
    )


def test_a_place_of_another_neighbourhood_is_404(world, client_for):
    other = Place.objects.create(neighbourhood=world.other, name="Elders", kind="school")
    url = reverse("places:detail", kwargs={"slug": "lindenhof", "place_id": other.pk})
    assert client_for("admin").get(url).status_code == 404


def test_the_map_page_lists_places_without_javascript_or_coordinates(world, client):
    Place.objects.create(neighbourhood=world.hood, name="Moskee Al Fath", kind="moskee")
    html = client.get(reverse("places:map", kwargs={"slug": "lindenhof"})).content.decode()
    assert "Moskee Al Fath" in html
    assert 'id="map"' not in html  # no coordinates: no map, the list is the page


def test_fietsen_finds_fietsenmaker(world, client_for):
    _gift(world.connector, "handen", texts=["Fietsenmaker, ook voor bakfietsen"])
    _gift(world.admin, "hart", texts=["Muziek maken"])
    page = client_for("resident").get(
        reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "fietsen"}
    )
    labels = [row.obj.label for row in page.context["assets"]]
    assert labels == ["Fietsenmaker, ook voor bakfietsen"]


def test_kraan_lekt_finds_plumbing_skills(world, client_for):
    _gift(world.connector, "handen", keys=["loodgieterswerk"])
    _gift(world.admin, "handen", keys=["tuinieren"])
    page = client_for("resident").get(
        reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "kraan lekt"}
    )
    assert [row.obj.item.key for row in page.context["assets"]] == ["loodgieterswerk"]


def test_search_finds_places_by_what_they_offer(world, client):
    Place.objects.create(
        neighbourhood=world.hood,
        name="De Linde",
        kind="buurthuis",
        offers="Repair café: fietsen en lampen maken",
    )
    Place.objects.create(
        neighbourhood=world.hood, name="Bieb", kind="bibliotheek", offers="Boeken lenen"
    )
    page = client.get(reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "fiets"})
    assert [p.name for p in page.context["places"]] == ["De Linde"]


def test_search_respects_visibility_and_names(world, client_for, client):
    _gift(world.connector, "handen", keys=["loodgieterswerk"], visibility="neighbourhood")
    _gift(world.admin, "handen", keys=["loodgieterswerk"], visibility="private")
    f.make_member(world.hood, name="Openbaar", visibility="public")
    member_view = client_for("resident").get(
        reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "loodgieter"}
    )
    assert len(member_view.context["assets"]) == 1
    assert member_view.context["assets"][0].owner_name == "Karim"
    assert member_view.context["hidden"] == 1
    anonymous = client.get(
        reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "loodgieter"}
    )
    assert anonymous.context["assets"] == []  # neighbourhood-only gifts stay inside


def test_a_public_gift_shows_a_neighbour_without_name_when_the_name_is_hidden(world, client):
    _gift(world.connector, "handen", texts=["Stoelen matten"], visibility="public")
    page = client.get(reverse("places:map", kwargs={"slug": "lindenhof"}))
    [row] = page.context["assets"]
    assert row.owner_name is None  # Karim's name is for neighbours only
    assert "Karim" not in page.content.decode()


def test_the_map_is_404_when_the_module_is_off(world, client_for):
    world.hood.modules = ["requests"]
    world.hood.save()
    assert (
        client_for("resident").get(reverse("places:map", kwargs={"slug": "lindenhof"})).status_code
        == 404
    )


def test_the_result_count_adds_places_and_gifts(world, client_for):
    Place.objects.create(neighbourhood=world.hood, name="Fietsenwerkplaats", kind="anders")
    _gift(world.connector, "handen", texts=["Fietsenmaker"])
    page = client_for("resident").get(
        reverse("places:map", kwargs={"slug": "lindenhof"}), {"zoek": "fiets"}
    )
    assert page.context["result_count"] == 2
    assert "2 " in page.content.decode().split('role="status"')[1][:80]


def test_coordinates_may_have_a_decimal_comma(world, client_for):
    data = {**PLACE, "latitude": "52,38123", "longitude": "4,6369"}
    client_for("admin").post(reverse("places:create", kwargs={"slug": "lindenhof"}), data)
    place = Place.objects.get(name="Buurthuis De Linde")
    assert str(place.latitude) == "52.38123" and str(place.longitude) == "4.63690"


# --- Postcode areas (buurtkracht postcodes-import) ---------------------------------------


def _postcodes_file(tmp_path, text):
    path = tmp_path / "pc6.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_postcodes_import_stores_all_rows_and_a_dry_run_stores_none(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    from buurtkracht.places.models import PostcodeArea

    path = _postcodes_file(
        tmp_path, "postcode;latitude;longitude\n2031 aa;52,38000;4,64000\n2031AB;52.383;4.64\n"
    )
    out = StringIO()
    call_command("postcodes_import", str(path), "--dry-run", stdout=out)
    assert "2" in out.getvalue() and not PostcodeArea.objects.exists()
    call_command("postcodes_import", str(path), stdout=out)
    assert sorted(PostcodeArea.objects.values_list("postcode", flat=True)) == ["2031AA", "2031AB"]
    # Again with one moved: one changed, nothing added.
    path.write_text("postcode,latitude,longitude\n2031AB,52.39,4.64\n", encoding="utf-8")
    out = StringIO()
    call_command("postcodes_import", str(path), stdout=out)
    assert "0 toegevoegd, 1 gewijzigd" in out.getvalue()
    assert str(PostcodeArea.objects.get(postcode="2031AB").latitude) == "52.39000"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "leeg"),
        ("postcode,lat\n2031AA,52.3\n", "ontbreken"),
        ("postcode,latitude,longitude\n2031AA,52.38,4.64\nhallo,52.38,4.64\n", "regel 3"),
        ("postcode,latitude,longitude\n2031AA,noord,4.64\n", "regel 2"),
        ("postcode,latitude,longitude\n2031AA,40.0,4.64\n", "regel 2"),
        ("postcode,latitude,longitude\n2031AA,52.38,4.64\n2031 AA,52.38,4.64\n", "twee keer"),
        ("postcode,latitude,longitude\n2031AA,52.38\n", "regel 2"),
    ],
)
def test_bad_postcode_files_name_the_line_and_store_nothing(tmp_path, text, message):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from buurtkracht.places.models import PostcodeArea

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("postcodes_import", str(_postcodes_file(tmp_path, text)), stderr=err)
    assert message in err.getvalue()
    assert not PostcodeArea.objects.exists()


def test_a_postcode_file_full_of_wrong_lines_names_only_the_first_fifty(tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from buurtkracht.places.models import PostcodeArea
    from buurtkracht.places.services import POSTCODE_MAX_ERRORS

    text = "postcode,latitude,longitude\n" + "hallo,52.38,4.64\n" * 1000
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("postcodes_import", str(_postcodes_file(tmp_path, text)), stderr=err)
    named = [line for line in err.getvalue().splitlines() if line.startswith("regel ")]
    assert len(named) == POSTCODE_MAX_ERRORS and named[0].startswith("regel 2:")
    assert not PostcodeArea.objects.exists()
