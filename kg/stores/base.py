"""The store interface every sink implements, and the registry that names them.

Like rdflib's plugins: a store is looked up by name (``oxigraph``, ``neo4j``,
``sparql``) and every one offers the same verbs: ``load`` ArticleGraphs
idempotently, ``query`` read-only unless asked, report ``stats``, ``close``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kg.model import ArticleGraph


class StoreError(RuntimeError):
    """A store could not be opened, written or queried; the message says why."""


class ReadOnlyError(StoreError):
    """A write was attempted on the read-only query path."""


@dataclass
class Result:
    """Tabular query answer: column names and rows of plain Python values."""

    columns: list[str]
    rows: list[list[Any]]

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

    def load(self, graphs: Iterable[ArticleGraph]) -> LoadStats:
        raise NotImplementedError

    def article_hashes(self) -> dict[str, str]:
        """article id -> content hash of what is loaded (the ledger)."""
        raise NotImplementedError

    def query(self, text: str, *, write: bool = False) -> Result:
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - trivial default
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


_REGISTRY: dict[str, Callable[..., Store]] = {}


def register(name: str):
    def deco(factory):
        _REGISTRY[name] = factory
        return factory

    return deco


def open_store(name: str, **options) -> Store:
    """Open a store by plugin name: ``open_store("oxigraph", path="kg-store")``."""
    from kg.stores import oxigraph  # noqa: F401  (registers the built-in stores)

    if name == "neo4j":
        from kg.stores.neo4j import store as neo4j  # noqa: F401  (imports the driver only when asked for)

    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise StoreError(f"unknown store {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
    return factory(**options)
