"""Reads for the safety net queue and the bundled requests."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buurtkracht.core import paging
from buurtkracht.exchange.models import Post, PostKind, PostStatus

from .models import SAFETY_NET_DAYS_DEFAULT, CaseStatus, SafetyNetCase, SupportSettings

OTHER_KEY = "anders"


def safety_net_days_of(*, neighbourhood) -> int:
    found = (
        SupportSettings.objects.filter(neighbourhood=neighbourhood)
        .values_list("safety_net_days", flat=True)
        .first()
    )
    return found or SAFETY_NET_DAYS_DEFAULT


def is_on_duty(*, user, neighbourhood) -> bool:
    from .models import DutyPause

    return not DutyPause.objects.filter(user=user, neighbourhood=neighbourhood).exists()


QUEUE_PAGE = 30
QUEUE_TABS = {
    "nieuw": [CaseStatus.NEW],
    "bezig": [CaseStatus.CONTACTED, CaseStatus.REFERRED],
    "gesloten": [CaseStatus.CLOSED],
}
"""The queue's tabs (`?toon=`): new cases, those someone is working on, closed ones."""


def safety_net_queue(*, neighbourhood, viewer, tab: str = "nieuw", after: str = "") -> paging.Page:
    """One page of this neighbourhood's cases in one tab (`QUEUE_TABS`): open ones oldest
    first (who waited longest comes first), closed ones newest first."""
    statuses = QUEUE_TABS.get(tab, QUEUE_TABS["nieuw"])
    cases = SafetyNetCase.objects.filter(
        neighbourhood=neighbourhood, status__in=statuses
    ).select_related("post__author__profile", "post__item", "referred_place")
    return paging.by_time(
        cases,
        when="opened_at",
        after=after,
        limit=QUEUE_PAGE,
        newest_first=CaseStatus.CLOSED in statuses,
    )


def safety_net_open_counts(*, neighbourhood) -> dict[str, int]:
    """How many cases wait in the "new" and "in progress" tabs (closed ones are not
    counted: they only grow)."""
    counts = dict(
        SafetyNetCase.objects.filter(neighbourhood=neighbourhood)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        tab: sum(counts.get(s, 0) for s in statuses)
        for tab, statuses in QUEUE_TABS.items()
        if CaseStatus.CLOSED not in statuses
    }


@dataclass(frozen=True)
class Bundle:
    category_key: str
    category_label: str
    month: date
    count: int


def _open_requests(*, neighbourhood) -> QuerySet[Post]:
    return Post.objects.filter(
        neighbourhood=neighbourhood, kind=PostKind.REQUEST, status=PostStatus.OPEN
    )


def _month() -> TruncMonth:
    """The month a request is about: its day, or else when it was posted."""
    return TruncMonth(Coalesce("starts_at", "created_at"))


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def bundle_months(*, neighbourhood) -> list[date]:
    """The months that have open requests, newest first (for the month filter)."""
    months = {
        _as_date(m)
        for m in _open_requests(neighbourhood=neighbourhood).values_list(_month(), flat=True)
    }
    return sorted(months, reverse=True)


def request_bundles(*, neighbourhood, month: date | None = None) -> list[Bundle]:
    """Open requests counted per need (taxonomy category) and month. Counts only: no names,
    no texts, so the result can be shown to the municipality (rule 11)."""
    rows = (
        _open_requests(neighbourhood=neighbourhood)
        .values(
            "item__category__key",
            "item__category__label_nl",
            "item__category__label_en",
            month=_month(),
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    english = translation.get_language() == "en"
    bundles: dict[tuple[date, str], Bundle] = {}
    for row in rows:
        when = _as_date(row["month"])
        if month is not None and when != month:
            continue
        key = row["item__category__key"] or OTHER_KEY
        if row["item__category__key"]:
            label = row["item__category__label_en" if english else "item__category__label_nl"]
        else:
            label = _("other")
        previous = bundles.get((when, key))
        count = row["count"] + (previous.count if previous else 0)
        bundles[(when, key)] = Bundle(key, label, when, count)
    return sorted(
        bundles.values(), key=lambda b: (-b.month.toordinal(), -b.count, b.category_label)
    )
