"""The analysis results as node and edge attributes of an actor graph (for exports, pictures, reports).

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcd": G.add_node(n, label=n.upper(), type="Person")
>>> add_relation(G, "a", "praises", "b", confidence=0.5); add_relation(G, "c", "aids", "d")
>>> add_relation(G, "a", "attacks", "c"); add_relation(G, "b", "meets", "d")
>>> _ = annotate(G)
>>> G.nodes["a"]["bloc"] == G.nodes["b"]["bloc"] != G.nodes["c"]["bloc"], G.nodes["a"]["degree"]
(True, 2)
>>> [G.edges[e]["signed_weight"] for e in (("a", "c", "attacks"), ("a", "b", "praises"), ("b", "d", "meets"))]
[-1.0, 0.5, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from kg.analyse import alliances as _al
from kg.analyse import centrality as _ce
from kg.analyse.graph import ACTOR_TYPES
from kg.analyse.parties import membership

NODE_ATTRS = ("bloc", "coop_bloc", "pagerank", "degree", "betweenness", "core")
EDGE_ATTRS = ("polarity", "weight", "signed_weight")


@dataclass
class Annotation:
    """What :func:`annotate` computed: the signed network, its partition and the centrality rows."""

    signed: nx.Graph
    partition: list[set]
    frustration: float
    coop_blocs: list[set]
    centrality: list[dict]


def annotate(G: nx.MultiDiGraph, *, seed: int = 0, types: tuple[str, ...] | None = ACTOR_TYPES) -> Annotation:
    """Set on every node of ``G``: ``bloc`` (its group in the signed partition that minimises
    frustration, seeded by party; largest group 0, -1 for actors with no signed tie), ``coop_bloc`` (its
    community of cooperation ties, -1 likewise), ``pagerank``, ``degree`` (distinct partners),
    ``betweenness`` and ``core`` (k-core), 0 for nodes that are not connected actors; on every edge
    ``signed_weight``, what it adds to its alliance tie (:mod:`kg.analyse.alliances`: polarity x
    confidence x modality weight summed over its evidence, or x weight x confidence without evidence;
    0 for relations that sign no tie). Returns what was computed."""
    S = _al.signed_graph(G, types=types)
    parts, frus = _al.signed_partition(S, seed=seed, members=membership(G))
    coop = [c for c in _al.blocs(S, seed=seed) if any(S.degree(n) for n in c)]
    side, coop_of = _al.bloc_of(parts), _al.bloc_of(coop)
    rows = _ce.centrality(G, types=types)
    by = {r["actor_id"]: r for r in rows}
    for n, d in G.nodes(data=True):
        r = by.get(n, {})
        d.update(
            bloc=side.get(n, -1),
            coop_bloc=coop_of.get(n, -1),
            pagerank=float(r.get("pagerank", 0.0)),
            degree=int(r.get("degree", 0)),
            betweenness=float(r.get("betweenness", 0.0)),
            core=int(r.get("core", 0)),
        )
    ties = _al.tie_relations()
    for _, _, d in G.edges(data=True):
        pol = ties.get(d.get("predicate", ""), 0)
        if "evidence" in d:
            amount = sum(_al.evidence_weight(e) for e in d["evidence"])
        else:
            amount = float(d.get("weight", 1)) * float(d.get("confidence", 1.0))
        d["signed_weight"] = round(pol * amount, 6)
    return Annotation(S, parts, frus, coop, rows)
