"""A build run's identity and its resolver: the key of a run's inputs, and the resolver a resumed run
continues with (from the ledger's snapshot) or starts from the store's alias table."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from kg import readers as reader

log = logging.getLogger("kg")


def run_key(inputs: Iterable[str]) -> str | None:
    """What identifies a build's inputs for resuming it (None for stdin: it cannot be read twice)."""
    items = [os.fspath(i) for i in inputs]
    if reader.STDIN in items:
        return None
    return json.dumps([i if any(c in i for c in "*?[") else os.path.abspath(i) for i in items])


def _resolver_snapshot(resolver) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "aliases.json"
        resolver.save(p)
        return p.read_text(encoding="utf-8")


def _resolver_from_snapshot(text: str, store_dir):
    from kg.resolve import resolver as resolve
    from kg.resolve.curation import Curation

    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "aliases.json"
        p.write_text(text, encoding="utf-8")
        r = resolve.Resolver(Curation.load(store_dir), p)
    r.path = Path(store_dir) / resolve.ALIASES_FILE if store_dir else None
    return r


def run_resolver(st, store_dir, ledger=None, inputs_key: str | None = None):
    """(resolver, run id) for a build. An interrupted build of the same inputs resumes with the
    resolver state its start had (not what the store learned from its partial load), so the
    resolved graphs, and the store, end identical to an uninterrupted build's."""
    from kg.resolve import resolver as resolve

    if ledger is None or inputs_key is None:
        return resolve.for_store(store_dir, st), None
    prior = ledger.unfinished_run(inputs_key)
    if prior is not None and prior[1] is not None:
        log.info("resuming the interrupted build (run %s)", prior[0])
        return _resolver_from_snapshot(prior[1], store_dir), prior[0]
    r = resolve.for_store(store_dir, st)
    return r, ledger.start_run(inputs_key, _resolver_snapshot(r))
