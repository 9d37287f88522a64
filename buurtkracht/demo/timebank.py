"""The demo's time bank: Lindenhof switched it on about half a year ago, so a newcomer
sees months of history — exchanges paid in time, gifts of time between neighbours,
donations to the community pot, grants from it, and a few corrected mistakes.

Written through the ledger's own `_post` (balanced entries, hash chain, limits), in time
order, so `buurtkracht ledger-verify` passes on the demo and its balances are real."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError

from buurtkracht.exchange.models import Exchange
from buurtkracht.neighbourhoods.models import Neighbourhood
from buurtkracht.timebank import services
from buurtkracht.timebank.models import ExchangeHours, Rules, TransferKind

MAX_EVENTS = 1500
"""At most this many transfers, whatever the size of the city (the benchmark's 100,000)."""
MINUTES = (30, 45, 60, 60, 60, 90, 90, 120, 150, 180)
NOTES = (
    "Voor het oppassen op zaterdag",
    "Ramen gelapt",
    "Bedankt voor de boodschappen",
    "Hulp met de computer",
    "Samen de tuin gedaan",
    "Voor de soep van vorige week",
)
GRANT_REASONS = (
    "Herstelt van een operatie en kan even niets terugdoen",
    "Net verhuisd na een scheiding; eerst op adem komen",
    "Mantelzorger, geen tijd over om terug te helpen",
)
REVERSAL_REASONS = ("Verkeerde buur gekozen", "Dubbel ingevoerd")
DAYS = 180


class TimeBank:
    def __init__(self, builder, nb_ids: dict[str, int]):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.hood = Neighbourhood.objects.get(pk=nb_ids["lindenhof"])

    def build(self) -> dict[str, int]:
        rng, hood, b = self.rng, self.hood, self.b
        start = self.now - timedelta(days=DAYS)
        Rules.objects.create(
            neighbourhood=hood,
            min_balance=-600,
            max_balance=3000,
            welcome_credit=60,
            direct_transfers=True,
            pot=True,
        )
        # Switching on opened the accounts of the people one can log in as (decision 0048;
        # everyone else's opens with their first transfer here, so a city of 100,000 does
        # not post 100,000 welcome credits).
        for person in b.demo.values():
            if person.id is not None and any(m[0] == "lindenhof" for m in person.memberships):
                self._account(person.id, start)
        users = {p.id: p for p in b.lindenhof if p.id is not None}
        events: list[tuple] = []  # (moment, kind, data)
        exchanges = list(
            Exchange.objects.filter(
                post__neighbourhood=hood,
                done_by_helper_at__isnull=False,
                done_by_helped_at__isnull=False,
                done_by_helped_at__gte=start,
            ).order_by("done_by_helped_at", "pk")
        )
        for exchange in exchanges:
            moment = min(exchange.done_by_helped_at + timedelta(hours=2), self.now)
            events.append((moment, "exchange", exchange))
        ids = sorted(users)
        residents = max(len(ids), 1)
        for _ in range(residents // 3):
            giver, receiver = rng.sample(ids, 2)
            events.append((self._moment(start), "direct", (giver, receiver)))
        for _ in range(max(residents // 8, 3)):
            events.append((self._moment(start), "donation", rng.choice(ids)))
        # The demo personas have a statement worth reading.
        demo = {name: b.demo[name].id for name in ("bewoner", "verbinder", "henk-demo")}
        events += [
            (self.now - timedelta(days=40), "direct", (demo["verbinder"], demo["bewoner"])),
            (self.now - timedelta(days=12), "donation", demo["bewoner"]),
            (self.now - timedelta(days=9), "grant", demo["henk-demo"]),
        ]
        for days in (70, 35):
            events.append((self.now - timedelta(days=days), "grant", rng.choice(ids)))
        events.sort(key=lambda e: e[0])
        events = events[-MAX_EVENTS:]
        counts = {"timebank_transfers": 0, "timebank_refused": 0}
        directs = []
        for moment, kind, data in events:
            try:
                transfer = getattr(self, f"_{kind}")(moment, data)
            except ValidationError:  # over a limit: it would be refused on the site too
                counts["timebank_refused"] += 1
                continue
            if transfer is not None:
                counts["timebank_transfers"] += 1
                if kind == "direct":
                    directs.append((moment, transfer))
        admin = services.member_account(self._user(b.demo["beheerder"].id), hood, at=start)
        for (moment, transfer), reason in zip(
            rng.sample(directs, min(2, len(directs))), REVERSAL_REASONS, strict=False
        ):
            legs = [(e.account, -e.amount) for e in transfer.entries.select_related("account")]
            when = min(moment + timedelta(days=1), self.now)
            try:
                services._post(
                    neighbourhood=hood,
                    kind=TransferKind.REVERSAL,
                    legs=legs,
                    actor_account=admin,
                    reason=reason,
                    reverses=transfer,
                    key=f"reversal:{transfer.pk}",
                    at=max(when, self._head_time()),
                )
                counts["timebank_transfers"] += 1
            except ValidationError:
                counts["timebank_refused"] += 1
        counts["timebank_accounts"] = hood.timebank_accounts.count()
        return counts

    # -- events ------------------------------------------------------------------------

    def _moment(self, start):
        return start + timedelta(seconds=self.rng.randint(0, DAYS * 86400 - 3600))

    def _head_time(self):
        from buurtkracht.timebank.models import Entry

        last = Entry.objects.filter(neighbourhood=self.hood).order_by("-seq").first()
        return last.created_at if last else self.now

    @staticmethod
    def _user(user_id):
        from buurtkracht.accounts.models import User

        return User(pk=user_id)

    def _account(self, user_id, moment):
        return services.member_account(self._user(user_id), self.hood, at=moment)

    def _exchange(self, moment, exchange):
        minutes = self.rng.choice(MINUTES)
        helped = self._account(exchange.helped_id, moment)
        helper = self._account(exchange.helper_id, moment)
        hours = ExchangeHours.objects.create(
            exchange=exchange, minutes=minutes, proposed_by_id=exchange.helper_id
        )
        transfer = services._post(
            neighbourhood=self.hood,
            kind=TransferKind.EXCHANGE,
            legs=[(helped, -minutes), (helper, minutes)],
            actor_account=helped,
            reason=exchange.post.text[:300],
            key=f"exchange:{exchange.pk}",
            at=moment,
        )
        ExchangeHours.objects.filter(pk=hours.pk).update(transfer=transfer)
        return transfer

    def _direct(self, moment, pair):
        giver, receiver = (self._account(user_id, moment) for user_id in pair)
        minutes = self.rng.choice(MINUTES)
        return services._post(
            neighbourhood=self.hood,
            kind=TransferKind.DIRECT,
            legs=[(giver, -minutes), (receiver, minutes)],
            actor_account=giver,
            reason=self.rng.choice(NOTES),
            at=moment,
        )

    def _donation(self, moment, user_id):
        giver = self._account(user_id, moment)
        minutes = self.rng.choice((30, 60, 60, 120))
        return services._post(
            neighbourhood=self.hood,
            kind=TransferKind.DONATION,
            legs=[(giver, -minutes), (services.pot_of(self.hood), minutes)],
            actor_account=giver,
            at=moment,
        )

    def _grant(self, moment, user_id):
        receiver = self._account(user_id, moment)
        admin = self._account(self.b.demo["beheerder"].id, moment)
        pot = services.pot_of(self.hood)
        pot.refresh_from_db()
        minutes = min(120, pot.balance)
        if minutes <= 0:
            return None
        return services._post(
            neighbourhood=self.hood,
            kind=TransferKind.GRANT,
            legs=[(pot, -minutes), (receiver, minutes)],
            actor_account=admin,
            reason=self.rng.choice(GRANT_REASONS),
            at=moment,
        )
