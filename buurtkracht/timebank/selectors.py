"""Reads of the time bank: statements, balances, monthly figures. Names of people come
through `access.visible_q` (display-name visibility), never decided here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.people.selectors import display_names

from .models import Account, AccountKind, Entry, Rules, Transfer, TransferKind

HELP_KINDS = (TransferKind.EXCHANGE, TransferKind.DIRECT)
"""Transfers that pay for help: the credited member gave help, the debited one got it."""


def rules_or_none(neighbourhood) -> Rules | None:
    return Rules.objects.filter(neighbourhood=neighbourhood).first()


def member_account_of(user, neighbourhood) -> Account | None:
    """The member's account, or None while it is not open yet (a page never opens one:
    accounts open on switching on and on joining, decision 0048)."""
    return Account.objects.filter(
        neighbourhood=neighbourhood, kind=AccountKind.MEMBER, user=user
    ).first()


def donation_targets(*, neighbourhood, rules: Rules) -> list[tuple[int, str]]:
    """Where a member can donate: the community pot (where there is one) and the open
    initiatives' accounts, in one query."""
    kinds = [AccountKind.POT, AccountKind.INITIATIVE] if rules.pot else [AccountKind.INITIATIVE]
    accounts = Account.objects.filter(neighbourhood=neighbourhood, kind__in=kinds, is_open=True)
    found = list(accounts.order_by("pk").values_list("pk", "kind", "name"))
    pot = [(pk, _("Community pot")) for pk, kind, _name in found if kind == AccountKind.POT]
    return pot + [(pk, name) for pk, kind, name in found if kind == AccountKind.INITIATIVE]


def initiative_account_of(initiative) -> Account | None:
    """The initiative's account, when the neighbourhood uses the time bank."""
    return Account.objects.filter(initiative=initiative).first()


def names(*, viewer, neighbourhood, user_ids) -> dict[int, str]:
    """Display names of `user_ids` that `viewer` may see (the others are left out)."""
    return display_names(viewer=viewer, neighbourhood=neighbourhood, user_ids=user_ids)


def label(account: Account, shown: dict[int, str], *, viewer=None) -> str:
    """How an account is named for a viewer who may see the names in `shown`."""
    if account.kind == AccountKind.POT:
        return _("Community pot")
    if account.kind == AccountKind.ISSUE:
        return _("Time bank")
    if account.kind == AccountKind.INITIATIVE:
        return account.name
    if account.user_id is None:
        return _("former member %(number)s") % {"number": account.pk}
    if viewer is not None and account.user_id == viewer.pk:
        return _("you")
    return shown.get(account.user_id) or _("a neighbour")


@dataclass(frozen=True)
class Line:
    when: datetime
    kind: str
    kind_label: str
    amount: int
    other: str
    reason: str
    transfer_id: int
    corrected: bool


def statement(*, viewer, account: Account, limit: int | None = 200) -> list[Line]:
    """The account's latest entries, newest first, each with who was on the other side."""
    entries = list(
        Entry.objects.filter(account=account).select_related("transfer").order_by("-seq")[:limit]
    )
    transfer_ids = [e.transfer_id for e in entries]
    others: dict[int, list[Account]] = defaultdict(list)
    for other in (
        Entry.objects.filter(transfer_id__in=transfer_ids)
        .exclude(account=account)
        .select_related("account")
    ):
        others[other.transfer_id].append(other.account)
    shown = names(
        viewer=viewer,
        neighbourhood=account.neighbourhood,
        user_ids=[a.user_id for accounts in others.values() for a in accounts if a.user_id],
    )
    corrected = set(
        Transfer.objects.filter(reverses_id__in=transfer_ids).values_list("reverses_id", flat=True)
    )
    return [
        Line(
            when=e.created_at,
            kind=e.transfer.kind,
            kind_label=e.transfer.get_kind_display(),
            amount=e.amount,
            other=", ".join(label(a, shown, viewer=viewer) for a in others[e.transfer_id]),
            reason=e.transfer.reason,
            transfer_id=e.transfer_id,
            corrected=e.transfer_id in corrected,
        )
        for e in entries
    ]


@dataclass(frozen=True)
class Balance:
    account: Account
    label: str


BALANCES_PAGE = 50


def balances(*, viewer, neighbourhood, page=1):
    """One page of the neighbourhood's accounts with their balances (administrators), and
    the page object for "more"."""
    from django.core.paginator import Paginator

    found = Paginator(
        Account.objects.filter(neighbourhood=neighbourhood).order_by("kind", "-balance", "pk"),
        BALANCES_PAGE,
    ).get_page(page)
    accounts = list(found)
    shown = names(
        viewer=viewer, neighbourhood=neighbourhood, user_ids=[a.user_id for a in accounts]
    )
    return [Balance(a, label(a, shown, viewer=viewer)) for a in accounts], found


def recent_transfers(*, neighbourhood, limit: int = 30):
    return (
        Transfer.objects.filter(neighbourhood=neighbourhood)
        .exclude(kind=TransferKind.WELCOME)
        .select_related("reverses")
        .prefetch_related("entries__account")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class Month:
    month: date
    minutes: int
    """Minutes paid for help (exchanges and direct transfers between members)."""
    givers: int
    receivers: int
    both: int

    @property
    def reciprocity(self) -> float:
        """Share of the people involved who both gave and received help."""
        involved = self.givers + self.receivers - self.both
        return self.both / involved if involved else 0.0


def stored_monthly(*, neighbourhood) -> list[Month]:
    """The monthly figures as the background job stored them (`timebank.snapshot`)."""
    from buurtkracht.jobs.selectors import stored

    return [
        Month(
            month=date.fromisoformat(row["month"]),
            minutes=row["minutes"],
            givers=row["givers"],
            receivers=row["receivers"],
            both=row["both"],
        )
        for row in stored("timebank", neighbourhood).data.get("months", [])
    ]


def monthly(*, neighbourhood, months: int = 12) -> list[Month]:
    """Per calendar month (newest first, at most `months`): time exchanged, how many
    members gave and received help, and how many did both (reciprocity). Corrections
    take back what they reverse."""
    today = timezone.localdate()
    first = _months_back(today.replace(day=1), months - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    reversed_ids = set(
        Transfer.objects.filter(
            neighbourhood=neighbourhood, kind=TransferKind.REVERSAL
        ).values_list("reverses_id", flat=True)
    )
    rows = (
        Entry.objects.filter(
            neighbourhood=neighbourhood,
            created_at__gte=start,
            transfer__kind__in=HELP_KINDS,
            account__kind=AccountKind.MEMBER,
        )
        .exclude(Q(transfer_id__in=reversed_ids))
        .values_list("created_at", "account_id", "amount")
        .iterator(chunk_size=5000)
    )
    minutes: dict[date, int] = defaultdict(int)
    gave: dict[date, set[int]] = defaultdict(set)
    got: dict[date, set[int]] = defaultdict(set)
    for created_at, account_id, amount in rows:
        month = timezone.localtime(created_at).date().replace(day=1)
        if amount > 0:
            minutes[month] += amount
            gave[month].add(account_id)
        else:
            got[month].add(account_id)
    result = []
    month = today.replace(day=1)
    for _number in range(months):
        result.append(
            Month(
                month=month,
                minutes=minutes.get(month, 0),
                givers=len(gave.get(month, ())),
                receivers=len(got.get(month, ())),
                both=len(gave.get(month, set()) & got.get(month, set())),
            )
        )
        month = _months_back(month, 1)
    return result


def _months_back(first_of_month: date, count: int) -> date:
    year, month = divmod(first_of_month.year * 12 + first_of_month.month - 1 - count, 12)
    return date(year, month + 1, 1)
