"""How fast and how good `buurtkracht.gifts.search` is, against a naive substring scan.

Builds a synthetic neighbourhood of 20,000 documents (gifts, resources, places):
32 hand-written documents that a labelled query set of 12 queries should find,
mixed into generated filler written from a neutral vocabulary with Zipf-like word
frequencies (seeded, so every run is the same corpus). The taxonomy is 15
realistic entries padded with generated ones to 300, the size of the shared
vocabulary; the padding is made of filler words, so common words such as "buurt"
are synonyms and get expanded: the "stress" queries show that worst case.

In the same run it measures

- the search engine: building a `DocumentIndex` and a `TaxonomyIndex`, and
  `DocumentIndex.search(query, taxonomy=...)` per query;
- a naive peer: "build" = normalise every title and text once; a query = its
  `tokens()`, each tested as a substring of every normalised document, ranked by
  the number of tokens found (ties by id). Roughly what `icontains` per word does.

and prints best-of-N timings, their ratios, and recall of both on the labelled
queries (relevant documents in the top 10 and the top 50). Timings are never
asserted in tests.

    .venv/bin/python benchmarks/bench_search.py [--documents 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from buurtkracht.gifts.search import (  # noqa: E402
    Document,
    DocumentIndex,
    TaxonomyEntry,
    TaxonomyIndex,
    normalise,
    tokens,
)

E = TaxonomyEntry
TAXONOMY = [
    E(
        1,
        "loodgieterswerk",
        "Loodgieterswerk",
        "Plumbing",
        ("loodgieter", "lekkende kraan", "kraan lekt", "leertje vervangen", "afvoer verstopt"),
        "klussen",
    ),
    E(
        2,
        "fiets-repareren",
        "Fiets repareren",
        "Bicycle repair",
        ("fietsenmaker", "band plakken", "lekke band", "fietsreparatie"),
        "klussen",
    ),
    E(3, "ladder", "Ladder", "Ladder", ("trap", "huishoudtrap", "steiger"), "spullen"),
    E(
        4,
        "computerhulp",
        "Computerhulp",
        "Computer help",
        ("computer doet raar", "laptop", "printer installeren"),
        "digitaal",
    ),
    E(
        5,
        "tuinieren",
        "Tuinieren",
        "Gardening",
        ("tuin onderhouden", "heg knippen", "gras maaien", "onkruid wieden"),
        "buiten",
    ),
    E(
        6,
        "boodschappen-doen",
        "Boodschappen doen",
        "Grocery shopping",
        ("boodschappen halen", "naar de supermarkt", "apotheek"),
        "zorg",
    ),
    E(
        7,
        "taalmaatje",
        "Taalmaatje",
        "Language buddy",
        ("nederlands oefenen", "taal leren", "brieven lezen"),
        "leren",
    ),
    E(
        8,
        "schilderen",
        "Schilderen",
        "Painting",
        ("muur verven", "kozijnen schilderen", "behangen", "schilderwerk"),
        "klussen",
    ),
    E(
        9,
        "boormachine",
        "Boormachine",
        "Power drill",
        ("boor", "gaten boren", "klopboor"),
        "spullen",
    ),
    E(10, "koken", "Koken", "Cooking", ("maaltijd", "eten maken", "soep koken"), "eten"),
    E(
        11,
        "oppassen",
        "Oppassen",
        "Babysitting",
        ("op de kinderen passen", "babysitten", "oppas"),
        "zorg",
    ),
    E(
        12,
        "hond-uitlaten",
        "Hond uitlaten",
        "Dog walking",
        ("wandelen met de hond", "hondenoppas"),
        "dieren",
    ),
    E(
        13,
        "vervoer",
        "Vervoer",
        "Transport",
        ("rijden naar het ziekenhuis", "auto", "lift geven"),
        "vervoer",
    ),
    E(
        14,
        "muziekles",
        "Muziekles",
        "Music lessons",
        ("gitaarles", "piano spelen", "zingen"),
        "leren",
    ),
    E(
        15,
        "buurtruimte",
        "Buurtruimte",
        "Community room",
        ("zaal huren", "ruimte voor een feest", "vergaderruimte"),
        "ruimtes",
    ),
]

# (id, title, text, item_ids): what the labelled queries should find.
PLANTED = [
    ("gift:p1", "Fietsenmaker", "Ik repareer fietsen en brommers in mijn schuur.", ()),
    ("gift:p2", "Handig met wielen", "Ik help graag met je tweewieler.", (2,)),
    ("gift:p3", "", "Lekke band? Ik plak hem voor je, ook op zondag.", ()),
    ("gift:p4", "Fietsreparatie aan huis", "Remmen, ketting, verlichting.", ()),
    ("gift:p5", "", "Ik ben loodgieter, al dertig jaar.", ()),
    ("gift:p6", "Klusjes", "Klusjes in en om het huis.", (1,)),
    ("gift:p7", "", "Een leertje vervangen doe ik in tien minuten.", ()),
    ("gift:p8", "Lekkende kraan?", "Bel mij maar, ik woon op de hoek.", ()),
    ("resource:p1", "Ladder", "Te leen: aluminium ladder van vier meter.", (3,)),
    ("resource:p2", "Huishoudtrap", "Handig voor de gordijnen, te leen.", ()),
    ("resource:p3", "Ladders en steigers", "Voor wie hoog moet werken.", ()),
    ("gift:p9", "Computerhulp voor ouderen", "Geduldig en op uw tempo.", (4,)),
    ("gift:p10", "", "Ik installeer je printer en zet je wifi goed.", ()),
    ("gift:p11", "Laptop traag?", "Ik kijk er gratis naar.", ()),
    ("gift:p12", "Tuinieren", "Snoeien, planten en wieden.", (5,)),
    ("gift:p13", "", "Heg knippen en gras maaien in het voorjaar.", ()),
    ("gift:p14", "", "Ik onderhoud uw tuin als u op vakantie bent.", ()),
    ("gift:p15", "Boodschappen", "Ik doe boodschappen voor buren die slecht ter been zijn.", ()),
    ("gift:p16", "", "Elke dinsdag ga ik naar de supermarkt en neem wat mee.", (6,)),
    ("gift:p17", "Taalmaatje", "Samen Nederlands oefenen aan de keukentafel.", (7,)),
    ("gift:p18", "", "Ik help met brieven lezen en formulieren.", ()),
    ("resource:p4", "Boormachine te leen", "Met een set boren.", (9,)),
    ("resource:p5", "", "Klopboor uitlenen kan altijd.", ()),
    ("gift:p19", "Oppassen", "Op de kinderen passen als u weg moet.", (11,)),
    ("gift:p20", "", "Babysitten op vrijdagavond.", ()),
    ("gift:p21", "Schilderwerk", "Binnen en buiten.", ()),
    ("gift:p22", "", "Ik schilder je kozijnen voor de winter.", (8,)),
    ("gift:p23", "Behangen en verven", "Ik maak uw kamer weer fris.", ()),
    ("place:p1", "Buurthuis De Vaart", "Zaal te huur voor feesten en vergaderingen.", (15,)),
    ("place:p2", "", "Ruimte voor een feest, met keuken.", ()),
    ("gift:p24", "", "Ik wandel graag met je hond.", (12,)),
    ("gift:p25", "Hondenoppas", "Logeren bij mij thuis.", ()),
]

QUERIES = {
    "fietsen": {"gift:p1", "gift:p2", "gift:p3", "gift:p4"},
    "kraan lekt": {"gift:p5", "gift:p6", "gift:p7", "gift:p8"},
    "ladder": {"resource:p1", "resource:p2", "resource:p3"},
    "computer doet raar": {"gift:p9", "gift:p10", "gift:p11"},
    "tuin": {"gift:p12", "gift:p13", "gift:p14"},
    "boodschappen": {"gift:p15", "gift:p16"},
    "nederlands leren": {"gift:p17", "gift:p18"},
    "boormachine lenen": {"resource:p4", "resource:p5"},
    "oppas": {"gift:p19", "gift:p20"},
    "muur verven": {"gift:p21", "gift:p22", "gift:p23"},
    "zaal huren voor een feest": {"place:p1", "place:p2"},
    "hond uitlaten": {"gift:p24", "gift:p25"},
}
STRESS_QUERIES = ["buurt", "samen koffie drinken in de buurt", "ik wil graag helpen"]

# Neutral filler: everyday words that are not about the labelled queries, plus a
# few that contain a query as a substring (verband, lekker, trapveld, feestdagen).
_FILLER = """
buurt samen koffie thee praten luisteren wandelen markt bibliotheek school kerk moskee
ouderen jongeren kinderen gezin buren straat plein park bankje bloemen zonnebloem
vrijwilliger vrijwilligers bezoek gezelschap spelletjes kaarten schaken dammen puzzelen
breien haken naaien kleding ruilen weggeven boeken tijdschriften film muziek dansen
sporten voetbal hardlopen yoga zwemmen fitness gym wijkcentrum activiteit middag avond
ochtend weekend zaterdag zondag maandag woensdag vrijdag week maand jaar zomer winter
herfst lente feestdagen verjaardag taart koekjes bakken lekker gezellig rustig vrolijk
handig creatief fotografie tekenen knutselen knippen plakken lijm papier karton verband
ehbo eerste trapveld sleutel post pakketjes ophalen afspraak gemeente formulier
belasting administratie rekenen geld sparen budget energie lamp stroom meter water
afval containers recyclen schoonmaken ramen stofzuigen strijken wassen
"""
FILLER = _FILLER.split()
_TITLE_WORDS = """
koffieochtend breiclub spelletjesmiddag buurtwandeling kledingruil boekenkast
ehbo-cursus budgetcoach administratiehulp schoonmaakhulp fotoclub schaakclub
knutselmiddag voetbalteam yogales zwemmaatje wijkkrant
"""
TITLE_WORDS = _TITLE_WORDS.split()


def make_taxonomy(size: int, rng: random.Random) -> list[TaxonomyEntry]:
    entries = list(TAXONOMY)
    for number in range(len(entries) + 1, size + 1):
        words = rng.sample(FILLER, 3)
        entries.append(
            TaxonomyEntry(
                number,
                f"item-{number}",
                f"{words[0].capitalize()} {words[1]}",
                f"Item {number}",
                (f"{words[1]} {words[2]}", words[2], f"{words[0]}{words[2]}"),
                "overig",
            )
        )
    return entries


def make_documents(count: int, taxonomy_size: int, rng: random.Random) -> list[Document]:
    documents = [Document(i, text, items, title) for i, title, text, items in PLANTED]
    weights = [1 / (rank + 1) for rank in range(len(FILLER))]  # Zipf-like
    kinds = ("gift", "resource", "place")
    for number in range(count - len(documents)):
        length = rng.randint(6, 40)
        text = " ".join(rng.choices(FILLER, weights, k=length))
        title = " ".join(rng.sample(TITLE_WORDS, rng.randint(0, 2)))
        items = tuple(rng.sample(range(16, taxonomy_size + 1), rng.randint(0, 2)))
        documents.append(Document(f"{kinds[number % 3]}:{number}", text, items, title))
    rng.shuffle(documents)
    return documents


class NaiveIndex:
    """Substring scan over normalised text: the peer."""

    def __init__(self, documents: list[Document]):
        self.rows = [(d.id, normalise(f"{d.title} {d.text}")) for d in documents]

    def search(self, query: str, *, limit: int = 50) -> list[str]:
        words = tokens(query)
        if not words:
            return []
        scored = []
        for document_id, text in self.rows:
            found = sum(1 for word in words if word in text)
            if found:
                scored.append((-found, document_id))
        scored.sort()
        return [document_id for _, document_id in scored[:limit]]


def best_of(repeat: int, function):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), max(times), result


def recall(found: list[str], relevant: set[str], k: int) -> float:
    return len(set(found[:k]) & relevant) / len(relevant)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--taxonomy", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = random.Random(2026)  # noqa: S311 (a reproducible corpus, not security)
    entries = make_taxonomy(args.taxonomy, rng)
    documents = make_documents(args.documents, args.taxonomy, rng)
    words = sum(len(d.text.split()) + len(d.title.split()) for d in documents)

    build_tax, build_tax_max, taxonomy = best_of(args.repeat, lambda: TaxonomyIndex(entries))
    build, build_max, index = best_of(args.repeat, lambda: DocumentIndex(documents))
    naive_build, naive_build_max, naive = best_of(args.repeat, lambda: NaiveIndex(documents))

    rows = []
    for query, relevant in QUERIES.items():
        t_tax, _, hits = best_of(args.repeat, lambda q=query: index.search(q, taxonomy=taxonomy))
        t_plain, _, plain = best_of(args.repeat, lambda q=query: index.search(q))
        t_naive, _, naive_hits = best_of(args.repeat, lambda q=query: naive.search(q))
        found = [hit.id for hit in hits]
        rows.append(
            (
                query,
                t_tax,
                t_plain,
                t_naive,
                recall(found, relevant, 10),
                recall(found, relevant, 50),
                recall([h.id for h in plain], relevant, 50),
                recall(naive_hits, relevant, 10),
                recall(naive_hits, relevant, 50),
            )
        )
    stress = []
    for query in STRESS_QUERIES:
        t_tax, _, hits = best_of(args.repeat, lambda q=query: index.search(q, taxonomy=taxonomy))
        t_naive, _, _ = best_of(args.repeat, lambda q=query: naive.search(q))
        stress.append((query, t_tax, t_naive, len(hits)))

    ms = 1000
    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"Corpus: {len(documents):,} documents ({words:,} words, {len(PLANTED)} labelled), "
        f"taxonomy {len(entries)} entries; best of {args.repeat} (slowest in brackets)"
    )
    print()
    print("| what | seconds |")
    print("|---|---:|")
    print(f"| TaxonomyIndex({len(entries)}) | {build_tax:.4f} ({build_tax_max:.4f}) |")
    print(f"| DocumentIndex({len(documents):,}) | {build:.3f} ({build_max:.3f}) |")
    print(f"| naive: normalise all documents | {naive_build:.3f} ({naive_build_max:.3f}) |")
    print()
    print(
        "| query | search+taxonomy ms | search ms | naive ms | naive/search+tax "
        "| R@10 | R@50 | R@50 no taxonomy | naive R@10 | naive R@50 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for query, t_tax, t_plain, t_naive, r10, r50, p50, n10, n50 in rows:
        print(
            f"| {query} | {t_tax * ms:.2f} | {t_plain * ms:.2f} | {t_naive * ms:.2f} "
            f"| {t_naive / t_tax:.1f}× | {r10:.2f} | {r50:.2f} | {p50:.2f} | {n10:.2f} "
            f"| {n50:.2f} |"
        )
    for query, t_tax, t_naive, count in stress:
        print(
            f"| {query} (stress, {count} hits) | {t_tax * ms:.2f} | | {t_naive * ms:.2f} "
            f"| {t_naive / t_tax:.1f}× | | | | | |"
        )
    print()

    def mean(column: int) -> float:
        return statistics.mean(row[column] for row in rows)

    times = [row[1] for row in rows] + [row[1] for row in stress]
    naive_times = [row[3] for row in rows] + [row[2] for row in stress]
    print(
        f"Query time, search+taxonomy: median {statistics.median(times) * ms:.2f} ms, "
        f"max {max(times) * ms:.2f} ms; naive: median "
        f"{statistics.median(naive_times) * ms:.2f} ms, max {max(naive_times) * ms:.2f} ms; "
        f"naive/search (medians) {statistics.median(naive_times) / statistics.median(times):.1f}×"
    )
    print(
        f"Build: DocumentIndex {build / naive_build:.1f}× the naive normalising pass "
        f"({build:.3f} s vs {naive_build:.3f} s)"
    )
    print(
        f"Mean recall@10 / @50: search+taxonomy {mean(4):.2f} / {mean(5):.2f}, "
        f"search without taxonomy @50 {mean(6):.2f}, naive {mean(7):.2f} / {mean(8):.2f}"
    )


if __name__ == "__main__":
    main()
