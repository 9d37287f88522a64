import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from buurtkracht.core.choices import Visibility
from buurtkracht.people.models import AccessLog, Consent, Profile
from buurtkracht.people.selectors import has_consent
from buurtkracht.people.services import consent_grant, consent_withdraw, contact_connect

from . import factories as f

pytestmark = pytest.mark.django_db


def _profile_data(**over):
    data = {
        "display_name": "Sanne",
        "display_name_visibility": "neighbourhood",
        "postcode": "2031 AB",
        "postcode_visibility": "private",
        "languages": ["nl", "ar"],
        "languages_visibility": "neighbourhood",
        "accessibility_needs": ["easy_language"],
        "accessibility_note": "",
        "accessibility_visibility": "private",
        "photo_visibility": "neighbourhood",
    }
    data.update(over)
    return data


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (1200, 900), "teal")
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmerk"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 23.0, 0.0), "E", (4.0, 38.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(out.getvalue())) as check:  # the fixture really has a location
        assert check.getexif().get_ifd(0x8825)
    return out.getvalue()


def test_it_saves_the_profile_with_a_visibility_per_field(world, client_for):
    client = client_for("resident")
    response = client.post(reverse("people:my_profile"), _profile_data())
    assert response.status_code == 302
    profile = Profile.objects.get(user=world.resident)
    assert profile.postcode == "2031AB"
    assert profile.languages == ["nl", "ar"]
    assert profile.postcode_visibility == Visibility.PRIVATE


def test_a_bad_postcode_gets_a_message_and_saves_nothing(world, client_for):
    response = client_for("resident").post(
        reverse("people:my_profile"), _profile_data(postcode="12AB34", display_name="Anders")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["postcode"]
    assert Profile.objects.get(user=world.resident).display_name == "Sanne"


def test_an_empty_name_is_refused(world, client_for):
    response = client_for("resident").post(
        reverse("people:my_profile"), _profile_data(display_name="  ")
    )
    assert response.context["form"].errors["display_name"]


def test_photo_is_resized_and_loses_its_location(world, client_for, settings):
    client = client_for("resident")
    upload = SimpleUploadedFile("foto.jpg", _jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("people:my_profile"), {**_profile_data(), "photo": upload})
    assert response.status_code == 302
    profile = Profile.objects.get(user=world.resident)
    with Image.open(profile.photo.path) as stored:
        assert max(stored.size) <= 800
        assert not stored.getexif()  # no GPS, no camera data
    # A neighbour sees it, an outsider does not.
    url = reverse("people:person_photo", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    assert client_for("connector").get(url).status_code == 200
    contact_connect(a=world.resident, b=world.outsider, source="test")
    assert client_for("outsider").get(url).status_code == 403


@pytest.mark.parametrize(
    "content, name",
    [(b"this is not an image", "foto.jpg"), (b"GIF89a" + b"\0" * 100, "foto.gif")],
)
def test_non_images_are_refused(world, client_for, content, name):
    upload = SimpleUploadedFile(name, content)
    response = client_for("resident").post(
        reverse("people:my_profile"), {**_profile_data(), "photo": upload}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photo"]
    assert not Profile.objects.get(user=world.resident).photo


def test_oversized_photo_is_refused(world, client_for, settings):
    settings.BUURTKRACHT_PHOTO_MAX_BYTES = 1000
    upload = SimpleUploadedFile("foto.jpg", _jpeg_with_gps())
    response = client_for("resident").post(
        reverse("people:my_profile"), {**_profile_data(), "photo": upload}
    )
    assert response.context["form"].errors["photo"]


def test_consent_can_be_given_and_withdrawn_and_history_stays(world, client_for):
    client = client_for("resident")
    url = reverse("people:my_consent_change")
    client.post(url, {"neighbourhood": world.hood.pk, "scope": "network_names", "give": "1"})
    assert has_consent(user_id=world.resident.pk, neighbourhood=world.hood, scope="network_names")
    client.post(url, {"neighbourhood": world.hood.pk, "scope": "network_names"})
    assert not has_consent(
        user_id=world.resident.pk, neighbourhood=world.hood, scope="network_names"
    )
    [old] = Consent.objects.filter(user=world.resident)
    assert old.withdrawn_at is not None and old.granted_at <= old.withdrawn_at
    page = client.get(reverse("people:my_consents"))
    assert page.context["history"] == [old]


def test_consent_for_a_neighbourhood_you_are_not_in_is_refused(world, client_for):
    client_for("resident").post(
        reverse("people:my_consent_change"),
        {"neighbourhood": world.other.pk, "scope": "network_names", "give": "1"},
    )
    assert not Consent.objects.exists()


def test_only_one_active_consent_per_scope_even_in_the_database(world):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    first = consent_grant(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    assert consent_grant(user=world.resident, neighbourhood=world.hood, scope="safety_net") == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            user=world.resident,
            neighbourhood=world.hood,
            scope="safety_net",
            granted_at=timezone.now(),
        )
    consent_withdraw(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    second = consent_grant(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    assert second.pk != first.pk


def test_a_person_sees_who_looked_at_their_data(world, client_for):
    client_for("professional").get(
        reverse("people:person", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    )
    client_for("connector").get(
        reverse("people:person", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    )
    page = client_for("resident").get(reverse("people:my_access_log"))
    entries = list(page.context["entries"])
    assert [(e.viewer, e.what) for e in entries] == [(world.professional, "profile")]
    assert "Petra" in page.content.decode() and "Welzijn Lindenhof" in page.content.decode()


def test_fields_follow_their_own_visibility(world, client_for):
    Profile.objects.filter(user=world.resident).update(
        postcode="2031AB",
        postcode_visibility=Visibility.PRIVATE,
        languages=["nl", "tr"],
        languages_visibility=Visibility.CONTACTS,
    )
    url = reverse("people:person", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    view = client_for("connector").get(url).context["person"]
    assert view.name == "Sanne" and view.postcode is None and view.languages is None
    contact_connect(a=world.resident, b=world.connector, source="test")
    view = client_for("connector").get(url).context["person"]
    assert view.languages and view.postcode is None
    own = client_for("resident").get(url).context["person"]
    assert own.postcode == "2031AB"


def test_a_hidden_name_looks_like_no_one(world, client_for):
    Profile.objects.filter(user=world.resident).update(display_name_visibility=Visibility.PRIVATE)
    url = reverse("people:person", kwargs={"slug": "lindenhof", "user_id": world.resident.pk})
    assert client_for("connector").get(url).status_code == 404
    assert (
        client_for("connector")
        .get(reverse("people:person", kwargs={"slug": "lindenhof", "user_id": 999999}))
        .status_code
        == 404
    )


def test_directory_counts_hidden_people_and_logs_professional_reads(world, client_for):
    f.make_member(world.hood, name="Verborgen", visibility=Visibility.PRIVATE)
    page = client_for("professional").get(reverse("people:directory", kwargs={"slug": "lindenhof"}))
    html = page.content.decode()
    assert "Sanne" in html and "Verborgen" not in html
    assert page.context["result"].hidden_count == 1
    assert AccessLog.objects.filter(
        viewer=world.professional, what="directory", subject=world.resident
    ).exists()
    # A person of another neighbourhood never shows up here.
    assert "Olaf" not in html


def test_directory_search(world, client_for):
    page = client_for("resident").get(
        reverse("people:directory", kwargs={"slug": "lindenhof"}), {"zoek": "kar"}
    )
    assert [p.display_name for p in page.context["result"].people] == ["Karim"]
