"""Writes for the safety net. Every refusal is a ValidationError for the person."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action
from buurtkracht.exchange.models import Post, PostKind, PostStatus
from buurtkracht.people.models import Consent

from .models import (
    NOTE_MAX,
    SAFETY_NET_DAYS_DEFAULT,
    SAFETY_NET_DAYS_MAX,
    SAFETY_NET_DAYS_MIN,
    CaseReason,
    CaseStatus,
    SafetyNetCase,
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
            kind=PostKind.REQUEST, status=PostStatus.OPEN, safety_net_at__isnull=True
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
            log_action(
                actor=None,
                action="safety_net.opened",
                neighbourhood=post.neighbourhood,
                obj=case,
                data={"reason": case.reason},
            )
        opened += 1
    return opened


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Keep it under %(max)d characters.") % {"max": NOTE_MAX}})
    return note


def _case_change(
    *, actor, case: SafetyNetCase, status: str, note: str, place=None
) -> SafetyNetCase:
    note = _clean_note(note)
    with transaction.atomic():
        locked = SafetyNetCase.objects.select_for_update().get(pk=case.pk)
        if locked.status == CaseStatus.CLOSED:
            raise ValidationError(_("This case is closed."))
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
        raise ValidationError({"place": _("Choose a place in this neighbourhood.")})
    return _case_change(actor=actor, case=case, status=CaseStatus.REFERRED, note=note, place=place)


def safety_net_case_close(*, actor, case: SafetyNetCase, note: str) -> SafetyNetCase:
    if not (note or "").strip():
        raise ValidationError({"note": _("Write a short note on how it ended.")})
    return _case_change(actor=actor, case=case, status=CaseStatus.CLOSED, note=note)


def support_settings_save(*, actor, neighbourhood, safety_net_days: int) -> SupportSettings:
    if not SAFETY_NET_DAYS_MIN <= safety_net_days <= SAFETY_NET_DAYS_MAX:
        raise ValidationError(
            {
                "safety_net_days": _("Choose a number of days from %(min)d to %(max)d.")
                % {"min": SAFETY_NET_DAYS_MIN, "max": SAFETY_NET_DAYS_MAX}
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
