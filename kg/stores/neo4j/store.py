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
article alone (``MENTIONS``, ``:Assertion`` with ``SUBJECT``/``OBJECT``/``IN_ARTICLE``,
``:Quote`` with ``SAID``/``ABOUT``/``QUOTED_IN``) is CREATEd: it cannot exist yet, since a new article has none
and a replaced one has just lost its own. Only the aggregated relationships,
shared between articles, are MERGEd, and their per-article lists are updated
in place (an insertion into sorted lists, no evidence lookups).

Idempotency and replacement. Each ``:Article`` keeps its ``contentHash``; an
article whose hash is stored is skipped without a write. A changed article's
old contribution is removed in the same transaction that writes the new one:
its ``:Assertion`` evidence (with its links), ``:Quote`` nodes and ``MENTIONS`` are deleted;
every aggregated relationship it supported and its new version does not drops the article's entry
from its per-article lists and gets ``evidence``/``confidence`` recomputed from the
entries left (deleted if none are, so an edge also supported by another
article survives; one the new version supports again has its entry replaced in place by the merge);
the entities it mentioned are named again from the mentions that remain
(:func:`kg.resolve.labels.canonical`), and entities no article mentions any more are deleted.
Because the replacement is decided inside the transaction, a batch whose
commit was cut off (``IncompleteCommit``) can simply be run again.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import neo4j
import neo4j.graph
from neo4j import GraphDatabase
from neo4j.exceptions import (
    ClientError,
    CypherSyntaxError,
    DriverError,
    Neo4jError,
)

from kg.model import ArticleGraph
from kg.resources import SCHEMAS
from kg.schema import ids
from kg.stores import cypher_guard
from kg.stores.base import LoadStats, QueryTimeout, ReadOnlyError, Result, Store, StoreError
from kg.stores.neo4j import rows as neo4j_rows
from kg.stores.neo4j.read import neo4j_aliases, neo4j_kb_roles, neo4j_source
from kg.stores.neo4j.retry import (
    BACKOFF,
    DEFAULT_ATTEMPTS,
    MAX_BACKOFF,
    T,
    _cause,
    _Errors,
    is_transient,
    prefetch,
    retry,
)
from kg.stores.neo4j.rows import ASSERTION, DEFAULT_BATCH, ENTITY, Rows, clean, clean_row
from kg.stores.neo4j.write import _write_rows

log = logging.getLogger(__name__)

CONSTRAINTS = SCHEMAS / "neo4j" / "constraints.cypher"


def read_statements(path: Path | str = CONSTRAINTS) -> list[str]:
    """The statements of a .cypher file: ``//`` comments dropped, split on ``;`` at line end."""
    text = "\n".join(line for line in Path(path).read_text("utf-8").splitlines() if not line.strip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*$", text, flags=re.M) if s.strip()]


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

    def __init__(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = DEFAULT_BATCH,
        max_attempts: int = DEFAULT_ATTEMPTS,
        base: str = ids.DEFAULT_BASE,
        **_ignored,
    ):
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
        self.driver: neo4j.Driver | None = None  # None once closed
        try:
            self.driver = GraphDatabase.driver(
                uri,
                auth=(user, password) if password else None,
                # kg retries itself (retry(): bounded attempts), not the driver
                connection_timeout=10,
                max_transaction_retry_time=0,
                notifications_min_severity="OFF",
            )
            self.driver.verify_connectivity()
        except (Neo4jError, DriverError, ValueError, OSError) as exc:
            if self.driver is not None:
                self.driver.close()
            raise StoreError(f"cannot connect to Neo4j at {uri}: {_cause(exc)}") from None
        self._schema_ready = False

    def actor_rows(self) -> dict:
        return neo4j_source(self)

    def aliases(self) -> dict[str, set[str]]:
        return neo4j_aliases(self)

    def kb_roles(self) -> dict[str, dict]:
        return neo4j_kb_roles(self)

    def _session(self, read: bool = False):
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        if self.driver is None:
            raise StoreError(f"the Neo4j store at {self.location} is closed")
        return self.driver.session(database=self.database, default_access_mode=mode)

    # -- schema -------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Create the constraints and indexes of ``schemas/neo4j/constraints.cypher`` (idempotent)."""
        if self._schema_ready:
            return
        with self._errors("cannot create the Neo4j schema at"), self._session() as s:
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
                replaces = aid in known
                if replaces:
                    stats.articles_replaced += 1
                    rows.replaced.append(aid)
                rows.add(g, self.base)
                rows.graphs.append((g, replaces))
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
        """One batch in one write transaction, retried on transient errors; a batch over the server's
        transaction memory limit is written as two halves (each a whole number of articles) instead."""

        def once() -> int:
            try:
                with self._session() as s, s.begin_transaction() as tx:
                    written = _write_rows(tx, rows)
                    tx.commit()
                    return written
            except Neo4jError as exc:
                if _over_memory(exc):
                    raise _TooBig(_cause(exc)) from None
                raise

        try:
            return self._retrying(once, "writing")
        except _TooBig as exc:
            if len(rows.graphs) < 2:
                raise StoreError(
                    f"Neo4j at {self.uri} cannot hold one article's rows in a transaction: {exc} (raise the "
                    "server's heap or its transaction memory setting)"
                ) from None
            half = len(rows.graphs) // 2
            log.info("a batch of %d articles is over the server's transaction memory: two halves", len(rows.graphs))
            return self._write(self._rows_of(rows.graphs[:half])) + self._write(self._rows_of(rows.graphs[half:]))

    def _rows_of(self, graphs: list[tuple[ArticleGraph, bool]]) -> Rows:
        rows = Rows()
        for g, replaces in graphs:
            if replaces:
                rows.replaced.append(clean(g.article.id))
            rows.add(g, self.base)
            rows.graphs.append((g, replaces))
        return rows

    def _retrying(self, work: Callable[[], T], what: str) -> T:
        """``work()`` under :func:`retry`; a failure as a one-line StoreError naming the URI and the cause."""
        try:
            return retry(work, attempts=self.max_attempts, backoff=BACKOFF, max_backoff=MAX_BACKOFF)
        except (Neo4jError, DriverError) as exc:
            if is_transient(exc):
                raise StoreError(
                    f"Neo4j at {self.uri} unavailable: {_cause(exc)} (gave up after {self.max_attempts} attempts)"
                ) from None
            raise StoreError(f"Neo4j at {self.uri} failed {what}: {_cause(exc)}") from None

    # -- query --------------------------------------------------------------

    def _read(self, text: str, params: dict | None = None) -> list[dict]:
        with self._session(read=True) as s:
            return s.execute_read(lambda tx: [r.data() for r in tx.run(text, params or {})])

    def query(
        self,
        text: str,
        *,
        write: bool = False,
        params: dict | None = None,
        allow_service: bool = False,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Result:
        """Run Cypher: in a read transaction unless ``write`` (a write query is refused before it runs),
        at most ``limit`` rows, within ``timeout`` seconds (a transaction timeout the server enforces)."""
        params = params or {}
        cypher_guard.check(text, allow_service=allow_service, write=write)
        truncated = False

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx):
            nonlocal truncated
            res = tx.run(text, params)
            keys = list(res.keys())
            rows: list[list[Any]] = []
            for r in res:
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                rows.append([plain(r[k]) for k in keys])
            return keys, rows

        try:
            if not write:
                self._refuse_writes(text, params)
            with self._session(read=not write) as s:
                cols, data = (s.execute_write if write else s.execute_read)(work)
        except CypherSyntaxError as exc:
            raise StoreError(f"Cypher syntax error: {_cause(exc)}") from None
        except Neo4jError as exc:
            if "TimedOut" not in (exc.code or ""):
                raise self._query_error(exc) from None
            limit_text = f" of {timeout:g} s" if timeout else ""
            raise QueryTimeout(f"the query ran past its time limit{limit_text} (--timeout SECONDS)") from None
        except DriverError as exc:
            raise StoreError(f"Neo4j at {self.uri} unavailable: {_cause(exc)}") from None
        return Result(cols, data, truncated=truncated)

    @staticmethod
    def _query_error(exc: Neo4jError) -> StoreError:
        if isinstance(exc, ClientError) and (
            "AccessMode" in (exc.code or "") or "read access mode" in _cause(exc).lower()
        ):
            return ReadOnlyError("write refused on the read-only query path; pass --write to modify the graph")
        return StoreError(f"Cypher error: {_cause(exc)}")

    def set_entity_properties(self, rows: list[dict[str, Any]]) -> int:
        """``SET e += properties`` on the entity with each row's ``id``; returns how many were found."""
        self.ensure_schema()
        q = f"UNWIND $rows AS row MATCH (e:{ENTITY} {{id: row.id}}) SET e += row.properties RETURN count(e) AS n"

        def once() -> int:
            with self._session() as s:
                return s.execute_write(lambda tx: tx.run(q, {"rows": [clean_row(r) for r in rows]}).single()["n"])

        return self._retrying(once, "writing node properties")

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
        queries = [
            "MATCH (n) RETURN 'node', labels(n), properties(n)",
            f"MATCH (a)-[r]->(b) RETURN 'rel', type(r), {key.format(v='a')}, {key.format(v='b')}, properties(r)",
        ]
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


# -- the write transaction ------------------------------------------------------


def open_neo4j(location: str, *, read_only: bool = False, **options) -> Neo4jStore:
    """The ``neo4j`` store plugin: the Neo4j server at the URI ``location``; credentials from the URI or
    NEO4J_USER / NEO4J_PASSWORD. Queries run in read transactions unless ``write`` is asked for."""
    return Neo4jStore(location, **options)


class _TooBig(Exception):
    """A write transaction went over the server's transaction memory limit (not worth the same retry)."""


def _over_memory(exc: Neo4jError) -> bool:
    code = exc.code or ""
    return code.endswith(("MemoryPoolOutOfMemoryError", "TransactionMemoryLimit"))
