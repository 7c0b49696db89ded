"""The rows of :func:`kg.analyse.graph.actor_graph`, read from a Neo4j store by Cypher.

The graph is read as the Neo4j loader writes it (see :mod:`kg.stores.neo4j.rows`):
``(:Entity {id, name, type})`` nodes, ``(:Article {id, date})-[:MENTIONS]->(:Entity)``, and one
``(:Assertion {id, article_id, subject, predicate, object, sentence, confidence})-[:IN_ARTICLE]->(:Article)``
node per piece of evidence. Only the store's public ``query`` method is used; labels and relationship types come
from the catalogue (:func:`kg.stores.neo4j.rows.names`), never from data.

>>> from kg.stores import open_store                               # doctest: +SKIP
>>> from kg.analyse.graph import actor_graph                       # doctest: +SKIP
>>> G = actor_graph(open_store("bolt://127.0.0.1:7687"))   # doctest: +SKIP
"""

from __future__ import annotations

from kg.stores.neo4j.rows import ASSERTION, ENTITY, label, names


def neo4j_source(store) -> dict:
    """Entities, mention counts, first/last article dates and assertions of a Neo4j store, in the
    shape :func:`kg.analyse.graph._sparql_source` returns for an RDF store."""
    n = names()
    art, mentions, ent, asn = label(n.article), label(n.mentions, rel=True), label(ENTITY), label(ASSERTION)
    entities = sorted(
        store.query(f"MATCH (e:{ent}) RETURN e.id AS id, e.name AS label, e.type AS type, e.title AS title").dicts(),
        key=lambda r: (str(r["id"]), str(r["label"])),
    )
    counts = store.query(f"""MATCH (a:{art})-[:{mentions}]->(e:{ent})
        RETURN e.id AS id, count(DISTINCT a) AS n, min(a.date) AS first, max(a.date) AS last""").dicts()
    assertions = store.query(f"""MATCH (x:{asn}) OPTIONAL MATCH (x)-[:{label(n.in_article, rel=True)}]->(a:{art})
        RETURN x.id AS x, x.subject AS s, x.predicate AS p, x.object AS o, x.confidence AS c,
               x.article_id AS aid, a.date AS date, x.sentence AS sentence, x.start AS start, x.end AS end,
               x.modality AS modality, x.status AS status""").dicts()
    return {
        "entities": entities,
        "mentions": {r["id"]: int(r["n"]) for r in counts},
        "dates": {r["id"]: (r["first"], r["last"]) for r in counts if r["first"] is not None},
        "assertions": assertions,
    }


def neo4j_kb_roles(store) -> dict[str, dict]:
    """entity id -> {"label", "kb", "country", "roles"} for entities linked to the actor knowledge base."""
    rows = store.query(f"""MATCH (e:{label(ENTITY)}) WHERE e.kb IS NOT NULL
        RETURN e.id AS id, e.name AS label, e.kb AS kb, e.country AS country,
        coalesce(e.kbRoles, []) AS roles""").dicts()
    return {r["id"]: {**r, "roles": list(r["roles"])} for r in rows}


def neo4j_aliases(store) -> dict[str, set[str]]:
    """entity id -> the names articles used for it (the ``aliases`` of its MENTIONS)."""
    n = names()
    rows = store.query(f"""MATCH (:{label(n.article)})-[m:{label(n.mentions, rel=True)}]->(e:{label(ENTITY)})
        UNWIND coalesce(m.aliases, []) AS alias RETURN DISTINCT e.id AS id, alias""").dicts()
    out: dict[str, set[str]] = {}
    for r in rows:
        out.setdefault(r["id"], set()).add(str(r["alias"]))
    return out
