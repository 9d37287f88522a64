"""Suggestions of neighbours for an initiative's open tasks (the matching engine) and the
invitation to take one: the same flow as an invitation to help with a request — the
invited person decides; yes makes them a member who carries the task."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from buurtkracht.exchange import services as exchange_services
from buurtkracht.exchange.models import Post
from buurtkracht.gifts import services as gift_services
from buurtkracht.gifts.models import TaxonomyItem, TimeOffer
from buurtkracht.gifts.steps import STEP_BY_KEY
from buurtkracht.initiatives import selectors, services
from buurtkracht.initiatives.models import Involvement, Task, TaskInvitation
from buurtkracht.notifications.models import Notification
from buurtkracht.people.models import Contact, Profile
from buurtkracht.places.models import Place, PostcodeArea

from .factories import membership_of
from .helpers import refused

pytestmark = pytest.mark.django_db


def _gift(user, key):
    gift_services.step_save(
        actor=user,
        subject=user,
        step=STEP_BY_KEY["handen"],
        item_ids=[TaxonomyItem.objects.get(key=key).pk],
        texts=[],
        visibility="neighbourhood",
    )


@pytest.fixture
def inloop(world):
    """Sanne's walk-in (inloop) needs a host; Karim and Anouk both like hosting."""
    world.hood.modules = [*world.hood.modules, "initiatives"]
    world.hood.save()
    initiative = services.initiative_create(
        actor=world.resident,
        neighbourhood=world.hood,
        name="Inloop De Linde",
        what_and_why="Elke dinsdag koffie en een praatje.",
        membership=membership_of(world.resident, world.hood),
    )
    task = services.task_add(
        actor=world.resident, initiative=initiative, title="Gastvrouw of gastheer bij de inloop"
    )
    _gift(world.connector, "buurtkamer-gastvrouw")
    _gift(world.admin, "buurtkamer-gastvrouw")
    _gift(world.facilitator, "fiets-repareren")
    return world, initiative, task


def _names(suggestions):
    return [s.name for s in suggestions]


def test_open_tasks_suggest_neighbours_whose_gifts_fit_with_a_reason(inloop):
    world, initiative, task = inloop
    found = selectors.task_suggestions(task, viewer=world.resident, membership=None)
    assert sorted(_names(found)) == ["Anouk", "Karim"]  # not Gerrit (bikes), not Sanne
    assert all("gastvrouw" in s.reasons.lower() for s in found)


def test_people_of_the_initiative_and_people_invited_are_not_suggested(inloop):
    world, initiative, task = inloop
    services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    services.ask_to_join(
        actor=world.admin,
        initiative=initiative,
        membership=membership_of(world.admin, initiative.neighbourhood),
    )
    assert selectors.task_suggestions(task, viewer=world.resident, membership=None) == []


def test_a_task_someone_carries_has_no_suggestions(inloop):
    world, initiative, task = inloop
    services.task_take(actor=world.resident, task=task)
    task.refresh_from_db()
    assert selectors.task_suggestions(task, viewer=world.resident, membership=None) == []


def test_fairness_counts_task_invitations_too(inloop):
    """Someone at their own monthly maximum — reached by an invitation to help with a
    request — is not suggested for a task either, and vice versa."""
    world, initiative, task = inloop
    TimeOffer.objects.create(owner=world.connector, max_asks_per_month=1)
    post = Post.objects.create(
        neighbourhood=world.hood, author=world.resident, kind="request", text="Koffie schenken"
    )
    exchange_services.invitation_send(
        actor=world.resident,
        membership=membership_of(world.resident, world.hood),
        post=post,
        invitee=world.connector,
    )
    assert _names(selectors.task_suggestions(task, viewer=world.resident, membership=None)) == [
        "Anouk"
    ]
    other = services.task_add(actor=world.resident, initiative=initiative, title="Gastheer")
    TimeOffer.objects.create(owner=world.admin, max_asks_per_month=1)
    services.task_invite(actor=world.resident, task=other, invitee=world.admin)
    assert selectors.task_suggestions(task, viewer=world.resident, membership=None) == []


def test_nearer_neighbours_rank_first_from_the_initiatives_place(inloop):
    world, initiative, task = inloop
    for postcode, lat in (("2031AA", "52.38000"), ("2031AC", "52.40000")):
        PostcodeArea.objects.create(
            postcode=postcode, latitude=Decimal(lat), longitude=Decimal("4.64000")
        )
    Profile.objects.filter(user=world.connector).update(postcode="2031AC")
    Profile.objects.filter(user=world.admin).update(postcode="2031AA")
    Profile.objects.filter(user__in=[world.connector, world.admin]).update(
        postcode_visibility="neighbourhood"
    )
    initiative.place = Place.objects.create(
        neighbourhood=world.hood,
        name="Buurthuis",
        kind="buurthuis",
        latitude=Decimal("52.40000"),
        longitude=Decimal("4.64000"),
    )
    initiative.save()
    task.refresh_from_db()
    first, second = selectors.task_suggestions(task, viewer=world.resident, membership=None)
    assert first.name == "Karim" and "100 m" in first.reasons  # lives at the buurthuis
    assert "2,2 km" in second.reasons


def test_the_postcode_in_an_address_counts_when_there_is_no_place(inloop):
    world, initiative, task = inloop
    PostcodeArea.objects.create(
        postcode="2031AA", latitude=Decimal("52.38"), longitude=Decimal("4.64")
    )
    Profile.objects.filter(user=world.admin).update(
        postcode="2031AA", postcode_visibility="neighbourhood"
    )
    initiative.address = "Lindelaan 4, 2031 aa Haarlem"
    initiative.save()
    task.refresh_from_db()
    found = selectors.task_suggestions(task, viewer=world.resident, membership=None)
    assert found[0].name == "Anouk" and "100 m" in found[0].reasons


def test_only_owners_invite_and_only_once(inloop):
    world, initiative, task = inloop
    with pytest.raises(ValidationError) as refused:
        services.task_invite(actor=world.connector, task=task, invitee=world.admin)
    assert refused.value.code == "not_owner"
    services.task_invite(actor=world.resident, task=task, invitee=world.admin, message="Zin?")
    with pytest.raises(ValidationError) as refused:
        services.task_invite(actor=world.resident, task=task, invitee=world.admin)
    assert refused.value.code == "already_invited"
    with pytest.raises(ValidationError) as refused:
        services.task_invite(actor=world.resident, task=task, invitee=world.resident)
    assert refused.value.code == "self"
    with pytest.raises(ValidationError) as refused:
        services.task_invite(actor=world.resident, task=task, invitee=world.outsider)
    assert refused.value.code == "not_member"
    with pytest.raises(ValidationError) as refused:
        services.task_invite(
            actor=world.resident, task=task, invitee=world.connector, message="x" * 301
        )
    assert refused.value.error_dict["message"][0].code == "too_long"
    assert TaskInvitation.objects.count() == 1


def test_a_carried_task_cannot_be_offered(inloop):
    world, initiative, task = inloop
    services.task_take(actor=world.resident, task=task)
    task.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.task_invite(actor=world.resident, task=task, invitee=world.admin)
    assert refused.value.code == "taken"
    assert not TaskInvitation.objects.exists()


def test_an_invitation_notifies_in_the_app_and_by_mail(
    inloop, mailbox, django_capture_on_commit_callbacks
):
    world, initiative, task = inloop
    with django_capture_on_commit_callbacks(execute=True):
        services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    note = Notification.objects.get(user=world.connector)
    assert note.kind == "invitation" and "/taak-uitnodigingen/" in note.url
    assert "Inloop De Linde" in note.title
    assert len(mailbox.bodies()) == 1


def test_yes_makes_a_member_who_carries_the_task_and_a_contact(inloop):
    world, initiative, task = inloop
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    with refused("not_invitee"):
        services.task_invitation_answer(actor=world.admin, invitation=invitation, accept=True)
    services.task_invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    task.refresh_from_db()
    assert task.carried_by == world.connector
    assert services.role_of(world.connector, initiative) == "member"
    assert Contact.objects.filter(source="initiative").count() == 1
    assert Notification.objects.filter(user=world.resident, kind="invitation_answered").exists()
    with refused("already_answered"):
        services.task_invitation_answer(actor=world.connector, invitation=invitation, accept=False)
    # The fragility signal now counts the person carrying the task.
    assert selectors.fragility(initiative).carriers == 1


def test_yes_after_someone_else_took_the_task_changes_nothing(inloop):
    world, initiative, task = inloop
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    services.task_take(actor=world.resident, task=task)
    with pytest.raises(ValidationError) as refused:
        services.task_invitation_answer(actor=world.connector, invitation=invitation, accept=True)
    assert refused.value.code == "taken_meanwhile"
    invitation.refresh_from_db()
    assert invitation.status == "pending"  # they can still say no
    assert not Involvement.objects.filter(user=world.connector).exists()
    assert not Contact.objects.exists()
    services.task_invitation_answer(actor=world.connector, invitation=invitation, accept=False)
    invitation.refresh_from_db()
    assert invitation.status == "declined"


def test_someone_who_had_asked_to_join_becomes_a_member_by_saying_yes(inloop):
    world, initiative, task = inloop
    services.ask_to_join(
        actor=world.admin,
        initiative=initiative,
        membership=membership_of(world.admin, initiative.neighbourhood),
    )
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.admin)
    services.task_invitation_answer(actor=world.admin, invitation=invitation, accept=True)
    assert services.role_of(world.admin, initiative) == "member"


def test_no_tells_the_owner_and_changes_nothing_else(inloop):
    world, initiative, task = inloop
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.connector)
    assert (
        services.task_invitation_answer(actor=world.connector, invitation=invitation, accept=False)
        is None
    )
    task.refresh_from_db()
    assert task.carried_by is None and services.role_of(world.connector, initiative) is None
    note = Notification.objects.get(user=world.resident, kind="invitation_answered")
    assert "nee" in note.title.lower()


def test_the_pages_suggest_invite_and_answer(inloop, client_for):
    world, initiative, task = inloop
    owner, karim = client_for("resident"), client_for("connector")
    detail = reverse(
        "initiatives:detail", kwargs={"slug": "lindenhof", "initiative_id": initiative.pk}
    )
    helpers = reverse(
        "initiatives:task_helpers",
        kwargs={"slug": "lindenhof", "initiative_id": initiative.pk, "task_id": task.pk},
    )
    assert helpers in owner.get(detail).content.decode()  # the owner sees the link
    assert helpers not in client_for("professional").get(detail).content.decode()
    page = owner.get(helpers)
    assert sorted(_names(page.context["suggestions"])) == ["Anouk", "Karim"]
    assert page.context["can_invite"]
    karim_view = karim.get(helpers)  # a connector sees who could, but does not invite
    assert karim_view.status_code == 200 and not karim_view.context["can_invite"]
    karim_reason = next(s.reasons for s in page.context["suggestions"] if s.name == "Karim")
    invite = reverse(
        "initiatives:task_invite",
        kwargs={"slug": "lindenhof", "initiative_id": initiative.pk, "task_id": task.pk},
    )
    response = owner.post(
        invite, {"user": world.connector.pk, "message": "Iets voor jou?", "reason": "Je moet."}
    )
    assert response.status_code == 302
    invitation = TaskInvitation.objects.get()
    assert invitation.message == "Iets voor jou?" and invitation.invited_by == world.resident
    assert invitation.reason == karim_reason  # the server's reason, not the posted one
    listing = karim.get(reverse("initiatives:list", kwargs={"slug": "lindenhof"}))
    url = reverse(
        "initiatives:invitation", kwargs={"slug": "lindenhof", "invitation_id": invitation.pk}
    )
    assert url in listing.content.decode()
    text = karim.get(url).content.decode()
    assert "Gastvrouw of gastheer bij de inloop" in text and "schrijft: “Iets voor jou?”" in text
    accept = reverse(
        "initiatives:invitation_accept",
        kwargs={"slug": "lindenhof", "invitation_id": invitation.pk},
    )
    response = karim.post(accept)
    assert response.status_code == 302 and response["Location"] == detail
    task.refresh_from_db()
    assert task.carried_by == world.connector
    again = karim.post(accept, follow=True)
    assert "al beantwoord" in again.content.decode()
    assert client_for("admin").get(url).status_code == 404  # not theirs


def test_inviting_with_a_bad_person_gives_a_message(inloop, client_for):
    world, initiative, task = inloop
    invite = reverse(
        "initiatives:task_invite",
        kwargs={"slug": "lindenhof", "initiative_id": initiative.pk, "task_id": task.pk},
    )
    owner = client_for("resident")
    assert owner.post(invite, {"user": world.outsider.pk}).status_code == 404
    assert owner.post(invite, {"user": "abc"}).status_code == 404
    response = owner.post(invite, {"user": world.connector.pk, "message": "x" * 400}, follow=True)
    assert "300" in response.content.decode()
    assert not TaskInvitation.objects.exists()
    assert Task.objects.get().carried_by is None


# --- The initiative's time bank account ---------------------------------------------------


@pytest.fixture
def banked(inloop):
    from buurtkracht.timebank import services as timebank

    world, initiative, task = inloop
    timebank.rules_set(
        actor=world.admin,
        neighbourhood=world.hood,
        welcome_credit=120,
        membership=membership_of(world.admin, world.hood),
    )
    world.hood.refresh_from_db()
    return world, initiative, task


def test_switching_the_time_bank_on_opens_an_account_for_each_open_initiative(banked):
    from buurtkracht.timebank.models import Account

    world, initiative, task = banked
    account = Account.objects.get(initiative=initiative)
    assert account.kind == "initiative" and account.name == "Inloop De Linde"
    assert account.floor == 0 and account.balance == 0


def test_renaming_or_closing_the_initiative_follows_on_its_account(banked):
    from buurtkracht.timebank.models import Account

    world, initiative, task = banked
    services.initiative_update(actor=world.resident, initiative=initiative, name="Inloop Linde")
    assert Account.objects.get(initiative=initiative).name == "Inloop Linde"
    services.initiative_close(actor=world.resident, initiative=initiative)
    assert not Account.objects.get(initiative=initiative).is_open
    with pytest.raises(ValidationError) as refused:
        services.time_donate(
            actor=world.connector,
            initiative=initiative,
            minutes=30,
            membership=membership_of(world.connector, initiative.neighbourhood),
        )
    assert refused.value.code == "closed"


def test_neighbours_give_time_and_owners_thank_people_of_the_initiative(banked):
    from buurtkracht.timebank import ledger
    from buurtkracht.timebank import services as timebank
    from buurtkracht.timebank.models import Account

    world, initiative, task = banked
    services.time_donate(
        actor=world.connector,
        initiative=initiative,
        minutes=90,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    account = Account.objects.get(initiative=initiative)
    assert account.balance == 90
    invitation = services.task_invite(actor=world.resident, task=task, invitee=world.admin)
    services.task_invitation_answer(actor=world.admin, invitation=invitation, accept=True)
    timebank.initiative_give(
        actor=world.resident, initiative=initiative, to_user=world.admin, minutes=60, note="Dank!"
    )
    account.refresh_from_db()
    assert account.balance == 30
    assert timebank.member_account(world.admin, world.hood).balance == 120 + 60
    with refused("not_owner"):
        timebank.initiative_give(
            actor=world.admin, initiative=initiative, to_user=world.resident, minutes=5
        )
    with refused("not_involved"):
        timebank.initiative_give(
            actor=world.resident, initiative=initiative, to_user=world.connector, minutes=5
        )
    with refused("to_self"):
        timebank.initiative_give(
            actor=world.resident, initiative=initiative, to_user=world.resident, minutes=5
        )
    with pytest.raises(ValidationError):  # never below zero: 30 minutes left
        timebank.initiative_give(
            actor=world.resident, initiative=initiative, to_user=world.admin, minutes=31
        )
    account.refresh_from_db()
    assert account.balance == 30
    assert ledger.verify(world.hood).ok


def test_the_page_shows_the_time_account_and_takes_gifts_of_time(banked, client_for):
    from buurtkracht.timebank.models import Account

    world, initiative, task = banked
    detail = reverse(
        "initiatives:detail", kwargs={"slug": "lindenhof", "initiative_id": initiative.pk}
    )
    karim = client_for("connector")
    page = karim.get(detail)
    assert page.context["time"]["balance"] == "0 minuten"
    assert page.context["time"]["give_form"] is None  # not an owner
    key = page.context["time"]["donate_form"].initial["key"]
    donate = reverse(
        "initiatives:time_donate", kwargs={"slug": "lindenhof", "initiative_id": initiative.pk}
    )
    data = {"d-hours": "1", "d-minutes": "15", "d-key": key}
    assert karim.post(donate, data).status_code == 302
    assert karim.post(donate, data).status_code == 302  # the same form twice: one gift
    assert Account.objects.get(initiative=initiative).balance == 75
    bad = karim.post(donate, {**data, "d-hours": "x", "d-key": "other"})
    assert bad.status_code == 200 and bad.context["time"]["donate_form"].errors
    too_much = karim.post(donate, {**data, "d-hours": "9999", "d-key": "more"})
    assert too_much.status_code == 200 and too_much.context["time"]["donate_form"].errors
    assert Account.objects.get(initiative=initiative).balance == 75
    assert client_for("anonymous").get(detail).context["time"] is None  # members only
    # The owner thanks the person who took the task.
    services.task_take(actor=world.resident, task=task)
    services.ask_to_join(
        actor=world.connector,
        initiative=initiative,
        membership=membership_of(world.connector, initiative.neighbourhood),
    )
    services.decide(
        actor=world.resident,
        involvement=initiative.people.get(user=world.connector),
        accept=True,
    )
    owner = client_for("resident")
    form = owner.get(detail).context["time"]["give_form"]
    assert [c for c, _ in form.fields["to_user"].choices if c] == [world.connector.pk]
    response = owner.post(
        reverse(
            "initiatives:time_give", kwargs={"slug": "lindenhof", "initiative_id": initiative.pk}
        ),
        {
            "g-to_user": world.connector.pk,
            "g-hours": "0",
            "g-minutes": "45",
            "g-key": form.initial["key"],
        },
    )
    assert response.status_code == 302
    assert Account.objects.get(initiative=initiative).balance == 30
