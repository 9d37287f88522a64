"""The full ranker: relevance (what fits the request) and fairness (who gets asked).

Suggestions only (product rule 2): the result is a list of people to *invite*; nobody is
assigned. Pure Python, no database: callers turn gifts, resources, availability slots
and invitation counts into `Candidate`s and a `Request`.

Relevance components, each in [0, 1], each with a Dutch reason fragment:

    text          `text_relevance` score            reason: matched words / taxonomy label
    category      1 if the candidate offers one of the request's categories, else 0
                                                     reason: "Klussen in huis" (the category)
    distance      1 / (1 + distance_m / DISTANCE_HALF_M)   (0.5 at 1 km)
                                                     reason: "300 m" / "1,2 km"
    availability  1 if free in the requested window, 0 if not
                                                     reason: "vrij op zaterdag"
    language      1 if they speak one of the requested languages, else 0
                                                     reason: "spreekt Arabisch"

    A component without data (the request asks nothing, or the candidate's field is
    unknown) is left out: it is neither a plus nor a minus, and says nothing.

    relevance = Σ weight_c × component_c / Σ weight_c   over the components with data
                × text gate

    The text gate keeps people who only happen to live nearby from outranking someone who
    can actually help: relevance is multiplied by (TEXT_FLOOR + (1 − TEXT_FLOOR) × text)
    when the request has text. A candidate with no text match and no category match is
    not suggested at all (`min_relevance`).

Fairness, separate and explainable (spread invitations, respect maxima):

    fairness = 0 and excluded      if asks_last_30_days ≥ max_asks_per_month
               1 / (1 + asks_last_30_days / FAIRNESS_HALF_ASKS)  otherwise (1.0 for 0 asks)
    × RECENT_PENALTY (0.8) if the last ask was less than RECENT_DAYS days ago.
    Unknown counts → 1.0 (neutral, no reason).

Total:

    total = relevance × (FAIRNESS_BASE + (1 − FAIRNESS_BASE) × fairness),  FAIRNESS_BASE = 0.7

so fairness can cost at most 30 %: it reorders people who fit about equally well, it
never puts someone who does not fit above someone who does. Ties: by id.
Reasons: "omdat: a · b · c" from the relevance components, then the fairness note, in
the active language (gettext; the words that matched stay as the person wrote them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.utils.formats import number_format
from django.utils.translation import gettext

from .relevance import Candidate, text_relevance

__all__ = ["DEFAULT_WEIGHTS", "Ranked", "Request", "rank"]

DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.55,
    "category": 0.15,
    "distance": 0.1,
    "availability": 0.1,
    "language": 0.1,
}
TEXT_FLOOR = 0.3
DISTANCE_HALF_M = 1000.0
FAIRNESS_BASE = 0.7
FAIRNESS_HALF_ASKS = 4.0
RECENT_DAYS = 7
RECENT_PENALTY = 0.8
MIN_RELEVANCE = 0.0


@dataclass(frozen=True, slots=True)
class Request:
    text: str
    categories: tuple[str, ...] = ()
    """Taxonomy category keys the request is about, if known."""
    languages: tuple[str, ...] = ()
    """Languages the asker would like, written as the candidates' are (codes such as
    "ar", or names); compared case-insensitively."""
    category_labels: dict[str, str] = field(default_factory=dict)
    """Category key → label for the reasons ("klussen" → "Klussen in huis")."""
    language_labels: dict[str, str] = field(default_factory=dict)
    """Language (as in `languages`, lower case) → name for the reasons ("ar" → "Arabisch");
    without one the language itself, capitalised."""


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    value: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Ranked:
    id: str
    total: float
    relevance: float
    fairness: float
    components: tuple[Component, ...]
    """The relevance components that had data (text always, when the request has text)."""
    reasons: str
    """"omdat: fietsen repareren · 300 m · vrij op zaterdag" or "" (in the active
    language)."""
    excluded: bool = False
    """At their monthly maximum: listed last for transparency, never to be invited."""
    parts: tuple[str, ...] = ()
    """The reason fragments without the "omdat:" lead-in."""


def _memo_gettext():
    """gettext with a memory for one ranking: the same few templates, hundreds of times."""
    memo: dict[str, str] = {}

    def translate(msgid: str) -> str:
        found = memo.get(msgid)
        if found is None:
            found = memo[msgid] = gettext(msgid)
        return found

    return translate


def _text_reason(scored, _=gettext) -> str:
    """The words that matched; when only the meaning fit (the semantic part), say so."""
    if scored.reasons:
        return " · ".join(scored.reasons[:2])
    return _("close in meaning") if scored.meaning > 0 else ""


def reason_parts(components) -> list[str]:
    """The reasons of the components that count for someone."""
    return [c.reason for c in components if c.value > 0 and c.reason]


def _because(parts, _=gettext) -> str:
    return _("because: %(reasons)s") % {"reasons": " · ".join(parts)} if parts else ""


def _distance_text(metres: float, _=gettext) -> str:
    if metres < 950:  # postcode areas are not addresses: to 100 m, at least 100 m
        return _("%(metres)s m") % {"metres": max(100, int(round(metres, -2)))}
    return _("%(km)s km") % {"km": number_format(round(metres / 1000, 1), 1)}


def _fairness(candidate: Candidate, _=gettext) -> tuple[float, str, bool]:
    asks, maximum = candidate.asks_last_30_days, candidate.max_asks_per_month
    if asks is None:
        return 1.0, "", False
    if maximum is not None and asks >= maximum:
        note = _("already asked %(asks)s× this month (at most %(maximum)s)")
        return 0.0, note % {"asks": asks, "maximum": maximum}, True
    value = 1.0 / (1.0 + asks / FAIRNESS_HALF_ASKS)
    recent = (
        candidate.days_since_last_ask is not None and candidate.days_since_last_ask < RECENT_DAYS
    )
    if recent:
        value *= RECENT_PENALTY
    if asks == 0:
        return value, _("not asked yet this month"), False
    if recent:
        note = _("asked %(asks)s× this month, recently too")
    else:
        note = _("asked %(asks)s× this month")
    return value, note % {"asks": asks}, False


def rank(
    request: Request | str,
    candidates: Sequence[Candidate],
    *,
    weights: dict[str, float] | None = None,
    min_relevance: float = MIN_RELEVANCE,
    taxonomy=None,
    explain: int | None = None,
) -> list[Ranked]:
    """Candidates for `request`, best first; people at their maximum last, `excluded`.

    `explain`: give the matched words as reasons for the first `explain` people only
    (all when None). Scores and order are the same; the rest keep the other reasons.
    Explaining is most of the cost of text relevance, and a page shows a few people."""
    if isinstance(request, str):
        request = Request(text=request)
    _ = _memo_gettext()
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    texts = (
        {
            s.id: s
            for s in text_relevance(
                request.text, candidates, taxonomy=taxonomy, explain=explain is None
            )
        }
        if request.text.strip()
        else {}
    )
    wanted_languages = {language.casefold() for language in request.languages}
    ranked = []
    for candidate in candidates:
        components: list[Component] = []
        scored = texts.get(candidate.id)
        if scored is not None:
            components.append(Component("text", scored.score, _text_reason(scored, _)))
        if request.categories and candidate.categories:
            shared = [c for c in request.categories if c in candidate.categories]
            label = request.category_labels.get(shared[0], shared[0]) if shared else ""
            components.append(Component("category", 1.0 if shared else 0.0, label))
        if candidate.distance_m is not None:
            value = 1.0 / (1.0 + max(candidate.distance_m, 0.0) / DISTANCE_HALF_M)
            components.append(Component("distance", value, _distance_text(candidate.distance_m, _)))
        if candidate.available is not None:
            label = candidate.availability_label
            reason = _("free on %(moment)s") % {"moment": label} if label else _("free then")
            components.append(
                Component(
                    "availability",
                    float(candidate.available),
                    reason if candidate.available else "",
                )
            )
        if wanted_languages and candidate.languages:
            spoken = [lang for lang in candidate.languages if lang.casefold() in wanted_languages]
            components.append(
                Component(
                    "language",
                    1.0 if spoken else 0.0,
                    _("speaks %(language)s")
                    % {
                        "language": request.language_labels.get(
                            spoken[0].casefold(), spoken[0].capitalize()
                        )
                    }
                    if spoken
                    else "",
                )
            )
        total_weight = sum(weights.get(c.name, 0.0) for c in components)
        relevance = (
            sum(weights.get(c.name, 0.0) * c.value for c in components) / total_weight
            if total_weight
            else 0.0
        )
        text_value = scored.score if scored is not None else None
        if text_value is not None:
            relevance *= TEXT_FLOOR + (1 - TEXT_FLOOR) * text_value
        fits = (text_value or 0) > 0 or any(
            c.name == "category" and c.value > 0 for c in components
        )
        if not fits or relevance <= min_relevance:
            continue
        fairness, fairness_note, excluded = _fairness(candidate, _)
        total = 0.0 if excluded else relevance * (FAIRNESS_BASE + (1 - FAIRNESS_BASE) * fairness)
        parts = reason_parts(components)
        if fairness_note:
            parts.append(fairness_note)
        ranked.append(
            Ranked(
                id=candidate.id,
                total=round(total, 6),
                relevance=round(relevance, 6),
                fairness=round(fairness, 6),
                components=tuple(components),
                reasons=_because(parts, _),
                excluded=excluded,
                parts=tuple(parts),
            )
        )
    ranked.sort(key=lambda r: (r.excluded, -r.total, r.id))
    if explain and texts and ranked:
        ranked[:explain] = _explained(request, ranked[:explain], candidates, taxonomy)
    return ranked


def _explained(request: Request, ranked, candidates, taxonomy) -> list[Ranked]:
    """`ranked` with the text reason worked out in full (the words that matched)."""
    by_id = {c.id: c for c in candidates}
    texts = {
        s.id: s
        for s in text_relevance(
            request.text, [by_id[r.id] for r in ranked], taxonomy=taxonomy, explain=True
        )
    }
    result = []
    for r in ranked:
        scored = texts.get(r.id)
        components = tuple(
            replace(c, reason=_text_reason(scored) or c.reason)
            if c.name == "text" and scored is not None
            else c
            for c in r.components
        )
        fairness_note = r.parts[len(reason_parts(r.components)) :]
        parts = (*reason_parts(components), *fairness_note)
        result.append(replace(r, components=components, parts=parts, reasons=_because(parts)))
    return result
