"""Exports of a store: graph files for Gephi/networkx (:mod:`kg.export.graph`: GraphML, GEXF, node-link
JSON), RDF files (:mod:`kg.export.rdf`: Turtle, N-Triples, N-Quads, TriG, JSON-LD) and CSV files for
``neo4j-admin database import`` (:mod:`kg.export.neo4j_csv`).

Each format is an ``exporter`` plugin (:mod:`kg.plugins`): ``export(store, out) -> dict`` of what was
written; another package adds a format under the ``kg.exporters`` entry-point group.
"""

from __future__ import annotations

import inspect
from pathlib import Path

from kg import plugins


def formats() -> list[str]:
    """The export formats kg knows (its own and those of installed packages)."""
    return plugins.names("exporter")


def export(store, fmt: str, out: str | Path, *, everything: bool = False) -> dict[str, int]:
    """Write the store's graph to ``out`` in ``fmt`` (a directory for ``neo4j-csv``); returns what was
    written. The graph formats hold the actor network unless ``everything``; the RDF and CSV exports
    always hold every entity."""
    try:
        exporter = plugins.get(fmt, "exporter")
    except plugins.PluginError:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(formats())}") from None
    if everything and "everything" in inspect.signature(exporter).parameters:
        return exporter(store, Path(out), everything=True)
    return exporter(store, Path(out))
