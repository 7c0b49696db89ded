"""The store interface every sink implements, and :func:`open_store`, which picks one from a location.

A location is a directory (the embedded store, the default), ``bolt://`` / ``neo4j://`` (a Neo4j
server) or ``http(s)://`` (a SPARQL 1.1 server): each store is a ``store`` plugin (:mod:`kg.plugins`)
with the URI schemes it serves. Every store offers the same verbs: ``load`` ArticleGraphs
idempotently, ``query`` (read-only unless asked) in its ``language``, report ``stats``, ``close``,
and the reads the analyses need (``actor_rows``, ``aliases``), so no analysis branches on the backend.

>>> redact("bolt://neo4j:secret@db.example:7687")
'bolt://neo4j:***@db.example:7687'
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from kg.model import ArticleGraph


class StoreError(RuntimeError):
    """A store could not be opened, written or queried; the message says why."""


class ReadOnlyError(StoreError):
    """A write (or a query reaching another machine) was attempted on the read-only query path."""


class QueryTimeout(StoreError):
    """A query ran past its time limit."""


@dataclass
class Result:
    """Tabular query answer: column names and rows of plain Python values; ``truncated`` when a row limit
    cut it, ``warnings`` about the query (e.g. a namespace kg does not use)."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = field(default=False, kw_only=True)
    warnings: list[str] = field(default_factory=list, kw_only=True)

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


@dataclass
class LoadStats:
    articles_loaded: int = 0
    articles_unchanged: int = 0
    articles_replaced: int = 0
    records_written: int = 0  # triples/quads or nodes+relationships, store-specific
    errors: list[str] = field(default_factory=list)


class Store:
    """Interface of a sink. Subclasses implement these methods."""

    name = "store"
    language = "sparql"  # the language of query(): "sparql" or "cypher"
    location = ""  # where the store is, without credentials (for messages)

    def load(self, graphs: Iterable[ArticleGraph]) -> LoadStats:
        raise NotImplementedError

    def article_hashes(self) -> dict[str, str]:
        """article id -> content hash of what is loaded (the ledger)."""
        raise NotImplementedError

    def query(
        self,
        text: str,
        *,
        write: bool = False,
        allow_service: bool = False,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> Result:
        """Run ``text`` in the store's language: read-only unless ``write``; never reaching another machine
        (SPARQL ``SERVICE``/``LOAD``, Cypher ``LOAD CSV``) unless ``allow_service``; at most ``limit`` rows
        (``truncated`` says if there were more) within ``timeout`` seconds (:class:`QueryTimeout`)."""
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        raise NotImplementedError

    def actor_rows(self) -> dict[str, Any]:
        """Entities, mention counts, first/last dates and assertions, as
        :func:`kg.analyse.graph.actor_graph` reads them."""
        raise NotImplementedError

    def aliases(self) -> dict[str, set[str]]:
        """entity id -> the other names articles used for it."""
        raise NotImplementedError

    def kb_roles(self) -> dict[str, dict[str, Any]]:
        """entity id -> {"label", "kb", "country", "roles"} for entities linked to the actor knowledge base."""
        raise NotImplementedError

    def set_entity_properties(self, rows: list[dict[str, Any]]) -> int:
        """Set properties on entity nodes: rows ``{"id": entity id, "properties": {...}}``; returns how many
        entities were found. Only stores with property-carrying nodes (Neo4j) implement it."""
        raise StoreError(f"the {self.name} store cannot hold properties written onto its nodes; use a Neo4j store")

    def close(self) -> None:  # pragma: no cover - trivial default
        pass

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


DEFAULT_LOCATION = "kg-store"
MEMORY = ":memory:"  # an embedded store that lives in memory only


def default_location() -> str:
    """The store commands use when none is given: ``$KG_STORE``, else ``kg-store``."""
    return os.environ.get("KG_STORE") or DEFAULT_LOCATION


# userinfo runs to the authority's last "@" (a password may hold an unencoded "@"); the authority ends at "/?#"
_USERINFO = re.compile(r"\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^/?#@:\s]*)(:[^/?#\s]*)?@(?=[^/?#@\s]*(?:[/?#\s]|$))")
_SECRET_PARAM = re.compile(
    r"([?&;](?:password|passwd|pwd|pass|secret|token|access_token|api[_-]?key|apikey|auth)=)[^&#\s]*", re.IGNORECASE
)
SECRET_ENV = ("NEO4J_PASSWORD", "KG_SPARQL_PASSWORD")  # environment variables whose values are never shown
_MIN_SECRET = 4  # a shorter value would mask ordinary words in messages


def redact(location: str | os.PathLike[str]) -> str:
    """``location`` (or any text holding URIs) with every password in it replaced by ``***``, fit for
    messages and logs: the password of a URI's userinfo, secret query parameters (``?password=``,
    ``&token=``...) and the values of the password environment variables (:data:`SECRET_ENV`).

    >>> redact("http://admin:p@ss@host:3030/ds?password=x&graph=g")
    'http://admin:***@host:3030/ds?password=***&graph=g'
    """
    text = _USERINFO.sub(lambda m: f"{m.group(1)}{m.group(2)}{':***' if m.group(3) else ''}@", os.fspath(location))
    text = _SECRET_PARAM.sub(r"\1***", text)
    for name in SECRET_ENV:
        secret = os.environ.get(name) or ""
        if len(secret) >= _MIN_SECRET:
            text = text.replace(secret, "***")
    return text


def _redacting_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: logging would print the raw arguments, so they are dropped
            message = f"{record.msg} (arguments not shown: they do not fit the message)"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
        return record

    factory.redacting = True  # type: ignore[attr-defined]
    return factory


def redact_logs() -> None:
    """Pass every log record of this process (kg's and its libraries') through :func:`redact`, whichever
    handler prints it."""
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacting", False):
        logging.setLogRecordFactory(_redacting_factory(current))


def scheme(location: str) -> str | None:
    """The URI scheme of ``location`` (lower-case), or None for a path."""
    head, sep, _ = location.partition("://")
    return head.lower() if sep and re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*", head) else None


def open_store(
    location: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    backend: str | None = None,
    **options: Any,
) -> Store:
    """The store at ``location`` (default :func:`default_location`): a directory for the embedded
    store (``:memory:`` for one in memory), ``bolt://``/``neo4j://`` for Neo4j, ``http(s)://`` for a
    SPARQL server. ``backend`` names the store plugin instead of guessing it from the scheme;
    ``options`` go to the store (e.g. ``batch_size`` for Neo4j)."""
    from kg import plugins

    where = os.fspath(location) if location is not None else default_location()
    found: plugins.Plugin | None
    if backend:
        try:
            found = plugins.plugin(backend, "store")
        except plugins.PluginError as exc:
            raise StoreError(str(exc)) from None
    else:
        s = scheme(where)
        found = plugins.find("store", scheme=s) if s else plugins.find("store", default=True)
        if found is None:
            known = sorted({x for p in plugins.plugins("store") for x in p.options.get("schemes", ())} - {"file"})
            raise StoreError(
                f"no store serves {redact(where)!r}: give a directory or a URI with one of the "
                f"schemes {', '.join(f'{k}://' for k in known)}"
            )
    factory: Callable[..., Store] = found.load()
    return factory(where, read_only=read_only, **options)


KG_FILES = ("ledger.sqlite", "aliases.json", "curation.toml")  # kg's own files beside the embedded store's


def is_embedded_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a directory holding an embedded store (its database files)."""
    return os.path.isfile(os.path.join(path, "CURRENT"))


def no_store(where: str | os.PathLike[str]) -> str:
    """The message for a location that holds no store, the same from every command."""
    return f"no kg store at {os.fspath(where)} (build one with `kg build ... --store {os.fspath(where)}`)"


def check_new_store_dir(path: str | os.PathLike[str]) -> None:
    """Refuse to make a store in a directory that already holds other files (a store's database files
    would be scattered among them)."""
    if is_embedded_store(path) or not os.path.isdir(path):
        return
    others = sorted(n for n in os.listdir(path) if not n.startswith(KG_FILES))
    if others:
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise StoreError(
            f"{os.fspath(path)} is not empty ({shown}) and holds no kg store: give a new or empty directory for --store"
        )


def is_remote(location: str | os.PathLike[str] | None) -> bool:
    """Whether ``location`` names a server (a URI) rather than an embedded store's directory."""
    return location is not None and scheme(os.fspath(location)) is not None


def local_dir(location: str | os.PathLike[str] | None) -> Path | None:
    """The directory of an embedded store (where its alias table and curation file live), else None."""
    where = os.fspath(location) if location is not None else default_location()
    return None if is_remote(where) or where == MEMORY else Path(where)
