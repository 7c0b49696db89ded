"""Parties and their members in an actor graph: what seeds the alliance blocs.

A party is an Organization or Group node named in the party table (``pipelines/parties.toml``: any
name, alias or short form it lists) or whose own name says so ("British National Party"). An actor
belongs to the party it is ``member_of``, leads or speaks for, or whose post belongs to the
party ("Conservative leader Michael Howard": ``holds_position`` the Leader of the Conservative Party, its
``office_of`` the party). A former post is no membership, nor is a link read off its mention ("ex-UKIP
MEP Robert Kilroy-Silk": ``holds_position`` MEP with status ``former``), and a party is no member of
another ("32 Labour MPs joined the Conservatives"). An actor linked to several parties belongs to the
one with the most evidence, and to none when two parties tie.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> G.add_node("org/labour", label="Labour Party", type="Organization")
>>> G.add_node("org/unison", label="Unison", type="Organization")
>>> for n in ("blair", "brown", "prentis"): G.add_node(n, label=n.title(), type="Person")
>>> add_relation(G, "blair", "leads", "org/labour"); add_relation(G, "brown", "member_of", "org/labour")
>>> add_relation(G, "prentis", "member_of", "org/unison")
>>> sorted(party_nodes(G, names=frozenset()))
['org/labour']
>>> sorted(membership(G, names=frozenset()).items())
[('blair', 'org/labour'), ('brown', 'org/labour')]
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import networkx as nx

from kg.resources import PIPELINES

__all__ = ["MEMBERSHIP", "PARTY_TABLE", "membership", "party_names", "party_nodes"]

PARTY_TABLE = PIPELINES / "parties.toml"
# relations that make their subject one of the object's own people (works_for is left out: staff are
# not members, and the relation model reads it off any "X's Y")
MEMBERSHIP = ("member_of", "leads", "spokesperson_for")
PARTY_TYPES = ("Organization", "Group")
MEMBER_TYPES = ("Person", "Organization", "Group")
# fields of a party table entry that describe the party rather than name it
_NAMED_PARTY = re.compile(r"\S\s+Party$")


def _names(data: dict) -> Iterator[str]:
    """The canonical names and the standalone forms of the table's ``[[party]]`` entries (its rules, the
    words around party names, are not names)."""
    for party in data.get("party", []):
        yield party.get("name", "")
        yield from party.get("names", [])


@cache
def party_names(path: Path | str = PARTY_TABLE) -> frozenset[str]:
    """The case-folded names, aliases and short forms of the parties in the party table (none when the
    table is absent)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return frozenset()
    return frozenset(" ".join(s.split()).casefold() for s in _names(data) if s.strip())


def party_nodes(G: nx.Graph, names: frozenset[str] | None = None) -> set:
    """The nodes of ``G`` that are parties (``names``: the party names to know, default the table's).

    >>> G = nx.Graph()
    >>> G.add_node("a", label="Tories", type="Organization"); G.add_node("b", label="Tories", type="Person")
    >>> G.add_node("c", label="Scottish National Party", type="Organization")
    >>> sorted(party_nodes(G, names=frozenset({"tories"})))
    ['a', 'c']
    """
    names = party_names() if names is None else names
    out = set()
    for n, d in G.nodes(data=True):
        label = " ".join(str(d.get("label", "")).split())
        if d.get("type") in PARTY_TYPES and (label.casefold() in names or _NAMED_PARTY.search(label)):
            out.add(n)
    return out


def membership(G: nx.MultiDiGraph, parties: set | None = None, names: frozenset[str] | None = None) -> dict:
    """actor -> its party (see the module docstring); ``parties`` defaults to :func:`party_nodes`.

    >>> from kg.analyse.graph import add_relation
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("lab", label="Labour Party", type="Organization")
    >>> G.add_node("con", label="Conservative Party", type="Organization")
    >>> G.add_node("howard", label="Michael Howard", type="Person")
    >>> for _ in range(3): add_relation(G, "howard", "member_of", "con")
    >>> add_relation(G, "howard", "member_of", "lab")   # "Labour leader Tony Blair and Michael Howard"
    >>> membership(G, names=frozenset())
    {'howard': 'con'}
    """
    from kg.analyse.positions import office_holders

    parties = party_nodes(G, names) if parties is None else parties
    left = _former_posts(G)
    count: defaultdict[str, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for u, v, d in G.edges(data=True):
        if d.get("predicate") in MEMBERSHIP and v in parties and u != v:
            if "evidence" in d:
                count[u][v] += sum(1 for e in d["evidence"] if not _within(e, left.get(u, ())))
            else:
                count[u][v] += int(d.get("weight", 1))
    if left or any(d.get("predicate") == "holds_position" for _, _, d in G.edges(data=True)):
        for r in office_holders(G, status=("current", "designate")):
            if r["of_id"] in parties and r["holder_id"] != r["of_id"]:
                count[r["holder_id"]][r["of_id"]] += r["evidence"]
    out = {}
    for m, by_party in sorted(count.items()):
        if m in parties or G.nodes[m].get("type") not in MEMBER_TYPES or not any(by_party.values()):
            continue
        ranked = sorted(by_party.items(), key=lambda x: (-x[1], x[0]))
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            out[m] = ranked[0][0]
    return out


def _former_posts(G: nx.MultiDiGraph) -> dict[str, list[dict]]:
    """holder -> the evidence of their former posts (article and character span of each mention)."""
    out: defaultdict[str, list[dict]] = defaultdict(list)
    for u, _, d in G.edges(data=True):
        if d.get("predicate") == "holds_position":
            out[u].extend(
                e for e in d.get("evidence", ()) if e.get("status") == "former" and e.get("start") is not None
            )
    return dict(out)


def _within(e: dict, posts) -> bool:
    """Whether evidence ``e`` was read off the mention of one of ``posts`` (same article, overlapping span)."""
    if e.get("start") is None:
        return False
    return any(p.get("article") == e.get("article") and p["start"] < e["end"] and e["start"] < p["end"] for p in posts)
