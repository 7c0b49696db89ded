"""Sinks and stores behind one interface (see :mod:`kg.stores.base`)."""

from kg.stores.base import (
    LoadStats,
    ReadOnlyError,
    Result,
    Store,
    StoreError,
    default_location,
    open_store,
    redact,
)

__all__ = ["LoadStats", "ReadOnlyError", "Result", "Store", "StoreError", "default_location", "open_store", "redact"]
