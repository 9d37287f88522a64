"""Moving from another time bank: balances and history from a spreadsheet (CSV or XLSX).

One row per line of a transfer, double entry like our own ledger:

    overboeking | datum      | wie                  | minuten | omschrijving
    1           | 2025-01-06 | beginsaldo           | -120    | saldo bij de overstap
    1           | 2025-01-06 | sanne@example.nl     | 120     |
    2           | 2025-02-11 | sanne@example.nl     | -45     | boodschappen
    2           | 2025-02-11 | karim                | 45      |

`wie` is a member's e-mail address or login name, `buurtpot` (the community pot) or
`beginsaldo` (opening balances: the other side of what people bring along). The lines of
one transfer must add up to zero. `plan` checks everything (a dry run, with line numbers)
and `commit` writes it all in one transaction, or nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.accounts.models import User
from buurtkracht.core.logging import log_action
from buurtkracht.inventory.spreadsheet import read_sheet
from buurtkracht.neighbourhoods.models import Membership

from . import services
from .models import NO_LIMIT, AccountKind, LedgerImport, Rules, TransferKind

COLUMNS = {
    "overboeking": "group",
    "datum": "date",
    "wie": "who",
    "minuten": "minutes",
    "omschrijving": "reason",
    "reden": "reason",
}
REQUIRED = ("group", "date", "who", "minutes")
POT, OPENING = "buurtpot", "beginsaldo"
MAX_ERRORS = 50
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S")


@dataclass
class Planned:
    group: str
    at: datetime
    legs: list[tuple[str, int]]
    """(who key, minutes): a user id as text, POT or OPENING."""
    reason: str
    lines: list[int]


@dataclass
class Plan:
    transfers: list[Planned] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    balances: dict[str, int] = field(default_factory=dict)
    """Who key -> balance after the import."""
    names: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.transfers)


def _date(text: str) -> datetime | None:
    text = text.strip()
    for pattern in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(text, pattern))  # noqa: DTZ007 - local time
        except ValueError:
            continue
    return None


def _minutes(text: str) -> int | None:
    text = text.strip().replace(" ", "")
    if text.startswith("+"):
        text = text[1:]
    if text.lstrip("-").isdigit():
        return int(text)
    return None


def plan(*, neighbourhood, filename: str, data: bytes) -> Plan:
    """Check the file and work out what it would write. Nothing is written."""
    result = Plan()

    def error(message: str) -> None:
        if len(result.errors) < MAX_ERRORS:
            result.errors.append(message)

    rules = services.rules_of(neighbourhood)
    try:
        sheet = read_sheet(filename=filename, data=data)
    except ValidationError as problem:
        result.errors.extend(problem.messages)
        return result
    columns = _columns(sheet.headers)
    missing = [key for key, name in COLUMNS.items() if name in REQUIRED and name not in columns]
    if missing:
        result.errors.append(
            _("Your file misses the column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
        return result

    def cell(cells, name):
        position = columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    wanted = {cell(cells, "who").casefold() for _n, cells in sheet.rows} - {POT, OPENING, ""}
    found = _members_by_name(neighbourhood, wanted)
    now = timezone.now()
    groups: dict[str, list[Line]] = defaultdict(list)
    for number, cells in sheet.rows:
        group, who = cell(cells, "group"), cell(cells, "who").casefold()
        at, minutes = _date(cell(cells, "date")), _minutes(cell(cells, "minutes"))
        problem = _line_problem(
            where=_("Line %(number)s") % {"number": number},
            group=group,
            at=at,
            now=now,
            minutes=minutes,
            who=who,
            known=found,
            pot=rules.pot,
            text=lambda name, cells=cells: cell(cells, name),
        )
        if problem is not None or at is None or minutes is None:  # (a problem names both)
            error(problem or "")
            continue
        key = who if who in (POT, OPENING) else str(found[who])
        groups[group].append((number, at, key, minutes, cell(cells, "reason")))
    for group, lines in groups.items():
        planned = _transfer(group, lines, error)
        if planned is not None:
            result.transfers.append(planned)
    result.transfers.sort(key=lambda p: (p.at, p.lines[0]))
    _check_limits(neighbourhood, rules, result, error)
    return result


Line = tuple[int, datetime, str, int, str]
"""(line number, date, who key, minutes, reason) of one line of the file."""


def _columns(headers) -> dict[str, int]:
    """Our name of each known column -> its position (the first of each)."""
    columns: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = COLUMNS.get(header.strip().casefold())
        if name and name not in columns:
            columns[name] = position
    return columns


def _members_by_name(neighbourhood, wanted: set[str]) -> dict[str, int]:
    """Who is who: the e-mail addresses and login names (casefolded) of this
    neighbourhood's members -> their ids. Two lookups on the indexes of lower(e-mail) and
    lower(login name): the file's size decides the cost, not the city's."""
    members = Membership.objects.filter(neighbourhood=neighbourhood).values("user_id")
    people = User.objects.annotate(lower_email=Lower("email"), lower_name=Lower("username"))
    found = {}
    for pk, username, email in (
        people.filter(lower_email__in=wanted, pk__in=members)
        .exclude(email="")
        .values_list("pk", "username", "email")
        .union(
            people.filter(lower_name__in=wanted, pk__in=members).values_list(
                "pk", "username", "email"
            )
        )
    ):
        found[username.casefold()] = pk
        if email:
            found[email.casefold()] = pk
    return found


def _line_problem(*, where, group, at, now, minutes, who, known, pot, text) -> str | None:
    """What is wrong with one line of the file, in Dutch, or None. `text(name)`: the
    line's cell of that column, as written."""
    if not group:
        return _("%(where)s: the transfer number is empty.") % {"where": where}
    if at is None:
        return _("%(where)s: “%(date)s” is not a date (use 2025-01-31 or 31-01-2025).") % {
            "where": where,
            "date": text("date"),
        }
    if at > now:
        return _("%(where)s: the date lies in the future.") % {"where": where}
    if minutes is None or minutes == 0:
        return _("%(where)s: “%(minutes)s” is not a whole number of minutes other than 0.") % {
            "where": where,
            "minutes": text("minutes"),
        }
    if abs(minutes) > NO_LIMIT // 1000:
        return _("%(where)s: that is far too much time.") % {"where": where}
    if who == POT and not pot:
        return _("%(where)s: this neighbourhood has no community pot.") % {"where": where}
    if who not in (POT, OPENING) and who not in known:
        return _("%(where)s: “%(who)s” is not a member of this neighbourhood.") % {
            "where": where,
            "who": text("who"),
        }
    return None


def _transfer(group: str, lines: list[Line], error) -> Planned | None:
    """The transfer of one group of lines, or None (and an error) when they do not add up
    to zero or do not name two or more different people."""
    numbers = ", ".join(str(line[0]) for line in lines)
    total = sum(line[3] for line in lines)
    if total != 0:
        error(
            _(
                "Transfer %(group)s (lines %(lines)s) does not add up to zero: "
                "%(total)+d minutes. Its totals do not add up."
            )
            % {"group": group, "lines": numbers, "total": total}
        )
        return None
    keys = [line[2] for line in lines]
    if len(lines) < 2 or len(set(keys)) != len(keys):
        error(
            _("Transfer %(group)s (lines %(lines)s) needs two or more different people.")
            % {"group": group, "lines": numbers}
        )
        return None
    return Planned(
        group=group,
        at=min(line[1] for line in lines),
        legs=[(line[2], line[3]) for line in lines],
        reason=next((line[4] for line in lines if line[4]), ""),
        lines=[line[0] for line in lines],
    )


def _check_limits(neighbourhood, rules: Rules, result: Plan, error) -> None:
    """Play the transfers in date order on today's balances; name the first line that
    would take someone outside the limits."""
    balances: dict[str, int] = defaultdict(int)
    involved = {key for planned in result.transfers for key, _m in planned.legs}
    people = involved - {POT, OPENING}
    # Only the accounts this file touches: a city's other accounts are not read.
    for account in neighbourhood.timebank_accounts.filter(
        Q(kind__in=[AccountKind.POT, AccountKind.ISSUE])
        | Q(kind=AccountKind.MEMBER, user_id__in=sorted(int(key) for key in people))
    ):
        if account.kind == AccountKind.POT:
            balances[POT] = account.balance
        elif account.kind == AccountKind.ISSUE:
            balances[OPENING] = account.balance
        elif account.kind == AccountKind.MEMBER and account.user_id:
            balances[str(account.user_id)] = account.balance
    limits = {
        POT: (0, NO_LIMIT),
        OPENING: (-NO_LIMIT, 0),
    }
    for planned in result.transfers:
        for key, minutes in planned.legs:
            floor, ceiling = limits.get(key, (rules.min_balance, rules.max_balance))
            balances[key] += minutes
            if not floor <= balances[key] <= ceiling:
                error(
                    _(
                        "Transfer %(group)s (line %(line)s) would take a balance outside the "
                        "limits of this time bank (%(floor)s to %(ceiling)s hours). Change the "
                        "limits first, or the file."
                    )
                    % {
                        "group": planned.group,
                        "line": planned.lines[0],
                        "floor": services.format_minutes(max(floor, -NO_LIMIT // 1000)),
                        "ceiling": services.format_minutes(min(ceiling, NO_LIMIT // 1000)),
                    }
                )
                return
    result.balances = {key: value for key, value in balances.items() if key in involved}
    user_ids = [int(k) for k in balances if k.isdigit()]
    result.names = {
        str(pk): username
        for pk, username in User.objects.filter(pk__in=user_ids).values_list("pk", "username")
    }


def upload(*, actor, neighbourhood, filename: str, data: bytes) -> LedgerImport:
    services.rules_of(neighbourhood)
    return LedgerImport.objects.create(
        neighbourhood=neighbourhood, created_by=actor, filename=filename[:200], data=data
    )


def commit(*, actor, job: LedgerImport, membership: Membership | None) -> int:
    """Write the whole file, or nothing: checked again first (the ledger may have moved
    since the dry run). Returns the number of transfers written. `membership`: the
    actor's in the job's neighbourhood."""
    neighbourhood = job.neighbourhood
    services._require_manager(actor, neighbourhood, membership)
    with transaction.atomic():
        if LedgerImport.objects.filter(pk=job.pk, imported_at__isnull=False).exists():
            raise ValidationError(_("This file has already been imported."), code="imported")
        result = plan(neighbourhood=neighbourhood, filename=job.filename, data=bytes(job.data))
        if not result.ok:
            if not result.errors:
                raise ValidationError(_("There is nothing to import."), code="empty")
            raise ValidationError([ValidationError(e, code="invalid") for e in result.errors])
        accounts = {
            POT: services.pot_of(neighbourhood)
            if any(key == POT for p in result.transfers for key, _m in p.legs)
            else None,
            OPENING: services.issuer_of(neighbourhood),
        }
        users = {u.pk: u for u in User.objects.filter(pk__in=[int(k) for k in result.names])}
        for planned in result.transfers:
            legs = []
            for key, minutes in planned.legs:
                if key not in accounts:
                    accounts[key] = services.member_account(
                        users[int(key)], neighbourhood, at=planned.at, welcome=False
                    )
                legs.append((accounts[key], minutes))
            services._post(
                neighbourhood=neighbourhood,
                kind=TransferKind.IMPORT,
                legs=legs,
                actor_account=None,
                reason=planned.reason,
                key=f"import:{job.pk}:{planned.group}",
                at=planned.at,
            )
        updated = LedgerImport.objects.filter(pk=job.pk, imported_at__isnull=True).update(
            imported_at=timezone.now(), transfers=len(result.transfers)
        )
        if not updated:  # pragma: no cover - the row lock on Rules makes this unreachable
            raise ValidationError(_("This file has already been imported."), code="imported")
        log_action(
            actor=actor,
            action="timebank.imported",
            neighbourhood=neighbourhood,
            obj=job,
            data={"transfers": len(result.transfers)},
        )
    return len(result.transfers)
