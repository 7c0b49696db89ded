"""Graph files of the actor network for Gephi and networkx: GraphML, GEXF and node-link JSON.

They carry the analysis results as attributes, so Gephi can colour, size and filter by them directly:
on nodes ``bloc`` (signed partition, -1 without a signed tie), ``coop_bloc``, ``pagerank``, ``degree``,
``betweenness``, ``core``; on edges ``polarity`` (+1 cooperation, -1 conflict, 0 neutral), ``weight``
(evidence count) and ``signed_weight`` (:func:`kg.analyse.annotate.annotate`).

Edges are labelled (``label``, also their key) by the catalogue's snake_case relation name, ``meets``,
``negotiates_with``. List values (an edge's supporting ``articles``) are JSON arrays in the node-link
JSON and JSON array strings in GraphML and GEXF, whose attributes hold no lists (docs/formats.md).
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
        d["label"] = d["predicate"]
    return G


def _lists_as_json(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` with every list attribute as a JSON array string (for formats without list attributes)."""
    for _, d in G.nodes(data=True):
        d.update({k: json.dumps(v, ensure_ascii=False) for k, v in d.items() if isinstance(v, list)})
    for *_, d in G.edges(data=True):
        d.update({k: json.dumps(v, ensure_ascii=False) for k, v in d.items() if isinstance(v, list)})
    return G


def _counts(G: nx.MultiDiGraph) -> dict[str, int]:
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def export_graphml(store, out: Path) -> dict[str, int]:
    G = _lists_as_json(annotated_graph(store))
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(G, out)
    return _counts(G)


def export_gexf(store, out: Path) -> dict[str, int]:
    G = _lists_as_json(annotated_graph(store))
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_gexf(G, out)
    return _counts(G)


def export_json(store, out: Path) -> dict[str, int]:
    G = annotated_graph(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(G, edges="edges"), fh, ensure_ascii=False, indent=1)
    return _counts(G)
