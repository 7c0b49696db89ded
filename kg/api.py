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


def open_neo4j(uri: str | None = None, **options):
    """The Neo4j store at ``uri`` (else env NEO4J_URI); credentials from NEO4J_USER / NEO4J_PASSWORD."""
    return open_store("neo4j", uri=uri, **options)


def open_sparql(endpoint: str, read_only: bool = False):
    """The remote SPARQL store at ``endpoint`` (SPARQL 1.1 Protocol + Graph Store Protocol)."""
    return open_store("sparql", endpoint=endpoint, read_only=read_only)


def _sink(store, neo4j: str | None, batch_size: int | None = None, read_only: bool = False,
          sparql_endpoint: str | None = None):
    if sparql_endpoint:
        return open_sparql(sparql_endpoint, read_only=read_only)
    if neo4j:
        return open_neo4j(neo4j, **({"batch_size": batch_size} if batch_size else {}))
    return open_embedded(store, read_only=read_only)


def _resolved(graphs, st, store_dir):
    """Cross-article entity resolution between extract and load (kg.resolve): the alias table and
    curation file live in the embedded store's directory."""
    from . import resolve

    return resolve.resolve_stream(graphs, resolve.for_store(store_dir, st))


def build(inputs: Iterable[str], *, store: str | Path = DEFAULT_STORE, model_name: str | None = None,
          config: str | None = None, stdin=None, workers: int = 1, neo4j: str | None = None,
          batch_size: int | None = None, sparql_endpoint: str | None = None) -> Counts:
    """Read, extract and load ``inputs`` into the embedded store at ``store`` (or Neo4j at ``neo4j``)."""
    counts = Counts()
    with _sink(store, neo4j, batch_size, sparql_endpoint=sparql_endpoint) as st:
        graphs = _graphs(inputs, counts, model_name=model_name, config=config, stdin=stdin, workers=workers)
        stats = st.load(_resolved(graphs, st, None if (neo4j or sparql_endpoint) else store))
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def load(jsonl_paths: Iterable[str], *, store: str | Path = DEFAULT_STORE, neo4j: str | None = None,
         batch_size: int | None = None, sparql_endpoint: str | None = None) -> Counts:
    """Load ArticleGraph JSON Lines (the output of ``extract``) into the store (or Neo4j at ``neo4j``)."""
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

    with _sink(store, neo4j, batch_size, sparql_endpoint=sparql_endpoint) as st:
        stats = st.load(_resolved(graphs(), st, None if (neo4j or sparql_endpoint) else store))
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def query(text: str, *, store: str | Path = DEFAULT_STORE, write: bool = False, neo4j: str | None = None,
          sparql_endpoint: str | None = None) -> Result:
    """Run SPARQL on the embedded store (or the server at ``sparql_endpoint``), or Cypher on Neo4j
    at ``neo4j`` (read-only unless ``write``)."""
    with _sink(store, neo4j, read_only=not write, sparql_endpoint=sparql_endpoint) as st:
        return st.query(text, write=write)


def export(fmt: str, output: str | Path, *, store: str | Path = DEFAULT_STORE,
           sparql_endpoint: str | None = None) -> dict[str, int]:
    with _sink(store, None, read_only=True, sparql_endpoint=sparql_endpoint) as st:
        return _files.export(st, fmt, output)


def stats(*, store: str | Path = DEFAULT_STORE, neo4j: str | None = None,
          sparql_endpoint: str | None = None) -> dict[str, int]:
    with _sink(store, neo4j, read_only=True, sparql_endpoint=sparql_endpoint) as st:
        return st.stats()


def evaluate(dataset: str, path: str | Path, limit: int | None = None, *, model_name: str | None = None,
             config: str | None = None):
    """Run the pipeline on a gold file of ``dataset`` (conll04, kbp37, polnear, crossre) and score it.

    Returns a :class:`kg.evaluate.Report` (``.metrics``, ``.as_dict()``, ``.table()``).
    """
    from .evaluate import evaluate as _evaluate

    return _evaluate(dataset, path, limit, model_name=model_name, config=config)


# Analyses and resolution curation (kg/analyse/commands.py): kg alliances, positions, centrality, path,
# ego, actors, merge, split.
from .analyse.commands import actors, alliances, centrality, ego, merge, path, positions, split  # noqa: E402

__all__ = ["build", "extract", "evaluate", "export", "load", "query", "stats", "Counts",
           "actors", "alliances", "centrality", "ego", "merge", "path", "positions", "split"]
