"""A person erases their own account (rule 14, AVG: the right to erasure).

Everything personal goes; the user row stays, under a pseudonym ("Oud-lid 12"), so the
time bank's append-only ledger and every row that points here still hold: balances and
`ledger.verify` stay right, and whoever did something with them sees the pseudonym where
the name was. Decision 0042 says what goes and what stays, and why; `ERASURE` says it per
field, and tests/test_privacy_erasure.py fails when a new field pointing to the user model is not
in it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.accounts.models import User
from buurtkracht.core.choices import Visibility
from buurtkracht.core.logging import log_action

from .plan import erasure_plan

ERASURE = {
    "account.EmailAddress.user": "deleted",
    "mfa.Authenticator.user": "deleted (the TOTP secret and recovery codes)",
    "core.ActionLog.actor": "kept: the neighbourhood's record of what was done, by the pseudonym",
    "accounts.LoginCode.user": "deleted",
    "accounts.LoginCode.created_by": "kept: another resident's card",
    "accounts.GuidedAccount.user": "deleted",
    "accounts.GuidedAccount.registered_by": "kept: another resident's guided account",
    "neighbourhoods.Membership.user": "deleted (as when leaving; the time account closes)",
    "neighbourhoods.Invitation.created_by": "kept: the neighbourhood's invitation",
    "people.Profile.user": "emptied; the name becomes the pseudonym, visible to everyone",
    "people.Contact.user_a": "deleted",
    "people.Contact.user_b": "deleted",
    "people.Consent.user": "ended (withdrawn): the dated record of what was allowed stays",
    "people.Consent.recorded_by": "kept: another resident's consent",
    "people.AccessLog.viewer": "kept, the stored name replaced by the pseudonym",
    "people.AccessLog.subject": "deleted: it was kept to show this person",
    "gifts.TaxonomyItem.created_by": "kept: a word of the neighbourhood's vocabulary",
    "gifts.Gift.owner": "deleted",
    "gifts.Wish.owner": "deleted",
    "gifts.Resource.owner": "deleted, after cancelling its bookings that had not ended",
    "gifts.TimeOffer.owner": "deleted",
    "gifts.AvailabilitySlot.owner": "deleted",
    "places.Place.created_by": "kept: public information about a place",
    "lending.Booking.borrower": "kept under the pseudonym; notes emptied, open ones cancelled",
    "inventory.ImportJob.created_by": "kept: a short-lived import of places",
    "exchange.Post.author": "deleted without an exchange; else text emptied and closed",
    "exchange.HelpInvitation.invited_by": "kept under the pseudonym; message emptied",
    "exchange.HelpInvitation.invitee": "kept under the pseudonym; open ones withdrawn",
    "exchange.Exchange.helper": "kept under the pseudonym: the other person's history",
    "exchange.Exchange.helped": "kept under the pseudonym; their thank-you note emptied",
    "exchange.Message.author": "kept under the pseudonym, the text emptied",
    "notifications.Notification.user": "deleted",
    "notifications.NotificationPreference.user": "deleted",
    "support.SafetyNetCase.handled_by": "kept: other residents' requests",
    "timebank.Account.user": "kept, closed: entries and balance stay (append-only ledger)",
    "timebank.ExchangeHours.proposed_by": "kept: part of how an exchange was paid",
    "timebank.LedgerImport.created_by": "kept: the neighbourhood's import",
    "initiatives.Involvement.user": "deleted, ownership handed over first; a lone owner of a "
    "closed initiative stays its owner under the pseudonym (never no owner)",
    "initiatives.Task.carried_by": "emptied: the task is open again",
    "initiatives.SignUp.user": "cancelled for activities to come; past ones kept",
    "initiatives.Support.recorded_by": "kept: the initiative's record of support",
    "initiatives.Update.author": "kept under the pseudonym: the initiative's news",
    "socialmap.Correction.author": "deleted: a suggestion in their own words",
    "socialmap.Correction.handled_by": "kept: a professional's record of another's suggestion",
    "dialogue.Dialogue.organiser": "kept under the pseudonym: the neighbourhood's dialogue",
    "dialogue.Participant.user": "deleted: their place is free again",
    "dialogue.Invited.user": "deleted",
    "dialogue.Invited.invited_by": "kept under the pseudonym: another's invitation",
    "dialogue.HarvestItem.speaker": "deleted: quotes with their name, their own words",
    "dialogue.HarvestItem.consent_recorded_by": "kept under the pseudonym: another's consent",
    "dialogue.HarvestItem.created_by": "kept under the pseudonym: the dialogue's harvest",
    "dialogue.Story.teller": "deleted: their stories, with their photos",
    "dialogue.Story.written_by": "kept under the pseudonym: another's story they wrote down",
    "dialogue.Reflection.author": "deleted: their own reflections",
    "initiatives.TaskInvitation.invited_by": "kept under the pseudonym; message emptied",
    "initiatives.TaskInvitation.invitee": "kept under the pseudonym; open ones withdrawn",
    "network.Acquaintance.from_user": "deleted",
    "network.Acquaintance.to_user": "deleted",
    "network.Introduction.proposed_by": "kept under the pseudonym; message emptied",
    "network.Introduction.person_a": "deleted",
    "network.Introduction.person_b": "deleted",
    "network.TieImport.imported_by": "kept: the neighbourhood's import",
    "network.ImportedTie.user_a": "deleted",
    "network.ImportedTie.user_b": "deleted",
    "network.WatchGroup.members": "removed from every group",
    "network.IntroductionMessage.author": "deleted with the person's introductions",
    "support.SafetyNetMessage.author": "kept under the pseudonym, the text emptied",
    "support.DutyPause.user": "deleted",
}

CLOSE = "close"
"""The choice, for an initiative without another owner, to close it rather than hand it on."""


def pseudonym(user) -> str:
    """The name an erased person is shown by, everywhere: a name, not a translated text."""
    return f"Oud-lid {user.pk}"


def _check(*, user: User, current: str, successors: dict, plan) -> None:
    """Refuse before anything is written: a wrong secret, a neighbourhood that would lose
    its last administrator, an initiative without a choice."""
    if user.erased_at is not None:
        raise ValidationError(_("This account has been erased already."), code="erased_already")
    if not user.must_set_secret and not user.check_password(current):
        wrong = _("This is not your current PIN or password. Nothing was erased.")
        raise ValidationError({"current": ValidationError(wrong, code="wrong_current_secret")})
    if plan.last_admin_of:
        raise ValidationError(
            _(
                "You are the only administrator of %(names)s. Make someone else "
                "administrator first. Nothing was erased."
            )
            % {"names": ", ".join(n.name for n in plan.last_admin_of)},
            code="last_admin",
        )
    problems = {}
    for handover in plan.to_choose:
        choice = successors.get(handover.initiative.pk)
        allowed = {str(pk) for pk, _name in handover.candidates} | {CLOSE}
        if str(choice) not in allowed:
            problems[f"successor_{handover.initiative.pk}"] = ValidationError(
                _("Choose who owns %(name)s from now on, or close it.")
                % {"name": handover.initiative.name},
                code="no_successor",
            )
    if problems:
        raise ValidationError(problems)


def _initiatives(user, successors: dict, plan) -> None:
    from buurtkracht.initiatives import services as initiatives
    from buurtkracht.initiatives.models import Involvement, Role, SignUp, SignUpStatus, Task

    for handover in plan.handovers:
        initiative = handover.initiative
        choice = str(successors.get(initiative.pk, CLOSE))
        if not handover.co_owner and handover.candidates and choice != CLOSE:
            successor = Involvement.objects.get(initiative=initiative, user_id=int(choice))
            initiatives.set_role(actor=user, involvement=successor, role=Role.OWNER)
        elif not handover.co_owner:
            # Nobody to hand it to: it closes, and the pseudonym stays its owner.
            initiatives.initiative_close(actor=user, initiative=initiative)
    for involvement in Involvement.objects.filter(user=user).select_related("initiative"):
        others = Involvement.objects.filter(
            initiative=involvement.initiative_id, role=Role.OWNER
        ).exclude(user=user)
        if involvement.role != Role.OWNER or others.exists():
            initiatives.leave(actor=user, initiative=involvement.initiative)
    Task.objects.filter(carried_by=user).update(carried_by=None)
    for signup in SignUp.objects.filter(
        user=user, activity__starts_at__gt=timezone.now(), activity__cancelled_at__isnull=True
    ).exclude(status=SignUpStatus.CANCELLED):
        initiatives.sign_up_cancel(actor=user, activity=signup.activity)


def _invitations(user) -> None:
    from buurtkracht.exchange.models import HelpInvitation, InvitationStatus
    from buurtkracht.initiatives.models import TaskInvitation

    now = timezone.now()
    for model in (HelpInvitation, TaskInvitation):
        model.objects.filter(
            Q(invitee=user) | Q(invited_by=user), status=InvitationStatus.PENDING
        ).update(status=InvitationStatus.WITHDRAWN, answered_at=now)
        model.objects.filter(invited_by=user).update(message="")


def _lending_and_gifts(user) -> None:
    from buurtkracht.gifts.models import AvailabilitySlot, Gift, Resource, TimeOffer, Wish
    from buurtkracht.lending import services as lending
    from buurtkracht.lending.models import HOLDING_STATUSES, Booking

    for booking in Booking.objects.filter(
        Q(borrower=user) | Q(resource__owner=user),
        status__in=HOLDING_STATUSES,
        end_at__gt=timezone.now(),
    ):
        lending.booking_cancel(actor=user, booking=booking)
    Booking.objects.filter(borrower=user).update(note="")
    for model in (Gift, Wish, Resource, AvailabilitySlot, TimeOffer):
        model.objects.filter(owner=user).delete()


def _exchange(user) -> None:
    from buurtkracht.exchange.models import Exchange, Message, Post, PostStatus
    from buurtkracht.support.models import CaseStatus, DutyPause, SafetyNetCase, SafetyNetMessage

    Post.objects.filter(author=user, exchanges__isnull=True).delete()
    Post.objects.filter(author=user, status__in=[PostStatus.OPEN, PostStatus.TAKEN]).update(
        status=PostStatus.CLOSED
    )
    Post.objects.filter(author=user).update(text="")
    SafetyNetCase.objects.filter(post__author=user).update(note="", status=CaseStatus.CLOSED)
    SafetyNetMessage.objects.filter(author=user).update(text="")
    DutyPause.objects.filter(user=user).delete()
    Message.objects.filter(author=user).update(text="")
    Exchange.objects.filter(helped=user).update(thanks="")


def _network(user) -> None:
    from buurtkracht.network.models import Acquaintance, ImportedTie, Introduction, WatchGroup

    Acquaintance.objects.filter(Q(from_user=user) | Q(to_user=user)).delete()
    Introduction.objects.filter(Q(person_a=user) | Q(person_b=user)).delete()
    Introduction.objects.filter(proposed_by=user).update(message="")
    ImportedTie.objects.filter(Q(user_a=user) | Q(user_b=user)).delete()
    WatchGroup.members.through.objects.filter(user=user).delete()


def _social_map(user) -> None:
    from buurtkracht.socialmap.models import Correction

    Correction.objects.filter(author=user).delete()


def _dialogue(user) -> None:
    from django.db.models import F

    from buurtkracht.dialogue.models import (
        Dialogue,
        HarvestItem,
        Invited,
        Participant,
        Reflection,
        Story,
    )

    places = Participant.objects.filter(user=user)
    Dialogue.objects.filter(pk__in=places.values("dialogue_id")).update(joined=F("joined") - 1)
    places.delete()
    Invited.objects.filter(user=user).delete()
    HarvestItem.objects.filter(speaker=user).delete()
    Reflection.objects.filter(author=user).delete()
    stories = Story.objects.filter(teller=user)
    photos = [(s.photo.storage, s.photo.name) for s in stories if s.photo]
    stories.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in photos])


def _people(user) -> None:
    from buurtkracht.people.models import AccessLog, Consent, Contact, ContactRoute, Profile

    Contact.objects.filter(Q(user_a=user) | Q(user_b=user)).delete()
    Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    AccessLog.objects.filter(subject=user).delete()
    AccessLog.objects.filter(viewer=user).update(viewer_name=pseudonym(user))
    profile = Profile.objects.filter(user=user).first() or Profile(user=user)
    photo = profile.photo.name if profile.photo else ""
    profile.display_name = pseudonym(user)
    profile.display_name_visibility = Visibility.PUBLIC  # a pseudonym says nothing
    profile.postcode, profile.languages, profile.accessibility_needs = "", [], []
    profile.accessibility_note, profile.photo = "", None
    profile.age_group = ""
    profile.phone, profile.contact_route = "", ContactRoute.MESSAGES
    for level in ("postcode", "languages", "accessibility", "photo"):
        setattr(profile, f"{level}_visibility", Visibility.PRIVATE)
    profile.save()
    if photo:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(photo))


def _memberships_and_login(user) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from buurtkracht.accounts.models import GuidedAccount, LoginCode
    from buurtkracht.neighbourhoods.models import Membership
    from buurtkracht.neighbourhoods.services import membership_leave
    from buurtkracht.notifications.models import Notification, NotificationPreference

    for membership in Membership.objects.filter(user=user).select_related("neighbourhood"):
        membership_leave(user=user, neighbourhood=membership.neighbourhood)
    for model in (Notification, NotificationPreference, LoginCode, GuidedAccount):
        model.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.username = f"oud-lid.{user.pk}"
    user.email = user.first_name = user.last_name = user.language = ""
    user.set_unusable_password()  # also ends every other session (their hash changes)
    user.is_active = user.is_staff = user.is_superuser = user.must_set_secret = False
    user.erased_at = timezone.now()
    user.save()


def account_erase(*, user: User, current: str = "", successors: dict | None = None) -> User:
    """Erase `user`'s own account, all or nothing. `current`: their PIN or password (not
    asked right after a card's one-time code, as in `secret_set`); `successors`: for each
    initiative they own alone that has members, {initiative id: member's user id or
    CLOSE}. Refusals change nothing."""
    successors = successors or {}
    with transaction.atomic():
        plan = erasure_plan(user=user)
        _check(user=user, current=current, successors=successors, plan=plan)
        _people(user)  # first: what the steps below tell others shows the pseudonym
        _initiatives(user, successors, plan)
        _invitations(user)
        _lending_and_gifts(user)
        _exchange(user)
        _network(user)
        _social_map(user)
        _dialogue(user)
        _memberships_and_login(user)
        log_action(actor=user, action="account.erased", obj=user)
    return user
