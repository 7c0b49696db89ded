"""Graph files of the actor network for Gephi and networkx: GraphML, GEXF and node-link JSON.

They carry the analysis results as attributes, so Gephi can colour, size and filter by them directly:
on nodes ``bloc`` (signed partition, -1 without a signed tie), ``coop_bloc``, ``pagerank``, ``degree``,
``betweenness``, ``core``; on edges ``polarity`` (+1 cooperation, -1 conflict, 0 neutral), ``weight``
(evidence count) and ``signed_weight`` (:func:`kg.analyse.annotate.annotate`).

Edges are labelled (``label``, also their key) by the catalogue's snake_case relation name, ``meets``,
``negotiates_with``. List values (an edge's supporting ``articles``) are JSON arrays in the node-link
JSON and JSON array strings in GraphML and GEXF, whose attributes hold no lists (docs/formats.md).

By default they hold the actor network ``kg viz`` draws (people, organisations, countries and groups
with a tie to another actor); ``everything=True`` (``kg export --all``) keeps every entity and relation.
Nodes carry ``party``, ``country`` and the picture's colour, size and position
(:mod:`kg.export.gephi`): ``r``/``g``/``b``, ``size``, ``x``/``y`` attributes in GraphML and JSON,
``viz:color``/``viz:size``/``viz:position`` in the GEXF, which is dynamic (each node and edge lives
from its first to its last article date) for Gephi's timeline.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.analyse.graph import actor_graph
from kg.export import gephi


def annotated_graph(store, *, everything: bool = False) -> nx.MultiDiGraph:
    """The store's actor graph with the analysis and style attributes (:func:`kg.export.gephi.style`),
    without evidence lists (which GraphML and GEXF cannot hold); every entity with ``everything``."""
    G = actor_graph(store, evidence=True)
    try:
        kb = store.kb_roles()
    except NotImplementedError:
        kb = {}
    gephi.style(G, kb=kb, everything=everything)
    H = nx.MultiDiGraph()
    H.add_nodes_from(G.nodes(data=True))
    for i, (u, v, d) in enumerate(sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["predicate"]))):
        del d["evidence"]
        d["label"] = d["predicate"]
        H.add_edge(u, v, key=f"e{i}", **d)  # unique edge ids: Gephi merges edges that share one
    return H


def _lists_as_json(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` with every list attribute as a JSON array string (for formats without list attributes)."""
    for _, d in G.nodes(data=True):
        d.update({k: json.dumps(v, ensure_ascii=False) for k, v in d.items() if isinstance(v, list)})
    for *_, d in G.edges(data=True):
        d.update({k: json.dumps(v, ensure_ascii=False) for k, v in d.items() if isinstance(v, list)})
    return G


def _counts(G: nx.MultiDiGraph) -> dict[str, int]:
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}


def export_graphml(store, out: Path, *, everything: bool = False) -> dict[str, int]:
    G = _lists_as_json(annotated_graph(store, everything=everything))
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(G, out)
    return _counts(G)


def export_gexf(store, out: Path, *, everything: bool = False) -> dict[str, int]:
    G = annotated_graph(store, everything=everything)
    out.parent.mkdir(parents=True, exist_ok=True)
    gephi.write_gexf(G, out)
    return _counts(G)


def export_json(store, out: Path, *, everything: bool = False) -> dict[str, int]:
    G = annotated_graph(store, everything=everything)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(G, edges="edges"), fh, ensure_ascii=False, indent=1)
    return _counts(G)
