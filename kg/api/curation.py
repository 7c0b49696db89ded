"""The API verbs that correct entity resolution: ``merge`` and ``split`` record a user's decision in the
curation file (beside the embedded store, or a given path), which every later build and load honours."""

from __future__ import annotations

import os
from pathlib import Path

from kg.analyse.graph import find_actor
from kg.api.analyses import graph
from kg.api.common import Analysis, StoreLocation
from kg.stores.base import default_location, local_dir


def _home(store: StoreLocation, curation: str | Path | None) -> Path:
    """Where the curation file goes: ``curation``, else the embedded store's directory."""
    if curation:
        return Path(curation)
    home = local_dir(store)
    if home is None:
        where = os.fspath(store) if store is not None else default_location()
        raise ValueError(f"the store at {where} is a server: give the curation file with --curation FILE")
    return home


def _curation(store, curation_path):
    from kg.resolve.curation import Curation

    return Curation.load(_home(store, curation_path))


def _actor_id(name: str, store) -> str:
    if "/" in name:
        return name
    try:
        return find_actor(graph(store=store), name)
    except FileNotFoundError:
        raise ValueError(f"{name!r} is not an id (type/slug) and there is no store to look it up in") from None


def merge(source: str, target: str, *, store: StoreLocation = None, curation: str | Path | None = None) -> Analysis:
    """Record in the curation file that ``source`` is the same actor as ``target`` (names or ids);
    every later build or load rewrites ``source`` to ``target``."""
    s, t = _actor_id(source, store), _actor_id(target, store)
    cur = _curation(store, curation)
    cur.merge(s, t)
    p = cur.save(cur.path or _home(store, curation))
    return Analysis(["merged", "into"], [[a, b] for a, b in sorted(cur.merges.items())], {"curation": str(p)})


def split(
    entity: str,
    names: tuple[str, ...] | list[str] = (),
    *,
    store: StoreLocation = None,
    curation: str | Path | None = None,
) -> Analysis:
    """Record in the curation file that ``names`` (all other names, when none are given) are not
    ``entity``; undoes merges into it. Every later build or load honours it."""
    e = _actor_id(entity, store)
    cur = _curation(store, curation)
    cur.split(e, list(names))
    p = cur.save(cur.path or _home(store, curation))
    return Analysis(
        ["id", "kept apart"],
        [[i, "; ".join(n) or "(every other name)"] for i, n in sorted(cur.splits.items())],
        {"curation": str(p)},
    )
