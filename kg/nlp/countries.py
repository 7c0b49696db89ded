"""Country names, aliases and demonyms from maintained data (countryinfo).

>>> lookup("UK"), lookup("Britain"), lookup("U.S."), lookup("Russia")
('United Kingdom', 'United Kingdom', 'United States', 'Russia')
>>> demonym("Russian"), demonym("British"), demonym("French")
('Russia', 'United Kingdom', 'France')
"""

from __future__ import annotations

import tomllib
from functools import lru_cache

from kg.resources import PIPELINES

EXTRA_PATH = PIPELINES / "countries.toml"


def _key(name: str) -> str:
    name = name.strip()
    if name.lower().startswith("the "):
        name = name[4:]
    return name.replace(".", "").casefold()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    from countryinfo import all_countries

    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    demonym_pop: dict[str, int] = {}  # a shared demonym goes to the most populous country
    extra = tomllib.loads(EXTRA_PATH.read_text("utf-8"))
    for c in all_countries():
        try:
            canon = c.name()
        except Exception:  # pragma: no cover - a broken record in the data
            continue
        canon = extra.get("canonical", {}).get(canon, canon)
        names[_key(canon)] = canon
        for alt in c.alt_spellings() or ():
            # two/three-letter codes only when they are common English usage
            if len(alt) <= 3 and alt not in extra.get("codes", {}).get("allowed", ()):
                continue
            names.setdefault(_key(alt), canon)
        try:
            dem = c.demonym()
        except Exception:  # pragma: no cover
            dem = None
        if dem:
            try:
                pop = int(c.population() or 0)
            except Exception:  # pragma: no cover
                pop = 0
            k = _key(dem)
            if pop >= demonym_pop.get(k, -1):
                demonyms[k], demonym_pop[k] = canon, pop
    for alias, canon in extra.get("aliases", {}).items():
        names[_key(alias)] = canon
    for dem, canon in extra.get("demonyms", {}).items():
        demonyms[_key(dem)] = canon
    return names, demonyms


def lookup(name: str) -> str | None:
    """Canonical country name for a name or alias, or None."""
    return _tables()[0].get(_key(name))


def demonym(word: str) -> str | None:
    """Country for a demonym ("Russian" -> "Russia"), or None."""
    return _tables()[1].get(_key(word))
