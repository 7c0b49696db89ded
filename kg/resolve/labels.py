"""One label and one type per entity across articles.

Each article names an entity in its own way ("NATO", "Nato"; "PARIS" in a dateline). The store keeps
every article's name as that article's fact (``kg:mentionedAs`` in its graph) and gives the entity one
canonical ``rdfs:label`` and one ``rdf:type`` store-wide, chosen here:

- the label is the name the most articles give; a tie goes to a name that is not all capitals, then to
  the smallest name (so the choice never depends on load order);
- a dateline's place name in capitals ("PARIS, 17 February 2025 -") is no name an article gives: the
  resolver replaces it with the article's own well-cased form, a known name, or the capitalised words
  (:func:`dateline_forms`, :func:`uncapitalised`);
- the type is the one the most articles give; a tie goes to the type the entity id was minted with.

>>> canonical({"NATO": 3, "Nato": 5}), canonical({"NATO": 2, "Nato": 2}), canonical({"LONDON": 1})
('Nato', 'Nato', 'LONDON')
>>> dateline_forms("PARIS, 17 February 2025 – Keir Starmer said"), dateline_forms("NATO leaders met.")
({'PARIS'}, set())
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.model import ArticleGraph, Entity
from kg.readers.dating import DATELINE_CHARS

# a dateline's places: capitals (one or more places split by "/") ending in a comma, "(" or a dash
_DATELINE_PLACES = re.compile(r"^\s*([A-Z][A-Z.'’/ -]{1,60}?)\s*(?:,|\(|[-–—])")


def shouting(name: str) -> bool:
    """Whether ``name`` is written all in capitals (two letters or more).

    >>> shouting("LONDON"), shouting("London"), shouting("G7")
    (True, False, False)
    """
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def dateline_forms(text: str) -> set[str]:
    """The place names of a dateline in capitals opening ``text`` ("BRUSSELS/WARSAW, 7 March -")."""
    m = _DATELINE_PLACES.match(text[:DATELINE_CHARS])
    if not m:
        return set()
    return {p.strip() for p in m.group(1).split("/") if shouting(p.strip())}


def uncapitalised(name: str) -> str:
    """A capitalised name's words with only their first letter a capital ("NEW YORK" -> "New York")."""
    return " ".join(w[:1] + w[1:].lower() for w in name.split(" "))


def canonical(names: Mapping[str, int]) -> str:
    """The label of an entity that articles name ``names`` (name -> how many articles give it)."""
    return min(names, key=lambda n: (-names[n], shouting(n), n))


def canonical_type(types: Mapping[str, int], minted: str | None) -> str:
    """The type of an entity that articles type ``types`` (type -> how many articles give it); ``minted``:
    the type its id was minted with, which wins a tie.

    >>> canonical_type({"GPE": 1, "Location": 1}, "Location"), canonical_type({"GPE": 2, "Location": 1}, None)
    ('Location', 'GPE')
    """
    return min(types, key=lambda t: (-types[t], t != minted, t))


def undateline(
    g: ArticleGraph, merged: Mapping[str, Entity], mapping: Mapping[str, str], known: Mapping[str, tuple[str, str]]
) -> dict[str, str]:
    """Rename the entities ``merged`` (resolved id -> entity of ``g``) that ``g`` names by its dateline's
    capitals: to the article's own well-cased form of the name, else the name ``known`` for the id (id ->
    (name, type)), else :func:`uncapitalised`; the capitals stay an alias. ``mapping``: mention entity id
    -> resolved id. Returns entity id -> new name."""
    places = dateline_forms(g.article.text)
    renamed: dict[str, str] = {}
    for ent in merged.values() if places else ():
        if ent.name not in places:
            continue
        key = ent.name.casefold()
        forms = [m.text for m in g.mentions if mapping.get(m.entity_id, m.entity_id) == ent.id]
        forms += [*ent.aliases, known.get(ent.id, ("", ""))[0]]
        good = [f for f in forms if f.casefold() == key and not shouting(f)]
        if ent.name not in ent.aliases:
            ent.aliases.append(ent.name)
        ent.name = renamed[ent.id] = good[0] if good else uncapitalised(ent.name)
    return renamed
