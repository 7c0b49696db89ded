"""What makes a graph file open in Gephi as ``kg viz`` draws it: the layout, colours and sizes of
:mod:`kg.render.layout` and :mod:`kg.render.viz` as node attributes, each actor's party and country, and
a dynamic GEXF 1.3 writer whose node and edge intervals (first to last article date) drive Gephi's
timeline.

The actors ``kg viz`` draws (the most central ones) keep the picture's pixels, with y turned upwards
(Gephi's y axis points up, SVG's down), its bloc colours and its node radius (PageRank) as size. The
other connected actors take the colour of their bloc where the picture has it (else the picture's "no
bloc" grey) and the picture's size rule, and are placed by a force layout around the fixed ones; with
``everything`` the other entities (offices, quantities, events, actors without a tie) are grey and of
the smallest size, placed the same way.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx

from kg.analyse.parties import membership
from kg.analyse.positions import office_holders
from kg.render.layout import DEFAULT_TOP, R_MIN, radius, scene
from kg.render.viz import NO_BLOC, colour

GEXF_NS = "http://gexf.net/1.3"
VIZ_NS = "http://gexf.net/1.3/viz"
STYLE = ("r", "g", "b", "size", "x", "y")  # the node attributes Gephi reads as colour, size and position


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _countries(G: nx.MultiDiGraph, kb: dict[str, dict]) -> dict[str, str]:
    """Actor id -> country: its code in the actor dictionary (ISO 3166 alpha-3), else the country (GPE)
    its most evidenced current post belongs to."""
    out = {n: str(k["country"]) for n, k in kb.items() if n in G and k.get("country")}
    for row in office_holders(G, status="current"):  # most evidenced first
        of = row["of_id"]
        if row["holder_id"] not in out and of in G and G.nodes[of].get("type") == "GPE":
            out[row["holder_id"]] = str(kb.get(of, {}).get("country") or row["of"])
    return out


def _positions(G: nx.MultiDiGraph, fixed: dict, connected: set, seed: int) -> dict:
    """Positions for every node of ``G``: ``fixed`` ones kept; the other connected actors by a force layout
    around them; every other node beside its placed neighbours, else on a ring around the picture."""
    rng = random.Random(seed)  # distinct starting points: nodes that start together never part
    pos = dict(fixed)
    xs, ys = [x for x, _ in pos.values()] or [0.0], [y for _, y in pos.values()] or [0.0]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    actors = [n for n in G if n in connected]
    if any(n not in pos for n in actors):
        U = nx.Graph()  # built in sorted order: the layout depends on the order, not on the other nodes of G
        U.add_nodes_from(sorted(actors))
        U.add_edges_from(sorted((u, v) for u, v in G.subgraph(actors).edges() if u != v))
        init = {n: pos.get(n, (cx + rng.uniform(-span, span), cy + rng.uniform(-span, span))) for n in U}
        placed = nx.spring_layout(U, pos=init, fixed=[n for n in U if n in pos] or None, k=60.0, seed=seed)
        pos.update({n: (float(x), float(y)) for n, (x, y) in placed.items() if n not in pos})
    todo = [n for n in G if n not in pos]
    for _ in range(3):  # offices, quantities and the like: beside what they are tied to
        for n in todo:
            near = [pos[m] for m in nx.all_neighbors(G, n) if m in pos]
            if near and n not in pos:
                a, d = rng.uniform(0, 2 * math.pi), rng.uniform(25.0, 60.0)
                mx, my = sum(p[0] for p in near) / len(near), sum(p[1] for p in near) / len(near)
                pos[n] = (mx + d * math.cos(a), my + d * math.sin(a))
        todo = [n for n in todo if n not in pos]
    r = span * 0.75 + 100.0
    for i, n in enumerate(sorted(todo, key=lambda n: (G.nodes[n].get("type", ""), n))):  # nothing tied to them
        a = 2 * math.pi * i / len(todo)
        pos[n] = (cx + r * math.cos(a), cy + r * math.sin(a))
    return pos


def style(G: nx.MultiDiGraph, *, kb: dict[str, dict] | None = None, everything: bool = False, seed: int = 0) -> None:
    """Lay out ``G`` (an actor graph with evidence lists) as ``kg viz`` does and set on its nodes the
    analysis attributes (:func:`kg.analyse.annotate.annotate`), ``party``, ``country`` and :data:`STYLE`;
    without ``everything`` keep only the connected actors (those with a tie to another actor)."""
    sc = scene(G, top=DEFAULT_TOP, seed=seed)
    rows = sc.annotation.centrality if sc.annotation else []
    connected = {r["actor_id"] for r in rows}
    top_pagerank = max((r["pagerank"] for r in rows), default=1.0)
    bloc_colour = {g["bloc"]: colour(g) for g in sc.groups if g["bloc"] >= 0}
    shown = {n["id"]: n for n in sc.nodes}
    if not everything:
        G.remove_nodes_from([n for n in list(G) if n not in connected])
    parties = membership(G)
    countries = _countries(G, kb or {})
    pos = _positions(G, {n: (s["x"], -s["y"]) for n, s in shown.items()}, connected, seed)
    group_colour = {g["index"]: colour(g) for g in sc.groups}
    for n, d in G.nodes(data=True):
        s = shown.get(n)
        if s:
            hex_colour, size = group_colour[s["group"]], float(s["r"])
        elif n in connected:
            hex_colour, size = bloc_colour.get(d["bloc"], NO_BLOC), radius(d["pagerank"], top_pagerank)
        else:
            hex_colour, size = NO_BLOC, R_MIN
        r, g, b = _rgb(hex_colour)
        party = parties.get(n)
        d.update(
            party=str(G.nodes[party].get("label", party)) if party else "",
            country=countries.get(n, ""),
            r=r,
            g=g,
            b=b,
            size=round(size, 2),
            x=round(pos[n][0], 1),
            y=round(pos[n][1], 1),
        )


def _type(v: Any) -> str:
    return (
        "boolean"
        if isinstance(v, bool)
        else "integer"
        if isinstance(v, int)
        else "double"
        if isinstance(v, float)
        else "string"
    )


def _declare(parent: ET.Element, cls: str, items: list[dict], skip: set[str]) -> dict[str, str]:
    """Declare the attributes of ``items`` (their first value's type) under ``parent``; returns title -> id."""
    kinds: dict[str, str] = {}
    for d in items:
        for k, v in d.items():
            if k not in skip and k not in kinds and v is not None:
                kinds[k] = _type(v)
    el = ET.SubElement(parent, f"{{{GEXF_NS}}}attributes", {"class": cls, "mode": "static"})
    for k in sorted(kinds):
        ET.SubElement(el, f"{{{GEXF_NS}}}attribute", {"id": k, "title": k, "type": kinds[k]})
    return kinds


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _interval(el: ET.Element, d: dict) -> None:
    """Give ``el`` the ``start``/``end`` of ``d``'s first and last article dates (none when undated)."""
    first, last = str(d.get("first") or "")[:10], str(d.get("last") or "")[:10]
    if first:
        el.set("start", first)
        el.set("end", last or first)


def write_gexf(G: nx.MultiDiGraph, out: Path) -> None:
    """Write ``G`` (styled by :func:`style`) as a dynamic GEXF 1.3 file: ``viz:color``, ``viz:size`` and
    ``viz:position`` from :data:`STYLE`, every other attribute declared and typed, list values as JSON
    arrays, one edge per relation (its ``kind`` the relation, so Gephi keeps parallel relations apart)."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", VIZ_NS)
    q = lambda tag: f"{{{GEXF_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("gexf"), {"version": "1.3"})
    meta = ET.SubElement(root, q("meta"), {"lastmodifieddate": date.today().isoformat()})
    ET.SubElement(meta, q("creator")).text = "kg"
    graph = ET.SubElement(
        root,
        q("graph"),
        {"mode": "dynamic", "defaultedgetype": "directed", "timeformat": "date", "timerepresentation": "interval"},
    )
    node_skip = {"label", *STYLE}
    edge_skip = {"label", "weight"}
    node_attrs = _declare(graph, "node", [d for _, d in G.nodes(data=True)], node_skip)
    edge_attrs = _declare(graph, "edge", [d for *_, d in G.edges(data=True)], edge_skip)
    nodes = ET.SubElement(graph, q("nodes"), {"count": str(G.number_of_nodes())})
    for n, d in G.nodes(data=True):
        el = ET.SubElement(nodes, q("node"), {"id": str(n), "label": str(d.get("label", n))})
        _interval(el, d)
        vals = ET.SubElement(el, q("attvalues"))
        for k in sorted(node_attrs):
            if d.get(k) is not None:
                ET.SubElement(vals, q("attvalue"), {"for": k, "value": _value(d[k])})
        if "r" in d:
            ET.SubElement(el, f"{{{VIZ_NS}}}color", {"r": str(d["r"]), "g": str(d["g"]), "b": str(d["b"])})
            ET.SubElement(el, f"{{{VIZ_NS}}}size", {"value": str(d["size"])})
            ET.SubElement(el, f"{{{VIZ_NS}}}position", {"x": str(d["x"]), "y": str(d["y"]), "z": "0.0"})
    edges = ET.SubElement(graph, q("edges"), {"count": str(G.number_of_edges())})
    for i, (u, v, d) in enumerate(G.edges(data=True)):
        label = str(d.get("label", d.get("predicate", "")))
        el = ET.SubElement(
            edges,
            q("edge"),
            {"id": f"e{i}", "source": str(u), "target": str(v), "label": label, "kind": label},
        )
        el.set("weight", str(float(d.get("weight", 1))))
        _interval(el, d)
        vals = ET.SubElement(el, q("attvalues"))
        for k in sorted(edge_attrs):
            if d.get(k) is not None:
                ET.SubElement(vals, q("attvalue"), {"for": k, "value": _value(d[k])})
    ET.indent(root, space=" ")
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)
