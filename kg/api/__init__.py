"""kg's Python API. Every ``kg`` CLI command is a thin wrapper over the function of the same name here.

Every verb that reads or writes a graph takes ``store``: a directory for the embedded store (the
default, ``$KG_STORE`` or ``kg-store``), ``bolt://``/``neo4j://`` for a Neo4j server, ``http(s)://``
for a SPARQL 1.1 server (:func:`kg.stores.open_store`).

>>> from kg import api                                                   # doctest: +SKIP
>>> counts = api.build(["examples/articles"], store="kg-store")          # doctest: +SKIP
>>> api.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", store="kg-store").rows   # doctest: +SKIP
[[7579]]
>>> api.query(name="positions-held", store="bolt://127.0.0.1:7687")     # doctest: +SKIP
"""

from __future__ import annotations

from kg.api.analyses import actors, alliances, centrality, changes, ego, graph, path, positions, report, viz
from kg.api.annotations import analyse
from kg.api.build import build, extract, load
from kg.api.common import Analysis
from kg.api.curation import merge, rename, split
from kg.api.queries import evaluate, export, query, run_query, stats
from kg.build.flow import Counts
from kg.build.timeouts import DEFAULT_ARTICLE_TIMEOUT
from kg.readers import DEFAULT_MAX_CHARS
from kg.stores.base import Result, default_location

__all__ = [
    "DEFAULT_ARTICLE_TIMEOUT",
    "DEFAULT_MAX_CHARS",
    "Analysis",
    "Counts",
    "Result",
    "actors",
    "alliances",
    "analyse",
    "build",
    "centrality",
    "changes",
    "default_location",
    "ego",
    "evaluate",
    "export",
    "extract",
    "graph",
    "load",
    "merge",
    "path",
    "positions",
    "query",
    "rename",
    "report",
    "run_query",
    "split",
    "stats",
    "viz",
]
