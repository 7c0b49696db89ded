"""Country names, aliases and demonyms from maintained data (countryinfo), with kg's additions
(``pipelines/countries.toml``). ``kg_entities`` builds the tables (:func:`tables`) in its
``initialize`` and saves them with the pipeline.

>>> lookup("UK"), lookup("Britain"), lookup("U.S."), lookup("Russia")
('United Kingdom', 'United Kingdom', 'United States', 'Russia')
>>> demonym("Russian"), demonym("British"), demonym("French")
('Russia', 'United Kingdom', 'France')

The nations of a country keep their own names and demonyms ("Scottish" -> Scotland, never the
United Kingdom); cities and provinces are places (:meth:`Countries.place`):

>>> demonym("Scottish"), lookup("Wales"), default().place("Cape Town"), default().place("Northumberland")
('Scotland', 'Wales', True, True)
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from kg.resources import PIPELINES

EXTRA_PATH = PIPELINES / "countries.toml"


def _key(name: str) -> str:
    name = name.strip()
    if name.lower().startswith("the "):
        name = name[4:]
    return name.replace(".", "").casefold()


def tables(extra_path: Path | str | None = None) -> dict[str, dict[str, str]]:
    """{"names": folded name or alias -> country, "demonyms": folded demonym -> country, "places":
    folded city or province -> its name}, from countryinfo and the additions in ``extra_path``
    (default: kg's ``pipelines/countries.toml``)."""
    from countryinfo import all_countries

    names: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    places: dict[str, str] = {}
    demonym_pop: dict[str, int] = {}  # a shared demonym goes to the most populous country
    extra = tomllib.loads(Path(extra_path or EXTRA_PATH).read_text("utf-8"))
    for c in all_countries():
        try:
            canon = c.name()
        except Exception:  # pragma: no cover - a broken record in the data
            continue
        canon = extra.get("canonical", {}).get(canon, canon)
        names[_key(canon)] = canon
        info = c.info()
        for place in [info.get("capital"), *(info.get("provinces") or ())]:
            if isinstance(place, str) and place:  # a few records hold lists or nothing here
                places.setdefault(_key(place), place)
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
    for nation, dems in extra.get("nations", {}).items():
        names[_key(nation)] = nation
        for dem in dems:
            demonyms[_key(dem)] = nation
    for kind in ("cities", "regions"):
        for place in extra.get("places", {}).get(kind, ()):
            places[_key(place)] = place
    for key in names:
        places.pop(key, None)  # a country is a country, not a province of another
    return {"names": names, "demonyms": demonyms, "places": places}


class Countries:
    """Look-ups in a set of :func:`tables`."""

    def __init__(self, data: dict[str, dict[str, str]]):
        self.data = data
        self._names, self._demonyms = data["names"], data["demonyms"]
        self._places = data.get("places", {})

    def lookup(self, name: str) -> str | None:
        """Canonical country name for a name or alias, or None."""
        return self._names.get(_key(name))

    def demonym(self, word: str) -> str | None:
        """Country for a demonym ("Russian" -> "Russia"), or None."""
        return self._demonyms.get(_key(word))

    def place(self, name: str) -> bool:
        """Whether ``name`` is a known city, capital or province (a GPE, not a country)."""
        return _key(name) in self._places


@lru_cache(maxsize=1)
def default() -> Countries:
    """The tables from countryinfo and kg's own additions."""
    return Countries(tables())


def lookup(name: str) -> str | None:
    """Canonical country name for a name or alias, or None."""
    return default().lookup(name)


def demonym(word: str) -> str | None:
    """Country for a demonym ("Russian" -> "Russia"), or None."""
    return default().demonym(word)
