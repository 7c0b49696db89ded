"""The CAMEO verb dictionary (PETRARCH2 ``CAMEO.2.0.txt`` format) and kg's compact verb table built from it.

The dictionary holds synonym sets (``&NAME`` then ``+WORD`` lines), verb blocks (``--- NAME [CODE] ---``
then the block's verbs, ``+TURN_DOWN {+TURNED_DOWN ...} [120]``) and patterns (``- * (WITH +) [046]``),
each pattern a CAMEO code for the block's verbs in a context. :func:`parse` reads it; :func:`table_rows`
derives kg's table (``pipelines/kb/verbs.tsv``): synonym sets, verb lemma phrases with their block and
code, and the post-verb patterns of each block, every code with the catalogue relation that says it.

    python -m kg.kb.verbs /path/to/petrarch2/dictionaries pipelines/kb
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kg.schema import catalogue

FILENAME = "CAMEO.2.0.txt"
TABLE = "verbs.tsv"
_ELEMENT = re.compile(r"\{[^{}]*\}|\([^()]*\)|[^\s(){}]+")
_CODE = re.compile(r"\[([0-9A-Fa-f]{2,4}|---|)!?(?::([0-9A-Fa-f]{2,4}|---|)!?)?\]")
_MARKERS = frozenset("+$^%")


class VerbDictionaryError(ValueError):
    """A verb dictionary line that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Verb:
    words: tuple[str, ...]  # lower case: ("turn", "down")
    head: int  # which word is the verb
    code: str | None  # its own code, else the block's

    @property
    def lemma(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Pattern:
    before: tuple[str, ...]  # elements before the verb (the source's words)
    after: tuple[str, ...]  # elements after it: word, multi_word, &set, prep:object, or a marker + $ ^ %
    code: str  # the source's CAMEO code, "---" for no event
    line: int


@dataclass
class Block:
    name: str
    code: str
    line: int
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class VerbDictionary:
    path: Path
    synsets: dict[str, tuple[str, ...]]  # "&curfew" -> phrases, words joined by "_"
    blocks: list[Block]


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.lower().replace("_", " ").split() if w)


def _element(raw: str, where: str) -> str:
    """One pattern element in the table's notation."""
    if raw.startswith("{"):
        inner = raw[1:-1].split()
        if not inner:
            raise VerbDictionaryError(f"{where}: empty {{}} in pattern")
        return "_".join(w.lower() for w in inner)
    if raw.startswith("("):
        inner = raw[1:-1].split(None, 1)
        if not inner:
            raise VerbDictionaryError(f"{where}: empty () in pattern")
        obj = _element(inner[1].strip(), where) if len(inner) > 1 else ""
        return f"{inner[0].lower()}:{obj}"
    return raw.lower().rstrip("_") if raw not in _MARKERS else raw


def _pattern(text: str, line: int, where: str) -> Pattern:
    body, _, _ = text[1:].partition("#")
    m = _CODE.search(body)
    if m is None:
        raise VerbDictionaryError(f"{where}: pattern without a [CODE]: {text.strip()!r}")
    elements = body[: m.start()]
    if elements.count("(") != elements.count(")") or elements.count("{") != elements.count("}"):
        raise VerbDictionaryError(f"{where}: unbalanced brackets in pattern {text.strip()!r}")
    if "*" not in elements:
        raise VerbDictionaryError(f"{where}: pattern without the verb's place '*': {text.strip()!r}")
    pre, _, post = elements.partition("*")
    code = m.group(1) or "---"
    return Pattern(
        tuple(_element(e, where) for e in _ELEMENT.findall(pre)),
        tuple(_element(e, where) for e in _ELEMENT.findall(post)),
        code.upper() if code != "---" else code,
        line,
    )


def _verb(text: str, where: str) -> Verb:
    body, _, _ = text.partition("#")
    body = body.split(";")[0]  # "SCRAP {...};shan 8/30/93": a coder's note
    if body.count("{") != body.count("}"):
        raise VerbDictionaryError(f"{where}: unbalanced {{}} in verb line {text.strip()!r}")
    code_m = _CODE.search(body)
    main = re.sub(r"\{[^}]*\}|\[[^]]*\]", " ", body).split()
    if not main or "<" in body:
        raise VerbDictionaryError(f"{where}: a verb line names one verb or phrase, not {text.strip()!r}")
    parts = "_".join(main).split("_")  # "LASH OUT" as "LASH_OUT"
    heads = [i for i, p in enumerate(parts) if p.startswith("+")]
    if len(heads) > 1:  # without a '+', the first word is the verb ("LASH OUT")
        raise VerbDictionaryError(f"{where}: a multi-word verb marks its verb with one '+': {main[0]!r}")
    code = code_m.group(1) if code_m else None
    return Verb(tuple(p.lstrip("+").lower() for p in parts), heads[0] if heads else 0, code or None)


def parse(path: Path | str, problems: list[str] | None = None) -> VerbDictionary:
    """Read a PETRARCH verb dictionary. A malformed line raises :class:`VerbDictionaryError` naming
    file and line, or, given a ``problems`` list, is skipped and its error appended there. Patterns
    using a synonym set not defined before them are left out, as PETRARCH does."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"verb dictionary {path} not found: give the PETRARCH2 dictionaries folder holding {FILENAME}"
        )
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    current_set: str | None = None
    for n, raw in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
        stripped = raw.strip()
        if not stripped:
            current_set = None
            continue
        if stripped.startswith(("#", "~", "<!--")):  # comments; transformations are PETRARCH's own machinery
            continue
        try:
            current_set = _line(stripped, f"{path}:{n}", n, synsets, blocks, current_set)
        except VerbDictionaryError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
    return VerbDictionary(path, {k: tuple(v) for k, v in synsets.items()}, blocks)


def _line(
    stripped: str, where: str, n: int, synsets: dict[str, list[str]], blocks: list[Block], current_set: str | None
) -> str | None:
    """Read one line into ``synsets`` or ``blocks``; returns the synonym set still open."""
    if stripped.startswith("&"):
        name = stripped.split()[0].lower().rstrip("_")
        synsets[name] = []
        return name
    if stripped.startswith("+") and current_set is not None:
        synsets[current_set].append("_".join(_words(stripped[1:].split("#")[0])))
        return current_set
    if stripped.startswith("---"):
        m = re.fullmatch(r"---\s+(.+?)\s+(\[[^]]*\])\s*-*.*", stripped)
        code = _CODE.fullmatch(m.group(2)) if m else None
        if m is None or code is None:
            raise VerbDictionaryError(f"{where}: a block header is '--- NAME [CODE] ---', not {stripped!r}")
        blocks.append(Block(m.group(1).lower().replace(" ", "_"), code.group(1) or "---", n))
    elif stripped.startswith("-"):
        if not blocks:
            raise VerbDictionaryError(f"{where}: pattern before any '--- NAME [CODE] ---' block")
        p = _pattern(stripped, n, where)
        if all(u in synsets for e in (*p.before, *p.after) if (u := e.split(":")[-1]).startswith("&")):
            blocks[-1].patterns.append(p)
    elif blocks:
        blocks[-1].verbs.append(_verb(stripped, where))
    else:
        raise VerbDictionaryError(f"{where}: line outside any synonym set or verb block: {stripped!r}")
    return None


def relation_for(code: str, cat: catalogue.Catalogue | None = None) -> str:
    """The catalogue relation for a CAMEO code, "-" for none ("---", or statements, root 01, which
    quotes carry)."""
    if code == "---" or not code.isdigit() or code.startswith("01"):
        return "-"
    return (cat or catalogue.load()).relation_for_cameo(code) or "-"


def table_rows(vd: VerbDictionary) -> list[tuple[str, ...]]:
    """The compact table: ``S set phrase``, ``V lemma-phrase head block code relation``, ``P block
    elements code relation`` (only patterns with nothing before the verb: kg finds the source itself)."""
    cat = catalogue.load()
    rows: list[tuple[str, ...]] = [("S", name, phrase) for name, phrases in vd.synsets.items() for phrase in phrases]
    seen: set[tuple[str, ...]] = set()
    for b in vd.blocks:
        for v in b.verbs:
            code = v.code or b.code
            rows.append(("V", v.lemma, str(v.head), b.name, code, relation_for(code, cat)))
        for p in b.patterns:
            if p.before or not p.after:
                continue
            row = ("P", b.name, " ".join(p.after), p.code, relation_for(p.code, cat))
            if row not in seen:
                seen.add(row)
                rows.append(row)
    return rows


def write(src_dir: Path | str, out_dir: Path | str) -> Path:
    src = Path(src_dir)
    problems: list[str] = []
    vd = parse(src / FILENAME if src.is_dir() else src, problems)
    for p in problems:
        print(f"skipped {p}", file=sys.stderr)
    out = Path(out_dir) / TABLE
    out.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# kg's CAMEO verb table, derived from the PETRARCH2 verb dictionary (MIT, see NOTICE) by\n"
        "# `python -m kg.kb.verbs DICTIONARIES_DIR pipelines/kb`; do not edit by hand.\n"
        "# S set phrase | V lemma head-index block code relation | P block elements code relation\n"
    )
    out.write_text(header + "".join("\t".join(r) + "\n" for r in table_rows(vd)), "utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m kg.kb.verbs DICTIONARIES_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        out = write(*argv)
    except (VerbDictionaryError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
