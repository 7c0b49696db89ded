"""kg's Python API. Every ``kg`` CLI command is a thin wrapper over one function here.

>>> from kg import api                                       # doctest: +SKIP
>>> counts = api.build(["examples/articles"], store="kg-store")   # doctest: +SKIP
>>> api.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", store="kg-store").rows   # doctest: +SKIP
[[1234]]
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Iterable

from . import model
from .pipeline import Counts, read_and_extract
from .stores import Result, open_store
from .stores import files as _files

DEFAULT_STORE = os.environ.get("KG_STORE", "kg-store")


def _nlp(model_name: str | None = None, config: str | None = None):
    from .nlp import load_pipeline

    return load_pipeline(config=config, model=model_name)


def _batch(config: str | None) -> int:
    from .nlp import batch_size

    return batch_size(config)


def _graphs(inputs, counts: Counts, *, model_name, config, stdin, workers: int):
    """ArticleGraphs for ``inputs``, in this process or over ``workers`` processes."""
    if workers > 1:
        from . import read as reader
        from .pipeline import extract_parallel

        return extract_parallel(reader.read(inputs, stdin=stdin), workers=workers, config=config,
                                model_name=model_name, batch_size=_batch(config), counts=counts)
    return read_and_extract(inputs, _nlp(model_name, config), batch_size=_batch(config), counts=counts, stdin=stdin)


def extract(inputs: Iterable[str], output: IO[str], *, model_name: str | None = None, config: str | None = None,
            stdin=None, workers: int = 1) -> Counts:
    """Read ``inputs``, run the NLP pipeline, write one ArticleGraph per line to ``output``."""
    counts = Counts()
    graphs = _graphs(inputs, counts, model_name=model_name, config=config, stdin=stdin, workers=workers)
    model.write_jsonl(graphs, output)
    return counts


def open_embedded(store: str | Path = DEFAULT_STORE, read_only: bool = False):
    return open_store("oxigraph", path=str(store), read_only=read_only)


def build(inputs: Iterable[str], *, store: str | Path = DEFAULT_STORE, model_name: str | None = None,
          config: str | None = None, stdin=None, workers: int = 1) -> Counts:
    """Read, extract and load ``inputs`` into the embedded store at ``store``."""
    counts = Counts()
    with open_embedded(store) as st:
        graphs = _graphs(inputs, counts, model_name=model_name, config=config, stdin=stdin, workers=workers)
        stats = st.load(graphs)
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def load(jsonl_paths: Iterable[str], *, store: str | Path = DEFAULT_STORE) -> Counts:
    """Load ArticleGraph JSON Lines (the output of ``extract``) into the store."""
    counts = Counts()

    def graphs():
        for path in jsonl_paths:
            with open(path, encoding="utf-8") as fh:
                for item in model.read_jsonl(fh, source=str(path)):
                    counts.read += 1
                    if isinstance(item, model.Skipped):
                        counts.skipped.append(item)
                    else:
                        counts.extracted += 1
                        yield item

    with open_embedded(store) as st:
        stats = st.load(graphs())
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def query(text: str, *, store: str | Path = DEFAULT_STORE, write: bool = False) -> Result:
    """Run a SPARQL query against the embedded store (read-only unless ``write``)."""
    with open_embedded(store, read_only=not write) as st:
        return st.query(text, write=write)


def export(fmt: str, output: str | Path, *, store: str | Path = DEFAULT_STORE) -> dict[str, int]:
    with open_embedded(store, read_only=True) as st:
        return _files.export(st, fmt, output)


def stats(*, store: str | Path = DEFAULT_STORE) -> dict[str, int]:
    with open_embedded(store, read_only=True) as st:
        return st.stats()


__all__ = ["build", "extract", "export", "load", "query", "stats", "Counts"]
