"""What a Cypher text may do on the read-only query path, checked before it is sent (the server also runs
it in a read transaction): no ``LOAD CSV`` (it fetches files and URLs) unless ``allow_service``, no
``dbms.*`` or ``apoc.*`` procedures unless ``write``. Keywords inside string literals, quoted names and
comments do not count.

>>> check("MATCH (n) WHERE n.name = 'LOAD CSV FROM x' RETURN n")
>>> check("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.stores.base.ReadOnlyError: LOAD CSV refused: it would read a file or reach another machine; ...
"""

from __future__ import annotations

import re

from kg.stores.base import ReadOnlyError

# strings ('..', "..", with backslash escapes), `quoted names`, // line and /* block */ comments
_NOT_CODE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def code(text: str) -> str:
    """``text`` with its strings, quoted names and comments blanked out."""
    return _NOT_CODE.sub(" ", text)


def check(text: str, *, allow_service: bool = False, write: bool = False) -> None:
    body = code(text)
    if not allow_service and re.search(r"(?i)\bLOAD\s+CSV\b", body):
        raise ReadOnlyError(
            "LOAD CSV refused: it would read a file or reach another machine; pass --allow-service to allow it"
        )
    if not write:
        m = re.search(r"(?i)\bCALL\s+((?:dbms|apoc)\.[\w.]*)", body)
        if m:
            raise ReadOnlyError(f"CALL {m.group(1)} refused on the read-only query path; pass --write to allow it")
