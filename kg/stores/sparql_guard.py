"""What a SPARQL text may do before any engine runs it: a query or an update, whether it reaches other
machines (federated ``SERVICE``, ``LOAD``), and prefixes it uses but never declares. The text is parsed
with rdflib's SPARQL grammar, so a keyword inside a string literal, an IRI or a comment is not mistaken
for the real thing.

>>> check("SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }").kind
'query'
>>> check("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.stores.base.ReadOnlyError: federated SERVICE <http://127.0.0.1:9/sparql> refused: it would reach ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.stores.base import ReadOnlyError, StoreError

SCHEMA_HTTP = "http://schema.org/"


class QuerySyntaxError(StoreError):
    """A query that does not parse, or uses an undeclared prefix; the message shows the line and a caret."""


_ENGINE_ERROR = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def syntax_error(text: str, exc: Exception) -> QuerySyntaxError:
    """An engine's syntax error (pyoxigraph's "error at L:C: expected one of ...") as one line and a caret;
    long lists of expected character ranges are cut."""
    msg = str(exc)
    m = _ENGINE_ERROR.match(msg)
    if not m:
        return QuerySyntaxError(f"SPARQL syntax error: {msg}")
    line, col, what = int(m.group(1)), int(m.group(2)), " ".join(m.group(3).split())
    if len(what) > 120:
        what = what[:100].rsplit(",", 1)[0] + ", ..."
    col = max(col - 1, 1)  # pyoxigraph reports the column after the one it stopped at
    return QuerySyntaxError(f"SPARQL syntax error at line {line}, column {col}: {what}\n{caret(text, line, col)}")


@dataclass
class Checked:
    kind: str  # "query" or "update"
    warnings: list[str] = field(default_factory=list)


def caret(text: str, line: int, column: int) -> str:
    """The ``line`` (1-based) of ``text`` with a caret under ``column`` (1-based)."""
    lines = text.splitlines() or [""]
    line = min(max(line, 1), len(lines))
    shown = lines[line - 1].expandtabs(1)
    head = f"  line {line}: "
    return f"{head}{shown}\n{' ' * (len(head) + max(column, 1) - 1)}^"


def _walk(node):
    """Every parse-tree node (rdflib CompValues, lists and ParseResults), depth first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)) or type(n).__name__ == "ParseResults":
            stack.extend(list(n))


def _name(node) -> str | None:
    return getattr(node, "name", None) if isinstance(node, dict) else None


def _code(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` outside strings, IRIs and comments (where a prefixed name can be)."""
    spans, start, i, n = [], 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'" or c == "#" or (c == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:])):
            spans.append((start, i))
            if c == "#":
                end = text.find("\n", i)
            elif c == "<":
                end = text.find(">", i) + 1
            else:
                q = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
                end, j = -1, i + len(q)
                while j < n:
                    if text[j] == "\\":
                        j += 2
                        continue
                    if text.startswith(q, j):
                        end = j + len(q)
                        break
                    j += 1
            i = n if end < 0 else end
            start = i
            continue
        i += 1
    spans.append((start, n))
    return spans


def _position(text: str, prefix: str) -> tuple[int, int]:
    """Line and column (1-based) of the first use of ``prefix:`` in code, not in a string or IRI."""
    pat = re.compile(rf"(?<![\w:.-]){re.escape(prefix)}:")
    for a, b in _code(text):
        m = pat.search(text, a, b)
        if m:
            before = text[: m.start()]
            return before.count("\n") + 1, m.start() - (before.rfind("\n") + 1) + 1
    return 1, 1


def _parse(text: str):
    """("query" or "update", the parse tree), or (None, None) where rdflib's grammar does not take it."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    try:
        return "query", parser.parseQuery(text)
    except ParseException:
        try:
            return "update", parser.parseUpdate(text)
        except ParseException:
            return None, None


def _unparsed(text: str, allow_service: bool, write: bool) -> Checked:
    """A text rdflib's grammar does not take (a syntax error, or syntax beyond SPARQL 1.1): the engine
    reports its syntax error; refused if it may reach out or write, since that cannot be ruled out."""
    from kg.stores.sparql_results import is_update

    code = " ".join(text[a:b] for a, b in _code(text))
    if not allow_service and re.search(r"(?i)\b(service|load)\b", code):
        raise ReadOnlyError(
            "refused: the query may use SERVICE or LOAD (it does not parse as SPARQL 1.1 to tell); pass "
            "--allow-service to run it"
        )
    update = is_update(text)
    if update and not write:
        raise ReadOnlyError("SPARQL Update refused on the read-only query path; pass --write to modify the store")
    return Checked("update" if update else "query")


# words that start an update or reach out; a text without any of them outside strings, IRIs and comments
# is a plain query, and needs no full parse
_RISKY = re.compile(r"(?i)\b(service|load|insert|delete|clear|drop|create|add|move|copy|with)\b")
_DECL = re.compile(r"(?i)\bprefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>")
_PNAME = re.compile(r"(?<![\w.\-:?$])([A-Za-z][\w.-]*)?:")


def _quick(text: str, known: dict[str, str]) -> Checked | None:
    """The check of a plain query without rdflib's (slow) parse, or None where that parse is needed: a
    risky word, an escape sequence, or a prefix not obviously declared."""
    code = " ".join(text[a:b] for a, b in _code(text))
    if "\\u" in text.lower() or _RISKY.search(code):
        return None
    declared = {(m.group(1) or ""): m.group(2) for m in _DECL.finditer(text)}
    if any((m.group(1) or "") not in declared and (m.group(1) or "") not in known for m in _PNAME.finditer(code)):
        return None
    return Checked("query", _schema_warnings(declared))


def _schema_warnings(declared: dict[str, str]) -> list[str]:
    return [
        f"PREFIX {p}: <{iri}> is http://; kg's schema.org terms are https://schema.org/ (this query may find nothing)"
        for p, iri in declared.items()
        if iri == SCHEMA_HTTP
    ]


def check(
    text: str, *, known: dict[str, str] | None = None, allow_service: bool = False, write: bool = False
) -> Checked:
    """Parse ``text`` and refuse what the caller did not allow: an update unless ``write``, federated
    ``SERVICE`` unless ``allow_service``, ``LOAD`` unless both. ``known``: the prefixes the store would
    add (named in the unknown-prefix message). Returns its kind and warnings (an ``http://schema.org/``
    prefix where kg's terms are ``https://``)."""
    quick = _quick(text, known or {})
    if quick is not None:
        return quick
    kind, tree = _parse(text)
    if kind is None:
        return _unparsed(text, allow_service, write)
    declared: dict[str, str] = {}
    used: dict[str, None] = {}
    for node in _walk(tree):
        name = _name(node)
        if name == "ServiceGraphPattern" and not allow_service:
            raise ReadOnlyError(
                f"federated SERVICE <{node.get('term')}> refused: it would reach another machine; pass "
                "--allow-service to allow it"
            )
        if name == "Load" and not (write and allow_service):
            raise ReadOnlyError(
                f"LOAD <{node.get('iri')}> refused: it would fetch from another machine and write the store; "
                "pass --write and --allow-service to allow it"
            )
        if name == "PrefixDecl":
            declared[str(node.get("prefix") or "")] = str(node.get("iri"))
        if name == "pname":
            used.setdefault(str(node.get("prefix") or ""), None)
    if kind == "update" and not write:
        raise ReadOnlyError("SPARQL Update refused on the read-only query path; pass --write to modify the store")
    for prefix in used:
        if prefix not in declared and prefix not in (known or {}):
            names = ", ".join(sorted(set(known or {}) | set(declared)))
            line, col = _position(text, prefix)
            raise QuerySyntaxError(f"unknown prefix {prefix}: (known: {names})\n{caret(text, line, col)}")
    warnings = [
        f"PREFIX {p}: <{iri}> is http://; kg's schema.org terms are https://schema.org/ (this query may find nothing)"
        for p, iri in declared.items()
        if iri == SCHEMA_HTTP
    ]
    return Checked(kind, warnings)
