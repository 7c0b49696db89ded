"""The embedded default: a persistent Oxigraph store on disk (pyoxigraph).

One named graph per article; loading is idempotent (an article whose content
hash is already stored is skipped; a changed one has its graph dropped and
rewritten). SPARQL queries see the union of all article graphs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import pyoxigraph as ox

from kg.model import ArticleGraph
from kg.schema import catalogue, ids
from kg.stores import limits, sparql_guard
from kg.stores import rdf as rdfterms
from kg.stores.base import (
    MEMORY,
    LoadStats,
    Result,
    Store,
    StoreError,
    check_new_store_dir,
    is_embedded_store,
    no_store,
)
from kg.stores.rdf_read import RdfReading
from kg.stores.sparql_results import result_rows


class OxigraphStore(RdfReading, Store):
    name = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, base: str = ids.DEFAULT_BASE, read_only: bool = False):
        self.path = Path(path) if path else None
        self.base = base
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                if not is_embedded_store(self.path):
                    raise StoreError(no_store(self.path))
                self.store = ox.Store.read_only(str(self.path))
            else:
                check_new_store_dir(self.path)
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the embedded store at {self.path}: {exc}") from None
        self._kg = catalogue.load().namespaces["kg"]

    # -- load ---------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?a <{self._kg}articleId> ?id ; <{self._kg}contentHash> ?h }} }}"
        return {s["id"].value: s["h"].value for s in self._select(q)}

    def load(self, graphs: Iterable[ArticleGraph], batch_size: int = 200) -> LoadStats:
        stats = LoadStats()
        batch: list[ox.Quad] = []
        hashes: list[ox.Quad] = []
        drop: list[ox.NamedNode] = []
        hash_p = rdfterms.terms().kgp("contentHash")
        in_batch: set[str] = set()  # articles whose quads wait in batch

        def flush():
            # Crash safety at bulk speed: the article graphs go in with the (non-transactional) bulk
            # loader, their content hashes after, in one small transaction. A build killed in between
            # leaves graphs without a hash; the next build sees them as not loaded and rewrites them.
            for g in drop:
                self.store.remove_graph(g)
            if batch:
                self.store.bulk_extend(batch)
                self.store.extend(hashes)
            drop.clear()
            batch.clear()
            hashes.clear()
            in_batch.clear()

        for g in graphs:
            aid = g.article.id
            if aid in in_batch:
                flush()  # the same article again (a revision): its first version goes in before it is compared
            gn = ox.NamedNode(ids.graph_iri(aid, self.base))
            # the stored content hash, looked up in the article's own graph (an index lookup, not a query
            # over the whole store)
            stored = next(
                (
                    q.object.value
                    for q in self.store.quads_for_pattern(
                        ox.NamedNode(ids.article_iri(aid, self.base)), hash_p, None, gn
                    )
                    if isinstance(q.object, ox.Literal)
                ),
                None,
            )
            if stored == g.article.hash:
                stats.articles_unchanged += 1
                continue
            if stored is not None:
                stats.articles_replaced += 1
                drop.append(gn)
            elif self.store.contains_named_graph(gn):  # left without its hash by an interrupted build
                drop.append(gn)
            quads = rdfterms.graph_quads(g, self.base, content_hash=False)
            batch.extend(quads)
            hashes.append(rdfterms.hash_quad(g, self.base))
            in_batch.add(aid)
            stats.records_written += len(quads) + 1
            stats.articles_loaded += 1
            if stats.articles_loaded % batch_size == 0:
                flush()
        flush()
        self.store.flush()
        return stats

    # -- query --------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        write: bool = False,
        allow_service: bool = False,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Result:
        checked = sparql_guard.check(text, allow_service=allow_service, write=write)
        if checked.kind == "update":
            try:
                self.store.update(text)
            except SyntaxError as exc:
                raise sparql_guard.syntax_error(text, exc) from None
            return Result(["updated"], [[True]])

        def start():
            try:
                return result_rows(self.store.query(text, use_default_graph_as_union=True))
            except SyntaxError as exc:
                raise sparql_guard.syntax_error(text, exc) from None

        cols, rows, truncated = limits.take(start, limit, timeout)
        return Result(cols, rows, truncated=truncated, warnings=checked.warnings)

    def _select(self, q: str, *, union: bool = False) -> ox.QuerySolutions:
        # pyoxigraph types every answer as the union of all query forms'; a SELECT answers with solutions
        return cast(ox.QuerySolutions, self.store.query(q, use_default_graph_as_union=union))

    def stats(self) -> dict[str, int]:
        def count(q):
            return int(next(iter(self._select(q, union=True)))[0].value)

        kg = self._kg
        return {
            "quads": len(self.store),
            "articles": count(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <{kg}articleId> ?x }}"),
            "entities": count(f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{kg}entityId> ?x }}"),
            "relations": count(f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r a <{kg}Assertion> }}"),
            "quotes": count(f"SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE {{ ?q a <{kg}Quote> }}"),
        }

    def dump(self, fmt: ox.RdfFormat, out, union: bool = False) -> None:
        """Serialise the store; ``union`` merges all named graphs (for triple formats)."""
        if union:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.store}
            ox.serialize(sorted(triples, key=str), out, fmt)
        else:
            self.store.dump(out, fmt)

    def quads(self):
        return iter(self.store)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # read-only or in-memory store
            self.store.flush()
        del self.store


def open_oxigraph(location: str, *, read_only: bool = False, **options) -> OxigraphStore:
    """The ``oxigraph`` store plugin: the embedded store in the directory ``location`` (``:memory:``: in
    memory)."""
    return OxigraphStore(None if location == MEMORY else location, read_only=read_only, **options)
