"""Network analysis (issue 7): compared with NetworkX's exact algorithms on real networks.

The pure core (`buurtkracht.network.analysis`), the edge-list reader and the
`network-analyse` command. No database: the app-level tests live elsewhere.
"""

import io
import json
import random
from collections import Counter

import networkx as nx
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from networkx.algorithms import bipartite

from buurtkracht.network.analysis import (
    analyse,
    build_network,
    layout,
    suggest_introductions,
    suggest_pairs,
)
from buurtkracht.network.edgelist import read_edges


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the msgids), whatever the Dutch catalogue says."""
    with translation.override("en"):
        yield


def ties(graph, weight=None):
    return [(u, v, d.get(weight, 1.0) if weight else 1.0) for u, v, d in graph.edges(data=True)]


# --------------------------------------------------------------------- real networks


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_karate_club_groups_recover_the_two_factions(seed):
    graph = nx.karate_club_graph()
    result = analyse(graph.nodes, ties(graph), seed=seed)
    right = 0
    for group in result.groups:
        clubs = Counter(graph.nodes[member]["club"] for member in group)
        right += clubs.most_common(1)[0][1]
    assert right / graph.number_of_nodes() >= 0.90
    # Every member is in a group (the club has no isolated member) and groups partition.
    assert sorted(m for g in result.groups for m in g) == sorted(graph.nodes)
    assert all(result.group_of[m] == i for i, g in enumerate(result.groups) for m in g)
    # Louvain's modularity is within reach of NetworkX's own Louvain on the same graph.
    # (The classic unweighted club: NetworkX's copy also carries interaction counts.)
    found = nx.community.louvain_communities(graph, weight=None, seed=seed)
    theirs = nx.community.modularity(graph, found, weight=None)
    ours = nx.community.modularity(graph, [set(g) for g in result.groups], weight=None)
    assert ours == pytest.approx(result.modularity)
    assert ours >= theirs - 0.05


def test_karate_club_is_deterministic_for_a_seed():
    graph = nx.karate_club_graph()
    first = analyse(graph.nodes, ties(graph, "weight"), seed=3)
    again = analyse(graph.nodes, ties(graph, "weight"), seed=3)
    assert first.groups == again.groups
    assert first.connectors == again.connectors


def test_davis_southern_women_connectors_follow_exact_betweenness():
    davis = nx.davis_southern_women_graph()
    women = [n for n, d in davis.nodes(data=True) if d["bipartite"] == 0]
    projected = bipartite.weighted_projected_graph(davis, women)
    result = analyse(women, ties(projected, "weight"))
    exact = nx.betweenness_centrality(projected)

    assert result.exact
    ours = dict(result.connectors)
    assert set(ours) == {w for w, score in exact.items() if score > 0}
    for woman, score in ours.items():
        assert score == pytest.approx(exact[woman], abs=1e-12)
    # Same order wherever NetworkX's scores differ; equal scores may come in any order.
    rank = [w for w, _ in result.connectors]
    for a in rank:
        for b in rank:
            if exact[a] > exact[b] + 1e-12:
                assert rank.index(a) < rank.index(b), (a, b)
    # The weights say who went out together most, but connectors are about hops: doubling
    # every weight changes nothing.
    doubled = analyse(women, [(u, v, 2 * w) for u, v, w in ties(projected, "weight")])
    assert doubled.connectors == result.connectors


def test_florentine_families_betweenness_isolated_and_peripheral():
    graph = nx.florentine_families_graph()
    nodes = [*graph.nodes, "Pucci"]  # the family with no marriage tie in Padgett's data
    result = analyse(nodes, ties(graph))
    # NetworkX normalises by the number of nodes it sees, so it gets Pucci too.
    with_pucci = nx.Graph(graph)
    with_pucci.add_node("Pucci")
    exact = nx.betweenness_centrality(with_pucci)
    ours = dict(result.connectors)
    for family, score in exact.items():
        assert ours.get(family, 0.0) == pytest.approx(score, abs=1e-12), family
    assert result.connectors[0][0] == "Medici"
    assert result.isolated == ["Pucci"]
    one_tie = sorted(n for n in graph.nodes if graph.degree(n) == 1)
    assert sorted(result.peripheral) == one_tie
    assert "Pazzi" in result.peripheral
    assert "Pucci" not in result.group_of
    assert result.tie_count == graph.number_of_edges()


def test_peripheral_also_means_only_weak_ties():
    edges = [("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("d", "a", 0.2), ("d", "b", 0.3)]
    result = analyse([], edges, weak=1.0)
    assert result.peripheral == ["d"]  # two ties, together 0.5 < 1
    assert analyse([], edges, weak=0.4).peripheral == []


def test_bridges_sum_the_ties_between_groups():
    left = [("a", "b", 1), ("b", "c", 1), ("a", "c", 1)]
    right = [("x", "y", 1), ("y", "z", 1), ("x", "z", 1)]
    result = analyse([], [*left, *right, ("c", "x", 0.5), ("a", "y", 0.25)])
    assert sorted(map(sorted, result.groups)) == [["a", "b", "c"], ["x", "y", "z"]]
    assert result.bridges == [(0, 1, 0.75)]


def test_duplicate_pairs_add_up_and_self_loops_are_dropped():
    net = build_network(["q"], [("a", "b", 1), ("b", "a", 2), ("a", "a", 5)])
    assert net.ids == ["q", "a", "b"]
    assert net.m == 1
    assert net.pair_weights.tolist() == [3.0]
    assert net.degree().tolist() == [0, 1, 1]


# ---------------------------------------------------------------------- sampling


def test_sampled_betweenness_finds_the_exact_top_connectors():
    graph = nx.connected_watts_strogatz_graph(2000, 6, 0.05, seed=11)
    edges = ties(graph)
    exact = analyse(graph.nodes, edges)
    sampled = analyse(graph.nodes, edges, exact_limit=500, samples=400, seed=1)
    assert exact.exact and not sampled.exact
    assert sampled.sample_size == 400
    top_exact = {n for n, _ in exact.connectors[:20]}
    top_sampled = {n for n, _ in sampled.connectors[:20]}
    # 400 of 2,000 sources (20 %): each top score is estimated within a few per cent, so
    # the top 20 can only swap members whose exact scores lie close together around
    # rank 20. 14 of 20 leaves room for those swaps; a broken estimator scores ~0.2 here.
    assert len(top_exact & top_sampled) >= 14
    # The estimate is unbiased: with every node as a source it is the exact value.
    full = analyse(graph.nodes, edges, exact_limit=500, samples=2000)
    assert dict(full.connectors) == pytest.approx(dict(exact.connectors), abs=1e-12)


# ------------------------------------------------------------------ introductions


def test_suggest_introductions_ranks_rare_shared_features_and_skips_ties():
    edges = [("ann", "bob", 1), ("bob", "cor", 1), ("cor", "dik", 1), ("dik", "eef", 1)]
    nodes = ["ann", "bob", "cor", "dik", "eef", "fay", "gus"]
    features = {
        "fay": {"lang:ti", "gift:fietsen", "lang:nl"},
        "ann": {"lang:ti", "lang:nl"},
        "bob": {"gift:fietsen", "lang:nl"},  # shares only a commoner gift
        "cor": {"lang:nl"},  # shares only what everyone has
        "dik": {"lang:ti", "gift:fietsen", "lang:nl"},  # shares everything: best
        "eef": {"interest:schaken", "lang:nl"},
        "gus": {"lang:nl", "gift:fietsen"},
    }
    result = suggest_introductions((nodes, edges), ["fay", "ann", "eef"], features, per_target=5)

    fay = result["fay"]
    assert [p for p, _, _ in fay][0] == "dik"
    assert fay[0][2] == ("lang:ti", "gift:fietsen")  # rarest first
    assert "fay" not in [p for p, _, _ in fay]
    assert all("lang:nl" not in reason for _, _, reason in fay)  # worth nothing
    assert "cor" not in [p for p, _, _ in fay]  # nothing rare in common
    scores = [s for _, s, _ in fay]
    assert scores == sorted(scores, reverse=True)
    # bob (2 ties) and gus (none) share the same gift with fay: the tie bonus ranks bob first.
    assert [p for p, _, _ in fay].index("bob") < [p for p, _, _ in fay].index("gus")

    # ann is tied to bob: never suggested; dik is not tied to ann and shares Tigrinya.
    assert [p for p, _, _ in result["ann"]][0] == "dik"
    assert "bob" not in [p for p, _, _ in result["ann"]]
    assert result["eef"] == []  # nobody else plays chess


def test_suggest_introductions_takes_an_analysis_and_weights_kinds():
    edges = [("a", "b", 1)]
    features = {"t": {"lang:ar", "gift:koken"}, "x": {"lang:ar"}, "y": {"gift:koken"}, "a": set()}
    result = analyse(["t", "x", "y"], edges)
    plain = suggest_introductions(result, ["t"], features, per_target=1)
    assert plain["t"][0][0] == "x"  # x and y are equally rare: input order breaks the tie
    favour = suggest_introductions(result, ["t"], features, per_target=1, weights={"lang": 3})
    assert favour["t"] == [("x", pytest.approx(favour["t"][0][1]), ("lang:ar",))]
    # idf counts everyone in the network (t, x, y, a, b), not only who has features.
    assert favour["t"][0][1] == pytest.approx(3 * np.log(5 / 2))


def test_suggest_pairs_finds_the_best_untied_pairs_anywhere_once_each():
    edges = [("ann", "bob", 1), ("bob", "cor", 1)]
    nodes = ["ann", "bob", "cor", "dik", "eef", "fay"]
    features = {
        "ann": {"lang:ti", "gift:fietsen"},
        "dik": {"lang:ti", "gift:fietsen"},  # ann & dik: two rare things in common
        "bob": {"gift:fietsen"},  # tied to ann: never suggested with her
        "cor": {"gift:koken"},
        "eef": {"gift:koken"},  # cor & eef: one thing
        "fay": {"gift:koken", "lang:ti"},
    }
    pairs = suggest_pairs((nodes, edges), features, limit=10)
    keys = [(a, b) for a, b, _score, _tokens in pairs]
    assert keys[0] == ("ann", "dik") and set(pairs[0][3]) == {"lang:ti", "gift:fietsen"}
    assert ("ann", "bob") not in keys  # already tied
    assert len(keys) == len(set(keys)) and all(a < b for a, b in keys)  # each pair once
    assert [s for _a, _b, s, _t in pairs] == sorted((s for _a, _b, s, _t in pairs), reverse=True)
    # Only people who may be named, and never a pair already introduced.
    among = suggest_pairs((nodes, edges), features, among={"ann", "dik", "cor", "eef"})
    assert {(a, b) for a, b, _s, _t in among} == {("ann", "dik"), ("cor", "eef")}
    rest = suggest_pairs((nodes, edges), features, exclude=[("dik", "ann")], limit=1)
    assert rest and rest[0][:2] != ("ann", "dik")
    assert suggest_pairs((nodes, edges), {"ann": {"lang:ti"}}) == []  # nobody to meet


# -------------------------------------------------------------------------- layout


def test_layout_fills_the_unit_square_and_is_reproducible():
    graph = nx.florentine_families_graph()
    positions = layout([*graph.nodes, "Pucci"], ties(graph), seed=4)
    assert set(positions) == {*graph.nodes, "Pucci"}
    xy = np.array(list(positions.values()))
    assert xy.min() == pytest.approx(0.0) and xy.max() == pytest.approx(1.0)
    assert positions == layout([*graph.nodes, "Pucci"], ties(graph), seed=4)
    assert layout(["solo"], []) == {"solo": (0.5, 0.5)}


# ------------------------------------------------------------------------ edgelist


def messages(result):
    return [p.message for p in result.problems]


def test_csv_reports_every_bad_row_with_its_line():
    text = (
        "source,target,weight\n"
        "Anna,Bas,2\n"
        "Bas,Anna,1\n"
        "Cees,Cees,1\n"
        "Dirk,Eva,veel\n"
        "Eva,Fien,0\n"
        "Fien,Gijs,-2\n"
        ",Gijs,1\n"
        "Hans\n"
        "Gijs,Hans\n"
    )
    result = read_edges(io.BytesIO(text.encode()))
    assert messages(result) == [
        "line 3: the tie between Bas and Anna is already at line 2",
        "line 4: a tie from Cees to itself",
        "line 5: the weight veel is not a number",
        "line 6: the weight must be more than 0, not 0",
        "line 7: the weight must be more than 0, not -2",
        "line 8: a name is missing",
        "line 9: expected at least 2 columns, found 1",
    ]
    assert [p.line for p in result.problems] == [3, 4, 5, 6, 7, 8, 9]
    assert [(e.source, e.target, e.weight, e.line) for e in result.edges] == [
        ("Anna", "Bas", 2.0, 2),
        ("Gijs", "Hans", 1.0, 10),
    ]


def test_csv_dutch_headers_semicolons_bom_and_decimal_comma():
    text = "\ufeffBron;Doel;Gewicht\nAnna;Bas;2,5\n\nBas;Cees;\n"
    result = read_edges(io.BytesIO(text.encode("utf-8")))
    assert result.ok
    assert result.format == "csv"
    assert [(e.source, e.target, e.weight, e.line) for e in result.edges] == [
        ("Anna", "Bas", 2.5, 2),
        ("Bas", "Cees", 1.0, 4),
    ]
    assert result.nodes == ["Anna", "Bas", "Cees"]


def test_csv_from_a_path_and_a_text_stream(tmp_path):
    path = tmp_path / "kaart.csv"
    path.write_text("source,target\nA,B\n", encoding="utf-8")
    assert read_edges(path).triples() == [("A", "B", 1.0)]
    assert read_edges(io.StringIO("source,target\nA,B\n")).triples() == [("A", "B", 1.0)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n\n", "the file is empty"),
        (b"source,target\n", "the file has column names but no ties"),
        (
            b"naam,doel\nA,B\n",
            "line 1 must name the columns source and target (or bron and doel); missing: source",
        ),
        (b"source,target\n\xff\xfeA,B\n", "the file is not UTF-8 text; save it as CSV UTF-8"),
    ],
)
def test_csv_file_level_problems(content, expected):
    result = read_edges(io.BytesIO(content), fmt="csv")
    assert messages(result) == [expected]
    assert result.edges == []


class EndlessCsv(io.RawIOBase):
    """A file that would yield five million rows, generated on demand, counting reads."""

    def __init__(self, rows=5_000_000):
        self.rows = rows
        self.made = 0
        self.pending = b"source,target\n"

    def readable(self):
        return True

    def readinto(self, buffer):
        while len(self.pending) < len(buffer) and self.made < self.rows:
            self.pending += f"p{self.made},q{self.made}\n".encode()
            self.made += 1
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def test_huge_input_stops_at_max_rows_without_reading_it_all():
    source = EndlessCsv()
    result = read_edges(io.BufferedReader(source), fmt="csv", max_rows=1000)
    assert len(result.edges) == 1000
    assert messages(result) == [
        "the file has more than 1000 ties; stopped reading at line 1002. "
        "Split the file into smaller parts."
    ]
    assert result.problems[0].line == 1002
    assert source.made < 20_000  # a few read-ahead buffers, not five million rows


def test_problems_are_capped_with_a_count_of_the_rest():
    text = "source,target\n" + "A,A\n" * 1500
    result = read_edges(io.BytesIO(text.encode()))
    assert len(result.problems) == 1001
    assert result.problems[-1].message == "more problems, not shown: 500"


def test_kumu_json_blueprint_and_export():
    blueprint = {
        "elements": [{"label": "Anna"}, {"label": "Zus"}, {"attributes": {"label": "Bas"}}],
        "connections": [
            {"from": "Anna", "to": "Bas"},
            {"attributes": {"from": "Bas", "to": "Cees", "strength": 3}},
            {"from": "Cees", "to": "Cees"},
            {"from": "Bas", "to": "Anna"},
        ],
    }
    result = read_edges(io.BytesIO(json.dumps(blueprint).encode()), fmt="kumu-json")
    assert result.triples() == [("Anna", "Bas", 1.0), ("Bas", "Cees", 3.0)]
    assert result.nodes == ["Anna", "Zus", "Bas", "Cees"]  # Zus has no tie but is listed
    assert messages(result) == [
        "connection 3: a tie from Cees to itself",
        "connection 4: the tie between Bas and Anna is already at connection 1",
    ]
    export = {
        "elements": [
            {"_id": "e1", "attributes": {"label": "Anna"}},
            {"_id": "e2", "attributes": {"label": "Bas"}},
        ],
        "connections": [{"_id": "c1", "from": "e1", "to": "e2", "attributes": {"weight": 2}}],
    }
    exported = read_edges(io.BytesIO(json.dumps(export).encode()), fmt="kumu-json")
    assert exported.ok
    assert exported.triples() == [("Anna", "Bas", 2.0)]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"elements": [', "not a valid Kumu JSON file: the JSON cannot be read"),
        (b"[1, 2]", "not a valid Kumu JSON file: expected lists of elements and connections"),
        (b"   ", "the file is empty"),
        (b"{}", "the file has no elements and no connections"),
    ],
)
def test_kumu_json_bad_files(content, expected):
    assert messages(read_edges(io.BytesIO(content), fmt="kumu-json")) == [expected]


def test_kumu_xlsx_elements_and_connections(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    elements = workbook.active
    elements.title = "Elements"
    elements.append(["Label", "Type"])
    for name in ("Anna", "Bas", "Cees", "Dirk"):
        elements.append([name, "Bewoner"])
    connections = workbook.create_sheet("Connections")
    connections.append(["From", "To", "Strength"])
    connections.append(["Anna", "Bas", 2])
    connections.append(["Bas", "Cees", None])
    connections.append(["Cees", "Anna", "sterk"])
    path = tmp_path / "kaart.xlsx"
    workbook.save(path)

    result = read_edges(path)
    assert result.format == "kumu-xlsx"
    assert result.triples() == [("Anna", "Bas", 2.0), ("Bas", "Cees", 1.0)]
    assert result.nodes == ["Anna", "Bas", "Cees", "Dirk"]  # Dirk: listed, no tie
    assert messages(result) == ["row 4 of Connections: the weight sterk is not a number"]
    assert result.problems[0].line == 4


def test_kumu_xlsx_bad_files(tmp_path):
    from openpyxl import Workbook

    assert messages(read_edges(io.BytesIO(b"PK not a zip"), fmt="kumu-xlsx")) == [
        "not a valid Excel file (.xlsx)"
    ]
    workbook = Workbook()
    workbook.active.title = "Elements"
    path = tmp_path / "alleen-elementen.xlsx"
    workbook.save(path)
    assert messages(read_edges(path)) == ["the spreadsheet has no sheet called Connections"]


# ------------------------------------------------------------------------- command


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "buurt.csv"
    rows = [("Anna", "Bas"), ("Bas", "Cees"), ("Cees", "Anna"), ("Cees", "Dirk")]
    rows += [("Dirk", "Eva"), ("Eva", "Fien"), ("Fien", "Dirk"), ("Fien", "Gijs")]
    path.write_text("source,target\n" + "".join(f"{a},{b}\n" for a, b in rows), encoding="utf-8")
    return path


def test_command_prints_connectors_isolated_peripheral_and_groups(small_csv):
    out = io.StringIO()
    call_command("network_analyse", str(small_csv), stdout=out)
    text = out.getvalue()
    assert "7 people, 8 ties, 2 groups" in text
    connectors = text.split("Connectors")[1].split("Isolated")[0]
    graph = nx.read_edgelist(small_csv.read_text().splitlines()[1:], delimiter=",")
    exact = sorted(nx.betweenness_centrality(graph).items(), key=lambda kv: -kv[1])
    assert exact[0][0] == "Dirk"  # between the two triangles and on the way to Gijs
    assert f"1. Dirk  {exact[0][1]:.4f}" in connectors
    assert "Anna" not in connectors and "Gijs" not in connectors  # on nobody's path
    assert "Peripheral (1, one tie or only weak ties):\n  Gijs" in text
    assert "Anna, Bas, Cees" in text


def test_command_json_output(small_csv):
    out = io.StringIO()
    call_command("network_analyse", str(small_csv), "--json", "--top", "2", stdout=out)
    data = json.loads(out.getvalue())
    assert {"connectors", "isolated", "peripheral", "groups", "bridges", "exact"} <= set(data)
    assert data["exact"] is True
    assert len(data["connectors"]) == 2
    assert {name for name, _ in data["connectors"]} <= {"Cees", "Dirk", "Fien"}
    assert data["peripheral"] == ["Gijs"]
    assert data["isolated"] == []
    assert sorted(map(sorted, data["groups"])) == [
        ["Anna", "Bas", "Cees"],
        ["Dirk", "Eva", "Fien", "Gijs"],
    ]
    assert data["bridges"] == [[0, 1, 1.0]]  # the Cees-Dirk tie between the two groups


def test_command_refuses_a_bad_file_with_line_numbers(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text("bron,doel\nA,B\nC,C\nB,A\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("network_analyse", str(path), stderr=err)
    assert caught.value.returncode == 1
    assert "line 3: a tie from C to itself" in err.getvalue()
    assert "line 4: the tie between B and A is already at line 2" in err.getvalue()
    assert "nothing analysed" in str(caught.value)


def test_command_through_the_cli_exit_code(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    cli = Path(sys.executable).parent / "buurtkracht"
    done = subprocess.run(
        [str(cli), "network-analyse", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip() != ""


def test_random_edge_lists_round_trip_through_csv_and_analyse(tmp_path):
    rng = random.Random(5)
    pairs = {tuple(sorted(rng.sample(range(60), 2))) for _ in range(150)}
    path = tmp_path / "random.csv"
    path.write_text(
        "source;target;weight\n" + "".join(f"n{a};n{b};{rng.randint(1, 5)}\n" for a, b in pairs),
        encoding="utf-8",
    )
    edges = read_edges(path)
    assert edges.ok and len(edges.edges) == len(pairs)
    graph = nx.Graph()
    graph.add_edges_from((e.source, e.target) for e in edges.edges)
    ours = dict(analyse(edges.nodes, edges.triples()).connectors)
    for node, score in nx.betweenness_centrality(graph).items():
        assert ours.get(node, 0.0) == pytest.approx(score, abs=1e-12)
