"""Residents' budget: owners write a request to the municipality and record where it
stands."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core.logging import log_action

from ..models import NAME_MAX, TEXT_MAX, BudgetLine, BudgetRequest, BudgetStatus, Initiative
from .base import clean_text, require_owner

MAX_LINES = 30
LINE_MAX = 200
AMOUNT_BELOW = Decimal("100000000")
DECIDED = (BudgetStatus.GRANTED, BudgetStatus.PARTLY, BudgetStatus.REFUSED)


def _amount(value) -> Decimal | None:
    """An amount in euro as typed ("125,50"), or None when it is not a number."""
    try:
        return Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        return None


def _line(number: int, description: str, amount) -> tuple[str, Decimal] | None:
    """One budget line, checked; None for an empty row."""
    description = (description or "").strip()
    if not description and not str(amount or "").strip():
        return None
    value = _amount(amount)
    if (
        not description
        or value is None
        or value <= 0
        or value != value.quantize(Decimal("0.01"))
        or value >= AMOUNT_BELOW
    ):
        raise ValidationError(
            _("Line %(number)s: give what it is for and an amount above zero, like 125,50."),
            code="bad_line",
            params={"number": number},
        )
    return description[:LINE_MAX], value


def _lines(lines: Iterable[tuple[str, object]]) -> list[tuple[str, Decimal]]:
    cleaned = [
        line
        for number, (description, amount) in enumerate(lines, 1)
        if (line := _line(number, description, amount)) is not None
    ]
    if not cleaned:
        raise ValidationError(_("Add at least one budget line."), code="no_lines")
    if len(cleaned) > MAX_LINES:
        raise ValidationError(
            _("At most %(max)s lines, please."), code="too_many_lines", params={"max": MAX_LINES}
        )
    return cleaned


def budget_request(
    *, actor, initiative: Initiative, title: str, lines: Iterable[tuple[str, object]]
) -> BudgetRequest:
    """Owners write a budget request: a title and lines of (description, amount in euro).
    All lines or none; amounts above zero, at most two decimals."""
    require_owner(actor, initiative)
    title = clean_text(title, field="title", required=True, limit=NAME_MAX)
    cleaned = _lines(lines)
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


def budget_status(
    *, actor, request: BudgetRequest, status: str, granted=None, account: str = ""
) -> BudgetRequest:
    """Owners record where the request stands: sent, the municipality's decision (with
    the amount granted), and afterwards a short account."""
    require_owner(actor, request.initiative)
    if status not in BudgetStatus.values:
        raise ValidationError(_("Choose where the request stands."), code="invalid_choice")
    amount = None
    if status in (BudgetStatus.GRANTED, BudgetStatus.PARTLY):
        amount = _amount(granted)
        if amount is None or amount < 0:
            raise ValidationError(_("Give the amount the municipality granted."), code="no_amount")
    account = clean_text(account, field="account", required=False, limit=TEXT_MAX)
    with transaction.atomic():
        BudgetRequest.objects.filter(pk=request.pk).update(
            status=status,
            granted=amount,
            account=account or request.account,
            decided_at=timezone.now() if status in DECIDED else None,
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
