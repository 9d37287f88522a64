"""A warm, per-neighbourhood index of what people offer, so matching stays fast at scale.

`text_relevance` and `rank` score a *short* candidate list. With 100,000 residents and a
million gifts and resources, scoring everyone for each request is far too slow, so:

    index = neighbourhood_index(neighbourhood)        # built once, cached per process
    for user_id, score, item_ids in index.candidates(request_text, limit=200):
        ...                                            # build `Candidate`s, call `rank`

Build (`NeighbourhoodIndex.build`)
    One streaming query (`values_list(...).iterator(chunk_size=...)`, gifts UNION ALL
    resources) reads every gift and resource owned by a member of the neighbourhood:
    owner, kind, id, taxonomy item, own words, visibility. Private items ("only me") are
    never indexed: matching shows people to others. Rows are grouped per person; each
    person's items are kept as `IndexedItem`s (kind, id, taxonomy item, label,
    visibility) so callers can filter what a viewer may see before showing anything.

    The text index (`DocumentIndex`: BM25 over Dutch stems, compounds, taxonomy synonym
    expansion, see `buurtkracht.gifts.search`) holds one document per *distinct offer*
    (taxonomy item + own words, e.g. "Fiets repareren" or "Ik plak elke band"), with the
    people who offer it. People offer the same things over and over, so this index is
    small and a query reads short posting lists; one document per person (a million
    labels in 100,000 long documents) was 3 to 6 times slower to search at 2,000
    residents (p95 71 ms against 12 ms), most of it in explaining long documents.
    Free text that names a taxonomy entry well ("ik repareer fietsen") also tags its
    offer with that entry, so the taxonomy bonus finds it for requests in other words;
    the lookup is cached per distinct text.

Candidates (`NeighbourhoodIndex.candidates`, `.matches`)
    Request filler words (`relevance.FILLER`, when that module offers it) are dropped, as
    `text_relevance` does; the best `OFFER_LIMIT` offers are found with the
    neighbourhood's taxonomy; a person scores the sum of the scores of their matching
    offers (two matching offers beat one). Offers below `WEAK_OFFER` (0.3) × the best
    offer's score count only while fewer than `limit` people were found. The top
    `limit` people, best first, ties by user id: `(user_id, score, item_ids)`, or
    `Match`es with the matching offers' labels. `Match.text` (the best `TEXT_OFFERS`
    matching offers) is what to give the full ranker as `Candidate.text`: it only has to
    score this short list.

    Visibility: each offer keeps its owners per visibility level of their item (public,
    neighbourhood, contacts). `matches(levels=..., contacts=...)` adds up only the
    offers a viewer may see (`access.matching_scope` says which), so what a viewer may
    not see never decides who is found. With `category`, people offering something in
    the request's taxonomy category fill a short list (score 0). The app
    (`exchange.selectors.suggested_helpers`) still checks the final candidates against
    the database, because the index can be a moment behind an edit in place.

Cache (`neighbourhood_index`)
    Per process, keyed on the neighbourhood and a version: the "matching" snapshot's
    `wanted` (one row read by its key), which every change to members' gifts, resources
    and memberships bumps in its own transaction (`jobs.topics`), plus the taxonomy index
    in use. A process trusts the version it read for `VERSION_TTL` seconds (2). When the
    version moved, the index is rebuilt from the database in a background thread (about a
    second at 100,000 residents) while requests keep using the one they have; only a
    process's first build makes a request wait (`BACKGROUND_REBUILD`).
"""

from __future__ import annotations

import heapq
import threading
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import add

from django.db import connection
from django.db.models import Value
from django.db.models.fields import CharField

from buurtkracht.core.choices import Visibility
from buurtkracht.gifts.models import Gift, Resource, TaxonomyItem
from buurtkracht.gifts.search import Document, DocumentIndex, TaxonomyIndex, normalise
from buurtkracht.gifts.taxonomy import taxonomy_index
from buurtkracht.matching import relevance
from buurtkracht.neighbourhoods.models import Membership

__all__ = [
    "CHUNK_SIZE",
    "VERSION_TTL",
    "IndexedItem",
    "Match",
    "NeighbourhoodIndex",
    "clear_cache",
    "index_version",
    "neighbourhood_index",
    "offer_text",
]

CHUNK_SIZE = 20_000
TAG_MIN_SCORE = 0.6
"""Free text tags a person with a taxonomy entry it matches at least this well."""
TAGS_PER_TEXT = 2
OFFER_LIMIT = 500
WEAK_OFFER = 0.3
"""Offers scoring below this share of the best one count only while fewer than `limit`
people were found: they match on a common word ("buurt") and would make every request
add up the offers of tens of thousands of people."""
"""At most this many distinct offers are read per request."""
TEXT_OFFERS = 2
MEANING_FILL = 20
"""When the words find fewer offers than this, offers close in meaning fill the list (with
the optional semantic part): a request in Arabic, Turkish, Polish or Ukrainian still finds
the neighbours who described their offer in Dutch (issue 18)."""
MEANING_Z = 2.0
"""A taxonomy entry brings in its offers by meaning only when its cosine to the request
lies this many standard deviations above the mean over the entries (e5 cosines all lie
between about 0.7 and 0.9: only the clearly closer ones count)."""
MEANING_ENTRIES = 3
"""At most this many entries close in meaning (that someone here offers) bring in offers."""
MEANING_RETRY_S = 60.0
"""An index whose entries did not all have a stored vector yet reads them again after this
long (the embedding job stores them shortly after the vocabulary or an offer changes)."""
MEANING_SCORE = 1e-4
"""× its standard deviations: the text score of an offer found by meaning only, below any
offer found by its words."""
LEVELS = (Visibility.PUBLIC, Visibility.NEIGHBOURHOOD, Visibility.CONTACTS)
"""The visibility levels an item can have in the index (private items are left out)."""


@dataclass(frozen=True, slots=True)
class IndexedItem:
    kind: str
    """"gift" or "resource"."""
    id: int
    item_id: int | None
    """The taxonomy item chosen, if any."""
    label: str
    """What the person offers, as shown: taxonomy label and/or own words."""
    text: str
    """Their own words only ("" if none)."""
    visibility: str


@lru_cache(maxsize=262_144)
def _tags(taxonomy: TaxonomyIndex, text: str) -> tuple[int, ...]:
    return tuple(
        m.entry.id for m in taxonomy.lookup(text, limit=TAGS_PER_TEXT) if m.score >= TAG_MIN_SCORE
    )


def _rows(neighbourhood_id: int) -> Iterator[tuple]:
    """(owner, kind, id, item, text, visibility) of every non-private gift and resource
    owned by a member, in one streaming query."""
    members = Membership.objects.filter(neighbourhood_id=neighbourhood_id).values("user_id")
    fields = ("owner_id", "kind_of", "id", "item_id", "text", "visibility")
    gifts = (
        Gift.objects.filter(owner_id__in=members)
        .exclude(visibility=Visibility.PRIVATE)
        .annotate(kind_of=Value("gift", output_field=CharField()))
        .order_by()
        .values_list(*fields)
    )
    resources = (
        Resource.objects.filter(owner_id__in=members)
        .exclude(visibility=Visibility.PRIVATE)
        .annotate(kind_of=Value("resource", output_field=CharField()))
        .order_by()
        .values_list(*fields)
    )
    return gifts.union(resources, all=True).iterator(chunk_size=CHUNK_SIZE)


@dataclass(frozen=True, slots=True)
class Match:
    user_id: int
    score: float
    item_ids: tuple[int, ...]
    """Taxonomy items of the offers that matched."""
    labels: tuple[str, ...]
    """The offers that matched, as shown (distinct, best first)."""
    categories: tuple[str, ...] = ()
    """Taxonomy category keys of everything this person offers that the viewer may see."""
    keys: tuple[tuple[int | None, str], ...] = ()
    """Per label: (taxonomy item or None, own words) of the offer, to check it against
    the database."""
    meaning: float = 0.0
    """Found by meaning only (no word matched): how many standard deviations the taxonomy
    entry their offer is tagged with lies above the others in closeness to the request."""

    @property
    def text(self) -> str:
        """The best `TEXT_OFFERS` matching offers, in a fixed order: the text to give the
        ranker (`relevance.Candidate.text`). Few, repeating texts keep ranking cheap."""
        return offer_text(self.labels)


def offer_text(labels) -> str:
    """The text the ranker scores for a person: their best `TEXT_OFFERS` offers, in a
    fixed order."""
    return ". ".join(sorted(labels[:TEXT_OFFERS]))


class NeighbourhoodIndex:
    """Everyone's offers in one neighbourhood, searchable. Immutable; thread-safe.

    The text index holds one document per *distinct offer* (taxonomy item + own words),
    not per person: people offer the same things over and over, so a query reads short
    posting lists and explains only short documents. Each offer knows who offers it; a
    person scores the sum of the scores of their matching offers.
    """

    def __init__(
        self,
        neighbourhood_id: int,
        taxonomy: TaxonomyIndex,
        people: dict[int, tuple[IndexedItem, ...]],
        version: tuple = (),
    ):
        self.neighbourhood_id = neighbourhood_id
        self.taxonomy = taxonomy
        self.version = version
        self._people = people
        offers: dict[tuple[int | None, str], int] = {}
        keys: list[tuple[int | None, str]] = []
        documents: list[Document] = []
        # Per offer, who offers it, per visibility level of their item: a viewer only
        # ever adds up the offers they may see.
        owners: dict[str, dict[int, array]] = {level: {} for level in LEVELS}
        person_offers: dict[int, tuple[tuple[int, str], ...]] = {}
        in_category: dict[str, list[int]] = {}
        offer_category: list[str | None] = []
        category_of = {entry.id: entry.category for entry in taxonomy.entries}
        for user_id, items in people.items():
            seen: dict[tuple[int, str], None] = {}
            for item in items:
                key = (item.item_id, item.text)
                number = offers.get(key)
                if number is None:
                    number = offers[key] = len(documents)
                    keys.append(key)
                    tags = [item.item_id] if item.item_id else []
                    if item.text:
                        tags.extend(_tags(taxonomy, normalise(item.text)))
                    documents.append(
                        Document(
                            id=f"{number:09d}", text=item.label, item_ids=tuple(dict.fromkeys(tags))
                        )
                    )
                    category = category_of.get(tags[0]) if tags else None
                    offer_category.append(category)
                    if category:
                        in_category.setdefault(category, []).append(number)
                level = item.visibility if item.visibility in owners else Visibility.CONTACTS
                if (number, level) not in seen:
                    at_level = owners[level].get(number)
                    if at_level is None:
                        at_level = owners[level][number] = array("q")
                    at_level.append(user_id)
                    seen[(number, level)] = None
            person_offers[user_id] = tuple(seen)
        self._documents = documents
        self._keys = keys
        self._owners = owners
        self._person_offers = person_offers
        self._in_category = in_category
        self._offer_category = offer_category
        self.item_category = category_of
        """Taxonomy item id → its category key, for the vocabulary in use."""
        self._search = DocumentIndex(documents)
        self._meaning: tuple | None = None  # (matrix, offer numbers, read at), on first use

    @classmethod
    def build(
        cls, neighbourhood, *, taxonomy: TaxonomyIndex | None = None, version: tuple = ()
    ) -> NeighbourhoodIndex:
        """Read the neighbourhood's gifts and resources from the database and index them."""
        neighbourhood_id = getattr(neighbourhood, "pk", neighbourhood)
        taxonomy = taxonomy or taxonomy_index(neighbourhood)
        labels = {entry.id: entry.label for entry in taxonomy.entries}
        grouped: dict[int, list[tuple]] = {}
        for row in _rows(neighbourhood_id):
            entry = grouped.get(row[0])
            if entry is None:
                grouped[row[0]] = [row]
            else:
                entry.append(row)
        missing = {
            row[3] for rows in grouped.values() for row in rows if row[3] and row[3] not in labels
        }
        if missing:  # an item of another neighbourhood's own vocabulary: rare
            labels.update(TaxonomyItem.objects.filter(pk__in=missing).values_list("pk", "label_nl"))

        people: dict[int, tuple[IndexedItem, ...]] = {}
        for user_id in sorted(grouped):
            rows = sorted(grouped.pop(user_id), key=lambda r: (r[1], r[2]))  # gifts first
            items = []
            for _, kind, pk, item_id, text, visibility in rows:
                item_label = labels.get(item_id, "") if item_id else ""
                label = f"{item_label}: {text}" if item_label and text else item_label or text
                items.append(IndexedItem(kind, pk, item_id, label, text, visibility))
            people[user_id] = tuple(items)
        return cls(neighbourhood_id, taxonomy, people, version)

    def __len__(self) -> int:
        """The number of people with something indexed."""
        return len(self._people)

    @property
    def item_count(self) -> int:
        return sum(len(items) for items in self._people.values())

    @property
    def offer_count(self) -> int:
        """Distinct offers (taxonomy item + own words) in the text index."""
        return len(self._documents)

    @property
    def offer_texts(self) -> list[str]:
        """The distinct offers' texts, as the ranker sees them (`Match.labels`)."""
        return [document.text for document in self._documents]

    def items(self, user_id: int) -> tuple[IndexedItem, ...]:
        """A person's indexed gifts and resources (gifts first), with their visibility."""
        return self._people.get(user_id, ())

    def text(self, user_id: int) -> str:
        """A person's offers in one text, as indexed."""
        return ". ".join(i.label for i in self._people.get(user_id, ()))

    def _owners_of(self, number: int, levels: frozenset[str], contacts: frozenset[int]):
        """Who offers offer `number` at a level the viewer may see."""
        for level in LEVELS:
            owners = self._owners[level].get(number)
            if owners is None:
                continue
            if level in levels:
                yield owners
            elif level == Visibility.CONTACTS and contacts:
                yield array("q", (o for o in owners if o in contacts))

    def matches(
        self,
        request_text: str,
        *,
        limit: int = 200,
        levels: frozenset[str] | None = None,
        contacts: frozenset[int] = frozenset(),
        category: str | None = None,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Match]:
        """The best `limit` people for a request, best first, ties by user id.

        A person's score is the sum of the scores of their offers that match (offers:
        `DocumentIndex.search` with the taxonomy, at most `OFFER_LIMIT` of them).

        What a viewer may see: `levels` are the visibility levels the viewer reaches for
        every member (default: all indexed levels), `contacts` the people whose
        contacts-only items the viewer may see as well (`access.matching_scope`). Only
        those items count, for the score and in the `Match`. With `category`, people who
        offer something in that taxonomy category fill the list up to `limit` (score 0,
        by user id) when the words found fewer. `exclude`: never these people.
        """
        levels = frozenset(LEVELS) if levels is None else levels
        filler = getattr(relevance, "FILLER", frozenset())
        words = [w for w in normalise(request_text).split() if w not in filler]
        query = " ".join(words) or request_text
        hits = (
            self._search.search(query, taxonomy=self.taxonomy, limit=OFFER_LIMIT)
            if query.strip()
            else []
        )
        if limit <= 0:
            return []
        scores = {int(hit.id): hit.score for hit in hits}
        by_meaning: dict[int, float] = {}
        if len(scores) < MEANING_FILL and request_text.strip():
            for number, z in self._close_in_meaning(request_text, MEANING_FILL).items():
                if number not in scores:
                    scores[number] = MEANING_SCORE * z
                    by_meaning[number] = z
        order = sorted(scores, key=lambda n: (-scores[n], n))  # best offers first
        totals: dict[int, float] = {}
        get = totals.get
        floor = WEAK_OFFER * scores[order[0]] if order else 0.0
        for number in order:
            score = scores[number]
            if score < floor and len(totals) >= limit:
                break  # weak offers (a shared common word) only fill a short list
            for owners in self._owners_of(number, levels, contacts):
                # In C: each owner's total plus the score (an owner appears once per
                # offer and level).
                added = map(add, map(get, owners, repeat(0.0)), repeat(score))
                totals.update(zip(owners, added, strict=False))
        for user_id in exclude:
            totals.pop(user_id, None)
        if len(totals) > limit:
            cutoff = heapq.nlargest(limit, totals.values())[-1] - 1e-6
            ahead = [(user_id, t) for user_id, t in totals.items() if t >= cutoff]
        else:
            ahead = list(totals.items())
        rounded = [(user_id, round(total, 6)) for user_id, total in ahead]
        best = sorted(rounded, key=lambda pair: (-pair[1], pair[0]))[:limit]
        if category and len(best) < limit:
            best += self._category_fill(
                category, limit - len(best), levels, contacts, exclude, totals
            )
        result = []
        for user_id, total in best:
            visible = [
                number
                for number, level in self._person_offers[user_id]
                if level in levels or (level == Visibility.CONTACTS and user_id in contacts)
            ]
            offered = sorted(
                dict.fromkeys(n for n in visible if n in scores), key=lambda n: (-scores[n], n)
            )
            if not offered and category:  # found by category only: its offers there
                offered = [n for n in dict.fromkeys(visible) if self._offer_category[n] == category]
            documents = [self._documents[n] for n in offered]
            categories = {self._offer_category[n] for n in visible} - {None}
            words = [n for n in offered if n not in by_meaning]
            meaning = 0.0 if words else max((by_meaning[n] for n in offered), default=0.0)
            result.append(
                Match(
                    user_id,
                    total,
                    tuple(dict.fromkeys(i for d in documents for i in d.item_ids[:1])),
                    tuple(d.text for d in documents),
                    tuple(sorted(categories)),
                    tuple(self._keys[n] for n in offered),
                    round(meaning, 6),
                )
            )
        return result

    def _meaning_matrix(self):
        """The stored vectors of the taxonomy's entries in use here, one matrix, and for each
        row the offers tagged with that entry (read once per index; entries without a stored
        vector yet are left out and read again after MEANING_RETRY_S). Entries, not offers:
        a few hundred rows whatever the size of the neighbourhood, so every process keeps
        the same small matrix for a city of 100,000 residents."""
        entries = self.taxonomy.entries
        stale = (
            self._meaning is not None
            and len(self._meaning[1]) < len(entries)
            and time.monotonic() - self._meaning[2] > MEANING_RETRY_S
        )
        if self._meaning is None or stale:
            import numpy as np

            from buurtkracht.matching import semantic

            texts = [semantic.entry_text(entry) for entry in entries]
            vectors = semantic.stored(semantic.PASSAGE, texts)
            offers_of: dict[int, list[int]] = {}
            for number, document in enumerate(self._documents):
                for item_id in document.item_ids:
                    offers_of.setdefault(item_id, []).append(number)
            rows = [
                (vectors[text], tuple(offers_of.get(entry.id, ())))
                for entry, text in zip(entries, texts, strict=True)
                if text in vectors
            ]
            matrix = (
                np.stack([vector for vector, _ in rows]).astype(np.float32)
                if rows
                else np.zeros((0, 0), dtype=np.float32)
            )
            self._meaning = (matrix, [offers for _, offers in rows], time.monotonic())
        return self._meaning[0], self._meaning[1]

    def _close_in_meaning(self, request_text: str, limit: int) -> dict[int, float]:
        """Offer number → standard deviations above the mean, for the offers tagged with the
        taxonomy entries clearly closest in meaning to the request that someone here offers
        (at least MEANING_Z; at most MEANING_ENTRIES of them, `limit` offers each); {}
        without the semantic part."""
        from buurtkracht.matching import semantic

        if not semantic.enabled():
            return {}
        matrix, offers = self._meaning_matrix()
        if len(offers) < 2:
            return {}
        query = semantic.computed(semantic.QUERY, [request_text]).get(request_text)
        if query is None:
            return {}
        cosines = matrix @ query.astype(matrix.dtype)
        mean, spread = float(cosines.mean()), float(cosines.std())
        if spread <= 0:
            return {}
        found: dict[int, float] = {}
        entries = 0
        for row in cosines.argsort()[::-1]:
            z = (float(cosines[row]) - mean) / spread
            if z < MEANING_Z or entries == MEANING_ENTRIES:
                break
            if not offers[row]:  # nobody here offers it: the next closest entry
                continue
            entries += 1
            for number in offers[row][:limit]:
                found.setdefault(number, z)
        return found

    def _category_fill(self, category, wanted, levels, contacts, exclude, found):
        """Up to `wanted` people (score 0, by user id) offering something in `category`,
        not already `found` nor excluded."""
        people: set[int] = set()
        for number in self._in_category.get(category, ()):
            for owners in self._owners_of(number, levels, contacts):
                people.update(owners)
        people -= set(found)
        people -= exclude
        return [(user_id, 0.0) for user_id in sorted(people)[:wanted]]

    def candidates(self, request_text: str, *, limit: int = 200) -> list[tuple[int, float, tuple]]:
        """The best `limit` people for a request: (user_id, score, taxonomy item ids of the
        offers that matched). Best first, ties by user id; only scores above 0."""
        return [(m.user_id, m.score, m.item_ids) for m in self.matches(request_text, limit=limit)]


# --- Process-level cache --------------------------------------------------------------


def index_version(neighbourhood) -> tuple:
    """The version of what the index reads: the neighbourhood's "matching" snapshot,
    which every change to members' gifts and resources and to memberships bumps in the
    same transaction (`jobs.topics`). One row read by its unique key, whatever the size
    of the neighbourhood."""
    from buurtkracht.jobs.services import snapshot_row

    neighbourhood_id = getattr(neighbourhood, "pk", neighbourhood)
    return (snapshot_row("matching", neighbourhood_id).wanted,)


VERSION_TTL = 2.0
"""Seconds a process trusts the version it read last, per neighbourhood."""

BACKGROUND_REBUILD = True
"""Rebuild a changed index in a thread while requests keep using the one they have (the
app checks candidates against the database anyway). Only the first build of a process
makes a request wait: about a second at 100,000 residents (docs/benchmarks.md)."""

_lock = threading.Lock()
_cache: dict[int, NeighbourhoodIndex] = {}
_checked: dict[int, float] = {}  # neighbourhood id -> monotonic time of the last check
_building: set[int] = set()
_built_at: dict[int, float] = {}  # neighbourhood id -> monotonic time of the last build
MIN_REBUILD_SECONDS = 10.0
"""A process rebuilds a neighbourhood's index at most this often in the background: a
stream of edits in a big neighbourhood costs one build per ten seconds, not one each."""


def neighbourhood_index(neighbourhood) -> NeighbourhoodIndex:
    """The warm index of a neighbourhood; rebuilt when the database says it changed."""
    neighbourhood_id = getattr(neighbourhood, "pk", neighbourhood)
    current = _cache.get(neighbourhood_id)
    checked = _checked.get(neighbourhood_id)
    if current is not None and checked is not None and time.monotonic() - checked < VERSION_TTL:
        return current
    taxonomy = taxonomy_index(neighbourhood)
    version = (*index_version(neighbourhood_id), id(taxonomy))
    if current is not None and current.version == version:
        _checked[neighbourhood_id] = time.monotonic()
        return current
    if current is not None and BACKGROUND_REBUILD:
        if time.monotonic() - _built_at.get(neighbourhood_id, 0.0) >= MIN_REBUILD_SECONDS:
            _rebuild_in_background(neighbourhood_id, taxonomy, version)
        _checked[neighbourhood_id] = time.monotonic()
        return current
    with _lock:  # one build at a time; the others wait and reuse it
        current = _cache.get(neighbourhood_id)
        if current is None or current.version != version:
            current = NeighbourhoodIndex.build(neighbourhood, taxonomy=taxonomy, version=version)
            _cache[neighbourhood_id] = current
            _built_at[neighbourhood_id] = time.monotonic()
        _checked[neighbourhood_id] = time.monotonic()
    return current


def _rebuild_in_background(
    neighbourhood_id: int, taxonomy, version: tuple
) -> threading.Thread | None:
    with _lock:
        if neighbourhood_id in _building:
            return None
        _building.add(neighbourhood_id)

    def rebuild():
        try:
            made = NeighbourhoodIndex.build(neighbourhood_id, taxonomy=taxonomy, version=version)
            with _lock:
                _cache[neighbourhood_id] = made
                _built_at[neighbourhood_id] = time.monotonic()
        finally:
            with _lock:
                _building.discard(neighbourhood_id)
            connection.close()  # this thread's own connection

    thread = threading.Thread(
        target=rebuild, name=f"matching-index-{neighbourhood_id}", daemon=True
    )
    thread.start()
    return thread


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        _checked.clear()
        _built_at.clear()
