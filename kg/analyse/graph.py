"""Build a networkx graph from a store.

>>> from kg.stores import open_store                       # doctest: +SKIP
>>> G = actor_graph(open_store("kg-store"))                  # doctest: +SKIP
>>> G.nodes["person/john-healey"]["label"]                   # doctest: +SKIP
'John Healey'

Nodes are entities (id, label, type, mentions, first/last article date); edges
are relations aggregated over articles (one edge per subject, predicate,
object) with the evidence count, the best confidence, the polarity from the
catalogue, the ids of the supporting articles and the first/last article date.
With ``evidence=True`` each edge also carries its evidence list (article, date,
sentence, confidence, modality), which the analyses use to show why an edge is there.
With ``since``/``until`` (ISO years, months or days, inclusive) only evidence from articles
published in that window counts; undated articles are then left out.

One mention names one holder. The relations in :data:`ONE_HOLDER` (a post, a membership, a
leadership) come from a mention such as "Labour leader": when the extractor gives the same
mention (article, character span) of the same relation and object to two different subjects
("Labour leader Tony Blair and Conservative leader Michael Howard" read as both leading Labour),
at most one of them is right, so :func:`actor_graph` leaves all of them out (``ambiguous=True``
keeps them).

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

from kg.dates import bounds
from kg.schema import catalogue

ACTOR_TYPES = ("Person", "Organization", "GPE", "Group")
# relations whose one mention names one subject (catalogue names; see the module docstring)
ONE_HOLDER = ("holds_position", "member_of", "leads", "works_for", "spokesperson_for")


def in_window(date: str | None, since: str | None = None, until: str | None = None) -> bool:
    """Whether an ISO ``date`` falls in [since, until] (compared on the day; ``since`` and ``until`` are ISO
    years, months or days, a month or year ``until`` reaching its last day). An undated article is in no
    window.

    >>> in_window("2025-02-15", since="2025-02-01"), in_window("2025-03-31", until="2025-03"), in_window(None)
    (True, True, True)
    >>> in_window(None, since="2025")
    False
    """
    if since is None and until is None:
        return True
    if not date:
        return False
    lo, hi = bounds(since, until)
    d = str(date)[:10]
    return (lo is None or d >= lo) and (hi is None or d <= hi)


def add_relation(
    G: nx.MultiDiGraph,
    subject: str,
    predicate: str,
    obj: str,
    *,
    sentence: str = "",
    article: str = "",
    date: str | None = None,
    confidence: float = 1.0,
    span: tuple[int, int] | None = None,
    modality: str = "asserted",
    status: str | None = None,
) -> None:
    """Add one piece of evidence for ``subject -predicate-> obj`` to an actor graph (aggregating like
    :func:`actor_graph`: ``weight`` counts evidence, ``confidence`` is the best one; ``span`` is the
    evidence's character span in the article; ``modality`` as the extractor read it, ``status`` that of a
    post held)."""
    rt = catalogue.load().relation(predicate)
    ev = {
        "article": article,
        "date": date or "",
        "sentence": sentence,
        "confidence": float(confidence),
        "modality": modality,
    }
    if span is not None:
        ev.update(start=int(span[0]), end=int(span[1]))
    if status:
        ev["status"] = status
    if G.has_edge(subject, obj, key=predicate):
        d = G.edges[subject, obj, predicate]
        d["evidence"].append(ev)
    else:
        G.add_edge(subject, obj, key=predicate, predicate=predicate, polarity=rt.polarity, evidence=[ev])
        d = G.edges[subject, obj, predicate]
    _summarise(d)


def window(G: nx.MultiDiGraph, since: str | None = None, until: str | None = None) -> nx.MultiDiGraph:
    """A copy of an actor graph that carries evidence lists, keeping only the evidence dated in
    [since, until] (edges left without evidence are dropped; every node is kept).

    >>> G = nx.MultiDiGraph(); G.add_nodes_from("ab", type="Person")
    >>> add_relation(G, "a", "meets", "b", date="2025-01-01"); add_relation(G, "a", "meets", "b", date="2025-03-01")
    >>> window(G, since="2025-02-01").edges["a", "b", "meets"]["weight"]
    1
    >>> window(G, until="2024-12-31").number_of_edges()
    0
    """
    H = nx.MultiDiGraph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, k, d in G.edges(keys=True, data=True):
        evs = [e for e in d.get("evidence", []) if in_window(e.get("date"), since, until)]
        if evs:
            H.add_edge(u, v, key=k, **{**d, "evidence": evs})
            _summarise(H.edges[u, v, k])
    return H


def _summarise(d: dict) -> None:
    evs = d["evidence"]
    d["weight"] = len(evs)
    d["confidence"] = max(e["confidence"] for e in evs)
    d["articles"] = sorted({e["article"] for e in evs if e["article"]})
    dates = sorted(e["date"] for e in evs if e["date"])
    d["first"] = dates[0] if dates else ""
    d["last"] = dates[-1] if dates else ""


def ambiguous_mentions(assertions) -> set[tuple]:
    """The (article, predicate, object, start, end) mentions of a :data:`ONE_HOLDER` relation that the
    assertions give to more than one subject.

    >>> rows = [{"aid": "a", "p": "member_of", "o": "labour", "s": s, "start": 10, "end": 16}
    ...         for s in ("blair", "howard")]
    >>> sorted(ambiguous_mentions(rows))
    [('a', 'member_of', 'labour', 10, 16)]
    """
    subjects: dict[tuple, set] = {}
    for r in assertions:
        if r["p"] in ONE_HOLDER and r.get("start") is not None:
            subjects.setdefault((str(r["aid"]), r["p"], r["o"], int(r["start"]), int(r["end"])), set()).add(r["s"])
    return {k for k, v in subjects.items() if len(v) > 1}


def actor_graph(
    store, *, since: str | None = None, until: str | None = None, evidence: bool = False, ambiguous: bool = False
) -> nx.MultiDiGraph:
    """All entities and aggregated relations of a store as a MultiDiGraph (edge key = predicate).

    The store reads its rows (:meth:`kg.stores.base.Store.actor_rows`: an RDF store by SPARQL, Neo4j by
    Cypher); every store gives the same graph for the same articles.
    ``since``/``until`` keep only evidence from articles dated in that window; ``evidence`` keeps
    the per-edge evidence list (not representable in GraphML, so off by default); ``ambiguous`` keeps
    the evidence of mentions given to several holders (see the module docstring).
    """
    src = store.actor_rows()
    drop = set() if ambiguous else ambiguous_mentions(src["assertions"])
    G = nx.MultiDiGraph()
    for r in src["entities"]:
        if r["type"] is None or r["type"] in ("Quote", "Article") or r["id"] in G:
            continue
        G.add_node(
            r["id"], label=r["label"], type=r["type"], articles=src["mentions"].get(r["id"], 0), first="", last=""
        )
        if r.get("title"):  # a post's bare title ("President" of the President of France)
            G.nodes[r["id"]]["title"] = str(r["title"])
    for n, (first, last) in src["dates"].items():
        if n in G:
            G.nodes[n].update(first=str(first or "")[:10], last=str(last or "")[:10])
    edges: dict[tuple[str, str, str], dict] = {}
    pol = {name: rt.polarity for name, rt in catalogue.load().relations.items()}
    for r in sorted(src["assertions"], key=lambda r: (str(r["date"] or ""), str(r["aid"]), str(r["x"]))):
        if r["p"] not in pol or r["s"] not in G or r["o"] not in G:
            continue
        date = str(r["date"] or "")[:10]
        if not in_window(date, since, until):
            continue
        has_span = r.get("start") is not None and r.get("end") is not None
        if has_span and (str(r["aid"]), r["p"], r["o"], int(r["start"]), int(r["end"])) in drop:
            continue
        d = edges.setdefault((r["s"], r["o"], r["p"]), {"predicate": r["p"], "polarity": pol[r["p"]], "evidence": []})
        ev = {
            "article": str(r["aid"]),
            "date": date,
            "sentence": str(r["sentence"] or ""),
            "confidence": float(r["c"]),
            "modality": str(r.get("modality") or "asserted"),
        }
        if has_span:
            ev.update(start=int(r["start"]), end=int(r["end"]))
        if r.get("status"):  # of a post held: current, former, designate, hypothetical
            ev["status"] = str(r["status"])
        d["evidence"].append(ev)
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
    exact = [
        n
        for n, d in G.nodes(data=True)
        if str(d.get("label", "")).casefold() == key or key in (a.casefold() for a in d.get("aliases", ()) or ())
    ]
    if len(exact) == 1:
        return exact[0]
    persons = [n for n in exact if G.nodes[n].get("type") == "Person"]
    if len(persons) == 1:  # one name, several types ("Keir Starmer" also tagged as an organisation)
        return persons[0]
    if exact and not persons:
        return max(exact, key=lambda n: (G.nodes[n].get("articles", 0), n))
    if not exact:
        exact = [
            n
            for n, d in G.nodes(data=True)
            if str(d.get("label", "")).casefold().split()[-1:] == [key] and d.get("type") == "Person"
        ]
        if not exact:  # any one word of a person's name ("Xi" for Xi Jinping)
            exact = [
                n
                for n, d in G.nodes(data=True)
                if key in str(d.get("label", "")).casefold().split() and d.get("type") == "Person"
            ]
        if len(exact) == 1:
            return exact[0]
    if exact:
        raise KeyError(f"{name!r} is ambiguous: {', '.join(sorted(exact))}")
    from rapidfuzz import fuzz, process

    labels = {n: str(d.get("label", n)) for n, d in G.nodes(data=True)}
    best = process.extract(name, labels, scorer=fuzz.WRatio, limit=3)
    hint = f"; did you mean {', '.join(repr(b[0]) for b in best)}?" if best else ""
    raise KeyError(f"no actor {name!r} in the graph{hint}")
