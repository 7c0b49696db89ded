"""Extraction on a Dask distributed cluster: ``kg build … --dask tcp://scheduler:8786`` or ``--dask local``.

A :class:`PipelinePlugin` (a ``distributed.WorkerPlugin``) loads the spaCy pipeline once on every
worker, including workers that join later. Articles go to the workers in partitions (chunks of
:attr:`kg.build.engines.EngineSpec.chunk_size` articles), at most two partitions per worker in flight;
the graphs come back to this process in input order and stream on, in batches, to resolution and
the sink (Neo4j, a SPARQL server or the embedded store), exactly as with local worker processes.
``local`` starts a ``LocalCluster`` of ``--workers`` processes with one thread each.

Workers need kg installed (the same version: the ledger's pipeline fingerprint assumes it) and the
spaCy model; a ``--config`` path must exist on them too. Needs ``pip install 'kg[dask]'``.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from kg.build.engines import EngineSpec
from kg.model import Article, Skipped

log = logging.getLogger("kg")

PLUGIN_NAME = "kg-pipeline"


def _require():
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise RuntimeError("--dask needs dask.distributed: pip install 'kg[dask]'") from None


if TYPE_CHECKING:
    from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
    from spacy.language import Language
else:
    try:
        from distributed.diagnostics.plugin import WorkerPlugin as _WorkerPlugin
    except ImportError:  # pragma: no cover - without the extra, the engine refuses to start anyway
        _WorkerPlugin = object


class PipelinePlugin(_WorkerPlugin):
    """Loads kg's spaCy pipeline once per worker (``worker.plugins['kg-pipeline'].nlp``)."""

    name = PLUGIN_NAME

    def __init__(self, config: str | None = None, model_name: str | None = None):
        self.config, self.model_name = config, model_name
        self.nlp: Language | None = None  # loaded by setup() on the worker

    def setup(self, worker) -> None:
        from kg.build.engines import THREAD_VARS
        from kg.nlp import load_pipeline

        for var in THREAD_VARS:  # one BLAS thread per worker thread (the nanny sets these too)
            os.environ.setdefault(var, "1")
        self.nlp = load_pipeline(config=self.config, model=self.model_name)


def extract_partition(chunk: list[Article], batch_size: int) -> list[bytes | Skipped]:
    """Runs on a worker: one graph, packed (kg.build.engines.extract_chunk_packed), or Skipped per article of
    ``chunk``, with the worker's pipeline."""
    from distributed import get_worker

    from kg.build.engines import extract_chunk_packed

    plugin = get_worker().plugins[PLUGIN_NAME]
    if not isinstance(plugin, PipelinePlugin):
        raise RuntimeError(f"the worker's {PLUGIN_NAME!r} plugin is not kg's pipeline plugin")
    return extract_chunk_packed(chunk, plugin.nlp, batch_size)


class DaskEngine:
    """The NLP on the Dask cluster at ``spec.dask`` (``local``: a LocalCluster of ``workers`` processes)."""

    def __init__(self, spec: EngineSpec, workers: int = 2):
        _require()
        from distributed import Client, LocalCluster

        address, config, model_name = spec.dask, spec.config, spec.model_name
        self.batch_size = spec.batch_size
        self.cluster = None
        if not log.isEnabledFor(logging.DEBUG):  # Dask's INFO chatter only with kg --debug
            logging.getLogger("distributed").setLevel(logging.WARNING)
        if address == "local":  # dashboard on a free port: never clash with another cluster's 8787
            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            self.client = Client(self.cluster)
        else:
            self.client = Client(address)
        try:
            self.client.register_plugin(PipelinePlugin(config, model_name), name=PLUGIN_NAME)
            n = len(self.client.scheduler_info().get("workers", {})) or workers
        except BaseException:
            self.close(failed=True)
            raise
        self.depth = 2 * n
        assert self.client.scheduler is not None  # a connected client has its scheduler
        log.info("dask: %d workers at %s", n, self.client.scheduler.address)

    def submit(self, chunk: list[Article]):
        return self.client.submit(extract_partition, chunk, self.batch_size, pure=False)

    def result(self, future) -> list[bytes | Skipped]:
        try:
            return future.result()
        finally:
            future.release()

    def close(self, failed: bool = False) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
