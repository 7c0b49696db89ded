"""What a picture of the alliance network shows, and where: the :class:`Scene` that :mod:`kg.render.viz`
draws as interactive HTML/SVG and as a PNG.

The most central actors (PageRank) are kept; each bloc of the signed partition is laid out on its
own (a force layout of its cooperation ties), its actors pushed apart until no two labels overlap,
and the blocs are then packed side by side, each placed near the blocs it has ties with. Actors
whose bloc has no other shown member are grouped as "no bloc". Coordinates are pixels: a label of
``n`` characters is taken as ``n * CHAR_W`` wide and ``LABEL_H`` high.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcd": G.add_node(n, label=n.upper() * 3, type="Person")
>>> add_relation(G, "a", "praises", "b", sentence="A praised B."); add_relation(G, "c", "aids", "d")
>>> add_relation(G, "a", "attacks", "c", sentence="A attacked C.")
>>> sc = scene(G)
>>> sorted((n["label"], n["group"]) for n in sc.nodes)
[('AAA', 0), ('BBB', 0), ('CCC', 1), ('DDD', 1)]
>>> [(e["sign"], e["sentences"]) for e in sc.edges if e["sign"] < 0]
[(-1, ['A attacked C.'])]
>>> overlaps(sc)
0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.analyse import centrality as _ce
from kg.analyse.annotate import Annotation, annotate
from kg.analyse.graph import ACTOR_TYPES

CHAR_W = 7.2  # px per label character at the label font size (12 px DejaVu Sans / Helvetica)
LABEL_H = 15.0
R_MIN, R_MAX = 6.0, 24.0
PAD = 8.0
DEFAULT_TOP = 40  # the actors a picture shows unless told otherwise (kg viz --top)


@dataclass
class Scene:
    """Nodes (id, label, type, bloc, group, pagerank, degree, betweenness, articles, offices, x, y, r),
    edges (source, target, sign, weight, evidence, relations, sentences), groups (index, bloc, label,
    size, x, y, radius) and a summary of the whole network."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    annotation: Annotation | None = None  # the whole network's analysis the scene was drawn from

    def bounds(self, margin: float = 40.0) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) enclosing every node, label and bloc circle."""
        xs, ys = [], []
        for n in self.nodes:
            w = max(n["r"], label_width(n["label"]) / 2)
            xs += [n["x"] - w, n["x"] + w]
            ys += [n["y"] - n["r"], n["y"] + n["r"] + 2 + LABEL_H]
        for g in self.groups:
            xs += [g["x"] - g["radius"], g["x"] + g["radius"]]
            ys += [g["y"] - g["radius"] - LABEL_H - 4, g["y"] + g["radius"]]
        if not xs:
            return (0.0, 0.0, 2 * margin, 2 * margin)
        return (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)


def radius(pagerank: float, top_pagerank: float) -> float:
    """A node's radius: grows with the square root of its PageRank, from R_MIN to R_MAX for the most central."""
    return R_MIN + (R_MAX - R_MIN) * math.sqrt(max(pagerank, 0.0) / (top_pagerank or 1.0))


def label_width(label: str) -> float:
    return max(1, len(label)) * CHAR_W


def _box(n: dict, x: float, y: float) -> tuple[float, float, float, float]:
    """The box a node and its label (centred below it) cover."""
    w = max(n["r"], label_width(n["label"]) / 2)
    return (x - w, y - n["r"], x + w, y + n["r"] + 2 + LABEL_H)


def _separate(nodes: dict, pos: dict, rounds: int = 400) -> None:
    """Push apart nodes whose boxes overlap (along the axis of least overlap) until none do."""
    ids = sorted(pos)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                ax0, ay0, ax1, ay1 = _box(nodes[a], *pos[a])
                bx0, by0, bx1, by1 = _box(nodes[b], *pos[b])
                ox = min(ax1, bx1) - max(ax0, bx0) + PAD
                oy = min(ay1, by1) - max(ay0, by0) + PAD
                if ox <= 0 or oy <= 0:
                    continue
                moved = True
                (xa, ya), (xb, yb) = pos[a], pos[b]
                if ox < oy:
                    d = ox / 2 * (1 if xa >= xb else -1)
                    pos[a], pos[b] = (xa + d, ya), (xb - d, yb)
                else:
                    d = oy / 2 * (1 if ya >= yb else -1)
                    pos[a], pos[b] = (xa, ya + d), (xb, yb - d)
        if not moved:
            return


def overlaps(sc: Scene) -> int:
    """How many pairs of node+label boxes overlap in a scene (0 once laid out)."""
    boxes = [_box(n, n["x"], n["y"]) for n in sc.nodes]
    return sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])
    )


def _group_layout(sub: nx.Graph, nodes: dict, seed: int) -> dict:
    """Positions of one group's nodes around (0, 0), overlap-free."""
    members = sorted(sub)
    if len(members) == 1:
        pos = {members[0]: (0.0, 0.0)}
    else:
        # a force layout where every pair pulls a little (so nothing drifts away) and ties pull more
        H = nx.complete_graph(members)
        nx.set_edge_attributes(H, 0.15, "pull")
        for u, v, d in sub.edges(data=True):
            H[u][v]["pull"] = 1.0 + d.get("pull", 0.0)
        raw = nx.spring_layout(H, weight="pull", seed=seed, iterations=300)
        spread = 38.0 * math.sqrt(len(members))
        pos = {n: (float(raw[n][0]) * spread, float(raw[n][1]) * spread) for n in members}
    _separate(nodes, pos)
    cx = sum(p[0] for p in pos.values()) / len(pos)
    cy = sum(p[1] for p in pos.values()) / len(pos)
    return {n: (x - cx, y - cy) for n, (x, y) in pos.items()}


def _radius(nodes: dict, pos: dict) -> float:
    r = 0.0
    for n, (x, y) in pos.items():
        x0, y0, x1, y1 = _box(nodes[n], x, y)
        r = max(r, *(math.hypot(px, py) for px in (x0, x1) for py in (y0, y1)))
    return r + PAD


def _pack(groups: list[dict], ties: dict) -> None:
    """Place group circles without overlap, each as near as possible to the groups it has ties with."""
    placed: list[dict] = []
    for g in groups:
        pulls = [(p, ties.get(tuple(sorted((g["index"], p["index"]))), 0.0)) for p in placed]
        total = sum(w for _, w in pulls)
        tx = sum(p["x"] * w for p, w in pulls) / total if total else 0.0
        ty = sum(p["y"] * w for p, w in pulls) / total if total else 0.0
        step, k = 12.0, 0
        while True:  # an outward spiral around the target
            ang = k * 0.5
            dist = step * ang / (2 * math.pi) * 2
            x, y = tx + dist * math.cos(ang), ty + dist * math.sin(ang)
            if all(math.hypot(x - p["x"], y - p["y"]) >= g["radius"] + p["radius"] + 3 * PAD for p in placed):
                g["x"], g["y"] = x, y
                break
            k += 1
        placed.append(g)


def _offices(G: nx.MultiDiGraph, n) -> list[str]:
    rows = sorted(
        (
            (d.get("weight", 1), G.nodes[v].get("label", v))
            for _, v, d in G.out_edges(n, data=True)
            if d.get("predicate") == "holds_position"
        ),
        reverse=True,
    )
    return [label for _, label in rows[:3]]


def scene(
    G: nx.MultiDiGraph, *, top: int | None = DEFAULT_TOP, seed: int = 0, types: tuple[str, ...] | None = ACTOR_TYPES
) -> Scene:
    """The scene of an actor graph (with evidence lists): the ``top`` actors by PageRank (all connected
    actors when None), grouped by bloc and laid out without overlapping labels. Annotates ``G``
    (:func:`kg.analyse.annotate.annotate`)."""
    ann = annotate(G, seed=seed, types=types)
    rows = ann.centrality[:top] if top else ann.centrality
    keep = [r["actor_id"] for r in rows]
    prmax = max((r["pagerank"] for r in rows), default=1.0) or 1.0
    nodes = {}
    for n in keep:
        d = G.nodes[n]
        nodes[n] = {
            "id": n,
            "label": str(d.get("label", n)),
            "type": d.get("type", ""),
            "bloc": d["bloc"],
            "pagerank": d["pagerank"],
            "degree": d["degree"],
            "betweenness": d["betweenness"],
            "articles": d.get("articles", 0),
            "first": d.get("first", ""),
            "last": d.get("last", ""),
            "offices": _offices(G, n),
            "r": radius(d["pagerank"], prmax),
        }
    H = _ce.actor_network(G.subgraph(keep), types=types)
    S = ann.signed
    edges = []
    for u, v, d in sorted(H.edges(data=True), key=lambda e: tuple(sorted(e[:2]))):
        a, b = sorted((u, v))
        w = S.edges[a, b]["weight"] if S.has_edge(a, b) else 0.0
        rels, sents, sources = [], [], []
        for s, p, o, rd in sorted(d["relations"], key=lambda r: (-r[3].get("weight", 1), r[1])):
            rels.append(
                f"{G.nodes[s].get('label', s)} {p.replace('_', ' ')} {G.nodes[o].get('label', o)}"
                + (f" ({rd.get('weight', 1)}x)" if rd.get("weight", 1) > 1 else "")
            )
            for e in rd.get("evidence", []):
                if e.get("sentence") and e["sentence"] not in sents:
                    sents.append(e["sentence"])
                    sources.append(e.get("article", ""))
        edges.append(
            {
                "source": a,
                "target": b,
                "sign": (w > 0) - (w < 0),
                "weight": w,
                "evidence": d["weight"],
                "relations": rels,
                "sentences": sents[:5],
                "sources": sources[:5],  # the article each sentence is from
            }
        )
    # groups: the blocs with two or more shown members, then everyone else
    by_bloc: dict[int, list] = {}
    for n in keep:
        by_bloc.setdefault(nodes[n]["bloc"], []).append(n)
    blocs = sorted((b for b, ms in by_bloc.items() if b >= 0 and len(ms) > 1), key=lambda b: (-len(by_bloc[b]), b))
    rest = sorted(n for b, ms in by_bloc.items() if b < 0 or len(ms) == 1 for n in ms)
    members = [by_bloc[b] for b in blocs] + ([rest] if rest else [])
    groups: list[dict[str, Any]] = []
    group_of: dict[str, int] = {}
    for i, ms in enumerate(members):
        bloc = blocs[i] if i < len(blocs) else -1
        for n in ms:
            group_of[n] = i
            nodes[n]["group"] = i
        groups.append(
            {"index": i, "bloc": bloc, "size": len(ms), "label": f"bloc {bloc + 1}" if bloc >= 0 else "no bloc"}
        )
    local = {}
    for g, ms in zip(groups, members):
        sub = nx.Graph()
        sub.add_nodes_from(ms)
        for e in edges:
            if e["source"] in sub and e["target"] in sub and e["sign"] >= 0:
                sub.add_edge(e["source"], e["target"], pull=abs(e["weight"]) + 0.3)
        local[g["index"]] = _group_layout(sub, nodes, seed)
        g["radius"] = _radius(nodes, local[g["index"]])
    ties: dict[tuple, float] = {}
    for e in edges:
        ga, gb = group_of[e["source"]], group_of[e["target"]]
        if ga != gb:
            key = tuple(sorted((ga, gb)))
            ties[key] = ties.get(key, 0.0) + abs(e["weight"]) + 0.1
    _pack(groups, ties)
    for g in groups:
        for n, (x, y) in local[g["index"]].items():
            nodes[n]["x"], nodes[n]["y"] = round(g["x"] + x, 1), round(g["y"] + y, 1)
        g["x"], g["y"], g["radius"] = round(g["x"], 1), round(g["y"], 1), round(g["radius"], 1)
    from kg.analyse import alliances as _al

    summary = {
        "actors": sum(1 for n in S if S.degree(n)),
        "ties": S.number_of_edges(),
        "shown": len(keep),
        "connected": len(ann.centrality),
        "balance": _al.balance(S),
        "frustration": ann.frustration,
        "blocs": sum(1 for p in ann.partition if len(p) > 1),
    }
    return Scene([nodes[n] for n in keep], edges, groups, summary, ann)
