"""Planning a wijkdialoog, signing up, inviting, and keeping its harvest (issue 20). Each
service checks who may act (`core.access`), writes in one transaction and logs it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.logging import log_action
from buurtkracht.initiatives import services as initiatives
from buurtkracht.initiatives.services.base import clean_text, field_error
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.notifications.models import Kind as NotificationKind
from buurtkracht.notifications.services import notify
from buurtkracht.people.consents import Method
from buurtkracht.people.contact import buurtwerker_of, route_for
from buurtkracht.people.models import ContactRoute

from ..formats import FORMATS
from ..models import (
    HARVEST_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Dialogue,
    HarvestItem,
    Invited,
    Kind,
    Participant,
)

CAPACITY_MAX = 500
INVITE_AT_ONCE = 50
"""People invited by name in one go; the whole neighbourhood goes through a job."""
INVITE_BATCH = 500
"""Members one run of the job invites before it sends itself on."""


def _member(actor, neighbourhood, membership) -> Membership:
    membership = acting_membership(actor, neighbourhood, membership)
    if not access.member_may(
        actor, access.Action.DIALOGUE_USE, neighbourhood=neighbourhood, membership=membership
    ):
        raise ValidationError(
            _("Only members of this neighbourhood can do this."), code="not_allowed"
        )
    return membership


def _runs(actor, dialogue, membership) -> None:
    _member(actor, dialogue.neighbourhood, membership)
    if not access.may_run_dialogue(actor, dialogue, membership=membership):
        raise ValidationError(
            _("Only who planned this dialogue, or an administrator, can do this."),
            code="not_organiser",
        )


def _harvests(actor, dialogue, membership) -> None:
    _member(actor, dialogue.neighbourhood, membership)
    if not access.may_harvest(actor, dialogue, membership=membership):
        raise ValidationError(
            _(
                "Only who planned this dialogue, professionals, the municipality and "
                "administrators write down its harvest."
            ),
            code="not_harvester",
        )


def _open(dialogue) -> None:
    if dialogue.cancelled_at is not None:
        raise ValidationError(_("This dialogue was cancelled."), code="cancelled")


# --- planning ---------------------------------------------------------------------------------


def _checked_plan(values: dict, *, neighbourhood) -> dict:
    title = clean_text(values.get("title", ""), field="title", required=True, limit=TITLE_MAX)
    about = clean_text(values.get("about", ""), field="about", required=False, limit=TEXT_MAX)
    if values.get("format") not in FORMATS:
        raise field_error("format", _("Choose one of the formats."), "invalid")
    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        raise field_error("starts_at", _("Fill in when it starts and ends."), "required")
    if ends_at <= starts_at:
        raise field_error("ends_at", _("It ends after it starts."), "ends_before_start")
    capacity = values.get("capacity")
    if capacity is not None and not 2 <= capacity <= CAPACITY_MAX:
        raise field_error(
            "capacity",
            _("Between 2 and %(max)s places, or leave it empty.") % {"max": CAPACITY_MAX},
            "invalid",
        )
    place = values.get("place")
    if place is not None and place.neighbourhood_id != neighbourhood.pk:
        raise field_error("place", _("Choose a place in this neighbourhood."), "invalid")
    organisations = clean_text(
        values.get("for_organisations", ""), field="for_organisations", required=False, limit=300
    )
    return {
        "title": title,
        "about": about,
        "format": values["format"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "capacity": capacity,
        "place": place,
        "address": clean_text(
            values.get("address", ""), field="address", required=False, limit=200
        ),
        "for_residents": bool(values.get("for_residents")),
        "for_organisations": organisations,
        "for_municipality": bool(values.get("for_municipality")),
    }


def dialogue_plan(*, actor, membership, neighbourhood, values: dict) -> Dialogue:
    """A member plans a dialogue (residents and professionals alike); they run it."""
    _member(actor, neighbourhood, membership)
    fields = _checked_plan(values, neighbourhood=neighbourhood)
    if fields["starts_at"] < timezone.now():
        raise field_error("starts_at", _("Choose a moment in the future."), "in_the_past")
    with transaction.atomic():
        dialogue = Dialogue.objects.create(neighbourhood=neighbourhood, organiser=actor, **fields)
        log_action(
            actor=actor, action="dialogue.planned", neighbourhood=neighbourhood, obj=dialogue
        )
    return dialogue


def dialogue_change(*, actor, membership, dialogue: Dialogue, values: dict) -> Dialogue:
    """The organiser changes the plan; fewer places than people signed up is refused."""
    _runs(actor, dialogue, membership)
    _open(dialogue)
    fields = _checked_plan(values, neighbourhood=dialogue.neighbourhood)
    with transaction.atomic():
        changed = Dialogue.objects.filter(pk=dialogue.pk).filter(
            Q(joined__lte=fields["capacity"]) if fields["capacity"] is not None else Q()
        )
        if not changed.update(**fields):
            raise field_error(
                "capacity",
                _("More people signed up than that. Choose at least %(n)s places.")
                % {"n": Dialogue.objects.get(pk=dialogue.pk).joined},
                "below_joined",
            )
        dialogue.refresh_from_db()
        log_action(
            actor=actor,
            action="dialogue.changed",
            neighbourhood=dialogue.neighbourhood,
            obj=dialogue,
        )
    return dialogue


def dialogue_cancel(*, actor, membership, dialogue: Dialogue) -> Dialogue:
    """Called off: those who signed up hear of it."""
    _runs(actor, dialogue, membership)
    _open(dialogue)
    with transaction.atomic():
        dialogue.cancelled_at = timezone.now()
        dialogue.save(update_fields=["cancelled_at"])
        for participant in dialogue.participants.select_related("user"):
            notify(
                user=participant.user,
                kind=NotificationKind.DIALOGUE,
                title=gettext_lazy("Cancelled: %(title)s"),
                url=_url(dialogue),
                neighbourhood=dialogue.neighbourhood,
                params={"title": dialogue.title},
            )
        log_action(
            actor=actor,
            action="dialogue.cancelled",
            neighbourhood=dialogue.neighbourhood,
            obj=dialogue,
        )
    return dialogue


def _url(dialogue) -> str:
    return reverse(
        "dialogue:detail", kwargs={"slug": dialogue.neighbourhood.slug, "dialogue_id": dialogue.pk}
    )


# --- signing up -------------------------------------------------------------------------------


def dialogue_join(*, actor, membership, dialogue: Dialogue) -> Participant:
    """A member signs up. The place is taken in the same UPDATE that checks there is one
    (the database keeps `joined <= capacity`): two people never get the last place."""
    _member(actor, dialogue.neighbourhood, membership)
    _open(dialogue)
    if dialogue.ends_at < timezone.now():
        raise ValidationError(_("This dialogue is over."), code="over")
    with transaction.atomic():
        seat = Dialogue.objects.filter(pk=dialogue.pk).filter(
            Q(capacity__isnull=True) | Q(joined__lt=F("capacity"))
        )
        try:
            with transaction.atomic():
                participant = Participant.objects.create(dialogue=dialogue, user=actor)
        except IntegrityError:
            raise ValidationError(
                _("You already signed up for this dialogue."), code="already"
            ) from None
        if not seat.update(joined=F("joined") + 1):
            raise ValidationError(_("This dialogue is full."), code="full")
        log_action(
            actor=actor,
            action="dialogue.joined",
            neighbourhood=dialogue.neighbourhood,
            obj=dialogue,
        )
    return participant


def dialogue_leave(*, actor, membership, dialogue: Dialogue) -> None:
    _member(actor, dialogue.neighbourhood, membership)
    with transaction.atomic():
        gone, _rows = Participant.objects.filter(dialogue=dialogue, user=actor).delete()
        if not gone:
            raise ValidationError(_("You had not signed up."), code="not_joined")
        Dialogue.objects.filter(pk=dialogue.pk).update(joined=F("joined") - 1)
        log_action(
            actor=actor, action="dialogue.left", neighbourhood=dialogue.neighbourhood, obj=dialogue
        )


# --- inviting ---------------------------------------------------------------------------------


def _invite_one(*, dialogue, user, invited_by) -> None:
    """One invitation: a notification to the person, and to their buurtwerker when they
    chose to be reached through them (guided accounts, decision 0052)."""
    when = date_format(timezone.localtime(dialogue.starts_at), "l j F, H:i")
    params = {"title": dialogue.title, "when": when, "resident": user.name}
    notify(
        user=user,
        kind=NotificationKind.DIALOGUE,
        title=gettext_lazy("You are invited: %(title)s"),
        body=gettext_lazy("A neighbourhood dialogue on %(when)s. Everyone is heard."),
        url=_url(dialogue),
        neighbourhood=dialogue.neighbourhood,
        params=params,
    )
    helper = buurtwerker_of(user)
    if helper is not None and route_for(user) == ContactRoute.BUURTWERKER:
        notify(
            user=helper,
            kind=NotificationKind.DIALOGUE,
            title=gettext_lazy("Please invite %(resident)s: %(title)s"),
            body=gettext_lazy(
                "%(resident)s chose to hear news through you. There is a neighbourhood "
                "dialogue on %(when)s. Please tell %(resident)s, and sign them up if "
                "they want to come."
            ),
            url=_url(dialogue),
            neighbourhood=dialogue.neighbourhood,
            params=params,
        )


def dialogue_invite(*, actor, membership, dialogue: Dialogue, user_ids) -> int:
    """Invite members by name (at most INVITE_AT_ONCE); each once. Returns how many were
    newly invited."""
    _runs(actor, dialogue, membership)
    _open(dialogue)
    ids = list(dict.fromkeys(int(i) for i in user_ids))[:INVITE_AT_ONCE]
    members = Membership.objects.filter(
        neighbourhood=dialogue.neighbourhood, user_id__in=ids
    ).select_related("user", "user__guidance__registered_by")
    return _invite(dialogue, [m.user for m in members], invited_by=actor)


def _invite(dialogue, users, *, invited_by) -> int:
    already = set(
        Invited.objects.filter(dialogue=dialogue, user__in=users).values_list("user_id", flat=True)
    )
    new = [u for u in users if u.pk not in already]
    with transaction.atomic():
        Invited.objects.bulk_create(
            [Invited(dialogue=dialogue, user=u, invited_by=invited_by) for u in new],
            ignore_conflicts=True,
        )
        for user in new:
            _invite_one(dialogue=dialogue, user=user, invited_by=invited_by)
        if new:
            log_action(
                actor=invited_by,
                action="dialogue.invited",
                neighbourhood=dialogue.neighbourhood,
                obj=dialogue,
                data={"people": len(new)},
            )
    return len(new)


def dialogue_invite_everyone(*, actor, membership, dialogue: Dialogue) -> bool:
    """Invite every member, through a background job in batches (a city's neighbourhood
    is tens of thousands of people). Once per dialogue: False when already done."""
    _runs(actor, dialogue, membership)
    _open(dialogue)
    if not access.member_may(
        actor,
        access.Action.DIALOGUE_INVITE_ALL,
        neighbourhood=dialogue.neighbourhood,
        membership=membership,
    ):
        raise ValidationError(
            str(access.DENIED_REASONS[access.Action.DIALOGUE_INVITE_ALL]), code="not_allowed"
        )
    from buurtkracht.jobs.services import enqueue

    with transaction.atomic():
        claimed = Dialogue.objects.filter(pk=dialogue.pk, everyone_invited_at__isnull=True).update(
            everyone_invited_at=timezone.now()
        )
        if not claimed:
            return False
        log_action(
            actor=actor,
            action="dialogue.everyone_invited",
            neighbourhood=dialogue.neighbourhood,
            obj=dialogue,
        )
        enqueue("dialogue.invite_members", dialogue.pk, actor.pk, 0)
    return True


def invite_members_batch(*, dialogue_id: int, invited_by_id: int, after_user_id: int) -> int:
    """One batch of the job: members after `after_user_id`, by id; returns the last id
    done, or 0 when every member was invited."""
    from buurtkracht.accounts.models import User

    dialogue = Dialogue.objects.select_related("neighbourhood").filter(pk=dialogue_id).first()
    if dialogue is None or dialogue.cancelled_at is not None:
        return 0
    members = list(
        Membership.objects.filter(neighbourhood=dialogue.neighbourhood, user_id__gt=after_user_id)
        .select_related("user__guidance__registered_by")
        .order_by("user_id")[:INVITE_BATCH]
    )
    if not members:
        return 0
    _invite(
        dialogue,
        [m.user for m in members],
        invited_by=User.objects.filter(pk=invited_by_id).first(),
    )
    return members[-1].user_id if len(members) == INVITE_BATCH else 0


# --- the harvest ------------------------------------------------------------------------------


def harvest_add(
    *,
    actor,
    membership,
    dialogue: Dialogue,
    kind: str,
    text: str,
    step: str = "",
    speaker=None,
    consent: bool = False,
) -> HarvestItem:
    """Write down a quote, an insight, a dream or an action. A quote needs its speaker's
    consent: `consent` says they agreed to it being written down; with a `speaker` (a
    member) it is shown with their name only after they say yes here."""
    _harvests(actor, dialogue, membership)
    if kind not in Kind.values:
        raise field_error("kind", _("Choose what it is."), "invalid")
    text = clean_text(text, field="text", required=True, limit=HARVEST_MAX)
    if step and FORMATS[dialogue.format].step(step) is None:
        raise field_error("step", _("Choose one of the steps of this format."), "invalid")
    if kind != Kind.QUOTE and speaker is not None:
        raise field_error("speaker", _("Only a quote has a speaker."), "invalid")
    if kind == Kind.QUOTE and not consent:
        raise field_error(
            "consent",
            _("Write down a quote only when the speaker agreed. Ask them first."),
            "no_consent",
        )
    if (
        speaker is not None
        and not Membership.objects.filter(
            neighbourhood=dialogue.neighbourhood, user=speaker
        ).exists()
    ):
        raise field_error("speaker", _("Choose a member of this neighbourhood."), "invalid")
    now = timezone.now()
    anonymous_quote = kind == Kind.QUOTE and speaker is None
    with transaction.atomic():
        item = HarvestItem.objects.create(
            dialogue=dialogue,
            kind=kind,
            step=step,
            text=text,
            speaker=speaker,
            created_by=actor,
            consent_method=Method.VERBAL if anonymous_quote else "",
            consent_recorded_by=actor if anonymous_quote else None,
            consent_at=now if anonymous_quote else None,
        )
        if speaker is not None:
            notify(
                user=speaker,
                kind=NotificationKind.DIALOGUE,
                title=gettext_lazy("May we show your name with your words?"),
                body=text[:300],
                url=reverse("dialogue:quotes", kwargs={"slug": dialogue.neighbourhood.slug}),
                neighbourhood=dialogue.neighbourhood,
            )
        log_action(
            actor=actor,
            action="dialogue.harvested",
            neighbourhood=dialogue.neighbourhood,
            obj=item,
        )
    return item


def harvest_remove(*, actor, membership, item: HarvestItem) -> None:
    """Taken away by who may harvest — or by the speaker of a quote (their own words)."""
    dialogue = item.dialogue
    if item.speaker_id != actor.pk:
        _harvests(actor, dialogue, membership)
    with transaction.atomic():
        log_action(
            actor=actor,
            action="dialogue.harvest_removed",
            neighbourhood=dialogue.neighbourhood,
            obj=item,
        )
        item.delete()


QUOTE_ANSWERS = ("named", "anonymous", "no")


def quote_answer(*, actor, item: HarvestItem, answer: str) -> HarvestItem | None:
    """The speaker answers: with their name, without it, or not at all (then the quote
    goes). Answered once; only the speaker."""
    if item.speaker_id != actor.pk or item.consent_at is not None:
        raise ValidationError(_("There is no question for you here."), code="not_yours")
    if answer not in QUOTE_ANSWERS:
        raise ValidationError(_("Choose one of the answers."), code="invalid")
    with transaction.atomic():
        log_action(
            actor=actor,
            action=f"dialogue.quote_{answer}",
            neighbourhood=item.dialogue.neighbourhood,
            obj=item,
        )
        if answer == "no":
            item.delete()
            return None
        item.consent_at = timezone.now()
        item.consent_method = Method.ONLINE
        item.consent_recorded_by = actor
        if answer == "anonymous":
            item.speaker = None
        item.save(update_fields=["consent_at", "consent_method", "consent_recorded_by", "speaker"])
    return item


def _claim(item: HarvestItem, **target) -> None:
    """Link the action to what it became, once (a second click finds it taken)."""
    taken = HarvestItem.objects.filter(
        pk=item.pk, kind=Kind.ACTION, initiative__isnull=True, task__isnull=True
    ).update(**target)
    if not taken:
        raise ValidationError(_("Someone already took this action up."), code="taken")


def action_to_initiative(
    *, actor, membership, item: HarvestItem, name: str, what_and_why: str
) -> object:
    """A resident takes an action up as their own initiative. Residents own initiatives,
    professionals never do (rule 3): `initiative_create` refuses them."""
    dialogue = item.dialogue
    _member(actor, dialogue.neighbourhood, membership)
    if item.kind != Kind.ACTION:
        raise ValidationError(_("Only an action can become an initiative."), code="not_action")
    with transaction.atomic():
        initiative = initiatives.initiative_create(
            actor=actor,
            membership=membership,
            neighbourhood=dialogue.neighbourhood,
            name=name,
            what_and_why=what_and_why,
        )
        _claim(item, initiative=initiative)
        log_action(
            actor=actor,
            action="dialogue.action_to_initiative",
            neighbourhood=dialogue.neighbourhood,
            obj=item,
        )
    return initiative


def action_to_task(*, actor, membership, item: HarvestItem, initiative) -> object:
    """An owner of an initiative makes the action one of its tasks."""
    dialogue = item.dialogue
    _member(actor, dialogue.neighbourhood, membership)
    if item.kind != Kind.ACTION:
        raise ValidationError(_("Only an action can become a task."), code="not_action")
    if initiative.neighbourhood_id != dialogue.neighbourhood_id:
        raise ValidationError(_("Choose an initiative of this neighbourhood."), code="invalid")
    with transaction.atomic():
        task = initiatives.task_add(actor=actor, initiative=initiative, title=item.text[:120])
        _claim(item, task=task)
        log_action(
            actor=actor,
            action="dialogue.action_to_task",
            neighbourhood=dialogue.neighbourhood,
            obj=item,
        )
    return task
