"""Extraction on a real Dask LocalCluster with 2 worker processes builds the graph a single process builds."""

from __future__ import annotations

import pytest

from kg import api
from kg import readers as read
from kg.build.engines import EngineSpec
from kg.build.flow import Counts, build_into
from kg.stores import open_store

from helpers import EXAMPLES, canonical_dump

pytest.importorskip("distributed", reason="dask.distributed not installed: pip install 'kg[dask]'")


def test_dask_local_cluster_builds_the_single_process_graph(tmp_path):
    from kg.build.dask import PLUGIN_NAME

    one = api.build([str(EXAMPLES)], store=tmp_path / "one", workers=1, ledger=False)

    spec = EngineSpec(workers=2, dask="local", chunk=3)  # --dask local --workers 2; 5 partitions
    engine = spec.open()  # closed by build_into
    try:
        workers = engine.client.run(lambda dask_worker: dask_worker.plugins[PLUGIN_NAME].nlp is not None)
    except BaseException:
        engine.close(failed=True)
        raise
    counts = Counts()
    with open_store(tmp_path / "dask") as st:
        stats = build_into(
            st, read.read([str(EXAMPLES)]), spec, counts=counts, store_dir=tmp_path / "dask", engine=engine
        )
    assert list(workers.values()) == [True, True]  # the plugin loaded the pipeline on each worker, before any task
    assert counts.nlp == one.nlp == 14 and stats.articles_loaded == one.loaded == 14 and not counts.skipped
    assert canonical_dump(tmp_path / "dask") == canonical_dump(tmp_path / "one")
    assert (tmp_path / "dask" / "aliases.json").read_text() == (tmp_path / "one" / "aliases.json").read_text()
