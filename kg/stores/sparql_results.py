"""SPARQL answers as :class:`~kg.stores.base.Result` rows, and telling an update from a query; shared by
the embedded store and the SPARQL server store."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from kg.stores.base import Result

_UPDATE_WORDS = ("insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with")


def term_value(term):
    """A pyoxigraph term as a plain Python value (literals typed, IRIs as strings)."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dt.endswith(("#double", "#decimal", "#float")):
            return float(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    return term.value


def query_result(res) -> Result:
    """A pyoxigraph answer (ASK, SELECT, or CONSTRUCT/DESCRIBE triples) as a :class:`Result`."""
    if isinstance(res, ox.QueryBoolean):
        return Result(["answer"], [[bool(res)]])
    if isinstance(res, ox.QuerySolutions):
        cols = [v.value for v in res.variables]
        return Result(cols, [[term_value(sol[c]) for c in cols] for sol in res])
    return Result(
        ["subject", "predicate", "object"],
        [[term_value(t.subject), term_value(t.predicate), term_value(t.object)] for t in res],
    )


def result_rows(res) -> tuple[list[str], Iterator[list]]:
    """A pyoxigraph answer's columns and rows, the rows read as they are iterated."""
    if isinstance(res, ox.QueryBoolean):
        return ["answer"], iter([[bool(res)]])
    if isinstance(res, ox.QuerySolutions):
        cols = [v.value for v in res.variables]
        return cols, ([term_value(sol[c]) for c in cols] for sol in res)
    triples = ([term_value(t.subject), term_value(t.predicate), term_value(t.object)] for t in res)
    return ["subject", "predicate", "object"], triples


def is_update(text: str) -> bool:
    body = "\n".join(line for line in text.splitlines() if not line.strip().lower().startswith(("prefix", "base", "#")))
    first = body.strip().split(None, 1)[0].lower() if body.strip() else ""
    return first in _UPDATE_WORDS
