"""The PETRARCH actor dictionary format, and the generator of kg's actor table.

A record is a primary phrase with an optional default code, ``+`` synonym lines, and role lines
(indented ``[CODE]``, ``[CODE YYMMDD-YYMMDD]``, ``[CODE >YYMMDD]`` from, ``[CODE <YYMMDD]`` until):

>>> text = '''
... TONY_BLAIR_  # CountryInfo.txt
... +ANTHONY_BLAIR_
...     [GBRELI 710101-970502]
...     [GBRGOV 970502-070627]
...     [GBRELI]
... RUSSIAN_FEDERATION_  [RUS]
... +MOSCOW_
... '''
>>> blair, russia = parse(text.splitlines(), "sample.actors.txt")
>>> blair.id, blair.names, blair.default, blair.roles[1]
('TONY_BLAIR_', ['tony blair', 'anthony blair'], 'GBRELI', Role(code='GBRGOV', start='19970502', end='20070627'))
>>> russia.names, russia.default
(['russian federation', 'moscow'], 'RUS')
>>> parse(["+STRAY_SYNONYM"], "bad.txt")
Traceback (most recent call last):
kg.kb.dictionary.DictionaryError: bad.txt:1: a synonym before any actor: '+STRAY_SYNONYM'
>>> parse(["X_  [GBRGOV 971302-990101]"], "bad.txt")
Traceback (most recent call last):
kg.kb.dictionary.DictionaryError: bad.txt:1: bad date '971302': month must be in 1..12: 'X_  [GBRGOV 971302-990101]'

Generate kg's tables: ``python -m kg.kb.actors SRC_DIR OUT_DIR`` (the Phoenix dictionaries folder and
``pipelines/kb``) writes ``actors.tsv.gz`` (see :mod:`kg.kb.table`) and ``agents.tsv``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.kb.dictionary import DictionaryError, code, date, lines, open_lines, phrase

_ROLE = re.compile(r"^\[\s*(\S+)\s*(?:([<>])\s*(\d+)|(\d+)\s*-\s*(\d+)|(\d+))?\s*\]$")
_PRIMARY = re.compile(r"^(?P<name>[^\[\]]+?)\s*(?P<roles>(?:\[[^\]]*\]\s*)*)$")
_GROUP = re.compile(r"\[[^\]]*\]")


@dataclass(frozen=True)
class Role:
    """A code held from ``start`` to ``end`` (YYYYMMDD, inclusive; None: open)."""

    code: str
    start: str | None = None
    end: str | None = None

    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass
class Actor:
    id: str  # the primary phrase as written, "TONY_BLAIR_"
    names: list[str]  # the primary and synonym phrases, normalised (kg.kb.dictionary.phrase)
    default: str | None = None  # the code when no dated role applies
    roles: list[Role] = field(default_factory=list)
    line: int = 0


def _roles(text: str, source: str, n: int, raw: str) -> list[Role]:
    """The roles of one ``[...]`` group: ``[A/B]`` (TABARI's several codes) gives one role per code."""
    m = _ROLE.match(text)
    if not m:
        raise DictionaryError(source, n, "a role is [CODE], [CODE FROM-TO], [CODE >FROM] or [CODE <TO]", raw)
    return [_role(m, code(c, source, n, raw), source, n, raw) for c in m.group(1).split("/")]


def _role(m: re.Match, c: str, source: str, n: int, raw: str) -> Role:
    try:
        if m.group(2) == ">":
            return Role(c, start=date(m.group(3)))
        if m.group(2) == "<":
            return Role(c, end=date(m.group(3)))
        if m.group(4):
            return Role(c, start=date(m.group(4)), end=date(m.group(5)))
        if m.group(6):  # a lone date, which PETRARCH reads as the start of the role
            return Role(c, start=date(m.group(6)))
    except ValueError as exc:
        raise DictionaryError(source, n, str(exc), raw) from None
    return Role(c)


def parse(raw: Iterable[str], source: str = "<actors>", problems: list[DictionaryError] | None = None) -> list[Actor]:
    """The actor records of a dictionary's lines. A malformed line raises a :class:`DictionaryError` naming
    it, or, when ``problems`` is a list, is added to it and skipped (as PETRARCH skips it)."""
    actors: list[Actor] = []
    for n, line in lines(raw):
        try:
            _line(actors, n, line, source)
        except DictionaryError as exc:
            if problems is None:
                raise
            problems.append(exc)
    return actors


def _line(actors: list[Actor], n: int, line: str, source: str) -> None:
    if line.startswith("["):
        if not actors:
            raise DictionaryError(source, n, "a role before any actor", line)
        for role in _roles(line, source, n, line):
            _add(actors[-1], role)
        return
    synonym = line.startswith("+")
    m = _PRIMARY.match(line[1:] if synonym else line)
    name = phrase(m.group("name")) if m else ""
    if not m or not name or "]" in line.split("[", 1)[0]:
        raise DictionaryError(source, n, "expected PHRASE [CODE], +SYNONYM or an indented [CODE DATES]", line)
    if synonym:
        if not actors:
            raise DictionaryError(source, n, "a synonym before any actor", line)
        actors[-1].names.append(name)
        # a synonym's own code counts as one of the record's roles
        actors[-1].roles.extend(r for g in _GROUP.findall(m.group("roles")) for r in _roles(g, source, n, line))
        return
    actor = Actor(id="_".join(m.group("name").split()), names=[name], line=n)
    for role in (r for g in _GROUP.findall(m.group("roles")) for r in _roles(g, source, n, line)):
        _add(actor, role)
    actors.append(actor)


def _add(actor: Actor, role: Role) -> None:
    """The first undated code is the record's default; the others are roles."""
    if role.dated() or actor.default is not None:
        actor.roles.append(role)
    else:
        actor.default = role.code


def read(path: Path | str, problems: list[DictionaryError] | None = None) -> list[Actor]:
    """The actor records of a dictionary file (``problems``: as for :func:`parse`)."""
    return parse(open_lines(path, "actor", "components.kg_actor_kb.dictionaries"), str(path), problems)


if __name__ == "__main__":  # pragma: no cover - exercised by the generator's test
    from kg.kb.generate import main

    main()
