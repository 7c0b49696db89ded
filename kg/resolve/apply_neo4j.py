"""Curation decisions applied to a Neo4j store at once, each in one transaction, with values as
parameters and labels and relationship types from the catalogue only (:mod:`kg.stores.neo4j.rows`).

* merge S into T: S's assertions, quotes and mentions become T's (S's names become aliases on T's
  MENTIONS, named as T is), assertions between S and T go, the aggregated relationships around T are
  computed again from its assertions as the loader computes them, the knowledge-base properties T lacks
  are taken from S, and S goes.
* rename E to N: every MENTIONS of E is named N (its old name an alias) and so is E.
"""

from __future__ import annotations

from collections import defaultdict

from kg.stores.neo4j import rows as neo4j_rows
from kg.stores.neo4j.rows import ASSERTION, ENTITY, cypher_order, relation_key


def _data(tx, query: str, **params) -> list[dict]:
    return [r.data() for r in tx.run(query, params)]


def _mentions(tx, entity: str) -> list[dict]:
    n = neo4j_rows.names()
    return _data(
        tx,
        f"""MATCH (a:{n.article})-[m:{n.mentions}]->(:{ENTITY} {{id: $id}})
        RETURN a.id AS a, m.name AS name, coalesce(m.aliases, []) AS aliases""",
        id=entity,
    )


def _aggregate(tx, target: str) -> None:
    """Delete and write again the aggregated relationships of ``target`` from its assertions: per
    (subject, relation, object) the supporting articles in Cypher's order, each with its evidence count and
    best confidence, and their sum and maximum."""
    n = neo4j_rows.names()
    for typ in sorted(set(n.rel_types.values())):
        tx.run(f"MATCH (:{ENTITY} {{id: $id}})-[r:{typ}]-() DELETE r", id=target).consume()
    rows = _data(
        tx,
        f"""MATCH (x:{ASSERTION}) WHERE x.subject = $id OR x.object = $id
        RETURN x.subject AS s, x.predicate AS p, x.object AS o, x.article_id AS a, x.confidence AS c""",
        id=target,
    )
    per: dict[tuple[str, str, str], dict[str, list]] = defaultdict(dict)
    for r in rows:
        got = per[(r["s"], r["p"], r["o"])].get(r["a"])
        c = float(r["c"])
        per[(r["s"], r["p"], r["o"])][r["a"]] = [1, c] if got is None else [got[0] + 1, max(got[1], c)]
    by_type: dict[str, list[dict]] = defaultdict(list)
    for (s, p, o), arts in per.items():
        if p not in n.rel_types:
            continue
        aids = sorted(arts, key=cypher_order)
        ns, cs = [arts[a][0] for a in aids], [arts[a][1] for a in aids]
        props = {
            "key": relation_key(s, p, o),
            "articles": aids,
            "articleEvidence": ns,
            "articleConfidence": cs,
            "evidence": sum(ns),
            "confidence": max(cs),
        }
        by_type[n.rel_types[p]].append({"s": s, "o": o, "props": props})
    for typ, edges in by_type.items():
        tx.run(
            f"""UNWIND $rows AS row MATCH (s:{ENTITY} {{id: row.s}}) MATCH (o:{ENTITY} {{id: row.o}})
            CREATE (s)-[r:{typ}]->(o) SET r = row.props""",
            rows=edges,
        ).consume()


def _merge(tx, source: str, target: str) -> int:
    n = neo4j_rows.names()
    found = _data(
        tx,
        f"MATCH (s:{ENTITY} {{id: $s}}) OPTIONAL MATCH (t:{ENTITY} {{id: $t}}) RETURN t.name AS name",
        s=source,
        t=target,
    )
    if not found:
        return 0
    if found[0]["name"] is None:
        raise ValueError(f"{target} is not in the store: nothing to merge {source} into")
    name = found[0]["name"]
    articles = {m["a"] for m in _mentions(tx, source)}
    tx.run(
        f"""MATCH (x:{ASSERTION}) WHERE (x.subject = $s AND x.object = $t) OR (x.subject = $t AND x.object = $s)
        DETACH DELETE x""",
        s=source,
        t=target,
    ).consume()
    moved = _data(
        tx,
        f"""MATCH (x:{ASSERTION}) WHERE x.subject = $s OR x.object = $s
        RETURN x.id AS id, x.subject AS s, x.predicate AS p, x.object AS o""",
        s=source,
    )
    for r in moved:
        r["s"], r["o"] = (target if r["s"] == source else r["s"]), (target if r["o"] == source else r["o"])
        r["key"] = relation_key(r["s"], r["p"], r["o"])
    tx.run(
        f"""UNWIND $rows AS row MATCH (x:{ASSERTION} {{id: row.id}})
        SET x.subject = row.s, x.object = row.o, x.key = row.key""",
        rows=moved,
    ).consume()
    for rel in (n.subject, n.object):
        tx.run(
            f"""MATCH (x:{ASSERTION})-[r:{rel}]->(:{ENTITY} {{id: $s}}) MATCH (t:{ENTITY} {{id: $t}})
            CREATE (x)-[:{rel}]->(t) DELETE r""",
            s=source,
            t=target,
        ).consume()
    tx.run(
        f"""MATCH (:{ENTITY} {{id: $s}})-[:{n.said}]->(q) MATCH (t:{ENTITY} {{id: $t}}) MERGE (t)-[:{n.said}]->(q)""",
        s=source,
        t=target,
    ).consume()
    tx.run(
        f"""MATCH (q)-[:{n.about}]->(:{ENTITY} {{id: $s}}) MATCH (t:{ENTITY} {{id: $t}}) MERGE (q)-[:{n.about}]->(t)""",
        s=source,
        t=target,
    ).consume()
    # mentions: one per article, named as the target is, every other name an alias
    have = {m["a"]: m for m in _mentions(tx, target)}
    rows = []
    for m in _mentions(tx, source):
        old = have.get(m["a"])
        own = old["name"] if old else name
        names = {*m["aliases"], m["name"], *(old["aliases"] if old else [])} - {own}
        rows.append({"a": m["a"], "name": own, "aliases": sorted(names)})  # as the loader sorts them
    tx.run(
        f"""UNWIND $rows AS row MATCH (a:{n.article} {{id: row.a}}) MATCH (t:{ENTITY} {{id: $t}})
        OPTIONAL MATCH (a)-[old:{n.mentions}]->(:{ENTITY} {{id: $s}})
        MERGE (a)-[m:{n.mentions}]->(t)
        SET m.name = row.name, m.aliases = row.aliases, m.role = coalesce(m.role, old.role)""",
        rows=rows,
        s=source,
        t=target,
    ).consume()
    tx.run(
        f"""MATCH (s:{ENTITY} {{id: $s}}) MATCH (t:{ENTITY} {{id: $t}})
        SET t.kb = coalesce(t.kb, s.kb), t.country = coalesce(t.country, s.country),
            t.agent = coalesce(t.agent, s.agent), t.kbRoles = coalesce(t.kbRoles, s.kbRoles)
        DETACH DELETE s""",
        s=source,
        t=target,
    ).consume()
    _aggregate(tx, target)
    tx.run(
        f"""MATCH (t:{ENTITY} {{id: $t}}) OPTIONAL MATCH (:{n.article})-[m:{n.mentions}]->(t)
        WITH t, min(m.name) AS name SET t.name = name""",
        t=target,
    ).consume()
    return len(articles)


def _rename(tx, entity: str, name: str) -> int:
    n = neo4j_rows.names()
    rows = []
    for m in _mentions(tx, entity):
        if m["name"] != name or name in m["aliases"]:
            rows.append({"a": m["a"], "aliases": sorted({*m["aliases"], m["name"]} - {name})})
    tx.run(
        f"""UNWIND $rows AS row MATCH (:{n.article} {{id: row.a}})-[m:{n.mentions}]->(e:{ENTITY} {{id: $id}})
        SET m.name = $name, m.aliases = row.aliases, e.name = $name""",
        rows=rows,
        id=entity,
        name=name,
    ).consume()
    return len(rows)


def merge(store, source: str, target: str) -> int:
    """Merge ``source`` into ``target`` in one transaction; how many articles mentioned ``source`` (0 when
    it is not in the store, so applying a merge twice changes nothing)."""
    with store._errors("cannot merge entities at"), store._session() as s:
        return s.execute_write(_merge, source, target)


def rename(store, entity: str, name: str) -> int:
    """Name ``entity`` ``name`` in one transaction; how many articles' mentions changed."""
    with store._errors("cannot rename an entity at"), store._session() as s:
        return s.execute_write(_rename, entity, name)
