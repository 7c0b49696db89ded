"""The embedded default: a persistent Oxigraph store on disk (pyoxigraph).

One named graph per article, and the entities graph (each entity's one label and type, see
:mod:`kg.stores.rdf`); loading is idempotent (an article whose content
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
from kg.stores import rdf as rdfterms
from kg.stores.base import MEMORY, LoadStats, ReadOnlyError, Result, Store, StoreError
from kg.stores.rdf_read import RdfReading
from kg.stores.sparql_results import is_update, query_result


class OxigraphStore(RdfReading, Store):
    name = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, base: str = ids.DEFAULT_BASE, read_only: bool = False):
        self.path = Path(path) if path else None
        self.base = base
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the embedded store at {self.path}: {exc}") from None
        self._kg = catalogue.load().namespaces["kg"]
        # a store empty when opened is being built for the first time: nothing to read back while loading
        self.first_build = not read_only and self.is_empty()

    # -- load ---------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?a <{self._kg}articleId> ?id ; <{self._kg}contentHash> ?h }} }}"
        return {s["id"].value: s["h"].value for s in self._select(q)}

    def load(self, graphs: Iterable[ArticleGraph], batch_size: int = 200) -> LoadStats:
        """Load ``graphs`` idempotently. Into a store that was empty when opened (a first build) the article
        graphs go in with pyoxigraph's bulk loader; into one that held articles, in one transaction per
        batch. Either way the entities graph is then rewritten for every entity the loaded or replaced
        articles name."""
        stats = LoadStats()
        bulk = self.first_build
        batch: list[ox.Quad] = []
        hashes: list[ox.Quad] = []
        drop: list[ox.NamedNode] = []
        hash_p = rdfterms.terms().kgp("contentHash")
        entity_p = rdfterms.terms().kgp("entityId")
        in_batch: set[str] = set()  # articles whose quads wait in batch
        touched: set[ox.NamedNode] = set()  # entities whose label and type are chosen again

        def flush():
            for g in drop:
                touched.update(
                    cast(ox.NamedNode, q.subject) for q in self.store.quads_for_pattern(None, entity_p, None, g)
                )
                self.store.remove_graph(g)
            if batch and bulk:
                # Crash safety at bulk speed: the article graphs go in with the (non-transactional) bulk
                # loader, their content hashes after; a build killed in between leaves graphs without a
                # hash, which the next build sees as not loaded and rewrites.
                self.store.bulk_extend(batch)
                self.store.extend(hashes)
            elif batch:
                self.store.extend(batch + hashes)
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
            stored = (
                None
                if bulk and not self.store.contains_named_graph(gn)
                else next(
                    (
                        q.object.value
                        for q in self.store.quads_for_pattern(
                            ox.NamedNode(ids.article_iri(aid, self.base)), hash_p, None, gn
                        )
                        if isinstance(q.object, ox.Literal)
                    ),
                    None,
                )
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
            touched.update(ox.NamedNode(ids.entity_iri(e.id, self.base)) for e in g.entities)
            stats.records_written += len(quads) + 1
            stats.articles_loaded += 1
            if stats.articles_loaded % batch_size == 0:
                flush()
        flush()
        stats.records_written += self._choose_entities(touched)
        self.store.flush()
        return stats

    def is_empty(self) -> bool:
        return next(iter(self.store), None) is None

    def _choose_entities(self, entities: Iterable[ox.NamedNode]) -> int:
        """Rewrite the entities graph's label and type of ``entities`` from what the article graphs say
        now (an entity no article names any more leaves it); returns the statements written."""
        t = rdfterms.terms()
        eg = ox.NamedNode(ids.entities_graph_iri(self.base))
        named_p, id_p = t.kgp("mentionedAs"), t.kgp("entityId")
        old: list[ox.Quad] = []
        new: list[ox.Quad] = []
        for e in entities:
            names: dict[str, int] = {}
            classes: dict[str, int] = {}
            for q in self.store.quads_for_pattern(e, named_p, None, None):
                name = _value(q.object)
                names[name] = names.get(name, 0) + 1
            for q in self.store.quads_for_pattern(e, t.type, None, None):
                if q.graph_name != eg:
                    cls = _value(q.object)
                    classes[cls] = classes.get(cls, 0) + 1
            old.extend(self.store.quads_for_pattern(e, None, None, eg))
            eid = next((_value(q.object) for q in self.store.quads_for_pattern(e, id_p, None, None)), None)
            if names and classes and eid is not None:
                new.extend(rdfterms.entity_quads(e, eid, names, classes, self.base))
        keep, had = set(new), set(old)
        for q in had - keep:
            self.store.remove(q)
        self.store.extend([q for q in new if q not in had])
        return len(new)

    # -- query --------------------------------------------------------------

    def query(self, text: str, *, write: bool = False) -> Result:
        if is_update(text):
            if not write:
                raise ReadOnlyError("SPARQL Update refused on the query path; pass --write to modify the store")
            try:
                self.store.update(text)
            except SyntaxError as exc:
                raise StoreError(f"SPARQL syntax error: {exc}") from None
            return Result(["updated"], [[True]])
        try:
            res = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise StoreError(f"SPARQL syntax error: {exc}") from None
        return query_result(res)

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


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if not isinstance(term, ox.Triple) else str(term)


def open_oxigraph(location: str, *, read_only: bool = False, **options) -> OxigraphStore:
    """The ``oxigraph`` store plugin: the embedded store in the directory ``location`` (``:memory:``: in
    memory)."""
    return OxigraphStore(None if location == MEMORY else location, read_only=read_only, **options)
