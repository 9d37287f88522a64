"""What the demo residents bring and share: gifts, wishes, time, resources, the places of
the neighbourhoods and bookings of what can be borrowed.

Part of the demo generator (generator.py): it draws from the generator's one
`random.Random`, after the people are written, and writes each table in one go with
`bulk.insert_rows`. Only the places and the lendable resources are read back, for
their ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from buurtkracht.gifts.models import (
    AvailabilitySlot,
    Gift,
    Resource,
    TaxonomyItem,
    TimeOffer,
    Wish,
)
from buurtkracht.lending.models import Booking, BookingStatus
from buurtkracht.places.models import PLACE_DATA_FIELDS, Place

from . import catalogue as cat
from .bulk import insert_rows
from .weighted import Weighted

if TYPE_CHECKING:
    from .generator import Person, _Builder

LENDABLE = ("thing", "space")
SEEN_BY_NEIGHBOURS = ("neighbourhood", "public")


@dataclass(slots=True)
class Share:
    """A resource, made up in memory; `id` once written (lendable ones only)."""

    kind: str
    item_key: str
    item_id: int | None
    text: str = ""
    description: str = ""
    lendable: bool = False
    rules: str = ""
    max_days: int | None = None
    needs_approval: bool = True
    visibility: str = "neighbourhood"
    created_at: object = None
    owner: Person | None = None
    place: tuple[str, str] | None = None  # (neighbourhood slug, place name)
    id: int | None = None


class Sharing:
    def __init__(self, builder: _Builder, nb_ids: dict[str, int]):
        self.b = builder
        self.rng = builder.rng
        self.now = builder.now
        self.nb_ids = nb_ids
        self.tz = timezone.get_current_timezone()
        self.gifts: list[tuple] = []
        self.wishes: list[tuple] = []
        self.time_offers: list[tuple] = []
        self.slots: list[tuple] = []
        self.shares: list[Share] = []
        self.load_taxonomy()
        self.gift_visibility = Weighted(cat.GIFT_VISIBILITY_WEIGHTS)
        self.wish_visibility = Weighted(cat.WISH_VISIBILITY_WEIGHTS)
        self.time_visibility = Weighted(cat.TIME_VISIBILITY_WEIGHTS)
        self.resource_visibility = Weighted(cat.RESOURCE_VISIBILITY_WEIGHTS)
        self.gift_count = Weighted(cat.GIFT_COUNT_WEIGHTS)
        self.gift_kind = Weighted(cat.GIFT_KIND_WEIGHTS)
        self.wish_count = Weighted(cat.WISH_COUNT_WEIGHTS)
        self.slot_count = Weighted(cat.SLOT_COUNT_WEIGHTS)
        self.slot_choice = Weighted(cat.SLOT_WEIGHTS)
        self.max_asks = Weighted(cat.MAX_ASKS_WEIGHTS)
        self.resource_count = Weighted(cat.RESOURCE_COUNT_WEIGHTS)

    # -- the taxonomy --------------------------------------------------------------------

    def load_taxonomy(self) -> None:
        """The shared vocabulary (not a neighbourhood's own words), in key order."""
        rows = list(
            TaxonomyItem.objects.filter(neighbourhood__isnull=True)
            .order_by("key")
            .values_list("key", "pk", "category__key", "kinds")
        )
        self.item_id = {key: pk for key, pk, _category, _kinds in rows}
        self.item_kinds = {key: list(kinds) for key, _pk, _category, kinds in rows}
        by_category: dict[str, list[tuple[str, list[str]]]] = {}
        for key, _pk, category, kinds in rows:
            by_category.setdefault(category, []).append((key, kinds))

        def spread(weights: dict[str, float], fits) -> Weighted | None:
            """Items (keys) of the weighted categories that fit; a category's weight is
            shared by its fitting items."""
            pairs = []
            for category, weight in weights.items():
                fitting = [key for key, kinds in by_category.get(category, []) if fits(kinds)]
                pairs += [(key, weight / len(fitting)) for key in fitting]
            return Weighted(pairs) if pairs else None

        self.gift_items = {}
        for kind, item_kinds in cat.GIFT_ITEM_KINDS.items():
            wanted = set(item_kinds)
            pool = spread(cat.GIFT_CATEGORY_WEIGHTS[kind], lambda kinds, w=wanted: w & set(kinds))
            if pool is not None:
                self.gift_items[kind] = pool
        self.wish_items = spread(cat.WISH_CATEGORY_WEIGHTS, lambda kinds: True)

        pools = {
            "thing": [
                (key, cat.THING_WEIGHTS.get(key, cat.THING_DEFAULT_WEIGHT))
                for key, kinds in by_category.get("ruimte", [])
                if "thing" in kinds
            ],
            "space": [
                (key, cat.SPACE_WEIGHTS.get(key, cat.SPACE_DEFAULT_WEIGHT))
                for key, kinds in by_category.get("ruimte", [])
                if "space" in kinds and "thing" not in kinds
            ],
            "network": [
                (key, cat.NETWORK_WEIGHTS.get(key, cat.NETWORK_DEFAULT_WEIGHT))
                for key, kinds in by_category.get("netwerk", [])
                if "network" in kinds
            ],
            "knowledge": [
                (key, 1)
                for category in cat.KNOWLEDGE_CATEGORIES
                for key, kinds in by_category.get(category, [])
                if "knowledge" in kinds and not {"thing", "space", "network"} & set(kinds)
            ],
        }
        self.resource_items = {kind: Weighted(pairs) for kind, pairs in pools.items() if pairs}
        self.resource_kind = Weighted(
            {k: w for k, w in cat.RESOURCE_KIND_WEIGHTS.items() if k in self.resource_items}
        )

    def resource_kind_of(self, key: str) -> str:
        """The kind a resource gets from its item, as the wizard does (a ladder is a thing)."""
        kinds = self.item_kinds.get(key, [])
        for kind in ("thing", "space", "network"):
            if kind in kinds:
                return kind
        return "knowledge"

    # -- one person ----------------------------------------------------------------------

    def add_person(self, person: Person) -> None:
        """Gifts, wishes, time and things to share for a generated resident."""
        rng = self.rng
        created = self.b.moment_since(person.joined)
        if rng.random() < cat.GIFT_SHARE and self.gift_items:
            self.add_gifts(person, created)
        if rng.random() < cat.WISH_SHARE and self.wish_items is not None:
            self.add_wishes(person, created)
        if rng.random() < cat.TIME_SHARE:
            self.add_time(person)
        if rng.random() < cat.RESOURCE_SHARE and self.resource_items:
            self.add_resources(person, created)

    def add_gifts(self, person: Person, created) -> None:
        rng = self.rng
        count = self.gift_count.draw(rng)
        visibility: dict[str, str] = {}  # one choice per step, as in the wizard
        chosen: list[tuple[str, int | None, str]] = []
        seen: set = set()
        if rng.random() < cat.LANGUAGE_GIFT_SHARE:
            for code in person.languages:
                key = cat.LANGUAGE_ITEMS.get(code)
                if key in self.item_id:
                    chosen.append(("head", self.item_id[key], ""))
                    seen.add(key)
                    break
        while len(chosen) < count:
            kind = self.gift_kind.draw(rng)
            if kind not in self.gift_items:
                continue
            if rng.random() < cat.FREE_TEXT_SHARE:
                text = rng.choice(cat.GIFT_TEXTS[kind])
                if text in seen:
                    count -= 1  # two of the same: this person just has one fewer
                    continue
                seen.add(text)
                chosen.append((kind, None, text))
            else:
                key = self.gift_items[kind].draw(rng)
                if key in seen:
                    count -= 1
                    continue
                seen.add(key)
                chosen.append((kind, self.item_id[key], ""))
        for kind, item_id, text in chosen:
            if kind not in visibility:
                visibility[kind] = self.gift_visibility.draw(rng)
            self.gifts.append((person.id, kind, item_id, text, visibility[kind], created))

    def add_wishes(self, person: Person, created) -> None:
        rng = self.rng
        visibility = self.wish_visibility.draw(rng)
        seen: set = set()
        for _ in range(self.wish_count.draw(rng)):
            if rng.random() < cat.FREE_TEXT_SHARE:
                item_id, text = None, rng.choice(cat.WISH_TEXTS)
                marker = text
            else:
                key = self.wish_items.draw(rng)
                item_id, text, marker = self.item_id[key], "", key
            if marker in seen:
                continue
            seen.add(marker)
            self.wishes.append((person.id, item_id, text, visibility, created))

    def add_time(self, person: Person) -> None:
        rng = self.rng
        self.time_offers.append(
            (person.id, self.max_asks.draw(rng), self.time_visibility.draw(rng))
        )
        wanted = self.slot_count.draw(rng)
        slots: list[tuple[int, str]] = []
        for _ in range(wanted * 4):  # bounded: a few repeats are simply skipped
            slot = self.slot_choice.draw(rng)
            if slot not in slots:
                slots.append(slot)
                if len(slots) == wanted:
                    break
        for weekday, daypart in sorted(slots):
            self.slots.append((person.id, weekday, daypart))

    def add_resources(self, person: Person, created) -> None:
        rng = self.rng
        seen: set = set()
        for _ in range(self.resource_count.draw(rng)):
            if rng.random() < cat.RESOURCE_TEXT_SHARE:
                text, kind = rng.choice(cat.RESOURCE_TEXTS)
                key = ""
                marker = text
            else:
                key = self.resource_items[self.resource_kind.draw(rng)].draw(rng)
                text, kind, marker = "", self.resource_kind_of(key), key
            if marker in seen:
                continue
            seen.add(marker)
            share = Share(
                kind=kind,
                item_key=key,
                item_id=self.item_id.get(key),
                text=text,
                visibility=self.resource_visibility.draw(rng),
                created_at=created,
                owner=person,
            )
            if kind in LENDABLE:
                share.lendable = True
                share.max_days = rng.randint(1, cat.MAX_DAYS.get(key, cat.MAX_DAYS_DEFAULT))
                share.needs_approval = rng.random() < cat.NEEDS_APPROVAL_SHARE
                if key in cat.DESCRIPTIONS and rng.random() < 0.8:
                    share.description = rng.choice(cat.DESCRIPTIONS[key])
                if rng.random() < 0.9:
                    rules = cat.LENDING_RULES_THING if kind == "thing" else cat.LENDING_RULES_SPACE
                    share.rules = " ".join(rng.sample(rules, rng.randint(1, 2)))
            self.shares.append(share)

    def add_demo_person(self, person: Person, fixed: cat.DemoSharing) -> None:
        """The fixed demo accounts: the same gifts every time (keys missing from the
        taxonomy are skipped)."""
        created = self.now - timedelta(days=200)
        for kind, key, text in fixed.gifts:
            if key and key not in self.item_id:
                continue
            item_id = self.item_id[key] if key else None
            self.gifts.append((person.id, kind, item_id, text, fixed.gift_visibility, created))
        for key in fixed.wishes:
            if key in self.item_id:
                self.wishes.append(
                    (person.id, self.item_id[key], "", fixed.wish_visibility, created)
                )
        if fixed.slots:
            self.time_offers.append((person.id, fixed.max_asks_per_month, "neighbourhood"))
            self.slots += [(person.id, weekday, daypart) for weekday, daypart in fixed.slots]
        for resource in fixed.resources:
            if resource.item not in self.item_id:
                continue
            kind = self.resource_kind_of(resource.item)
            self.shares.append(
                Share(
                    kind=kind,
                    item_key=resource.item,
                    item_id=self.item_id[resource.item],
                    description=resource.description,
                    lendable=kind in LENDABLE,
                    rules=resource.rules,
                    max_days=resource.max_days,
                    visibility=resource.visibility,
                    created_at=created,
                    owner=person,
                )
            )

    # -- places --------------------------------------------------------------------------

    def build_places(self) -> tuple[int, int]:
        rng, b = self.rng, self.b
        rows, links = [], []
        creators = {
            "lindenhof": [b.demo["professional"], b.demo["verbinder"], b.demo["beheerder"]],
            "vaartkwartier": [b.vaart_professional, b.demo["beheerder"]],
        }
        centres = {"lindenhof": cat.LINDENHOF_CENTRE, "vaartkwartier": cat.VAARTKWARTIER_CENTRE}
        spreads = {"lindenhof": cat.PLACE_SPREAD, "vaartkwartier": cat.PLACE_SPREAD / 2}
        postcode_lists = {"lindenhof": b.lindenhof_postcodes, "vaartkwartier": b.vaart_postcodes}
        count = sum(len(places) for places in cat.PLACES.values())
        phones = rng.sample(range(100, 1000), count)
        for slug, places in cat.PLACES.items():
            located: dict[str, tuple] = {}  # one address, one spot on the map
            lat0, lon0 = centres[slug]
            spread = spreads[slug]
            for place in places:
                if place.address not in located:
                    located[place.address] = (
                        rng.choice(postcode_lists[slug]),
                        Decimal(f"{lat0 + rng.uniform(-spread, spread):.5f}"),
                        Decimal(f"{lon0 + rng.uniform(-spread, spread):.5f}"),
                    )
                postcode, latitude, longitude = located[place.address]
                rows.append(
                    (
                        self.nb_ids[slug],
                        place.name,
                        place.kind,
                        f"{place.address}, Haarlem",
                        postcode,
                        latitude,
                        longitude,
                        place.offers,
                        place.opening_hours,
                        f"023-555 0{phones[len(rows)]}",
                        place.email,
                        place.website,
                        rng.choice(creators[slug]).id,
                    )
                )
                for resource in place.resources:
                    if resource.item not in self.item_id:
                        continue
                    kind = self.resource_kind_of(resource.item)
                    self.shares.append(
                        Share(
                            kind=kind,
                            item_key=resource.item,
                            item_id=self.item_id[resource.item],
                            text=resource.text,
                            description=resource.description,
                            lendable=kind in LENDABLE,
                            rules=resource.rules,
                            max_days=resource.max_days,
                            needs_approval=resource.needs_approval,
                            visibility="public",
                            created_at=self.now - timedelta(days=rng.randint(30, 300)),
                            place=(slug, place.name),
                        )
                    )
        insert_rows(
            Place,
            [
                "neighbourhood",
                *PLACE_DATA_FIELDS,
                "created_by",
            ],
            rows,
            now=self.now,
        )
        slugs = {pk: slug for slug, pk in self.nb_ids.items()}
        self.place_id = {
            (slugs[nb], name): pk
            for nb, name, pk in Place.objects.filter(
                neighbourhood_id__in=self.nb_ids.values()
            ).values_list("neighbourhood_id", "name", "pk")
        }
        for slug, places in cat.PLACES.items():
            for place in places:
                place_id = self.place_id[(slug, place.name)]
                links += [(place_id, self.item_id[k]) for k in place.items if k in self.item_id]
        insert_rows(Place.items.through, ["place", "taxonomyitem"], links, now=self.now)
        return len(rows), len(links)

    # -- bookings ------------------------------------------------------------------------

    def local(self, moment: datetime, hour: int) -> datetime:
        """`hour` o'clock on the local day of `moment`."""
        day = moment.astimezone(self.tz).date()
        return datetime.combine(day, time(hour), tzinfo=self.tz)

    def window(self, share: Share, day: datetime) -> tuple[datetime, datetime]:
        """A realistic loan on the day of `day`: a few hours for a space, days for a thing
        (never longer than the resource allows)."""
        rng = self.rng
        if share.kind == "space":
            start = self.local(day, rng.choice((10, 14, 19)))
            duration = timedelta(hours=rng.choice((3, 4, 5)))
        else:
            start = self.local(day, rng.choice((9, 10, 17, 18, 19)))
            longest = min(share.max_days or 3, 4)
            duration = timedelta(days=rng.randint(1, longest))
        return start, (start.astimezone(UTC) + duration).astimezone(self.tz)

    def booking(self, share, borrower, slug, start, end, status, note="") -> tuple:
        rng = self.rng
        asked = start - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 12))
        created = min(asked, self.now - timedelta(hours=rng.randint(1, 48)))
        reminded = None
        if status == BookingStatus.RETURNED and rng.random() < 0.6:
            reminded = max(start, end - timedelta(days=1))
        return (
            share.id,
            borrower.id,
            self.nb_ids[slug],
            start,
            end,
            status,
            note,
            reminded,
            created,
        )

    def sequence(self, share: Share, borrowers: list, slug: str, count: int) -> list[tuple]:
        """Up to `count` bookings of one resource, one after the other: from some months
        ago to a few weeks ahead; never overlapping."""
        rng, now = self.rng, self.now
        rows = []
        moment = now - timedelta(days=rng.randint(30, 150))
        horizon = now + timedelta(days=45)
        for _ in range(count):
            start, end = self.window(share, moment + timedelta(days=rng.randint(1, 21)))
            if start > horizon:
                break
            r = rng.random()
            if end <= now:
                if r < 0.78:
                    status = BookingStatus.RETURNED
                elif r < 0.89 and share.needs_approval:
                    status = BookingStatus.DECLINED
                else:
                    status = BookingStatus.CANCELLED
            elif start <= now:
                status = BookingStatus.CONFIRMED  # borrowed right now
            elif r < 0.08:
                status = BookingStatus.CANCELLED
            elif share.needs_approval and r < 0.5:
                status = BookingStatus.REQUESTED
            else:
                status = BookingStatus.CONFIRMED
            borrower = rng.choice(borrowers)
            if borrower is share.owner:
                continue
            note = rng.choice(cat.BOOKING_NOTES) if rng.random() < 0.35 else ""
            rows.append(self.booking(share, borrower, slug, start, end, status, note))
            moment = end
        return rows

    def build_bookings(self) -> list[tuple]:
        rng, b, now = self.rng, self.b, self.now
        sanne = b.demo["bewoner"]
        in_lindenhof = {id(p) for p in b.lindenhof}

        def bookable(share: Share, slug: str) -> bool:
            if share.id is None or not share.lendable:
                return False
            if share.place is not None:
                return share.place[0] == slug
            if share.visibility not in SEEN_BY_NEIGHBOURS:
                return False
            lives_there = id(share.owner) in in_lindenhof
            return lives_there if slug == "lindenhof" else not lives_there

        lindenhof = [s for s in self.shares if bookable(s, "lindenhof") and s.owner is not sanne]
        borrowers = [p for p in b.lindenhof if p is not sanne]
        rows = []

        # Sanne's ladder: lent once before, and now someone asks for it (she must answer).
        ladder = next((s for s in self.shares if s.owner is sanne and s.item_key == "ladder"), None)
        asking = [p for p in b.lindenhof[: b.n] if p.email and not p.isolated] or borrowers
        if ladder is not None and ladder.id is not None and asking:
            before = rng.choice(asking)
            start = self.local(now - timedelta(days=35), 18)
            rows.append(
                self.booking(
                    ladder, before, "lindenhof", start, start + timedelta(days=2), "returned"
                )
            )
            start = self.local(now + timedelta(days=4), 18)
            rows.append(
                self.booking(
                    ladder,
                    rng.choice(asking),
                    "lindenhof",
                    start,
                    start + timedelta(days=2),
                    BookingStatus.REQUESTED,
                    "Mag ik hem lenen? Ik wil de dakgoot schoonmaken.",
                )
            )
        # Sanne borrows something from a neighbour next week (confirmed).
        wanted = ("bakfiets", "boormachine", "partytent", "naaimachine", "gereedschap")
        things = [s for s in lindenhof if s.owner is not None and s.kind == "thing"]
        borrowed = (
            next((s for key in wanted for s in things if s.item_key == key), None)
            or next(iter(things), None)
            or next((s for s in lindenhof if s.kind == "thing"), None)
        )
        if borrowed is not None:
            start, end = self.window(borrowed, now + timedelta(days=6))
            rows.append(
                self.booking(
                    borrowed,
                    sanne,
                    "lindenhof",
                    start,
                    end,
                    BookingStatus.CONFIRMED,
                    "Fijn dat ik het mag lenen!",
                )
            )
            lindenhof.remove(borrowed)  # its calendar stays as it is: no overlap

        target = min(
            cat.BOOKINGS_CAP, max(cat.BOOKINGS_MIN, round(b.n * cat.BOOKINGS_PER_RESIDENT))
        )
        rows += self.fill(lindenhof, borrowers, "lindenhof", target - len(rows))

        vaart = [s for s in self.shares if bookable(s, "vaartkwartier")]
        rows += self.fill(vaart, b.vaart, "vaartkwartier", min(20, max(2, len(b.vaart) // 10)))
        return rows

    def fill(self, candidates: list[Share], borrowers: list, slug: str, target: int):
        rng = self.rng
        candidates = list(candidates)
        rng.shuffle(candidates)
        rows: list[tuple] = []
        for share in candidates:
            if len(rows) >= target or len(borrowers) < 2:
                break
            count = rng.randint(2, 6) if share.place is not None else rng.randint(1, 3)
            rows += self.sequence(share, borrowers, slug, min(count, target - len(rows)))
        return rows

    # -- writing -------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        b, now = self.b, self.now
        for username, fixed in cat.DEMO_SHARING.items():
            self.add_demo_person(b.demo[username], fixed)
        residents = b.lindenhof[: b.n] + [
            p for p in b.vaart if p.memberships[0][0] != "lindenhof" and p.username != "buur"
        ]
        for person in residents:
            self.add_person(person)
        b.say(
            f"{len(self.gifts)} gaven, {len(self.wishes)} wensen, {len(self.slots)} "
            "tijdvakken bedacht"
        )

        insert_rows(
            Gift, ["owner", "kind", "item", "text", "visibility", "created_at"], self.gifts, now=now
        )
        insert_rows(
            Wish, ["owner", "item", "text", "visibility", "created_at"], self.wishes, now=now
        )
        insert_rows(
            TimeOffer, ["owner", "max_asks_per_month", "visibility"], self.time_offers, now=now
        )
        insert_rows(AvailabilitySlot, ["owner", "weekday", "daypart"], self.slots, now=now)
        b.say("gaven, wensen en tijd")

        places, place_items = self.build_places()
        before = Resource.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        insert_rows(
            Resource,
            [
                "owner",
                "place",
                "kind",
                "item",
                "text",
                "description",
                "lendable",
                "lending_rules",
                "max_days",
                "needs_approval",
                "visibility",
                "created_at",
            ],
            (
                (
                    s.owner.id if s.owner is not None else None,
                    self.place_id[s.place] if s.place is not None else None,
                    s.kind,
                    s.item_id,
                    s.text,
                    s.description,
                    s.lendable,
                    s.rules,
                    s.max_days,
                    s.needs_approval,
                    s.visibility,
                    s.created_at,
                )
                for s in self.shares
            ),
            now=now,
        )
        # Ids of what can be borrowed, by what makes each unique (one item or text per
        # owner or place).
        ids = {
            (owner, place, item, text): pk
            for pk, owner, place, item, text in Resource.objects.filter(
                pk__gt=before, lendable=True
            ).values_list("pk", "owner_id", "place_id", "item_id", "text")
        }
        for share in self.shares:
            if share.lendable:
                owner = share.owner.id if share.owner is not None else None
                place = self.place_id[share.place] if share.place is not None else None
                share.id = ids[(owner, place, share.item_id, share.text)]
        b.say(f"{places} plekken, {len(self.shares)} middelen")

        bookings = self.build_bookings()
        insert_rows(
            Booking,
            [
                "resource",
                "borrower",
                "neighbourhood",
                "start_at",
                "end_at",
                "status",
                "note",
                "reminded_at",
                "created_at",
            ],
            bookings,
            now=now,
        )
        b.say(f"{len(bookings)} reserveringen")
        return {
            "gifts": len(self.gifts),
            "wishes": len(self.wishes),
            "time_offers": len(self.time_offers),
            "availability_slots": len(self.slots),
            "resources": len(self.shares),
            "lendable_resources": sum(1 for s in self.shares if s.lendable),
            "places": places,
            "place_items": place_items,
            "bookings": len(bookings),
        }
