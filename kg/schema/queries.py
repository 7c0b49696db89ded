"""Named queries (``schemas/queries/*.rq``) and the prefixes every query gets for free.

A query may use the catalogue's prefixes (``kg:``, ``schema:``, ``prov:``,
``rdfs:`` ...) and ``rdf:`` without declaring them.
"""

from __future__ import annotations

import re

from kg.resources import SCHEMAS
from kg.schema import catalogue

QUERY_DIR = SCHEMAS / "queries"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def names(kind: str = "rq") -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob(f"*.{kind}"))


def named(name: str, kind: str = "rq") -> str:
    path = QUERY_DIR / f"{name}.{kind}"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or not path.is_file():
        raise KeyError(f"no named query {name!r}; known: {', '.join(names(kind)) or 'none'}")
    return path.read_text("utf-8")


def with_prefixes(text: str) -> str:
    """Prepend PREFIX lines for the catalogue's namespaces the query uses but does not declare."""
    ns = {"rdf": RDF_NS, **catalogue.load().namespaces}
    declared = {m.group(1) for m in re.finditer(r"(?im)^\s*prefix\s+([A-Za-z][\w-]*)?:", text)}
    lines = [
        f"PREFIX {p}: <{iri}>"
        for p, iri in ns.items()
        if p not in declared and re.search(rf"(?<![\w<]){re.escape(p)}:", text)
    ]
    return "\n".join([*lines, text]) if lines else text
