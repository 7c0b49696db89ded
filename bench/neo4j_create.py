"""The same-graph baseline of bench/neo4j_load.py: a plain ``UNWIND $rows ... CREATE`` script that writes exactly
the graph kg's loader writes (the same nodes, labels, relationships, ``:Assertion`` evidence, properties,
constraints and indexes), generated from the loader's own rows (kg.stores.neo4j.rows) with everything shared
(entities, aggregated relationships) worked out in Python beforehand. No MERGE, no lookups but by id.

Also :func:`graph_counts`: nodes per label, relationships per type and their property counts, to check that
two databases hold the same graph.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from kg.model import ArticleGraph
from kg.stores.neo4j.rows import ASSERTION, ENTITY, Rows, label, names

MENTION_PROPS = ("aliases", "name", "role")


def _chunks(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def statements(graphs: list[ArticleGraph]) -> list[tuple[str, list[dict]]]:
    """(Cypher, rows) in writing order: nodes first, then the relationships between them."""
    n = names()
    r = Rows()
    for g in graphs:
        r.add(g)
    art, quote = label(n.article), label(n.quote)
    rel = lambda t: label(t, rel=True)  # noqa: E731
    out: list[tuple[str, list[dict]]] = [(f"UNWIND $rows AS row CREATE (a:{art}) SET a = row", r.articles)]
    for lab, rows in r.entity_rows().items():
        out.append((f"UNWIND $rows AS row CREATE (e:{ENTITY}:{label(lab)}) SET e = row", rows))
    out.append((f"UNWIND $rows AS row CREATE (q:{quote}) SET q = row", r.quotes))
    out.append(
        (
            f"UNWIND $rows AS row MATCH (a:{art} {{id: row.a}}) MATCH (e:{ENTITY} {{id: row.b}}) "
            f"CREATE (a)-[m:{rel(n.mentions)}]->(e) SET m = row.p",
            [{"a": m["a"], "b": m["b"], "p": {k: m[k] for k in MENTION_PROPS if k in m}} for m in r.mentions],
        )
    )
    out.append(
        (
            f"UNWIND $rows AS row MATCH (s:{ENTITY} {{id: row.subject}}) MATCH (o:{ENTITY} {{id: row.object}}) "
            f"MATCH (a:{art} {{id: row.article_id}}) "
            f"CREATE (s)<-[:{rel(n.subject)}]-(x:{ASSERTION})-[:{rel(n.object)}]->(o), (x)-[:{rel(n.in_article)}]->(a) "
            "SET x = row",
            r.assertions,
        )
    )
    for typ, edges in r.edge_rows().items():
        rows = [
            {
                "s": e["s"],
                "o": e["o"],
                "p": {
                    "key": e["key"],
                    "articles": e["aids"],
                    "articleEvidence": e["ns"],
                    "articleConfidence": e["cs"],
                    "evidence": sum(e["ns"]),
                    "confidence": max(e["cs"]),
                },
            }
            for e in edges
        ]
        out.append(
            (
                f"UNWIND $rows AS row MATCH (s:{ENTITY} {{id: row.s}}) MATCH (o:{ENTITY} {{id: row.o}}) "
                f"CREATE (s)-[r:{rel(typ)}]->(o) SET r = row.p",
                rows,
            )
        )
    out.append(
        (
            f"UNWIND $rows AS row MATCH (q:{quote} {{id: row.id}}) MATCH (a:{art} {{id: row.article_id}}) "
            f"CREATE (q)-[:{rel(n.quoted_in)}]->(a)",
            [{"id": q["id"], "article_id": q["article_id"]} for q in r.quotes],
        )
    )
    out.append(
        (
            f"UNWIND $rows AS row MATCH (e:{ENTITY} {{id: row.a}}) MATCH (q:{quote} {{id: row.b}}) "
            f"CREATE (e)-[:{rel(n.said)}]->(q)",
            r.said,
        )
    )
    out.append(
        (
            f"UNWIND $rows AS row MATCH (q:{quote} {{id: row.a}}) MATCH (e:{ENTITY} {{id: row.b}}) "
            f"CREATE (q)-[:{rel(n.about)}]->(e)",
            r.about,
        )
    )
    return [(q, rows) for q, rows in out if rows]


def create(st, plan: list[tuple[str, list[dict]]], batch: int) -> float:
    """Run the plan (schema first, as kg does), ``batch`` rows per write transaction; the seconds it took."""
    t = time.perf_counter()
    st._schema_ready = False
    st.ensure_schema()
    with st.driver.session(database=st.database) as s:
        for query, rows in plan:
            for chunk in _chunks(rows, batch):
                s.execute_write(lambda tx, q=query, c=chunk: tx.run(q, rows=c).consume())
    return time.perf_counter() - t


def graph_counts(st) -> dict[str, list]:
    """Per label and relationship type: [count, properties]; equal for two databases holding the same graph
    (up to property values)."""
    out: dict[str, list] = {}
    with st.driver.session(database=st.database) as s:
        for rec in s.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c, sum(size(keys(n))) AS p"):
            out[f":{rec['l']}"] = [rec["c"], rec["p"]]
        for rec in s.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c, sum(size(keys(r))) AS p"):
            out[f"[{rec['t']}]"] = [rec["c"], rec["p"]]
    return out
