"""Pages that cost the same on page 1 and on page 2,000 (keyset paging).

A page is read as `limit + 1` rows from where the previous one ended, on an index; the
extra row only says whether there is a next page. The place where the next page starts
travels in the link ("na=..."), as text a person can tamper with: anything that does not
parse starts at the beginning, never a traceback. No COUNT of the whole table, no OFFSET.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

AFTER_MAX = 120
"""Characters of a `na=` value that are read; longer values are cut (they never come
from a link the site made)."""


def after_in(request) -> str:
    """Where the page asked for starts: the link's `na=` (cut at `AFTER_MAX`)."""
    return request.GET.get("na", "")[:AFTER_MAX]


@dataclass
class Page:
    rows: list = field(default_factory=list)
    next_after: str = ""
    """Where the next page starts ("" on the last page)."""


def _split(text: str) -> tuple[str, int] | None:
    head, _bar, number = (text or "")[:AFTER_MAX].rpartition("|")
    return (head, int(number)) if number.isdigit() else None


def by_key(queryset: QuerySet, *, key: str, pk: str = "pk", after: str = "", limit: int) -> Page:
    """Rows by a text column `key` (a name, normalised for sorting) and then `pk`, A to Z."""
    start = _split(after)
    if start is not None:
        text, number = start
        queryset = queryset.filter(
            Q(**{f"{key}__gt": text}) | Q(**{key: text, f"{pk}__gt": number})
        )
    rows = list(queryset.order_by(key, pk)[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    last = page[-1] if more else None
    return Page(page, f"{_attr(last, key)}|{_attr(last, pk)}" if last is not None else "")


def by_id(queryset: QuerySet, *, pk: str = "pk", after: str = "", limit: int) -> Page:
    """Rows by `pk`, lowest first."""
    if (after or "").isdigit():
        queryset = queryset.filter(**{f"{pk}__gt": int(after)})
    rows = list(queryset.order_by(pk)[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    return Page(page, str(_attr(page[-1], pk)) if more else "")


def newest(queryset: QuerySet, *, when: str = "created_at", after: str = "", limit: int) -> Page:
    """Rows newest first, by the time column `when` and then the primary key."""
    return by_time(queryset, when=when, after=after, limit=limit, newest_first=True)


def by_time(
    queryset: QuerySet, *, when: str, after: str = "", limit: int, newest_first: bool
) -> Page:
    """Rows by the time column `when` and then the primary key, newest or oldest first."""
    start = _split(after)
    moment = _moment(start[0]) if start is not None else None
    if moment is not None:
        beyond = "lt" if newest_first else "gt"
        queryset = queryset.filter(
            Q(**{f"{when}__{beyond}": moment}) | Q(**{when: moment, f"pk__{beyond}": start[1]})
        )
    sign = "-" if newest_first else ""
    rows = list(queryset.order_by(f"{sign}{when}", f"{sign}pk")[: limit + 1])
    page, more = rows[:limit], len(rows) > limit
    if not more:
        return Page(page, "")
    stamp: dt.datetime = _attr(page[-1], when)
    return Page(page, f"{stamp.isoformat()}|{page[-1].pk}")


def _moment(text: str) -> dt.datetime | None:
    try:
        return parse_datetime(text)
    except ValueError:  # well formed but no such moment ("2026-13-45T...")
        return None


def _attr(obj, path: str):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj
