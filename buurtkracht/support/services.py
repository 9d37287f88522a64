"""Writes for the safety net. Every refusal is a ValidationError for the person."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtkracht.core import access
from buurtkracht.core.choices import Role
from buurtkracht.core.logging import log_action
from buurtkracht.core.threads import clean_message
from buurtkracht.exchange.models import Post, PostKind, PostStatus
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.notifications.models import Kind
from buurtkracht.notifications.services import notify
from buurtkracht.people import contact
from buurtkracht.people.models import Consent, ContactRoute

from .models import (
    NOTE_MAX,
    SAFETY_NET_DAYS_DEFAULT,
    SAFETY_NET_DAYS_MAX,
    SAFETY_NET_DAYS_MIN,
    CaseReason,
    CaseStatus,
    DutyPause,
    SafetyNetCase,
    SafetyNetMessage,
    SupportSettings,
)


def _safety_net_candidates(*, now: datetime):
    consent = Consent.objects.filter(
        user_id=OuterRef("author_id"),
        neighbourhood_id=OuterRef("neighbourhood_id"),
        scope="safety_net",
        withdrawn_at__isnull=True,
    )
    # The smallest setting is one day; the per-neighbourhood threshold is checked below.
    return (
        Post.objects.filter(
            kind=PostKind.REQUEST,
            status=PostStatus.OPEN,
            safety_net_at__isnull=True,
            safety_net_ok=True,
        )
        .filter(Q(needs_more=True) | Q(created_at__lte=now - timedelta(days=SAFETY_NET_DAYS_MIN)))
        .filter(Exists(consent))
        .order_by("created_at", "id")
    )


def safety_net_sweep(*, now: datetime | None = None) -> int:
    """Open every request that is due for the safety net as a case. Returns how many."""
    now = now or timezone.now()
    days = dict(SupportSettings.objects.values_list("neighbourhood_id", "safety_net_days"))
    opened = 0
    for post in _safety_net_candidates(now=now):
        waited = post.created_at <= now - timedelta(
            days=days.get(post.neighbourhood_id, SAFETY_NET_DAYS_DEFAULT)
        )
        if not (post.needs_more or waited):
            continue
        with transaction.atomic():
            # Conditional update: a parallel sweep that got there first wins, once.
            claimed = Post.objects.filter(pk=post.pk, safety_net_at__isnull=True).update(
                safety_net_at=now
            )
            if not claimed:
                continue
            case = SafetyNetCase.objects.create(
                post=post,
                neighbourhood_id=post.neighbourhood_id,
                reason=CaseReason.NEEDS_MORE if post.needs_more else CaseReason.WAITED,
                opened_at=now,
            )
            told = _announce(case)
            log_action(
                actor=None,
                action="safety_net.opened",
                neighbourhood=post.neighbourhood,
                obj=case,
                data={"reason": case.reason, "professionals_told": told},
            )
        opened += 1
    return opened


def on_duty(neighbourhood) -> list:
    """The professionals of `neighbourhood` on safety-net duty now; when none is, its
    administrators (a case is never announced to nobody)."""
    from buurtkracht.accounts.models import User

    paused = DutyPause.objects.filter(neighbourhood=neighbourhood).values("user_id")
    people = User.objects.filter(
        memberships__neighbourhood=neighbourhood,
        memberships__role=Role.PROFESSIONAL,
        is_active=True,
    ).exclude(pk__in=paused)
    found = list(people)
    if not found:
        found = list(
            User.objects.filter(
                memberships__neighbourhood=neighbourhood,
                memberships__role=Role.ADMIN,
                is_active=True,
            )
        )
    return found


def _case_url(case: SafetyNetCase, name: str = "support:case") -> str:
    return reverse(name, kwargs={"slug": case.neighbourhood.slug, "case_id": case.pk})


HOW_REACHED: dict[str, Promise] = {
    ContactRoute.MESSAGES: gettext_lazy("with a message here on Buurtkracht"),
    ContactRoute.PHONE: gettext_lazy("by phone"),
    ContactRoute.EMAIL: gettext_lazy("by e-mail"),
    ContactRoute.BUURTWERKER: gettext_lazy("through your buurtwerker"),
}


def _announce(case: SafetyNetCase) -> int:
    """A new case: the professionals on duty are told, and the resident hears in plain words
    that a professional will contact them, and how (the route they chose)."""
    post = case.post
    duty = on_duty(case.neighbourhood)
    for person in duty:
        notify(
            user=person,
            kind=Kind.SAFETY_NET,
            title=gettext_lazy("A new request in the safety net"),
            body=gettext_lazy("%(reason)s: “%(text)s”"),
            url=_case_url(case),
            neighbourhood=case.neighbourhood,
            params={"reason": case.get_reason_display(), "text": post.text[:150]},
        )
    route = contact.route_for(post.author)
    notify(
        user=post.author,
        kind=Kind.SAFETY_NET,
        title=gettext_lazy("A professional will contact you about your request"),
        body=gettext_lazy(
            "No neighbour could help yet. A professional of the neighbourhood will contact "
            "you %(how)s. You can also write to them on this page. You can change how you are "
            "reached in your profile."
        ),
        url=_case_url(case, "support:my_case"),
        neighbourhood=case.neighbourhood,
        params={"how": HOW_REACHED[route]},
    )
    return len(duty)


def case_message(
    *, actor, membership: Membership | None, case: SafetyNetCase, text: str
) -> SafetyNetMessage:
    """A message in a case: from the resident who asked to the professionals who handle
    it, or from a professional or administrator (`membership`: theirs) to the resident —
    who is told as they chose, their buurtwerker too."""
    side = access.case_side(actor, case, membership=membership)
    if side is None:
        raise ValidationError(_("Only the person who asked can write here."), code="not_yours")
    handles = side == access.HANDLER
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("This case is closed."), code="closed")
    text = clean_message(text)
    with transaction.atomic():
        message = SafetyNetMessage.objects.create(case=case, author=actor, text=text)
        if handles:
            contact.pass_on(
                recipient=case.post.author,
                author=actor,
                text=text,
                url=_case_url(case, "support:my_case"),
                neighbourhood=case.neighbourhood,
            )
        else:
            readers = [case.handled_by] if case.handled_by else on_duty(case.neighbourhood)
            for person in readers:
                notify(
                    user=person,
                    kind=Kind.SAFETY_NET,
                    title=gettext_lazy("%(name)s wrote about their request"),
                    body=gettext_lazy("“%(text)s”"),
                    url=_case_url(case),
                    neighbourhood=case.neighbourhood,
                    params={"name": actor.name, "text": text[:200]},
                )
        log_action(
            actor=actor, action="safety_net.message", neighbourhood=case.neighbourhood, obj=case
        )
    return message


def duty_set(*, actor, neighbourhood, on: bool) -> bool:
    """A professional says whether they are on safety-net duty here now."""
    with transaction.atomic():
        if on:
            DutyPause.objects.filter(user=actor, neighbourhood=neighbourhood).delete()
        else:
            DutyPause.objects.get_or_create(user=actor, neighbourhood=neighbourhood)
        log_action(
            actor=actor,
            action="safety_net.duty_on" if on else "safety_net.duty_off",
            neighbourhood=neighbourhood,
        )
    return on


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {
                "note": ValidationError(
                    _("Keep it under %(max)d characters.") % {"max": NOTE_MAX}, code="too_long"
                )
            }
        )
    return note


def _case_change(
    *, actor, case: SafetyNetCase, status: str, note: str, place=None
) -> SafetyNetCase:
    note = _clean_note(note)
    with transaction.atomic():
        locked = SafetyNetCase.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.CLOSED:
            raise ValidationError(_("This case is closed."), code="closed")
        locked.status = status
        locked.handled_by = actor
        locked.handled_at = timezone.now()
        if note:
            locked.note = note
        if place is not None:
            locked.referred_place = place
        locked.save(update_fields=["status", "handled_by", "handled_at", "note", "referred_place"])
        log_action(
            actor=actor,
            action=f"safety_net.{status}",
            neighbourhood=locked.neighbourhood,
            obj=locked,
        )
    return locked


def safety_net_case_contacted(*, actor, case: SafetyNetCase, note: str = "") -> SafetyNetCase:
    return _case_change(actor=actor, case=case, status=CaseStatus.CONTACTED, note=note)


def safety_net_case_refer(*, actor, case: SafetyNetCase, place, note: str = "") -> SafetyNetCase:
    if place is None or place.neighbourhood_id != case.neighbourhood_id:
        raise ValidationError(
            {"place": ValidationError(_("Choose a place in this neighbourhood."), code="no_place")}
        )
    return _case_change(actor=actor, case=case, status=CaseStatus.REFERRED, note=note, place=place)


def safety_net_case_close(*, actor, case: SafetyNetCase, note: str) -> SafetyNetCase:
    if not (note or "").strip():
        raise ValidationError(
            {"note": ValidationError(_("Write a short note on how it ended."), code="no_note")}
        )
    return _case_change(actor=actor, case=case, status=CaseStatus.CLOSED, note=note)


def support_settings_save(*, actor, neighbourhood, safety_net_days: int) -> SupportSettings:
    if not SAFETY_NET_DAYS_MIN <= safety_net_days <= SAFETY_NET_DAYS_MAX:
        raise ValidationError(
            {
                "safety_net_days": ValidationError(
                    _("Choose a number of days from %(min)d to %(max)d.")
                    % {"min": SAFETY_NET_DAYS_MIN, "max": SAFETY_NET_DAYS_MAX},
                    code="out_of_range",
                )
            }
        )
    with transaction.atomic():
        support, _created = SupportSettings.objects.update_or_create(
            neighbourhood=neighbourhood, defaults={"safety_net_days": safety_net_days}
        )
        log_action(
            actor=actor,
            action="safety_net.settings_changed",
            neighbourhood=neighbourhood,
            obj=support,
            data={"safety_net_days": safety_net_days},
        )
    return support
