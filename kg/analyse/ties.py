"""Alliance ties: which acts sign a tie between two actors, how much each counts, and who is tied to whom.

Which relations sign a tie comes from the catalogue: those with ``tie = true`` (:func:`tie_relations`),
acts of one actor towards another with a polarity: support, praise, alliance, cooperation, aid and
agreements (+1); criticism, accusation, opposition, threats, sanctions and attacks (-1). Meetings,
visits and negotiations are not ties although CAMEO counts them as cooperation: rivals meet and
negotiate as often as allies do (Blair meeting Musharraf says nothing of a bloc), and a visit is
mostly to a place. Speeches, membership, employment, posts and places are no ties either; party
membership seeds the blocs instead (:mod:`kg.analyse.alliances`, :mod:`kg.analyse.parties`).

Each piece of evidence adds ``polarity × event weight × confidence × modality weight`` to the tie
between its two actors. The event weight (:func:`event_weight`) comes from the relation's Goldstein
weight: a verbal act (praise, criticism, a demand) counts 1, an act of material cooperation or
conflict up to 2 (an attack 2, sanctions 1.6), so an asserted attack weighs more than a verbal
disagreement. The modality weight (:data:`MODALITY_WEIGHT`): an asserted act counts fully; a reported
one or one announced as an intention ("will attack Labour's record") counts half; a possible, obliged,
conditional, wished, requested or permitted act counts nothing. Negated relations are never extracted.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcde": G.add_node(n, label=n.upper(), type="Person")
>>> add_relation(G, "a", "praises", "b", sentence="A praised B.")
>>> add_relation(G, "a", "attacks", "c", sentence="A attacked C.")
>>> add_relation(G, "a", "meets", "e", sentence="A met E.")          # a meeting is no tie
>>> add_relation(G, "b", "attacks", "d", sentence="B may attack D.", modality="possible")
>>> S = signed_graph(G)
>>> S["a"]["c"]["weight"], S["a"]["c"]["sign"], S.has_edge("a", "e"), S.has_edge("b", "d")
(-2.0, -1, False, False)
>>> [(r["label"], r["relations"]) for r in allies(S, "a")]
[('B', {'praises': 1})]
"""

from __future__ import annotations

from collections import Counter, defaultdict

import networkx as nx

from kg.analyse.graph import ACTOR_TYPES, in_window
from kg.schema import catalogue

__all__ = [
    "CHANGES",
    "MODALITY_WEIGHT",
    "adversaries",
    "allies",
    "event_weight",
    "evidence_weight",
    "signed_graph",
    "tie_changes",
    "tie_relations",
]

# how much one piece of evidence of each modality counts towards a tie (any other modality: nothing)
MODALITY_WEIGHT = {"asserted": 1.0, "reported": 0.5, "intent": 0.5}


def tie_relations() -> dict[str, int]:
    """The relations that sign ties (catalogue ``tie = true``), with their polarity.

    >>> ties = tie_relations()
    >>> ties["accuses"], ties["praises"], "meets" in ties, "member_of" in ties
    (-1, 1, False, False)
    """
    return {name: rt.polarity for name, rt in catalogue.load().relations.items() if rt.tie and rt.polarity}


def event_weight(predicate: str) -> float:
    """How much one act of a relation counts before confidence and modality: its Goldstein weight over
    5, at least 1 (CAMEO's verbal acts weigh 0 to 5, its material ones up to 10).

    >>> event_weight("criticises"), event_weight("praises"), event_weight("sanctions"), event_weight("attacks")
    (1.0, 1.0, 1.6, 2.0)
    """
    rt = catalogue.load().relations.get(predicate)
    g = rt.goldstein if rt is not None else None
    return max(1.0, abs(g) / 5) if g is not None else 1.0


def evidence_weight(e: dict) -> float:
    """What one piece of evidence counts towards a tie before its polarity: confidence × modality weight.

    >>> evidence_weight({"confidence": 0.8, "modality": "intent"}), evidence_weight({"modality": "possible"})
    (0.4, 0.0)
    """
    return float(e.get("confidence", 1.0)) * MODALITY_WEIGHT.get(e.get("modality") or "asserted", 0.0)


def signed_graph(
    G: nx.MultiDiGraph,
    *,
    since: str | None = None,
    until: str | None = None,
    types: tuple[str, ...] | None = ACTOR_TYPES,
) -> nx.Graph:
    """The undirected signed actor network of an actor graph, from its tie relations (module docstring).

    Edge attributes: ``weight`` (signed sum of polarity × confidence × modality weight over the
    evidence), ``sign`` (+1/-1), ``positive``/``negative`` (the two parts, both >= 0), ``evidence``
    (list of dicts: subject, predicate, object, polarity, weight, sentence, article, date, confidence,
    modality; only the evidence that counts). Ties whose parts cancel out exactly are left out.
    ``since``/``until`` filter evidence by date (when the graph carries evidence lists); ``types``
    keeps only actors of these entity types.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from(["x", "y"], type="GPE")
    >>> _ = G.add_edge("x", "y", key="attacks", predicate="attacks", weight=3, confidence=0.5)
    >>> _ = G.add_edge("x", "y", key="visits", predicate="visits", weight=9, confidence=1.0)
    >>> signed_graph(G)["x"]["y"]["weight"]
    -3.0
    """
    ties = tie_relations()
    S = nx.Graph()
    for n, d in G.nodes(data=True):
        if types is None or d.get("type") in types:
            S.add_node(n, **{k: v for k, v in d.items() if not isinstance(v, (list, dict))})
    pos: dict[tuple, float] = defaultdict(float)
    neg: dict[tuple, float] = defaultdict(float)
    evid: dict[tuple, list] = defaultdict(list)
    for u, v, d in G.edges(data=True):
        pol = ties.get(d.get("predicate", ""), 0)
        if not pol or u == v or u not in S or v not in S:
            continue
        key = tuple(sorted((u, v)))
        base = {"subject": u, "predicate": d.get("predicate", ""), "object": v, "polarity": pol}
        scale = event_weight(d.get("predicate", ""))
        if "evidence" in d:
            items = []
            for e in d["evidence"]:
                w = evidence_weight(e) * scale
                if w > 0 and in_window(e.get("date"), since, until):
                    items.append({**base, **e, "weight": round(pol * w, 6)})
        else:
            w = float(d.get("weight", 1)) * float(d.get("confidence", 1.0)) * scale
            items = [
                {
                    **base,
                    "weight": round(pol * w, 6),
                    "sentence": "",
                    "article": "; ".join(d.get("articles", ())),
                    "date": d.get("last", ""),
                    "confidence": d.get("confidence", 1.0),
                }
            ]
        amount = sum(abs(e["weight"]) for e in items)
        if amount <= 0:
            continue
        (pos if pol > 0 else neg)[key] += amount
        evid[key] += items
    for key in sorted(set(pos) | set(neg)):
        w = round(pos[key] - neg[key], 6)
        if w == 0:
            continue
        S.add_edge(
            *key,
            weight=w,
            sign=1 if w > 0 else -1,
            positive=round(pos[key], 6),
            negative=round(neg[key], 6),
            evidence=evid[key],
        )
    return S


def _partners(S: nx.Graph, node, sign: int, top: int | None) -> list[dict]:
    out = []
    for m, d in S[node].items():
        if m != node and d["sign"] == sign:
            evs = d.get("evidence", [])
            out.append(
                {
                    "actor": m,
                    "label": S.nodes[m].get("label", m),
                    "weight": d["weight"],
                    "relations": dict(sorted(Counter(e["predicate"] for e in evs).items())),
                    "evidence": evs,
                }
            )
    out.sort(key=lambda r: (-abs(r["weight"]), r["actor"]))
    return out[:top] if top else out


def allies(S: nx.Graph, node, top: int | None = 5) -> list[dict]:
    """``node``'s strongest positive ties, strongest first: the partner (``actor`` id, ``label``), the
    signed ``weight``, the ``relations`` the tie rests on with their evidence counts and the ``evidence``.

    >>> S = nx.Graph([("a", "b", {"weight": 2.0, "sign": 1}), ("a", "c", {"weight": -1.0, "sign": -1})])
    >>> [r["actor"] for r in allies(S, "a")], [r["actor"] for r in adversaries(S, "a")]
    (['b'], ['c'])
    """
    return _partners(S, node, 1, top)


def adversaries(S: nx.Graph, node, top: int | None = 5) -> list[dict]:
    """``node``'s strongest negative ties, with evidence, strongest first (see :func:`allies`)."""
    return _partners(S, node, -1, top)


# what happened to a tie between two windows, keyed by (sign before, sign after); 0 = no tie
CHANGES = {
    (0, 1): "new alliance",
    (-1, 1): "reconciled",
    (1, -1): "broken alliance",
    (1, 0): "lapsed alliance",
    (0, -1): "new conflict",
    (-1, 0): "ended conflict",
}


def tie_changes(before: nx.Graph, after: nx.Graph) -> list[dict]:
    """How the signed ties changed from one signed network to another (for example two date windows of
    :func:`signed_graph`): new alliances, broken ones (cooperation turned to conflict), lapsed ones (no
    longer seen), reconciliations, new and ended conflicts (the kinds in :data:`CHANGES`). One row per
    pair whose sign changed, with both weights and the evidence of the window that shows the tie (the
    later one when both do); ordered by kind as in :data:`CHANGES`, then by the size of the change.

    >>> A = nx.Graph([("a", "b", {"weight": 1.0}), ("a", "c", {"weight": 2.0}), ("c", "d", {"weight": -1.0})])
    >>> B = nx.Graph([("a", "b", {"weight": 1.5}), ("a", "c", {"weight": -0.5}), ("b", "d", {"weight": 0.8})])
    >>> [(r["source"], r["target"], r["change"]) for r in tie_changes(A, B)]
    [('b', 'd', 'new alliance'), ('a', 'c', 'broken alliance'), ('c', 'd', 'ended conflict')]
    """

    def sign(S, pair):
        return (1 if S.edges[pair]["weight"] > 0 else -1) if S.has_edge(*pair) else 0

    order = {kind: i for i, kind in enumerate(CHANGES.values())}
    rows = []
    pairs = {tuple(sorted(e)) for e in before.edges} | {tuple(sorted(e)) for e in after.edges}
    for pair in pairs:
        key = (sign(before, pair), sign(after, pair))
        if key not in CHANGES:
            continue
        wa = before.edges[pair]["weight"] if before.has_edge(*pair) else 0.0
        wb = after.edges[pair]["weight"] if after.has_edge(*pair) else 0.0
        shown = after if after.has_edge(*pair) else before
        label = lambda n: (after.nodes[n] if n in after else before.nodes[n]).get("label", n)  # noqa: E731
        rows.append(
            {
                "source": pair[0],
                "target": pair[1],
                "source_label": label(pair[0]),
                "target_label": label(pair[1]),
                "change": CHANGES[key],
                "before": wa,
                "after": wb,
                "evidence": shown.edges[pair].get("evidence", []),
            }
        )
    rows.sort(key=lambda r: (order[r["change"]], -abs(r["after"] - r["before"]), r["source"], r["target"]))
    return rows
