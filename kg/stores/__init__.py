"""Sinks and stores behind one interface (see :mod:`kg.stores.base`)."""

from kg.stores.base import (
    LoadStats,
    ReadOnlyError,
    Result,
    Store,
    StoreError,
    open_store,
    register,
)

__all__ = ["LoadStats", "ReadOnlyError", "Result", "Store", "StoreError", "open_store", "register"]
