"""Build a networkx graph from a store.

>>> from kg.stores import open_store                       # doctest: +SKIP
>>> G = actor_graph(open_store("oxigraph", path="kg-store"))   # doctest: +SKIP
>>> G.nodes["person/john-healey"]["label"]                   # doctest: +SKIP
'John Healey'

Nodes are entities (id, label, type, mentions, first/last article date); edges
are relations aggregated over articles (one edge per subject, predicate,
object) with the evidence count, the best confidence, the polarity from the
catalogue, the ids of the supporting articles and the first/last article date.
With ``evidence=True`` each edge also carries its evidence list (article, date,
sentence, confidence), which the analyses use to show why an edge is there.
With ``since``/``until`` (ISO dates, inclusive) only evidence from articles
published in that window counts; undated articles are then left out.

Graphs can also be built by hand, which is how the analyses are tested:

>>> G = nx.MultiDiGraph()
>>> G.add_node("person/a", label="A", type="Person")
>>> G.add_node("person/b", label="B", type="Person")
>>> add_relation(G, "person/a", "meets", "person/b", sentence="A met B.", date="2025-01-02")
>>> G.edges["person/a", "person/b", "meets"]["polarity"], G.edges["person/a", "person/b", "meets"]["weight"]
(1, 1)
"""

from __future__ import annotations

import networkx as nx

from .. import catalogue

ACTOR_TYPES = ("Person", "Organization", "GPE", "Group")

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _sparql_rows(store, text: str) -> list[dict]:
    return store.query(text).dicts()


def in_window(date: str | None, since: str | None = None, until: str | None = None) -> bool:
    """Whether an ISO ``date`` falls in [since, until] (compared on the date part).

    >>> in_window("2025-02-15", since="2025-02-01"), in_window(None), in_window(None, since="2025")
    (True, True, False)
    """
    if since is None and until is None:
        return True
    if not date:
        return False
    d = str(date)[:10]
    return (since is None or d >= str(since)[:10]) and (until is None or d <= str(until)[:10])


def add_relation(G: nx.MultiDiGraph, subject: str, predicate: str, obj: str, *, sentence: str = "",
                 article: str = "", date: str | None = None, confidence: float = 1.0) -> None:
    """Add one piece of evidence for ``subject -predicate-> obj`` to an actor graph (aggregating like
    :func:`actor_graph`: ``weight`` counts evidence, ``confidence`` is the best one)."""
    rt = catalogue.load().relation(predicate)
    ev = {"article": article, "date": date or "", "sentence": sentence, "confidence": float(confidence)}
    if G.has_edge(subject, obj, key=predicate):
        d = G.edges[subject, obj, predicate]
        d["evidence"].append(ev)
    else:
        G.add_edge(subject, obj, key=predicate, predicate=predicate, polarity=rt.polarity, evidence=[ev])
        d = G.edges[subject, obj, predicate]
    _summarise(d)


def _summarise(d: dict) -> None:
    evs = d["evidence"]
    d["weight"] = len(evs)
    d["confidence"] = max(e["confidence"] for e in evs)
    d["articles"] = "|".join(sorted({e["article"] for e in evs if e["article"]}))
    dates = sorted(e["date"] for e in evs if e["date"])
    d["first"] = dates[0] if dates else ""
    d["last"] = dates[-1] if dates else ""


def actor_graph(store, *, since: str | None = None, until: str | None = None,
                evidence: bool = False) -> nx.MultiDiGraph:
    """All entities and aggregated relations of an RDF store as a MultiDiGraph (edge key = predicate).

    ``since``/``until`` keep only evidence from articles dated in that window; ``evidence`` keeps
    the per-edge evidence list (not representable in GraphML, so off by default).
    """
    cat = catalogue.load()
    kg = cat.namespaces["kg"]
    rdfs = cat.namespaces["rdfs"]
    schema = cat.namespaces["schema"]
    G = nx.MultiDiGraph()
    type_by_class = {cat.expand(t.rdf): name for name, t in cat.entity_types.items()}
    # Every pattern sits inside GRAPH ?g: an entity's triples repeat in each article graph that
    # names it, and joining them over the union graph would multiply rows by that count per pattern.
    articles = {r["id"]: int(r["n"]) for r in _sparql_rows(store, f"""
        SELECT ?id (COUNT(DISTINCT ?a) AS ?n) WHERE {{ GRAPH ?g {{ ?a <{schema}mentions> ?e . ?e <{kg}entityId> ?id }} }}
        GROUP BY ?id""")}
    for r in sorted(_sparql_rows(store, f"""
        SELECT DISTINCT ?id ?label ?class WHERE {{
          GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{rdfs}label> ?label ; a ?class }} }}"""),
                    key=lambda r: (str(r["id"]), str(r["label"]), str(r["class"]))):
        etype = type_by_class.get(r["class"])
        if etype is None or etype in ("Quote", "Article") or r["id"] in G:
            continue
        G.add_node(r["id"], label=r["label"], type=etype, articles=articles.get(r["id"], 0), first="", last="")
    for r in _sparql_rows(store, f"""
        SELECT ?id (MIN(?date) AS ?first) (MAX(?date) AS ?last) WHERE {{
          GRAPH ?g {{ ?a <{schema}mentions> ?e ; <{schema}datePublished> ?date . ?e <{kg}entityId> ?id }}
        }} GROUP BY ?id"""):
        if r["id"] in G:
            G.nodes[r["id"]].update(first=str(r["first"] or "")[:10], last=str(r["last"] or "")[:10])
    by_prop = {cat.expand(rt.rdf): rt for rt in cat.relations.values()}
    # One row per assertion, read inside its article's graph.
    rows = _sparql_rows(store, f"""
        SELECT DISTINCT ?x ?s ?p ?o ?c ?aid ?date ?sent WHERE {{ GRAPH ?g {{
          ?x a <{kg}Assertion> ; <{_RDF}subject> ?se ; <{_RDF}predicate> ?p ; <{_RDF}object> ?oe ;
             <{kg}confidence> ?c ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?art .
          ?se <{kg}entityId> ?s . ?oe <{kg}entityId> ?o . ?art <{kg}articleId> ?aid .
          OPTIONAL {{ ?art <{schema}datePublished> ?date }}
          OPTIONAL {{ ?x <{kg}sentence> ?sent }}
        }} }}""")
    edges: dict[tuple[str, str, str], dict] = {}
    for r in sorted(rows, key=lambda r: (str(r["date"] or ""), str(r["aid"]), str(r["x"]))):
        rt = by_prop.get(r["p"])
        if rt is None or r["s"] not in G or r["o"] not in G:
            continue
        date = str(r["date"] or "")[:10]
        if not in_window(date, since, until):
            continue
        d = edges.setdefault((r["s"], r["o"], rt.name), {"predicate": rt.name, "polarity": rt.polarity,
                                                          "evidence": []})
        d["evidence"].append({"article": str(r["aid"]), "date": date, "sentence": str(r["sent"] or ""),
                              "confidence": float(r["c"])})
    for (s, o, p), d in sorted(edges.items()):
        _summarise(d)
        if not evidence:
            del d["evidence"]
        G.add_edge(s, o, key=p, **d)
    return G


def find_actor(G: nx.Graph, name: str) -> str:
    """The node id in ``G`` that ``name`` refers to: an id, a label, an alias or a unique surname.

    >>> G = nx.Graph(); G.add_node("person/keir-starmer", label="Keir Starmer", type="Person")
    >>> find_actor(G, "starmer"), find_actor(G, "Keir Starmer"), find_actor(G, "person/keir-starmer")
    ('person/keir-starmer', 'person/keir-starmer', 'person/keir-starmer')

    Raises ``KeyError`` (with suggestions) when nothing or more than one actor matches.
    """
    if name in G:
        return name
    key = " ".join(name.split()).casefold()
    exact = [n for n, d in G.nodes(data=True) if str(d.get("label", "")).casefold() == key
             or key in (a.casefold() for a in d.get("aliases", ()) or ())]
    if len(exact) == 1:
        return exact[0]
    persons = [n for n in exact if G.nodes[n].get("type") == "Person"]
    if len(persons) == 1:  # one name, several types ("Keir Starmer" also tagged as an organisation)
        return persons[0]
    if exact and not persons:
        return max(exact, key=lambda n: (G.nodes[n].get("articles", 0), n))
    if not exact:
        exact = [n for n, d in G.nodes(data=True)
                 if str(d.get("label", "")).casefold().split()[-1:] == [key] and d.get("type") == "Person"]
        if not exact:  # any one word of a person's name ("Xi" for Xi Jinping)
            exact = [n for n, d in G.nodes(data=True)
                     if key in str(d.get("label", "")).casefold().split() and d.get("type") == "Person"]
        if len(exact) == 1:
            return exact[0]
    if exact:
        raise KeyError(f"{name!r} is ambiguous: {', '.join(sorted(exact))}")
    from rapidfuzz import fuzz, process

    labels = {n: str(d.get("label", n)) for n, d in G.nodes(data=True)}
    best = process.extract(name, labels, scorer=fuzz.WRatio, limit=3)
    hint = f"; did you mean {', '.join(repr(b[0]) for b in best)}?" if best else ""
    raise KeyError(f"no actor {name!r} in the graph{hint}")
