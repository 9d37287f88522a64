"""The Dutch search engine in buurtkracht.gifts.search: analyser, taxonomy lookup,
document index. Pure Python, no database."""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from buurtkracht.gifts.search import (
    STOPWORDS,
    Document,
    DocumentIndex,
    Hit,
    MatchingVocabulary,
    TaxonomyEntry,
    TaxonomyIndex,
    analyse,
    normalise,
    stem,
    tokens,
)

ENTRIES = [
    TaxonomyEntry(
        1,
        "loodgieterswerk",
        "Loodgieterswerk",
        "Plumbing",
        ("loodgieter", "lekkende kraan", "kraan lekt", "leertje vervangen", "afvoer verstopt"),
        "klussen",
    ),
    TaxonomyEntry(
        2,
        "fiets-repareren",
        "Fiets repareren",
        "Bicycle repair",
        ("fietsenmaker", "band plakken", "lekke band", "fietsreparatie"),
        "klussen",
    ),
    TaxonomyEntry(3, "ladder", "Ladder", "Ladder", ("trap", "huishoudtrap"), "spullen"),
    TaxonomyEntry(
        4,
        "computerhulp",
        "Computerhulp",
        "Computer help",
        ("computer doet raar", "laptop", "printer installeren"),
        "digitaal",
    ),
    TaxonomyEntry(
        5,
        "tuinieren",
        "Tuinieren",
        "Gardening",
        ("tuin onderhouden", "heg knippen", "gras maaien", "onkruid wieden"),
        "buiten",
    ),
    TaxonomyEntry(
        6,
        "boodschappen-doen",
        "Boodschappen doen",
        "Grocery shopping",
        ("boodschappen halen", "naar de supermarkt", "apotheek"),
        "zorg",
    ),
    TaxonomyEntry(
        7,
        "taalmaatje",
        "Taalmaatje",
        "Language buddy",
        ("nederlands oefenen", "taal leren", "brieven lezen"),
        "leren",
    ),
    TaxonomyEntry(
        8,
        "schilderen",
        "Schilderen",
        "Painting",
        ("muur verven", "kozijnen schilderen", "behangen"),
        "klussen",
    ),
    TaxonomyEntry(
        9,
        "boormachine",
        "Boormachine",
        "Power drill",
        ("boor", "gaten boren", "klopboor"),
        "spullen",
    ),
    TaxonomyEntry(
        10, "koken", "Koken", "Cooking", ("maaltijd", "eten maken", "soep koken"), "eten"
    ),
    TaxonomyEntry(
        11,
        "oppassen",
        "Oppassen",
        "Babysitting",
        ("op de kinderen passen", "babysitten", "oppas"),
        "zorg",
    ),
    TaxonomyEntry(
        12,
        "hond-uitlaten",
        "Hond uitlaten",
        "Dog walking",
        ("wandelen met de hond", "hondenoppas"),
        "dieren",
    ),
    TaxonomyEntry(
        13,
        "vervoer",
        "Vervoer",
        "Transport",
        ("rijden naar het ziekenhuis", "auto", "lift geven"),
        "vervoer",
    ),
    TaxonomyEntry(
        14,
        "muziekles",
        "Muziekles",
        "Music lessons",
        ("gitaarles", "piano spelen", "zingen"),
        "leren",
    ),
    TaxonomyEntry(
        15,
        "buurtruimte",
        "Buurtruimte",
        "Community room",
        ("zaal huren", "ruimte voor een feest", "vergaderruimte"),
        "ruimtes",
    ),
]

DOCUMENTS = [
    Document("gift:1", "Ik repareer fietsen en brommers in mijn schuur.", title="Fietsenmaker"),
    Document("gift:2", "Ik help graag met je tweewieler", item_ids=(2,)),
    Document("gift:3", "Ik ben loodgieter"),
    Document("gift:4", "Klusjes in en om het huis", item_ids=(1, 8)),
    Document("gift:5", "Ik plak je lekke band, ook op zondag"),
    Document("place:1", "Karate les in de gymzaal, elke dinsdag"),
    Document("resource:1", "Te leen: een ladder van vier meter", title="Ladder", item_ids=(3,)),
    Document("gift:6", "Ik kook graag een maaltijd voor ouderen", item_ids=(10,)),
    Document("gift:7", "Samen Nederlands oefenen aan de keukentafel", item_ids=(7,)),
    Document("place:2", "Buurthuis De Vaart: zaal te huur voor feesten", title="Buurthuis"),
]


@pytest.fixture(scope="module")
def taxonomy():
    return TaxonomyIndex(ENTRIES)


@pytest.fixture(scope="module")
def index():
    return DocumentIndex(DOCUMENTS)


def ids(hits):
    return [hit.id for hit in hits]


# --- Analyser ---------------------------------------------------------------


def test_normalise_folds_diacritics_case_and_punctuation():
    assert normalise("Één café, ruïne!") == "een cafe ruine"
    assert normalise("  Crème-brûlée\tÆBLE  Øresund\n") == "creme brulee aeble oresund"
    assert normalise("Straße (3x) & zo...") == "strasse 3x zo"
    assert normalise("?!  ") == ""


def test_tokens_drop_stopwords_but_keep_content_words():
    found = tokens("Ik wil graag iemand die mijn kraan kan repareren, voor de hulp bij het huis")
    assert found == ["kraan", "repareren", "huis"]
    assert {"de", "het", "een", "ik", "graag", "iemand", "hulp"} <= STOPWORDS
    assert "kraan" not in STOPWORDS
    assert 80 <= len(STOPWORDS) <= 150


def test_tokens_drop_single_letters_but_keep_numbers():
    assert tokens("auto's en 2 fietsen") == ["auto", "2", "fietsen"]


def test_stem_is_snowball_dutch():
    assert stem("fietsen") == "fiets"
    assert stem("lekt") == stem("lekkende") == "lek"
    assert stem("vervangen") == "vervang"
    assert analyse("Ik wil mijn fietsen laten repareren") == [
        stem(word) for word in tokens("Ik wil mijn fietsen laten repareren")
    ]


def test_stem_gives_the_same_answers_from_many_threads():
    words = ["fietsen", "lekkende", "boodschappen", "tuinieren", "schilderen"] * 200
    expected = [stem(word) for word in words]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(stem, words))
    assert results == expected


def test_vocabulary_matches_exact_and_compounds_only_from_four_letters():
    vocabulary = MatchingVocabulary(["fiets", "fietsenmaker", "kar", "karat", "computer"])
    assert vocabulary.matches("fiets") == [("fiets", 1.0), ("fietsenmaker", 0.6)]
    assert ("computer", 0.6) in vocabulary.matches("computerhulp")
    assert vocabulary.matches("kar") == [("kar", 1.0)]  # too short to match "karat"
    assert ("kar", 0.6) not in vocabulary.matches("karat")
    assert vocabulary.matches("boor") == []
    assert vocabulary.matches("fietsenmakers", shorter=False) == []
    assert vocabulary.matches("fiets", shorter=False) == vocabulary.matches("fiets")


# --- Taxonomy ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "key", "matched"),
    [
        ("kraan lekt", "loodgieterswerk", "kraan lekt"),
        ("Mijn kraan lekt!", "loodgieterswerk", "kraan lekt"),
        ("leertje vervangen", "loodgieterswerk", "leertje vervangen"),
        ("de lekkende kraan", "loodgieterswerk", "lekkende kraan"),
        ("ladder", "ladder", "Ladder"),
        ("computer doet raar", "computerhulp", "computer doet raar"),
        ("mijn laptop is kapot", "computerhulp", "laptop"),
    ],
)
def test_lookup_finds_the_entry_and_names_the_phrase(taxonomy, query, key, matched):
    best = taxonomy.lookup(query)[0]
    assert best.entry.key == key
    assert best.matched == matched


def test_lookup_fietsen_finds_bicycle_repair_through_a_compound(taxonomy):
    best = taxonomy.lookup("fietsen")[0]
    assert best.entry.key == "fiets-repareren"
    assert best.matched in {"Fiets repareren", "fietsenmaker", "fietsreparatie"}
    assert 0 < best.score < 1  # a compound, not the exact phrase


def test_lookup_scores_exact_phrases_highest_and_orders_best_first(taxonomy):
    exact = taxonomy.lookup("kraan lekt")[0]
    partial = taxonomy.lookup("kraan")[0]
    assert exact.score == 1.0
    assert partial.entry.key == "loodgieterswerk"
    assert partial.score < exact.score
    scores = [m.score for m in taxonomy.lookup("band plakken en muur verven")]
    assert scores == sorted(scores, reverse=True)
    assert len(scores) >= 2


def test_lookup_english_label_counts_less(taxonomy):
    match = taxonomy.lookup("plumbing")[0]
    assert match.entry.key == "loodgieterswerk"
    assert match.matched == "Plumbing"
    assert match.score < taxonomy.lookup("loodgieterswerk")[0].score


def test_lookup_without_a_match_and_limit(taxonomy):
    assert taxonomy.lookup("xylofoon") == []
    assert taxonomy.lookup("   ") == []
    assert taxonomy.lookup("de het een") == []
    assert len(taxonomy.lookup("band plakken en muur verven", limit=1)) == 1


TAXONOMY_FILE = Path(__file__).resolve().parent.parent / "buurtkracht/gifts/data/taxonomy.json"


def test_the_shared_vocabulary_answers_the_examples_from_the_issue():
    data = json.loads(TAXONOMY_FILE.read_text(encoding="utf-8"))
    items = [(c["key"], item) for c in data["categories"] for item in c["items"]]
    taxonomy = TaxonomyIndex(
        TaxonomyEntry(n, i["key"], i["nl"], i["en"], tuple(i["synonyms"]), category)
        for n, (category, i) in enumerate(items, start=1)
    )
    assert taxonomy.lookup("kraan lekt")[0].entry.key == "loodgieterswerk"
    assert taxonomy.lookup("ladder")[0].entry.key == "ladder"
    assert taxonomy.lookup("computer doet raar")[0].entry.key == "computerhulp"
    assert "fiets-repareren" in [m.entry.key for m in taxonomy.lookup("fietsen", limit=3)]
    tagged = [
        Document("gift:1", "Ik help graag met je tweewieler", item_ids=(n,))
        for n, (_, item) in enumerate(items, start=1)
        if item["key"] == "fiets-repareren"
    ]
    assert ids(DocumentIndex(tagged).search("fietsen", taxonomy=taxonomy)) == ["gift:1"]


# --- Documents --------------------------------------------------------------


def test_fietsen_finds_the_fietsenmaker_title_without_taxonomy(index):
    hits = index.search("fietsen")
    assert hits[0].id == "gift:1"
    assert "fietsenmaker" in hits[0].reasons
    assert "gift:2" not in ids(hits)  # "tweewieler" only: needs the taxonomy


def test_fietsen_finds_a_tagged_document_through_the_taxonomy(index, taxonomy):
    hits = index.search("fietsen", taxonomy=taxonomy)
    found = {hit.id: hit for hit in hits}
    assert "taxonomy:fiets-repareren" in found["gift:2"].reasons
    assert "gift:1" in found
    assert "gift:5" in found  # "lekke band" is a synonym of fiets-repareren


def test_kraan_lekt_finds_plumbers_by_tag_and_by_synonym(index, taxonomy):
    assert index.search("kraan lekt") == []  # nobody wrote "kraan"
    hits = index.search("kraan lekt", taxonomy=taxonomy)
    found = {hit.id: hit for hit in hits}
    assert "taxonomy:loodgieterswerk" in found["gift:4"].reasons
    assert "loodgieter" in found["gift:3"].reasons
    assert set(ids(hits)[:2]) == {"gift:3", "gift:4"}


def test_expansion_synonyms_do_not_match_a_shorter_word(taxonomy):
    # "huishoudtrap" is a synonym of ladder; "huis" is not a ladder.
    index = DocumentIndex([Document("a", "Klusjes in huis"), Document("b", "Ladder te leen")])
    assert ids(index.search("ladder", taxonomy=taxonomy)) == ["b"]
    # A direct query still matches compounds both ways.
    assert ids(index.search("huishoudtrap")) == ["a"]


def test_short_stems_do_not_prefix_match():
    index = DocumentIndex([Document("a", "karate voor kinderen"), Document("b", "een kar lenen")])
    assert ids(index.search("kar")) == ["b"]
    assert ids(index.search("karate")) == ["a"]


def test_a_title_match_outranks_a_body_match():
    index = DocumentIndex(
        [
            Document("a", "Ik heb een ladder en een boormachine", title="Gereedschap"),
            Document("b", "Te leen in de schuur, vier meter", title="Ladder"),
        ]
    )
    assert ids(index.search("ladder")) == ["b", "a"]


def test_a_rare_word_outranks_a_common_one():
    common = [Document(f"c{i}", f"tuin en planten {i}") for i in range(10)]
    rare = Document("r", "vijver en planten 10")  # as long as the others
    index = DocumentIndex([*common, rare])
    hits = index.search("tuin vijver")
    assert hits[0].id == "r"
    assert len(hits) == 11


def test_an_exact_match_outranks_a_compound():
    index = DocumentIndex([Document("a", "fietsenmaker"), Document("b", "fietsen")])
    assert ids(index.search("fietsen")) == ["b", "a"]


def test_empty_and_stopword_queries_find_nothing(index, taxonomy):
    for query in ["", "   \n", "de het een", "Ik wil graag iemand die kan helpen", "?!"]:
        assert index.search(query) == []
        assert index.search(query, taxonomy=taxonomy) == []


def test_punctuation_and_capitals_are_ignored(index, taxonomy):
    assert index.search("FIETSENMAKER!!!") == index.search("fietsenmaker")
    assert index.search("Kraan... LEKT?", taxonomy=taxonomy) == index.search(
        "kraan lekt", taxonomy=taxonomy
    )
    cafe = DocumentIndex([Document("place:9", "Koffie in het buurtcafé", title="Café De Hoek")])
    assert ids(cafe.search("CAFE!")) == ids(cafe.search("café")) == ["place:9"]
    assert cafe.search("CAFE!") == cafe.search("café")


def test_order_is_deterministic_with_ties_by_id():
    documents = [Document(f"gift:{n}", "Ik leen mijn ladder uit") for n in (3, 1, 2)]
    hits = DocumentIndex(documents).search("ladder")
    assert ids(hits) == ["gift:1", "gift:2", "gift:3"]
    assert len({hit.score for hit in hits}) == 1
    reordered = DocumentIndex(list(reversed(documents))).search("ladder")
    assert reordered == hits


def test_results_do_not_depend_on_document_order(taxonomy):
    forward = DocumentIndex(DOCUMENTS).search("fietsen band", taxonomy=taxonomy)
    backward = DocumentIndex(reversed(DOCUMENTS)).search("fietsen band", taxonomy=taxonomy)
    assert forward == backward
    assert len(forward) >= 3


def test_every_hit_has_reasons_and_a_positive_score(index, taxonomy):
    for query in ["fietsen", "kraan lekt", "ladder", "Nederlands", "feest zaal", "koken"]:
        hits = index.search(query, taxonomy=taxonomy)
        assert hits, query
        for hit in hits:
            assert isinstance(hit, Hit)
            assert hit.score > 0
            assert hit.reasons


def test_limit_and_best_first(index, taxonomy):
    hits = index.search("fietsen band kraan", taxonomy=taxonomy)
    assert len(hits) >= 3
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert index.search("fietsen band kraan", taxonomy=taxonomy, limit=2) == hits[:2]
    assert index.search("fietsen", limit=0) == []


def test_an_empty_index_finds_nothing(taxonomy):
    assert DocumentIndex([]).search("fietsen", taxonomy=taxonomy) == []


def test_stem_folds_verb_forms_snowball_leaves_apart():
    assert stem("repareer") == stem("repareren") == stem("gerepareerd") == stem("repareert")
    assert stem("snoei") == stem("snoeien") == stem("gesnoeid") == stem("snoeit")
    assert stem("rijdt") == stem("rijden")
    assert stem("betaalt") == stem("betalen")
    assert stem("verhuisd") == stem("verhuizen")
    assert stem("geld") == "geld"  # nouns keep their final consonant
