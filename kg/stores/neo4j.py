"""The Neo4j store: the same graph as the embedded store, over Bolt.

>>> st = open_store("neo4j", uri="bolt://127.0.0.1:7687")       # doctest: +SKIP
>>> st.load(graphs).articles_loaded                              # doctest: +SKIP
>>> st.query("MATCH (p:Person)-[:HOLDS_POSITION]->(o) RETURN p.name, o.name").rows   # doctest: +SKIP

Credentials come from ``NEO4J_USER`` / ``NEO4J_PASSWORD`` (never printed).
The model is described in :mod:`kg.stores.neo4j_rows`.

Loading. Constraints and indexes (``schemas/neo4j/constraints.cypher``) are
created first. Articles are grouped into batches of about ``batch_size`` rows
(an article is never split) and each batch is ONE managed write transaction
(``session.execute_write``: the driver retries transient errors with
exponential backoff; kg bounds the attempts). Every statement is
``UNWIND $rows AS row ... MERGE``/``CREATE``; labels and relationship types are
the catalogue's, everything else is a parameter.

Idempotency and replacement. Each ``:Article`` keeps its ``contentHash``; an
article whose hash is stored is skipped. When a changed article is loaded, the
same transaction first removes exactly what it contributed: its ``:Assertion``
evidence, its ``:Quote`` nodes, its ``MENTIONS``; every aggregated relationship
it supported is recomputed from the evidence that remains (and deleted if none
does, so an edge also supported by another article survives); entities no
article mentions any more are deleted. Then the new version is written.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterable

import neo4j
import neo4j.graph
from neo4j import GraphDatabase
from neo4j.exceptions import ClientError, CypherSyntaxError, DriverError, Neo4jError

from .. import ids
from ..model import ArticleGraph
from ..paths import SCHEMAS
from . import neo4j_rows
from .base import LoadStats, ReadOnlyError, Result, Store, StoreError, register
from .neo4j_rows import ASSERTION, ENTITY, Rows, label

CONSTRAINTS = SCHEMAS / "neo4j" / "constraints.cypher"
DEFAULT_BATCH = 5000  # rows (mentions + relations + quotes) per transaction
DEFAULT_ATTEMPTS = 5

# Insert each of row.aids into the sorted list acc, once (Cypher has no list sort without APOC).
_SORTED_UNION = ("reduce(acc = coalesce({lst}, []), a IN {new} | CASE WHEN a IN acc THEN acc "
                 "ELSE [y IN acc WHERE y < a] + a + [y IN acc WHERE y > a] END)")


def read_statements(path: Path | str = CONSTRAINTS) -> list[str]:
    """The statements of a .cypher file: ``//`` comments dropped, split on ``;`` at line end."""
    text = "\n".join(line for line in Path(path).read_text("utf-8").splitlines()
                     if not line.strip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*$", text, flags=re.M) if s.strip()]


def _cause(exc: Exception) -> str:
    """One line saying why (the server's message for server errors, the driver's otherwise)."""
    msg = (exc.message if isinstance(exc, Neo4jError) else None) or str(exc) or type(exc).__name__
    return " ".join(str(msg).split())


def plain(v: Any) -> Any:
    """A driver value as plain Python (nodes and relationships as property dicts, temporals as ISO text)."""
    if isinstance(v, neo4j.graph.Node):
        return {"labels": sorted(v.labels), **{k: plain(x) for k, x in v.items()}}
    if isinstance(v, neo4j.graph.Relationship):
        return {"type": v.type, **{k: plain(x) for k, x in v.items()}}
    if isinstance(v, neo4j.graph.Path):
        return [plain(n) for n in v.nodes]
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if hasattr(v, "iso_format"):
        return v.iso_format()
    return v


class Neo4jStore(Store):
    name = "neo4j"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = DEFAULT_BATCH,
                 max_attempts: int = DEFAULT_ATTEMPTS, base: str = ids.DEFAULT_BASE, **_ignored):
        self.uri, self.base = uri, base
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = max(1, int(batch_size))
        self.max_attempts = max(1, int(max_attempts))
        user = user or os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password) if password else None,
                                               connection_timeout=10, max_transaction_retry_time=60,
                                               notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except (Neo4jError, DriverError, ValueError, OSError) as exc:
            if getattr(self, "driver", None) is not None:
                self.driver.close()
            raise StoreError(f"cannot connect to Neo4j at {uri}: {_cause(exc)}") from None
        self._schema_ready = False

    def _session(self, read: bool = False):
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    # -- schema -------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the constraints and indexes of ``schemas/neo4j/constraints.cypher`` (idempotent)."""
        if self._schema_ready:
            return
        try:
            with self._session() as s:
                for stmt in read_statements():
                    s.run(stmt).consume()
                s.run("CALL db.awaitIndexes(300)").consume()
        except Neo4jError as exc:
            raise StoreError(f"cannot create the Neo4j schema at {self.uri}: {_cause(exc)}") from None
        self._schema_ready = True

    # -- load ---------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"MATCH (a:{neo4j_rows.names().article}) RETURN a.id AS id, a.contentHash AS h"
        return {r["id"]: r["h"] for r in self._read(q)}

    def load(self, graphs: Iterable[ArticleGraph], batch_size: int | None = None) -> LoadStats:
        """Load ArticleGraphs: unchanged articles are skipped, changed ones replaced, one transaction per batch."""
        self.ensure_schema()
        limit = batch_size or self.batch_size
        stats = LoadStats()
        known = self.article_hashes()
        rows = Rows()

        def flush():
            nonlocal rows
            if rows:
                stats.records_written += self._write(rows)
            rows = Rows()

        for g in graphs:
            aid = g.article.id
            if known.get(aid) == g.article.hash:
                stats.articles_unchanged += 1
                continue
            if aid in rows.article_ids:
                flush()  # the same article twice in one batch: the later version replaces the earlier
            if aid in known:
                stats.articles_replaced += 1
                rows.replaced.append(aid)
            rows.add(g, self.base)
            known[aid] = g.article.hash
            stats.articles_loaded += 1
            if rows.size >= limit:
                flush()
        flush()
        return stats

    def _write(self, rows: Rows) -> int:
        attempts = 0

        def work(tx) -> int:
            nonlocal attempts
            attempts += 1
            if attempts > self.max_attempts:
                raise StoreError(f"Neo4j write at {self.uri} failed after {self.max_attempts} attempts")
            return _write_rows(tx, rows)

        try:
            with self._session() as s:
                return s.execute_write(work)
        except Neo4jError as exc:
            raise StoreError(f"Neo4j write at {self.uri} failed: {_cause(exc)}") from None
        except DriverError as exc:
            raise StoreError(f"Neo4j at {self.uri} unavailable: {_cause(exc)}") from None

    # -- query --------------------------------------------------------------

    def _read(self, text: str, params: dict | None = None) -> list[dict]:
        with self._session(read=True) as s:
            return s.execute_read(lambda tx: [r.data() for r in tx.run(text, params or {})])

    def query(self, text: str, *, write: bool = False, params: dict | None = None) -> Result:
        """Run Cypher: in a read transaction unless ``write`` (a write query is refused before it runs)."""
        params = params or {}

        def work(tx):
            res = tx.run(text, params)
            keys = list(res.keys())
            return keys, [[plain(r[k]) for k in keys] for r in res]

        try:
            if not write:
                self._refuse_writes(text, params)
            with self._session(read=not write) as s:
                cols, data = (s.execute_write if write else s.execute_read)(work)
        except CypherSyntaxError as exc:
            raise StoreError(f"Cypher syntax error: {_cause(exc)}") from None
        except ClientError as exc:
            if "AccessMode" in (exc.code or "") or "read access mode" in _cause(exc).lower():
                raise ReadOnlyError("write refused on the read-only query path; pass --write to modify the graph") from None
            raise StoreError(f"Cypher error: {_cause(exc)}") from None
        except Neo4jError as exc:
            raise StoreError(f"Cypher error: {_cause(exc)}") from None
        except DriverError as exc:
            raise StoreError(f"Neo4j at {self.uri} unavailable: {_cause(exc)}") from None
        return Result(cols, data)

    def _refuse_writes(self, text: str, params: dict) -> None:
        """EXPLAIN the query (nothing runs) and refuse anything that is not a read."""
        body = re.sub(r"^\s*(EXPLAIN|PROFILE)\b", "", text, flags=re.I)
        with self._session(read=True) as s:
            kind = s.run("EXPLAIN " + body, params).consume().query_type
        if kind != "r":
            what = {"w": "a write", "rw": "a write", "s": "a schema change"}.get(kind, f"a {kind!r}")
            raise ReadOnlyError(f"{what} query refused on the read-only query path; pass --write to modify the graph")

    def stats(self) -> dict[str, int]:
        n = neo4j_rows.names()
        counts = {"articles": n.article, "entities": ENTITY, "relations": ASSERTION, "quotes": n.quote}
        out = {k: self._read(f"MATCH (x:{lab}) RETURN count(x) AS n")[0]["n"] for k, lab in counts.items()}
        out["nodes"] = self._read("MATCH (x) RETURN count(x) AS n")[0]["n"]
        out["relationships"] = self._read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return out

    def close(self) -> None:
        driver, self.driver = getattr(self, "driver", None), None
        if driver is not None:
            driver.close()


# -- the write transaction ------------------------------------------------------


def _run(tx, query: str, **params) -> tuple[list[dict], int]:
    res = tx.run(query, params)
    data = [r.data() for r in res]
    c = res.consume().counters
    return data, c.nodes_created + c.relationships_created + c.nodes_deleted + c.relationships_deleted


def _remove(tx, article_ids: list[str]) -> tuple[dict[str, list[dict]], list[str], int]:
    """Delete what the articles contributed; return the relation keys and entities to re-check."""
    n = neo4j_rows.names()
    keys, w1 = _run(tx, f"""MATCH (x:{ASSERTION}) WHERE x.article_id IN $ids
        WITH x, x.subject AS s, x.predicate AS p, x.object AS o DELETE x RETURN DISTINCT s, p, o""", ids=article_ids)
    _, w2 = _run(tx, f"MATCH (q:{n.quote}) WHERE q.article_id IN $ids DETACH DELETE q", ids=article_ids)
    ents, w3 = _run(tx, f"""MATCH (a:{n.article})-[m:{n.mentions}]->(e:{ENTITY}) WHERE a.id IN $ids
        DELETE m RETURN DISTINCT e.id AS id""", ids=article_ids)
    by_type: dict[str, list[dict]] = {}
    for k in keys:
        if k["p"] in n.rel_types:
            by_type.setdefault(n.rel_types[k["p"]], []).append(k)
    return by_type, [e["id"] for e in ents], w1 + w2 + w3


def _write_rows(tx, rows: Rows) -> int:
    n = neo4j_rows.names()
    written = 0
    stale: dict[str, list[dict]] = {}
    orphans: list[str] = []
    if rows.replaced:
        stale, orphans, w = _remove(tx, rows.replaced)
        written += w
        for typ, keys in stale.items():  # recompute from the evidence that remains, drop if none
            written += _run(tx, f"""UNWIND $rows AS row
                MATCH (:{ENTITY} {{id: row.s}})-[r:{label(typ, rel=True)}]->(:{ENTITY} {{id: row.o}})
                WITH r, row, [a IN r.articles WHERE NOT a IN $ids] AS rest
                OPTIONAL MATCH (x:{ASSERTION}) WHERE x.article_id IN rest
                  AND x.subject = row.s AND x.predicate = row.p AND x.object = row.o
                WITH r, count(x) AS n, max(x.confidence) AS conf, collect(DISTINCT x.article_id) AS aids
                SET r.evidence = n, r.confidence = conf, r.articles = {_SORTED_UNION.format(lst='[]', new='aids')}
                WITH r, n WHERE n = 0 DELETE r""", rows=keys, ids=rows.replaced)[1]

    written += _run(tx, f"""UNWIND $rows AS row MERGE (a:{n.article} {{id: row.id}}) SET a = row""",
                    rows=rows.articles)[1]
    for lab, ents in rows.entity_rows().items():
        written += _run(tx, f"""UNWIND $rows AS row MERGE (e:{ENTITY} {{id: row.id}})
            SET e:{label(lab)}, e.name = row.name, e.type = row.type""", rows=ents)[1]
    written += _run(tx, f"""UNWIND $rows AS row
        MATCH (a:{n.article} {{id: row.a}}) MATCH (e:{ENTITY} {{id: row.e}})
        MERGE (a)-[m:{n.mentions}]->(e) SET m.aliases = row.aliases""", rows=rows.mentions)[1]
    if rows.assertions:
        written += _run(tx, f"UNWIND $rows AS row CREATE (x:{ASSERTION}) SET x = row", rows=rows.assertions)[1]
    for typ, edges in rows.edge_rows().items():
        written += _run(tx, f"""UNWIND $rows AS row
            MATCH (s:{ENTITY} {{id: row.s}}) MATCH (o:{ENTITY} {{id: row.o}})
            MERGE (s)-[r:{label(typ, rel=True)}]->(o)
            SET r.evidence = coalesce(r.evidence, 0) + row.n,
                r.confidence = CASE WHEN r.confidence >= row.conf THEN r.confidence ELSE row.conf END,
                r.articles = {_SORTED_UNION.format(lst='r.articles', new='row.aids')}""", rows=edges)[1]
    if rows.quotes:
        written += _run(tx, f"""UNWIND $rows AS row MATCH (a:{n.article} {{id: row.article_id}})
            MERGE (q:{n.quote} {{id: row.id}}) SET q = row MERGE (q)-[:{n.quoted_in}]->(a)""",
                        rows=list(rows.quotes.values()))[1]
    if rows.said:
        written += _run(tx, f"""UNWIND $rows AS row MATCH (s:{ENTITY} {{id: row.s}}) MATCH (q:{n.quote} {{id: row.q}})
            MERGE (s)-[:{n.said}]->(q)""", rows=rows.said)[1]
    if rows.about:
        written += _run(tx, f"""UNWIND $rows AS row MATCH (q:{n.quote} {{id: row.q}}) MATCH (e:{ENTITY} {{id: row.e}})
            MERGE (q)-[:{n.about}]->(e)""", rows=rows.about)[1]
    if orphans:  # entities no article mentions any more
        written += _run(tx, f"""UNWIND $ids AS id MATCH (e:{ENTITY} {{id: id}})
            WHERE NOT ()-[:{n.mentions}]->(e) DETACH DELETE e""", ids=orphans)[1]
    return written


@register("neo4j")
def _open(uri: str | None = None, **kw) -> Neo4jStore:
    uri = uri or os.environ.get("NEO4J_URI")
    if not uri:
        raise StoreError("no Neo4j URI: pass --neo4j bolt://host:7687 or set NEO4J_URI")
    return Neo4jStore(uri, **kw)
