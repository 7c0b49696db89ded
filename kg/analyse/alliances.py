"""Alliances: a signed, weighted actor–actor network and what it says about blocs.

Every relation with a polarity in the catalogue (+1 cooperation, -1 conflict)
contributes ``polarity × confidence`` per piece of evidence to the tie between
its two actors, so an edge's weight is evidence count × confidence, signed.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcd": G.add_node(n, label=n.upper(), type="Person")
>>> add_relation(G, "a", "meets", "b", sentence="A met B.")
>>> add_relation(G, "c", "allies_with", "d", sentence="C and D allied.")
>>> add_relation(G, "a", "attacks", "c", sentence="A attacked C.")
>>> S = signed_graph(G)
>>> S["a"]["c"]["weight"], S["a"]["c"]["sign"]
(-1.0, -1)
>>> [sorted(b) for b in signed_partition(S)[0]]
[['a', 'b'], ['c', 'd']]
>>> balance(S)["ratio"] is None   # no triangles
True
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.analyse.graph import ACTOR_TYPES, in_window

__all__ = [
    "CHANGES",
    "adversaries",
    "allies",
    "balance",
    "bloc_of",
    "blocs",
    "bridges",
    "frustration",
    "signed_graph",
    "signed_partition",
    "tie_changes",
]


def signed_graph(
    G: nx.MultiDiGraph,
    *,
    since: str | None = None,
    until: str | None = None,
    types: tuple[str, ...] | None = ACTOR_TYPES,
) -> nx.Graph:
    """The undirected signed actor network of an actor graph.

    Edge attributes: ``weight`` (signed sum of polarity × confidence over the evidence),
    ``sign`` (+1/-1), ``positive``/``negative`` (the two parts, both >= 0), ``evidence`` (list of
    dicts: subject, predicate, object, polarity, sentence, article, date, confidence).
    Ties whose parts cancel out exactly are left out. ``since``/``until`` filter evidence by date
    (when the graph carries evidence lists); ``types`` keeps only actors of these entity types.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from(["x", "y"], type="GPE")
    >>> _ = G.add_edge("x", "y", key="attacks", polarity=-1, weight=3, confidence=0.5)
    >>> signed_graph(G)["x"]["y"]["weight"]
    -1.5
    """
    S = nx.Graph()
    for n, d in G.nodes(data=True):
        if types is None or d.get("type") in types:
            S.add_node(n, **{k: v for k, v in d.items() if not isinstance(v, (list, dict))})
    pos: dict[tuple, float] = defaultdict(float)
    neg: dict[tuple, float] = defaultdict(float)
    evid: dict[tuple, list] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        pol = d.get("polarity", 0)
        if not pol or u == v or u not in S or v not in S:
            continue
        key = tuple(sorted((u, v)))
        if "evidence" in d:
            items = [e for e in d["evidence"] if in_window(e.get("date"), since, until)]
            amount = sum(float(e.get("confidence", 1.0)) for e in items)
        else:
            items = []
            amount = float(d.get("weight", 1)) * float(d.get("confidence", 1.0))
        if amount <= 0:
            continue
        (pos if pol > 0 else neg)[key] += amount
        base = {"subject": u, "predicate": d.get("predicate", ""), "object": v, "polarity": pol}
        evid[key] += [{**base, **e} for e in items] or [
            {
                **base,
                "sentence": "",
                "article": d.get("articles", ""),
                "date": d.get("last", ""),
                "confidence": d.get("confidence", 1.0),
            }
        ]
    for key in sorted(set(pos) | set(neg)):
        w = round(pos[key] - neg[key], 6)
        if w == 0:
            continue
        S.add_edge(
            *key,
            weight=w,
            sign=1 if w > 0 else -1,
            positive=round(pos[key], 6),
            negative=round(neg[key], 6),
            evidence=evid[key],
        )
    return S


def _positive_part(S: nx.Graph) -> nx.Graph:
    P = nx.Graph()
    P.add_nodes_from(sorted(S.nodes))
    P.add_edges_from((u, v, {"weight": d["weight"]}) for u, v, d in S.edges(data=True) if d["weight"] > 0)
    return P


def blocs(S: nx.Graph, *, seed: int = 0, resolution: float = 1.0, min_size: int = 1) -> list[set]:
    """Communities of the positive (cooperation) part of ``S`` by Louvain, largest first.

    >>> S = nx.Graph([("a", "b", {"weight": 2.0}), ("c", "d", {"weight": 1.0}), ("b", "c", {"weight": -1.0})])
    >>> [sorted(b) for b in blocs(S)]
    [['a', 'b'], ['c', 'd']]
    """
    P = _positive_part(S)
    if P.number_of_edges() == 0:
        comms = [{n} for n in P]
    else:
        comms = nx.community.louvain_communities(P, weight="weight", resolution=resolution, seed=seed)
    out = [set(c) for c in comms if len(c) >= min_size]
    return sorted(out, key=lambda c: (-len(c), sorted(c)))


def frustration(S: nx.Graph, partition) -> float:
    """Total |weight| of the ties a partition gets wrong: positive ties between groups plus
    negative ties within a group (0 for a perfectly balanced split).

    >>> S = nx.Graph([("a", "b", {"weight": 1.0}), ("b", "c", {"weight": -2.0})])
    >>> frustration(S, [{"a", "b"}, {"c"}]), frustration(S, [{"a", "b", "c"}])
    (0.0, 2.0)
    """
    group = bloc_of(partition)
    total = 0.0
    for u, v, d in S.edges(data=True):
        w = d["weight"]
        same = group.get(u) == group.get(v)
        if (w > 0 and not same) or (w < 0 and same):
            total += abs(w)
    return round(total, 6)


def bloc_of(partition) -> dict:
    """node -> index of its group in ``partition`` (a list of sets)."""
    return {n: i for i, c in enumerate(partition) for n in c}


def signed_partition(S: nx.Graph, *, seed: int = 0, max_rounds: int = 100) -> tuple[list[set], float]:
    """A partition of the actors that minimises frustration (deterministic local search).

    Starts from :func:`blocs`, then moves single actors to the group (or a new one) that lowers
    the frustration most, and merges groups when that lowers it, until nothing improves.
    Returns the groups (largest first; isolated actors left out) and the frustration.

    >>> S = nx.Graph([("a", "b", {"weight": 1.0}), ("a", "c", {"weight": -1.0}), ("b", "c", {"weight": -1.0}),
    ...               ("c", "d", {"weight": 1.0})])
    >>> groups, f = signed_partition(S)
    >>> [sorted(g) for g in groups], f
    ([['a', 'b'], ['c', 'd']], 0.0)
    """
    nodes = sorted(n for n in S if S.degree(n) > 0)
    if not nodes:
        return [], 0.0
    H = S.subgraph(nodes)
    group = {n: i for i, c in enumerate(blocs(H, seed=seed)) for n in c}

    def delta(n, target):
        """Change in frustration if n moves to group target."""
        d = 0.0
        for m, e in H[n].items():
            if m == n:
                continue
            w = e["weight"]
            before = group[m] == group[n]
            after = group[m] == target
            cost_before = abs(w) if (w > 0) != before else 0.0
            cost_after = abs(w) if (w > 0) != after else 0.0
            d += cost_after - cost_before
        return d

    for _ in range(max_rounds):
        improved = False
        for n in nodes:
            options = sorted({group[m] for m in H[n]} | {max(group.values()) + 1})
            best, best_d = group[n], 0.0
            for g in options:
                if g == group[n]:
                    continue
                dd = delta(n, g)
                if dd < best_d - 1e-9:
                    best, best_d = g, dd
            if best != group[n]:
                group[n] = best
                improved = True
        # merge two groups when the net weight of the ties between them is positive
        between: dict[tuple, float] = defaultdict(float)
        for u, v, e in H.edges(data=True):
            a, b = sorted((group[u], group[v]))
            if a != b:
                between[a, b] += e["weight"]
        pairs = sorted((pair for pair, w in between.items() if w > 1e-9), key=lambda p: (-between[p], p))
        if pairs:
            a, b = pairs[0]
            for n in nodes:
                if group[n] == b:
                    group[n] = a
            improved = True
        if not improved:
            break
    parts: dict[int, set] = defaultdict(set)
    for n, g in group.items():
        parts[g].add(n)
    out = sorted(parts.values(), key=lambda c: (-len(c), sorted(c)))
    return out, frustration(H, out)


def balance(S: nx.Graph) -> dict:
    """Structural balance: the share of triangles whose sign product is positive.

    Returns ``{"triangles", "balanced", "ratio"}`` (ratio None without triangles).

    >>> S = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": -1}), ("a", "c", {"weight": -1}),
    ...               ("c", "d", {"weight": 1}), ("b", "d", {"weight": 1})])
    >>> balance(S)
    {'triangles': 2, 'balanced': 1, 'ratio': 0.5}
    """
    total = good = 0
    adj = {n: set(S[n]) - {n} for n in S}
    for u in sorted(adj):
        for v in sorted(adj[u]):
            if v <= u:
                continue
            for w in sorted(adj[u] & adj[v]):
                if w <= v:
                    continue
                total += 1
                if S[u][v]["weight"] * S[v][w]["weight"] * S[u][w]["weight"] > 0:
                    good += 1
    return {"triangles": total, "balanced": good, "ratio": round(good / total, 4) if total else None}


def _partners(S: nx.Graph, node, sign: int, top: int | None) -> list[dict]:
    out = []
    for m, d in S[node].items():
        if m != node and d["sign"] == sign:
            out.append(
                {
                    "actor": m,
                    "label": S.nodes[m].get("label", m),
                    "weight": d["weight"],
                    "evidence": d.get("evidence", []),
                }
            )
    out.sort(key=lambda r: (-abs(r["weight"]), r["actor"]))
    return out[:top] if top else out


def allies(S: nx.Graph, node, top: int | None = 5) -> list[dict]:
    """``node``'s strongest positive ties, with evidence, strongest first.

    >>> S = nx.Graph([("a", "b", {"weight": 2.0, "sign": 1}), ("a", "c", {"weight": -1.0, "sign": -1})])
    >>> [r["actor"] for r in allies(S, "a")], [r["actor"] for r in adversaries(S, "a")]
    (['b'], ['c'])
    """
    return _partners(S, node, 1, top)


def adversaries(S: nx.Graph, node, top: int | None = 5) -> list[dict]:
    """``node``'s strongest negative ties, with evidence, strongest first (see :func:`allies`)."""
    return _partners(S, node, -1, top)


def bridges(S: nx.Graph, partition, *, sign: int | None = 1) -> list[dict]:
    """Ties between actors of different blocs (cooperative ones by default; ``sign=None`` for all),
    strongest first.

    >>> S = nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 0.5}), ("c", "d", {"weight": 2.0})])
    >>> [(r["source"], r["target"]) for r in bridges(S, [{"a", "b"}, {"c", "d"}])]
    [('b', 'c')]
    """
    group = bloc_of(partition)
    out = []
    for u, v, d in S.edges(data=True):
        if u not in group or v not in group or group[u] == group[v]:
            continue
        if sign is not None and (d["weight"] > 0) != (sign > 0):
            continue
        out.append(
            {
                "source": u,
                "target": v,
                "source_bloc": group[u],
                "target_bloc": group[v],
                "weight": d["weight"],
                "evidence": d.get("evidence", []),
            }
        )
    out.sort(key=lambda r: (-abs(r["weight"]), r["source"], r["target"]))
    return out


# what happened to a tie between two windows, keyed by (sign before, sign after); 0 = no tie
CHANGES = {
    (0, 1): "new alliance",
    (-1, 1): "reconciled",
    (1, -1): "broken alliance",
    (1, 0): "lapsed alliance",
    (0, -1): "new conflict",
    (-1, 0): "ended conflict",
}


def tie_changes(before: nx.Graph, after: nx.Graph) -> list[dict]:
    """How the signed ties changed from one signed network to another (for example two date windows of
    :func:`signed_graph`): new alliances, broken ones (cooperation turned to conflict), lapsed ones (no
    longer seen), reconciliations, new and ended conflicts (the kinds in :data:`CHANGES`). One row per
    pair whose sign changed, with both weights and the evidence of the window that shows the tie (the
    later one when both do); ordered by kind as in :data:`CHANGES`, then by the size of the change.

    >>> A = nx.Graph([("a", "b", {"weight": 1.0}), ("a", "c", {"weight": 2.0}), ("c", "d", {"weight": -1.0})])
    >>> B = nx.Graph([("a", "b", {"weight": 1.5}), ("a", "c", {"weight": -0.5}), ("b", "d", {"weight": 0.8})])
    >>> [(r["source"], r["target"], r["change"]) for r in tie_changes(A, B)]
    [('b', 'd', 'new alliance'), ('a', 'c', 'broken alliance'), ('c', 'd', 'ended conflict')]
    """

    def sign(S, pair):
        return (1 if S.edges[pair]["weight"] > 0 else -1) if S.has_edge(*pair) else 0

    order = {kind: i for i, kind in enumerate(CHANGES.values())}
    rows = []
    pairs = {tuple(sorted(e)) for e in before.edges} | {tuple(sorted(e)) for e in after.edges}
    for pair in pairs:
        key = (sign(before, pair), sign(after, pair))
        if key not in CHANGES:
            continue
        wa = before.edges[pair]["weight"] if before.has_edge(*pair) else 0.0
        wb = after.edges[pair]["weight"] if after.has_edge(*pair) else 0.0
        shown = after if after.has_edge(*pair) else before
        label = lambda n: (after.nodes[n] if n in after else before.nodes[n]).get("label", n)  # noqa: E731
        rows.append(
            {
                "source": pair[0],
                "target": pair[1],
                "source_label": label(pair[0]),
                "target_label": label(pair[1]),
                "change": CHANGES[key],
                "before": wa,
                "after": wb,
                "evidence": shown.edges[pair].get("evidence", []),
            }
        )
    rows.sort(key=lambda r: (order[r["change"]], -abs(r["after"] - r["before"]), r["source"], r["target"]))
    return rows
