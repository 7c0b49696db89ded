"""The API verbs that correct entity resolution: ``merge``, ``split`` and ``rename`` record a user's
decision in the curation file (beside the embedded store, or a given path), which every later build and
load honours, and apply it to the store at once (:mod:`kg.resolve.apply` for RDF stores,
:mod:`kg.resolve.apply_neo4j` for Neo4j), so that the next query already sees it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from kg.api.analyses import _find, graph
from kg.api.common import Analysis, StoreLocation
from kg.stores.base import default_location, is_remote, local_dir, open_store

# what a split's summary says on a Neo4j store, whose nodes keep no trace of what a merge moved
NEO4J_PENDING = "recorded only: reload the articles (kg load) to apply it to a Neo4j store"


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


def _actor_id(name: str, store, cur=None) -> str:
    """The id ``name`` stands for: an id as given, an id the curation file already merged under that
    name (so a decision applied twice is applied once), else the actor the store knows by that name."""
    if "/" in name:
        return name
    if cur is not None:
        from kg.schema.ids import slug

        merged = [s for s in cur.merges if s.partition("/")[2] == slug(name)]
        if len(merged) == 1:
            return merged[0]
    try:
        return _find(graph(store=store), name, store)
    except FileNotFoundError:
        raise ValueError(f"{name!r} is not an id (type/slug) and there is no store to look it up in") from None


def _where(store: StoreLocation) -> str:
    return os.fspath(store) if store is not None else default_location()


def _apply(store: StoreLocation, change, cypher_change=None) -> Any:
    """Run ``change(open store)`` on an RDF store, ``cypher_change`` on a Neo4j store, opened for writing;
    how many articles it changed, or why it was not applied."""
    where = _where(store)
    if not is_remote(where) and not (Path(where) / "CURRENT").exists():  # the embedded store's own marker file
        return f"recorded only: no store at {where}"
    with open_store(where) as st:
        if st.language == "sparql":
            return change(st)
        return cypher_change(st) if cypher_change else NEO4J_PENDING


def merge(source: str, target: str, *, store: StoreLocation = None, curation: str | Path | None = None) -> Analysis:
    """Record in the curation file that ``source`` is the same actor as ``target`` (names or ids) and
    rewrite ``source`` to ``target`` in the store: its relations, quotes and mentions become
    ``target``'s and its name an alias of ``target``. Every later build or load does the same."""
    from kg.resolve import apply, apply_neo4j

    cur = _curation(store, curation)
    s, t = _actor_id(source, store, cur), _actor_id(target, store)
    if cur.merges.get(s) != t:
        cur.merge(s, t)
    p = cur.save(cur.path or _home(store, curation))
    into = cur.target(t)
    applied = _apply(store, lambda st: apply.merge(st, s, into), lambda st: apply_neo4j.merge(st, s, into))
    return Analysis(
        ["merged", "into"],
        [[a, b] for a, b in sorted(cur.merges.items())],
        {"curation": str(p), "applied": applied, "source": s, "target": t},
    )


def split(
    entity: str,
    names: tuple[str, ...] | list[str] = (),
    *,
    store: StoreLocation = None,
    curation: str | Path | None = None,
) -> Analysis:
    """Record in the curation file that ``names`` (all other names, when none are given) are not
    ``entity``; undoes merges into it, in the store too where a merge was applied to whole articles.
    Every later build or load honours it."""
    from kg.resolve import apply
    from kg.schema.ids import slug

    cur = _curation(store, curation)
    e = _actor_id(entity, store)
    wanted = {slug(n) for n in names}
    undone = {
        s: s.partition("/")[2] for s, t in cur.merges.items() if t == e and (not names or s.partition("/")[2] in wanted)
    }
    cur.split(e, list(names))
    p = cur.save(cur.path or _home(store, curation))
    by_slug = {slug(n): n for n in names}
    labels = {s: by_slug.get(sl, sl.replace("-", " ").title()) for s, sl in undone.items()}
    applied: int | str = 0
    rebuild = 0
    if undone:
        result = _apply(store, lambda st: apply.split(st, e, sorted(undone), labels))
        applied, rebuild = result if isinstance(result, tuple) else (result, 0)
    return Analysis(
        ["id", "kept apart"],
        [[i, "; ".join(n) or "(every other name)"] for i, n in sorted(cur.splits.items())],
        {"curation": str(p), "applied": applied, "rebuild": rebuild, "entity": e},
    )


def rename(entity: str, new_name: str, *, store: StoreLocation = None, curation: str | Path | None = None) -> Analysis:
    """Record in the curation file that ``entity`` (a name or id) goes by ``new_name`` and set that name
    in the store; its old name becomes an alias. Every later build or load does the same."""
    from kg.resolve import apply, apply_neo4j

    cur = _curation(store, curation)
    e = _actor_id(entity, store)
    cur.rename(e, new_name)
    p = cur.save(cur.path or _home(store, curation))
    name = cur.names[e]
    applied = _apply(store, lambda st: apply.rename(st, e, name), lambda st: apply_neo4j.rename(st, e, name))
    return Analysis(
        ["id", "name"],
        [[i, n] for i, n in sorted(cur.names.items())],
        {"curation": str(p), "applied": applied, "entity": e, "name": cur.names[e]},
    )
