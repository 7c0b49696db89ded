"""Exports: graph files for Gephi/networkx (GraphML, GEXF, node-link JSON), RDF files (Turtle,
N-Triples, N-Quads, TriG, JSON-LD) and CSV files for ``neo4j-admin database import``
(:mod:`kg.export.neo4j_csv`) from a store.

The graph files carry the analysis results as attributes, so Gephi can colour, size and filter by
them directly: on nodes ``bloc`` (signed partition, -1 without a signed tie), ``coop_bloc``,
``pagerank``, ``degree``, ``betweenness``, ``core``; on edges ``polarity`` (+1 cooperation, -1
conflict, 0 neutral), ``weight`` (evidence count) and ``signed_weight``
(:func:`kg.analyse.annotate.annotate`).

JSON-LD is written by rdflib with ``schemas/context.jsonld`` (generated from
the catalogue by :mod:`kg.schema.ontology`), one ``@graph`` per article."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.analyse.annotate import annotate
from kg.analyse.graph import actor_graph

GRAPH_FORMATS = ("graphml", "gexf", "json")
RDF_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG}
NEO4J_CSV = "neo4j-csv"  # a directory of CSV files, not one file
FORMATS = (*GRAPH_FORMATS, *RDF_FORMATS, "jsonld", NEO4J_CSV)


def _jsonld(store, out: Path) -> None:
    import io

    import rdflib

    from kg.schema.ontology import CONTEXT_PATH

    buf = io.BytesIO()
    store.dump(ox.RdfFormat.N_QUADS, buf)
    ds = rdflib.Dataset()
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    context = json.loads(CONTEXT_PATH.read_text("utf-8"))["@context"]
    ds.serialize(destination=str(out), format="json-ld", context=context, encoding="utf-8")


def export(store, fmt: str, out: str | Path) -> dict[str, int]:
    """Write the store's graph to ``out`` in ``fmt`` (a directory for ``neo4j-csv``); returns what was
    written."""
    out = Path(out)
    if fmt == NEO4J_CSV:
        from kg.export import neo4j_csv

        return neo4j_csv.export(store, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt in RDF_FORMATS:
        union = fmt in ("ttl", "nt")  # triple formats: merge the article graphs
        with open(out, "wb") as fh:
            store.dump(RDF_FORMATS[fmt], fh, union=union)
        return {"bytes": out.stat().st_size}
    if fmt == "jsonld":
        _jsonld(store, out)
        return {"bytes": out.stat().st_size}
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    G = actor_graph(store, evidence=True)
    annotate(G)
    for *_, d in G.edges(data=True):  # evidence lists are not representable in GraphML/GEXF
        del d["evidence"]
    if fmt == "graphml":
        nx.write_graphml(G, out)
    elif fmt == "gexf":
        nx.write_gexf(G, out)
    else:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(nx.node_link_data(G, edges="edges"), fh, ensure_ascii=False, indent=1)
    return {"nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
