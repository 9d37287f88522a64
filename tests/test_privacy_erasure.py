"""Erasing one's own account (issue 16, rule 14): all or nothing, personal data gone, the
time bank's ledger and every balance intact, initiatives never without an owner."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client

from buurtkracht.accounts.models import User
from buurtkracht.core.choices import Role
from buurtkracht.core.models import ActionLog
from buurtkracht.exchange.models import Message, Post
from buurtkracht.gifts.models import Gift, Resource, Wish
from buurtkracht.initiatives import services as initiative_services
from buurtkracht.initiatives.models import Involvement, SignUp, SignUpStatus
from buurtkracht.initiatives.models import Role as InitiativeRole
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.people.models import AccessLog, Consent, Contact, Profile
from buurtkracht.privacy.erasure import CLOSE, ERASURE, account_erase, pseudonym
from buurtkracht.timebank import ledger
from buurtkracht.timebank import selectors as timebank_selectors
from buurtkracht.timebank.models import Account
from tests.factories import membership_of

from . import privacy_world
from .factories import PASSWORD, make_member
from .privacy_world import everything_of, ledger_of, user_fields

pytestmark = pytest.mark.django_db
busy = privacy_world.busy  # the shared fixture


def test_every_field_pointing_to_a_person_has_an_erasure_rule():
    assert user_fields() ^ set(ERASURE) == set()


def test_erasure_empties_the_profile_and_ends_the_login(busy, django_capture_on_commit_callbacks):
    sanne = busy.resident
    profile = Profile.objects.get(user=sanne)
    profile.photo.save("sanne.jpg", ContentFile(b"not really a jpeg"))
    photo = profile.photo.name
    storage = profile.photo.storage
    assert storage.exists(photo)
    login_name = sanne.username
    with django_capture_on_commit_callbacks(execute=True):  # the photo goes after commit
        account_erase(user=sanne, current=PASSWORD)

    sanne = User.objects.get(pk=sanne.pk)
    profile = Profile.objects.get(user=sanne)
    assert profile.display_name == pseudonym(sanne) == f"Oud-lid {sanne.pk}"
    assert (profile.postcode, profile.languages, profile.accessibility_note) == ("", [], "")
    assert not profile.photo and not storage.exists(photo)
    assert sanne.erased_at and not sanne.is_active and not sanne.has_usable_password()
    assert sanne.email == "" and sanne.username == f"oud-lid.{sanne.pk}"
    assert not Client().login(username=login_name, password=PASSWORD)
    assert not Membership.objects.filter(user=sanne).exists()
    assert not Contact.objects.filter(user_a=sanne).exists()
    assert not Contact.objects.filter(user_b=sanne).exists()
    assert not Consent.objects.filter(user=sanne, withdrawn_at__isnull=True).exists()
    assert not AccessLog.objects.filter(subject=sanne).exists()
    assert not Gift.objects.filter(owner=sanne).exists()
    assert not Wish.objects.filter(owner=sanne).exists()
    assert not Resource.objects.filter(owner=sanne).exists()
    # The open offer nobody took is gone; the request that was helped stays, without text.
    assert list(Post.objects.filter(author=sanne).values_list("text", flat=True)) == [""]
    assert Message.objects.get(author=sanne).text == ""
    assert Message.objects.get(author=busy.connector).text == "Ik kom om drie uur"
    # Her seat went to the first on the waiting list.
    assert SignUp.objects.get(user=busy.connector).status == SignUpStatus.CONFIRMED
    assert ActionLog.objects.filter(actor=sanne, action="account.erased").exists()


def test_erasure_keeps_the_ledger_and_every_balance(busy):
    hood = busy.hood
    before = ledger_of(hood)
    account = Account.objects.get(user=busy.resident)
    account_erase(user=busy.resident, current=PASSWORD)
    assert ledger_of(hood) == before
    assert ledger.verify(hood).ok
    account.refresh_from_db()
    assert account.user_id == busy.resident.pk and not account.is_open
    # Karim's statement names her by the pseudonym.
    karims = Account.objects.get(user=busy.connector)
    lines = timebank_selectors.statement(viewer=busy.connector, account=karims)
    assert pseudonym(busy.resident) in [line.other for line in lines]


def test_an_initiative_goes_to_its_other_owner(busy):
    karim, initiative = busy.connector, busy.initiative
    initiative_services.ask_to_join(
        actor=karim,
        initiative=initiative,
        membership=membership_of(karim, initiative.neighbourhood),
    )
    involvement = Involvement.objects.get(user=karim, initiative=initiative)
    initiative_services.decide(actor=busy.resident, involvement=involvement, accept=True)
    initiative_services.set_role(actor=busy.resident, involvement=involvement, role="owner")
    account_erase(user=busy.resident, current=PASSWORD)
    initiative.refresh_from_db()
    assert initiative.is_open
    owners = Involvement.objects.filter(initiative=initiative, role=InitiativeRole.OWNER)
    assert list(owners.values_list("user", flat=True)) == [karim.pk]


def test_an_initiative_with_nobody_to_take_it_closes_and_keeps_an_owner(busy):
    account_erase(user=busy.resident, current=PASSWORD)
    initiative = busy.initiative
    initiative.refresh_from_db()
    assert not initiative.is_open
    owners = Involvement.objects.filter(initiative=initiative, role=InitiativeRole.OWNER)
    assert list(owners.values_list("user", flat=True)) == [busy.resident.pk]
    assert Profile.objects.get(user=busy.resident).display_name.startswith("Oud-lid")


def test_she_may_close_it_rather_than_hand_it_on(busy):
    karim, initiative = busy.connector, busy.initiative
    initiative_services.ask_to_join(
        actor=karim,
        initiative=initiative,
        membership=membership_of(karim, initiative.neighbourhood),
    )
    involvement = Involvement.objects.get(user=karim, initiative=initiative)
    initiative_services.decide(actor=busy.resident, involvement=involvement, accept=True)
    account_erase(user=busy.resident, current=PASSWORD, successors={initiative.pk: CLOSE})
    initiative.refresh_from_db()
    assert not initiative.is_open


def test_a_wrong_secret_refuses_and_changes_nothing(busy):
    sanne = busy.resident
    before = everything_of(sanne)
    with pytest.raises(ValidationError) as refused:
        account_erase(user=sanne, current="niet-mijn-wachtwoord")
    assert refused.value.error_dict["current"][0].code == "wrong_current_secret"
    assert everything_of(sanne) == before


def test_the_last_administrator_cannot_erase_their_account(world):
    before = everything_of(world.admin)
    with pytest.raises(ValidationError) as refused:
        account_erase(user=world.admin, current=PASSWORD)
    assert refused.value.code == "last_admin"
    assert everything_of(world.admin) == before


def test_an_administrator_with_another_one_can(world):
    make_member(world.hood, role=Role.ADMIN)
    account_erase(user=world.admin, current=PASSWORD)
    assert not User.objects.get(pk=world.admin.pk).is_active
