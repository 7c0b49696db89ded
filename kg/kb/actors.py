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

import argparse
import gzip
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.kb import agents as agent_format
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


# -- the generator of kg's tables --------------------------------------------------------------

ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"
# words that make a dated record an institution, not a person ("Supreme Soviet", "Council of Ministers")
_INSTITUTION = frozenset(
    {
        "council",
        "committee",
        "ministry",
        "government",
        "assembly",
        "parliament",
        "soviet",
        "party",
        "army",
        "court",
        "commission",
        "union",
        "front",
        "league",
        "organization",
        "organisation",
        "bank",
        "agency",
        "office",
        "congress",
        "senate",
        "cabinet",
        "forces",
        "force",
        "authority",
        "institute",
        "association",
        "federation",
        "movement",
        "corporation",
        "company",
        "group",
        "service",
        "board",
        "department",
        "tribunal",
        "alliance",
        "brigade",
        "brigades",
        "coalition",
        "regime",
        "administration",
        "guard",
        "republic",
        "kingdom",
        "state",
        "province",
        "region",
        "territory",
        "kurdistan",
        "police",
    }
)


def kind(actor: Actor, countries_file: bool) -> str:
    """P a person (dated roles, a name of 2-5 words, no institution word), C a country (a bare
    three-letter code in the countries file), O anything else."""
    words = actor.names[0].split()
    if any(r.dated() for r in actor.roles) and 2 <= len(words) <= 5 and not _INSTITUTION & set(words):
        return "P"
    codes = [r.code for r in actor.roles] + ([actor.default] if actor.default else [])
    return "C" if countries_file and any(len(c) == 3 for c in codes) else "O"


def _source_commit(src: Path) -> str:
    for notes in (src / "SOURCES.md", src.parent / "SOURCES.md"):
        if notes.is_file():
            m = re.search(r"petrarch2 @ ([0-9a-f]{40})", notes.read_text("utf-8"))
            if m:
                return m.group(1)
    return "unknown commit"


def _header(src: Path, columns: str) -> str:
    return (
        f"# kg table derived from the PETRARCH2/Phoenix dictionaries (github.com/openeventdata/petrarch2 @"
        f" {_source_commit(src)}), MIT licence, credited in NOTICE; built by python -m kg.kb.actors."
        f" Columns: {columns}\n"
    )


def _role_cell(r: Role) -> str:
    return f"{r.code} {r.start or ''}-{r.end or ''}"


def actor_rows(
    paths: list[Path], problems: list[DictionaryError] | None = None, places: bool | None = None
) -> list[tuple[str, ...]]:
    """The actor table's rows (:mod:`kg.kb.table`) for actor dictionary files, in order. ``places``: whether
    a bare three-letter code makes an actor a country (None: in Phoenix's countries file only)."""
    rows: list[tuple[str, ...]] = []
    for path in paths:
        for a in read(path, problems):
            roles = "|".join(_role_cell(r) for r in a.roles)
            kind_ = kind(a, "Countries" in path.name if places is None else places)
            rows.append((a.id, kind_, a.default or "", roles, "|".join(dict.fromkeys(a.names))))
    return rows


def agent_rows(paths: list[Path], problems: list[DictionaryError] | None = None) -> list[tuple[str, ...]]:
    """The agent table's rows (phrase, code, before) for agent dictionary files; a phrase's first record wins."""
    phrases: dict[str, tuple[str, str]] = {}
    for path in paths:
        for agent in agent_format.read(path, problems):
            for p in agent.phrases:
                phrases.setdefault(p, (agent.code, str(int(agent.before))))
    return [(p, code, before) for p, (code, before) in phrases.items()]


def folder_rows(folder: Path | str, problems: list[DictionaryError] | None = None) -> dict[str, list]:
    """{"actors": rows, "agents": rows} from a folder of raw dictionaries (``*.actors.txt``, ``*agents.txt``),
    e.g. the PETRARCH validation suite's own; a missing folder or file says which."""
    folder = Path(folder)
    actor_files = sorted(folder.glob("*.actors.txt")) if folder.is_dir() else []
    agent_files = sorted(folder.glob("*agents.txt")) if folder.is_dir() else []
    if not actor_files or not agent_files:
        raise DictionaryError(
            str(folder),
            0,
            "no *.actors.txt and *agents.txt dictionaries here; set components.kg_actor_kb.dictionaries to a"
            ' folder that holds them (or to "" for kg\'s own tables, pipelines/kb)',
        )
    return {
        # a folder of one's own dictionaries (PETRARCH's validation suite) mixes places and groups in one file
        "actors": [list(r) for r in actor_rows(actor_files, problems, places=True)],
        "agents": [list(r) for r in agent_rows(agent_files, problems)],
    }


def generate(src: Path, out: Path) -> tuple[int, int, list[DictionaryError]]:
    """Write ``out/actors.tsv.gz`` and ``out/agents.tsv``; (actors, agent phrases, skipped lines)."""
    missing = [name for name in (*ACTOR_FILES, AGENT_FILE) if not (src / name).is_file()]
    if missing:
        raise DictionaryError(str(src), 0, f"missing {', '.join(missing)}; SRC_DIR is the Phoenix dictionaries folder")
    problems: list[DictionaryError] = []
    out.mkdir(parents=True, exist_ok=True)
    actors = actor_rows([src / name for name in ACTOR_FILES], problems)
    with gzip.GzipFile(out / "actors.tsv.gz", "wb", mtime=0) as raw:  # mtime 0: the same input gives the same bytes
        raw.write(_header(src, "id kind(C/P/O) default roles names").encode())
        raw.write("".join("\t".join(row) + "\n" for row in actors).encode())
    agents = agent_rows([src / AGENT_FILE], problems)
    with open(out / "agents.tsv", "w", encoding="utf-8") as f:
        f.write(_header(src, "phrase code before(1: the code goes before the country)"))
        f.write("".join("\t".join(row) + "\n" for row in agents))
    return len(actors), len(agents), problems


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m kg.kb.actors", description=__doc__)
    ap.add_argument("src", type=Path, help="the folder of Phoenix dictionaries")
    ap.add_argument("out", type=Path, help="where the tables go (kg's own: pipelines/kb)")
    args = ap.parse_args(argv)
    try:
        n_actors, n_phrases, problems = generate(args.src, args.out)
    except DictionaryError as exc:
        sys.exit(f"error: {exc}")
    for p in problems:
        print(f"skipped {p}", file=sys.stderr)
    print(f"{n_actors} actors, {n_phrases} agent phrases -> {args.out} ({len(problems)} malformed lines skipped)")


if __name__ == "__main__":
    main()
