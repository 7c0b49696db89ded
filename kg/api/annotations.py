"""The ``kg analyse`` verb: each actor's aliases and analysis results (bloc, PageRank, ...), listed, or
written onto the store's entity nodes so that Cypher and Neo4j Browser can use them.

>>> from kg import api                                                           # doctest: +SKIP
>>> api.analyse(store="bolt://127.0.0.1:7687", write=True).summary["written"]    # doctest: +SKIP
204
"""

from __future__ import annotations

import os

from kg.analyse.annotate import NODE_ATTRS, annotate
from kg.analyse.graph import actor_graph
from kg.api.common import Analysis, StoreLocation, open_for_reading
from kg.stores.base import default_location, open_store

# the node properties written, besides NODE_ATTRS (kg.analyse.annotate)
ALIASES = "aliases"


def analyse(
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    write: bool = False,
    seed: int = 0,
) -> Analysis:
    """One row per entity of the actor graph, by PageRank: its id, name, type, ``aliases`` (the other
    names articles gave it, sorted) and the :func:`kg.analyse.annotate.annotate` results (``bloc``,
    ``coop_bloc``, ``pagerank``, ``degree``, ``betweenness``, ``core``). With ``write`` these are set as
    properties of every entity node of the store (a Neo4j store), the same names as the columns, so
    ``MATCH (e:Entity) RETURN e.name, e.bloc ORDER BY e.pagerank DESC`` works; running it again after a
    load refreshes them. ``summary``: the number of ``actors`` and of entities ``written``."""
    with open_for_reading(store) as st:
        G = actor_graph(st, since=since, until=until, evidence=True)
        aliases = st.aliases()
    annotate(G, seed=seed)
    rows = []
    for n, d in G.nodes(data=True):
        names = sorted(a for a in aliases.get(n, ()) if a != d["label"])
        rows.append([n, d["label"], d["type"], names, *(d[k] for k in NODE_ATTRS)])
    at = 4 + NODE_ATTRS.index("pagerank")
    rows.sort(key=lambda r: (-r[at], r[0]))
    summary = {"actors": len(rows), "written": 0}
    if write:
        where = os.fspath(store) if store is not None else default_location()
        props = [{"id": r[0], "properties": {ALIASES: r[3], **dict(zip(NODE_ATTRS, r[4:]))}} for r in rows]
        with open_store(where) as st:
            summary["written"] = st.set_entity_properties(props)
    return Analysis(["id", "name", "type", ALIASES, *NODE_ATTRS], rows[: top or None], summary)
