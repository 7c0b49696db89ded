"""``python -m kg.kb.actors SRC_DIR OUT_DIR``: kg's actor tables (:mod:`kg.kb.table`) from a folder of
PETRARCH/Phoenix dictionaries: the Countries, International and MilNonState actor files and the agents
file. Malformed upstream lines are skipped and listed (file and line), as PETRARCH skips them."""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

from kg.kb import actors as actor_format
from kg.kb import agents as agent_format
from kg.kb.dictionary import DictionaryError

ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt")
AGENT_FILE = "Phoenix.agents.txt"
# words that make a dated record an institution, not a person ("Supreme Soviet", "Council of Ministers")
_INSTITUTION = frozenset(
    [
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
    ]
)


def kind(actor: actor_format.Actor, countries_file: bool) -> str:
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


def _role(r: actor_format.Role) -> str:
    return f"{r.code} {r.start or ''}-{r.end or ''}"


def generate(src: Path, out: Path) -> tuple[int, int, list[DictionaryError]]:
    """Write ``out/actors.tsv.gz`` and ``out/agents.tsv``; (actors, agent phrases, skipped lines)."""
    missing = [name for name in (*ACTOR_FILES, AGENT_FILE) if not (src / name).is_file()]
    if missing:
        raise DictionaryError(str(src), 0, f"missing {', '.join(missing)}; SRC_DIR is the Phoenix dictionaries folder")
    problems: list[DictionaryError] = []
    out.mkdir(parents=True, exist_ok=True)
    n_actors = 0
    with gzip.GzipFile(out / "actors.tsv.gz", "wb", mtime=0) as raw:  # mtime 0: the same input gives the same bytes
        raw.write(_header(src, "id kind(C/P/O) default roles names").encode())
        for name in ACTOR_FILES:
            for a in actor_format.read(src / name, problems):
                names = "|".join(dict.fromkeys(a.names))
                roles = "|".join(_role(r) for r in a.roles)
                raw.write(f"{a.id}\t{kind(a, 'Countries' in name)}\t{a.default or ''}\t{roles}\t{names}\n".encode())
                n_actors += 1
    phrases: dict[str, tuple[str, bool]] = {}
    for agent in agent_format.read(src / AGENT_FILE, problems):
        for p in agent.phrases:
            phrases.setdefault(p, (agent.code, agent.before))
    with open(out / "agents.tsv", "w", encoding="utf-8") as f:
        f.write(_header(src, "phrase code before(1: the code goes before the country)"))
        for p, (code, before) in phrases.items():
            f.write(f"{p}\t{code}\t{int(before)}\n")
    return n_actors, len(phrases), problems


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
