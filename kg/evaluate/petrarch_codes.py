"""CAMEO actor codes: a gold code against what kg knows of an entity (``Entity.attrs["country"]`` and
``["role"]``), at two levels.

A gold code is 3-letter parts: a country ("USA") or an international prefix and the organisation
after it ("IGOUNO", "IGOWSTNAT"), then role codes ("USAGOV", "IGOUNOMIL") and other parts kg does
not compare (regions, named groups: "PSEGZA", "PSEREBHMS"). ``---`` is an actor of no known
country ("---REB"); a code in quotes is an actor PETRARCH knew only by its text.

- **country**: kg's country is the gold's country, or the gold's organisation (kg's "UNO" or
  "IGOUNO" for IGOUNOMIL); a "---ROLE" gold needs an entity of no country with that role; a quoted
  gold needs an entity of that name.
- **role**: the country matches and, when the gold names roles, kg's roles include one of them.

>>> cfg = ActorCodes.of({"international": ["IGO"], "roles": ["GOV", "MIL", "REB"], "aliases": {"NATO": "IGOWSTNAT"}})
>>> usa_gov = KgActor("USA", frozenset({"GOV"}))
>>> [cfg.matches("USAGOV", usa_gov, level) for level in ("country", "role")]
[True, True]
>>> [cfg.matches("USAMIL", usa_gov, level) for level in ("country", "role")]
[True, False]
>>> cfg.matches("IGOUNOMIL", KgActor("UNO", frozenset({"MIL"})), "role")
True
>>> cfg.matches("IGOWSTNAT", KgActor("NATO"), "role")
True
>>> cfg.matches("---REB", KgActor(None, frozenset({"REB"})), "country"), cfg.matches("---", KgActor(None), "country")
(True, False)
>>> cfg.matches('"THE MINISTRY OF MAGIC"', KgActor(None, names=frozenset({"ministry of magic"})), "role")
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

LEVELS = ("country", "role")


def parts(code: str) -> list[str]:
    """'IGOUNOMIL' -> ['IGO', 'UNO', 'MIL']"""
    return [code[i : i + 3] for i in range(0, len(code), 3)]


def name_key(name: str) -> str:
    """How actor names compare: case, punctuation and a leading article ignored."""
    words = re.findall(r"[\w']+", name.casefold())
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class KgActor:
    """What kg says of one event argument."""

    country: str | None = None
    roles: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # name keys of the entity's name and aliases

    @property
    def coded(self) -> bool:
        return bool(self.country or self.roles)

    def label(self) -> str:
        return (self.country or "---") + "".join(sorted(self.roles))


def _codes(value: Any) -> list[str]:
    """A role value as the entity carries it ("GOV", "GOVMIL", ["GOV", "MIL"]) as 3-letter codes."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value) if isinstance(value, Iterable) else []
    return [p for v in items if isinstance(v, str) for p in parts(v.strip().upper()) if len(p) == 3]


def kg_actor(entity) -> KgActor:
    """The codes an :class:`~kg.model.Entity` carries in its ``attrs`` (and its names)."""
    attrs = entity.attrs or {}
    country = attrs.get("country")
    country = country.strip().upper() if isinstance(country, str) and country.strip() else None
    names = frozenset(k for k in (name_key(n) for n in (entity.name, *entity.aliases)) if k)
    return KgActor(country, frozenset(_codes(attrs.get("role"))), names)


@dataclass(frozen=True)
class ActorCodes:
    """The code conventions of ``[actors]`` in ``pipelines/eval/petrarch.toml``."""

    international: frozenset[str]
    roles: frozenset[str]
    aliases: Mapping[str, str]

    @classmethod
    def of(cls, section: Mapping[str, Any]) -> ActorCodes:
        return cls(
            frozenset(section.get("international", ())),
            frozenset(section.get("roles", ())),
            {str(k).upper(): str(v).upper() for k, v in section.get("aliases", {}).items()},
        )

    def _country(self, code: str) -> tuple[list[str], list[str]]:
        """kg's country value as (identity parts, role parts): "GBRGOV" -> (["GBR"], ["GOV"])."""
        ps = parts(self.aliases.get(code, code))
        if ps and ps[0] in self.international:
            ps = ps[1:]
        ident = [p for p in ps if p not in self.roles] or ps[:1]
        return ident, [p for p in ps if p in self.roles and p not in ident]

    def matches(self, gold: str, actor: KgActor, level: str) -> bool:
        """Does kg's ``actor`` match the ``gold`` actor code at ``level`` ("country" or "role")?"""
        gold = gold.strip()
        if gold.startswith(('"', "'")):
            key = name_key(gold.strip("\"'"))
            return bool(key) and key in actor.names
        ps = parts(gold.upper())
        if not ps or ps[0] == "---":
            wanted = {p for p in ps[1:] if p in self.roles}
            return actor.country is None and bool(wanted & actor.roles)
        if actor.country is None:
            return False
        ident, extra_roles = self._country(actor.country)
        if ps[0] in self.international:
            rest = ps[1:]
            country_ok = (not rest and not ident) or (
                bool(ident)
                and (
                    ident == rest[: len(ident)] or (len(ident) == 1 and ident[0] in rest and ident[0] not in self.roles)
                )
            )
        else:
            rest = ps[1:]
            country_ok = ident[:1] == ps[:1]
        if not country_ok or level == "country":
            return country_ok
        wanted = {p for p in rest if p in self.roles}
        return not wanted or bool(wanted & (actor.roles | set(extra_roles)))
