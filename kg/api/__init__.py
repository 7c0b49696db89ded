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

from kg import model
from kg.build.flow import Counts
from kg.readers import DEFAULT_MAX_CHARS
from kg.build.timeouts import DEFAULT_ARTICLE_TIMEOUT
from kg.stores import Result, open_store
from kg.export import files as _files

DEFAULT_STORE = os.environ.get("KG_STORE", "kg-store")


def _nlp(model_name: str | None = None, config: str | None = None):
    from kg.nlp import load_pipeline

    return load_pipeline(config=config, model=model_name)


def _batch(config: str | None) -> int:
    from kg.nlp import batch_size

    return batch_size(config)


def _spec(model_name, config, workers: int | None, dask: str | None = None, article_timeout: float | None = None):
    from kg.build.engines import EngineSpec

    return EngineSpec(workers=workers, dask=dask, config=config, model_name=model_name, batch_size=_batch(config),
                      article_timeout=article_timeout)


def _bar(desc: str, inputs=None, total: int | None = None):
    """A progress bar on stderr (kg.render.progress), sized from ``inputs`` when it is on."""
    from kg.render import progress

    if inputs is not None and progress.enabled():
        total = progress.estimate_inputs(inputs)
    return progress.bar(desc, total)


def extract(inputs: Iterable[str], output: IO[str], *, model_name: str | None = None, config: str | None = None,
            stdin=None, workers: int | None = None, dask: str | None = None,
            max_chars: int | None = DEFAULT_MAX_CHARS,
            article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT) -> Counts:
    """Read ``inputs``, run the NLP pipeline, write one ArticleGraph per line to ``output``.

    ``workers``: NLP processes (None: the cores; small inputs stay in this process); ``dask``: a
    Dask scheduler address or "local" (kg.build.dask). An article over ``max_chars`` characters,
    or whose NLP takes over ``article_timeout`` seconds, is skipped (None: no limit)."""
    from kg import readers as reader
    from kg.build.flow import extract_stream

    counts = Counts()
    inputs = list(inputs)
    with _bar("extract", inputs) as bar:
        graphs = extract_stream(reader.read(inputs, stdin=stdin, max_chars=max_chars),
                                _spec(model_name, config, workers, dask, article_timeout), counts=counts, bar=bar)
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


def _ledger(ledger, store, remote: str | None, model_name, config):
    """The build ledger (kg.build.ledger): ``ledger`` a path, False for none, None for its default place."""
    import contextlib

    from kg.build import ledger as ledgers

    if ledger is False:
        return contextlib.nullcontext(None)
    path = Path(ledger) if ledger else ledgers.default_path(store, remote)
    return ledgers.Ledger(path, ledgers.pipeline_fingerprint(config, model_name))


def build(inputs: Iterable[str], *, store: str | Path = DEFAULT_STORE, model_name: str | None = None,
          config: str | None = None, stdin=None, workers: int | None = None, neo4j: str | None = None,
          batch_size: int | None = None, sparql_endpoint: str | None = None, dask: str | None = None,
          ledger: str | Path | bool | None = None, max_chars: int | None = DEFAULT_MAX_CHARS,
          article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT) -> Counts:
    """Read, extract and load ``inputs`` into the embedded store at ``store`` (or Neo4j at ``neo4j``,
    or the SPARQL server at ``sparql_endpoint``).

    Resumable: the ledger (kg.build.ledger; ``ledger`` a path, False for none) remembers what was
    extracted, so unchanged articles are not parsed again and an interrupted build continues where
    it stopped. ``workers``: NLP processes (None: the cores); ``dask``: a scheduler address or
    "local". ``counts.nlp`` articles were parsed in this run, ``counts.cached`` came from the ledger.
    An article over ``max_chars`` characters, or whose NLP takes over ``article_timeout`` seconds, is
    skipped with that reason (None: no limit).
    """
    from kg import readers as reader
    from kg.build.flow import COMMIT_SECONDS
    from kg.build.flow import build_into
    from kg.build.runs import run_key

    counts = Counts()
    inputs = list(inputs)
    remote = neo4j or sparql_endpoint
    with _sink(store, neo4j, batch_size, sparql_endpoint=sparql_endpoint) as st, \
            _ledger(ledger, store, remote, model_name, config) as led, _bar("build", inputs) as bar:
        stats = build_into(st, reader.read(inputs, stdin=stdin, max_chars=max_chars,
                                           exclude=[] if remote or not store else [store]),
                           _spec(model_name, config, workers, dask, article_timeout),
                           counts=counts, ledger=led, store_dir=None if remote else store,
                           inputs_key=run_key(inputs), bar=bar,
                           commit_seconds=float(os.environ.get("KG_COMMIT_SECONDS", COMMIT_SECONDS)))
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def load(jsonl_paths: Iterable[str], *, store: str | Path = DEFAULT_STORE, neo4j: str | None = None,
         batch_size: int | None = None, sparql_endpoint: str | None = None) -> Counts:
    """Load ArticleGraph JSON Lines (the output of ``extract``) into the store (or Neo4j at ``neo4j``)."""
    from kg.resolve import resolver as resolve

    counts = Counts()
    jsonl_paths = list(jsonl_paths)

    def graphs(bar):
        for path in jsonl_paths:
            with open(path, encoding="utf-8") as fh:
                for item in model.read_jsonl(fh, source=str(path)):
                    counts.read += 1
                    bar.update(1)
                    if isinstance(item, model.Skipped):
                        counts.skipped.append(item)
                    else:
                        counts.extracted += 1
                        yield item

    with _sink(store, neo4j, batch_size, sparql_endpoint=sparql_endpoint) as st, _bar("load", jsonl_paths) as bar:
        # cross-article resolution between extract and load; alias table and curation file in the store's directory
        resolver = resolve.for_store(None if (neo4j or sparql_endpoint) else store, st)
        stats = st.load(resolve.resolve_stream(graphs(bar), resolver))
    counts.loaded = stats.articles_loaded - resolver.revised  # a revision is an article already counted
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
    from kg.render import progress
    from kg.evaluate import evaluate as _evaluate

    nlp = progress.ProgressNLP(_nlp(model_name, config), f"eval {dataset}") if progress.enabled() else None
    return _evaluate(dataset, path, limit, nlp=nlp, model_name=model_name, config=config)


# Analyses and resolution curation (kg/analyse/commands.py): kg alliances, positions, centrality, path,
# ego, actors, merge, split, changes, viz, report.
from kg.api.analyses import actors
from kg.api.analyses import alliances
from kg.api.analyses import centrality
from kg.api.analyses import ego
from kg.api.analyses import merge
from kg.api.analyses import path
from kg.api.analyses import positions
from kg.api.analyses import split  # noqa: E402
from kg.api.analyses import changes
from kg.api.analyses import report
from kg.api.analyses import viz  # noqa: E402

__all__ = ["build", "extract", "evaluate", "export", "load", "query", "stats", "Counts",
           "actors", "alliances", "centrality", "ego", "merge", "path", "positions", "split",
           "changes", "report", "viz"]
