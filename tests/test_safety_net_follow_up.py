"""The safety net follows through (rule 8, issue 16): a new case is announced to the
professionals on duty, the resident hears in plain words who will contact them and how,
the case page shows the route they chose, they write to each other, and each request has
its own yes or no under the general permission."""

import pytest
from django.urls import reverse

from buurtkracht.exchange.services import post_create
from buurtkracht.notifications.models import Notification
from buurtkracht.people.models import AccessLog, ContactRoute, Profile
from buurtkracht.people.services import consent_grant
from buurtkracht.support import services
from buurtkracht.support.models import SafetyNetCase, SafetyNetMessage

from . import factories as f
from .factories import membership_of

pytestmark = pytest.mark.django_db


def _case(world, **post):
    consent_grant(user=world.resident, neighbourhood=world.hood, scope="safety_net")
    post_create(
        actor=world.resident,
        neighbourhood=world.hood,
        kind="request",
        text=post.pop("text", "Ik kan mijn huur niet betalen"),
        needs_more=True,
        membership=membership_of(world.resident, world.hood),
        **post,
    )
    services.safety_net_sweep()
    return SafetyNetCase.objects.filter(post__author=world.resident).first()


def _told(user):
    return list(Notification.objects.filter(user=user, kind="safety_net"))


def test_a_new_case_is_announced_to_the_professionals_on_duty(world):
    from buurtkracht.core.choices import Role

    away = f.make_member(world.hood, role=Role.PROFESSIONAL, name="Ria")
    services.duty_set(actor=away, neighbourhood=world.hood, on=False)
    case = _case(world)
    assert case is not None
    assert [n.title for n in _told(world.professional)] == ["Een nieuwe vraag in het vangnet"]
    assert "Ik kan mijn huur niet betalen" in _told(world.professional)[0].body
    assert _told(away) == [] and _told(world.admin) == []  # admins only when nobody is on duty


def test_with_nobody_on_duty_the_administrators_hear_it(world):
    services.duty_set(actor=world.professional, neighbourhood=world.hood, on=False)
    _case(world)
    assert _told(world.professional) == [] and len(_told(world.admin)) == 1


def test_the_resident_hears_who_contacts_them_and_how(world):
    Profile.objects.filter(user=world.resident).update(
        phone="0612345678", contact_route=ContactRoute.PHONE
    )
    case = _case(world)
    (told,) = _told(world.resident)
    assert told.title == "Een professional neemt contact met je op over je vraag"
    assert "telefonisch" in told.body
    assert told.url == reverse("support:my_case", kwargs={"slug": "lindenhof", "case_id": case.pk})


def test_the_per_request_choice_keeps_a_request_out_of_the_safety_net(world, client_for):
    form = client_for("resident").get(reverse("exchange:post_new", kwargs={"slug": "lindenhof"}))
    assert 'name="safety_net_ok"' in form.content.decode()
    offer = client_for("resident").get(
        reverse("exchange:post_new", kwargs={"slug": "lindenhof"}) + "?soort=aanbod"
    )
    assert 'name="safety_net_ok"' not in offer.content.decode()
    assert _case(world, safety_net_ok=False) is None
    assert not SafetyNetCase.objects.exists()


def test_the_case_page_shows_the_route_the_resident_chose(world, client_for):
    Profile.objects.filter(user=world.resident).update(
        phone="0612345678", contact_route=ContactRoute.PHONE
    )
    case = _case(world)
    page = client_for("professional").get(
        reverse("support:case", kwargs={"slug": "lindenhof", "case_id": case.pk})
    )
    assert 'href="tel:0612345678"' in page.content.decode()
    assert AccessLog.objects.filter(subject=world.resident, what="safety_net").exists()


def test_they_write_to_each_other_in_the_case(world, client_for):
    case = _case(world)
    message_url = reverse("support:case_message", kwargs={"slug": "lindenhof", "case_id": case.pk})
    mine = reverse("support:my_case", kwargs={"slug": "lindenhof", "case_id": case.pk})
    petra = client_for("professional")
    assert petra.post(message_url, {"text": "Ik bel je morgen om 10 uur."}).status_code == 302
    told = Notification.objects.filter(user=world.resident, kind="message").get()
    assert told.title == "Petra stuurde je een bericht"
    sanne = client_for("resident")
    assert "Ik bel je morgen om 10 uur." in sanne.get(mine).content.decode()
    assert sanne.post(message_url, {"text": "Dat is goed, dank u."}).status_code == 302
    assert SafetyNetMessage.objects.count() == 2
    assert any("Dat is goed" in n.body for n in _told(world.professional))
    # Nobody else reads or writes in it.
    assert client_for("connector").get(mine).status_code == 404
    assert client_for("connector").post(message_url, {"text": "Hoi"}).status_code == 403
    assert SafetyNetMessage.objects.count() == 2


def test_only_the_asker_and_those_who_handle_the_case_write_in_it(world):
    from django.core.exceptions import ValidationError

    case = _case(world)
    for person in (world.resident, world.professional, world.admin):
        services.case_message(
            actor=person, membership=f.membership_of(person, world.hood), case=case, text="Hallo"
        )
    for person in (world.connector, world.outsider):
        with pytest.raises(ValidationError) as refused:
            services.case_message(
                actor=person, membership=f.membership_of(person, world.hood), case=case, text="Hoi"
            )
        assert refused.value.code == "not_yours"
    with pytest.raises(ValidationError) as empty:
        services.case_message(
            actor=world.resident,
            membership=f.membership_of(world.resident, world.hood),
            case=case,
            text="  ",
        )
    assert empty.value.error_dict["text"][0].code == "empty"
    assert SafetyNetMessage.objects.count() == 3


def test_an_empty_message_saves_nothing(world, client_for):
    case = _case(world)
    message_url = reverse("support:case_message", kwargs={"slug": "lindenhof", "case_id": case.pk})
    client_for("resident").post(message_url, {"text": "  "})
    assert not SafetyNetMessage.objects.exists()


def test_a_professional_switches_duty_on_the_queue_page(world, client_for):
    petra = client_for("professional")
    queue = reverse("support:queue", kwargs={"slug": "lindenhof"})
    assert "Ik heb nu geen dienst" in petra.get(queue).content.decode()
    petra.post(reverse("support:duty", kwargs={"slug": "lindenhof"}), {"on": "0"})
    assert "Ik heb weer dienst" in petra.get(queue).content.decode()
    assert services.on_duty(world.hood) == [world.admin]
