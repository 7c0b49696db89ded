"""kg's actor knowledge base: the compact tables built from the PETRARCH actor and agent dictionaries
(:mod:`kg.kb.generate`), looked up by normalised name, with each actor's roles chosen by date.

``actors.tsv.gz``: ``id, kind, default code, roles, names`` per line (kind C country, P person, O other;
roles ``CODE FROM-TO`` joined by ``|``, dates YYYYMMDD or empty; names normalised, joined by ``|``).
``agents.tsv``: ``phrase, code, before`` per line. Lines starting with ``#`` are comments.

>>> kb = KB.from_rows([("TONY_BLAIR_", "P", "GBRELI", "GBRELI 19710101-19970502|GBRGOV 19970502-20070627",
...                     "tony blair"), ("UNITED_KINGDOM_", "C", "GBR", "", "united kingdom|britain|london")], [])
>>> blair = kb.actor("Tony Blair")
>>> kb.attrs(blair, "2005-03-01")["role"], kb.attrs(blair, "2009-01-01")["role"], kb.attrs(blair, None).get("role")
('GOV', 'ELI', None)
>>> kb.attrs(kb.actor("London"), None)
{'kb': 'UNITED_KINGDOM_', 'country': 'GBR'}
>>> split_code("GBRGOVFRM"), split_code("IGOUNOKID"), split_code("NGOUSA", {"USA"}), split_code("NGOHLH", {"USA"})
(('GBR', 'GOV'), ('UNO', 'IGO'), ('USA', 'NGO'), (None, 'NGO'))
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.kb.dictionary import phrase
from kg.resources import PIPELINES

KB_DIR = PIPELINES / "kb"
_SECTORS = frozenset({"NGO", "NGM", "MNC", "IMG"})  # transnational codes: a country, if any, comes second


def split_code(code: str, countries: frozenset[str] | set[str] = frozenset()) -> tuple[str | None, str | None]:
    """(country, role) of a CAMEO actor code: "GBRGOV" -> ("GBR", "GOV"); an IGO's organisation code
    stands for its country ("IGOUNO" -> ("UNO", "IGO")); a transnational sector's country when it names one."""
    code = code.upper()
    if not code or code.startswith("-") or not code[:3].isalpha():
        return None, None
    head, rest = code[:3], code[3:]
    if head == "IGO":
        return (rest[:3] or None), "IGO"
    if head in _SECTORS or (countries and head not in countries):
        return (rest[:3] if rest[:3] in countries else None), head  # a sector first ("MEDGBR", "MED")
    return head, (rest[:3] or None)


@dataclass
class Actor:
    id: str
    kind: str  # C country, P person, O other
    default: str | None
    roles: list[tuple[str, str | None, str | None]]  # (code, from, to), dates YYYYMMDD
    names: list[str]


def _day(date: str | None) -> str | None:
    """An ISO date or datetime ("2005-03-01T10:00") as YYYYMMDD, or None."""
    digits = "".join(c for c in (date or "")[:10] if c.isdigit())
    return digits if len(digits) == 8 else None


def _iso(day: str | None) -> str | None:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}" if day else None


class KB:
    """Actors by normalised name (:meth:`actor`), their attributes as of a date (:meth:`attrs`), and the
    agent phrases (``agents``: phrase -> (code, before))."""

    def __init__(self, actors: list[Actor], agents: Iterable[tuple[str, str, bool]]):
        self.actors = actors
        self.countries = frozenset(
            c for a in actors if a.kind == "C" for c in [a.default, *(r[0] for r in a.roles)] if c and len(c) == 3
        )
        self.by_name: dict[str, Actor | None] = {}
        for a in actors:
            for name in a.names:
                other = self.by_name.setdefault(name, a)
                if other is not None and other is not a and self._country(other) != self._country(a):
                    self.by_name[name] = None  # one name, actors of two countries: not linked
        self.agents = {p: (c, b) for p, c, b in agents}
        self.country_actor = {split_code(c)[0]: a for a in reversed(actors) if a.kind == "C" for c in _codes(a)}

    @classmethod
    def from_rows(cls, actor_rows: Iterable[tuple[str, ...]], agent_rows: Iterable[tuple[str, ...]]) -> KB:
        actors = []
        for id_, kind, default, roles, names in actor_rows:
            parsed = []
            for r in filter(None, roles.split("|")):
                code, _, span = r.partition(" ")
                start, _, end = span.partition("-")
                parsed.append((code, start or None, end or None))
            actors.append(Actor(id_, kind, default or None, parsed, names.split("|")))
        return cls(actors, [(p, c, b == "1") for p, c, b in agent_rows])

    @classmethod
    def load(cls, folder: Path | str | None = None) -> KB:
        """The tables in ``folder`` (default ``pipelines/kb``)."""
        folder = Path(folder or KB_DIR)
        return cls.from_rows(_rows(folder / "actors.tsv.gz"), _rows(folder / "agents.tsv"))

    def _country(self, a: Actor) -> str | None:
        """The country of the actor's latest role (its default when it has one)."""
        codes = _codes(a)
        return split_code(codes[-1], self.countries)[0] if codes else None

    def actor(self, name: str) -> Actor | None:
        """The actor a name (or alias) names, None when unknown or ambiguous."""
        return self.by_name.get(phrase(name))

    def code_on(self, a: Actor, date: str | None) -> str | None:
        """The actor's code on ``date`` (ISO): the narrowest dated role that spans it, else the default;
        without a date, the one code all its roles share, else None."""
        day = _day(date)
        if day is None:
            codes = {c for c, _, _ in a.roles} | ({a.default} if a.default else set())
            return codes.pop() if len(codes) == 1 else None
        spans = [(c, s or "00000000", e or "99999999") for c, s, e in a.roles if (s or e)]
        current = [(int(e) - int(s), c) for c, s, e in spans if s <= day <= e]
        return min(current)[1] if current else a.default

    def attrs(self, a: Actor, date: str | None) -> dict[str, Any]:
        """``Entity.attrs`` for an actor as of ``date``: kb, country, role (when known on that date), roles."""
        out: dict[str, Any] = {"kb": a.id}
        code = self.code_on(a, date)
        country, role = split_code(code, self.countries) if code else (None, None)
        country = country or self._country(a)
        if country:
            out["country"] = country
        if role:
            out["role"] = role
        if a.roles:
            out["roles"] = [
                {"code": c, **({"from": _iso(s)} if s else {}), **({"to": _iso(e)} if e else {})} for c, s, e in a.roles
            ] + ([{"code": a.default}] if a.default else [])
        return out


def _codes(a: Actor) -> list[str]:
    return [c for c, _, _ in a.roles] + ([a.default] if a.default else [])


def _rows(path: Path) -> list[tuple[str, ...]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no actor knowledge-base table here; build it with"
            f" `python -m kg.kb.actors SRC_DIR {path.parent}` or point"
            " [initialize.components.kg_actor_kb] tables= at a folder that holds one"
        )
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip() and not line.startswith("#")]
