"""What makes a graph file open in Gephi as ``kg viz`` draws it: the layout, colours and sizes of
:mod:`kg.render.layout` and :mod:`kg.render.viz` as node attributes, each actor's party and country, and
a dynamic GEXF 1.3 writer whose node and edge intervals (first to last article date) drive Gephi's
timeline.

Positions are the scene's pixels with y turned upwards (Gephi's y axis points up, SVG's down); colours
are the bloc colours of the picture; size is the node radius there (PageRank). Nodes the picture does
not show (with ``everything``: offices, quantities, events, actors without a tie) are grey, of the
smallest size, and placed by a force layout around the fixed actors.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import networkx as nx

from kg.analyse.parties import membership
from kg.analyse.positions import office_holders
from kg.render.layout import R_MIN, scene
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


def style(G: nx.MultiDiGraph, *, kb: dict[str, dict] | None = None, everything: bool = False, seed: int = 0) -> None:
    """Lay out ``G`` (an actor graph with evidence lists) as ``kg viz`` does and set on its nodes the
    analysis attributes (:func:`kg.analyse.annotate.annotate`), ``party``, ``country`` and :data:`STYLE`;
    without ``everything`` keep only the actors the picture shows (those with a tie to another actor)."""
    sc = scene(G, top=None, seed=seed)
    colours = {g["index"]: colour(g) for g in sc.groups}
    shown = {n["id"]: n for n in sc.nodes}
    if not everything:
        G.remove_nodes_from([n for n in list(G) if n not in shown])
    parties = membership(G)
    countries = _countries(G, kb or {})
    pos = {n: (s["x"], -s["y"]) for n, s in shown.items()}
    rest = [n for n in G if n not in pos]
    if rest:
        U = nx.Graph(G.to_undirected(as_view=True))
        rng = random.Random(seed)  # distinct starting points: nodes that start together never part
        xs, ys = [x for x, _ in pos.values()] or [0.0], [y for _, y in pos.values()] or [0.0]
        span = max(max(xs) - min(xs), max(ys) - min(ys), 200.0)
        init = {n: pos.get(n, (rng.uniform(-span, span), rng.uniform(-span, span))) for n in U}
        placed = nx.spring_layout(U, pos=init, fixed=list(pos) or None, k=60.0, seed=seed, iterations=100)
        pos.update({n: (float(placed[n][0]), float(placed[n][1])) for n in rest})
    for n, d in G.nodes(data=True):
        s = shown.get(n)
        r, g, b = _rgb(colours[s["group"]] if s else NO_BLOC)
        party = parties.get(n)
        d.update(
            party=str(G.nodes[party].get("label", party)) if party else "",
            country=countries.get(n, ""),
            r=r,
            g=g,
            b=b,
            size=round(float(s["r"]) if s else R_MIN, 2),
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
