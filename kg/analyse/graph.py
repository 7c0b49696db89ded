"""Build a networkx graph from a store.

>>> from kg.stores import open_store                       # doctest: +SKIP
>>> G = actor_graph(open_store("oxigraph", path="kg-store"))   # doctest: +SKIP
>>> G.nodes["person/john-healey"]["label"]                   # doctest: +SKIP
'John Healey'

Nodes are entities (id, label, type, mentions); edges are relations
aggregated over articles (one edge per subject, predicate, object) with the
evidence count, the best confidence, the polarity from the catalogue and the
ids of the supporting articles.
"""

from __future__ import annotations

import networkx as nx

from .. import catalogue


def _sparql_rows(store, text: str) -> list[dict]:
    return store.query(text).dicts()


def actor_graph(store) -> nx.MultiDiGraph:
    """All entities and aggregated relations of an RDF store as a MultiDiGraph (edge key = predicate)."""
    cat = catalogue.load()
    kg = cat.namespaces["kg"]
    rdfs = cat.namespaces["rdfs"]
    schema = cat.namespaces["schema"]
    G = nx.MultiDiGraph()
    type_by_class = {cat.expand(t.rdf): name for name, t in cat.entity_types.items()}
    for r in _sparql_rows(store, f"""
        SELECT ?id ?label ?class (COUNT(DISTINCT ?a) AS ?articles) WHERE {{
          ?e <{kg}entityId> ?id ; <{rdfs}label> ?label ; a ?class .
          OPTIONAL {{ ?a <{schema}mentions> ?e }}
        }} GROUP BY ?id ?label ?class"""):
        etype = type_by_class.get(r["class"])
        if etype is None or etype in ("Quote", "Article"):
            continue
        G.add_node(r["id"], label=r["label"], type=etype, articles=int(r["articles"] or 0))
    by_prop = {cat.expand(rt.rdf): rt for rt in cat.relations.values()}
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    for r in _sparql_rows(store, f"""
        SELECT ?s ?p ?o (COUNT(?x) AS ?n) (MAX(?c) AS ?conf) (GROUP_CONCAT(DISTINCT ?aid; separator="|") AS ?arts)
        WHERE {{
          ?x a <{kg}Assertion> ; <{rdf}subject> ?se ; <{rdf}predicate> ?p ; <{rdf}object> ?oe ;
             <{kg}confidence> ?c ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?art .
          ?se <{kg}entityId> ?s . ?oe <{kg}entityId> ?o . ?art <{kg}articleId> ?aid .
        }} GROUP BY ?s ?p ?o"""):
        rt = by_prop.get(r["p"])
        if rt is None or r["s"] not in G or r["o"] not in G:
            continue
        G.add_edge(r["s"], r["o"], key=rt.name, predicate=rt.name, polarity=rt.polarity,
                   weight=int(r["n"]), confidence=float(r["conf"]), articles=r["arts"])
    return G
