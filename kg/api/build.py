"""The API verbs that put articles into a store: ``extract`` (articles -> ArticleGraph JSON Lines),
``build`` (read, extract, resolve, load; resumable) and ``load`` (ArticleGraph JSON Lines -> store)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from kg import model
from kg.api.common import StoreLocation
from kg.build.flow import Counts
from kg.build.timeouts import DEFAULT_ARTICLE_TIMEOUT
from kg.dates import check
from kg.readers import DEFAULT_MAX_CHARS
from kg.stores.base import default_location, is_remote, local_dir, open_store


def _spec(model_name, config, workers: int | None, dask: str | None = None, article_timeout: float | None = None):
    from kg.build.engines import EngineSpec
    from kg.nlp import batch_size

    return EngineSpec(
        workers=workers,
        dask=dask,
        config=config,
        model_name=model_name,
        batch_size=batch_size(config),
        article_timeout=article_timeout,
    )


def _bar(desc: str, inputs=None, total: int | None = None):
    """A progress bar on stderr (kg.render.progress), sized from ``inputs`` when it is on."""
    from kg.render import progress

    if inputs is not None and progress.enabled():
        total = progress.estimate_inputs(inputs)
    return progress.bar(desc, total)


def _ledger(ledger, where: str, model_name, config):
    """The build ledger (kg.build.ledger): ``ledger`` a path, False for none, None for its default place."""
    from kg.build import ledger as ledgers

    if ledger is False:
        return contextlib.nullcontext(None)
    path = Path(ledger) if ledger else ledgers.default_path(local_dir(where), where if is_remote(where) else None)
    return ledgers.Ledger(path, ledgers.pipeline_fingerprint(config, model_name))


def extract(
    inputs: Iterable[str],
    output: IO[str],
    *,
    model_name: str | None = None,
    config: str | None = None,
    stdin=None,
    workers: int | None = None,
    dask: str | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    date: str | None = None,
) -> Counts:
    """Read ``inputs``, run the NLP pipeline, write one ArticleGraph per line to ``output``.

    ``workers``: NLP processes (None: the cores; small inputs stay in this process); ``dask``: a
    Dask scheduler address or "local" (kg.build.dask). An article over ``max_chars`` characters,
    or whose NLP takes over ``article_timeout`` seconds, is skipped (None: no limit). ``date`` (ISO 8601)
    dates the articles that have no date of their own (``counts.undated`` counts those left without)."""
    from kg import readers as reader
    from kg.build.flow import extract_stream

    date = check(date) if date is not None else None
    counts = Counts()
    inputs = list(inputs)
    with _bar("extract", inputs) as bar:
        graphs = extract_stream(
            reader.read(inputs, stdin=stdin, max_chars=max_chars, date=date),
            _spec(model_name, config, workers, dask, article_timeout),
            counts=counts,
            bar=bar,
        )
        model.write_jsonl(graphs, output)
    return counts


def build(
    inputs: Iterable[str],
    *,
    store: StoreLocation = None,
    model_name: str | None = None,
    config: str | None = None,
    stdin=None,
    workers: int | None = None,
    batch_size: int | None = None,
    dask: str | None = None,
    ledger: str | Path | bool | None = None,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    date: str | None = None,
    neo4j_import: str | Path | None = None,
) -> Counts:
    """Read, extract and load ``inputs`` into the store at ``store`` (a directory for the embedded store,
    ``bolt://`` for Neo4j, ``http(s)://`` for a SPARQL server; default ``$KG_STORE`` or ``kg-store``).

    Resumable: the ledger (kg.build.ledger; ``ledger`` a path, False for none) remembers what was
    extracted, so unchanged articles are not parsed again and an interrupted build continues where
    it stopped. ``workers``: NLP processes (None: the cores); ``dask``: a scheduler address or
    "local". ``counts.nlp`` articles were parsed in this run, ``counts.cached`` came from the ledger.
    An article over ``max_chars`` characters, or whose NLP takes over ``article_timeout`` seconds, is
    skipped with that reason (None: no limit). ``batch_size``: Neo4j rows per write transaction. ``date``
    (ISO 8601) dates the articles that have no date of their own (``counts.undated`` counts those left
    without). ``neo4j_import``: instead of a store, write ``neo4j-admin database import full`` files for an
    empty Neo4j database into this new directory (kg.export.neo4j_import; no ledger).
    """
    from kg import readers as reader
    from kg.build.flow import COMMIT_SECONDS, build_into
    from kg.build.runs import run_key

    date = check(date) if date is not None else None
    counts = Counts()
    inputs = list(inputs)
    where = os.fspath(store) if store is not None else default_location()
    home = local_dir(where)
    options: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    if neo4j_import is not None:
        home, ledger = None, False
    with (
        _sink(neo4j_import) or open_store(where, **options) as st,
        _ledger(ledger, where, model_name, config) as led,
        _bar("build", inputs) as bar,
    ):
        stats = build_into(
            st,
            reader.read(inputs, stdin=stdin, max_chars=max_chars, exclude=[home] if home else [], date=date),
            _spec(model_name, config, workers, dask, article_timeout),
            counts=counts,
            ledger=led,
            store_dir=home,
            inputs_key=run_key(inputs),
            bar=bar,
            commit_seconds=float(os.environ.get("KG_COMMIT_SECONDS", COMMIT_SECONDS)),
        )
    counts.loaded = stats.articles_loaded
    counts.unchanged = stats.articles_unchanged
    return counts


def _sink(neo4j_import: str | Path | None):
    """The neo4j-admin import writer for ``neo4j_import``, or None."""
    if neo4j_import is None:
        return None
    from kg.export.neo4j_import import Neo4jImportWriter

    return Neo4jImportWriter(neo4j_import)


def load(
    jsonl_paths: Iterable[str],
    *,
    store: StoreLocation = None,
    batch_size: int | None = None,
    neo4j_import: str | Path | None = None,
    stdin=None,
) -> Counts:
    """Load ArticleGraph JSON Lines (the output of ``extract``) into the store at ``store``, resolving
    entities across articles on the way (alias table and curation file beside an embedded store). A
    path ``-`` reads ``stdin``. ``neo4j_import``: write neo4j-admin import files into this new directory
    instead (as :func:`build`)."""
    import contextlib

    from kg.resolve import resolver as resolve

    counts = Counts()
    jsonl_paths = list(jsonl_paths)
    where = os.fspath(store) if store is not None else default_location()

    def graphs(bar):
        for path in jsonl_paths:
            use_stdin = path == "-" and stdin is not None
            with contextlib.nullcontext(stdin) if use_stdin else open(path, encoding="utf-8") as fh:
                for item in model.read_jsonl(fh, source=str(path)):
                    counts.read += 1
                    bar.update(1)
                    if isinstance(item, model.Skipped):
                        counts.skipped.append(item)
                    else:
                        yield counts.add(item)

    options: dict[str, Any] = {"batch_size": batch_size} if batch_size else {}
    sink = _sink(neo4j_import)
    with sink or open_store(where, **options) as st, _bar("load", jsonl_paths) as bar:
        resolver = resolve.for_store(None if sink else local_dir(where), st)
        stats = st.load(resolve.resolve_stream(graphs(bar), resolver))
    counts.loaded = stats.articles_loaded - resolver.revised  # a revision is an article already counted
    counts.unchanged = stats.articles_unchanged
    return counts
