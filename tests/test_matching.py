"""The matching engine (buurtkracht.matching): text relevance, the ranker with fairness,
match-batch and match-eval. Pure Python; no database."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from buurtkracht.matching import commands, relevance
from buurtkracht.matching.ranker import Request, rank
from buurtkracht.matching.relevance import Candidate, text_relevance

PEOPLE = [
    Candidate("bike", "Ik ben handig met fietsen, band plakken en remmen afstellen"),
    Candidate("plumber", "Ik ben loodgieter geweest, lekkages en verstoppingen los ik op"),
    Candidate("shopper", "Ik doe graag boodschappen voor ouderen in de straat"),
    Candidate("it", "Ik help met computers en laptops, ook als alles traag is"),
    Candidate("dog", "Ik laat graag honden uit, ik wandel toch elke dag"),
]


@pytest.mark.parametrize(
    ("request_text", "best"),
    [
        ("mijn fietsband is lek", "bike"),  # compound fiets+band, taxonomy "band lek"
        ("kraan lekt", "plumber"),  # no shared word: taxonomy synonym "loodgieter"
        ("boodschappen voor mijn moeder", "shopper"),
        ("laptop doet raar", "it"),
        ("hond uitlaten als ik in het ziekenhuis lig", "dog"),
    ],
)
def test_relevance_finds_compounds_and_synonyms(request_text, best):
    scored = text_relevance(request_text, PEOPLE)
    assert scored[0].id == best
    assert 0 < scored[0].score <= 1
    assert scored[0].reasons
    assert all(0 <= s.score <= 1 for s in scored)


def test_reasons_name_the_taxonomy_label():
    scored = text_relevance("mijn fietsband is lek", PEOPLE)[0]
    assert "fiets repareren" in scored.reasons


def test_relevance_is_deterministic_and_order_independent():
    first = text_relevance("kraan lekt in de keuken", PEOPLE)
    again = text_relevance("kraan lekt in de keuken", list(reversed(PEOPLE)))
    assert first == again


def test_no_match_scores_zero_and_says_nothing():
    scored = {s.id: s for s in text_relevance("mijn fietsband is lek", PEOPLE)}
    assert scored["shopper"].score == 0
    assert scored["shopper"].reasons == ()


def test_taxonomy_items_by_key_count():
    people = [
        Candidate("a", "Ik help graag"),
        Candidate("b", "Ik help graag", ("fiets-repareren",)),
    ]
    assert text_relevance("fiets kapot", people)[0].id == "b"


def test_lexicon_protects_short_nouns_from_the_stemmer():
    people = [
        Candidate("driver", "Ik heb een auto en rijd je graag naar het ziekenhuis"),
        Candidate("tailor", "Broeken korter maken, knopen aanzetten, ritsen vervangen"),
    ]
    scored = text_relevance("De rits van mijn winterjas is kapot", people)
    assert scored[0].id == "tailor"  # "rits" is a zip, not a ride ("rit")


def test_lexicon_bridges_everyday_words():
    people = [
        Candidate("old", "Ik geef stoelgym aan ouderen"),
        Candidate("van", "Ik breng grofvuil naar de milieustraat met mijn aanhanger"),
    ]
    assert text_relevance("Wie rijdt mijn oude matras naar de stort?", people)[0].id == "van"
    expanded = relevance._expand("Mijn moeder is aan het dementeren")
    assert "dementie" in expanded and expanded.startswith("mijn moeder")
    assert relevance._expand("kraan lekt") == "kraan lekt"  # nothing to add: unchanged


def test_one_clause_of_a_broad_profile_counts_on_its_own():
    broad = "Ik repareer fietsen en ik kan koken, ook voor groepen, en ik pas op kinderen"
    people = [
        Candidate("broad", broad),
        Candidate("bike", "Ik repareer fietsen"),
        Candidate("cook", "Ik kook graag"),
    ]
    scores = {s.id: s.score for s in text_relevance("mijn fietsband is lek", people)}
    assert scores["broad"] >= 0.9 * scores["bike"] > 0 == scores["cook"]
    offered, _ = relevance._offered(relevance.default_taxonomy(), broad)
    keys = {e.key for e in relevance.default_taxonomy().entries if e.id in offered}
    assert {"fiets-repareren", "koken", "oppassen"} <= keys


def test_no_category_bonus_between_unrelated_acquaintances():
    _, categories = relevance._offered(relevance.default_taxonomy(), "Ik ken de huisarts goed")
    assert "netwerk" not in categories


def test_semantic_flag_is_harmless_without_the_package(monkeypatch):
    from buurtkracht.matching import semantic

    monkeypatch.setattr(semantic, "installed", lambda: False)
    assert text_relevance("kraan lekt", PEOPLE, semantic=True) == text_relevance(
        "kraan lekt", PEOPLE
    )


# --- Ranker -------------------------------------------------------------------


def _twins(**second):
    text = "Ik ben handig met fietsen, band plakken en remmen afstellen"
    return [Candidate("a", text), Candidate("b", text, **second)]


def test_fairness_lowers_someone_asked_often():
    ranked = rank("mijn fietsband is lek", _twins(asks_last_30_days=0))
    assert [r.id for r in ranked] == ["a", "b"]  # tie: by id
    ranked = rank(
        "mijn fietsband is lek",
        [
            Candidate("a", PEOPLE[0].text, asks_last_30_days=6, max_asks_per_month=10),
            Candidate("b", PEOPLE[0].text, asks_last_30_days=0),
        ],
    )
    assert [r.id for r in ranked] == ["b", "a"]
    assert ranked[0].relevance == ranked[1].relevance  # fairness is a separate part
    assert ranked[0].fairness == 1.0 > ranked[1].fairness
    assert "6× gevraagd" in ranked[1].reasons


def test_monthly_maximum_excludes():
    ranked = rank("mijn fietsband is lek", _twins(asks_last_30_days=3, max_asks_per_month=3))
    b = next(r for r in ranked if r.id == "b")
    assert b.excluded and b.fairness == 0 and b.total == 0
    assert ranked[-1].id == "b"


def test_fairness_does_not_beat_fit():
    ranked = rank(
        "mijn fietsband is lek",
        [
            Candidate("bike", PEOPLE[0].text, asks_last_30_days=8, max_asks_per_month=20),
            Candidate("plumber", PEOPLE[1].text, asks_last_30_days=0),
        ],
    )
    assert ranked[0].id == "bike"


def test_components_without_data_are_neutral_and_silent():
    plain = rank("mijn fietsband is lek", [PEOPLE[0]])[0]
    assert [c.name for c in plain.components] == ["text"]
    assert "m ·" not in plain.reasons and "spreekt" not in plain.reasons
    # The request asks for a language, the candidate's languages are unknown: neutral.
    request = Request("mijn fietsband is lek", languages=("arabisch",))
    assert rank(request, [PEOPLE[0]])[0].relevance == plain.relevance


def test_structured_components_and_reasons():
    request = Request(
        "mijn fietsband is lek",
        categories=("vervoer",),
        languages=("arabisch",),
        category_labels={"vervoer": "Vervoer"},
    )
    near = Candidate(
        "near",
        PEOPLE[0].text,
        categories=("vervoer",),
        languages=("nederlands", "arabisch"),
        distance_m=300,
        available=True,
        availability_label="zaterdag",
    )
    far = Candidate(
        "far",
        PEOPLE[0].text,
        categories=("vervoer",),
        languages=("nederlands",),
        distance_m=4000,
        available=False,
    )
    first, second = rank(request, [far, near])
    assert first.id == "near"
    assert first.reasons.startswith("omdat: ")
    for part in ("300 m", "vrij op zaterdag", "spreekt Arabisch", "Vervoer"):
        assert part in first.reasons
    assert "vrij op" not in second.reasons and "spreekt" not in second.reasons
    assert all(0 <= c.value <= 1 for c in first.components)


def test_people_who_do_not_fit_are_not_suggested():
    ids = [r.id for r in rank("mijn fietsband is lek", PEOPLE)]
    assert "shopper" not in ids


# --- match-batch ---------------------------------------------------------------


def _line(request_id, text, people=PEOPLE):
    candidates = [{"id": p.id, "text": p.text} for p in people]
    return json.dumps({"id": request_id, "text": text, "candidates": candidates})


def test_match_batch_answers_and_reports_malformed_lines():
    stdin = StringIO(
        "\n".join(
            [
                _line("r1", "mijn fietsband is lek"),
                "{not json",
                json.dumps({"id": "r3", "text": 5, "candidates": []}),
                "",
                _line("r5", "kraan lekt"),
            ]
        )
        + "\n"
    )
    stdout, stderr = StringIO(), StringIO()
    call_command("match_batch", stdin=stdin, stdout=stdout, stderr=stderr)
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [o["id"] for o in out] == ["r1", "r5"]
    assert out[0]["ranking"][0] == "bike" and len(out[0]["ranking"]) == len(PEOPLE)
    assert out[1]["ranking"][0] == "plumber"
    errors = stderr.getvalue().splitlines()
    assert errors[0].startswith("line 2: ")
    assert errors[1].startswith("line 3: ") and '"text"' in errors[1]


def test_match_batch_top():
    stdout = StringIO()
    answered, malformed = commands.match_batch(
        StringIO(_line("r1", "kraan lekt") + "\n"), stdout, StringIO(), top=2
    )
    assert (answered, malformed) == (1, 0)
    assert json.loads(stdout.getvalue()) == {"id": "r1", "ranking": ["plumber", "bike"]}


# --- match-eval ----------------------------------------------------------------


def test_devset_size_and_labels():
    requests, candidates, qrels = commands.load_devset()
    assert len(requests) >= 100 and len(candidates) >= 150
    ids = {c.id for c in candidates}
    for request in requests:
        grades = qrels[request["id"]]
        assert any(g >= 2 for g in grades.values())
        assert set(grades) <= ids and set(grades.values()) <= {1, 2, 3}


def test_metrics():
    grades = {"a": 3, "b": 1}
    assert commands.ndcg(["a", "b", "c"], grades) == pytest.approx(1.0)
    assert commands.ndcg(["c", "b", "a"], grades) < 1.0
    assert commands.recall(["x", "a"], grades, 5) == 1.0


def test_match_eval_beats_bm25():
    stdout = StringIO()
    results = commands.match_eval(stdout, semantic=False)
    dev = results["dev"]
    ours, bm25 = dev["buurtkracht (taal + taxonomie)"], dev["BM25 (ongestemd, baseline)"]
    table = stdout.getvalue()
    assert "nDCG@10" in table and "recall@5" in table and "BM25" in table
    assert "100 vragen, 150 kandidaten" in table
    # Measured without the semantic part: 0.892 vs 0.383 (0.900 with it, test_semantic).
    assert ours["ndcg"] >= 0.88
    assert ours["ndcg"] >= bm25["ndcg"] + 0.4
    assert ours["recall5"] > bm25["recall5"]
    # Two independent per-pair gradings agree closely (measured 0.987): the aim is not
    # above what careful readers agree on.
    assert dev["tweede beoordelaar (los gegradeerd)"]["ndcg"] >= 0.95
    # The earlier grading by groups of candidates is still reported (measured 0.861).
    earlier = results["dev:qrels_clusters.jsonl"]
    assert "qrels_clusters.jsonl" in table
    assert earlier["buurtkracht (taal + taxonomie)"]["ndcg"] >= 0.85
    # The held-out set, never tuned on: a smaller but clear lead (measured 0.67 vs 0.39).
    ours, bm25 = (
        results["heldout"]["buurtkracht (taal + taxonomie)"],
        results["heldout"]["BM25 (ongestemd, baseline)"],
    )
    assert "86 vragen, 120 kandidaten" in table
    assert ours["ndcg"] >= bm25["ndcg"] + 0.15
    assert ours["recall5"] > bm25["recall5"]


def test_match_eval_command_runs():
    stdout = StringIO()
    call_command("match_eval", "--no-semantic", "--set", "heldout", stdout=stdout)
    assert "| buurtkracht" in stdout.getvalue() and "Ontwikkelset" not in stdout.getvalue()


def test_reasons_follow_the_active_language():
    from django.utils import translation

    request = Request("mijn fietsband is lek", languages=("ar",), language_labels={"ar": "Arabic"})
    helper = Candidate(
        "a",
        PEOPLE[0].text,
        languages=("ar",),
        distance_m=1250,
        available=True,
        availability_label="Saturday morning",
        asks_last_30_days=2,
    )
    with translation.override("en"):
        english = rank(request, [helper])[0]
    with translation.override("nl"):
        dutch = rank(
            Request(request.text, languages=("ar",), language_labels={"ar": "Arabisch"}),
            [helper],
        )[0]
    assert english.reasons.startswith("because: ")
    for part in ("1.2 km", "free on Saturday morning", "speaks Arabic", "asked 2× this month"):
        assert part in english.parts
    assert dutch.reasons.startswith("omdat: ")
    for part in ("1,2 km", "spreekt Arabisch", "2× gevraagd deze maand"):
        assert part in dutch.parts


def test_explaining_only_the_first_changes_no_score_or_order():
    full = rank("mijn fietsband is lek, wie kan helpen", PEOPLE)
    quick = rank("mijn fietsband is lek, wie kan helpen", PEOPLE, explain=1)
    assert [(r.id, r.total) for r in quick] == [(r.id, r.total) for r in full]
    assert quick[0].reasons == full[0].reasons and "fiets" in quick[0].reasons


def test_request_context_is_split_from_its_subject():
    from buurtkracht.matching.relevance import _split_context

    assert _split_context("zelfgebakken koekjes voor de bingo in het buurthuis") == (
        "zelfgebakken koekjes",
        "voor de bingo in het buurthuis",
    )
    assert _split_context("hond uitlaten, als ik weg ben")[1] == "als ik weg ben"
    assert _split_context("de accu van mijn e-bike laadt niet op")[1] == ""
    assert _split_context("spiegel aan de muur hangen")[1] == ""


def test_context_words_count_less_than_the_subject():
    from buurtkracht.matching.relevance import Candidate, text_relevance

    candidates = [
        Candidate("bingo", "Ik organiseer de bingo in het buurthuis"),
        Candidate("bakker", "Ik bak koekjes en taarten"),
    ]
    ranked = text_relevance("koekjes bakken voor de bingo in het buurthuis", candidates)
    assert ranked[0].id == "bakker"


# --- Generic heads, light verbs, lending (decision 0028) --------------------------


MUSIC = [
    Candidate("accordion", "Ik speel accordeon en leer het je graag"),
    Candidate("guitar", "Ik geef gitaarles aan beginners"),
    Candidate("piano", "Pianoles voor jong en oud"),
    Candidate("chess", "Ik speel graag schaak en dammen met buurtgenoten"),
    Candidate("cycling", "Ik leer volwassenen fietsen, ook als je het nooit gedaan hebt"),
    *PEOPLE,
]


def test_a_generic_head_is_split_off_the_compound():
    assert (
        relevance._offer_text("Ik geef gitaarles aan beginners")
        == "Ik geef gitaar les aan beginners"
    )
    assert relevance._offer_text("Wandelmaatje gezocht?") == "wandel maatje gezocht?"
    assert relevance._offer_text("Ik les graag") == "Ik les graag"  # no modifier: unchanged
    # The guitar teacher, not whoever plays and teaches anything.
    assert text_relevance("Mijn dochter wil graag gitaar leren spelen", MUSIC)[0].id == "guitar"
    assert text_relevance("Ik wil op mijn 70e nog piano leren", MUSIC)[0].id == "piano"


def test_light_verbs_count_as_context():
    assert relevance._without_light_verbs("gitaar leren spelen", "") == ("gitaar", "leren spelen")
    assert relevance._without_light_verbs("leren", "") == ("leren", "")  # nothing else named
    # Without this, "leer het je graag" and "speel" outweigh the guitar itself.
    assert text_relevance("Mijn dochter wil graag gitaar leren spelen", MUSIC)[0].id == "guitar"


WHEELCHAIR = [
    Candidate("lends", "Ik heb een rolstoel en rollator die je kunt lenen"),
    Candidate("pushes", "Ik duw graag iemand in de rolstoel naar buiten"),
    *PEOPLE,
]


def test_lending_answers_borrowing_not_doing(monkeypatch):
    def raw(request_text):
        return {s.id: s.raw for s in text_relevance(request_text, WHEELCHAIR)}

    doing = "Wie wil met mijn oma in de rolstoel een rondje maken?"
    borrowing = ["Mag ik ergens een rolstoel lenen?", "Ik heb een rolstoel nodig voor een dagje"]
    lowered = raw(doing)
    as_asked = [raw(text) for text in borrowing]
    factor = relevance.LEND_FACTOR
    monkeypatch.setattr(relevance, "LEND_FACTOR", 1.0)
    plain = raw(doing)
    # Someone who lends counts less when nobody asks to borrow; the others do not change.
    assert lowered["lends"] == pytest.approx(factor * plain["lends"], abs=1e-5)
    assert 0 < lowered["lends"] < plain["lends"]
    assert lowered["pushes"] == plain["pushes"]
    assert [raw(text) for text in borrowing] == as_asked  # asked to borrow: unchanged
    assert all(found["lends"] > found["pushes"] for found in as_asked)


@pytest.mark.parametrize("folder", ["devset", "heldout"])
@pytest.mark.parametrize("language", ["ar", "tr", "pl", "uk"])
def test_the_translated_requests_are_the_same_requests(folder, language):
    """Same ids in the same order, each text translated (not the Dutch one left in)."""
    from pathlib import Path

    base = Path(__file__).resolve().parents[1] / "buurtkracht" / "matching" / folder
    read = lambda name: [json.loads(line) for line in (base / name).open(encoding="utf-8")]  # noqa: E731
    dutch, translated = read("requests.jsonl"), read(f"requests.{language}.jsonl")
    assert [r["id"] for r in translated] == [r["id"] for r in dutch]
    assert all(
        t["text"].strip() and t["text"] != d["text"] for t, d in zip(translated, dutch, strict=True)
    )
