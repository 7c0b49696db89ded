"""The flow: read -> nlp -> extract -> resolve -> sink, streamed in chunks.

Every input ends as exactly one of: extracted (and then loaded or unchanged),
or skipped with a reason. :class:`Counts` adds them up.

Where the NLP runs is an *engine*: this process, a pool of worker processes (each loads the
pipeline once), or Dask workers (:mod:`kg.build.dask`). :func:`extract_stream` drives any of them:
articles go out in chunks, at most a few chunks per worker in flight, and graphs come back in input
order, so memory stays flat however many articles come in and the result does not depend on the
engine. With a :class:`kg.build.ledger.Ledger`, articles extracted before by the same pipeline are not
parsed again (their stored graphs are used), which is what makes ``kg build`` resumable.
"""

from __future__ import annotations

import gc
import logging
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from kg.build.batching import batched
from kg.build.engines import AUTO_MIN_ARTICLES, EngineSpec, ProcessPool
from kg.build.runs import run_resolver
from kg.model import Article, ArticleGraph, Skipped

log = logging.getLogger("kg")

_HOLD_MAX = 2048  # articles held while deciding that (when few of them need parsing)


@dataclass
class Counts:
    read: int = 0  # inputs seen: articles + skipped
    extracted: int = 0  # graphs produced: parsed now (nlp) or taken from the ledger (cached)
    loaded: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    quotes: int = 0
    nlp: int = 0  # articles that went through the NLP in this run
    cached: int = 0  # articles whose graph came from the ledger (no NLP)
    undated: int = 0  # extracted articles without a date (date windows leave them out)
    dated_relations: int = 0  # relations whose text says when they happened

    @property
    def balanced(self) -> bool:
        return self.read == self.extracted + len(self.skipped)

    def add(self, graph: ArticleGraph) -> ArticleGraph:
        """Count an extracted graph and hand it on."""
        self.extracted += 1
        self.entities += len(graph.entities)
        self.relations += len(graph.relations)
        self.quotes += len(graph.quotes)
        self.undated += not graph.article.date
        self.dated_relations += sum(1 for r in graph.relations if r.attrs.get("date"))
        return graph

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason.split(":")[0] for s in self.skipped))

    def as_dict(self) -> dict:
        return {
            "read": self.read,
            "extracted": self.extracted,
            "loaded": self.loaded,
            "unchanged": self.unchanged,
            "skipped": len(self.skipped),
            "article_entities": self.entities,  # per article, summed: `kg stats` counts distinct entities
            "relations": self.relations,
            "quotes": self.quotes,
            "nlp": self.nlp,
            "cached": self.cached,
            "undated": self.undated,
            "dated_relations": self.dated_relations,
        }


def extract(
    items: Iterable[Article | Skipped], nlp, *, batch_size: int = 32, counts: Counts | None = None
) -> Iterator[ArticleGraph]:
    """ArticleGraphs for the articles in ``items``, streamed through one ``nlp.pipe`` in this process.

    Skipped inputs are recorded in ``counts`` (and logged), never raised.
    """
    from kg.nlp.graph import doc_to_graph

    counts = counts if counts is not None else Counts()

    def texts():
        for item in items:
            counts.read += 1
            if isinstance(item, Skipped):
                _skip(counts, item)
                continue
            counts.nlp += 1
            yield item.text, item

    for doc, article in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
        try:
            graph = doc_to_graph(doc, article)
        except Exception as exc:  # a bug on one article must not end the batch
            log.exception("extraction failed for %s", article.source or article.id)
            _skip(counts, Skipped(source=article.source or article.id, reason=f"extraction failed: {exc}"))
            continue
        yield counts.add(graph)


def _skip(counts: Counts, item: Skipped) -> None:
    counts.skipped.append(item)
    log.warning("skipped %s", item)


# -- engines: where the NLP runs --------------------------------------------------------


class _Off:
    def update(self, n: int = 1) -> None:
        pass


def _admitted(items: Iterable[Article | Skipped], counts: Counts, bar) -> Iterator[Article]:
    """The articles of ``items``; each read counted, each Skipped reported and counted."""
    for item in items:
        counts.read += 1
        if isinstance(item, Skipped):
            _skip(counts, item)
            bar.update(1)
        else:
            yield item


def extract_stream(
    items: Iterable[Article | Skipped],
    spec: EngineSpec,
    *,
    counts: Counts | None = None,
    ledger=None,
    bar=None,
    engine=None,
) -> Iterator[ArticleGraph]:
    """ArticleGraphs for ``items`` in input order, the NLP run by the engine ``spec`` describes.

    With a ``ledger``, articles it knows (same id, text and pipeline) are not parsed: their stored
    graphs come back (``counts.cached``); freshly parsed graphs are recorded in it as they arrive.
    ``bar`` (a :mod:`kg.render.progress` bar) advances by one per input.
    """
    from kg.build.ledger import unpack_graph

    counts = counts if counts is not None else Counts()
    bar = bar if bar is not None else _Off()
    queue: deque[list] = deque()  # [chunk, {index: cached graph}, articles to parse, engine handle]
    pending = 0  # articles to parse not yet handed to an engine
    failed = True

    def submit_all():
        nonlocal pending
        for entry in queue:
            if entry[2] and entry[3] is None:
                entry[3] = engine.submit(entry[2])
                counts.nlp += len(entry[2])
        pending = 0

    def finish(entry) -> Iterator[ArticleGraph]:
        chunk, hits, misses, handle = entry
        results: list = []
        if misses:
            try:
                results = engine.result(handle)
            except Exception as exc:  # a worker died: its articles are skipped, the run goes on
                log.exception("a worker failed")
                results = [Skipped(source=a.source or a.id, reason=f"worker failed: {exc}") for a in misses]
        fresh = iter(results)
        new: list[ArticleGraph] = []
        packed: list[bytes | None] = []
        out: list[ArticleGraph] = []
        for i in range(len(chunk)):
            if i in hits:
                counts.cached += 1
                out.append(hits[i])
                continue
            r = next(fresh)
            if isinstance(r, Skipped):
                _skip(counts, r)
                bar.update(1)
                continue
            blob = None
            if isinstance(r, bytes):  # packed by a worker (extract_chunk_packed)
                blob, r = r, unpack_graph(r, chunk[i])
            new.append(r)
            packed.append(blob)
            out.append(r)
        if ledger is not None and new:
            ledger.record(new, packed)
        for g in out:
            bar.update(1)
            yield counts.add(g)

    def in_flight() -> int:
        return sum(1 for e in queue if e[3] is not None)

    try:
        for chunk in batched(_admitted(items, counts, bar), spec.chunk_size):
            hits = ledger.cached(chunk) if ledger is not None else {}
            misses = [a for i, a in enumerate(chunk) if i not in hits]
            queue.append([chunk, hits, misses, None])
            pending += len(misses)
            if engine is None and pending:
                held = sum(len(e[0]) for e in queue)
                if not spec.auto or pending >= AUTO_MIN_ARTICLES or held >= _HOLD_MAX:
                    engine = spec.open(None if pending >= AUTO_MIN_ARTICLES else pending)
            if engine is not None and pending:
                submit_all()
            while queue and (not queue[0][2] or (queue[0][3] is not None and in_flight() > engine.depth)):
                yield from finish(queue.popleft())
        if pending:
            if engine is None:
                engine = spec.open(pending)
            submit_all()
        while queue:
            yield from finish(queue.popleft())
        failed = False
    finally:
        if engine is not None:
            engine.close(failed=failed)


def extract_parallel(
    items: Iterable[Article | Skipped],
    *,
    workers: int,
    config=None,
    model_name=None,
    batch_size: int = 32,
    chunk_size: int = 16,
    counts: Counts | None = None,
) -> Iterator[ArticleGraph]:
    """Like :func:`extract`, over ``workers`` processes, each loading the pipeline once.

    Results come back in input order; at most ``2 * workers`` chunks are in flight,
    so memory stays flat however many articles come in.
    """
    spec = EngineSpec(workers=workers, config=config, model_name=model_name, batch_size=batch_size, chunk=chunk_size)
    return extract_stream(items, spec, counts=counts, engine=ProcessPool(spec, workers))


# -- build: extract, resolve, load, with a ledger ------------------------------------------


# how often a build commits to the store (and marks the ledger): what an interruption loses at most, and
# what is left to load when the NLP ends
COMMIT_SECONDS = 5.0


@contextmanager
def fewer_full_collections(every: int = 100):
    """Python's cyclic GC considers a full collection after every 10 collections of the middle
    generation; in a build's main process each one walks everything the resolver keeps (its name tables,
    the articles waiting for a full name) and the graphs in flight: 9 full collections, 1.5-2.1 s of a
    whole-BBC build. Within this block it considers one after every ``every`` (1 collection, 0.15 s);
    young objects are collected as before."""
    old = gc.get_threshold()
    gc.set_threshold(old[0], old[1], max(old[2], every))
    try:
        yield
    finally:
        gc.set_threshold(*old)


def build_into(
    st,
    items: Iterable[Article | Skipped],
    spec: EngineSpec,
    *,
    counts: Counts,
    ledger=None,
    store_dir=None,
    inputs_key: str | None = None,
    bar=None,
    commit_seconds: float = COMMIT_SECONDS,
    commit_most: int = 1000,
    engine=None,
):
    """Extract ``items``, resolve them and load them into the open store ``st``.

    The store commits at least every ``commit_seconds`` (or ``commit_most`` articles), and the
    ledger marks those articles loaded right after; an interrupted build loses at most that much.
    Returns the store's :class:`~kg.stores.base.LoadStats`, summed. ``engine``: an open engine to
    use (and close) instead of opening the one ``spec`` describes.
    """
    from kg.resolve import resolver as resolve
    from kg.stores.base import LoadStats

    resolver, run_id = run_resolver(st, store_dir, ledger, inputs_key)
    graphs = extract_stream(items, spec, counts=counts, ledger=ledger, bar=bar, engine=engine)
    total = LoadStats()
    with fewer_full_collections():
        for batch in batched(resolve.resolve_stream(graphs, resolver), commit_most, seconds=commit_seconds):
            s = st.load(batch)
            total.articles_loaded += s.articles_loaded
            total.articles_unchanged += s.articles_unchanged
            total.articles_replaced += s.articles_replaced
            total.records_written += s.records_written
            total.errors.extend(s.errors)
            if ledger is not None:
                ledger.mark_loaded(batch)
    if ledger is not None and run_id is not None:
        ledger.finish_run(run_id)
    total.articles_loaded -= resolver.revised  # a revision (Resolver.stream) is an article already counted
    return total
