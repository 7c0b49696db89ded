"""Where a SPARQL server keeps its endpoints, and who kg is there: the presets for Oxigraph, Apache Jena
Fuseki and GraphDB (given, from ``KG_SPARQL_PRESET``, or read from the URL's shape), and HTTP basic
credentials from the URL's userinfo or ``KG_SPARQL_USER`` / ``KG_SPARQL_PASSWORD``.

>>> resolve("http://h:3030/ds/sparql")
Endpoints(preset='fuseki', query='http://h:3030/ds/sparql', update='http://h:3030/ds/update', store='http://h:3030/ds/data')
>>> resolve("http://h:7200/repositories/news").store
'http://h:7200/repositories/news/rdf-graphs/service'
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit

from kg.stores.base import StoreError, redact

PRESET_ENV = "KG_SPARQL_PRESET"
USER_ENV, PASSWORD_ENV = "KG_SPARQL_USER", "KG_SPARQL_PASSWORD"


@dataclass(frozen=True)
class Preset:
    """Endpoint paths below a server's root (Oxigraph), dataset (Fuseki) or repository (GraphDB)."""

    query: str
    update: str
    store: str
    query_aliases: tuple[str, ...] = ()  # other paths of the query endpoint, stripped to find the root
    union_param: bool = False  # understands Oxigraph's ``union-default-graph`` query parameter


PRESETS: dict[str, Preset] = {
    "oxigraph": Preset("/query", "/update", "/store", union_param=True),
    "fuseki": Preset("/sparql", "/update", "/data", query_aliases=("/query", "/get", "/update", "/data")),
    "graphdb": Preset("", "/statements", "/rdf-graphs/service", query_aliases=("/statements", "/rdf-graphs/service")),
}

_preset_default: ContextVar[str | None] = ContextVar("kg_sparql_preset", default=None)


@contextmanager
def preset_default(name: str | None):
    """Within this block, SPARQL stores opened without a preset use ``name`` (the CLI's ``--sparql-preset``)."""
    token = _preset_default.set(name)
    try:
        yield
    finally:
        _preset_default.reset(token)


@dataclass(frozen=True)
class Endpoints:
    preset: str
    query: str
    update: str
    store: str


_GRAPHDB = re.compile(r"^(.*/repositories/[^/]+)(?:/.*)?$")


def detect(url: str) -> str:
    """The preset a URL's shape suggests: ``/repositories/R`` is GraphDB; a dataset path (``/ds``,
    ``/ds/sparql``, ``/ds/query``...) or a ``/sparql`` endpoint is Fuseki; a server root or ``/query`` is
    Oxigraph."""
    path = urlsplit(url).path.rstrip("/")
    if _GRAPHDB.match(path):
        return "graphdb"
    if path in ("", "/query", "/update", "/store"):
        return "oxigraph"
    return "fuseki"


def resolve(url: str, preset: str | None = None) -> Endpoints:
    """The (query, update, store) endpoints of the server at ``url`` (a root, dataset, repository or query
    endpoint) under ``preset`` (default: the CLI's, else ``$KG_SPARQL_PRESET``, else :func:`detect`)."""
    name = (preset or _preset_default.get() or os.environ.get(PRESET_ENV) or detect(url)).lower()
    if name not in PRESETS:
        raise StoreError(f"unknown SPARQL preset {name!r}: give one of {', '.join(PRESETS)}")
    p = PRESETS[name]
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    query = ""
    if name == "graphdb" and (m := _GRAPHDB.match(path)):
        path = m.group(1)
    else:
        for tail in (p.query, *p.query_aliases):
            if tail and path.endswith(tail):
                path = path[: -len(tail)]
                if tail in (p.query, "/query", "/get"):  # the user's own query endpoint is kept
                    query = urlunsplit((parts.scheme, parts.netloc, path + tail, "", ""))
                break
    root = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    query = query or root + p.query
    return Endpoints(name, query, root + p.update, root + p.store)


def origin(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of ``url``, the port filled in for http/https: credentials go to one origin only."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """``url`` without its userinfo, and the (percent-decoded) user and password it held."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=hostport)), unquote(user), unquote(password) if colon else None


def credentials(url_user: str | None, url_password: str | None, location: str) -> tuple[str, str] | None:
    """The (user, password) for basic auth: the URL's, else the environment's; None for no auth."""
    if url_user or url_password:
        user, password = url_user, url_password
    else:
        user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if not user and not password:
        return None
    if not user:
        raise StoreError(f"a password but no user for the SPARQL server {redact(location)}: set {USER_ENV}")
    return user, password or ""
