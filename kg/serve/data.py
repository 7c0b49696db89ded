"""What the pages of ``kg serve`` show, read once per state of the store and kept in memory.

A :class:`Snapshot` holds the actor graph with its evidence (:func:`kg.api.graph`), the aliases, the
articles' headlines, dates, links and sources, the quotes with their character spans and the entities
each article mentions. :class:`Graphs` rebuilds it when the store changes: an embedded store's files or
its curation file change, or (a server) a minute has passed.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from kg.api.common import StoreLocation, open_for_reading
from kg.api.queries import article_index
from kg.stores.base import default_location, is_remote

# a server's graph is read again after this many seconds: it may be loaded by others meanwhile
REMOTE_TTL = 60.0

_QUOTES = {
    "sparql": """SELECT DISTINCT ?speaker ?text ?cue ?article ?start ?end ?sentence WHERE {
        ?q a kg:Quote ; schema:text ?text ; kg:cue ?cue ; kg:start ?start ; kg:end ?end ;
           kg:sentence ?sentence ; prov:wasDerivedFrom ?a . ?a kg:articleId ?article .
        OPTIONAL { ?s kg:said ?q . ?s kg:entityId ?speaker } }""",
    "cypher": """MATCH (q:Quote)-[:QUOTED_IN]->(a:Article) OPTIONAL MATCH (s:Entity)-[:SAID]->(q)
        RETURN DISTINCT s.id AS speaker, q.text AS text, q.cue AS cue, a.id AS article, q.start AS start,
        q.end AS end, q.sentence AS sentence""",
}
_MENTIONS = {
    "sparql": """SELECT DISTINCT ?article ?id WHERE { ?a kg:articleId ?article ; schema:mentions ?e .
        ?e kg:entityId ?id }""",
    "cypher": "MATCH (a:Article)-[:MENTIONS]->(e:Entity) RETURN DISTINCT a.id AS article, e.id AS id",
}


@dataclass
class Snapshot:
    """The store's graph and article index as the pages need them."""

    G: nx.MultiDiGraph
    aliases: dict[str, set[str]]
    articles: dict[str, dict[str, Any]]
    quotes: list[dict[str, Any]]
    mentions: dict[str, set[str]]  # article id -> entity ids
    countries: dict[str, str] = field(default_factory=dict)  # entity id -> country code (knowledge base)
    # per-snapshot memo of derived values (search index, network JSON), filled by the pages
    memo: dict[Any, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def label(self, n: str) -> str:
        return str(self.G.nodes[n].get("label", n)) if n in self.G else n

    def memoised(self, key: Any, make):
        """``make()``, computed once per snapshot (the store's state) and key."""
        try:
            return self.memo[key]
        except KeyError:
            pass
        value = make()
        with self.lock:
            self.memo.setdefault(key, value)
        return self.memo[key]

    def evidence_by_article(self) -> dict[str, list[dict[str, Any]]]:
        """article id -> the relation evidence read in it (subject, object, predicate and span)."""

        def make():
            out: dict[str, list[dict[str, Any]]] = {}
            for u, v, d in self.G.edges(data=True):
                for e in d.get("evidence", ()):
                    out.setdefault(e["article"], []).append(
                        {**e, "subject": u, "object": v, "predicate": d["predicate"]}
                    )
            return out

        return self.memoised("evidence_by_article", make)


def _str(v: Any) -> str:
    return "" if v is None else str(v)


def _rows(st, queries: dict[str, str]) -> list[dict[str, Any]]:
    from kg.schema.queries import with_prefixes

    text = queries["cypher" if st.language == "cypher" else "sparql"]
    return st.query(with_prefixes(text) if st.language == "sparql" else text).dicts()


def load_snapshot(store: StoreLocation) -> Snapshot:
    """Read everything the pages show from the store (opened read-only, closed again)."""
    from kg.analyse.graph import actor_graph

    with open_for_reading(store) as st:
        G = actor_graph(st, evidence=True)
        aliases = st.aliases()
        articles = article_index(st)
        quotes: list[dict[str, Any]] = [
            {
                "speaker": _str(r.get("speaker")),
                "text": _str(r["text"]),
                "cue": _str(r["cue"]),
                "article": _str(r["article"]),
                "start": int(r["start"]),
                "end": int(r["end"]),
                "sentence": _str(r["sentence"]),
            }
            for r in _rows(st, _QUOTES)
        ]
        mentions: dict[str, set[str]] = {}
        for r in _rows(st, _MENTIONS):
            mentions.setdefault(_str(r["article"]), set()).add(_str(r["id"]))
        try:
            countries = {k: str(v["country"]) for k, v in st.kb_roles().items() if v.get("country")}
        except NotImplementedError:
            countries = {}
    quotes.sort(key=lambda q: (articles.get(q["article"], {}).get("date", ""), q["article"], q["start"]))
    return Snapshot(G, aliases, articles, quotes, mentions, countries)


class Graphs:
    """The current :class:`Snapshot` of one store, read again when the store's state changes."""

    def __init__(self, store: StoreLocation, curation: str | os.PathLike[str] | None = None):
        self.store = os.fspath(store) if store is not None else default_location()
        self.curation = Path(curation) if curation else None
        self._lock = threading.Lock()
        self._key: Any = None
        self._snap: Snapshot | None = None

    def state(self) -> Any:
        """What changes when the store's content may have: its files (embedded) or the clock (server)."""
        if is_remote(self.store):
            return int(time.monotonic() // REMOTE_TTL)
        key: list[tuple[Any, ...]] = []
        for p in (Path(self.store), self.curation_file()):
            try:
                with os.scandir(p) as it:
                    key.extend(sorted((e.name, e.stat().st_mtime_ns, e.stat().st_size) for e in it if e.is_file()))
            except NotADirectoryError:
                s = p.stat()
                key.append((str(p), s.st_mtime_ns, s.st_size))
            except OSError:
                key.append((str(p), None))
        return tuple(key)

    def curation_file(self) -> Path:
        return self.curation or Path(self.store)

    def get(self) -> Snapshot:
        key = self.state()
        snap = self._snap
        if snap is not None and key == self._key:
            return snap
        # while one request reads the changed store, the others are served the snapshot they had
        if snap is not None and not self._lock.acquire(blocking=False):
            return snap
        if snap is None:
            self._lock.acquire()
        try:
            if self._snap is None or key != self._key:
                self._snap, self._key = load_snapshot(self.store), key
            return self._snap
        finally:
            self._lock.release()

    def invalidate(self) -> None:
        with self._lock:
            self._key = None
