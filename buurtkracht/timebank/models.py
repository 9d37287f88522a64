"""The time bank's ledger: accounts, transfers and their entries, in whole minutes.

Double entry: a transfer is a set of entries summing to zero; an account's balance is the
sum of its entries. `Account.balance` is a cache of that sum, kept in the same transaction
and checked by `buurtkracht ledger-verify`. Entries and transfers are append-only: the
database refuses UPDATE and DELETE on them (triggers, migration 0002). Each entry carries
a SHA-256 hash over the previous entry of its neighbourhood (`Rules.head_hash`), so an
altered or removed entry breaks the chain where it happened.

Limits are the database's too: a CHECK keeps every balance between its account's `floor`
and `ceiling`, and transfers in one neighbourhood take turns on its `Rules` row (a row
lock on PostgreSQL; SQLite has one writer at a time).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from buurtkracht.neighbourhoods.models import Neighbourhood

NO_LIMIT = 10**12
"""Minutes: a bound no account will reach (the pot's ceiling, the issuing account's floor)."""
GENESIS = "0" * 64


class Rules(models.Model):
    """A neighbourhood's time bank: its rules and the head of its hash chain."""

    neighbourhood = models.OneToOneField(
        Neighbourhood, primary_key=True, on_delete=models.PROTECT, related_name="timebank"
    )
    min_balance = models.IntegerField(
        _("lowest balance (minutes)"),
        default=-600,
        help_text=_("How far a member may go below zero, in minutes. 0: not below zero."),
    )
    max_balance = models.IntegerField(
        _("highest balance (minutes)"),
        default=6000,
        help_text=_("How much time a member may save up, in minutes."),
    )
    welcome_credit = models.PositiveIntegerField(
        _("welcome credit (minutes)"),
        default=0,
        help_text=_("Time every new member gets to start with. 0: none."),
    )
    direct_transfers = models.BooleanField(
        _("members may give time to each other directly"),
        default=True,
        help_text=_("Off: time only moves through completed exchanges."),
    )
    pot = models.BooleanField(
        _("the neighbourhood has a community pot"),
        default=True,
        help_text=_("Members can donate time to it; an administrator can grant from it."),
    )
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=GENESIS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("time bank rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_balance__lte=0) & Q(max_balance__gte=0), name="limits_around_zero"
            ),
            models.CheckConstraint(
                condition=Q(welcome_credit__lte=F("max_balance")), name="welcome_within_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"time bank of {self.neighbourhood_id}"


class AccountKind(models.TextChoices):
    MEMBER = "member", _("member")
    INITIATIVE = "initiative", _("initiative")
    POT = "pot", _("community pot")
    ISSUE = "issue", _("welcome and opening balances")


class Account(models.Model):
    """Whose time: a member, an initiative, the community pot, or the issuing account
    (the other side of welcome credits and imported opening balances)."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="timebank_accounts"
    )
    kind = models.CharField(max_length=12, choices=AccountKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="timebank_accounts",
    )
    """The member; None once they are erased (the account stays, pseudonymous)."""
    name = models.CharField(max_length=120, blank=True)
    """An initiative's name; empty for members (their name comes from their profile)."""
    initiative = models.OneToOneField(
        "initiatives.Initiative",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="timebank_account",
    )
    """The initiative whose account this is (kind "initiative"); its name follows it."""
    is_open = models.BooleanField(default=True)
    balance = models.BigIntegerField(default=0)
    floor = models.BigIntegerField()
    ceiling = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=F("floor")) & Q(balance__lte=F("ceiling")),
                name="balance_within_limits",
            ),
            models.UniqueConstraint(
                fields=["neighbourhood", "user"],
                condition=Q(kind="member", user__isnull=False),
                name="one_account_per_member",
            ),
            models.UniqueConstraint(
                fields=["neighbourhood", "kind"],
                condition=Q(kind__in=["pot", "issue"]),
                name="one_pot_and_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} account {self.pk}"


class TransferKind(models.TextChoices):
    EXCHANGE = "exchange", _("exchange")
    DIRECT = "direct", _("gift of time")
    DONATION = "donation", _("donation")
    GRANT = "grant", _("grant from the pot")
    WELCOME = "welcome", _("welcome credit")
    REVERSAL = "reversal", _("correction")
    IMPORT = "import", _("imported")


class Transfer(models.Model):
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="timebank_transfers"
    )
    kind = models.CharField(max_length=12, choices=TransferKind.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    """The account of who made it (None: the platform or an import)."""
    reason = models.CharField(max_length=300, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    key = models.CharField(max_length=80, null=True, blank=True)
    """Makes a confirmation idempotent: the same key twice is the same transfer."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "key"], name="one_transfer_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.kind} transfer {self.pk}"


class Entry(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    amount = models.BigIntegerField()
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["neighbourhood", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "seq"], name="one_entry_per_seq"),
            models.CheckConstraint(condition=~Q(amount=0), name="entry_not_zero"),
        ]

    def __str__(self) -> str:
        return f"entry {self.neighbourhood_id}#{self.seq}"


class ExchangeHours(models.Model):
    """The time an exchange is paid with: one of the two proposes the minutes, the other
    confirms, and only then does the helper receive them from the person helped."""

    exchange = models.OneToOneField(
        "exchange.Exchange", on_delete=models.CASCADE, related_name="hours"
    )
    minutes = models.PositiveIntegerField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now=True)
    transfer = models.OneToOneField(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange_hours"
    )

    def __str__(self) -> str:
        return f"hours of exchange {self.exchange_id}"


class LedgerImport(models.Model):
    """A spreadsheet of balances and history from another time bank: checked in a dry run
    (`importing.plan`), then written all or nothing (`importing.commit`)."""

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="timebank_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    transfers = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.filename
