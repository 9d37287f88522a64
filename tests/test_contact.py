"""After a yes, people can reach each other: a thread on the platform for everyone, and
the route each chose (phone, e-mail, or their buurtwerker for guided accounts), shown only
to people in contact (people.contact, issue 16)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buurtkracht.accounts import services as account_services
from buurtkracht.gifts.models import Gift
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.network import services as network_services
from buurtkracht.network.models import Introduction, IntroductionMessage
from buurtkracht.notifications.models import Notification
from buurtkracht.people import contact
from buurtkracht.people.models import AccessLog, ContactRoute, Profile
from buurtkracht.people.services import contact_connect, profile_update

pytestmark = pytest.mark.django_db


def _profile_post(**extra):
    data = {
        "display_name": "Sanne",
        "display_name_visibility": "neighbourhood",
        "postcode_visibility": "private",
        "languages_visibility": "neighbourhood",
        "accessibility_visibility": "private",
        "photo_visibility": "neighbourhood",
    }
    return {**data, **extra}


def test_a_resident_keeps_a_phone_number_and_chooses_the_phone(world, client_for):
    client = client_for("resident")
    response = client.post(
        reverse("people:my_profile"), _profile_post(phone="06 - 1234 5678", contact_route="phone")
    )
    assert response.status_code == 302
    profile = Profile.objects.get(user=world.resident)
    assert (profile.phone, profile.contact_route) == ("0612345678", ContactRoute.PHONE)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"phone": "bel me maar", "contact_route": "phone"}, "alleen cijfers"),
        ({"phone": "", "contact_route": "phone"}, "Vul je telefoonnummer in"),
    ],
)
def test_a_route_that_cannot_work_is_refused_and_nothing_is_saved(world, client_for, data, message):
    response = client_for("resident").post(
        reverse("people:my_profile"), _profile_post(display_name="Nieuw", **data)
    )
    assert response.status_code == 200 and message in response.content.decode()
    profile = Profile.objects.get(user=world.resident)
    assert (profile.display_name, profile.contact_route) == ("Sanne", ContactRoute.MESSAGES)


def test_e_mail_needs_an_address_and_the_buurtwerker_route_a_buurtwerker(world):
    world.resident.email = ""
    world.resident.save()
    profile = Profile.objects.get(user=world.resident)
    with pytest.raises(ValidationError) as refused:
        profile_update(actor=world.resident, profile=profile, contact_route=ContactRoute.EMAIL)
    assert refused.value.error_dict["contact_route"][0].code == "route_needs_email"
    with pytest.raises(ValidationError) as refused:
        profile_update(
            actor=world.resident, profile=profile, contact_route=ContactRoute.BUURTWERKER
        )
    assert refused.value.error_dict["contact_route"][0].code == "route_needs_buurtwerker"


def test_the_buurtwerker_route_is_offered_only_to_guided_accounts(world, client_for):
    page = client_for("resident").get(reverse("people:my_profile")).content.decode()
    assert 'value="phone"' in page and 'value="buurtwerker"' not in page


def _guided(world, **kw):
    membership = Membership.objects.get(user=world.professional, neighbourhood=world.hood)
    return account_services.guided_account_register(
        actor=world.professional, membership=membership, display_name="Henk", **kw
    )


def test_a_guided_account_without_a_phone_is_reached_through_its_buurtwerker(world):
    henk = _guided(world)
    assert Profile.objects.get(user=henk).contact_route == ContactRoute.BUURTWERKER
    with_phone = _guided(world, phone="0201234567")
    assert Profile.objects.get(user=with_phone).contact_route == ContactRoute.PHONE


def test_contact_details_only_after_a_yes(world):
    Profile.objects.filter(user=world.resident).update(
        phone="0612345678", contact_route=ContactRoute.PHONE
    )
    assert contact.card(viewer=world.connector, other=world.resident) is None
    contact_connect(a=world.resident, b=world.connector, source="introduction")
    card = contact.card(viewer=world.connector, other=world.resident)
    assert (card.route, card.phone, card.email) == (ContactRoute.PHONE, "0612345678", "")
    # Someone else still sees nothing, not even on the person page.
    assert contact.card(viewer=world.admin, other=world.resident) is None
    page = _person_page(world, "admin", world.resident)
    assert "0612345678" not in page


def _person_page(world, persona, person):
    from django.test import Client

    client = Client()
    client.force_login(world.persona(persona))
    url = reverse("people:person", kwargs={"slug": "lindenhof", "user_id": person.pk})
    return client.get(url).content.decode()


def _introduced(world):
    world.hood.modules = [*world.hood.modules, "network"]
    world.hood.save()
    a, b = sorted((world.resident, world.connector), key=lambda u: u.pk)
    made = Introduction.objects.create(
        neighbourhood=world.hood, proposed_by=world.admin, person_a=a, person_b=b
    )
    return made


def test_after_both_yeses_the_introduction_shows_the_route_and_a_thread(world, client_for):
    Profile.objects.filter(user=world.connector).update(
        phone="0687654321", contact_route=ContactRoute.PHONE
    )
    made = _introduced(world)
    url = reverse("network:introduction", kwargs={"slug": "lindenhof", "introduction_id": made.pk})
    message_url = reverse(
        "network:introduction_message", kwargs={"slug": "lindenhof", "introduction_id": made.pk}
    )
    sanne = client_for("resident")
    assert "0687654321" not in sanne.get(url).content.decode()
    refused = sanne.post(message_url, {"text": "Hallo"})
    assert refused.status_code == 400 and not IntroductionMessage.objects.exists()
    network_services.introduction_answer(actor=world.resident, introduction=made, yes=True)
    network_services.introduction_answer(actor=world.connector, introduction=made, yes=True)
    page = sanne.get(url).content.decode()
    assert 'href="tel:0687654321"' in page and f'action="{message_url}"' in page
    sent = sanne.post(message_url, {"text": "Zullen we koffie drinken?"})
    assert sent.status_code == 302
    assert IntroductionMessage.objects.get().text == "Zullen we koffie drinken?"
    told = Notification.objects.filter(user=world.connector, kind="message").get()
    assert told.title == "Sanne stuurde je een bericht" and told.body == ""
    assert "Zullen we koffie drinken?" in client_for("connector").get(url).content.decode()
    mine = client_for("connector").get(reverse("network:mine", kwargs={"slug": "lindenhof"}))
    assert url in mine.content.decode()


def test_an_empty_message_is_refused_with_a_dutch_message(world, client_for):
    made = _introduced(world)
    network_services.introduction_answer(actor=world.resident, introduction=made, yes=True)
    network_services.introduction_answer(actor=world.connector, introduction=made, yes=True)
    message_url = reverse(
        "network:introduction_message", kwargs={"slug": "lindenhof", "introduction_id": made.pk}
    )
    response = client_for("resident").post(message_url, {"text": "   "})
    assert response.status_code == 400 and "Dit veld is verplicht" in response.content.decode()
    assert not IntroductionMessage.objects.exists()


def test_a_message_to_a_guided_resident_reaches_their_buurtwerker(world):
    henk = _guided(world)
    made = Introduction.objects.create(
        neighbourhood=world.hood,
        proposed_by=world.connector,
        person_a=min(henk, world.resident, key=lambda u: u.pk),
        person_b=max(henk, world.resident, key=lambda u: u.pk),
    )
    network_services.introduction_answer(actor=henk, introduction=made, yes=True)
    network_services.introduction_answer(actor=world.resident, introduction=made, yes=True)
    card = contact.card(viewer=world.resident, other=henk)
    assert (card.route, card.via_name) == (ContactRoute.BUURTWERKER, "Petra")
    network_services.introduction_message(
        actor=world.resident, introduction=made, text="Dinsdag om 3 uur in het buurthuis?"
    )
    assert Notification.objects.filter(user=henk, kind="message").exists()
    passed = Notification.objects.get(user=world.professional, kind="message")
    assert "Henk" in passed.title and "Dinsdag om 3 uur" in passed.body


def test_the_person_page_shows_what_they_bring_first(world):
    Profile.objects.filter(user=world.resident).update(languages=["nl"])
    Gift.objects.create(owner=world.resident, kind="hands", text="Fietsen repareren")
    Gift.objects.create(
        owner=world.resident, kind="head", text="Belastingaangifte", visibility="private"
    )
    page = _person_page(world, "connector", world.resident)
    assert "Fietsen repareren" in page and "Belastingaangifte" not in page
    assert page.index("Fietsen repareren") < page.index("Talen")
    _person_page(world, "professional", world.resident)
    logged = set(AccessLog.objects.filter(subject=world.resident).values_list("what", flat=True))
    assert {"profile", "gifts"} <= logged
