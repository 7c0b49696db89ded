"""The Cypher that writes an article's rows (kg.stores.neo4j.rows) in one transaction: removing what
the articles held before, creating their nodes and relationships, merging shared entities and the
per-pair aggregated relationships."""

from __future__ import annotations

from kg.resolve import labels
from kg.stores.neo4j import rows as neo4j_rows
from kg.stores.neo4j.rows import ASSERTION, ENTITY, Rows, label

# The plan of a loader statement does not depend on the data (it starts from UNWIND and seeks nodes by id or
# by a unique constraint), but Neo4j would re-plan it, generating and JIT-compiling code each time, whenever
# the counts it was planned with went stale: while a load grows the graph that is every few batches, and cost
# more server CPU than the writes themselves. The insertion statements therefore keep their first plan.
FIXED_PLAN = "CYPHER replan=skip "


class _Unlogged(list):
    """A parameter list whose repr is short: the driver formats every RUN message for its debug log even when
    debug logging is off, and the repr of a whole batch of rows would slow every load."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def _run(tx, query: str, **params) -> tuple[list[dict], int]:
    res = tx.run(query, {k: _Unlogged(v) if isinstance(v, list) else v for k, v in params.items()})
    data = [r.data() for r in res]
    c = res.consume().counters
    return data, c.nodes_created + c.relationships_created + c.nodes_deleted + c.relationships_deleted


def _refs(data: list[dict]) -> dict[str, int]:
    return {r["id"]: r["ref"] for r in data}


def _link(tx, rel_type: str, rows: list[dict], props: bool = False) -> int:
    """CREATE (a)-[:rel_type]->(b) for rows {a, b[, p]} of node ids (``p``: the relationship's properties)."""
    if not rows:
        return 0
    return _run(
        tx,
        f"""{FIXED_PLAN}UNWIND $rows AS row MATCH (a) WHERE id(a) = row.a MATCH (b) WHERE id(b) = row.b
        CREATE (a)-[r:{label(rel_type, rel=True)}]->(b){" SET r = row.p" if props else ""}""",
        rows=rows,
    )[1]


# The per-article lists of an aggregated relationship r after adding row's articles (sorted ids row.aids with
# their evidence row.ns and confidence row.cs): entries of those articles already in r are dropped, then each
# is inserted at its sorted place. New relationships (no lists yet) take the row's lists as they are.
_MERGED_LISTS = """CASE WHEN r.articles IS NULL THEN {a: row.aids, n: row.ns, c: row.cs} ELSE
  reduce(acc = head([keep IN [[i IN range(0, size(r.articles) - 1) WHERE NOT r.articles[i] IN row.aids]] |
                     {a: [i IN keep | r.articles[i]], n: [i IN keep | r.articleEvidence[i]],
                      c: [i IN keep | r.articleConfidence[i]]}]),
         k IN range(0, size(row.aids) - 1) |
         head([i IN [size([y IN acc.a WHERE y < row.aids[k]])] |
               {a: acc.a[..i] + row.aids[k] + acc.a[i..], n: acc.n[..i] + row.ns[k] + acc.n[i..],
                c: acc.c[..i] + row.cs[k] + acc.c[i..]}]))
  END"""


# r's new properties from its lists m: evidence and confidence are their sum and maximum. (Applied as
# FOREACH (m IN [lists] | SET r += ...): a WITH before the SET would make the planner add an Eager.)
_AGGREGATES = (
    "{articles: m.a, articleEvidence: m.n, articleConfidence: m.c, "
    "evidence: reduce(t = 0, x IN m.n | t + x),\n"
    "    confidence: reduce(b = head(m.c), x IN m.c | CASE WHEN x > b THEN x ELSE b END)}"
)


def _remove(tx, article_ids: list[str], new_edges: dict | None = None) -> tuple[list[str], int]:
    """Delete what the articles contributed (see the module docstring); return the entities they mentioned.

    ``new_edges`` (Rows.edges of the articles' new versions): an aggregated relationship an article
    supports again keeps its entry here, since the merge that follows replaces it in place."""
    n = neo4j_rows.names()
    keys, w1 = _run(
        tx,
        f"""{FIXED_PLAN}MATCH (x:{ASSERTION}) WHERE x.article_id IN $ids
        WITH x, x.subject AS s, x.predicate AS p, x.object AS o, x.article_id AS a DETACH DELETE x
        RETURN DISTINCT s, p, o, a""",
        ids=article_ids,
    )
    _, w2 = _run(tx, f"{FIXED_PLAN}MATCH (q:{n.quote}) WHERE q.article_id IN $ids DETACH DELETE q", ids=article_ids)
    ents, w3 = _run(
        tx,
        f"""{FIXED_PLAN}MATCH (a:{n.article})-[m:{n.mentions}]->(e:{ENTITY}) WHERE a.id IN $ids
        DELETE m RETURN DISTINCT e.id AS id""",
        ids=article_ids,
    )
    written = w1 + w2 + w3
    drop: dict[str, dict[tuple[str, str], list[str]]] = {}  # type -> (s, o) -> articles to take out
    for k in keys:
        typ = n.rel_types.get(k["p"])
        if typ is not None and k["a"] not in (new_edges or {}).get(typ, {}).get((k["s"], k["o"]), ()):
            drop.setdefault(typ, {}).setdefault((k["s"], k["o"]), []).append(k["a"])
    by_type = {t: [{"s": s, "o": o, "ids": ids} for (s, o), ids in d.items()] for t, d in drop.items()}
    for typ, rows in by_type.items():  # drop the articles' entries; delete the edge if none are left
        written += _run(
            tx,
            f"""{FIXED_PLAN}UNWIND $rows AS row
            MATCH (:{ENTITY} {{id: row.s}})-[r:{label(typ, rel=True)}]->(:{ENTITY} {{id: row.o}})
            WITH r, [i IN range(0, size(r.articles) - 1) WHERE NOT r.articles[i] IN row.ids] AS keep
            FOREACH (m IN CASE WHEN size(keep) > 0 THEN [{{a: [i IN keep | r.articles[i]],
                n: [i IN keep | r.articleEvidence[i]], c: [i IN keep | r.articleConfidence[i]]}}] ELSE [] END |
                SET r += {_AGGREGATES})
            FOREACH (_ IN CASE WHEN size(keep) = 0 THEN [1] ELSE [] END | DELETE r)""",
            rows=rows,
        )[1]
    entity_ids = [e["id"] for e in ents]
    return entity_ids, written


def _rename(tx, entity_ids: list[str]) -> None:
    """Name the entities ``entity_ids`` by :func:`kg.resolve.labels.canonical` over their MENTIONS' names
    (one no article mentions any more keeps its name: it is about to go)."""
    n = neo4j_rows.names()
    data, _ = _run(
        tx,
        f"""{FIXED_PLAN}UNWIND $ids AS id MATCH (:{n.article})-[m:{n.mentions}]->(e:{ENTITY} {{id: id}})
        RETURN id, m.name AS name, count(*) AS n""",
        ids=entity_ids,
    )
    counts: dict[str, dict[str, int]] = {}
    for r in data:
        counts.setdefault(r["id"], {})[r["name"]] = r["n"]
    _run(
        tx,
        f"""{FIXED_PLAN}UNWIND $rows AS row MATCH (e:{ENTITY} {{id: row.id}}) SET e.name = row.name""",
        rows=[{"id": i, "name": labels.canonical(c)} for i, c in counts.items()],
    )


def _create_evidence(tx, assertions: list[dict], ents: dict[str, int], arts: dict[str, int]) -> int:
    """The :Assertion nodes with -[:SUBJECT]->(entity), -[:OBJECT]->(entity) and -[:IN_ARTICLE]->(:Article),
    in one statement (one pass over the rows, node ids known)."""
    n = neo4j_rows.names()
    rows = [{"p": x, "s": ents[x["subject"]], "o": ents[x["object"]], "a": arts[x["article_id"]]} for x in assertions]
    return _run(
        tx,
        f"""{FIXED_PLAN}UNWIND $rows AS row
        MATCH (s) WHERE id(s) = row.s MATCH (o) WHERE id(o) = row.o MATCH (a) WHERE id(a) = row.a
        CREATE (s)<-[:{label(n.subject, rel=True)}]-(x:{ASSERTION})-[:{label(n.object, rel=True)}]->(o),
               (x)-[:{label(n.in_article, rel=True)}]->(a)
        SET x = row.p""",
        rows=rows,
    )[1]


def _write_rows(tx, rows: Rows) -> int:
    n = neo4j_rows.names()
    data, written = _run(
        tx,
        f"""{FIXED_PLAN}UNWIND $rows AS row MERGE (a:{n.article} {{id: row.id}})
        WITH a, row, a.contentHash AS old SET a = row RETURN row.id AS id, id(a) AS ref, old""",
        rows=rows.articles,
    )
    arts = _refs(data)
    # replaced: known to have been there when the batch was made, or found there now (a concurrent or
    # cut-off earlier run); either way the old contribution goes before the new one is written
    replaced = sorted(set(rows.replaced) | {r["id"] for r in data if r["old"] is not None})
    touched: list[str] = []
    if replaced:
        touched, w = _remove(tx, replaced, rows.edges)
        written += w

    ents: dict[str, int] = {}
    # a new entity is named as these articles name it; one they name otherwise than the graph does (or
    # name in more ways than one) is named again from all its mentions once they are written
    rename = set(touched)
    for lab, ent_rows in rows.entity_rows().items():
        data, w = _run(
            tx,
            f"""{FIXED_PLAN}UNWIND $rows AS row MERGE (e:{ENTITY} {{id: row.id}})
            ON CREATE SET e:{label(lab)}, e.type = row.type, e.name = row.name
            FOREACH (_ IN CASE WHEN row.title IS NULL THEN [] ELSE [1] END | SET e.title = row.title)
            SET e.kb = coalesce(e.kb, row.kb), e.country = coalesce(e.country, row.country),
                e.agent = coalesce(e.agent, row.agent), e.kbRoles = coalesce(e.kbRoles, row.kbRoles)
            RETURN row.id AS id, id(e) AS ref, row.mixed OR e.name <> row.name AS rename""",
            rows=[{**row, "mixed": len(rows.names[row["id"]]) > 1} for row in ent_rows],
        )
        ents.update(_refs(data))
        rename.update(r["id"] for r in data if r["rename"])
        written += w

    for typ, edges in rows.edge_rows().items():
        for e in edges:
            e["s"], e["o"] = ents[e["s"]], ents[e["o"]]
        written += _run(
            tx,
            f"""{FIXED_PLAN}UNWIND $rows AS row
            MATCH (s) WHERE id(s) = row.s MATCH (o) WHERE id(o) = row.o
            MERGE (s)-[r:{label(typ, rel=True)}]->(o) ON CREATE SET r.key = row.key
            FOREACH (m IN [{_MERGED_LISTS}] | SET r += {_AGGREGATES})""",
            rows=edges,
        )[1]
    written += _link(
        tx,
        n.mentions,
        [
            {"a": arts[m["a"]], "b": ents[m["b"]], "p": {k: m[k] for k in ("aliases", "name", "role") if k in m}}
            for m in rows.mentions
        ],
        props=True,
    )
    if rows.assertions:
        written += _create_evidence(tx, rows.assertions, ents, arts)
    if rows.quotes:
        data, w = _run(
            tx,
            f"""{FIXED_PLAN}UNWIND $rows AS row CREATE (q:{n.quote}) SET q = row
            RETURN row.id AS id, id(q) AS ref""",
            rows=rows.quotes,
        )
        quotes = _refs(data)
        written += w
        written += _link(tx, n.quoted_in, [{"a": quotes[q["id"]], "b": arts[q["article_id"]]} for q in rows.quotes])
        written += _link(tx, n.said, [{"a": ents[r["a"]], "b": quotes[r["b"]]} for r in rows.said])
        written += _link(tx, n.about, [{"a": quotes[r["a"]], "b": ents[r["b"]]} for r in rows.about])
    if rename:
        _rename(tx, sorted(rename))
    mentioned = {m["b"] for m in rows.mentions}
    touched = [e for e in touched if e not in mentioned]
    if touched:  # entities no article mentions any more
        written += _run(
            tx,
            f"""UNWIND $ids AS id MATCH (e:{ENTITY} {{id: id}})
            WHERE NOT EXISTS {{ ()-[:{n.mentions}]->(e) }} DETACH DELETE e""",
            ids=touched,
        )[1]
    return written
