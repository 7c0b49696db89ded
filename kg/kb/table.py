"""kg's actor knowledge base: the compact tables built from the PETRARCH actor and agent dictionaries
(``python -m kg.kb.actors``), looked up by normalised name, with each actor's roles chosen by date.

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
_SECTORS = frozenset({"NGO", "NGM", "MNC", "IMG"})
_IGO_SECTORS = frozenset(
    {"BUS", "DEV", "HLH", "HRI", "ENV", "EDU", "MED", "AGR", "REF", "LAB", "MIL", "JUD"}
)  # transnational codes: a country, if any, comes second


def split_code(code: str, countries: frozenset[str] | set[str] = frozenset()) -> tuple[str | None, str | None]:
    """(country, role) of a CAMEO actor code: "GBRGOV" -> ("GBR", "GOV"); an IGO's organisation code
    stands for its country ("IGOUNO" -> ("UNO", "IGO")); a transnational sector's country when it names one."""
    code = code.upper()
    if not code or code.startswith("-") or not code[:3].isalpha():
        return None, None
    head, rest = code[:3], code[3:]
    if head == "IGO":  # then a region or organisation (UNO, EUR, WST), or a sector (BUS: the IMF)
        return (rest[:3] if rest[:3] and rest[:3] not in _IGO_SECTORS else None), "IGO"
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
        return cls.from_rows(rows(folder / "actors.tsv.gz"), rows(folder / "agents.tsv"))

    def _country(self, a: Actor) -> str | None:
        """The country of the actor's default code, else of its latest role that names one."""
        for c in reversed(_codes(a)):
            country = split_code(c, self.countries)[0]
            if country:
                return country
        return None

    def actor(self, name: str) -> Actor | None:
        """The actor a name (or alias) names, None when unknown or ambiguous."""
        return self.by_name.get(phrase(name))

    def attrs(self, a: Actor, date: str | None = None) -> dict[str, Any]:
        """``Entity.attrs`` for an actor: kb, country, its dated roles (a country's are left out: they are
        its history, not its role), and the role as of ``date`` (:func:`as_of`)."""
        out: dict[str, Any] = {"kb": a.id}
        country = self._country(a)
        if country:
            out["country"] = country
        if a.kind != "C" and (a.roles or a.default):
            roles = []
            for c, s, e in [*a.roles, *([(a.default, None, None)] if a.default else [])]:
                ctry, role = split_code(c, self.countries)
                entry = {"code": c, "country": ctry, "role": role, "from": _iso(s), "to": _iso(e)}
                roles.append({k: v for k, v in entry.items() if v})
            out["roles"] = roles
        return as_of(out, date)


def as_of(attrs: dict[str, Any], date: str | None) -> dict[str, Any]:
    """``attrs`` with ``role`` (and ``country``) as of ``date`` (ISO) chosen from ``attrs["roles"]``: the
    narrowest dated role that spans the date, else the undated (default) one; without a date, none when
    the actor has dated roles (the date decides which holds), else its undated one. A role that ended before the
    date is not current.

    >>> roles = [{"code": "GBRGOV", "country": "GBR", "role": "GOV", "from": "1997-05-02", "to": "2007-06-27"},
    ...          {"code": "GBRELI", "country": "GBR", "role": "ELI"}]
    >>> as_of({"roles": roles}, "2005-01-01")["role"], as_of({"roles": roles}, "2010-01-01")["role"]
    ('GOV', 'ELI')
    >>> "role" in as_of({"roles": roles}, None)
    False
    """
    roles = attrs.get("roles")
    if not roles:
        return dict(attrs)
    out = dict(attrs)
    day = _day(date)
    dated = [r for r in roles if "from" in r or "to" in r]
    if day is None:
        pick = None if dated else roles[0]
    else:
        iso = f"{day[:4]}-{day[4:6]}-{day[6:]}"
        spans = [r for r in dated if r.get("from", "") <= iso <= r.get("to", "9999")]
        if spans:
            pick = min(spans, key=lambda r: (_length(r), r.get("from", "")))
        else:
            pick = next((r for r in roles if "from" not in r and "to" not in r), None)
    out.pop("role", None)
    if pick is not None:
        if pick.get("role"):
            out["role"] = pick["role"]
        if pick.get("country"):
            out["country"] = pick["country"]
    return out


def kb_role(role: dict[str, str]) -> str:
    """A dated role as one string, as the stores keep it: code and ISO 8601 interval.

    >>> kb_role({"code": "GBRGOV", "from": "1997-05-02", "to": "2007-06-27"}), kb_role({"code": "GBRELI"})
    ('GBRGOV 1997-05-02/2007-06-27', 'GBRELI')
    """
    if "from" not in role and "to" not in role:
        return str(role["code"])
    return f"{role['code']} {role.get('from', '..')}/{role.get('to', '..')}"


def _length(r: dict[str, str]) -> int:
    start, end = _day(r.get("from")) or "00000101", _day(r.get("to")) or "99991231"
    return int(end) - int(start)


def _codes(a: Actor) -> list[str]:
    return [c for c, _, _ in a.roles] + ([a.default] if a.default else [])


def rows(path: Path) -> list[tuple[str, ...]]:
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no actor knowledge-base table here; build it with"
            f" `python -m kg.kb.actors SRC_DIR {path.parent}` or point"
            " [initialize.components.kg_actor_kb] tables= at a folder that holds one"
        )
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip() and not line.startswith("#")]
