"""The embedded default: a persistent Oxigraph store on disk (pyoxigraph).

One named graph per article, and the entities graph (each entity's one label and type, see
:mod:`kg.stores.rdf`); loading is idempotent (an article whose content
hash is already stored is skipped; a changed one has its graph dropped and
rewritten). SPARQL queries see the union of all article graphs.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
from collections.abc import Iterable, Iterator
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
        # a store empty when opened is being built for the first time: it takes the bulk loader, and what
        # its articles name its entities is counted as they go in (the census) rather than read back
        self.first_build = not read_only and self.is_empty()
        self._census: dict[ox.NamedNode, tuple[str, dict[str, int], dict[str, int]]] = {}
        t = rdfterms.terms()
        self._hash_p, self._named_p, self._id_p, self._type_p = (
            t.kgp("contentHash"),
            t.kgp("mentionedAs"),
            t.kgp("entityId"),
            t.type,
        )
        self._entities_g = ox.NamedNode(ids.entities_graph_iri(self.base))

    # -- load ---------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?a <{self._kg}articleId> ?id ; <{self._kg}contentHash> ?h }} }}"
        return {s["id"].value: s["h"].value for s in self._select(q)}

    def load(self, graphs: Iterable[ArticleGraph], batch_size: int = 200) -> LoadStats:
        """Load ``graphs`` idempotently. Into a store that was empty when opened (a first build) the article
        graphs stream into pyoxigraph's bulk loader; into one that held articles, they go in one
        transaction per ``batch_size`` articles. Either way the entities graph is then rewritten for every
        entity the loaded or replaced articles name."""
        stats = LoadStats()
        touched: set[ox.NamedNode] = set()  # entities whose label and type are chosen again
        if self.first_build:
            self._load_bulk(iter(graphs), stats, touched)
        else:
            self._load_batches(graphs, batch_size, stats, touched)
        stats.records_written += self._write_entities(touched)
        self.store.flush()
        return stats

    def _admit(self, g: ArticleGraph, stats: LoadStats, touched: set[ox.NamedNode]) -> list[ox.Quad] | None:
        """The quads of ``g`` to write (its content hash apart), or None when the store holds it unchanged;
        a changed article's old graph is removed."""
        if not self._compare(g, stats, touched):
            return None
        quads = rdfterms.graph_quads(g, self.base, content_hash=False)
        stats.records_written += len(quads) + 1
        return quads

    def _compare(self, g: ArticleGraph, stats: LoadStats, touched: set[ox.NamedNode]) -> bool:
        """Whether ``g`` is to be written (False when the store holds it unchanged); a changed article's old
        graph is removed."""
        aid = g.article.id
        gn = ox.NamedNode(ids.graph_iri(aid, self.base))
        if self.store.contains_named_graph(gn):
            # the stored content hash, looked up in the article's own graph (an index lookup)
            art = ox.NamedNode(ids.article_iri(aid, self.base))
            stored = next((_value(q.object) for q in self.store.quads_for_pattern(art, self._hash_p, None, gn)), "")
            if stored == g.article.hash:
                stats.articles_unchanged += 1
                return False
            stats.articles_replaced += bool(stored)  # "": left without its hash by an interrupted build
            self._forget(gn, touched)
        touched.update(ox.NamedNode(ids.entity_iri(e.id, self.base)) for e in g.entities)
        stats.articles_loaded += 1
        return True

    def _forget(self, gn: ox.NamedNode, touched: set[ox.NamedNode]) -> None:
        """Remove an article's graph, taking what it said of its entities out of the census."""
        for q in self.store.quads_for_pattern(None, self._named_p, None, gn):
            e = cast(ox.NamedNode, q.subject)
            touched.add(e)
            if e in self._census:
                _count(self._census[e][1], _value(q.object), -1)
        for q in self.store.quads_for_pattern(None, self._type_p, None, gn):
            e = cast(ox.NamedNode, q.subject)
            if e in self._census:
                _count(self._census[e][2], _value(q.object), -1)
        self.store.remove_graph(gn)

    def _load_bulk(self, graphs: Iterator[ArticleGraph], stats: LoadStats, touched: set[ox.NamedNode]) -> None:
        carry: list[ArticleGraph] = []
        text = rdfterms.NQuadsText(self.base)
        while True:
            hashes: list[ox.Quad] = []
            rest = itertools.chain(carry, graphs)
            carry = []
            # Crash safety at bulk speed: the article graphs go in with the (non-transactional) bulk loader,
            # their content hashes after; a build killed in between leaves graphs without a hash, which the
            # next build sees as not loaded and rewrites. They go in as N-Quads text: pyoxigraph parses it
            # faster than it takes Python quad objects.
            source = _Chunks(self._bulk_text(rest, text, hashes, carry, stats, touched))
            try:
                self.store.bulk_load(io.BufferedReader(source, 1 << 16), ox.RdfFormat.N_QUADS)
            except Exception:
                if source.error is not None:
                    raise source.error from None
                raise
            self.store.extend(hashes)
            if not carry:
                return
            g = carry.pop()  # an article the store holds already: compared (and replaced) in a transaction
            out = self._admit(g, stats, touched)
            if out is not None:
                self._count_entities(g)
                self.store.extend([*out, rdfterms.hash_quad(g, self.base)])

    def _bulk_text(
        self,
        graphs: Iterator[ArticleGraph],
        text: rdfterms.NQuadsText,
        hashes: list[ox.Quad],
        carry: list[ArticleGraph],
        stats: LoadStats,
        touched: set[ox.NamedNode],
    ) -> Iterator[bytes]:
        """The article graphs of ``graphs`` as N-Quads for the bulk loader, counting their entities' names
        and types, until an article the store may hold already comes (one loaded before, or a revision of
        one in this run: put in ``carry``; the store is not written while the bulk loader runs)."""
        seen: set[str] = set()
        for g in graphs:
            if g.article.id in seen or self.store.contains_named_graph(
                ox.NamedNode(ids.graph_iri(g.article.id, self.base))
            ):
                carry.append(g)
                return
            if not self._compare(g, stats, touched):
                continue
            seen.add(g.article.id)
            before = text.statements
            chunk = text.article(g, content_hash=False)
            stats.records_written += text.statements - before + 1
            hashes.append(rdfterms.hash_quad(g, self.base))
            self._count_entities(g)
            yield chunk.encode()

    def _count_entities(self, g: ArticleGraph) -> None:
        for e in g.entities:
            eid = ox.NamedNode(ids.entity_iri(e.id, self.base))
            _, names, classes = self._census.setdefault(eid, (rdfterms.clean(e.id), {}, {}))
            _count(names, rdfterms.clean(e.name), 1)
            _count(classes, rdfterms.entity_class(e), 1)

    def _load_batches(
        self, graphs: Iterable[ArticleGraph], batch_size: int, stats: LoadStats, touched: set[ox.NamedNode]
    ) -> None:
        batch: list[ox.Quad] = []
        in_batch: set[str] = set()  # articles whose quads wait in batch
        for g in graphs:
            if g.article.id in in_batch:  # a revision: the first version goes in before it is compared
                self.store.extend(batch)
                batch, in_batch = [], set()
            out = self._admit(g, stats, touched)
            if out is None:
                continue
            batch += out
            batch.append(rdfterms.hash_quad(g, self.base))
            in_batch.add(g.article.id)
            if len(in_batch) >= batch_size:
                self.store.extend(batch)
                batch, in_batch = [], set()
        self.store.extend(batch)

    def is_empty(self) -> bool:
        return next(iter(self.store), None) is None

    def _census_of(self, e: ox.NamedNode) -> tuple[str | None, dict[str, int], dict[str, int]]:
        """(entity id, name -> articles giving it, class -> articles typing it so) of an entity."""
        if self.first_build:
            return self._census.get(e, (None, {}, {}))
        names: dict[str, int] = {}
        classes: dict[str, int] = {}
        for q in self.store.quads_for_pattern(e, self._named_p, None, None):
            _count(names, _value(q.object), 1)
        for q in self.store.quads_for_pattern(e, self._type_p, None, None):
            if q.graph_name != self._entities_g:
                _count(classes, _value(q.object), 1)
        eid = next((_value(q.object) for q in self.store.quads_for_pattern(e, self._id_p, None, None)), None)
        return eid, names, classes

    def _write_entities(self, entities: Iterable[ox.NamedNode]) -> int:
        """Rewrite the entities graph's label and type of ``entities`` from what the article graphs say
        now (an entity no article names any more leaves it); returns the statements written."""
        old: list[ox.Quad] = []
        new: list[ox.Quad] = []
        # a first build writes the entities graph from nothing: no old statements to look up or remove
        fresh = (
            self.first_build and next(self.store.quads_for_pattern(None, None, None, self._entities_g), None) is None
        )
        for e in entities:
            eid, names, classes = self._census_of(e)
            if not fresh:
                old.extend(self.store.quads_for_pattern(e, None, None, self._entities_g))
            if names and classes and eid is not None:
                new.extend(rdfterms.entity_quads(e, eid, names, classes, self.base))
        if fresh:
            self.store.bulk_extend(new)
            return len(new)
        keep, had = set(new), set(old)
        for q in had - keep:
            self.store.remove(q)
        self.store.extend([q for q in new if q not in had])
        return len(new)

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


class _Chunks(io.RawIOBase):
    """A readable stream over an iterator of byte chunks; an error the iterator raises is kept in
    ``error`` (the reader that calls ``read`` may replace it with its own)."""

    def __init__(self, chunks: Iterator[bytes]):
        self._chunks = chunks
        self._buf = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buf:
            try:
                self._buf = memoryview(next(self._chunks))
            except StopIteration:
                return 0
            except BaseException as exc:
                self.error = exc
                raise
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def _count(counts: dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n
    if counts[key] <= 0:
        del counts[key]


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if not isinstance(term, ox.Triple) else str(term)


def open_oxigraph(location: str, *, read_only: bool = False, **options) -> OxigraphStore:
    """The ``oxigraph`` store plugin: the embedded store in the directory ``location`` (``:memory:``: in
    memory)."""
    return OxigraphStore(None if location == MEMORY else location, read_only=read_only, **options)
