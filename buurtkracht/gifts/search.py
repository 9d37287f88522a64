"""Dutch full-text search over gifts, resources and places, with taxonomy synonyms.

Pure Python, no Django and no external service: the same results whatever the
database. The analyser (`normalise`, `tokens`, `stem`, `analyse`) and
`TaxonomyIndex` are meant to be reused by the matching engine.

Analysis
    `normalise` casefolds, folds diacritics (é→e, ë→e, ï→i, ø→o …) and turns every
    run of characters that are not letters or digits into one space. `tokens`
    splits that, drops Dutch stopwords (`STOPWORDS`: function words and filler
    such as "graag", "iemand", "hulp") and single letters. `stem` is Snowball
    Dutch (PyStemmer, one stemmer per thread). `analyse` = stems of `tokens`.
    Snowball leaves some verb forms apart; `stem` folds them afterwards (stems
    longer than 3 letters): a final "t" after l, m, g, w or "dt" ("betaalt",
    "ruimt", "legt", "rijdt"), a final "d" after s or w ("verhuisd"), "t"/"d"
    after a vowel pair + i ("snoeit", "gesnoeid" → "snoei"), and "eer(t/d)"
    at the end of stems of 6+ letters becomes "er", as Snowball makes of
    "-eren" ("repareer", "repareert", "gerepareerd", "repareren" → "reparer").
    Its other quirk, "fietsen" → "fiets" but "fiets" → "fiet", is bridged by
    the prefix rule below.

Term matching (`MatchingVocabulary`)
    A query stem q matches an indexed stem d

    - exactly (weight `EXACT_WEIGHT` = 1.0), or
    - as a compound or prefix (weight `PREFIX_WEIGHT` = 0.6): one is a prefix of
      the other and the shorter one has at least `MIN_PREFIX_LENGTH` (4)
      characters. So "fietsen" (stem "fiets") matches "fietsenmaker" and the
      other way round, "computer" matches "computerhulp"; "kar" never matches
      "karate", because stems shorter than 4 match only exactly.

    "q is a prefix of d" is found by bisecting the sorted vocabulary; "d is a
    prefix of q" by looking up q's own prefixes of length 4 … len(q) - 1.
    `match_weight(q, d)` is the same rule for one pair.

Taxonomy lookup (`TaxonomyIndex.lookup`)
    Each entry has phrases: its label and synonyms (weight 1.0) and its English
    label (weight `ENGLISH_LABEL_WEIGHT`). A phrase scores, with the match
    weights above and Q the query's distinct stems, P the phrase's:

        weight × (0.6 × share of P matched by Q
                  + 0.25 × share of Q matched by P
                  + 0.15 if the stems are the same, in the same order)

    so an exact phrase scores 1.0. An entry scores as its best phrase (ties: the
    earlier phrase, label first), which is returned as `matched` for
    explanations. Entries scoring at least `MIN_TAXONOMY_SCORE` are returned,
    best first, ties by entry id. Snowball makes "lekt" and "lekkende" both
    "lek", so "kraan lekt" finds loodgieterswerk through "kraan lekt" or
    "lekkende kraan".

Document search (`DocumentIndex.search`)
    A document's stems are its text's plus its title's, title stems counting
    `TITLE_BOOST` times. Each distinct query stem adds, per document, its best
    matching document stem's BM25 score (k1 = 1.2, b = 0.75) times the match
    weight. The idf is divided by the largest possible idf (a stem in one
    document), so a single rare word in a document of average length scores
    about 1. Rare words therefore count more than common ones, titles more than
    the body.

    `search(..., context=...)` takes words around the request's subject ("koekjes
    bakken" + context "bingo buurthuis"): their stems count `CONTEXT_WEIGHT` (0.5)
    times, so the subject decides and the context only breaks ties.

    With a `TaxonomyIndex`, the query's (and context's) taxonomy matches (at most
    `TAXONOMY_MATCHES`) add:

    - tags: a document whose `item_ids` holds a matched entry gets
      entry score × `TAXONOMY_WEIGHT` (1.5), reason "taxonomy:<key>";
    - synonym expansion (for the best `EXPANSION_ENTRIES` entries): every Dutch
      phrase of the entry (label, synonyms) that is not already contained in the
      query counts as a query phrase: a document matching all of the phrase's
      stems gets the sum of their term scores × entry score × `EXPANSION_WEIGHT`
      (0.5), the best phrase per entry and document; reason: the phrase. So
      "kraan lekt" finds "Ik ben loodgieter" through loodgieterswerk's synonym
      "loodgieter". A synonym is already one step away from the query, so its
      stems match a document stem only exactly or as the start of a longer one
      ("loodgieter" → "loodgietersbedrijf"), never a shorter one: "huishoudtrap"
      must not find every "huis".

    Scores are rounded to 6 decimals; only documents scoring above 0 are
    returned, best first, ties by id. Reasons list what matched: for each query
    term the document's word that scored best for it, then expansion phrases,
    then taxonomy tags.

    Cost: a query reads only the posting lists of stems that match its terms
    and its expansion phrases, so it is quick unless a word occurs in most
    documents (see benchmarks/bench_search.py).

Everything is deterministic (no randomness; dictionaries keep insertion order).
Indexes are immutable after construction and safe to share between threads.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

__all__ = [
    "STOPWORDS",
    "Document",
    "DocumentIndex",
    "Hit",
    "MatchingVocabulary",
    "TaxonomyEntry",
    "TaxonomyIndex",
    "TaxonomyMatch",
    "analyse",
    "match_weight",
    "normalise",
    "stem",
    "tokens",
]

EXACT_WEIGHT = 1.0
PREFIX_WEIGHT = 0.6
MIN_PREFIX_LENGTH = 4

ENGLISH_LABEL_WEIGHT = 0.8
MIN_TAXONOMY_SCORE = 0.35

TITLE_BOOST = 3
BM25_K1 = 1.2
BM25_B = 0.75
TAXONOMY_WEIGHT = 1.5
EXPANSION_WEIGHT = 0.5
EXPANSION_ENTRIES = 3
TAXONOMY_MATCHES = 10
CONTEXT_WEIGHT = 0.5


# --- Analysis ---------------------------------------------------------------

_STOPWORDS = """
    aan al alle alles als altijd ben bent bij dan dat de deze die dit doch doe
    doen doet door dus een eens en er even ge geen graag had heb hebben hebt
    heeft help helpen het hier hij hoe hulp iemand iets ik in is ja je jij jou
    jouw kan kon kun kunnen kunt maar me meer mee men met mij mijn moet moeten na
    naar niet niets nog nu of om omdat ons onze ook op over te tegen toch toen
    tot u uit uw van veel voor want waren was wat we wel werd wie wij wil willen
    wilt word worden wordt zal ze zelf zich zij zijn zo zoals zou zouden
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS.split())
"""Dutch function words and request filler, already normalised (no diacritics)."""

# Letters that Unicode does not decompose into a base letter plus a mark.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "ı": "i"})
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Casefold, fold diacritics, keep letters and digits, single spaces."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_FOLD))
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    """Normalised words of `text` without stopwords and single letters."""
    return [
        t for t in normalise(text).split() if t not in STOPWORDS and (len(t) > 1 or t.isdigit())
    ]


_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # A PyStemmer object must not be shared between threads: one per thread.
    try:
        return _local.stemmer
    except AttributeError:
        _local.stemmer = Stemmer.Stemmer("dutch")
        return _local.stemmer


_VOWEL_PAIR_I = re.compile(r"[aeiou]{2}i[dt]$")


@lru_cache(maxsize=200_000)
def _tidy(snowball: str) -> str:
    """A Snowball stem with the verb endings it leaves folded (see the module doc)."""
    s = snowball
    if len(s) > 3 and (
        s.endswith(("dt", "eert", "eerd", "sd", "wd"))
        or (s[-1] == "t" and s[-2] in "lmgw")
        or _VOWEL_PAIR_I.search(s)
    ):
        s = s[:-1]
    if len(s) >= 6 and s.endswith("eer"):
        s = s[:-2] + "r"
    return s


def stem(word: str) -> str:
    """Snowball Dutch stem of one (normalised) word, verb endings folded."""
    return _tidy(_stemmer().stemWord(word))


def _stem_words(words: list[str]) -> list[str]:
    return [_tidy(s) for s in _stemmer().stemWords(words)]


def analyse(text: str) -> list[str]:
    """Stems of `tokens(text)`, in order, duplicates kept."""
    return _stem_words(tokens(text))


@lru_cache(maxsize=65_536)
def _analysed(text: str) -> tuple[str, ...]:
    """`analyse(text)` as a tuple, cached: the same offer texts are indexed again and again."""
    return tuple(analyse(text))


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


# --- Term matching ----------------------------------------------------------


def match_weight(query_stem: str, stem: str) -> float:
    """`EXACT_WEIGHT`, `PREFIX_WEIGHT` (compound/prefix) or 0 for two stems."""
    if query_stem == stem:
        return EXACT_WEIGHT
    shorter, longer = (query_stem, stem) if len(query_stem) < len(stem) else (stem, query_stem)
    if len(shorter) >= MIN_PREFIX_LENGTH and longer.startswith(shorter):
        return PREFIX_WEIGHT
    return 0.0


class MatchingVocabulary:
    """A fixed set of stems, matched exactly or as compound/prefix (see module doc)."""

    __slots__ = ("_set", "_sorted")

    def __init__(self, stems: Iterable[str]):
        self._set = frozenset(stems)
        self._sorted = sorted(self._set)

    def __contains__(self, stem: object) -> bool:
        return stem in self._set

    def __len__(self) -> int:
        return len(self._set)

    def matches(self, query_stem: str, *, shorter: bool = True) -> list[tuple[str, float]]:
        """Vocabulary stems matching `query_stem`, with their weights; exact first.

        With `shorter=False`, stems that are a prefix of `query_stem` do not match:
        only the stem itself and longer compounds starting with it.
        """
        q = query_stem
        found = [(q, EXACT_WEIGHT)] if q in self._set else []
        if len(q) < MIN_PREFIX_LENGTH:
            return found
        # Stems that q is a prefix of (compounds starting with q).
        vocabulary = self._sorted
        i = bisect_left(vocabulary, q)
        while i < len(vocabulary) and vocabulary[i].startswith(q):
            if vocabulary[i] != q:
                found.append((vocabulary[i], PREFIX_WEIGHT))
            i += 1
        # Stems that are a prefix of q (q is a compound starting with them).
        for length in range(MIN_PREFIX_LENGTH, len(q) if shorter else 0):
            if q[:length] in self._set:
                found.append((q[:length], PREFIX_WEIGHT))
        return found


# --- Taxonomy ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaxonomyEntry:
    id: int
    key: str
    label: str
    label_en: str
    synonyms: tuple[str, ...]
    category: str


@dataclass(frozen=True, slots=True)
class TaxonomyMatch:
    entry: TaxonomyEntry
    score: float
    matched: str
    """The label, synonym or English label that matched best, as written."""


@dataclass(frozen=True, slots=True)
class _Phrase:
    entry: TaxonomyEntry
    text: str
    stems: tuple[str, ...]  # in order, duplicates kept
    distinct: tuple[str, ...]
    weight: float
    dutch: bool


class TaxonomyIndex:
    """Finds taxonomy entries for everyday Dutch phrasings."""

    def __init__(self, entries: Iterable[TaxonomyEntry]):
        self.entries: tuple[TaxonomyEntry, ...] = tuple(entries)
        self._phrases: list[_Phrase] = []
        self._by_entry: dict[int, list[_Phrase]] = {}
        self._by_stem: dict[str, list[int]] = {}
        for entry in self.entries:
            texts = [(entry.label, 1.0, True)]
            texts += [(synonym, 1.0, True) for synonym in entry.synonyms]
            if entry.label_en:
                texts.append((entry.label_en, ENGLISH_LABEL_WEIGHT, False))
            for text, weight, dutch in texts:
                stems = tuple(analyse(text))
                if not stems:
                    continue
                phrase = _Phrase(entry, text, stems, _distinct(stems), weight, dutch)
                for s in phrase.distinct:
                    self._by_stem.setdefault(s, []).append(len(self._phrases))
                self._phrases.append(phrase)
                self._by_entry.setdefault(entry.id, []).append(phrase)
        self._vocabulary = MatchingVocabulary(self._by_stem)

    def lookup(self, query: str, *, limit: int = 10) -> list[TaxonomyMatch]:
        """Entries matching `query`, best first (ties by entry id)."""
        return self.lookup_stems(analyse(query), limit=limit)

    def lookup_stems(self, stems: Sequence[str], *, limit: int = 10) -> list[TaxonomyMatch]:
        """Like `lookup`, for an already analysed query."""
        query, sequence = _distinct(stems), tuple(stems)
        if not query or limit <= 0:
            return []
        # For each query stem: the phrase stems it matches, with weights.
        matched_by = {q: dict(self._vocabulary.matches(q)) for q in query}
        candidates = sorted(
            {i for found in matched_by.values() for s in found for i in self._by_stem[s]}
        )
        best: dict[int, tuple[float, int]] = {}  # entry id -> (score, phrase index)
        for i in candidates:
            phrase = self._phrases[i]
            score = phrase.weight * self._phrase_score(phrase, query, sequence, matched_by)
            current = best.get(phrase.entry.id)
            if current is None or score > current[0]:
                best[phrase.entry.id] = (score, i)
        ranked = sorted(
            (
                TaxonomyMatch(self._phrases[i].entry, round(score, 6), self._phrases[i].text)
                for score, i in best.values()
                if score >= MIN_TAXONOMY_SCORE
            ),
            key=lambda m: (-m.score, m.entry.id),
        )
        return ranked[:limit]

    @staticmethod
    def _phrase_score(
        phrase: _Phrase,
        query: tuple[str, ...],
        sequence: tuple[str, ...],
        matched_by: dict[str, dict[str, float]],
    ) -> float:
        phrase_hits = dict.fromkeys(phrase.distinct, 0.0)
        query_hits = 0.0
        for q in query:
            best_for_q = 0.0
            for s, weight in matched_by[q].items():
                if s in phrase_hits:
                    phrase_hits[s] = max(phrase_hits[s], weight)
                    best_for_q = max(best_for_q, weight)
            query_hits += best_for_q
        exact = sequence == phrase.stems
        return (
            0.6 * sum(phrase_hits.values()) / len(phrase_hits)
            + 0.25 * query_hits / len(query)
            + (0.15 if exact else 0.0)
        )

    def expansion_phrases(self, entry_id: int) -> list[tuple[str, tuple[str, ...]]]:
        """The entry's Dutch phrases (label, synonyms) as (text, distinct stems)."""
        return [(p.text, p.distinct) for p in self._by_entry.get(entry_id, ()) if p.dutch]


# --- Documents --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    """Like "gift:12", "resource:4", "place:3"."""
    text: str
    item_ids: tuple[int, ...] = ()
    title: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    score: float
    reasons: tuple[str, ...]
    """What matched: the document's own words, expansion phrases, "taxonomy:<key>"."""


class DocumentIndex:
    """An in-memory inverted index of stems (BM25 with compound/prefix matching)."""

    def __init__(self, documents: Iterable[Document]):
        self.documents: tuple[Document, ...] = tuple(documents)
        counted: dict[str, list[tuple[int, int]]] = {}  # stem -> (document number, tf)
        by_item: dict[int, list[int]] = {}
        lengths: list[int] = []
        for number, document in enumerate(self.documents):
            body = _analysed(document.text)
            title = _analysed(document.title) if document.title else ()
            counts = Counter(body)
            for s in title:
                counts[s] += TITLE_BOOST
            lengths.append(len(body) + TITLE_BOOST * len(title))
            for s, tf in counts.items():
                entry = counted.get(s)
                if entry is None:
                    counted[s] = [(number, tf)]
                else:
                    entry.append((number, tf))
            for item in dict.fromkeys(document.item_ids):
                by_item.setdefault(item, []).append(number)
        count = len(self.documents)
        average = (sum(lengths) / count) if count else 1.0
        norms = [BM25_K1 * (1 - BM25_B + BM25_B * length / (average or 1.0)) for length in lengths]
        k1 = BM25_K1 + 1
        # stem -> [(document number, BM25 tf part)]; the idf is applied per query.
        self._postings = {
            s: [(n, tf * k1 / (tf + norms[n])) for n, tf in entries]
            for s, entries in counted.items()
        }
        self._by_item = by_item
        self._norms = norms
        self._vocabulary = MatchingVocabulary(counted)
        self._max_idf = math.log(1 + (count - 0.5) / 1.5) if count else 1.0

    def __len__(self) -> int:
        return len(self.documents)

    def _idf(self, stem: str) -> float:
        df = len(self._postings[stem])
        return math.log(1 + (len(self.documents) - df + 0.5) / (df + 0.5)) / self._max_idf

    def _term_scores(self, query_stem: str, shorter: bool) -> dict[int, float]:
        """Document number -> score of its best stem matching `query_stem`."""
        best: dict[int, float] = {}
        for s, weight in self._vocabulary.matches(query_stem, shorter=shorter):
            factor = weight * self._idf(s)
            scores = {n: factor * part for n, part in self._postings[s]}
            if len(scores) > len(best):
                best, scores = scores, best  # both are new: merge the smaller one
            _keep_max(best, scores)
        return best

    def search(
        self,
        query: str,
        *,
        taxonomy: TaxonomyIndex | None = None,
        limit: int = 50,
        explain: int | None = None,
        context: str = "",
    ) -> list[Hit]:
        """Documents matching `query`, best first (ties by id); only scores above 0.

        Reasons are worked out for the first `explain` hits only (all when None); the
        others get none. Explaining is most of the cost of a search with many hits.
        Words of `context` (circumstances around what is asked: "voor de bingo") are
        searched too, each at `CONTEXT_WEIGHT` of a query word."""
        stems = analyse(query)
        extra = [s for s in _distinct(analyse(context)) if s not in stems] if context else []
        stems += extra
        query_stems = _distinct(stems)
        if not query_stems or limit <= 0 or not self.documents:
            return []
        cache: dict[tuple[str, bool], dict[int, float]] = {}

        def term_scores(s: str, shorter: bool = True) -> dict[int, float]:
            if (s, shorter) not in cache:
                cache[s, shorter] = self._term_scores(s, shorter)
            return cache[s, shorter]

        totals: dict[int, float] = {}
        background = set(extra)
        for q in query_stems:
            found = term_scores(q)
            if q in background:
                found = {n: CONTEXT_WEIGHT * score for n, score in found.items()}
            _add(totals, found)

        matches: list[TaxonomyMatch] = []
        expansions: list[tuple[TaxonomyMatch, list[tuple[str, tuple[str, ...]]]]] = []
        if taxonomy is not None:
            matches = taxonomy.lookup_stems(stems, limit=TAXONOMY_MATCHES)
            query_set = set(query_stems)
            for match in matches[:EXPANSION_ENTRIES]:
                phrases = [
                    (text, phrase_stems)
                    for text, phrase_stems in taxonomy.expansion_phrases(match.entry.id)
                    if not query_set.issuperset(phrase_stems)  # the query says this already
                ]
                expansions.append((match, phrases))
        for match, phrases in expansions:
            best: dict[int, float] = {}  # per document, its best phrase of this entry
            for _, phrase_stems in phrases:
                scores = _phrase_scores([term_scores(s, False) for s in phrase_stems])
                if best:
                    _keep_max(best, scores)
                else:
                    best = dict(scores)  # a copy: `scores` may be a cached dict
            factor = EXPANSION_WEIGHT * match.score
            _add(totals, {n: factor * score for n, score in best.items()})
        for match in matches:
            bonus = match.score * TAXONOMY_WEIGHT
            _add(totals, dict.fromkeys(self._by_item.get(match.entry.id, ()), bonus))

        ranked = self._top(totals, limit)
        explained = len(ranked) if explain is None else explain
        return [
            Hit(
                self.documents[n].id,
                score,
                self._reasons(n, query_stems, expansions, matches, term_scores)
                if rank < explained
                else (),
            )
            for rank, (score, n) in enumerate(ranked)
        ]

    def _top(self, totals: dict[int, float], limit: int) -> list[tuple[float, int]]:
        """The best `limit` (rounded score, document number), ties by document id."""
        if len(totals) > limit:
            cutoff = sorted(totals.values(), reverse=True)[limit - 1] - 1e-6
            totals = {n: score for n, score in totals.items() if score >= cutoff}
        documents = self.documents
        rounded = ((round(score, 6), n) for n, score in totals.items())
        return sorted(
            ((score, n) for score, n in rounded if score > 0),
            key=lambda pair: (-pair[0], documents[pair[1]].id),
        )[:limit]

    def _reasons(
        self,
        number: int,
        query_stems: tuple[str, ...],
        expansions: list[tuple[TaxonomyMatch, list[tuple[str, tuple[str, ...]]]]],
        matches: list[TaxonomyMatch],
        term_scores: Callable[[str, bool], dict[int, float]],
    ) -> tuple[str, ...]:
        """What made document `number` match: its own words, expansion phrases, tags."""
        document = self.documents[number]
        reasons = self._matching_words(
            number, [q for q in query_stems if number in term_scores(q, True)]
        )
        for _, phrases in expansions:
            best, best_text = 0.0, ""
            for text, phrase_stems in phrases:
                per_stem = [term_scores(s, False).get(number, 0.0) for s in phrase_stems]
                if all(per_stem) and sum(per_stem) > best:
                    best, best_text = sum(per_stem), normalise(text)
            if best_text:
                reasons.append(best_text)
        reasons += [f"taxonomy:{m.entry.key}" for m in matches if m.entry.id in document.item_ids]
        return _distinct(reasons)

    def _matching_words(self, number: int, query_stems: list[str]) -> list[str]:
        """For each query stem, the document's word that scored for it (title first)."""
        if not query_stems:
            return []
        document = self.documents[number]
        title = tokens(document.title)
        found = title + tokens(document.text)
        stems = _stem_words(found)
        tf = Counter(stems)
        for s in stems[: len(title)]:
            tf[s] += TITLE_BOOST - 1
        first_word: dict[str, str] = {}
        for s, word in zip(stems, found, strict=True):
            first_word.setdefault(s, word)
        norm = self._norms[number]
        words = []
        for q in query_stems:
            best, best_word = 0.0, q
            for s, word in first_word.items():
                weight = match_weight(q, s)
                score = weight and weight * self._idf(s) * tf[s] / (tf[s] + norm)
                if score > best:
                    best, best_word = score, word
            words.append(best_word)
        return words


def _add(totals: dict[int, float], scores: dict[int, float]) -> None:
    if not totals:
        totals.update(scores)
        return
    get = totals.get
    for n, score in scores.items():
        totals[n] = get(n, 0.0) + score


def _keep_max(best: dict[int, float], scores: dict[int, float]) -> None:
    get = best.get
    for n, score in scores.items():
        if score > get(n, 0.0):
            best[n] = score


def _phrase_scores(per_stem: list[dict[int, float]]) -> dict[int, float]:
    """Documents matching every stem of a phrase -> the sum of the stems' scores."""
    rarest, *others = sorted(per_stem, key=len)
    result = rarest
    for scores in others:
        result = {n: score + scores[n] for n, score in result.items() if n in scores}
    return result
