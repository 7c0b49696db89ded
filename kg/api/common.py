"""What the API verbs share: opening the store a verb names, and the types they return."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from kg.stores.base import MEMORY, Result, Store, default_location, is_embedded_store, is_remote, no_store, open_store

StoreLocation = str | os.PathLike[str] | None  # a directory, bolt://, neo4j:// or http(s):// (None: $KG_STORE)


@dataclass
class Analysis(Result):
    """A tabular answer plus a summary of the whole analysis."""

    summary: dict[str, Any] = field(default_factory=dict)


def open_for_reading(store: StoreLocation) -> Store:
    """The store at ``store``, read-only; an embedded store that does not exist is an error saying how to
    make one (rather than an empty store made on the spot)."""
    where = os.fspath(store) if store is not None else default_location()
    if not is_remote(where) and where != MEMORY and not is_embedded_store(where):
        raise FileNotFoundError(no_store(where))
    return open_store(where, read_only=True)
