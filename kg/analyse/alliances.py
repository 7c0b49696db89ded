"""Alliances: the blocs a signed actor network splits into, seeded by party, and how balanced it is.

The network is :func:`kg.analyse.ties.signed_graph`: ties signed by acts of support (+) and conflict
(-) between actors, never by meetings, visits, speeches, membership or posts (see :mod:`kg.analyse.ties`
for the rules and weights; its names are re-exported here). Party membership
(:func:`kg.analyse.parties.membership`) seeds the blocs: members of one party start together and stay
together unless their acts say otherwise (:func:`signed_partition`).

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcd": G.add_node(n, label=n.upper(), type="Person")
>>> add_relation(G, "a", "praises", "b", sentence="A praised B.")
>>> add_relation(G, "c", "allies_with", "d", sentence="C and D allied.")
>>> add_relation(G, "a", "attacks", "c", sentence="A attacked C.")
>>> S = signed_graph(G)
>>> [sorted(b) for b in signed_partition(S)[0]]
[['a', 'b'], ['c', 'd']]
>>> balance(S)["ratio"] is None   # no triangles
True
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from kg.analyse.ties import (
    CHANGES,
    MODALITY_WEIGHT,
    adversaries,
    allies,
    evidence_weight,
    signed_graph,
    tie_changes,
    tie_relations,
)

__all__ = [
    "CHANGES",
    "MODALITY_WEIGHT",
    "PARTY_PRIOR",
    "adversaries",
    "allies",
    "balance",
    "bloc_of",
    "blocs",
    "bridges",
    "evidence_weight",
    "frustration",
    "seeded_graph",
    "signed_graph",
    "signed_partition",
    "tie_changes",
    "tie_relations",
]

# the tie a party membership adds between a member and its party when the blocs are drawn: about three
# asserted acts at the usual confidence, so one quarrel between co-members does not split a party
PARTY_PRIOR = 2.0


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


def seeded_graph(S: nx.Graph, members: dict | None = None, prior: float = PARTY_PRIOR) -> nx.Graph:
    """``S`` restricted to the actors with a tie and the members of a party (``members``: actor -> party,
    as :func:`kg.analyse.parties.membership` gives), plus a positive tie of ``prior`` between each member
    and its party. A party and its members take part even without a tie of their own: the text that
    names someone a party's leader or MP places them in its bloc ("UKIP leader Roger Knapman").
    What :func:`signed_partition` splits.

    >>> S = nx.Graph([("blair", "howard", {"weight": -1.0})]); S.add_node("lab")
    >>> H = seeded_graph(S, {"blair": "lab", "brown": "lab"})
    >>> sorted(H.edges(data="weight"))
    [('blair', 'howard', -1.0), ('blair', 'lab', 2.0), ('brown', 'lab', 2.0)]
    """
    party_of = {m: p for m, p in (members or {}).items() if p is not None and p != m}
    nodes = sorted({n for n in S if S.degree(n) > 0} | set(party_of))
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from((u, v, {"weight": d["weight"]}) for u, v, d in S.subgraph(nodes).edges(data=True))
    for m in nodes:
        p = party_of.get(m)
        if p is None:
            continue
        w = H[m][p]["weight"] if H.has_edge(m, p) else 0.0
        H.add_edge(m, p, weight=round(w + prior, 6))
    return H


def signed_partition(
    S: nx.Graph,
    *,
    seed: int = 0,
    max_rounds: int = 100,
    members: dict | None = None,
    prior: float = PARTY_PRIOR,
) -> tuple[list[set], float]:
    """A partition of the actors that minimises frustration (deterministic local search), seeded by party.

    Works on :func:`seeded_graph`: the actors with a tie and the members of a party, each member tied
    to its party (``members``: actor -> party) by ``prior``. Starts from :func:`blocs` with every
    party's members moved into one group (members of one party start together), then moves single
    actors to the group (or a new one) that lowers the frustration most, and merges groups when the
    net weight of the ties between them is positive -- above ``prior`` for two groups that each hold a
    party, so parties merge only when the text outweighs a membership. A member leaves its party's
    group only when its conflicts with the group outweigh the prior; a quarrel between co-members stays
    a negative tie inside the bloc. Returns the groups (largest first; actors with neither a tie nor a
    party left out) and the frustration of ``S`` under them (the party priors are not part of it).

    >>> S = nx.Graph([("a", "b", {"weight": 1.0}), ("a", "c", {"weight": -1.0}), ("b", "c", {"weight": -1.0}),
    ...               ("c", "d", {"weight": 1.0})])
    >>> groups, f = signed_partition(S)
    >>> [sorted(g) for g in groups], f
    ([['a', 'b'], ['c', 'd']], 0.0)

    Two members of one party who only attack the other side, and quarrel once between themselves:

    >>> S = nx.Graph([("blair", "howard", {"weight": -1.0}), ("brown", "letwin", {"weight": -1.0}),
    ...               ("blair", "brown", {"weight": -0.5}), ("lab", "con", {"weight": -0.5})])
    >>> party = {"blair": "lab", "brown": "lab", "howard": "con", "letwin": "con"}
    >>> groups, f = signed_partition(S, members=party)
    >>> [sorted(g) for g in groups], f
    ([['blair', 'brown', 'lab'], ['con', 'howard', 'letwin']], 0.5)
    """
    H = seeded_graph(S, members, prior)
    nodes = sorted(H)
    if not nodes:
        return [], 0.0
    group = {n: i for i, c in enumerate(blocs(H, seed=seed)) for n in c}
    party_of = {m: p for m, p in (members or {}).items() if m in H and p in H and m != p}
    seeded = sorted(set(party_of.values()))
    for p in seeded:  # every party's group starts with the party and all its members
        g = max(group.values()) + 1
        for n in [p, *(m for m, q in party_of.items() if q == p)]:
            group[n] = g
    seeds = set(seeded)

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
        # merge two groups when the net weight of the ties between them is positive (above the prior
        # when both hold a party)
        between: dict[tuple, float] = defaultdict(float)
        for u, v, e in H.edges(data=True):
            a, b = sorted((group[u], group[v]))
            if a != b:
                between[a, b] += e["weight"]
        holds_party = {group[p] for p in seeds}
        pairs = sorted(
            (
                pair
                for pair, w in between.items()
                if w > (prior if pair[0] in holds_party and pair[1] in holds_party else 0.0) + 1e-9
            ),
            key=lambda p: (-between[p], p),
        )
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
    return out, frustration(S, out)


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
