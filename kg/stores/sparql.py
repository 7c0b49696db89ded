"""A remote RDF store over plain HTTP: SPARQL 1.1 Protocol + Graph Store Protocol.

Works with any compliant server (Oxigraph, Fuseki, GraphDB...). Three
endpoints are used; give the query endpoint (or a server root) and the other
two are derived (:func:`endpoints`), or pass them explicitly:

- query  (SPARQL 1.1 Protocol, POST ``application/sparql-query``): ``query``,
  ``article_hashes``, ``stats``;
- update (POST ``application/sparql-update``): only from ``query(..., write=True)``;
- store  (Graph Store Protocol): loading and dumping.

Loading an article is one GSP ``PUT <store>?graph=<graph IRI>`` whose body is
the article's triples as N-Triples: the server replaces that named graph's
content in one request, so a changed article's old statements are never seen
next to its new ones, and no other article's graph is touched. Unchanged
articles (same content hash as the ledger, read with one SELECT) are skipped.

Queries see the union of the article graphs as their default graph: the
store sends Oxigraph's ``union-default-graph`` parameter (other servers ignore
it and must be configured for a union default graph, as Fuseki's
``tdb2:unionDefaultGraph``). The query path is read-only: SPARQL Update text is
refused before it is sent, and it goes to the query endpoint, which cannot
run updates anyway.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from kg.model import ArticleGraph
from kg.schema import catalogue, ids
from kg.stores import rdf as rdfterms
from kg.stores.base import LoadStats, ReadOnlyError, Result, Store, StoreError
from kg.stores.rdf_read import RdfReading
from kg.stores.sparql_results import is_update, query_result

_RESULTS_JSON = "application/sparql-results+json"
_NT = "application/n-triples"


def endpoints(url: str) -> tuple[str, str, str]:
    """(query, update, store) endpoint URLs from a query endpoint or server root.

    >>> endpoints("http://127.0.0.1:7878")
    ('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
    >>> endpoints("http://h:3030/ds/sparql")[1:]
    ('http://h:3030/ds/update', 'http://h:3030/ds/data')
    """
    url = url.rstrip("/")
    for tail, update, store in (("/query", "/update", "/store"), ("/sparql", "/update", "/data")):
        if url.endswith(tail):
            root = url[: -len(tail)]
            return url, root + update, root + store
    return url + "/query", url + "/update", url + "/store"


class SparqlStore(RdfReading, Store):
    name = "sparql"

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        base: str = ids.DEFAULT_BASE,
        timeout: float = 120.0,
        union_default_graph: bool = True,
        read_only: bool = False,
    ):
        q, u, s = endpoints(endpoint)
        self.query_url, self.update_url, self.store_url = q, update_endpoint or u, store_endpoint or s
        for url in (self.query_url, self.update_url, self.store_url):
            if urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) SPARQL endpoint: {url!r}")
        self.base = base
        self.timeout = timeout
        self.union = union_default_graph
        self.read_only = read_only
        self._kg = catalogue.load().namespaces["kg"]
        self._conns: dict[tuple[str, str], http.client.HTTPConnection] = {}

    # -- HTTP -----------------------------------------------------------------

    def _request(
        self, method: str, url: str, params: dict | None = None, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[str, bytes]:
        """One HTTP request on a kept-alive connection; returns (content type, body)."""
        parts = urlsplit(url)
        query = "&".join(x for x in (parts.query, urlencode(params or {})) if x)
        path = urlunsplit(("", "", parts.path or "/", query, ""))
        key = (parts.scheme, parts.netloc)
        for attempt in (0, 1):
            conn = self._conns.get(key)
            if conn is None:
                cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
                conn = self._conns[key] = cls(parts.netloc, timeout=self.timeout)
            try:
                conn.request(method, path, body=body, headers=headers or {})
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()
                del self._conns[key]
                if attempt:  # a stale kept-alive connection is retried once
                    raise StoreError(f"SPARQL server {parts.netloc} closed the connection: {exc}") from None
            except OSError as exc:
                conn.close()
                del self._conns[key]
                raise StoreError(f"cannot reach SPARQL endpoint {url}: {exc}") from None
        if resp.status >= 400:
            msg = data.decode("utf-8", "replace").strip()[:500]
            err = ReadOnlyError if resp.status == 403 else StoreError
            raise err(f"{method} {url} failed: HTTP {resp.status} {resp.reason}: {msg}")
        return resp.headers.get("Content-Type", "").split(";")[0].strip(), data

    def _select(self, text: str):
        params = {"union-default-graph": ""} if self.union else {}
        ctype, data = self._request(
            "POST",
            self.query_url,
            params,
            text.encode("utf-8"),
            {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": f"{_RESULTS_JSON}, {_NT};q=0.9"},
        )
        if ctype in (_RESULTS_JSON, "application/json"):
            return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        if ctype == "application/sparql-results+xml":
            return ox.parse_query_results(data, ox.QueryResultsFormat.XML)
        fmt = ox.RdfFormat.from_media_type(ctype) if ctype else None
        if fmt is None:
            raise StoreError(f"unexpected answer type {ctype!r} from {self.query_url}")
        return list(ox.parse(data, format=fmt))  # CONSTRUCT / DESCRIBE

    # -- load -----------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?a <{self._kg}articleId> ?id ; <{self._kg}contentHash> ?h }} }}"
        return {s["id"].value: s["h"].value for s in self._select(q)}

    def put_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace one named graph with ``triples`` (GSP PUT: one request, atomic on the server)."""
        body = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        self._request("PUT", self.store_url, {"graph": graph}, body, {"Content-Type": f"{_NT}; charset=utf-8"})

    def load(self, graphs: Iterable[ArticleGraph]) -> LoadStats:
        if self.read_only:
            raise ReadOnlyError("the store was opened read-only")
        stats = LoadStats()
        known = self.article_hashes()
        for g in graphs:
            aid = g.article.id
            if known.get(aid) == g.article.hash:
                stats.articles_unchanged += 1
                continue
            quads = rdfterms.graph_quads(g, self.base)
            self.put_graph(ids.graph_iri(aid, self.base), (ox.Triple(q.subject, q.predicate, q.object) for q in quads))
            if aid in known:
                stats.articles_replaced += 1
            stats.articles_loaded += 1
            stats.records_written += len(quads)
            known[aid] = g.article.hash
        return stats

    # -- query ----------------------------------------------------------------

    def query(self, text: str, *, write: bool = False) -> Result:
        if is_update(text):
            if not write or self.read_only:
                raise ReadOnlyError("SPARQL Update refused on the query path; pass --write to modify the store")
            self._request(
                "POST",
                self.update_url,
                None,
                text.encode("utf-8"),
                {"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            return Result(["updated"], [[True]])
        return query_result(self._select(text))

    def _count(self, where: str) -> int:
        return int(next(iter(self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)

    def stats(self) -> dict[str, int]:
        kg = self._kg
        return {
            "quads": self._count("GRAPH ?g { ?s ?p ?o }"),
            "articles": self._count(f"SELECT DISTINCT ?a WHERE {{ ?a <{kg}articleId> ?x }}"),
            "entities": self._count(f"SELECT DISTINCT ?e WHERE {{ ?e <{kg}entityId> ?x }}"),
            "relations": self._count(f"SELECT DISTINCT ?r WHERE {{ ?r a <{kg}Assertion> }}"),
            "quotes": self._count(f"SELECT DISTINCT ?q WHERE {{ ?q a <{kg}Quote> }}"),
        }

    # -- export ---------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        return sorted(s["g"].value for s in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"))

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of every named graph, one GSP GET per graph."""
        for g in self.named_graphs():
            _, data = self._request("GET", self.store_url, {"graph": g}, None, {"Accept": _NT})
            gn = ox.NamedNode(g)
            for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Quad(t.subject, t.predicate, t.object, gn)

    def dump(self, fmt: ox.RdfFormat, out, union: bool = False) -> None:
        """Serialise the store like :meth:`OxigraphStore.dump` (``union`` merges graphs for triple formats)."""
        if union:
            triples = {ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()}
            ox.serialize(sorted(triples, key=str), out, fmt)
        else:
            ox.serialize(list(self.quads()), out, fmt)

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()


def open_sparql(location: str, *, read_only: bool = False, **options) -> SparqlStore:
    """The ``sparql`` store plugin: the SPARQL 1.1 server at the URL ``location``."""
    return SparqlStore(location, read_only=read_only, **options)


__all__ = ["SparqlStore", "endpoints"]
