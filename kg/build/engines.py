"""Engines: where the NLP runs. This process (:class:`InProcess`), a pool of spawned worker processes
(:class:`ProcessPool`, each loading the pipeline once) or Dask workers (:mod:`kg.build.dask`), all
behind ``submit(chunk)`` / ``result(handle)`` / ``close()``; :class:`EngineSpec` says which."""

from __future__ import annotations

import os
from dataclasses import dataclass

from kg import readers as reader
from kg.model import Article, ArticleGraph, Skipped


def extract_chunk(
    chunk: list[Article], nlp, batch_size: int = 32, timeout: float | None = None
) -> list[ArticleGraph | Skipped]:
    """One graph (or a Skipped saying why not) per article of ``chunk``, in order. Runs in whichever
    process holds ``nlp``; an NLP error is narrowed down to the article that caused it, and an
    article taking over ``timeout`` seconds is skipped as timed out (kg.build.timeouts)."""
    from kg.build.timeouts import bounded_pipe
    from kg.nlp.graph import doc_to_graph

    return [
        graph if reason is None else reader.skipped_article(article, reason)
        for article, graph, reason in bounded_pipe(
            nlp, ((a.text, a) for a in chunk), doc_to_graph, batch_size=batch_size, timeout=timeout
        )
    ]


def cores() -> int:
    """CPU cores this process may use (its affinity mask, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass
class EngineSpec:
    """How to run the NLP. ``workers`` None means the default: :func:`cores` processes, but this
    process alone when fewer than :data:`AUTO_MIN_ARTICLES` articles need parsing. ``dask`` is a
    scheduler address (``tcp://host:8786``) or ``local`` (a LocalCluster of ``workers`` processes)."""

    workers: int | None = None
    dask: str | None = None
    config: str | None = None
    model_name: str | None = None
    batch_size: int = 32
    chunk: int | None = None  # articles per chunk sent to an engine (default: see chunk_size)
    article_timeout: float | None = None  # seconds of NLP per article (kg.build.timeouts); None: no limit

    @property
    def auto(self) -> bool:
        return self.workers is None and not self.dask

    @property
    def chunk_size(self) -> int:
        if self.chunk:
            return self.chunk
        if self.dask:
            return 32
        return self.batch_size if self.workers == 1 else 16

    def open(self, expected: int | None = None):
        """An engine for about ``expected`` articles to parse (None: many): an ``engine`` plugin
        (:mod:`kg.plugins`) made with this spec and a number of workers."""
        from kg import plugins

        n = self.workers or cores()
        if self.dask:
            name = "dask"
        else:
            if self.auto and expected is not None and expected < AUTO_MIN_ARTICLES:
                n = 1
            name = "inprocess" if n <= 1 else "processes"
        return plugins.get(name, "engine")(self, n)


class InProcess:
    """The NLP in this process; the pipeline is loaded on the first chunk that needs it."""

    depth = 0  # chunks in flight beyond the one being drained

    def __init__(self, spec: EngineSpec, workers: int = 1, nlp=None):
        self.spec, self.nlp = spec, nlp

    def submit(self, chunk: list[Article]):
        return chunk

    def result(self, chunk: list[Article]) -> list[ArticleGraph | Skipped]:
        if self.nlp is None:
            from kg.nlp import load_pipeline

            self.nlp = load_pipeline(config=self.spec.config, model=self.spec.model_name)
        return extract_chunk(chunk, self.nlp, self.spec.batch_size, self.spec.article_timeout)

    def close(self, failed: bool = False) -> None:
        pass


_WORKER_NLP = None


THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def _worker_init(config, model_name) -> None:
    # One BLAS thread per process: with N processes on N cores, more threads only contend.
    for var in THREAD_VARS:
        os.environ[var] = "1"
    global _WORKER_NLP
    from kg.nlp import load_pipeline

    _WORKER_NLP = load_pipeline(config=config, model=model_name)


def extract_chunk_packed(
    chunk: list[Article], nlp, batch_size: int = 32, timeout: float | None = None
) -> list[bytes | Skipped]:
    """:func:`extract_chunk` in the form a worker process sends back: each graph packed as the ledger
    stores it (kg.build.ledger.pack_graph: compressed JSON without the article, which the receiver holds),
    a fifth of a pickle's bytes, and less work on both ends when a ledger records it."""
    from kg.build.ledger import pack_graph

    return [r if isinstance(r, Skipped) else pack_graph(r) for r in extract_chunk(chunk, nlp, batch_size, timeout)]


def _worker_run(chunk: list[Article], batch_size: int, timeout: float | None = None) -> list[bytes | Skipped]:
    return extract_chunk_packed(chunk, _WORKER_NLP, batch_size, timeout)


class ProcessPool:
    """``workers`` spawned processes, each loading the pipeline once; at most two chunks per worker
    in flight."""

    def __init__(self, spec: EngineSpec, workers: int):
        import multiprocessing as mp

        self.spec, self.depth = spec, 2 * workers
        self.pool = mp.get_context("spawn").Pool(
            workers, initializer=_worker_init, initargs=(spec.config, spec.model_name)
        )

    def submit(self, chunk: list[Article]):
        return self.pool.apply_async(_worker_run, (chunk, self.spec.batch_size, self.spec.article_timeout))

    def result(self, handle) -> list[bytes | Skipped]:
        return handle.get()

    def close(self, failed: bool = False) -> None:
        # A run closes its pool once every result is in (or it failed), and the workers hold nothing to
        # save: ending them at once spares the interpreter teardown of each (long with the model
        # loaded), which a build would otherwise wait for before it loads its last articles.
        self.pool.terminate()
        self.pool.join()


AUTO_MIN_ARTICLES = 64  # default --workers: fewer articles than this to parse run in this process
