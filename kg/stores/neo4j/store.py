"""The Neo4j store: the same graph as the embedded store, over Bolt.

>>> st = open_store("bolt://127.0.0.1:7687")       # doctest: +SKIP
>>> st.load(graphs).articles_loaded                              # doctest: +SKIP
>>> st.query("MATCH (p:Person)-[:HOLDS_POSITION]->(o) RETURN p.name, o.name").rows   # doctest: +SKIP

Credentials come from ``NEO4J_USER`` / ``NEO4J_PASSWORD`` (never printed).
The model is described in :mod:`kg.stores.neo4j.rows`.

Loading. Constraints and indexes (``schemas/neo4j/constraints.cypher``) are
created first. Articles are grouped into batches of about ``batch_size`` rows
(an article is never split; rows for the next batch are built in a second
thread while Neo4j writes the current one) and each batch is ONE explicit
write transaction, retried on transient errors (:func:`retry`: bounded
attempts, exponential backoff with jitter). Every statement is
``UNWIND $rows AS row ...``; labels and relationship types are the
catalogue's, one statement per type, everything else is a parameter.

How a batch is written, cheaply. The transaction first MERGEs the
``:Article`` nodes and learns which already existed; those are *replaced*:
their contributions are removed first (below). Articles and entities are
MERGEd on their unique ids and return their internal node ids, and everything
else in the transaction refers to nodes by those (``id(n)``: a direct seek, no
second index lookup; three times cheaper than ``elementId(n)`` on 5.26; only
used inside the transaction that read them, where they are stable). What belongs to one
article alone (``MENTIONS``, ``:Assertion``, ``:Quote`` with ``SAID``/``ABOUT``/
``QUOTED_IN``) is CREATEd: it cannot exist yet, since a new article has none
and a replaced one has just lost its own. Only the aggregated relationships,
shared between articles, are MERGEd, and their per-article lists are updated
in place (an insertion into sorted lists, no evidence lookups).

Idempotency and replacement. Each ``:Article`` keeps its ``contentHash``; an
article whose hash is stored is skipped without a write. A changed article's
old contribution is removed in the same transaction that writes the new one:
its ``:Assertion`` evidence, ``:Quote`` nodes and ``MENTIONS`` are deleted;
every aggregated relationship it supported drops the article's entry from its
per-article lists and gets ``evidence``/``confidence`` recomputed from the
entries left (deleted if none are, so an edge also supported by another
article survives); the names of the entities it mentioned are recomputed from
the remaining mentions, and entities no article mentions any more are deleted.
Because the replacement is decided inside the transaction, a batch whose
commit was cut off (``IncompleteCommit``) can simply be run again.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import re
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
import neo4j.graph
from neo4j import GraphDatabase
from neo4j.exceptions import (
    ClientError,
    CypherSyntaxError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
)

from kg.model import ArticleGraph
from kg.resources import SCHEMAS
from kg.schema import ids
from kg.stores.base import LoadStats, ReadOnlyError, Result, Store, StoreError
from kg.stores.neo4j import rows as neo4j_rows
from kg.stores.neo4j.read import neo4j_aliases, neo4j_source
from kg.stores.neo4j.rows import ASSERTION, DEFAULT_BATCH, ENTITY, Rows, clean, label

log = logging.getLogger(__name__)

CONSTRAINTS = SCHEMAS / "neo4j" / "constraints.cypher"
DEFAULT_ATTEMPTS = 5
BACKOFF = 0.5  # seconds before the first retry; doubled for each further one (with +-20% jitter)
MAX_BACKOFF = 8.0

T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """Whether a failed write transaction is worth running again.

    The driver's own verdict (``is_retryable()``: transient server errors such
    as deadlocks, lost connections, a server that is not up yet), plus
    ``IncompleteCommit``: kg's batches are safe to run twice (see the module
    docstring), so a commit whose answer was lost is simply redone.
    """
    if isinstance(exc, IncompleteCommit):
        return True
    return isinstance(exc, (Neo4jError, DriverError)) and exc.is_retryable()


def retry(work: Callable[[], T], *, attempts: int = DEFAULT_ATTEMPTS, backoff: float = BACKOFF,
          max_backoff: float = MAX_BACKOFF, sleep: Callable[[float], Any] = time.sleep) -> T:
    """``work()``, run again after a transient error (:func:`is_transient`) at most ``attempts`` times in all.

    Waits ``backoff * 2**k`` seconds (capped at ``max_backoff``, +-20% jitter)
    before retry k+1. Any other error, or the last transient one, is raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if attempt >= attempts or not is_transient(exc):
                raise
            delay = min(max_backoff, backoff * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
            log.warning("transient Neo4j error (attempt %d of %d), retrying in %.1fs: %s",
                        attempt, attempts, delay, _cause(exc))
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def read_statements(path: Path | str = CONSTRAINTS) -> list[str]:
    """The statements of a .cypher file: ``//`` comments dropped, split on ``;`` at line end."""
    text = "\n".join(line for line in Path(path).read_text("utf-8").splitlines()
                     if not line.strip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*$", text, flags=re.M) if s.strip()]


def _cause(exc: Exception) -> str:
    """One line saying why (the server's message for server errors, the driver's otherwise, reduced to its
    reason when it has one: "Connection refused" rather than three renderings of the address)."""
    msg = (exc.message if isinstance(exc, Neo4jError) else None) or str(exc) or type(exc).__name__
    msg = " ".join(str(msg).split())
    reason = re.search(r"\(reason (?:\[Errno -?\d+\] )?(.+?)\)$", msg)
    return reason.group(1) if reason else msg


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
    language = "cypher"

    def __init__(self, uri: str, *, user: str | None = None, password: str | None = None,
                 database: str | None = None, batch_size: int = DEFAULT_BATCH,
                 max_attempts: int = DEFAULT_ATTEMPTS, base: str = ids.DEFAULT_BASE, **_ignored):
        parts = urlsplit(uri)
        if parts.username is not None:  # credentials in the URI: used, never kept in it or shown
            user = user or unquote(parts.username)
            password = password if password is not None else unquote(parts.password or "")
            uri = urlunsplit(parts._replace(netloc=(parts.hostname or "") + (f":{parts.port}" if parts.port else "")))
        self.uri, self.base = uri, base
        self.location = uri
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.batch_size = max(1, int(batch_size))
        self.max_attempts = max(1, int(max_attempts))
        user = user or os.environ.get("NEO4J_USER", "neo4j")
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        try:
            self.driver = GraphDatabase.driver(uri, auth=(user, password) if password else None,
                                               # kg retries itself (retry(): bounded attempts), not the driver
                                               connection_timeout=10, max_transaction_retry_time=0,
                                               notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except (Neo4jError, DriverError, ValueError, OSError) as exc:
            if getattr(self, "driver", None) is not None:
                self.driver.close()
            raise StoreError(f"cannot connect to Neo4j at {uri}: {_cause(exc)}") from None
        self._schema_ready = False

    def actor_rows(self) -> dict:
        return neo4j_source(self)

    def aliases(self) -> dict[str, set[str]]:
        return neo4j_aliases(self)

    def _session(self, read: bool = False):
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    # -- schema -------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the constraints and indexes of ``schemas/neo4j/constraints.cypher`` (idempotent)."""
        if self._schema_ready:
            return
        with self._errors("cannot create the Neo4j schema at"):
            with self._session() as s:
                for stmt in read_statements():
                    s.run(stmt).consume()
                s.run("CALL db.awaitIndexes(300)").consume()
        self._schema_ready = True

    def _errors(self, what: str):
        """Driver and server errors as one-line StoreErrors naming the URI (never the credentials)."""
        return _Errors(f"{what} {self.uri}")

    # -- load ---------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"MATCH (a:{neo4j_rows.names().article}) RETURN a.id AS id, a.contentHash AS h"
        return self._retrying(lambda: {r["id"]: r["h"] for r in self._read(q)}, "reading the articles")

    def load(self, graphs: Iterable[ArticleGraph], batch_size: int | None = None) -> LoadStats:
        """Load ArticleGraphs: unchanged articles are skipped, changed ones replaced, one transaction per batch."""
        self.ensure_schema()
        limit = batch_size or self.batch_size
        stats = LoadStats()
        known = self.article_hashes()

        def batches() -> Iterator[Rows]:
            rows = Rows()
            for g in graphs:
                aid = clean(g.article.id)
                if known.get(aid) == g.article.hash:
                    stats.articles_unchanged += 1
                    continue
                if aid in rows.article_ids:
                    yield rows  # the same article twice in one batch: the later version replaces the earlier
                    rows = Rows()
                if aid in known:
                    stats.articles_replaced += 1
                    rows.replaced.append(aid)
                rows.add(g, self.base)
                known[aid] = g.article.hash
                stats.articles_loaded += 1
                if rows.size >= limit:
                    yield rows
                    rows = Rows()
            if rows:
                yield rows

        done = 0
        try:
            for rows in prefetch(batches()):
                stats.records_written += self._write(rows)
                done += len(rows.articles)
        except StoreError as exc:
            if done:
                exc.args = (f"{exc.args[0]}; {done} articles were written before it, a re-run skips them",)
            raise
        return stats

    def _write(self, rows: Rows) -> int:
        """One batch in one write transaction, retried on transient errors."""

        def once() -> int:
            with self._session() as s, s.begin_transaction() as tx:
                written = _write_rows(tx, rows)
                tx.commit()
                return written

        return self._retrying(once, "writing")

    def _retrying(self, work: Callable[[], T], what: str) -> T:
        """``work()`` under :func:`retry`; a failure as a one-line StoreError naming the URI and the cause."""
        try:
            return retry(work, attempts=self.max_attempts, backoff=BACKOFF, max_backoff=MAX_BACKOFF)
        except (Neo4jError, DriverError) as exc:
            if is_transient(exc):
                raise StoreError(f"Neo4j at {self.uri} unavailable: {_cause(exc)} "
                                 f"(gave up after {self.max_attempts} attempts)") from None
            raise StoreError(f"Neo4j at {self.uri} failed {what}: {_cause(exc)}") from None

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
        with self._errors("cannot read the counts at"):
            out = {k: self._read(f"MATCH (x:{lab}) RETURN count(x) AS n")[0]["n"] for k, lab in counts.items()}
            out["nodes"] = self._read("MATCH (x) RETURN count(x) AS n")[0]["n"]
            out["relationships"] = self._read("MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"]
        return out

    def canonical_dump(self) -> list[str]:
        """The whole graph as sorted JSON lines, equal for equal graphs whatever order they were written in.

        One line per node, ``["node", labels, properties]``, and per relationship,
        ``["rel", type, start, end, properties]``, where a node is named by its
        labels and ``id`` property (all its properties if it has no ``id``).
        Element ids, which depend on the write order, appear nowhere.
        """
        key = "[labels({v}), CASE WHEN {v}.id IS NULL THEN properties({v}) ELSE {v}.id END]"
        queries = ["MATCH (n) RETURN 'node', labels(n), properties(n)",
                   f"MATCH (a)-[r]->(b) RETURN 'rel', type(r), {key.format(v='a')}, {key.format(v='b')}, "
                   "properties(r)"]
        dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=plain).encode

        def work(tx) -> list[str]:
            out = []
            for q in queries:
                for rec in tx.run(q):  # raw values: Record.data() would walk every value again
                    row = list(rec.values())
                    for i, v in enumerate(row):
                        if isinstance(v, list) and v and isinstance(v[0], list):  # a node key: sort its labels
                            row[i] = [sorted(v[0]), v[1]]
                    if row[0] == "node":
                        row[1] = sorted(row[1])
                    out.append(dumps(row))
            return out

        with self._errors("cannot read the graph at"), self._session(read=True) as s:
            return sorted(s.execute_read(work))

    def close(self) -> None:
        driver, self.driver = getattr(self, "driver", None), None
        if driver is not None:
            driver.close()


class _Errors:
    """Context manager: Neo4j/driver errors -> StoreError(f"{prefix}: {cause}")."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if isinstance(exc, (Neo4jError, DriverError)):
            raise StoreError(f"{self.prefix}: {_cause(exc)}") from None
        return False


_DONE = object()


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead of the consumer.

    The loader builds the next batch's rows (and, in ``kg build``, pulls the
    next articles through extraction) while Neo4j writes the current one. An
    exception in the producer is raised in the consumer; when the consumer
    stops early, the producer stops at its next item.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(x) -> bool:
        while not stop.is_set():
            try:
                q.put(x, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for x in items:
                if not put((x, None)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # handed to the consumer
            put((_DONE, exc))

    t = threading.Thread(target=produce, name="kg-neo4j-rows", daemon=True)
    t.start()
    try:
        while True:
            x, exc = q.get()
            if exc is not None:
                raise exc
            if x is _DONE:
                return
            yield x
    finally:
        stop.set()
        t.join()


# -- the write transaction ------------------------------------------------------


# The plan of a loader statement does not depend on the data (it starts from UNWIND and seeks nodes by id or
# by a unique constraint), but Neo4j would re-plan it, generating and JIT-compiling code each time, whenever
# the counts it was planned with went stale: while a load grows the graph that is every few batches, and cost
# more server CPU than the writes themselves. The insertion statements therefore keep their first plan.
FIXED_PLAN = "CYPHER replan=skip "


class _Unlogged(list):
    """A parameter list whose repr is short: the driver formats every RUN message for its debug log even when
    debug logging is off, and repr() of a batch of rows cost ~10% of a load."""

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
    return _run(tx, f"""{FIXED_PLAN}UNWIND $rows AS row MATCH (a) WHERE id(a) = row.a MATCH (b) WHERE id(b) = row.b
        CREATE (a)-[r:{label(rel_type, rel=True)}]->(b){' SET r = row.p' if props else ''}""", rows=rows)[1]


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
_AGGREGATES = """{articles: m.a, articleEvidence: m.n, articleConfidence: m.c, evidence: reduce(t = 0, x IN m.n | t + x),
    confidence: reduce(b = head(m.c), x IN m.c | CASE WHEN x > b THEN x ELSE b END)}"""


def _remove(tx, article_ids: list[str]) -> tuple[list[str], int]:
    """Delete what the articles contributed (see the module docstring); return the entities they mentioned."""
    n = neo4j_rows.names()
    keys, w1 = _run(tx, f"""MATCH (x:{ASSERTION}) WHERE x.article_id IN $ids
        WITH x, x.subject AS s, x.predicate AS p, x.object AS o DELETE x RETURN DISTINCT s, p, o""", ids=article_ids)
    _, w2 = _run(tx, f"MATCH (q:{n.quote}) WHERE q.article_id IN $ids DETACH DELETE q", ids=article_ids)
    ents, w3 = _run(tx, f"""MATCH (a:{n.article})-[m:{n.mentions}]->(e:{ENTITY}) WHERE a.id IN $ids
        DELETE m RETURN DISTINCT e.id AS id""", ids=article_ids)
    written = w1 + w2 + w3
    by_type: dict[str, list[dict]] = {}
    for k in keys:
        if k["p"] in n.rel_types:
            by_type.setdefault(n.rel_types[k["p"]], []).append({"s": k["s"], "o": k["o"]})
    for typ, rows in by_type.items():  # drop the articles' entries; delete the edge if none are left
        written += _run(tx, f"""UNWIND $rows AS row
            MATCH (:{ENTITY} {{id: row.s}})-[r:{label(typ, rel=True)}]->(:{ENTITY} {{id: row.o}})
            WITH r, [i IN range(0, size(r.articles) - 1) WHERE NOT r.articles[i] IN $ids] AS keep
            FOREACH (m IN CASE WHEN size(keep) > 0 THEN [{{a: [i IN keep | r.articles[i]],
                n: [i IN keep | r.articleEvidence[i]], c: [i IN keep | r.articleConfidence[i]]}}] ELSE [] END |
                SET r += {_AGGREGATES})
            FOREACH (_ IN CASE WHEN size(keep) = 0 THEN [1] ELSE [] END | DELETE r)""",
                            rows=rows, ids=article_ids)[1]
    entity_ids = [e["id"] for e in ents]
    if entity_ids:  # names from the mentions that remain (none: the entity goes at the end, unless re-mentioned)
        _run(tx, f"""UNWIND $ids AS id MATCH (e:{ENTITY} {{id: id}})
            OPTIONAL MATCH (:{n.article})-[m:{n.mentions}]->(e)
            WITH e, min(m.name) AS name SET e.name = name""", ids=entity_ids)
    return entity_ids, written


def _write_rows(tx, rows: Rows) -> int:
    n = neo4j_rows.names()
    data, written = _run(tx, f"""{FIXED_PLAN}UNWIND $rows AS row MERGE (a:{n.article} {{id: row.id}})
        WITH a, row, a.contentHash AS old SET a = row RETURN row.id AS id, id(a) AS ref, old""",
                         rows=rows.articles)
    arts = _refs(data)
    # replaced: known to have been there when the batch was made, or found there now (a concurrent or
    # cut-off earlier run); either way the old contribution goes before the new one is written
    replaced = sorted(set(rows.replaced) | {r["id"] for r in data if r["old"] is not None})
    touched: list[str] = []
    if replaced:
        touched, w = _remove(tx, replaced)
        written += w

    ents: dict[str, int] = {}
    for lab, ent_rows in rows.entity_rows().items():  # the name: the smallest any article gives
        data, w = _run(tx, f"""{FIXED_PLAN}UNWIND $rows AS row MERGE (e:{ENTITY} {{id: row.id}})
            ON CREATE SET e:{label(lab)}, e.type = row.type
            FOREACH (_ IN CASE WHEN e.name IS NULL OR row.name < e.name THEN [1] ELSE [] END | SET e.name = row.name)
            RETURN row.id AS id, id(e) AS ref""", rows=ent_rows)
        ents.update(_refs(data))
        written += w

    for typ, edges in rows.edge_rows().items():
        for e in edges:
            e["s"], e["o"] = ents[e["s"]], ents[e["o"]]
        written += _run(tx, f"""{FIXED_PLAN}UNWIND $rows AS row
            MATCH (s) WHERE id(s) = row.s MATCH (o) WHERE id(o) = row.o
            MERGE (s)-[r:{label(typ, rel=True)}]->(o)
            FOREACH (m IN [{_MERGED_LISTS}] | SET r += {_AGGREGATES})""", rows=edges)[1]
    written += _link(tx, n.mentions, [{"a": arts[m["a"]], "b": ents[m["b"]],
                                      "p": {"aliases": m["aliases"], "name": m["name"]}} for m in rows.mentions],
                     props=True)
    if rows.assertions:
        written += _run(tx, f"{FIXED_PLAN}UNWIND $rows AS row CREATE (x:{ASSERTION}) SET x = row", rows=rows.assertions)[1]
    if rows.quotes:
        data, w = _run(tx, f"""{FIXED_PLAN}UNWIND $rows AS row CREATE (q:{n.quote}) SET q = row
            RETURN row.id AS id, id(q) AS ref""", rows=rows.quotes)
        quotes = _refs(data)
        written += w
        written += _link(tx, n.quoted_in, [{"a": quotes[q["id"]], "b": arts[q["article_id"]]} for q in rows.quotes])
        written += _link(tx, n.said, [{"a": ents[r["a"]], "b": quotes[r["b"]]} for r in rows.said])
        written += _link(tx, n.about, [{"a": quotes[r["a"]], "b": ents[r["b"]]} for r in rows.about])
    if touched:  # entities no article mentions any more
        written += _run(tx, f"""UNWIND $ids AS id MATCH (e:{ENTITY} {{id: id}})
            WHERE NOT EXISTS {{ ()-[:{n.mentions}]->(e) }} DETACH DELETE e""", ids=touched)[1]
    return written


def open_neo4j(location: str, *, read_only: bool = False, **options) -> Neo4jStore:
    """The ``neo4j`` store plugin: the Neo4j server at the URI ``location``; credentials from the URI or
    NEO4J_USER / NEO4J_PASSWORD. Queries run in read transactions unless ``write`` is asked for."""
    return Neo4jStore(location, **options)
