"""Residents' stories (issue 20): told in one's own words or to a buurtwerker who writes
them down (the teller approves first), read as far as the teller chose with consent
recorded, and taken back by the teller."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from buurtkracht.dialogue import services
from buurtkracht.dialogue.models import Story
from buurtkracht.dialogue.selectors import story_for
from buurtkracht.notifications.models import Notification
from buurtkracht.people.models import AccessLog, Contact

from . import factories as f
from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


@pytest.fixture
def hood(world):
    world.hood.modules = [*world.hood.modules, "dialogue"]
    world.hood.save()
    return world


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 30), "green").save(out, format="JPEG")
    return out.getvalue()


def _tell(world, who="resident", *, photo=None, teller=None, **values):
    user = getattr(world, who)
    return services.story_tell(
        actor=user,
        membership=membership_of(user, world.hood),
        neighbourhood=world.hood,
        values={"title": "De soep", "text": "De buurvrouw bracht soep.", **values},
        photo=photo,
        teller=teller,
    )


def _url(name, **kw):
    return reverse(f"dialogue:{name}", kwargs={"slug": "lindenhof", **kw})


def test_a_story_is_only_the_tellers_until_they_share_it(hood):
    story = _tell(hood)
    assert story.visibility == "private" and story.approved_at is not None
    assert story_for(viewer=hood.resident, neighbourhood=hood.hood, story_id=story.pk)
    assert story_for(viewer=hood.connector, neighbourhood=hood.hood, story_id=story.pk) is None


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"visibility": "neighbourhood"}, "no_consent"),
        ({"visibility": "everyone"}, "invalid"),
        ({"title": ""}, "required"),
        ({"text": "  "}, "required"),
        ({"text": "x" * 10_000}, "too_long"),
        ({"tags": ["p99"]}, "invalid"),
    ],
)
def test_a_bad_story_is_refused_and_nothing_is_saved(hood, values, code):
    with refused(code):
        _tell(hood, **values)
    assert not Story.objects.exists()


def test_a_photo_that_is_not_one_is_refused_and_a_good_one_loses_its_exif(hood):
    with refused("bad_photo"):
        _tell(hood, photo=SimpleUploadedFile("x.jpg", b"not a photo", content_type="image/jpeg"))
    assert not Story.objects.exists()
    story = _tell(hood, photo=SimpleUploadedFile("x.jpg", _jpeg(), content_type="image/jpeg"))
    assert story.photo.name.startswith("stories/") and story.photo.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("visibility", "sees"),
    [
        ("contacts", {"resident", "connector"}),
        ("neighbourhood", {"resident", "connector", "professional", "facilitator", "admin"}),
        ("public", {"resident", "connector", "professional", "outsider", "anonymous"}),
    ],
)
def test_each_reader_sees_as_far_as_the_teller_chose(hood, visibility, sees):
    from django.contrib.auth.models import AnonymousUser

    Contact.objects.create(user_a=hood.resident, user_b=hood.connector)
    story = _tell(hood, visibility=visibility, consent=True)
    assert story.consent_method == "online" and story.consent_at is not None
    for who in ("resident", "connector", "professional", "outsider", "anonymous"):
        viewer = AnonymousUser() if who == "anonymous" else getattr(hood, who)
        found = story_for(viewer=viewer, neighbourhood=hood.hood, story_id=story.pk)
        assert (found is not None) == (who in sees), who


def test_the_database_refuses_a_shared_story_without_consent(hood):
    with pytest.raises(IntegrityError):
        Story.objects.create(
            neighbourhood=hood.hood, teller=hood.resident, title="x", text="y", visibility="public"
        )


def test_a_buurtwerker_writes_it_down_and_the_teller_decides(hood, client_for, client):
    story = _tell(hood, "professional", teller=hood.resident, visibility="public")
    assert story.approved_at is None and story.visibility == "private"
    assert story.proposed_visibility == "public" and story.written_by == hood.professional
    assert story_for(viewer=hood.connector, neighbourhood=hood.hood, story_id=story.pk) is None
    told = Notification.objects.get(user=hood.resident, kind="story")
    assert told.url == _url("my_stories")
    with refused("not_teller"):
        services.story_answer(
            actor=hood.professional, story=story, approve=True, visibility="public", consent=True
        )
    resident = client_for("resident")
    assert "De buurvrouw bracht soep." in resident.get(_url("my_stories")).content.decode()
    resident.post(
        _url("story_approve", story_id=story.pk),
        {
            "prefix": f"s{story.pk}",
            f"s{story.pk}-visibility": "public",
            f"s{story.pk}-consent": "on",
        },
    )
    story.refresh_from_db()
    assert story.approved_at is not None and story.visibility == "public"
    assert (
        "De buurvrouw bracht soep." in client.get(_url("story", story_id=story.pk)).content.decode()
    )


def test_the_teller_may_say_no_and_only_a_professional_writes_for_someone(hood):
    story = _tell(hood, "professional", teller=hood.resident)
    services.story_answer(
        actor=hood.resident, story=story, approve=False, visibility="private", consent=False
    )
    assert not Story.objects.exists()
    with refused("not_allowed"):
        _tell(hood, "connector", teller=hood.resident)
    with refused("invalid"):
        _tell(hood, "professional", teller=hood.outsider)


def test_the_teller_takes_a_story_back_with_its_photo(hood, client_for):
    story = _tell(
        hood,
        visibility="neighbourhood",
        consent=True,
        photo=SimpleUploadedFile("x.jpg", _jpeg(), content_type="image/jpeg"),
    )
    storage, name = story.photo.storage, story.photo.name
    with refused("not_teller"):
        services.story_withdraw(actor=hood.connector, story=story)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        client_for("resident").post(_url("story_withdraw", story_id=story.pk))
    assert not Story.objects.exists() and not storage.exists(name)


def test_narrowing_needs_no_consent_widening_does(hood):
    story = _tell(hood, visibility="public", consent=True)
    services.story_share(actor=hood.resident, story=story, visibility="private", consent=False)
    story.refresh_from_db()
    assert story.visibility == "private" and story.consent_at is None
    with refused("no_consent"):
        services.story_share(
            actor=hood.resident, story=story, visibility="neighbourhood", consent=False
        )


def test_a_professional_reading_stories_with_names_is_logged_and_html_is_text(hood, client_for):
    _tell(hood, visibility="neighbourhood", consent=True, text="<b>vet</b> verhaal")
    page = client_for("professional").get(_url("stories")).content.decode()
    assert "&lt;b&gt;vet&lt;/b&gt;" in page and "<b>vet</b>" not in page
    assert AccessLog.objects.filter(
        subject=hood.resident, viewer=hood.professional, what="story"
    ).exists()


def test_a_story_links_only_to_this_neighbourhood(hood):
    from buurtkracht.places.models import Place

    elsewhere = Place.objects.create(neighbourhood=hood.other, name="Ergens", kind="other")
    with refused("invalid"):
        _tell(hood, place=elsewhere)


def test_stories_are_exported_and_erased_with_the_account(hood):
    from buurtkracht.privacy.erasure import account_erase
    from buurtkracht.privacy.export import personal_data

    _tell(hood, visibility="neighbourhood", consent=True)
    written = _tell(hood, "professional", teller=hood.connector)
    exported = personal_data(hood.resident)["dialogue"]["stories"]
    assert [s["title"] for s in exported] == ["De soep"]
    account_erase(user=hood.resident, current=f.PASSWORD)
    assert list(Story.objects.all()) == [written]


def test_an_initiatives_page_shows_the_stories_about_it_to_who_may_read_them(
    hood, client_for, client
):
    from buurtkracht.initiatives import services as initiatives

    hood.hood.modules = [*hood.hood.modules, "initiatives"]
    hood.hood.save()
    initiative = initiatives.initiative_create(
        actor=hood.resident,
        membership=membership_of(hood.resident, hood.hood),
        neighbourhood=hood.hood,
        name="Zondagdiner",
        what_and_why="Samen eten",
    )
    _tell(hood, initiative=initiative, visibility="neighbourhood", consent=True, title="Aan tafel")
    url = reverse(
        "initiatives:detail", kwargs={"slug": "lindenhof", "initiative_id": initiative.pk}
    )
    assert "Aan tafel" in client_for("connector").get(url).content.decode()
    assert "Aan tafel" not in client.get(url).content.decode()  # not shared with everyone
