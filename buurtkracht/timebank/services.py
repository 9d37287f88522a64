"""Writes to the time bank. Each runs in one transaction, logs what it did, and refuses
bad input with a Dutch ValidationError (with a `code`) before anything is written.

Every transfer goes through `_post`, which takes the neighbourhood's `Rules` row lock
first (PostgreSQL: SELECT ... FOR UPDATE; SQLite: IMMEDIATE transactions, one writer), so
transfers of one neighbourhood take turns: the balances read after the lock are current,
the hash chain has no forks, and an idempotency key seen twice returns the first transfer.
The CHECK constraint on `Account` is the last word on limits even so.

Accounts open when the time bank is switched on (`rules_set`, for every member then) and
when someone joins (`member_joined`, received from the neighbourhoods' signal); pages
only read them (decision 0048).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtkracht.core import access
from buurtkracht.core.durations import duration
from buurtkracht.core.logging import log_action
from buurtkracht.neighbourhoods.models import Membership
from buurtkracht.neighbourhoods.services import acting_membership

from .models import (
    NO_LIMIT,
    Account,
    AccountKind,
    Entry,
    ExchangeHours,
    Rules,
    Transfer,
    TransferKind,
)

MAX_MINUTES = 100 * 60
"""The most one transfer may move (100 hours): a typo guard, below any sensible limit."""
REASON_MAX = Transfer._meta.get_field("reason").max_length


# --- Amounts ------------------------------------------------------------------------------


def format_minutes(minutes: int) -> str:
    """1:30 style (hours:minutes), with a minus sign when negative."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    return f"{sign}{hours}:{rest:02d}"


def _check_amount(minutes) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValidationError(_("Give the time in whole minutes."), code="not_minutes")
    if minutes <= 0:
        raise ValidationError(_("The time must be more than zero."), code="not_positive")
    if minutes > MAX_MINUTES:
        raise ValidationError(
            _("At most %(hours)s hours at a time.") % {"hours": MAX_MINUTES // 60},
            code="too_much",
        )
    return minutes


# --- The hash chain ------------------------------------------------------------------------


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    prev_hash: str,
    *,
    neighbourhood_id: int,
    seq: int,
    transfer_id: int,
    account_id: int,
    amount: int,
    created_at: datetime,
) -> str:
    payload = "|".join(
        (
            prev_hash,
            str(neighbourhood_id),
            str(seq),
            str(transfer_id),
            str(account_id),
            str(amount),
            stamp(created_at),
        )
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# --- Accounts ------------------------------------------------------------------------------


def rules_of(neighbourhood) -> Rules:
    """The neighbourhood's time bank rules; a Dutch ValidationError when it has none."""
    rules = Rules.objects.filter(neighbourhood=neighbourhood).first()
    if rules is None or not neighbourhood.has_module("timebank"):
        raise ValidationError(_("This neighbourhood does not use the time bank."), code="off")
    return rules


def _limits(kind: str, rules: Rules) -> tuple[int, int]:
    if kind == AccountKind.MEMBER:
        return rules.min_balance, rules.max_balance
    if kind == AccountKind.ISSUE:
        return -NO_LIMIT, 0
    return 0, NO_LIMIT  # the pot and initiatives: never below zero


def _system_account(neighbourhood, kind: str) -> Account:
    rules = rules_of(neighbourhood)
    floor, ceiling = _limits(kind, rules)
    account, _created = Account.objects.get_or_create(
        neighbourhood=neighbourhood, kind=kind, defaults={"floor": floor, "ceiling": ceiling}
    )
    return account


def pot_of(neighbourhood) -> Account:
    if not rules_of(neighbourhood).pot:
        raise ValidationError(_("This neighbourhood has no community pot."), code="no_pot")
    return _system_account(neighbourhood, AccountKind.POT)


def issuer_of(neighbourhood) -> Account:
    return _system_account(neighbourhood, AccountKind.ISSUE)


def _not_a_member() -> ValidationError:
    return ValidationError(
        _("This person is not a member of this neighbourhood."), code="person_not_member"
    )


def _open_member_account(user_id: int, neighbourhood, *, rules: Rules, at=None, welcome=True):
    """Open a member's account with the welcome credit, if any (once per member: the key
    names the account); the account already there when it opened at the same moment."""
    floor, ceiling = _limits(AccountKind.MEMBER, rules)
    with transaction.atomic():
        try:
            with transaction.atomic():
                account = Account.objects.create(
                    neighbourhood=neighbourhood,
                    kind=AccountKind.MEMBER,
                    user_id=user_id,
                    floor=floor,
                    ceiling=ceiling,
                )
        except IntegrityError:  # opened at the same moment elsewhere
            return Account.objects.get(
                neighbourhood=neighbourhood, kind=AccountKind.MEMBER, user_id=user_id
            )
        if rules.welcome_credit and welcome:
            _post(
                neighbourhood=neighbourhood,
                kind=TransferKind.WELCOME,
                legs=[
                    (issuer_of(neighbourhood), -rules.welcome_credit),
                    (account, rules.welcome_credit),
                ],
                actor_account=None,
                key=f"welcome:{account.pk}",
                at=at,
            )
            account.refresh_from_db()
    return account


def member_account(
    user, neighbourhood, *, at=None, welcome: bool = True, rules: Rules | None = None
) -> Account:
    """The member's account for a write, opened (with the welcome credit) if it is not open
    yet: accounts open on switching on and on joining, but a write never waits for a job.
    Pages read accounts with `selectors.member_account_of` and never open one.
    `at`: when it was opened (the demo's and an import's history; default now)."""
    rules = rules or rules_of(neighbourhood)
    account = Account.objects.filter(
        neighbourhood=neighbourhood, kind=AccountKind.MEMBER, user=user
    ).first()
    if account is not None:
        return account
    if not Membership.objects.filter(user=user, neighbourhood=neighbourhood).exists():
        raise _not_a_member()
    return _open_member_account(user.pk, neighbourhood, rules=rules, at=at, welcome=welcome)


OPEN_AT_ONCE = 200
"""Up to this many members, switching the time bank on opens their accounts there and
then; beyond, a background job does (`tasks.accounts_open`) and the page answers at once."""


def accounts_open(*, neighbourhood, members: bool = True) -> int:
    """Open what the time bank needs and does not have yet: the community pot (when there
    is one), each open initiative's account and, with `members`, every current member's
    (with the welcome credit). Safe to run twice. Returns the member accounts opened."""
    rules = Rules.objects.filter(neighbourhood=neighbourhood).first()
    if rules is None or not neighbourhood.has_module("timebank"):
        return 0
    if rules.pot:
        _system_account(neighbourhood, AccountKind.POT)
    for initiative in neighbourhood.initiatives.filter(is_open=True, timebank_account__isnull=True):
        initiative_account(initiative)
    if not members:
        return 0
    have = Account.objects.filter(neighbourhood=neighbourhood, kind=AccountKind.MEMBER)
    missing = (
        Membership.objects.filter(neighbourhood=neighbourhood)
        .exclude(user_id__in=have.values("user_id"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    opened = 0
    for user_id in missing.iterator(chunk_size=500):
        _open_member_account(user_id, neighbourhood, rules=rules)
        opened += 1
    return opened


def _accounts_open_on_switch_on(neighbourhood) -> None:
    """Every member's account opens when the time bank is switched on: here for a small
    neighbourhood, by a job after commit for a large one (the pot and the initiatives'
    accounts open here in both cases: a few rows)."""
    if Membership.objects.filter(neighbourhood=neighbourhood).count() <= OPEN_AT_ONCE:
        accounts_open(neighbourhood=neighbourhood)
        return
    from buurtkracht.jobs.services import enqueue

    accounts_open(neighbourhood=neighbourhood, members=False)
    enqueue("timebank.accounts_open", neighbourhood.pk)  # tasks.accounts_open


def initiative_account(initiative) -> Account:
    """The initiative's account, opened the first time it is needed (initiatives hold time
    given to them; never below zero). A Dutch ValidationError when the neighbourhood does
    not use the time bank."""
    neighbourhood = initiative.neighbourhood
    floor, ceiling = _limits(AccountKind.INITIATIVE, rules_of(neighbourhood))
    try:
        with transaction.atomic():
            account, _created = Account.objects.get_or_create(
                initiative=initiative,
                defaults={
                    "neighbourhood": neighbourhood,
                    "kind": AccountKind.INITIATIVE,
                    "name": initiative.name[:120],
                    "floor": floor,
                    "ceiling": ceiling,
                    "is_open": initiative.is_open,
                },
            )
    except IntegrityError:  # opened at the same moment elsewhere
        account = Account.objects.get(initiative=initiative)
    return account


def initiative_opened(initiative) -> Account | None:
    """A new initiative gets its account at once when the neighbourhood uses the time bank
    (and when the time bank is switched on later, `rules_set` opens the accounts)."""
    if not Rules.objects.filter(neighbourhood=initiative.neighbourhood).exists():
        return None
    if not initiative.neighbourhood.has_module("timebank"):
        return None
    return initiative_account(initiative)


def initiative_changed(initiative) -> None:
    """Keep the initiative's account in step: its name, and closed once the initiative is
    (the balance and the entries stay; nothing new comes in or goes out)."""
    Account.objects.filter(initiative=initiative).update(
        name=initiative.name[:120], is_open=initiative.is_open
    )


def initiative_give(
    *, actor, initiative, to_user, minutes, note: str = "", key: str | None = None
) -> Transfer:
    """An owner thanks someone who carries the initiative with time from its account
    (decision 0025): to an owner or member of the initiative, never to oneself."""
    minutes = _check_amount(minutes)
    neighbourhood = initiative.neighbourhood
    rules_of(neighbourhood)
    to_id = getattr(to_user, "pk", None)
    may_give, may_receive = access.initiative_time_giving(
        initiative=initiative, giver_id=actor.pk, receiver_id=to_id
    )
    if not may_give:
        raise ValidationError(
            _("Only the owners of this initiative can do this."), code="not_owner"
        )
    if to_user is None or to_user.pk == actor.pk:
        raise ValidationError(_("You cannot give time to yourself."), code="to_self")
    if not may_receive:
        raise ValidationError(
            _("Only people of the initiative can be thanked with its time."), code="not_involved"
        )
    with transaction.atomic():
        source = initiative_account(initiative)
        target = member_account(to_user, neighbourhood)
        transfer = _post(
            neighbourhood=neighbourhood,
            kind=TransferKind.DIRECT,
            legs=[(source, -minutes), (target, minutes)],
            actor_account=member_account(actor, neighbourhood),
            reason=(note or "").strip()[:REASON_MAX],
            key=_caller_key(key),
        )
        log_action(
            actor=actor,
            action="timebank.initiative_gave",
            neighbourhood=neighbourhood,
            obj=transfer,
            data={"minutes": minutes, "from_account": source.pk, "to_account": target.pk},
        )
    return transfer


# --- The one way to move time --------------------------------------------------------------


def _refusal(account: Account, after: int) -> ValidationError:
    """Why `account` may not end at `after` minutes, in Dutch."""
    if account.kind == AccountKind.MEMBER:
        if after < account.floor:
            return ValidationError(
                _("This is more than the balance allows: it may not go below %(limit)s.")
                % {"limit": duration(account.floor)},
                code="below_floor",
            )
        return ValidationError(
            _("The receiver cannot save up more than %(limit)s.")
            % {"limit": duration(account.ceiling)},
            code="above_ceiling",
        )
    return ValidationError(
        _("There is not enough time in this account (%(balance)s).")
        % {"balance": duration(account.balance)},
        code="not_enough",
    )


def _post(
    *,
    neighbourhood,
    kind: str,
    legs: Sequence[tuple[Account, int]],
    actor_account: Account | None,
    reason: str = "",
    key: str | None = None,
    reverses: Transfer | None = None,
    at=None,
) -> Transfer:
    """Write one balanced transfer: lock the chain head, check, update balances, append
    the entries with their hashes. Returns the existing transfer for a key seen before.
    `at` backdates it (the demo's history and imports, written in time order)."""
    if sum(amount for _account, amount in legs) != 0 or len(legs) < 2:
        raise ValueError("a transfer's entries must sum to zero")  # a programming error
    if len({account.pk for account, _amount in legs}) != len(legs):
        raise ValidationError(
            _("You cannot transfer time to the same account."), code="same_account"
        )
    with transaction.atomic():
        rules = Rules.objects.select_for_update().get(neighbourhood=neighbourhood)
        if key is not None:
            existing = Transfer.objects.filter(neighbourhood=neighbourhood, key=key).first()
            if existing is not None:
                if existing.kind != kind:  # a programming error: keys name one kind of thing
                    raise ValueError(f"key {key!r} belongs to a {existing.kind} transfer")
                return existing
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=[a.pk for a, _ in legs])}
        for account, amount in legs:
            current = accounts.get(account.pk)
            if current is None or current.neighbourhood_id != neighbourhood.pk:
                raise ValidationError(
                    _("That account is not part of this neighbourhood."), code="other_hood"
                )
            if not current.is_open and kind != TransferKind.REVERSAL:
                raise ValidationError(_("That account is closed."), code="closed")
            after = current.balance + amount
            if not current.floor <= after <= current.ceiling:
                raise _refusal(current, after)
        now = at or timezone.now()
        transfer = Transfer.objects.create(
            neighbourhood=neighbourhood,
            kind=kind,
            created_at=now,
            created_by=actor_account,
            reason=reason[:REASON_MAX],
            reverses=reverses,
            key=key,
        )
        try:  # the CHECK has the last word; re-raised, so the transaction rolls back
            for account, amount in legs:
                Account.objects.filter(pk=account.pk).update(balance=F("balance") + amount)
        except IntegrityError as error:
            raise ValidationError(
                _("This transfer does not fit the limits."), code="limits"
            ) from error
        seq, prev = rules.head_seq, rules.head_hash
        entries = []
        for account, amount in sorted(legs, key=lambda leg: leg[0].pk):
            seq += 1
            digest = entry_hash(
                prev,
                neighbourhood_id=neighbourhood.pk,
                seq=seq,
                transfer_id=transfer.pk,
                account_id=account.pk,
                amount=amount,
                created_at=now,
            )
            entries.append(
                Entry(
                    transfer=transfer,
                    account_id=account.pk,
                    neighbourhood_id=neighbourhood.pk,
                    seq=seq,
                    amount=amount,
                    created_at=now,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        Entry.objects.bulk_create(entries)
        Rules.objects.filter(pk=rules.pk).update(head_seq=seq, head_hash=prev)
        # A member account outside today's limits (they changed) may only move back: its
        # bounds follow the balance back towards the rules (only written when they move).
        members = [
            a.pk
            for a, amount in legs
            if accounts[a.pk].kind == AccountKind.MEMBER
            and (accounts[a.pk].floor, accounts[a.pk].ceiling)
            != (
                min(rules.min_balance, accounts[a.pk].balance + amount),
                max(rules.max_balance, accounts[a.pk].balance + amount),
            )
        ]
        if members:
            _fit_limits(Account.objects.filter(pk__in=members), rules)
    return transfer


def _fit_limits(accounts, rules: Rules) -> None:
    """Member accounts get today's limits, widened just enough to hold their balance."""
    accounts.update(
        floor=Least(Value(rules.min_balance), F("balance")),
        ceiling=Greatest(Value(rules.max_balance), F("balance")),
    )


# --- What people do ------------------------------------------------------------------------


def _caller_key(key: str | None) -> str | None:
    """A key from a form or caller, kept apart from the platform's own keys (welcome:,
    reversal:, exchange:, import:), so nobody can pre-empt those."""
    return f"caller:{key}" if key is not None else None


def _require_manager(actor, neighbourhood, membership: Membership | None) -> None:
    """Refuse unless `actor` manages this time bank (`access.timebank_manages`), for the
    membership the caller has (None: not a member, so not a manager either)."""
    if membership is not None and membership.user_id != actor.pk:
        raise ValueError("the membership of someone else")
    if not access.timebank_manages(membership, neighbourhood_id=neighbourhood.pk):
        raise ValidationError(
            _("Only administrators of this neighbourhood can do this."), code="not_admin"
        )


def give(
    *,
    actor,
    neighbourhood,
    to_user,
    minutes,
    note: str = "",
    key: str | None = None,
    membership: Membership | None,
) -> Transfer:
    """A member gives time to another member directly (where the rules allow it)."""
    minutes = _check_amount(minutes)
    rules = rules_of(neighbourhood)
    if not rules.direct_transfers:
        raise ValidationError(
            _("In this neighbourhood time only moves through completed exchanges."),
            code="no_direct",
        )
    if to_user is None or to_user.pk == actor.pk:
        raise ValidationError(_("You cannot give time to yourself."), code="to_self")
    acting_membership(actor, neighbourhood, membership)
    if not Membership.objects.filter(neighbourhood=neighbourhood, user_id=to_user.pk).exists():
        raise _not_a_member()
    with transaction.atomic():
        found = {
            a.user_id: a
            for a in Account.objects.filter(
                neighbourhood=neighbourhood,
                kind=AccountKind.MEMBER,
                user_id__in=[actor.pk, to_user.pk],
            )
        }
        source = found.get(actor.pk) or member_account(actor, neighbourhood, rules=rules)
        target = found.get(to_user.pk) or member_account(to_user, neighbourhood, rules=rules)
        transfer = _post(
            neighbourhood=neighbourhood,
            kind=TransferKind.DIRECT,
            legs=[(source, -minutes), (target, minutes)],
            actor_account=source,
            reason=note.strip(),
            key=_caller_key(key),
        )
        log_action(
            actor=actor,
            action="timebank.given",
            neighbourhood=neighbourhood,
            obj=transfer,
            data={"minutes": minutes, "to_account": target.pk},
        )
    return transfer


def donate(
    *,
    actor,
    neighbourhood,
    to_account: Account,
    minutes,
    key: str | None = None,
    membership: Membership | None,
) -> Transfer:
    """A member gives time to the community pot or to an initiative."""
    minutes = _check_amount(minutes)
    rules_of(neighbourhood)
    acting_membership(actor, neighbourhood, membership)
    if to_account.kind not in (AccountKind.POT, AccountKind.INITIATIVE):
        raise ValidationError(
            _("You can donate to the community pot or to an initiative."), code="not_a_target"
        )
    if to_account.kind == AccountKind.POT:
        pot_of(neighbourhood)  # the pot may have been switched off
    with transaction.atomic():
        source = member_account(actor, neighbourhood)
        transfer = _post(
            neighbourhood=neighbourhood,
            kind=TransferKind.DONATION,
            legs=[(source, -minutes), (to_account, minutes)],
            actor_account=source,
            key=_caller_key(key),
        )
        log_action(
            actor=actor,
            action="timebank.donated",
            neighbourhood=neighbourhood,
            obj=transfer,
            data={"minutes": minutes, "to_account": to_account.pk},
        )
    return transfer


def grant(
    *,
    actor,
    neighbourhood,
    to_user,
    minutes,
    reason: str,
    key: str | None = None,
    membership: Membership | None,
) -> Transfer:
    """An administrator gives time from the pot to a member who cannot pay, with a reason."""
    minutes = _check_amount(minutes)
    _require_manager(actor, neighbourhood, membership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this grant is given."), code="no_reason")
    if not Membership.objects.filter(user=to_user, neighbourhood=neighbourhood).exists():
        raise _not_a_member()
    with transaction.atomic():
        pot = pot_of(neighbourhood)
        target = member_account(to_user, neighbourhood)
        transfer = _post(
            neighbourhood=neighbourhood,
            kind=TransferKind.GRANT,
            legs=[(pot, -minutes), (target, minutes)],
            actor_account=member_account(actor, neighbourhood),
            reason=reason,
            key=_caller_key(key),
        )
        log_action(
            actor=actor,
            action="timebank.granted",
            neighbourhood=neighbourhood,
            obj=transfer,
            data={"minutes": minutes, "to_account": target.pk},
        )
    return transfer


def _already_corrected() -> ValidationError:
    return ValidationError(_("This transfer has already been corrected."), code="corrected")


def reverse(*, actor, transfer: Transfer, reason: str, membership: Membership | None) -> Transfer:
    """An administrator corrects a mistake: a new transfer with every amount turned
    around. The original stays; each transfer can be reversed once."""
    neighbourhood = transfer.neighbourhood
    _require_manager(actor, neighbourhood, membership)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why this is corrected."), code="no_reason")
    if transfer.kind == TransferKind.REVERSAL:
        raise ValidationError(
            _("A correction cannot be corrected again; make a new transfer."),
            code="is_correction",
        )
    if Transfer.objects.filter(reverses=transfer).exists():
        raise _already_corrected()
    legs = [(entry.account, -entry.amount) for entry in transfer.entries.select_related("account")]
    with transaction.atomic():
        try:
            with transaction.atomic():
                correction = _post(
                    neighbourhood=neighbourhood,
                    kind=TransferKind.REVERSAL,
                    legs=legs,
                    actor_account=member_account(actor, neighbourhood),
                    reason=reason,
                    reverses=transfer,
                    key=f"reversal:{transfer.pk}",
                )
        except IntegrityError as error:  # reversed at the same moment elsewhere
            raise _already_corrected() from error
        if correction.reverses_id != transfer.pk:  # pragma: no cover - the key is unique
            raise _already_corrected()
        log_action(
            actor=actor,
            action="timebank.reversed",
            neighbourhood=neighbourhood,
            obj=correction,
            data={"reverses": transfer.pk},
        )
    return correction


def account_close(*, actor, account: Account, membership: Membership | None) -> Account:
    """A member leaves (or is removed): the account closes and takes no new transfers; its
    entries and balance stay, so every other balance stays right. Once the person is
    erased, the account is shown under a pseudonym ("oud-lid 12"). Only the member
    themselves (leaving) or an administrator of the neighbourhood may close it
    (`access.timebank_may_close`; `membership`: the actor's in the account's
    neighbourhood, None when they have none — leaving, one's own account may close)."""
    if not access.timebank_may_close(actor=actor, membership=membership, account=account):
        raise ValidationError(
            _("Only administrators of this neighbourhood can do this."), code="not_admin"
        )
    return _close(actor=actor, account=account)


def _close(*, actor, account: Account) -> Account:
    with transaction.atomic():
        Rules.objects.select_for_update().get(neighbourhood=account.neighbourhood_id)
        Account.objects.filter(pk=account.pk).update(is_open=False)
        log_action(
            actor=actor,
            action="timebank.account_closed",
            neighbourhood=account.neighbourhood,
            obj=account,
        )
    account.refresh_from_db()
    return account


RULES = frozenset({"min_balance", "max_balance", "welcome_credit", "direct_transfers", "pot"})


def _check_rules(rules: Rules) -> None:
    if rules.min_balance > 0:
        raise ValidationError(
            {
                "min_balance": ValidationError(
                    _("The lowest balance cannot be above zero."), code="min_above_zero"
                )
            }
        )
    if rules.max_balance < 0:
        raise ValidationError(
            {
                "max_balance": ValidationError(
                    _("The highest balance cannot be below zero."), code="max_below_zero"
                )
            }
        )
    if rules.welcome_credit > rules.max_balance:
        raise ValidationError(
            {
                "welcome_credit": ValidationError(
                    _("The welcome credit cannot be more than the highest balance."),
                    code="welcome_above_max",
                )
            }
        )
    rules.full_clean()


def rules_set(*, actor, neighbourhood, membership: Membership | None, **fields) -> Rules:
    """Switch the time bank on (the first time) or change its rules. Accounts outside new
    limits keep their balance and may only move back towards the limits. Switching on
    opens every member's account (`accounts_open`); so does switching it on again after
    the module was off, for those who joined meanwhile."""
    if set(fields) - RULES:
        raise ValueError(f"not a rule: {sorted(set(fields) - RULES)}")
    _require_manager(actor, neighbourhood, membership)
    with transaction.atomic():
        rules = Rules.objects.select_for_update().filter(neighbourhood=neighbourhood).first()
        created = rules is None
        rules = rules or Rules(neighbourhood=neighbourhood)
        for name, value in fields.items():
            setattr(rules, name, value)
        _check_rules(rules)
        rules.save()
        switched_on = created or not neighbourhood.has_module("timebank")
        if not neighbourhood.has_module("timebank"):
            neighbourhood.modules = [*neighbourhood.modules, "timebank"]
            neighbourhood.save(update_fields=["modules"])
        _fit_limits(Account.objects.filter(neighbourhood=neighbourhood, kind="member"), rules)
        if switched_on:
            _accounts_open_on_switch_on(neighbourhood)
        elif rules.pot:  # the pot may just have been switched on
            _system_account(neighbourhood, AccountKind.POT)
        log_action(
            actor=actor,
            action="timebank.switched_on" if created else "timebank.rules_changed",
            neighbourhood=neighbourhood,
            obj=rules,
            data=dict(fields),
        )
    return rules


# --- Paying for an exchange ----------------------------------------------------------------


def _exchange_checks(actor, exchange) -> None:
    if not exchange.involves(actor):
        raise ValidationError(
            _("Only the two people of this exchange can do this."), code="not_involved"
        )
    if not exchange.is_done:
        raise ValidationError(
            _("First you both say it is done; then you settle the time."), code="not_done"
        )
    rules_of(exchange.post.neighbourhood)


def exchange_hours_propose(*, actor, exchange, minutes) -> ExchangeHours:
    """One of the two says how much time the help took. A new proposal replaces the old
    one until the other has confirmed."""
    minutes = _check_amount(minutes)
    _exchange_checks(actor, exchange)
    with transaction.atomic():
        hours = ExchangeHours.objects.select_for_update().filter(exchange=exchange).first()
        if hours is not None and hours.transfer_id:
            raise ValidationError(
                _("The time of this exchange has already been settled."), code="settled"
            )
        hours, _created = ExchangeHours.objects.update_or_create(
            exchange=exchange, defaults={"minutes": minutes, "proposed_by": actor}
        )
        log_action(
            actor=actor,
            action="timebank.exchange_proposed",
            neighbourhood=exchange.post.neighbourhood,
            obj=hours,
            data={"minutes": minutes},
        )
    return hours


def exchange_hours_confirm(*, actor, exchange, minutes: int) -> Transfer:
    """The other person confirms the proposed minutes: the helper receives them from the
    person helped. Confirming twice (or at the same moment twice) makes one transfer;
    `minutes` must be what was proposed, so nobody confirms an amount changed meanwhile."""
    _exchange_checks(actor, exchange)
    neighbourhood = exchange.post.neighbourhood
    with transaction.atomic():
        hours = ExchangeHours.objects.select_for_update().filter(exchange=exchange).first()
        if hours is None:
            raise ValidationError(
                _("Nobody has said yet how much time it took."), code="not_proposed"
            )
        if hours.transfer is not None:
            return hours.transfer
        if hours.proposed_by_id == actor.pk:
            raise ValidationError(
                _("The other person confirms the time you proposed."), code="own_proposal"
            )
        if hours.minutes != minutes:
            raise ValidationError(
                _("The proposed time has changed. Look again and confirm."), code="changed"
            )
        helped = member_account(exchange.helped, neighbourhood)
        helper = member_account(exchange.helper, neighbourhood)
        transfer = _post(
            neighbourhood=neighbourhood,
            kind=TransferKind.EXCHANGE,
            legs=[(helped, -hours.minutes), (helper, hours.minutes)],
            actor_account=member_account(actor, neighbourhood),
            reason=exchange.post.text[:REASON_MAX],
            key=f"exchange:{exchange.pk}",
        )
        ExchangeHours.objects.filter(pk=hours.pk).update(transfer=transfer)
        log_action(
            actor=actor,
            action="timebank.exchange_paid",
            neighbourhood=neighbourhood,
            obj=transfer,
            data={"exchange": exchange.pk, "minutes": hours.minutes},
        )
    return transfer


# --- Members coming and going --------------------------------------------------------------


def member_left(*, actor, user, neighbourhood) -> None:
    """Called when someone leaves or is removed: their account closes (no new transfers);
    entries and balance stay, so every other balance stays right. The leaving or the
    removal was decided by the neighbourhoods' services; closing follows from it."""
    account = Account.objects.filter(
        neighbourhood=neighbourhood, kind=AccountKind.MEMBER, user=user, is_open=True
    ).first()
    if account is not None:
        _close(actor=actor, account=account)


def member_joined(*, user, neighbourhood) -> Account | None:
    """Someone (re)joined: a closed account of theirs opens again; a newcomer's opens with
    the welcome credit where the time bank is set up (it has rules), even while its
    module is off, so the account is there whenever the module is on."""
    reopened = Account.objects.filter(
        neighbourhood=neighbourhood, kind=AccountKind.MEMBER, user=user, is_open=False
    ).update(is_open=True)
    rules = Rules.objects.filter(neighbourhood=neighbourhood).first()
    if reopened or rules is None:
        return None
    return member_account(user, neighbourhood, rules=rules)
