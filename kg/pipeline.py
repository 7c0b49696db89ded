"""The flow: read -> nlp -> extract -> sink, streamed in batches.

Every input ends as exactly one of: extracted (and then loaded or unchanged),
or skipped with a reason. :class:`Counts` adds them up.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from . import read as reader
from .extract import doc_to_graph
from .model import Article, ArticleGraph, Skipped

log = logging.getLogger("kg")


@dataclass
class Counts:
    read: int = 0  # inputs seen: articles + skipped
    extracted: int = 0
    loaded: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    quotes: int = 0

    @property
    def balanced(self) -> bool:
        return self.read == self.extracted + len(self.skipped)

    def add(self, graph: ArticleGraph) -> ArticleGraph:
        """Count an extracted graph and hand it on."""
        self.extracted += 1
        self.entities += len(graph.entities)
        self.relations += len(graph.relations)
        self.quotes += len(graph.quotes)
        return graph

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason.split(":")[0] for s in self.skipped))

    def as_dict(self) -> dict:
        return {"read": self.read, "extracted": self.extracted, "loaded": self.loaded, "unchanged": self.unchanged,
                "skipped": len(self.skipped), "entities": self.entities, "relations": self.relations,
                "quotes": self.quotes}


def extract(items: Iterable[Article | Skipped], nlp, *, batch_size: int = 32,
            counts: Counts | None = None) -> Iterator[ArticleGraph]:
    """ArticleGraphs for the articles in ``items``, streamed through ``nlp.pipe``.

    Skipped inputs are recorded in ``counts`` (and logged), never raised.
    """
    counts = counts if counts is not None else Counts()

    def texts():
        for item in items:
            counts.read += 1
            if isinstance(item, Skipped):
                _skip(counts, item)
                continue
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


def read_and_extract(inputs: Iterable[str], nlp, *, batch_size: int = 32, counts: Counts | None = None,
                     stdin=None) -> Iterator[ArticleGraph]:
    return extract(reader.read(inputs, stdin=stdin), nlp, batch_size=batch_size, counts=counts)


# -- worker processes ---------------------------------------------------------------

_WORKER_NLP = None
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _worker_init(config, model_name) -> None:
    # One BLAS thread per process: with N processes on N cores, more threads only contend.
    for var in _THREAD_VARS:
        os.environ[var] = "1"
    global _WORKER_NLP
    from .nlp import load_pipeline

    _WORKER_NLP = load_pipeline(config=config, model=model_name)


def _worker_run(chunk: list[Article], batch_size: int) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for item in extract(chunk, _WORKER_NLP, batch_size=batch_size, counts=Counts()):
        out.append(("graph", item))
    done = {g.article.id for kind, g in out}
    for a in chunk:  # an article whose extraction failed in the worker comes back as a skip
        if a.id not in done:
            out.append(("skip", Skipped(source=a.source or a.id, reason="extraction failed in worker")))
    return out


def extract_parallel(items: Iterable[Article | Skipped], *, workers: int, config=None, model_name=None,
                     batch_size: int = 32, chunk_size: int = 16, counts: Counts | None = None) -> Iterator[ArticleGraph]:
    """Like :func:`extract`, over ``workers`` processes, each loading the pipeline once.

    Results come back in input order; at most ``2 * workers`` chunks are in flight,
    so memory stays flat however many articles come in.
    """
    import multiprocessing as mp

    counts = counts if counts is not None else Counts()
    ctx = mp.get_context("spawn")
    in_flight: deque = deque()

    def chunks():
        chunk: list[Article] = []
        for item in items:
            counts.read += 1
            if isinstance(item, Skipped):
                _skip(counts, item)
                continue
            chunk.append(item)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def drain(pair):
        chunk, result = pair
        try:
            results = result.get()
        except Exception as exc:  # a worker died: its articles are skipped, the run goes on
            results = [("skip", Skipped(source=a.source or a.id, reason=f"worker failed: {exc}")) for a in chunk]
        for kind, obj in results:
            if kind == "skip":
                _skip(counts, obj)
                continue
            yield counts.add(obj)

    with ctx.Pool(workers, initializer=_worker_init, initargs=(config, model_name)) as pool:
        for chunk in chunks():
            in_flight.append((chunk, pool.apply_async(_worker_run, (chunk, batch_size))))
            while len(in_flight) >= 2 * workers:
                yield from drain(in_flight.popleft())
        while in_flight:
            yield from drain(in_flight.popleft())
