"""Writes for the relationship network: "ik ken" ties (the other agrees), introductions a
connector proposes (both agree; product rule 2), and importing a relationship map (a dry
run first, then all or nothing). Each runs in a transaction and logs what it did."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.access import Action
from buurtkracht.core.logging import log_action
from buurtkracht.core.threads import clean_message
from buurtkracht.neighbourhoods.models import Membership, Neighbourhood
from buurtkracht.neighbourhoods.services import acting_membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify
from buurtkracht.people import contact
from buurtkracht.people.services import contact_connect

from . import edgelist, selectors
from .models import (
    Acquaintance,
    Answer,
    ImportedTie,
    Introduction,
    IntroductionMessage,
    TieImport,
    WatchGroup,
)
from .ties import PEOPLE_ROLES

REASON_MAX = 300
IMPORT_MAX_ROWS = 100_000
"""A neighbourhood's relationship map; bigger files are refused with a clear message."""
PROBLEMS_SHOWN = 50
"""Problems listed on the page (the rest are counted)."""


def _may(
    actor, membership: Membership | None, action: Action, refusal: str, *, neighbourhood=None
) -> Neighbourhood:
    """Services check the central access module too (views are not the only way in), for
    the membership they act for: in `neighbourhood`, or else in the membership's own.
    Returns the neighbourhood."""
    if membership is None:
        raise ValidationError(refusal, code="not_allowed")
    neighbourhood = neighbourhood or membership.neighbourhood
    if not access.member_may(actor, action, neighbourhood=neighbourhood, membership=membership):
        raise ValidationError(refusal, code="not_allowed")
    return neighbourhood


def _resident(user, neighbourhood) -> None:
    if not access.is_network_person(user, neighbourhood):
        raise ValidationError(
            _("This person is not a resident of this neighbourhood."), code="not_a_resident"
        )


# --- "Ik ken" ----------------------------------------------------------------------------


def acquaintance_add(*, actor, neighbourhood, other, membership: Membership | None) -> Acquaintance:
    """A resident says they know `other`; it counts once `other` agrees (`membership`:
    the actor's in `neighbourhood`, None when they are not a member)."""
    acting_membership(actor, neighbourhood, membership)
    if other.pk == actor.pk:
        raise ValidationError(_("You cannot add yourself."), code="self")
    _resident(other, neighbourhood)
    if Acquaintance.objects.filter(
        neighbourhood=neighbourhood, from_user=other, to_user=actor
    ).exists():
        raise ValidationError(
            _("This neighbour already asked you. Answer their question."), code="asked_you_first"
        )
    try:
        with transaction.atomic():
            made = Acquaintance.objects.create(
                neighbourhood=neighbourhood, from_user=actor, to_user=other
            )
            notify(
                user=other,
                kind=Kind.INVITATION,
                title=gettext_lazy("A neighbour says they know you. Is that right?"),
                url=reverse("network:mine", kwargs={"slug": neighbourhood.slug}),
                neighbourhood=neighbourhood,
            )
            log_action(
                actor=actor, action="network.know_asked", neighbourhood=neighbourhood, obj=made
            )
    except IntegrityError:
        raise ValidationError(
            _("You already added this neighbour."), code="already_added"
        ) from None
    return made


def acquaintance_answer(*, actor, acquaintance: Acquaintance, yes: bool) -> Acquaintance:
    if not access.may_answer_acquaintance(actor, acquaintance):
        raise ValidationError(_("Only the person who was named can answer."), code="not_named")
    with transaction.atomic():
        if not Acquaintance.objects.filter(pk=acquaintance.pk, answer=Answer.PENDING).update(
            answer=Answer.YES if yes else Answer.NO, answered_at=timezone.now()
        ):
            raise ValidationError(_("You already answered this."), code="already_answered")
        if yes:
            contact_connect(a=acquaintance.from_user, b=actor, source="acquaintance")
        log_action(
            actor=actor,
            action="network.know_yes" if yes else "network.know_no",
            neighbourhood=acquaintance.neighbourhood,
            obj=acquaintance,
        )
    acquaintance.refresh_from_db()
    return acquaintance


# --- Introductions -----------------------------------------------------------------------


def introduction_propose(
    *, actor, membership: Membership | None, one, other, reason: str = "", message: str = ""
) -> Introduction:
    """A connector (or professional; `membership` is theirs) proposes that two residents
    of its neighbourhood meet. Both decide. `reason` is the platform's
    (`selectors.stored_reason`); `message` the proposer's own words, shown as theirs."""
    neighbourhood = _may(
        actor,
        membership,
        Action.NETWORK_VIEW,
        _("Only connectors and professionals can propose an introduction."),
    )
    if one.pk == other.pk:
        raise ValidationError(_("Choose two different people."), code="same_person")
    if actor.pk in (one.pk, other.pk):
        raise ValidationError(
            _("Introduce two other people; you can contact people yourself."), code="self"
        )
    for person in (one, other):
        _resident(person, neighbourhood)
    if not access.may_be_introduced(neighbourhood=neighbourhood, user_ids=[one.pk, other.pk]):
        raise ValidationError(
            _("Both people must have allowed being named before you can introduce them."),
            code="no_consent",
        )
    if selectors.resting(neighbourhood, among=[one.pk, other.pk]):
        raise ValidationError(
            _(
                "One of them does not want to be asked right now, or was asked as often as "
                "they allow this month. Try again later."
            ),
            code="resting",
        )
    reason = (reason or "").strip()[:REASON_MAX]
    message = (message or "").strip()
    if len(message) > REASON_MAX:
        raise ValidationError(
            {
                "message": ValidationError(
                    _("Keep it under %(max)d characters.") % {"max": REASON_MAX}, code="too_long"
                )
            }
        )
    a, b = sorted((one, other), key=lambda u: u.pk)
    try:
        with transaction.atomic():
            made = Introduction.objects.create(
                neighbourhood=neighbourhood,
                proposed_by=actor,
                person_a=a,
                person_b=b,
                reason=reason,
                message=message,
            )
            for person in (a, b):
                notify(
                    user=person,
                    kind=Kind.INVITATION,
                    title=gettext_lazy("A connector would like you to meet a neighbour."),
                    body=gettext_lazy("You decide yourself. Saying no is fine."),
                    url=reverse(
                        "network:introduction",
                        kwargs={"slug": neighbourhood.slug, "introduction_id": made.pk},
                    ),
                    neighbourhood=neighbourhood,
                )
            log_action(
                actor=actor, action="network.introduced", neighbourhood=neighbourhood, obj=made
            )
    except IntegrityError:
        raise ValidationError(
            _("These two have already been introduced."), code="already_introduced"
        ) from None
    return made


def _introduction_url(introduction: Introduction) -> str:
    return reverse(
        "network:introduction",
        kwargs={"slug": introduction.neighbourhood.slug, "introduction_id": introduction.pk},
    )


def introduction_answer(*, actor, introduction: Introduction, yes: bool) -> Introduction:
    """One of the two says yes or no, once. The second yes makes the contact and the tie."""
    side = access.introduction_side(actor, introduction)
    if side is None:
        raise ValidationError(
            _("Only the two people introduced can answer."), code="not_introduced"
        )
    field_name = f"answer_{side}"
    with transaction.atomic():
        if not Introduction.objects.filter(
            pk=introduction.pk, **{field_name: Answer.PENDING}
        ).update(**{field_name: Answer.YES if yes else Answer.NO}):
            raise ValidationError(_("You already answered this."), code="already_answered")
        both = Introduction.objects.filter(
            pk=introduction.pk, answer_a=Answer.YES, answer_b=Answer.YES, accepted_at__isnull=True
        ).update(accepted_at=timezone.now())
        introduction.refresh_from_db()
        if both:
            contact_connect(a=introduction.person_a, b=introduction.person_b, source="introduction")
            for person in (introduction.person_a, introduction.person_b, introduction.proposed_by):
                notify(
                    user=person,
                    kind=Kind.INVITATION_ANSWERED,
                    title=gettext_lazy("Both said yes: you can now see each other's details."),
                    url=_introduction_url(introduction),
                    neighbourhood=introduction.neighbourhood,
                )
        log_action(
            actor=actor,
            action="network.introduction_yes" if yes else "network.introduction_no",
            neighbourhood=introduction.neighbourhood,
            obj=introduction,
        )
    return introduction


def introduction_message(*, actor, introduction: Introduction, text: str) -> IntroductionMessage:
    """One of two people who both said yes writes to the other; the other is told (and
    their buurtwerker, when they chose that route)."""
    if access.introduction_side(actor, introduction) is None:
        raise ValidationError(_("Only the two people introduced can write here."), code="not_yours")
    if introduction.accepted_at is None:
        raise ValidationError(
            _("You can write to each other once you both said yes."), code="not_accepted"
        )
    text = clean_message(text)
    other = introduction.person_b if actor.pk == introduction.person_a_id else introduction.person_a
    with transaction.atomic():
        message = IntroductionMessage.objects.create(
            introduction=introduction, author=actor, text=text
        )
        contact.pass_on(
            recipient=other,
            author=actor,
            text=text,
            url=_introduction_url(introduction),
            neighbourhood=introduction.neighbourhood,
        )
        log_action(
            actor=actor,
            action="network.introduction_message",
            neighbourhood=introduction.neighbourhood,
            obj=introduction,
        )
    return message


# --- Importing a relationship map --------------------------------------------------------


@dataclass
class ImportPlan:
    ties: list[tuple[int, int, float]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    file_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.ties)


def import_plan(
    *, actor, membership: Membership | None, upload, fmt: str | None = None
) -> ImportPlan:
    """Read a relationship map (CSV source,target[,weight], Kumu JSON or XLSX) and match its
    names to the residents of the neighbourhood of `membership` (the importer's) by their
    name as shown there. Nothing is written. Every problem names its line."""
    neighbourhood = _may(
        actor,
        membership,
        Action.NETWORK_IMPORT,
        _(
            "Only professionals and administrators of this neighbourhood can import a "
            "relationship map."
        ),
    )
    plan = ImportPlan(file_name=getattr(upload, "name", "")[:200])
    read = edgelist.read_edges(
        upload, fmt=fmt, max_rows=IMPORT_MAX_ROWS, max_problems=PROBLEMS_SHOWN
    )
    plan.problems = [problem.message for problem in read.problems]
    if plan.problems:
        return plan
    by_name = _residents_named(
        neighbourhood, {name for edge in read.edges for name in (edge.source, edge.target)}
    )
    for edge in read.edges:
        ends = []
        for name in (edge.source, edge.target):
            found = by_name.get(name.strip().casefold(), [])
            if not found:
                plan.problems.append(
                    _("line %(line)d: nobody in this neighbourhood is called %(name)s")
                    % {"line": edge.line, "name": name}
                )
            elif len(found) > 1:
                plan.problems.append(
                    _("line %(line)d: more than one resident is called %(name)s")
                    % {"line": edge.line, "name": name}
                )
            else:
                ends.append(found[0])
        if len(ends) == 2:
            a, b = sorted(ends)
            plan.ties.append((a, b, edge.weight))
    if len(plan.problems) > PROBLEMS_SHOWN:
        hidden = len(plan.problems) - PROBLEMS_SHOWN
        plan.problems = [
            *plan.problems[:PROBLEMS_SHOWN],
            _("more problems, not shown: %(count)d") % {"count": hidden},
        ]
    return plan


NAMES_PER_QUERY = 500


def _residents_named(neighbourhood, names) -> dict[str, list[int]]:
    """{name as typed, case folded: [user ids]} of the residents called one of `names`:
    looked up on the name index (`search_name`) a few hundred names a query, so the cost
    follows the file, not the neighbourhood. A name matches as shown in the
    neighbourhood, ignoring case and surrounding spaces."""
    from buurtkracht.people.models import Profile, name_key

    wanted = {name.strip().casefold() for name in names}
    keys = sorted({name_key(name) for name in wanted} - {""})
    by_name: dict[str, list[int]] = {}
    for start in range(0, len(keys), NAMES_PER_QUERY):
        for user_id, name in Profile.objects.filter(
            search_name__in=keys[start : start + NAMES_PER_QUERY],
            user__memberships__neighbourhood=neighbourhood,
            user__memberships__role__in=PEOPLE_ROLES,
        ).values_list("user_id", "display_name"):
            folded = name.strip().casefold()
            if folded in wanted:
                by_name.setdefault(folded, []).append(user_id)
    return by_name


def import_commit(*, actor, neighbourhood, plan: ImportPlan) -> TieImport:
    """Write a plan without problems, all or nothing."""
    if not plan.ok:
        raise ValidationError(
            _("Fix the problems first; nothing was imported."), code="has_problems"
        )
    with transaction.atomic():
        batch = TieImport.objects.create(
            neighbourhood=neighbourhood,
            imported_by=actor,
            file_name=plan.file_name,
            ties=len(plan.ties),
        )
        ImportedTie.objects.bulk_create(
            [ImportedTie(batch=batch, user_a_id=a, user_b_id=b, weight=w) for a, b, w in plan.ties],
            batch_size=2000,
        )
        log_action(
            actor=actor,
            action="network.imported",
            neighbourhood=neighbourhood,
            obj=batch,
            data={"ties": len(plan.ties)},
        )
    return batch


# --- Groups the neighbourhood wants to see connected -------------------------------------

WATCH_NAME_MAX = 120


def _may_manage_groups(actor, membership: Membership | None, group=None) -> Neighbourhood:
    """Refused unless `actor` (with `membership`) manages the groups: of `group`'s
    neighbourhood when one is given."""
    return _may(
        actor,
        membership,
        Action.NETWORK_GROUPS,
        _groups_refusal(),
        neighbourhood=group.neighbourhood if group is not None else None,
    )


def _groups_refusal() -> str:
    return _(
        "Only professionals and administrators of this neighbourhood can manage the groups "
        "to connect."
    )


def watch_group_save(
    *, actor, membership: Membership | None, name: str, group: WatchGroup | None = None
) -> WatchGroup:
    """Make a group to watch (e.g. "residents of sheltered housing") in the neighbourhood
    of `membership` (the manager's), or rename one."""
    neighbourhood = _may_manage_groups(actor, membership)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ValidationError(_("Give the group a name."), code="empty")})
    if len(name) > WATCH_NAME_MAX:
        raise ValidationError(
            {
                "name": ValidationError(
                    _("Keep it under %(max)d characters.") % {"max": WATCH_NAME_MAX},
                    code="too_long",
                )
            }
        )
    if group is not None and group.neighbourhood_id != neighbourhood.pk:
        raise ValidationError(
            _("This group belongs to another neighbourhood."), code="other_neighbourhood"
        )
    try:
        with transaction.atomic():
            if group is None:
                group = WatchGroup.objects.create(neighbourhood=neighbourhood, name=name)
                action = "network.group_made"
            else:
                group.name = name
                group.save(update_fields=["name"])
                action = "network.group_renamed"
            log_action(actor=actor, action=action, neighbourhood=neighbourhood, obj=group)
    except IntegrityError:
        raise ValidationError(
            {"name": ValidationError(_("There is already a group with this name."), code="taken")}
        ) from None
    return group


def watch_group_delete(*, actor, membership: Membership | None, group: WatchGroup) -> None:
    _may_manage_groups(actor, membership, group)
    with transaction.atomic():
        log_action(
            actor=actor,
            action="network.group_deleted",
            neighbourhood=group.neighbourhood,
            obj=group,
            data={"name": group.name},
        )
        group.delete()


def watch_group_add(*, actor, membership: Membership | None, group: WatchGroup, person) -> None:
    """Count a resident in the group. Only people who allowed it (`group_count`); they are
    told, and they can leave the group themselves on their "my neighbours" page."""
    hood = _may_manage_groups(actor, membership, group)
    _resident(person, hood)
    if not access.group_counted(neighbourhood=hood, user_ids=[person.pk]):
        raise ValidationError(
            _("This person has not allowed being counted in a group. Ask them first."),
            code="no_consent",
        )
    with transaction.atomic():
        if group.members.filter(pk=person.pk).exists():
            raise ValidationError(_("This person is already in the group."), code="in_group")
        group.members.add(person)
        notify(
            user=person,
            kind=Kind.MESSAGE,
            title=gettext_lazy("You are counted in the group %(group)s."),
            body=gettext_lazy(
                "Only as a number, to see whether the group is connected to the neighbourhood. "
                "You can leave the group on your page 'My neighbours'."
            ),
            params={"group": group.name},
            url=reverse("network:mine", kwargs={"slug": hood.slug}),
            neighbourhood=hood,
        )
        log_action(
            actor=actor,
            action="network.group_added",
            neighbourhood=hood,
            obj=group,
            data={"person": person.pk},
        )


def watch_group_remove(*, actor, membership: Membership | None, group: WatchGroup, person) -> None:
    """Take someone out of the group: a manager, or the person themselves."""
    hood = group.neighbourhood
    if not access.may_take_out_of_group(actor, person, neighbourhood=hood, membership=membership):
        raise ValidationError(_groups_refusal(), code="not_allowed")
    with transaction.atomic():
        if not group.members.filter(pk=person.pk).exists():
            raise ValidationError(_("This person is not in the group."), code="not_in_group")
        group.members.remove(person)
        log_action(
            actor=actor,
            action="network.group_left" if actor.pk == person.pk else "network.group_removed",
            neighbourhood=hood,
            obj=group,
            data={"person": person.pk},
        )
