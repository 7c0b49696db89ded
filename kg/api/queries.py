"""The API verbs that ask a store: ``query`` (SPARQL, or Cypher on Neo4j; named queries), ``stats`` and
``export``; and ``evaluate``, which scores the pipeline on a gold dataset."""

from __future__ import annotations

from pathlib import Path

from kg.api.common import StoreLocation, open_for_reading
from kg.stores.base import Result, Store

DEFAULT_LIMIT = 10_000  # rows a query returns unless told otherwise (0 or None: all)
DEFAULT_TIMEOUT = 60.0  # seconds a query may run unless told otherwise (0 or None: no limit)


def run_query(
    st: Store,
    text: str | None = None,
    *,
    name: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
    write: bool = False,
) -> Result:
    """Run ``text`` (or the named query ``name`` from ``schemas/queries``) on the open store ``st`` in its
    language: SPARQL (the catalogue's prefixes need no PREFIX lines) or Cypher on Neo4j.

    Safe by default: read-only unless ``write``; a query that would reach another machine (SPARQL
    ``SERVICE``/``LOAD``, Cypher ``LOAD CSV``) is refused unless ``allow_service``; at most ``limit`` rows
    (``Result.truncated`` says there were more) within ``timeout`` seconds (:class:`QueryTimeout`; on
    the embedded store the query is then abandoned: it stops at its next row, or an aggregate still
    computing finishes in the background).
    Errors are :class:`StoreError` with a one-line reason (a syntax error or an unknown prefix adds the
    query line and a caret)."""
    from kg.schema import catalogue, queries
    from kg.stores import sparql_guard

    if text and name:
        raise ValueError("give a query text or a named query, not both")
    if not (text or name):
        raise ValueError("give a query: its text, or a named query")
    q = text or queries.named(str(name), "cypher" if st.language == "cypher" else "rq")
    if st.language == "sparql":
        known = {"rdf": queries.RDF_NS, **catalogue.load().namespaces}
        sparql_guard.check(q, known=known, allow_service=allow_service, write=write)
        q = queries.with_prefixes(q)
    return st.query(q, write=write, allow_service=allow_service, limit=limit or None, timeout=timeout or None)


def query(
    text: str | None = None,
    *,
    store: StoreLocation = None,
    name: str | None = None,
    write: bool = False,
    language: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
) -> Result:
    """Open the store at ``store`` and :func:`run_query` there. ``language`` ("sparql"/"cypher"), when
    given, must be the store's."""
    from kg.stores.base import open_store

    with open_for_reading(store) if not write else open_store(store) as st:
        if language and language != st.language:
            raise ValueError(f"the store at {st.location or store} answers {st.language}, not {language}")
        return run_query(st, text, name=name, limit=limit, timeout=timeout, allow_service=allow_service, write=write)


def stats(*, store: StoreLocation = None) -> dict[str, int]:
    """Counts of articles, entities, relations, quotes and quads (or nodes, relationships) in the store."""
    with open_for_reading(store) as st:
        return st.stats()


def export(fmt: str, output: str | Path, *, store: StoreLocation = None, everything: bool = False) -> dict[str, int]:
    """Write the store's graph to ``output`` in ``fmt`` (an exporter plugin: graphml, gexf, json, ttl, nt,
    nq, trig, jsonld, neo4j-csv); returns what was written. GraphML, GEXF and JSON hold the actor
    network unless ``everything``."""
    from kg.export import export as _export

    with open_for_reading(store) as st:
        return _export(st, fmt, output, everything=everything)


def evaluate(
    dataset: str,
    path: str | Path,
    limit: int | None = None,
    *,
    model_name: str | None = None,
    config: str | None = None,
    dictionaries: str | Path | None = None,
):
    """Run the pipeline on a gold file of ``dataset`` (conll04, kbp37, polnear, crossre, petrarch) and
    score it; ``dictionaries``: a folder of PETRARCH-format dictionaries to load instead of kg's tables.

    Returns a :class:`kg.evaluate.Report` (``.metrics``, ``.as_dict()``, ``.table()``).
    """
    from kg.evaluate import dictionary_overrides
    from kg.evaluate import evaluate as _evaluate
    from kg.nlp import load_pipeline
    from kg.render import progress

    nlp = None
    if progress.enabled():
        overrides = dictionary_overrides(dictionaries) if dictionaries else None
        loaded = load_pipeline(config=config, model=model_name, overrides=overrides)
        if dictionaries:
            loaded.meta["kg"]["dictionaries"] = str(dictionaries)
        nlp = progress.ProgressNLP(loaded, f"eval {dataset}")
    return _evaluate(dataset, path, limit, nlp=nlp, model_name=model_name, config=config, dictionaries=dictionaries)


_ARTICLES = {
    "sparql": """SELECT ?id ?title ?date ?url ?source WHERE { ?a a kg:Article ; kg:articleId ?id .
        OPTIONAL { ?a schema:headline ?title } OPTIONAL { ?a schema:datePublished ?date }
        OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a kg:source ?source } }""",
    "cypher": """MATCH (a:Article) RETURN a.id AS id, a.title AS title, toString(a.date) AS date,
        a.url AS url, a.source AS source""",
}


def article_index(st: Store) -> dict[str, dict[str, str]]:
    """The open store's articles by id: ``id``, ``title`` (headline), ``date`` (ISO, day only), ``url`` and
    ``source`` (the file and line it was read from), empty strings where unknown."""
    from kg.schema.queries import with_prefixes

    text = _ARTICLES["cypher" if st.language == "cypher" else "sparql"]
    rows = st.query(with_prefixes(text) if st.language == "sparql" else text).dicts()
    out = {}
    for r in rows:
        a = {k: "" if r.get(k) is None else str(r[k]) for k in ("id", "title", "date", "url", "source")}
        a["date"] = a["date"][:10]
        out[a["id"]] = a
    return out
