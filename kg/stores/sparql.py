"""A remote RDF store over plain HTTP: SPARQL 1.1 Protocol + Graph Store Protocol.

Works with any compliant server; the endpoint paths come from a preset for Oxigraph, Apache Jena Fuseki
or GraphDB (:mod:`kg.stores.sparql_endpoints`: given, ``$KG_SPARQL_PRESET``, or read from the URL's
shape), or are passed explicitly:

- query  (SPARQL 1.1 Protocol, POST): ``query``, ``article_hashes``, ``stats``;
- update (POST ``application/sparql-update``): only from ``query(..., write=True)``;
- store  (Graph Store Protocol): loading and dumping.

HTTP basic credentials come from the URL's userinfo or ``KG_SPARQL_USER`` / ``KG_SPARQL_PASSWORD``; they
are sent only to the scheme, host and port they were given for, and no message shows the password.

Loading an article is one GSP ``PUT <store>?graph=<graph IRI>`` whose body is
the article's triples as N-Triples: the server replaces that named graph's
content in one request, so a changed article's old statements are never seen
next to its new ones, and no other article's graph is touched. Unchanged
articles (same content hash as the ledger, read with one SELECT) are skipped.

Queries see the union of the article graphs as their default graph. Oxigraph is asked for it with its
``union-default-graph`` parameter; on any server kg probes once whether a triple of a named graph is
seen in the default graph, and where it is not (Fuseki's in-memory and default TDB2 datasets) every
query names the article graphs as its dataset (``default-graph-uri`` and ``named-graph-uri``). The query
path is read-only: SPARQL Update text is refused before it is sent, and it goes to the query endpoint,
which cannot run updates anyway.
"""

from __future__ import annotations

import base64
import http.client
import itertools
import logging
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from kg.model import ArticleGraph
from kg.schema import catalogue, ids
from kg.stores import rdf as rdfterms
from kg.stores import sparql_endpoints as ep
from kg.stores import sparql_guard
from kg.stores.base import LoadStats, QueryTimeout, ReadOnlyError, Result, Store, StoreError, redact
from kg.stores.rdf_read import RdfReading
from kg.stores.sparql_results import result_rows

log = logging.getLogger(__name__)

_RESULTS_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_FORM = "application/x-www-form-urlencoded"


def endpoints(url: str, preset: str | None = None) -> tuple[str, str, str]:
    """(query, update, store) endpoint URLs from a server root, dataset, repository or query endpoint.

    >>> endpoints("http://127.0.0.1:7878")
    ('http://127.0.0.1:7878/query', 'http://127.0.0.1:7878/update', 'http://127.0.0.1:7878/store')
    >>> endpoints("http://h:3030/ds/sparql")[1:]
    ('http://h:3030/ds/update', 'http://h:3030/ds/data')
    """
    e = ep.resolve(url, preset)
    return e.query, e.update, e.store


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class SparqlStore(RdfReading, Store):
    name = "sparql"

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        store_endpoint: str | None = None,
        preset: str | None = None,
        user: str | None = None,
        password: str | None = None,
        base: str = ids.DEFAULT_BASE,
        timeout: float = 120.0,
        union_default_graph: bool = True,
        read_only: bool = False,
    ):
        endpoint, url_user, url_password = ep.split_credentials(endpoint)
        self.location = redact(endpoint)
        if urlsplit(endpoint).scheme not in ("http", "https"):
            raise StoreError(f"not an http(s) SPARQL endpoint: {self.location!r}")
        found = ep.resolve(endpoint, preset)
        self.preset = found.preset
        pair = ep.credentials(user or url_user, password if password is not None else url_password, endpoint)
        # credentials go to the origin they were given for: the endpoint's (env, URL) or an explicit URL's own
        self._auth = {ep.origin(endpoint): _basic(*pair)} if pair else {}
        urls = [found.query]
        for given, derived in ((update_endpoint, found.update), (store_endpoint, found.store)):
            url, u, pw = ep.split_credentials(given) if given else (derived, None, None)
            if urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) SPARQL endpoint: {redact(url)!r}")
            if u or pw:
                self._auth.setdefault(ep.origin(url), _basic(u or "", pw or ""))
            urls.append(url)
        self.query_url, self.update_url, self.store_url = urls
        self.base = base
        self.timeout = timeout
        self.union = union_default_graph and ep.PRESETS[self.preset].union_param
        self._unions: bool | None = None  # whether the default graph shows the named graphs, once probed
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
        headers = dict(headers or {})
        auth = self._auth.get(ep.origin(url))
        if auth:
            headers["Authorization"] = auth
        where = redact(url)
        for attempt in (0, 1):
            conn = self._conns.get(key)
            if conn is None:
                cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
                conn = self._conns[key] = cls(parts.netloc, timeout=self.timeout)
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()
                del self._conns[key]
                if attempt:  # a stale kept-alive connection is retried once
                    raise StoreError(f"SPARQL server {redact(parts.netloc)} closed the connection: {exc}") from None
            except TimeoutError:
                conn.close()
                del self._conns[key]
                raise QueryTimeout(
                    f"{where} did not answer within its time limit of {self.timeout:g} s (--timeout SECONDS)"
                ) from None
            except OSError as exc:
                conn.close()
                del self._conns[key]
                raise StoreError(f"cannot reach SPARQL endpoint {where}: {redact(str(exc))}") from None
        if resp.status == 401:
            hint = (
                "it refused the ones given"
                if auth
                else f"give them as {ep.USER_ENV} / {ep.PASSWORD_ENV} or as user:password@ in the URL"
            )
            raise StoreError(f"{method} {where} failed: HTTP 401 {resp.reason}: the server wants credentials: {hint}")
        if resp.status >= 400:
            msg = redact(data.decode("utf-8", "replace").strip()[:500])
            err = ReadOnlyError if resp.status == 403 else StoreError
            raise err(f"{method} {where} failed: HTTP {resp.status} {resp.reason}: {msg}")
        return resp.headers.get("Content-Type", "").split(";")[0].strip(), data

    def unions_named_graphs(self) -> bool:
        """Whether the server's default graph shows the triples of its named graphs: one probe, repeated
        until the server holds a named graph to probe with."""
        if self._unions is None:
            probe = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s) && !isBlank(?o)) } } LIMIT 1"
            found = list(self._select(probe, dataset=False))
            if not found:
                return True  # nothing in named graphs: the default graph hides nothing
            s, p, o = (found[0][v] for v in ("s", "p", "o"))
            ask = f"ASK {{ {s} {p} {o} }}"
            unions = bool(self._select(ask, dataset=False))
            if not unions and not bool(self._select(ask, dataset=True, probing=True)):
                raise StoreError(
                    f"the SPARQL server {self.location} neither shows its named graphs in the default graph nor "
                    "takes default-graph-uri: configure a union default graph (Fuseki: tdb2:unionDefaultGraph "
                    "true; Oxigraph: serve --union-default-graph; see docs/servers.md)"
                )
            self._unions = unions
            if not unions:
                log.info(
                    "%s does not union named graphs into the default graph: queries name the article graphs "
                    "(configure a union default graph, e.g. Fuseki's tdb2:unionDefaultGraph, to save that)",
                    self.location,
                )
        return self._unions

    def _select(self, text: str, *, dataset: bool = True, probing: bool = False):
        """Run a query. With ``dataset``, on a server that does not union named graphs, the query's
        dataset is every article graph, as its default graph and as its named graphs (``probing``: so,
        whatever the server does)."""
        params = {"union-default-graph": ""} if self.union else {}
        headers = {"Accept": f"{_RESULTS_JSON}, {_NT};q=0.9"}
        if dataset and (probing or not self.unions_named_graphs()):
            graphs = self.named_graphs()
            form = [("query", text), *(("default-graph-uri", g) for g in graphs)]
            form += [("named-graph-uri", g) for g in graphs]
            body, headers["Content-Type"] = urlencode(form).encode("ascii"), f"{_FORM}; charset=utf-8"
        else:
            body, headers["Content-Type"] = text.encode("utf-8"), "application/sparql-query; charset=utf-8"
        ctype, data = self._request("POST", self.query_url, params, body, headers)
        if ctype in (_RESULTS_JSON, "application/json"):
            return ox.parse_query_results(data, ox.QueryResultsFormat.JSON)
        if ctype == "application/sparql-results+xml":
            return ox.parse_query_results(data, ox.QueryResultsFormat.XML)
        fmt = ox.RdfFormat.from_media_type(ctype) if ctype else None
        if fmt is None:
            raise StoreError(f"unexpected answer type {ctype!r} from {redact(self.query_url)}")
        return list(ox.parse(data, format=fmt))  # CONSTRUCT / DESCRIBE

    # -- load -----------------------------------------------------------------

    def article_hashes(self) -> dict[str, str]:
        q = f"SELECT ?id ?h WHERE {{ GRAPH ?g {{ ?a <{self._kg}articleId> ?id ; <{self._kg}contentHash> ?h }} }}"
        return {s["id"].value: s["h"].value for s in self._select(q, dataset=False)}

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
        if stats.articles_loaded:
            stats.records_written += self.choose_entities()
        return stats

    def choose_entities(self) -> int:
        """Rewrite the entities graph (each entity's one label and type) from what the article graphs say
        now, in one GSP PUT; returns the statements written."""
        kg = self._kg
        rows = self._select(
            f"""SELECT ?e ?id ?name ?class (COUNT(DISTINCT ?g) AS ?n) WHERE {{
            GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{kg}mentionedAs> ?name ; a ?class }} }}
            GROUP BY ?e ?id ?name ?class""",
            dataset=False,
        )
        seen: dict[str, tuple[ox.NamedNode, str, dict[str, int], dict[str, int]]] = {}
        for r in rows:
            e = r["e"]
            _, _, names, classes = seen.setdefault(e.value, (e, r["id"].value, {}, {}))
            n = int(r["n"].value)
            names[r["name"].value] = names.get(r["name"].value, 0) + n
            classes[r["class"].value] = classes.get(r["class"].value, 0) + n
        quads = [
            q
            for e, eid, names, classes in seen.values()
            for q in rdfterms.entity_quads(e, eid, names, classes, self.base)
        ]
        self.put_graph(ids.entities_graph_iri(self.base), (ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        return len(quads)

    # -- query ----------------------------------------------------------------

    def query(
        self,
        text: str,
        *,
        write: bool = False,
        allow_service: bool = False,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Result:
        checked = sparql_guard.check(text, allow_service=allow_service, write=write)
        if checked.kind == "update":
            if self.read_only:
                raise ReadOnlyError("SPARQL Update refused: the store was opened read-only")
            self._request(
                "POST",
                self.update_url,
                None,
                text.encode("utf-8"),
                {"Content-Type": "application/sparql-update; charset=utf-8"},
            )
            return Result(["updated"], [[True]])
        saved = self.timeout
        if timeout is not None:  # the socket timeout bounds the wait for the server's answer
            self.timeout = timeout
            self._drop_connections()
        try:
            cols, rows = result_rows(self._select(text))
        finally:
            if timeout is not None:
                self.timeout = saved
                self._drop_connections()
        got = list(itertools.islice(rows, limit + 1)) if limit is not None else list(rows)
        truncated = limit is not None and len(got) > limit
        return Result(cols, got[:limit] if truncated else got, truncated=truncated, warnings=checked.warnings)

    def _drop_connections(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def _count(self, where: str, *, dataset: bool = True) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", dataset=dataset)
        return int(next(iter(rows))["n"].value)

    def stats(self) -> dict[str, int]:
        kg = self._kg
        return {
            "quads": self._count("GRAPH ?g { ?s ?p ?o }", dataset=False),
            "articles": self._count(f"SELECT DISTINCT ?a WHERE {{ ?a <{kg}articleId> ?x }}"),
            "entities": self._count(f"SELECT DISTINCT ?e WHERE {{ ?e <{kg}entityId> ?x }}"),
            "relations": self._count(f"SELECT DISTINCT ?r WHERE {{ ?r a <{kg}Assertion> }}"),
            "quotes": self._count(f"SELECT DISTINCT ?q WHERE {{ ?q a <{kg}Quote> }}"),
        }

    # -- export ---------------------------------------------------------------

    def named_graphs(self) -> list[str]:
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        return sorted(s["g"].value for s in self._select(query, dataset=False))

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
