"""Network analysis of a neighbourhood's relationship network (issue 7), without Django.

The app, the `network-analyse` command and the benchmark all call the same functions:

- `analyse` finds connectors (betweenness on the tie topology), isolated and peripheral
  people, groups (Louvain community detection) and the bridges between groups;
- `layout` places the people in the unit square for a picture of the network;
- `suggest_introductions` ranks, for people who are not included yet, whom they could be
  introduced to, with the shared gifts, languages or interests as the reason.

Node ids are any hashable values (the app uses user ids, the command uses names). Ties are
undirected; a tie listed twice counts once with the weights added up. Why the choices
below were made is in docs/decisions/0024-network-analysis.md.

Betweenness uses hops, not weights: a tie either counts (weight above `min_weight`) or it
does not. Weights in this domain are "how much do these two people do together", not
distances, and turning them into path lengths (1/weight) would make a connector's score
hinge on how often two neighbours drank coffee. Communities do use the weights (weighted
modularity): a household is a tighter group than a street.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import rustworkx as rx

Node = Hashable

#: Above this many nodes betweenness is estimated from sampled sources (Brandes–Pich).
EXACT_LIMIT = 5000
#: Sampled sources for the estimate. On the 100,000-person synthetic city this takes about
#: a fifth of the minute budget and puts ~80 of the exact top 100 in the sampled top 100
#: (docs/benchmarks.md, "Network analysis").
SAMPLES = 512
#: Threads for the sampled estimate (this project's reference machine has 2 cores).
THREADS = min(4, os.cpu_count() or 1)
#: A person whose ties together weigh less than this is peripheral (one default tie = 1.0).
WEAK = 1.0
#: Bonus per log(1 + ties) of a suggested person: someone with ties can bring the target in.
CONNECTOR_BONUS = 0.5


@dataclass
class Network:
    """An undirected graph in compressed sparse row form, with the caller's node ids.

    Built once by `build_network` and shared by `analyse` and `suggest_introductions`, so
    a million ties are parsed and sorted only once.
    """

    ids: list[Node]
    index: dict[Node, int]
    indptr: np.ndarray  # int64, len n + 1
    indices: np.ndarray  # int32 neighbours, both directions of every tie
    weights: np.ndarray  # float64, aligned with indices
    pairs: np.ndarray  # (m, 2) int32, u < v, one row per tie
    pair_weights: np.ndarray  # (m,) float64

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.pairs)

    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def strength(self) -> np.ndarray:
        return np.bincount(
            np.repeat(np.arange(self.n), self.degree()), weights=self.weights, minlength=self.n
        )

    def neighbours(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def to_rustworkx(self) -> rx.PyGraph:
        graph = rx.PyGraph(multigraph=False)
        graph.add_nodes_from(range(self.n))
        graph.add_edges_from_no_data([(int(u), int(v)) for u, v in self.pairs])
        return graph


@dataclass
class Analysis:
    """What `analyse` found. Scores are normalised like NetworkX's betweenness."""

    connectors: list[tuple[Node, float]]
    isolated: list[Node]
    peripheral: list[Node]
    groups: list[list[Node]]
    group_of: dict[Node, int]
    bridges: list[tuple[int, int, float]]
    exact: bool
    sample_size: int
    modularity: float
    node_count: int
    tie_count: int
    network: Network | None = field(default=None, repr=False)
    #: Seconds per step ("connectors", "groups", "the rest"), for the benchmark and logs.
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain JSON-ready data (the command's --json output, the app's cache)."""
        return {
            "nodes": self.node_count,
            "ties": self.tie_count,
            "exact": self.exact,
            "sample_size": self.sample_size,
            "modularity": round(self.modularity, 6),
            "connectors": [[node, round(score, 6)] for node, score in self.connectors],
            "isolated": list(self.isolated),
            "peripheral": list(self.peripheral),
            "groups": [list(group) for group in self.groups],
            "bridges": [[a, b, round(w, 6)] for a, b, w in self.bridges],
        }


# ---------------------------------------------------------------------------- building


def build_network(
    nodes: Iterable[Node], edges: Iterable[tuple[Node, Node, float]], *, min_weight: float = 0.0
) -> Network:
    """The graph of `nodes` plus every endpoint in `edges`, in the order first seen.

    Self-loops and ties with weight <= `min_weight` (faded or invalid) are dropped; a pair
    listed more than once becomes one tie with the weights summed.
    """
    index: dict[Node, int] = {}
    ids: list[Node] = []
    for node in nodes:
        if node not in index:
            index[node] = len(ids)
            ids.append(node)
    us: list[int] = []
    vs: list[int] = []
    ws: list[float] = []
    for u, v, w in edges:
        for node in (u, v):
            if node not in index:
                index[node] = len(ids)
                ids.append(node)
        us.append(index[u])
        vs.append(index[v])
        ws.append(w)
    n = len(ids)
    u = np.asarray(us, dtype=np.int64)
    v = np.asarray(vs, dtype=np.int64)
    w = np.asarray(ws, dtype=np.float64)
    keep = (u != v) & (w > min_weight)
    u, v, w = u[keep], v[keep], w[keep]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keys, inverse = np.unique(lo * max(n, 1) + hi, return_inverse=True)
    pair_weights = np.bincount(inverse, weights=w, minlength=len(keys))
    pairs = np.stack([keys // max(n, 1), keys % max(n, 1)], axis=1).astype(np.int32)
    src = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int32)
    both = np.concatenate([pair_weights, pair_weights])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return Network(
        ids=ids,
        index=index,
        indptr=indptr,
        indices=dst[order],
        weights=both[order],
        pairs=pairs,
        pair_weights=pair_weights,
    )


# ------------------------------------------------------------------------- betweenness


def _gather(net: Network, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every arc leaving the `frontier` nodes, as (sources, targets) arrays."""
    starts = net.indptr[frontier]
    counts = net.indptr[frontier + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int32)
    offsets = np.repeat(starts - np.cumsum(counts) + counts, counts)
    arcs = offsets + np.arange(total)
    return np.repeat(frontier, counts), net.indices[arcs]


def _dependencies(net: Network, source: int) -> np.ndarray:
    """Brandes' dependency of `source` on every node, level by level in numpy.

    Forward: a breadth-first search one level at a time, counting shortest paths (sigma)
    with bincount over the arcs that enter the next level. Backward: the same arcs in
    reverse order of level, adding sigma[v] / sigma[w] * (1 + delta[w]) to delta[v].
    """
    n = net.n
    dist = np.full(n, -1, dtype=np.int32)
    sigma = np.zeros(n, dtype=np.float64)
    dist[source] = 0
    sigma[source] = 1.0
    frontier = np.array([source], dtype=np.int64)
    levels: list[tuple[np.ndarray, np.ndarray]] = []
    depth = 0
    while frontier.size:
        src, dst = _gather(net, frontier)
        dist[dst[dist[dst] == -1]] = depth + 1
        new = np.flatnonzero(dist == depth + 1)  # one O(n) scan beats sorting the arcs
        onward = dist[dst] == depth + 1
        src, dst = src[onward], dst[onward]
        if dst.size:
            np.add.at(sigma, dst, sigma[src])
            levels.append((src, dst))
        frontier = new.astype(np.int64)
        depth += 1
    delta = np.zeros(n, dtype=np.float64)
    for src, dst in reversed(levels):
        np.add.at(delta, src, sigma[src] / sigma[dst] * (1.0 + delta[dst]))
    delta[source] = 0.0
    return delta


def sampled_betweenness(net: Network, samples: int, seed: int = 0) -> np.ndarray:
    """Brandes–Pich estimate from `samples` random sources, normalised like NetworkX.

    Each source's dependencies are an unbiased sample of the sum over all sources, so the
    sum is scaled by n / samples; then the NetworkX normalisation 1 / ((n-1)(n-2)) for
    undirected graphs (which counts every ordered pair, i.e. each path twice).
    """
    n = net.n
    if n <= 2:
        return np.zeros(n)
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=min(samples, n), replace=False)
    # numpy releases the GIL inside its loops, so two threads use both cores. Each thread
    # sums a fixed share of the sources, so the result does not depend on scheduling.
    workers = max(1, min(THREADS, len(sources) // 8))
    shares = np.array_split(sources, workers)

    def run(share: np.ndarray) -> np.ndarray:
        acc = np.zeros(n, dtype=np.float64)
        for source in share:
            acc += _dependencies(net, int(source))
        return acc

    with ThreadPoolExecutor(workers) as pool:
        total = sum(pool.map(run, shares))
    return total * (n / len(sources)) / ((n - 1) * (n - 2))


def exact_betweenness(net: Network) -> np.ndarray:
    """rustworkx's compiled Brandes, normalised like NetworkX (endpoints excluded)."""
    if net.n <= 2:
        return np.zeros(net.n)
    scores = rx.betweenness_centrality(net.to_rustworkx(), normalized=True, endpoints=False)
    result = np.zeros(net.n)
    for node, score in scores.items():
        result[node] = score
    return result


# --------------------------------------------------------------------------- communities


def _arcs_of(indptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Positions of the arcs of `nodes` in arc arrays sorted by source (CSR order)."""
    starts = indptr[nodes]
    counts = indptr[nodes + 1] - starts
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)


def _one_level(
    src: np.ndarray,
    dst: np.ndarray,
    w: np.ndarray,
    n: int,
    rng: np.random.Generator,
    resolution: float,
    batches: int,
    max_sweeps: int = 50,
) -> np.ndarray:
    """Louvain's local moving phase, a random batch of nodes at a time.

    Classic Louvain moves one node at a time. Here every node of a batch picks its best
    neighbouring community at once (vectorised: arcs grouped by node and community, gain
    k_i,c - resolution * k_i * tot_c / 2m), then the community totals are updated before
    the next batch. With many small batches this is sequential Louvain; with 32 batches on
    a big graph it is close to it and keeps numpy busy. A node moving into another
    singleton only goes to a lower id, so two singletons never swap places forever.
    """
    two_m = w.sum()
    strength = np.bincount(src, weights=w, minlength=n)
    loop = src == dst
    comm = np.arange(n, dtype=np.int64)
    tot = strength.copy()
    size = np.ones(n, dtype=np.int64)
    indptr = np.searchsorted(src, np.arange(n + 1))  # src is sorted at every level
    best_q = _modularity(src, dst, w, comm, resolution)
    best_comm = comm.copy()
    active = np.arange(n, dtype=np.int64)
    for _sweep in range(max_sweeps):
        # Fresh random batches every sweep: two neighbours that would swap communities
        # when moved together are rarely in the same batch twice. Only nodes next to a
        # move in the previous sweep are looked at again (the rest rarely can gain).
        batch_of = rng.integers(0, batches, size=active.size)
        order = np.argsort(batch_of, kind="stable")
        bounds = np.searchsorted(batch_of[order], np.arange(batches + 1))
        touched = np.zeros(n, dtype=bool)
        moved = 0
        for b in range(batches):
            arcs = _arcs_of(indptr, active[order[bounds[b] : bounds[b + 1]]])
            arcs = arcs[~loop[arcs]]
            if arcs.size == 0:
                continue
            i = src[arcs]
            c = comm[dst[arcs]]
            keys, inverse = np.unique(i * n + c, return_inverse=True)
            k_ic = np.bincount(inverse, weights=w[arcs])
            node = keys // n
            target = keys % n
            own = comm[node]
            k_i = strength[node]
            tot_c = tot[target] - np.where(target == own, k_i, 0.0)
            gain = k_ic - resolution * k_i * tot_c / two_m
            # The gain of staying: the links into the own community (0 if none) minus the
            # expected share of the rest of it.
            nodes = np.unique(node)
            stay = -resolution * strength[nodes] * (tot[comm[nodes]] - strength[nodes]) / two_m
            pos = np.searchsorted(nodes, node)
            at_own = target == own
            stay_ext = stay.copy()
            np.add.at(stay_ext, pos[at_own], k_ic[at_own])
            candidate = ~at_own
            # Singleton into singleton only downhill, so two singletons cannot swap.
            swap = (size[own] == 1) & (size[target] == 1) & (target > own)
            candidate &= ~swap
            if not candidate.any():
                continue
            cn, ct, cg, cp = node[candidate], target[candidate], gain[candidate], pos[candidate]
            best = np.lexsort((ct, -cg, cn))
            first = np.ones(best.size, dtype=bool)
            first[1:] = cn[best][1:] != cn[best][:-1]
            best = best[first]
            better = cg[best] > stay_ext[cp[best]] + 1e-12 * two_m
            movers = cn[best][better]
            if movers.size == 0:
                continue
            to = ct[best][better]
            old = comm[movers]
            np.subtract.at(tot, old, strength[movers])
            np.add.at(tot, to, strength[movers])
            np.subtract.at(size, old, 1)
            np.add.at(size, to, 1)
            comm[movers] = to
            moved += movers.size
            touched[dst[_arcs_of(indptr, movers)]] = True
        active = np.flatnonzero(touched)
        if moved == 0:
            break
        q = _modularity(src, dst, w, comm, resolution)
        if q > best_q:
            gained, best_q, best_comm = q - best_q, q, comm.copy()
            if gained < 1e-7:
                break
        else:
            break
    _, labels = np.unique(best_comm, return_inverse=True)
    return labels


def _modularity(src, dst, w, labels, resolution: float) -> float:
    two_m = w.sum()
    if two_m == 0:
        return 0.0
    inside = w[labels[src] == labels[dst]].sum()
    tot = np.bincount(labels[src], weights=w)
    return float(inside / two_m - resolution * np.sum((tot / two_m) ** 2))


def louvain(
    net: Network, *, seed: int = 0, resolution: float = 1.0, batches: int = 32
) -> tuple[np.ndarray, float]:
    """Weighted Louvain communities: (label per node, modularity of the result).

    Levels repeat local moving and aggregation (communities become nodes, ties between
    them summed, ties inside them self-loops) until a level merges nothing or stops
    improving modularity. Deterministic for a given seed.
    """
    n = net.n
    labels = np.arange(n, dtype=np.int64)
    if net.m == 0:
        return labels, 0.0
    src = np.repeat(np.arange(n, dtype=np.int64), net.degree())
    dst = net.indices.astype(np.int64)
    w = net.weights.copy()
    rng = np.random.default_rng(seed)
    size = n
    best_q = _modularity(src, dst, w, np.arange(n), resolution)
    while True:
        level = _one_level(src, dst, w, size, rng, resolution, min(batches, size))
        count = int(level.max()) + 1
        if count == size:
            break
        q = _modularity(src, dst, w, level, resolution)
        if q <= best_q + 1e-9:
            break
        best_q = q
        labels = level[labels]
        keys, inverse = np.unique(level[src] * count + level[dst], return_inverse=True)
        w = np.bincount(inverse, weights=w)
        src, dst = keys // count, keys % count
        size = count
    return labels, best_q


# ------------------------------------------------------------------------------ analyse


def analyse(
    nodes: Iterable[Node],
    edges: Iterable[tuple[Node, Node, float]],
    *,
    top: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    samples: int = SAMPLES,
    seed: int = 0,
    weak: float = WEAK,
    min_weight: float = 0.0,
    resolution: float = 1.0,
    connectors: bool = True,
) -> Analysis:
    """Connectors, isolated and peripheral people, groups and bridges of one network.

    - connectors: betweenness on hops, exact (rustworkx) up to `exact_limit` nodes, else
      estimated from `samples` random sources; only scores above 0, best first, at most
      `top` of them (all when None); ties in score keep the input order;
    - isolated: no tie at all;
    - peripheral: exactly one tie, or ties that together weigh less than `weak`;
    - groups: Louvain communities with two or more people, largest first (`group_of` maps
      each of their members to the group's position); isolated people are in no group;
    - bridges: for each pair of groups with ties between them, the summed tie weight,
      heaviest first.

    `edges` may also be a `Network` from `build_network` (then `nodes` is ignored), so a
    caller that already built one does not parse a million ties twice. With
    `connectors=False` betweenness is skipped (figures over time need only groups and
    isolated people) and `connectors` is empty.
    """
    net = (
        edges if isinstance(edges, Network) else build_network(nodes, edges, min_weight=min_weight)
    )
    n = net.n
    started = time.perf_counter()
    exact = n <= exact_limit
    found: list[tuple[Node, float]] = []
    if connectors:
        scores = exact_betweenness(net) if exact else sampled_betweenness(net, samples, seed)
        ranked = np.flatnonzero(scores > 1e-15)
        ranked = ranked[np.lexsort((ranked, -scores[ranked]))]
        if top is not None:
            ranked = ranked[:top]
        found = [(net.ids[i], float(scores[i])) for i in ranked]
    timings = {"connectors": time.perf_counter() - started}

    degree = net.degree()
    strength = net.strength()
    isolated = [net.ids[i] for i in np.flatnonzero(degree == 0)]
    peripheral = [
        net.ids[i] for i in np.flatnonzero((degree == 1) | ((degree > 0) & (strength < weak)))
    ]

    started = time.perf_counter()
    labels, modularity = louvain(net, seed=seed, resolution=resolution)
    timings["groups"] = time.perf_counter() - started
    started = time.perf_counter()
    sizes = np.bincount(labels, minlength=n) if n else np.zeros(0, dtype=np.int64)
    real = np.flatnonzero(sizes >= 2)
    real = real[np.lexsort((real, -sizes[real]))]
    position = np.full(len(sizes), -1, dtype=np.int64)
    position[real] = np.arange(real.size)
    node_group = position[labels] if n else np.zeros(0, dtype=np.int64)
    members = np.argsort(node_group, kind="stable")
    cut = np.searchsorted(node_group[members], np.arange(real.size + 1))
    groups = [[net.ids[i] for i in members[cut[g] : cut[g + 1]]] for g in range(real.size)]
    group_of = {net.ids[i]: int(node_group[i]) for i in np.flatnonzero(node_group >= 0)}

    bridges: list[tuple[int, int, float]] = []
    if net.m:
        ga = node_group[net.pairs[:, 0]]
        gb = node_group[net.pairs[:, 1]]
        across = (ga != gb) & (ga >= 0) & (gb >= 0)
        lo = np.minimum(ga[across], gb[across])
        hi = np.maximum(ga[across], gb[across])
        if lo.size:
            count = real.size
            keys, inverse = np.unique(lo * count + hi, return_inverse=True)
            total = np.bincount(inverse, weights=net.pair_weights[across])
            for j in np.lexsort((keys, -total)):
                bridges.append((int(keys[j] // count), int(keys[j] % count), float(total[j])))
    timings["the rest"] = time.perf_counter() - started

    return Analysis(
        connectors=found,
        isolated=isolated,
        peripheral=peripheral,
        groups=groups,
        group_of=group_of,
        bridges=bridges,
        exact=exact,
        sample_size=n if exact else min(samples, n),
        modularity=modularity,
        node_count=n,
        tie_count=net.m,
        network=net,
        timings=timings,
    )


# ------------------------------------------------------------------------------- layout


def layout(
    nodes: Iterable[Node],
    edges: Network | Iterable[tuple[Node, Node, float]],
    *,
    seed: int = 0,
) -> dict[Node, tuple[float, float]]:
    """Positions in [0, 1]² for a picture of the network (rustworkx's spring layout).

    Meant for one neighbourhood (hundreds to a few thousand people). The layout is stretched
    to fill the square on both axes; isolated people float at the edges, which is what a
    community worker expects to see.
    """
    net = edges if isinstance(edges, Network) else build_network(nodes, edges)
    if net.n == 0:
        return {}
    if net.n == 1:
        return {net.ids[0]: (0.5, 0.5)}
    graph = net.to_rustworkx()
    positions = rx.spring_layout(graph, seed=seed)
    xy = np.array([positions[i] for i in range(net.n)], dtype=np.float64)
    low = xy.min(axis=0)
    span = xy.max(axis=0) - low
    span[span == 0] = 1.0
    xy = (xy - low) / span
    return {net.ids[i]: (float(xy[i, 0]), float(xy[i, 1])) for i in range(net.n)}


# ------------------------------------------------------------------------ introductions


def _as_network(value) -> Network:
    if isinstance(value, Network):
        return value
    if isinstance(value, Analysis):
        if value.network is None:
            raise ValueError("this Analysis carries no network")
        return value.network
    nodes, edges = value
    return build_network(nodes, edges)


def suggest_introductions(
    nodes_edges_or_graph,
    targets: Iterable[Node],
    features: Mapping[Node, Iterable[str]],
    *,
    per_target: int = 3,
    weights: Mapping[str, float] | None = None,
    connector_bonus: float = CONNECTOR_BONUS,
) -> dict[Node, list[tuple[Node, float, tuple[str, ...]]]]:
    """For each target, the people it is not tied to yet who have the most in common.

    `nodes_edges_or_graph` is a `(nodes, edges)` pair, a `Network` or an `Analysis`.
    `features` gives each person tokens such as "gift:fietsen", "lang:ar" or
    "near:2011AB". A shared token is worth its rarity, idf = log(N / people with it), N
    counting everyone in the network, times
    `weights[kind]` for its kind (the part before ":", default 1): two people who both speak
    Tigrinya have more to say to each other than two who both speak Dutch. A token everyone
    has is worth nothing. Then `connector_bonus * log(1 + ties)` is added: someone with ties
    can bring the target into their circle. Existing ties and the target itself are never
    suggested, nor anyone with nothing in common. The reason is the shared tokens, the most
    telling first.

    An inverted index (token -> people) means each target touches only the people who
    share a token with it, so 1,000 targets over 100,000 people take a second or two.
    """
    net = _as_network(nodes_edges_or_graph)
    weights = dict(weights or {})
    ids = list(net.ids)
    index = dict(net.index)
    for person in features:
        if person not in index:
            index[person] = len(ids)
            ids.append(person)
    total = len(ids)
    degree = np.zeros(total, dtype=np.float64)
    degree[: net.n] = net.degree()
    bonus = connector_bonus * np.log1p(degree)

    token_ids: dict[str, int] = {}
    postings: list[list[int]] = []
    person_tokens: dict[int, list[int]] = {}
    for person, tokens in features.items():
        mine = []
        for token in set(tokens):
            t = token_ids.setdefault(token, len(token_ids))
            if t == len(postings):
                postings.append([])
            postings[t].append(index[person])
            mine.append(t)
        person_tokens[index[person]] = mine
    people = max(net.n, len(person_tokens), 1)
    token_names = list(token_ids)
    value = np.array(
        [
            math.log(people / len(postings[t])) * weights.get(token_names[t].split(":", 1)[0], 1.0)
            for t in range(len(postings))
        ],
        dtype=np.float64,
    )
    arrays = [np.asarray(p, dtype=np.int64) for p in postings]

    result: dict[Node, list[tuple[Node, float, tuple[str, ...]]]] = {}
    for target in targets:
        result[target] = []
        i = index.get(target)
        mine = [t for t in person_tokens.get(i, []) if value[t] > 0] if i is not None else []
        if not mine:
            continue
        hits = np.concatenate([arrays[t] for t in mine])
        gains = np.repeat(value[mine], [arrays[t].size for t in mine])
        # A dense bincount is linear in the postings plus the people; grouping the postings
        # by sorting them (np.unique) was ten times slower for common tokens.
        shared = np.bincount(hits, weights=gains, minlength=total)
        people_hit = np.flatnonzero(shared)
        score = shared[people_hit] + bonus[people_hit]
        excluded = {i}
        if i < net.n:
            excluded.update(net.neighbours(i).tolist())
        keep = ~np.isin(people_hit, np.fromiter(excluded, dtype=np.int64))
        people_hit, score = people_hit[keep], score[keep]
        if people_hit.size == 0:
            continue
        count = min(per_target, people_hit.size)
        top = np.argpartition(-score, count - 1)[:count]
        top = top[np.lexsort((people_hit[top], -score[top]))]
        mine_set = set(mine)
        for j in top:
            other = int(people_hit[j])
            shared = sorted(
                (t for t in person_tokens[other] if t in mine_set),
                key=lambda t: (-value[t], token_names[t]),
            )
            result[target].append(
                (ids[other], float(score[j]), tuple(token_names[t] for t in shared))
            )
    return result


def fair_share(
    lists: Mapping[Node, list], *, cap: int, key=lambda entry: entry[0]
) -> dict[Node, list]:
    """Each target's suggestions with nobody in more than `cap` lists. In rounds, every
    target takes its best suggestion still free (under the cap) before any target takes
    another: a popular person stays where they rank first, and the targets after them get
    their next best instead of nobody. Order within each list is kept; `key` gives the
    suggested person of an entry."""
    counts: dict[Node, int] = {}
    chosen: dict[Node, set[int]] = {target: set() for target in lists}
    depth = max((len(entries) for entries in lists.values()), default=0)
    for _round in range(depth):
        for target, entries in lists.items():
            for position, entry in enumerate(entries):
                person = key(entry)
                if position not in chosen[target] and counts.get(person, 0) < cap:
                    counts[person] = counts.get(person, 0) + 1
                    chosen[target].add(position)
                    break
    return {
        target: [entries[p] for p in sorted(chosen[target])] for target, entries in lists.items()
    }


def suggest_pairs(
    nodes_edges_or_graph,
    features: Mapping[Node, Iterable[str]],
    *,
    among: Iterable[Node] | None = None,
    exclude: Iterable[tuple[Node, Node]] = (),
    limit: int = 10,
    per_person: int = 5,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[Node, Node, float, tuple[str, ...]]]:
    """Pairs of people anywhere in the network who are not tied yet and have the most in
    common, best first: `(a, b, score, shared tokens)` with `a < b`.

    Scored as `suggest_introductions` does for each person of `among` (default: everyone
    with features) and their best `per_person * 3` matches; rarity (idf) is counted over
    everyone, not only `among`. Both people of a pair are in `among`; pairs in `exclude`
    (in either order: already introduced, say) are left out; a pair found from both sides
    keeps its better score.
    """
    allowed = set(features if among is None else among)
    skip = {(a, b) if a < b else (b, a) for a, b in exclude}
    found = suggest_introductions(
        nodes_edges_or_graph,
        [p for p in features if p in allowed],
        features,
        per_target=per_person * 3,
        weights=weights,
    )
    best: dict[tuple[Node, Node], tuple[float, tuple[str, ...]]] = {}
    for person, matches in found.items():
        for other, score, tokens in matches:
            if other not in allowed:
                continue
            key = (person, other) if person < other else (other, person)
            if key in skip:
                continue
            if key not in best or score > best[key][0]:
                best[key] = (score, tokens)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    return [(a, b, score, tokens) for (a, b), (score, tokens) in ranked[:limit]]
