"""Writes for resident initiatives. Each runs in a transaction, logs what it did, and
refuses bad input with a Dutch ValidationError before anything is written.

Owners are residents (product rule 3: professionals back initiatives, they do not own
them): only members whose role in the neighbourhood is resident, connector or
administrator can own one, and an initiative always keeps at least one owner (the owners'
rows are locked while one is removed). Seats at an activity are taken with a conditional
UPDATE checked by the database (see models)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core.choices import Role as NeighbourhoodRole
from buurtkracht.core.logging import log_action
from buurtkracht.exchange.services import answer_once
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import require_membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify
from buurtkracht.people.services import contact_connect
from buurtkracht.timebank import services as timebank

from .models import (
    NAME_MAX,
    TEXT_MAX,
    Activity,
    Initiative,
    Involvement,
    Recurrence,
    Role,
    SignUp,
    SignUpStatus,
    Task,
    TaskInvitation,
)

OWNER_ROLES = (NeighbourhoodRole.RESIDENT, NeighbourhoodRole.CONNECTOR, NeighbourhoodRole.ADMIN)
LAST_OWNER = _("An initiative always has an owner. Make someone else owner first.")


_membership = require_membership


def _can_own(user, neighbourhood) -> bool:
    return Membership.objects.filter(
        user=user, neighbourhood=neighbourhood, role__in=OWNER_ROLES
    ).exists()


def role_of(user, initiative) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Involvement.objects.filter(initiative=initiative, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _require_owner(user, initiative) -> None:
    if role_of(user, initiative) != Role.OWNER:
        raise ValidationError(_("Only the owners of this initiative can do this."))
    if not initiative.is_open:
        raise ValidationError(_("This initiative has been closed."))


def _text(value: str, *, field: str, required: bool, limit: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Fill this in.")})
    if len(value) > limit:
        raise ValidationError(
            {field: _("At most %(limit)s characters, please.") % {"limit": limit}}
        )
    return value


# --- Initiatives and the people in them -----------------------------------------------------


def initiative_create(
    *,
    actor,
    neighbourhood,
    name: str,
    what_and_why: str,
    for_whom: str = "",
    place=None,
    address: str = "",
    photo=None,
) -> Initiative:
    """A resident starts an initiative and is its first owner."""
    _membership(actor, neighbourhood)
    if not _can_own(actor, neighbourhood):
        raise ValidationError(
            _("Initiatives are owned by residents. As a professional you can support one.")
        )
    name = _text(name, field="name", required=True, limit=NAME_MAX)
    what_and_why = _text(what_and_why, field="what_and_why", required=True, limit=TEXT_MAX)
    for_whom = _text(for_whom, field="for_whom", required=False, limit=300)
    address = _text(address, field="address", required=False, limit=200)
    if place is not None and place.neighbourhood_id != neighbourhood.pk:
        raise ValidationError({"place": _("Choose a place in this neighbourhood.")})
    cleaned = _photo(photo)
    with transaction.atomic():
        if Initiative.objects.filter(neighbourhood=neighbourhood, name__iexact=name).exists():
            raise ValidationError({"name": _("There is already an initiative with this name.")})
        try:
            with transaction.atomic():
                initiative = Initiative.objects.create(
                    neighbourhood=neighbourhood,
                    name=name,
                    what_and_why=what_and_why,
                    for_whom=for_whom,
                    place=place,
                    address=address,
                )
                if cleaned is not None:
                    initiative.photo.save(cleaned.name, cleaned, save=True)
        except IntegrityError:
            raise ValidationError(
                {"name": _("There is already an initiative with this name.")}
            ) from None
        Involvement.objects.create(initiative=initiative, user=actor, role=Role.OWNER)
        timebank.initiative_opened(initiative)
        log_action(
            actor=actor, action="initiative.created", neighbourhood=neighbourhood, obj=initiative
        )
    return initiative


def _photo(upload):
    """A checked, re-encoded photo (no EXIF, so no location), or None when there is none."""
    from buurtkracht.core.photos import clean_photo, validate_photo

    if not upload:
        return None
    try:
        validate_photo(upload)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    return clean_photo(upload)


def initiative_update(*, actor, initiative: Initiative, **fields) -> Initiative:
    """An owner changes the description; a new photo replaces the old one (no photo in
    `fields`, or None: the photo stays)."""
    allowed = {"name", "what_and_why", "for_whom", "place", "address", "photo"}
    if set(fields) - allowed:
        raise ValueError(f"not editable: {sorted(set(fields) - allowed)}")
    _require_owner(actor, initiative)
    cleaned = _photo(fields.pop("photo", None))
    limits = {"name": NAME_MAX, "what_and_why": TEXT_MAX, "for_whom": 300, "address": 200}
    with transaction.atomic():
        for key, value in fields.items():
            if key in limits:
                value = _text(
                    value, field=key, required=key in ("name", "what_and_why"), limit=limits[key]
                )
            setattr(initiative, key, value)
        if (
            Initiative.objects.filter(
                neighbourhood=initiative.neighbourhood, name__iexact=initiative.name
            )
            .exclude(pk=initiative.pk)
            .exists()
        ):
            raise ValidationError({"name": _("There is already an initiative with this name.")})
        if cleaned is not None:
            initiative.photo.save(cleaned.name, cleaned, save=False)
        initiative.save()
        timebank.initiative_changed(initiative)
        log_action(
            actor=actor,
            action="initiative.updated",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
            data={"fields": sorted([*fields, *(["photo"] if cleaned else [])])},
        )
    return initiative


def initiative_close(*, actor, initiative: Initiative) -> Initiative:
    _require_owner(actor, initiative)
    with transaction.atomic():
        Initiative.objects.filter(pk=initiative.pk).update(is_open=False)
        initiative.is_open = False
        timebank.initiative_changed(initiative)
        log_action(
            actor=actor,
            action="initiative.closed",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
        )
    initiative.refresh_from_db()
    return initiative


def ask_to_join(*, actor, initiative: Initiative) -> Involvement:
    """A member of the neighbourhood asks to join; the owners decide."""
    _membership(actor, initiative.neighbourhood)
    if not initiative.is_open:
        raise ValidationError(_("This initiative has been closed."))
    try:
        with transaction.atomic():
            involvement = Involvement.objects.create(
                initiative=initiative, user=actor, role=Role.ASKED
            )
            log_action(
                actor=actor,
                action="initiative.asked",
                neighbourhood=initiative.neighbourhood,
                obj=initiative,
            )
    except IntegrityError:
        raise ValidationError(_("You are already part of this initiative.")) from None
    return involvement


def decide(*, actor, involvement: Involvement, accept: bool) -> Involvement | None:
    """An owner lets someone in who asked, or says no."""
    _require_owner(actor, involvement.initiative)
    with transaction.atomic():
        changed = Involvement.objects.filter(pk=involvement.pk, role=Role.ASKED)
        done = changed.update(role=Role.MEMBER) if accept else changed.delete()[0]
        if not done:
            raise ValidationError(_("This request has already been answered."))
        log_action(
            actor=actor,
            action="initiative.accepted" if accept else "initiative.declined",
            neighbourhood=involvement.initiative.neighbourhood,
            obj=involvement.initiative,
            data={"user": involvement.user_id},
        )
    if not accept:
        return None
    involvement.refresh_from_db()
    return involvement


def _lock_owners(initiative) -> int:
    return len(
        list(
            Involvement.objects.select_for_update()
            .filter(initiative=initiative, role=Role.OWNER)
            .values_list("pk", flat=True)
        )
    )


def set_role(*, actor, involvement: Involvement, role: str) -> Involvement:
    """An owner makes a member owner, or an owner member again (never the last owner)."""
    initiative = involvement.initiative
    _require_owner(actor, initiative)
    if role not in (Role.OWNER, Role.MEMBER):
        raise ValueError(role)
    if role == Role.OWNER and not _can_own(involvement.user, initiative.neighbourhood):
        raise ValidationError(
            _("Initiatives are owned by residents. A professional can support it.")
        )
    with transaction.atomic():
        if involvement.role == Role.OWNER and role != Role.OWNER and _lock_owners(initiative) <= 1:
            raise ValidationError(str(LAST_OWNER))
        Involvement.objects.filter(pk=involvement.pk).update(role=role)
        log_action(
            actor=actor,
            action="initiative.role_set",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
            data={"user": involvement.user_id, "role": role},
        )
    involvement.refresh_from_db()
    return involvement


def leave(*, actor, initiative: Initiative) -> None:
    """Someone leaves (an owner only when another owner stays); their tasks open up."""
    with transaction.atomic():
        involvement = Involvement.objects.filter(initiative=initiative, user=actor).first()
        if involvement is None:
            raise ValidationError(_("You are not part of this initiative."))
        if involvement.role == Role.OWNER and _lock_owners(initiative) <= 1:
            raise ValidationError(str(LAST_OWNER))
        involvement.delete()
        Task.objects.filter(initiative=initiative, carried_by=actor).update(carried_by=None)
        log_action(
            actor=actor,
            action="initiative.left",
            neighbourhood=initiative.neighbourhood,
            obj=initiative,
        )


# --- Tasks and roles ---------------------------------------------------------------------


def task_add(
    *,
    actor,
    initiative: Initiative,
    title: str,
    recurrence: str = Recurrence.ONCE,
    minutes: int | None = None,
    carried_by=None,
) -> Task:
    _require_owner(actor, initiative)
    title = _text(title, field="title", required=True, limit=NAME_MAX)
    if recurrence not in Recurrence.values:
        raise ValidationError({"recurrence": _("Choose how often.")})
    if minutes is not None and not 1 <= minutes <= 24 * 60:
        raise ValidationError({"minutes": _("Between 1 minute and 24 hours, please.")})
    if carried_by is not None and role_of(carried_by, initiative) not in (Role.OWNER, Role.MEMBER):
        raise ValidationError({"carried_by": _("Only people of the initiative can carry a task.")})
    with transaction.atomic():
        task = Task.objects.create(
            initiative=initiative,
            title=title,
            recurrence=recurrence,
            minutes=minutes,
            carried_by=carried_by,
        )
        log_action(
            actor=actor, action="task.added", neighbourhood=initiative.neighbourhood, obj=task
        )
    return task


def task_take(*, actor, task: Task) -> Task:
    """A person of the initiative takes an open task (one at a time: the first wins)."""
    initiative = task.initiative
    if role_of(actor, initiative) not in (Role.OWNER, Role.MEMBER):
        raise ValidationError(_("Join the initiative first; then you can take a task."))
    with transaction.atomic():
        if not Task.objects.filter(pk=task.pk, carried_by__isnull=True).update(carried_by=actor):
            raise ValidationError(_("Someone else already carries this task."))
        log_action(
            actor=actor, action="task.taken", neighbourhood=initiative.neighbourhood, obj=task
        )
    task.refresh_from_db()
    return task


def task_release(*, actor, task: Task) -> Task:
    """The carrier (or an owner) hands a task back: it is open again."""
    initiative = task.initiative
    if task.carried_by_id != actor.pk and role_of(actor, initiative) != Role.OWNER:
        raise ValidationError(_("Only the carrier or an owner can hand this task back."))
    with transaction.atomic():
        Task.objects.filter(pk=task.pk).update(carried_by=None)
        log_action(
            actor=actor, action="task.released", neighbourhood=initiative.neighbourhood, obj=task
        )
    task.refresh_from_db()
    return task


def task_invite(
    *, actor, task: Task, invitee, message: str = "", reason: str = ""
) -> TaskInvitation:
    """An owner invites a neighbour to take an open task (the same flow as inviting someone
    to help with a request: they decide themselves)."""
    initiative = task.initiative
    _require_owner(actor, initiative)
    if task.carried_by_id is not None:
        raise ValidationError(_("Someone else already carries this task."))
    if invitee.pk == actor.pk:
        raise ValidationError(_("You cannot invite yourself."))
    if not Membership.objects.filter(user=invitee, neighbourhood=initiative.neighbourhood).exists():
        raise ValidationError(_("This person is not a member of this neighbourhood."))
    message = _text(message, field="message", required=False, limit=300)
    try:
        with transaction.atomic():
            invitation = TaskInvitation.objects.create(
                task=task,
                invitee=invitee,
                invited_by=actor,
                message=message,
                reason=(reason or "")[:300],
            )
            notify(
                user=invitee,
                kind=Kind.INVITATION,
                title=gettext_lazy("Would you like to help with %(initiative)s?"),
                body=gettext_lazy("You decide yourself. Saying no is fine."),
                params={"initiative": initiative.name},
                url=reverse(
                    "initiatives:invitation",
                    kwargs={"slug": initiative.neighbourhood.slug, "invitation_id": invitation.pk},
                ),
                neighbourhood=initiative.neighbourhood,
            )
            log_action(
                actor=actor,
                action="task.invited",
                neighbourhood=initiative.neighbourhood,
                obj=invitation,
                data={"task": task.pk, "invitee": invitee.pk},
            )
    except IntegrityError:
        raise ValidationError(_("You already invited this person for this task.")) from None
    return invitation


def task_invitation_answer(*, actor, invitation: TaskInvitation, accept: bool) -> Task | None:
    """The invited person says yes or no, once. Yes makes them a member of the initiative
    who carries the task, and puts them in contact with the owner who asked. When someone
    else took the task meanwhile, the yes is refused and nothing changes (they may still
    say no, or join the initiative another way)."""
    task = invitation.task
    initiative = task.initiative
    with transaction.atomic():
        answer_once(invitation, actor=actor, accept=accept)
        log_action(
            actor=actor,
            action="task.invitation_accepted" if accept else "task.invitation_declined",
            neighbourhood=initiative.neighbourhood,
            obj=invitation,
        )
        url = reverse(
            "initiatives:detail",
            kwargs={"slug": initiative.neighbourhood.slug, "initiative_id": initiative.pk},
        )
        if not accept:
            notify(
                user=invitation.invited_by,
                kind=Kind.INVITATION_ANSWERED,
                title=gettext_lazy("Someone said no this time. Invite someone else?"),
                url=url,
                neighbourhood=initiative.neighbourhood,
            )
            invitation.refresh_from_db()
            return None
        if not initiative.is_open:
            raise ValidationError(_("This initiative has been closed."))
        involvement, created = Involvement.objects.get_or_create(
            initiative=initiative, user=actor, defaults={"role": Role.MEMBER}
        )
        if not created and involvement.role == Role.ASKED:
            Involvement.objects.filter(pk=involvement.pk).update(role=Role.MEMBER)
        if not Task.objects.filter(pk=task.pk, carried_by__isnull=True).update(carried_by=actor):
            raise ValidationError(
                _("Someone else took this task in the meantime. Thank you all the same!")
            )
        contact_connect(a=actor, b=invitation.invited_by, source="initiative")
        notify(
            user=invitation.invited_by,
            kind=Kind.INVITATION_ANSWERED,
            title=gettext_lazy("Good news: someone said yes to a task."),
            body=gettext_lazy("You can now see each other's details."),
            url=url,
            neighbourhood=initiative.neighbourhood,
        )
    invitation.refresh_from_db()
    task.refresh_from_db()
    return task


def time_donate(*, actor, initiative: Initiative, minutes, key: str | None = None):
    """A member of the neighbourhood gives time to the initiative (its time bank account)."""
    if not initiative.is_open:
        raise ValidationError(_("This initiative has been closed."))
    account = timebank.initiative_account(initiative)
    return timebank.donate(
        actor=actor,
        neighbourhood=initiative.neighbourhood,
        to_account=account,
        minutes=minutes,
        key=key,
    )


# --- Activities ----------------------------------------------------------------------------


def activity_add(
    *,
    actor,
    initiative: Initiative,
    title: str,
    starts_at,
    ends_at,
    place=None,
    address: str = "",
    capacity: int | None = None,
) -> Activity:
    _require_owner(actor, initiative)
    title = _text(title, field="title", required=True, limit=NAME_MAX)
    address = _text(address, field="address", required=False, limit=200)
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give a day, a start time and an end time."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a moment in the future.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("At least 1 place, or leave it empty.")})
    if place is not None and place.neighbourhood_id != initiative.neighbourhood_id:
        raise ValidationError({"place": _("Choose a place in this neighbourhood.")})
    with transaction.atomic():
        activity = Activity.objects.create(
            initiative=initiative,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            address=address,
            capacity=capacity,
        )
        log_action(
            actor=actor,
            action="activity.added",
            neighbourhood=initiative.neighbourhood,
            obj=activity,
        )
    return activity


def activity_cancel(*, actor, activity: Activity) -> Activity:
    _require_owner(actor, activity.initiative)
    with transaction.atomic():
        if not Activity.objects.filter(pk=activity.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        ):
            raise ValidationError(_("This activity has already been cancelled."))
        log_action(
            actor=actor,
            action="activity.cancelled",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
        )
    activity.refresh_from_db()
    return activity


def _take_seat(activity_id: int) -> bool:
    """One seat, if there is one: the database decides (conditional UPDATE + CHECK)."""
    return bool(
        Activity.objects.filter(pk=activity_id)
        .filter(Q(capacity__isnull=True) | Q(confirmed__lt=F("capacity")))
        .update(confirmed=F("confirmed") + 1)
    )


def sign_up(*, actor, activity: Activity) -> SignUp:
    """A member of the neighbourhood signs up: a seat if there is one, else the waiting list."""
    _membership(actor, activity.initiative.neighbourhood)
    if activity.cancelled_at is not None:
        raise ValidationError(_("This activity has been cancelled."))
    if activity.starts_at <= timezone.now():
        raise ValidationError(_("This activity has already started."))
    with transaction.atomic():
        existing = SignUp.objects.select_for_update().filter(activity=activity, user=actor).first()
        if existing is not None and existing.status != SignUpStatus.CANCELLED:
            raise ValidationError(_("You are already signed up."))
        status = SignUpStatus.CONFIRMED if _take_seat(activity.pk) else SignUpStatus.WAITING
        try:
            with transaction.atomic():
                if existing is not None:
                    SignUp.objects.filter(pk=existing.pk).update(
                        status=status, created_at=timezone.now()
                    )
                    signup = SignUp.objects.get(pk=existing.pk)
                else:
                    signup = SignUp.objects.create(activity=activity, user=actor, status=status)
        except IntegrityError:  # signed up at the same moment in another tab
            raise ValidationError(_("You are already signed up.")) from None
        log_action(
            actor=actor,
            action="activity.signed_up",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
            data={"status": status},
        )
    return signup


def sign_up_cancel(*, actor, activity: Activity) -> SignUp:
    """Someone cancels: a confirmed seat goes to the first on the waiting list."""
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(activity=activity, user=actor).first()
        if signup is None or signup.status == SignUpStatus.CANCELLED:
            raise ValidationError(_("You are not signed up."))
        was_confirmed = signup.status == SignUpStatus.CONFIRMED
        SignUp.objects.filter(pk=signup.pk).update(status=SignUpStatus.CANCELLED)
        if was_confirmed:
            Activity.objects.filter(pk=activity.pk).update(confirmed=F("confirmed") - 1)
            waiting = (
                SignUp.objects.select_for_update()
                .filter(activity=activity, status=SignUpStatus.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if waiting is not None and _take_seat(activity.pk):
                SignUp.objects.filter(pk=waiting.pk).update(status=SignUpStatus.CONFIRMED)
        log_action(
            actor=actor,
            action="activity.sign_up_cancelled",
            neighbourhood=activity.initiative.neighbourhood,
            obj=activity,
        )
    signup.refresh_from_db()
    return signup


# --- Support (rugdekking) and updates ----------------------------------------------------

SUPPORTER_ROLES = (
    NeighbourhoodRole.PROFESSIONAL,
    NeighbourhoodRole.FACILITATOR,
    NeighbourhoodRole.ADMIN,
)


def support_record(*, actor, initiative: Initiative, kind: str, description: str, given_on):
    """A professional or organisation records what it offers or gave, or did. It gives
    them no say over the initiative (rule 3: backing, not taking over)."""
    from .models import Support, SupportKind

    membership = _membership(actor, initiative.neighbourhood)
    if membership.role not in SUPPORTER_ROLES:
        raise ValidationError(_("Professionals and organisations record their support here."))
    if kind not in SupportKind.values:
        raise ValidationError({"kind": _("Choose what kind of support.")})
    description = _text(description, field="description", required=True, limit=500)
    if given_on is None:
        raise ValidationError({"given_on": _("Give a date.")})
    today = timezone.localdate()
    if abs((given_on - today).days) > 5 * 366:
        raise ValidationError({"given_on": _("Give a date within five years from today.")})
    with transaction.atomic():
        support = Support.objects.create(
            initiative=initiative,
            organisation=membership.organisation,
            recorded_by=actor,
            kind=kind,
            description=description,
            given_on=given_on,
        )
        log_action(
            actor=actor,
            action="initiative.support_recorded",
            neighbourhood=initiative.neighbourhood,
            obj=support,
        )
    return support


def update_post(*, actor, initiative: Initiative, text: str, photo=None):
    """Someone of the initiative posts news or a story, with a photo if they like."""
    from buurtkracht.core.photos import clean_photo, validate_photo

    from .models import Update

    if role_of(actor, initiative) not in (Role.OWNER, Role.MEMBER):
        raise ValidationError(_("Only the people of this initiative can post news here."))
    if not initiative.is_open:
        raise ValidationError(_("This initiative has been closed."))
    text = _text(text, field="text", required=True, limit=TEXT_MAX)
    cleaned = None
    if photo:
        validate_photo(photo)
        cleaned = clean_photo(photo)
    with transaction.atomic():
        update = Update(initiative=initiative, author=actor, text=text)
        if cleaned is not None:
            update.photo.save(cleaned.name, cleaned, save=False)
        update.save()
        log_action(
            actor=actor,
            action="initiative.update_posted",
            neighbourhood=initiative.neighbourhood,
            obj=update,
        )
    return update


# --- Residents' budget -------------------------------------------------------------------

MAX_LINES = 30


def budget_request(*, actor, initiative: Initiative, title: str, lines):
    """Owners write a budget request: a title and lines of (description, amount in euro).
    All lines or none; amounts above zero, at most two decimals."""
    from decimal import Decimal, InvalidOperation

    from .models import BudgetLine, BudgetRequest

    _require_owner(actor, initiative)
    title = _text(title, field="title", required=True, limit=NAME_MAX)
    cleaned = []
    for number, (description, amount) in enumerate(lines, 1):
        description = (description or "").strip()
        if not description and not str(amount or "").strip():
            continue
        try:
            value = Decimal(str(amount).replace(",", ".").strip())
        except (InvalidOperation, ValueError):
            value = None
        if (
            not description
            or value is None
            or value <= 0
            or value != value.quantize(Decimal("0.01"))
            or value >= Decimal("100000000")
        ):
            raise ValidationError(
                _("Line %(number)s: give what it is for and an amount above zero, like 125,50.")
                % {"number": number}
            )
        cleaned.append((description[:200], value))
    if not cleaned:
        raise ValidationError(_("Add at least one budget line."))
    if len(cleaned) > MAX_LINES:
        raise ValidationError(_("At most %(max)s lines, please.") % {"max": MAX_LINES})
    with transaction.atomic():
        request = BudgetRequest.objects.create(initiative=initiative, title=title)
        BudgetLine.objects.bulk_create(
            [BudgetLine(request=request, description=d, amount=a) for d, a in cleaned]
        )
        log_action(
            actor=actor,
            action="budget.requested",
            neighbourhood=initiative.neighbourhood,
            obj=request,
            data={"lines": len(cleaned), "total": str(sum(a for _d, a in cleaned))},
        )
    return request


def budget_status(*, actor, request, status: str, granted=None, account: str = ""):
    """Owners record where the request stands: sent, the municipality's decision (with
    the amount granted), and afterwards a short account."""
    from decimal import Decimal, InvalidOperation

    from .models import BudgetRequest, BudgetStatus

    _require_owner(actor, request.initiative)
    if status not in BudgetStatus.values:
        raise ValidationError(_("Choose where the request stands."))
    amount = None
    if status in (BudgetStatus.GRANTED, BudgetStatus.PARTLY):
        try:
            amount = Decimal(str(granted).replace(",", ".").strip())
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or amount < 0:
            raise ValidationError(_("Give the amount the municipality granted."))
    account = _text(account, field="account", required=False, limit=TEXT_MAX)
    with transaction.atomic():
        BudgetRequest.objects.filter(pk=request.pk).update(
            status=status,
            granted=amount,
            account=account or request.account,
            decided_at=timezone.now()
            if status in (BudgetStatus.GRANTED, BudgetStatus.PARTLY, BudgetStatus.REFUSED)
            else None,
        )
        log_action(
            actor=actor,
            action="budget.status",
            neighbourhood=request.initiative.neighbourhood,
            obj=request,
            data={"status": status, "granted": str(amount) if amount is not None else None},
        )
    request.refresh_from_db()
    return request


# --- Reminders ------------------------------------------------------------------------------

REMINDER_TITLE = gettext_lazy("Tomorrow: %(title)s (%(initiative)s)")
REMINDER_BODY = gettext_lazy(
    "You signed up for %(title)s on %(when)s. Can you not come? Cancel on the page, so "
    "someone from the waiting list can go."
)


def activities_send_reminders(*, now=None, window=timedelta(hours=24)) -> int:
    """Remind everyone signed up (confirmed) for an activity that starts within `window`,
    once per activity: in the app, and by mail right away unless they chose no e-mail
    (decision 0018). Safe to run twice at once: an activity is claimed first."""
    from django.urls import reverse

    from buurtkracht.notifications.models import Kind
    from buurtkracht.notifications.services import notify

    now = now or timezone.now()
    due = Activity.objects.filter(
        cancelled_at__isnull=True,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + window,
        initiative__is_open=True,
    ).select_related("initiative__neighbourhood")
    sent = 0
    for activity in due:
        with transaction.atomic():
            if not Activity.objects.filter(pk=activity.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            hood = activity.initiative.neighbourhood
            url = reverse(
                "initiatives:detail",
                kwargs={"slug": hood.slug, "initiative_id": activity.initiative_id},
            )
            when = timezone.localtime(activity.starts_at).strftime("%d-%m-%Y %H:%M")
            for signup in activity.sign_ups.filter(status=SignUpStatus.CONFIRMED).select_related(
                "user"
            ):
                notify(
                    user=signup.user,
                    kind=Kind.ACTIVITY_REMINDER,
                    title=REMINDER_TITLE,
                    body=REMINDER_BODY,
                    url=url,
                    neighbourhood=hood,
                    params={
                        "title": activity.title,
                        "initiative": activity.initiative.name,
                        "when": when,
                    },
                )
                sent += 1
            log_action(actor=None, action="activity.reminded", neighbourhood=hood, obj=activity)
    return sent
