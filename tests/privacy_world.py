"""The privacy tests' shared world: a resident with something in every app, and
snapshots to prove an erasure changed nothing or kept the ledger."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from buurtkracht.accounts.models import User
from buurtkracht.core import access
from buurtkracht.core.choices import Visibility
from buurtkracht.core.models import ActionLog
from buurtkracht.exchange import services as exchange_services
from buurtkracht.exchange.models import Message, Post
from buurtkracht.gifts import services as gift_services
from buurtkracht.gifts.models import Gift, Resource, Wish
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.initiatives import services as initiative_services
from buurtkracht.initiatives.models import Involvement
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.network import services as network_services
from buurtkracht.notifications.services import notify
from buurtkracht.people.models import Contact, Profile
from buurtkracht.people.services import consent_grant
from buurtkracht.timebank import services as timebank
from buurtkracht.timebank.models import Account, Entry

from .factories import make_member, membership_of


def user_fields() -> set[str]:
    """Every field of every model that points to a person ("app.Model.field")."""
    user_model = get_user_model()
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user_model
    }


@pytest.fixture
def busy(world):
    """Sanne (resident) asked for help, Karim (connector) helped and was paid in time; she
    brings gifts, owns an initiative, signed up for its activity, knows people, has a
    consent, a notification, and a professional looked at her profile."""
    hood = world.hood
    hood.modules = [*hood.modules, "timebank", "initiatives", "network"]
    hood.save()
    timebank.rules_set(
        actor=world.admin,
        neighbourhood=hood,
        welcome_credit=60,
        membership=membership_of(world.admin, hood),
    )
    sanne, karim = world.resident, world.connector
    Profile.objects.filter(user=sanne).update(
        postcode="2031AB", languages=["nl", "ar"], accessibility_note="Bel aan bij de buren"
    )
    # Karim keeps some things to himself: they must never show in Sanne's export.
    Profile.objects.filter(user=karim).update(
        postcode="2032CD",
        postcode_visibility=Visibility.PRIVATE,
        accessibility_note="Karims geheime notitie",
    )
    Wish.objects.create(owner=karim, text="Karims eigen wens", visibility=Visibility.PRIVATE)
    hidden = make_member(hood, name="Verborgen Vera", visibility=Visibility.PRIVATE)

    gift_services.step_save(
        actor=sanne,
        subject=sanne,
        step=STEP_BY_KEY["handen"],
        item_ids=[],
        texts=["Taarten bakken"],
        visibility=Visibility.NEIGHBOURHOOD,
    )
    Wish.objects.create(owner=sanne, text="Nederlands leren", visibility=Visibility.PRIVATE)
    Resource.objects.create(owner=sanne, kind="thing", text="Ladder", lendable=True)
    post = exchange_services.post_create(
        actor=sanne,
        neighbourhood=hood,
        kind="request",
        text="Mijn fietsband is lek",
        membership=membership_of(sanne, hood),
    )
    exchange = exchange_services.invitation_answer(
        actor=karim,
        invitation=exchange_services.invitation_send(
            actor=sanne, membership=membership_of(sanne, hood), post=post, invitee=karim
        ),
        accept=True,
    )
    exchange_services.message_post(actor=sanne, exchange=exchange, text="Ik woon op nummer 12")
    exchange_services.message_post(actor=karim, exchange=exchange, text="Ik kom om drie uur")
    exchange_services.exchange_mark_done(actor=sanne, exchange=exchange)
    exchange_services.exchange_mark_done(actor=karim, exchange=exchange)
    timebank.exchange_hours_propose(actor=karim, exchange=exchange, minutes=45)
    timebank.exchange_hours_confirm(actor=sanne, exchange=exchange, minutes=45)
    exchange_services.post_create(
        actor=sanne,
        neighbourhood=hood,
        kind="offer",
        text="Ik kan koken",
        membership=membership_of(sanne, hood),
    )
    veras = exchange_services.post_create(
        actor=hidden,
        neighbourhood=hood,
        kind="request",
        text="Wie kan strijken?",
        membership=membership_of(hidden, hood),
    )
    exchange_services.invitation_send(
        actor=hidden, membership=membership_of(hidden, hood), post=veras, invitee=sanne
    )

    initiative = initiative_services.initiative_create(
        actor=sanne,
        neighbourhood=hood,
        name="Moestuin",
        what_and_why="Samen tuinieren",
        membership=membership_of(sanne, hood),
    )
    start = timezone.now() + timedelta(days=3)
    activity = initiative_services.activity_add(
        actor=sanne,
        initiative=initiative,
        title="Wieden",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=1,
    )
    initiative_services.sign_up(
        actor=sanne,
        activity=activity,
        membership=membership_of(sanne, activity.initiative.neighbourhood),
    )
    initiative_services.sign_up(
        actor=karim,
        activity=activity,
        membership=membership_of(karim, activity.initiative.neighbourhood),
    )  # waiting list
    network_services.acquaintance_add(
        actor=sanne, neighbourhood=hood, other=hidden, membership=membership_of(sanne, hood)
    )
    consent_grant(user=sanne, neighbourhood=hood, scope="safety_net")
    notify(user=sanne, kind="thanks", title="Dank je wel", url="/mijn/")
    access.note_reads(
        viewer=world.professional,
        membership=world.professional.memberships.get(neighbourhood=hood),
        subject_ids=[sanne.pk],
        what="profile",
    )
    world.exchange, world.initiative, world.activity, world.hidden = (
        exchange,
        initiative,
        activity,
        hidden,
    )
    return world


def ledger_of(hood):
    return (
        list(Entry.objects.filter(neighbourhood=hood).order_by("seq").values_list("pk", "hash")),
        dict(Account.objects.filter(neighbourhood=hood).values_list("pk", "balance")),
    )


def everything_of(user):
    return (
        User.objects.filter(pk=user.pk).values().get(),
        Profile.objects.filter(user=user).values().get(),
        Membership.objects.filter(user=user).count(),
        Gift.objects.filter(owner=user).count(),
        Post.objects.filter(author=user).count(),
        Contact.objects.count(),
        Message.objects.filter(author=user, text="").count(),
        Involvement.objects.filter(user=user).count(),
        ActionLog.objects.count(),
        ledger_of(user.memberships.first().neighbourhood),
    )
