"""Curation decisions applied to an RDF store at once (the embedded store or a SPARQL server), by SPARQL
Update, so that queries see them without a rebuild; a rebuild with the curation file gives the same
graph.

* merge S into T: in every article graph, S's relations, quotes and mentions become T's, S's names
  become T's aliases (``skos:altLabel``) and T keeps its own name and type; a relation between S and T
  themselves goes, with its assertion, as the resolver drops "Starmer met Keir Starmer". Where T was not
  in the article, ``kg:mergedFrom`` keeps S's id on T, which a later split uses to undo exactly.
* rename E to N: E's name (``rdfs:label``) is N in every article graph, the old name an alias.
* split N from E: the article graphs where E stands for a merged N (``kg:mergedFrom``) get N back as
  an entity of its own; E's other articles keep their relations (telling which of them came from N
  needs the text again, so the caller reports them for a rebuild).

IRIs come from :func:`kg.schema.ids.entity_iri` (percent-escaped) and are checked again before they go
into an update; names go in as escaped literals.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal

from kg.schema import catalogue, ids

_IRI_OK = re.compile(r'[^\s<>"{}|\\^`]+')


def _iri(entity_id: str, base: str) -> str:
    iri = ids.entity_iri(entity_id, base)
    if not _IRI_OK.fullmatch(iri):
        raise ValueError(f"entity id {entity_id!r} makes no safe IRI")
    return f"<{iri}>"


def _lit(text: str) -> str:
    return str(Literal(text))  # N-Triples form: quotes, backslashes and newlines escaped


def _ns() -> dict[str, str]:
    cat = catalogue.load()
    n = cat.namespaces
    return {
        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "label": f"<{n['rdfs']}label>",
        "alt": f"<{n['skos']}altLabel>",
        "eid": f"<{n['kg']}entityId>",
        "merged": f"<{n['kg']}mergedFrom>",
        "entity_classes": " ".join(f"<{cat.expand(t.rdf)}>" for k, t in cat.entity_types.items() if k != "Article"),
    }


def _base(store) -> str:
    return getattr(store, "base", None) or ids.DEFAULT_BASE


def describe(store, entity_id: str) -> tuple[str, str] | None:
    """(name, class IRI) of an entity in the store (its smallest label), or None when it is not there."""
    ns, e = _ns(), _iri(entity_id, _base(store))
    rows = store.query(f"SELECT ?label ?class WHERE {{ GRAPH ?g {{ {e} {ns['label']} ?label ; a ?class }} }}").dicts()
    if not rows:
        return None
    label = min(str(r["label"]) for r in rows)
    classes = sorted(str(r["class"]) for r in rows)
    return label, max(set(classes), key=lambda c: (classes.count(c), c))


def _move(a: str, b: str, only: str = "") -> list[str]:
    """Updates that make ``a`` ``b`` as object and subject, in every graph (or those matching ``only``,
    a pattern on ``a`` as subject: so the subjects move last)."""
    return [
        f"DELETE {{ GRAPH ?g {{ ?s ?p {a} }} }} INSERT {{ GRAPH ?g {{ ?s ?p {b} }} }} "
        f"WHERE {{ {only} GRAPH ?g {{ ?s ?p {a} }} }}",
        f"DELETE {{ GRAPH ?g {{ {a} ?p ?o }} }} INSERT {{ GRAPH ?g {{ {b} ?p ?o }} }} "
        f"WHERE {{ {only} GRAPH ?g {{ {a} ?p ?o }} }}",
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
    ns, base = _ns(), _base(store)
    S, T = _iri(source, base), _iri(target, base)
    touched = _count(store, f"{S} ?p ?o")
    rdf = ns["rdf"]
    steps = [
        # a relation between the two is a relation of one actor with itself: it goes, with its assertion
        f"""DELETE {{ GRAPH ?g {{ ?a ?ap ?ao }} }} WHERE {{ GRAPH ?g {{
            ?a <{rdf}subject> ?x ; <{rdf}object> ?y ; ?ap ?ao .
            FILTER ((?x = {S} && ?y = {T}) || (?x = {T} && ?y = {S})) }} }}""",
        _drop(f"{S} ?p {T}"),
        _drop(f"{T} ?p {S}"),
        # where the target was not in the article, the source's node becomes it: provenance for a split
        f"""INSERT {{ GRAPH ?g {{ {T} {ns["merged"]} {_lit(source)} }} }} WHERE {{ GRAPH ?g {{
            {S} {ns["eid"]} ?i . FILTER NOT EXISTS {{ {T} {ns["eid"]} ?j }} }} }}""",
        f"""INSERT {{ GRAPH ?g {{ {T} a <{cls}> ; {ns["label"]} {_lit(label)} ; {ns["eid"]} {_lit(target)} ;
            {ns["alt"]} ?l }} }} WHERE {{ GRAPH ?g {{ {S} {ns["label"]} ?l }} }}""",
        f"INSERT {{ GRAPH ?g {{ {T} {ns['alt']} ?a }} }} WHERE {{ GRAPH ?g {{ {S} {ns['alt']} ?a }} }}",
        f"""DELETE {{ GRAPH ?g {{ {S} ?p ?o }} }} WHERE {{ GRAPH ?g {{ {S} ?p ?o .
            FILTER (isLiteral(?o) || ?p = <{rdf}type>) }} }}""",
        *_move(S, T),
        _drop(f"{T} {ns['alt']} {_lit(label)}"),
    ]
    store.query(" ;\n".join(steps), write=True)
    return touched


def rename(store, entity: str, name: str) -> int:
    """Give ``entity`` the name ``name`` in every article graph (its other labels become aliases);
    returns how many graphs changed."""
    ns, base = _ns(), _base(store)
    E, N = _iri(entity, base), _lit(name)
    touched = _count(store, f"{E} {ns['label']} ?l . FILTER (?l != {N})")
    steps = [
        f"""DELETE {{ GRAPH ?g {{ {E} {ns["label"]} ?l }} }} INSERT {{ GRAPH ?g {{ {E} {ns["alt"]} ?l }} }}
            WHERE {{ GRAPH ?g {{ {E} {ns["label"]} ?l . FILTER (?l != {N}) }} }}""",
        f"INSERT {{ GRAPH ?g {{ {E} {ns['label']} {N} }} }} WHERE {{ GRAPH ?g {{ {E} {ns['eid']} ?i }} }}",
        _drop(f"{E} {ns['alt']} {N}"),
    ]
    store.query(" ;\n".join(steps), write=True)
    return touched


def split(store, entity: str, sources: list[str], label_of: dict[str, str]) -> tuple[int, int]:
    """Give each of ``sources`` (ids merged into ``entity``) back the article graphs where it was merged
    whole (``kg:mergedFrom``), named ``label_of[id]``; returns (graphs given back, graphs of ``entity``
    where a split name is an alias but that cannot be told apart without the text)."""
    ns, base = _ns(), _base(store)
    E = _iri(entity, base)
    back = 0
    for src in sources:
        S, M, L = _iri(src, base), _lit(src), _lit(label_of[src])
        n = _count(store, f"{E} {ns['merged']} {M}")
        if not n:
            continue
        back += n
        type_ = _type(src)
        cls = f"<{catalogue.load().expand(catalogue.load().entity_types[type_].rdf)}>" if type_ else None
        where = f"GRAPH ?g {{ {E} {ns['merged']} {M} }}"
        steps = [
            *_move(E, S, where),
            f"""DELETE {{ GRAPH ?g {{ {S} {ns["label"]} ?l . {S} {ns["eid"]} ?i . {S} {ns["merged"]} ?m .
                {S} {ns["alt"]} {L} }} }}
                WHERE {{ GRAPH ?g {{ {S} {ns["merged"]} {M} ; {ns["label"]} ?l ; {ns["eid"]} ?i ;
                {ns["merged"]} ?m }} }}""",
            f"""INSERT {{ GRAPH ?g {{ {S} {ns["label"]} {L} ; {ns["eid"]} {M} }} }}
                WHERE {{ GRAPH ?g {{ {S} ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ {S} {ns["eid"]} ?i }} }} }}""",
        ]
        if cls:
            steps.append(
                f"""DELETE {{ GRAPH ?g {{ {S} a ?c }} }} INSERT {{ GRAPH ?g {{ {S} a {cls} }} }}
                WHERE {{ GRAPH ?g {{ {S} {ns["eid"]} {M} ; a ?c }} }}"""
            )
        store.query(" ;\n".join(steps), write=True)
    left = sum(_count(store, f"{E} {ns['alt']} {_lit(label_of[s])}") for s in sources)
    return back, left


def _type(entity_id: str) -> str | None:
    prefix = entity_id.partition("/")[0]
    return next((t for t in catalogue.load().entity_types if t.lower() == prefix), None)
