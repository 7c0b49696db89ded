"""Curation decisions applied to an RDF store at once (the embedded store or a SPARQL server), by SPARQL
Update, so that queries see them without a rebuild; a rebuild with the curation file gives the same
graph.

Each article graph says how the article names an entity (``kg:mentionedAs``) and its other names
(``skos:altLabel``); the entities graph holds each entity's one ``rdfs:label`` and type, chosen from the
article graphs by :mod:`kg.resolve.labels`. A decision rewrites the article graphs as a rebuild with the
curation file writes them, then chooses the touched entities' label and type again (:func:`relabel`).

* merge S into T: in every article graph, S's relations, quotes and mentions become T's, S's names
  become T's aliases and T keeps its own name and type; a relation between S and T themselves goes,
  with its assertion, as the resolver drops "Starmer met Keir Starmer". Where T was not in the article,
  ``kg:mergedFrom`` keeps S's id on T, which a later split uses to undo exactly. S leaves the entities
  graph.
* rename E to N: every article graph names E N, the old name an alias, so N is E's label, and stays so
  when later builds (which give N too) add articles.
* split N from E: the article graphs where E stands for a merged N (``kg:mergedFrom``) get N back as
  an entity of its own; E's other articles keep their relations (telling which of them came from N
  needs the text again, so the caller reports them for a rebuild).

IRIs come from :func:`kg.schema.ids.entity_iri` (percent-escaped) and are checked again before they go
into an update; names go in as escaped literals.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from kg.schema import catalogue, ids
from kg.stores import rdf as rdfterms

_IRI_OK = re.compile(r'[^\s<>"{}|\\^`]+')


def _iri(entity_id: str, base: str) -> str:
    iri = ids.entity_iri(entity_id, base)
    if not _IRI_OK.fullmatch(iri):
        raise ValueError(f"entity id {entity_id!r} makes no safe IRI")
    return f"<{iri}>"


def _lit(text: str) -> str:
    return str(Literal(text))  # N-Triples form: quotes, backslashes and newlines escaped


def _ns(base: str) -> dict[str, str]:
    cat = catalogue.load()
    n = cat.namespaces
    return {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "label": f"<{n['rdfs']}label>",
        "named": f"<{n['kg']}mentionedAs>",
        "alt": f"<{n['skos']}altLabel>",
        "eid": f"<{n['kg']}entityId>",
        "merged": f"<{n['kg']}mergedFrom>",
        "eg": f"<{ids.entities_graph_iri(base)}>",
    }


def _base(store) -> str:
    return getattr(store, "base", None) or ids.DEFAULT_BASE


def describe(store, entity_id: str) -> tuple[str, str] | None:
    """(label, class IRI) of an entity in the store's entities graph, or None when it is not there."""
    base = _base(store)
    ns, e = _ns(base), _iri(entity_id, base)
    rows = store.query(f"SELECT ?label ?class WHERE {{ GRAPH {ns['eg']} {{ {e} {ns['label']} ?label ; a ?class }} }}")
    found = rows.dicts()
    if not found:
        return None
    return min((str(r["label"]), str(r["class"])) for r in found)


def relabel(store, entity_ids: list[str]) -> int:
    """Choose the entities graph's label and type of ``entity_ids`` again from what the article graphs say
    now, as a load does (an entity no article names leaves it); returns the statements written."""
    base = _base(store)
    ns = _ns(base)
    steps: list[str] = []
    written = 0
    for entity_id in entity_ids:
        e = _iri(entity_id, base)
        names: dict[str, int] = {}
        classes: dict[str, int] = {}
        rows = store.query(
            f"""SELECT ?name ?class (COUNT(DISTINCT ?g) AS ?n) WHERE {{
            GRAPH ?g {{ {e} {ns["named"]} ?name ; a ?class }} }} GROUP BY ?name ?class"""
        ).dicts()
        for r in rows:
            n = int(r["n"])
            names[str(r["name"])] = names.get(str(r["name"]), 0) + n
            classes[str(r["class"])] = classes.get(str(r["class"]), 0) + n
        steps.append(f"DELETE WHERE {{ GRAPH {ns['eg']} {{ {e} ?p ?o }} }}")
        if names and classes:
            node = NamedNode(ids.entity_iri(entity_id, base))
            quads = rdfterms.entity_quads(node, entity_id, names, classes, base)
            written += len(quads)
            data = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            steps.append(f"INSERT DATA {{ GRAPH {ns['eg']} {{ {data} }} }}")
    if steps:
        store.query(" ;\n".join(steps), write=True)
    return written


def _move(a: str, b: str, where: str) -> list[str]:
    """Updates that make ``a`` ``b`` as object and subject in the graphs ``?g`` that ``where`` binds (so
    the subjects move last)."""
    return [
        f"DELETE {{ GRAPH ?g {{ ?s ?p {a} }} }} INSERT {{ GRAPH ?g {{ ?s ?p {b} }} }} "
        f"WHERE {{ {where} GRAPH ?g {{ ?s ?p {a} }} }}",
        f"DELETE {{ GRAPH ?g {{ {a} ?p ?o }} }} INSERT {{ GRAPH ?g {{ {b} ?p ?o }} }} "
        f"WHERE {{ {where} GRAPH ?g {{ {a} ?p ?o }} }}",
    ]


def _drop(triple: str) -> str:
    return f"DELETE {{ GRAPH ?g {{ {triple} }} }} WHERE {{ GRAPH ?g {{ {triple} }} }}"


def _count(store, where: str) -> int:
    rows = store.query(f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ {where} }} }}").dicts()
    return int(rows[0]["n"]) if rows else 0


def merge(store, source: str, target: str) -> int:
    """Merge ``source`` into ``target`` in every article graph; returns how many graphs changed (0 when
    ``source`` is not in the store, so applying a merge twice changes nothing)."""
    if describe(store, source) is None:
        return 0
    found = describe(store, target)
    if found is None:
        raise ValueError(f"{target} is not in the store: nothing to merge {source} into")
    label, cls = found
    base = _base(store)
    ns = _ns(base)
    S, T = _iri(source, base), _iri(target, base)
    in_articles = f"GRAPH ?g {{ {S} {ns['named']} ?sn }}"  # the article graphs naming the source
    touched = _count(store, f"{S} {ns['named']} ?o")
    rdf = ns["rdf"]
    steps = [
        f"DELETE WHERE {{ GRAPH {ns['eg']} {{ {S} ?p ?o }} }}",
        # a relation between the two is a relation of one actor with itself: it goes, with its assertion
        f"""DELETE {{ GRAPH ?g {{ ?a ?ap ?ao }} }} WHERE {{ GRAPH ?g {{
            ?a <{rdf}subject> ?x ; <{rdf}object> ?y ; ?ap ?ao .
            FILTER ((?x = {S} && ?y = {T}) || (?x = {T} && ?y = {S})) }} }}""",
        _drop(f"{S} ?p {T}"),
        _drop(f"{T} ?p {S}"),
        # where the target was not in the article, the source's node becomes it, named as the store
        # names it: kg:mergedFrom is the provenance a split needs
        f"""INSERT {{ GRAPH ?g {{ {T} {ns["merged"]} {_lit(source)} ; a <{cls}> ; {ns["named"]} {_lit(label)} ;
            {ns["eid"]} {_lit(target)} }} }}
            WHERE {{ {in_articles} FILTER NOT EXISTS {{ GRAPH ?g {{ {T} {ns["eid"]} ?j }} }} }}""",
        f"INSERT {{ GRAPH ?g {{ {T} {ns['alt']} ?sn }} }} WHERE {{ {in_articles} }}",
        f"INSERT {{ GRAPH ?g {{ {T} {ns['alt']} ?a }} }} WHERE {{ GRAPH ?g {{ {S} {ns['alt']} ?a }} }}",
        f"""DELETE {{ GRAPH ?g {{ {S} ?p ?o }} }} WHERE {{ GRAPH ?g {{ {S} ?p ?o .
            FILTER (isLiteral(?o) || ?p = <{rdf}type>) }} }}""",
        *_move(S, T, ""),
        f"""DELETE {{ GRAPH ?g {{ {T} {ns["alt"]} ?n }} }}
            WHERE {{ GRAPH ?g {{ {T} {ns["named"]} ?n ; {ns["alt"]} ?n }} }}""",
    ]
    store.query(" ;\n".join(steps), write=True)
    relabel(store, [source, target])
    return touched


def rename(store, entity: str, name: str) -> int:
    """Name ``entity`` ``name`` in every article graph (its other names become aliases), so that ``name``
    is its label; returns how many graphs changed."""
    base = _base(store)
    ns = _ns(base)
    E, N = _iri(entity, base), _lit(name)
    touched = _count(store, f"{E} {ns['named']} ?l . FILTER (?l != {N})")
    steps = [
        f"""DELETE {{ GRAPH ?g {{ {E} {ns["named"]} ?l }} }}
            INSERT {{ GRAPH ?g {{ {E} {ns["alt"]} ?l ; {ns["named"]} {N} }} }}
            WHERE {{ GRAPH ?g {{ {E} {ns["named"]} ?l . FILTER (?l != {N}) }} }}""",
        _drop(f"{E} {ns['alt']} {N}"),
    ]
    store.query(" ;\n".join(steps), write=True)
    relabel(store, [entity])
    return touched


def split(store, entity: str, sources: list[str], label_of: dict[str, str]) -> tuple[int, int]:
    """Give each of ``sources`` (ids merged into ``entity``) back the article graphs where it was merged
    whole (``kg:mergedFrom``), named ``label_of[id]``; returns (graphs given back, graphs of ``entity``
    where a split name is an alias but that cannot be told apart without the text)."""
    base = _base(store)
    ns = _ns(base)
    E = _iri(entity, base)
    back = 0
    cat = catalogue.load()
    for src in sources:
        S, M, L = _iri(src, base), _lit(src), _lit(label_of[src])
        n = _count(store, f"{E} {ns['merged']} {M}")
        if not n:
            continue
        back += n
        type_ = _type(src)
        where = f"GRAPH ?g {{ {E} {ns['merged']} {M} }}"
        steps = [
            *_move(E, S, where),
            f"""DELETE {{ GRAPH ?g {{ {S} {ns["named"]} ?l . {S} {ns["eid"]} ?i . {S} {ns["merged"]} ?m .
                {S} {ns["alt"]} {L} }} }}
                INSERT {{ GRAPH ?g {{ {S} {ns["named"]} {L} ; {ns["eid"]} {M} }} }}
                WHERE {{ GRAPH ?g {{ {S} {ns["merged"]} {M} ; {ns["named"]} ?l ; {ns["eid"]} ?i ;
                {ns["merged"]} ?m }} }}""",
        ]
        if type_:
            cls = f"<{cat.expand(cat.entity_types[type_].rdf)}>"
            steps.append(
                f"""DELETE {{ GRAPH ?g {{ {S} a ?c }} }} INSERT {{ GRAPH ?g {{ {S} a {cls} }} }}
                WHERE {{ GRAPH ?g {{ {S} {ns["eid"]} {M} ; a ?c }} }}"""
            )
        store.query(" ;\n".join(steps), write=True)
        relabel(store, [src])
    if back:
        relabel(store, [entity])
    left = sum(_count(store, f"{E} {ns['alt']} {_lit(label_of[s])}") for s in sources)
    return back, left


def _type(entity_id: str) -> str | None:
    prefix = entity_id.partition("/")[0]
    return next((t for t in catalogue.load().entity_types if t.lower() == prefix), None)
