"""Graph files of the actor network for Gephi and networkx: GraphML, GEXF and node-link JSON.

They carry the analysis results as attributes, so Gephi can colour, size and filter by them directly:
on nodes ``bloc`` (signed partition, -1 without a signed tie), ``coop_bloc``, ``pagerank``, ``degree``,
``betweenness``, ``core``; on edges ``polarity`` (+1 cooperation, -1 conflict, 0 neutral), ``weight``
(evidence count) and ``signed_weight`` (:func:`kg.analyse.annotate.annotate`).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.analyse.annotate import annotate
from kg.analyse.graph import actor_graph


def annotated_graph(store) -> nx.MultiDiGraph:
    """The store's actor graph with the analysis attributes, without evidence lists (which GraphML and
    GEXF cannot hold)."""
    G = actor_graph(store, evidence=True)
    annotate(G)
    for *_, d in G.edges(data=True):
        del d["evidence"]
    return G


def _counts(G: nx.MultiDiGraph) -> dict[str, int]:
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def export_graphml(store, out: Path) -> dict[str, int]:
    G = annotated_graph(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(G, out)
    return _counts(G)


def export_gexf(store, out: Path) -> dict[str, int]:
    G = annotated_graph(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(G, out)
    return _counts(G)


def export_json(store, out: Path) -> dict[str, int]:
    G = annotated_graph(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(G, edges="edges"), fh, ensure_ascii=False, indent=1)
    return _counts(G)
