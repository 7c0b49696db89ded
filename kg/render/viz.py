"""Pictures of the alliance network: a self-contained interactive HTML page (inline SVG and a little
JavaScript, nothing fetched from the network) and a static PNG (matplotlib, Agg backend), both drawn
from one :class:`kg.render.layout.Scene`.

Cooperation ties are green, conflict ties red, ties with neither polarity grey and dashed; line width
grows with the evidence. Nodes are coloured by bloc and sized by PageRank; each bloc sits in its own
shaded circle. In the HTML page hovering an actor or a tie shows its evidence sentences, the mouse
wheel zooms, dragging pans, and the search box finds an actor.

>>> from kg.render.layout import Scene
>>> page = html(Scene(nodes=[{"id": "a", "label": "<A>", "type": "Person", "bloc": -1, "group": 0, "pagerank": 1.0,
...     "degree": 0, "betweenness": 0.0, "articles": 1, "first": "", "last": "", "offices": [],
...     "x": 0, "y": 0, "r": 8}],
...     groups=[{"index": 0, "bloc": -1, "label": "no bloc", "size": 1, "x": 0, "y": 0, "radius": 30}]))
>>> "<A>" in page, "&lt;A&gt;" in page, "http" in page.replace("http://www.w3.org/2000/svg", "")
(False, True, False)
"""

from __future__ import annotations

import html as _html
import json
import math
from pathlib import Path

from kg.render.layout import LABEL_H, Scene

# bloc colours (Tableau 10, then 10 more), the same in HTML and PNG; -1 ("no bloc") is grey
PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#76b7b2",
    "#b07aa1",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#59a14f",
    "#bab0ac",
    "#e15759",
    "#1f77b4",
    "#8c564b",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#c5b0d5",
    "#c49c94",
]
NO_BLOC = "#9a9a9a"
MIN_WIDTH, HEADER = 900.0, 90.0  # PNG: narrowest picture, and the band for title and legend (layout px)
TIE = {1: "#2e9d4a", -1: "#d1343a", 0: "#8f8f8f"}


def colour(group: dict) -> str:
    return PALETTE[group["index"] % len(PALETTE)] if group["bloc"] >= 0 else NO_BLOC


def _width(e: dict) -> float:
    return 1.0 + 1.6 * math.log2(1 + e["evidence"])


def _bend(a: dict, b: dict, k: float = 0.1) -> tuple[float, float]:
    """The control point of a tie's gentle curve (so ties along one line stay apart)."""
    mx, my = (a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2
    return round(mx - (b["y"] - a["y"]) * k, 1), round(my + (b["x"] - a["x"]) * k, 1)


def _esc(s) -> str:
    return _html.escape(str(s), quote=True)


def _node_title(n: dict) -> str:
    lines = [
        f"{n['label']} ({n['type']})",
        f"PageRank {n['pagerank']:.4f} · degree {n['degree']} · "
        f"betweenness {n['betweenness']:.3f} · {n['articles']} articles",
    ]
    if n["offices"]:
        lines.append("holds: " + ", ".join(n["offices"]))
    return "\n".join(lines)


def _edge_title(e: dict, labels: dict) -> str:
    kind = {1: "cooperation", -1: "conflict", 0: "neutral"}[e["sign"]]
    lines = [f"{labels[e['source']]} – {labels[e['target']]}: {kind} ({e['weight']:+g}, {e['evidence']} evidence)"]
    lines += e["relations"][:4] + [f"“{s}”" for s in e["sentences"][:3]]
    return "\n".join(lines)


def svg(sc: Scene) -> str:
    """The scene as one SVG element (no scripts; the HTML page adds them)."""
    x0, y0, x1, y1 = sc.bounds()
    labels = {n["id"]: n["label"] for n in sc.nodes}
    pos = {n["id"]: n for n in sc.nodes}
    gcol = {g["index"]: colour(g) for g in sc.groups}
    out = [
        f'<svg id="kg-svg" xmlns="http://www.w3.org/2000/svg" viewBox="{x0:.0f} {y0:.0f} {x1 - x0:.0f} '
        f'{y1 - y0:.0f}" font-family="Helvetica, Arial, sans-serif">',
        '<g id="kg-view">',
        '<g class="groups">',
    ]
    for g in sc.groups:
        dash = ' stroke-dasharray="6 5"' if g["bloc"] < 0 else ""
        out.append(
            f'<circle cx="{g["x"]}" cy="{g["y"]}" r="{g["radius"]}" fill="{gcol[g["index"]]}" '
            f'fill-opacity="0.08" stroke="{gcol[g["index"]]}" stroke-opacity="0.5"{dash}/>'
        )
        out.append(
            f'<text x="{g["x"]}" y="{g["y"] - g["radius"] - 6}" text-anchor="middle" font-size="14" '
            f'font-weight="bold" fill="{gcol[g["index"]]}" paint-order="stroke" stroke="#fff" stroke-width="3">'
            f"{_esc(g['label'])} · {g['size']}</text>"
        )
    out.append('</g><g class="edges">')
    for i, e in enumerate(sc.edges):
        a, b = pos[e["source"]], pos[e["target"]]
        dash = ' stroke-dasharray="5 4"' if e["sign"] == 0 else ""
        cx, cy = _bend(a, b)
        d = f'd="M{a["x"]},{a["y"]} Q{cx},{cy} {b["x"]},{b["y"]}" fill="none"'
        out.append(
            f'<g class="edge" data-i="{i}" data-s="{_esc(e["source"])}" data-t="{_esc(e["target"])}">'
            f'<path {d} stroke="{TIE[e["sign"]]}" stroke-width="{_width(e):.1f}" stroke-opacity="0.75"{dash}/>'
            f'<path {d} stroke="transparent" stroke-width="12"/>'
            f"<title>{_esc(_edge_title(e, labels))}</title></g>"
        )
    out.append('</g><g class="nodes">')
    for i, n in enumerate(sc.nodes):
        out.append(
            f'<g class="node" data-i="{i}" data-id="{_esc(n["id"])}">'
            f'<circle cx="{n["x"]}" cy="{n["y"]}" r="{n["r"]:.1f}" fill="{gcol[n["group"]]}" stroke="#333" '
            f'stroke-width="1"/>'
            f'<text x="{n["x"]}" y="{n["y"] + n["r"] + LABEL_H - 1:.1f}" text-anchor="middle" font-size="12" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{_esc(n["label"])}</text>'
            f"<title>{_esc(_node_title(n))}</title></g>"
        )
    out.append("</g></g></svg>")
    return "\n".join(out)


_CSS = """
body{margin:0;font-family:Helvetica,Arial,sans-serif;color:#222;display:flex;height:100vh}
#kg-main{flex:1;position:relative;overflow:hidden;background:#fcfcfc}
#kg-svg{width:100%;height:100%;cursor:grab}
#kg-side{width:340px;overflow:auto;border-left:1px solid #ddd;padding:12px;font-size:13px;background:#fff}
#kg-side h1{font-size:16px;margin:0 0 6px} #kg-side h2{font-size:14px;margin:12px 0 4px}
#kg-side blockquote{margin:4px 0;padding:4px 8px;border-left:3px solid #ccc;background:#f6f6f6}
#kg-side .cite{font-size:11px;color:#666;margin:0 0 6px 11px}
#kg-search{width:100%;box-sizing:border-box;padding:4px;margin:6px 0}
.legend span{display:inline-block;margin-right:10px} .sw{display:inline-block;width:18px;height:4px;vertical-align:middle}
svg.dim .node,svg.dim .edge{opacity:.12} svg.dim .hl{opacity:1}
.node{cursor:pointer}
"""  # noqa: E501 -- a stylesheet, one rule per line

_JS = r"""
(function(){
const data = JSON.parse(document.getElementById('kg-data').textContent);
const svg = document.getElementById('kg-svg'), side = document.getElementById('kg-info');
let vb = svg.getAttribute('viewBox').split(' ').map(Number), drag = null, pinned = null;
const setVB = () => svg.setAttribute('viewBox', vb.join(' '));
svg.addEventListener('wheel', ev => { ev.preventDefault();
  const r = svg.getBoundingClientRect(), k = ev.deltaY > 0 ? 1.15 : 1/1.15;
  const s = Math.max(vb[2] / r.width, vb[3] / r.height);
  const mx = vb[0] + (ev.clientX - r.left) * s, my = vb[1] + (ev.clientY - r.top) * s;
  vb = [mx - (mx - vb[0]) * k, my - (my - vb[1]) * k, vb[2] * k, vb[3] * k]; setVB(); }, {passive: false});
svg.addEventListener('mousedown', ev => { drag = [ev.clientX, ev.clientY, vb[0], vb[1]]; svg.style.cursor = 'grabbing'; });
window.addEventListener('mouseup', () => { drag = null; svg.style.cursor = 'grab'; });
window.addEventListener('mousemove', ev => { if (!drag) return;
  const r = svg.getBoundingClientRect(), s = Math.max(vb[2] / r.width, vb[3] / r.height);
  vb[0] = drag[2] - (ev.clientX - drag[0]) * s; vb[1] = drag[3] - (ev.clientY - drag[1]) * s; setVB(); });
const el = (tag, text, parent) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; parent.appendChild(e); return e; };
const labels = {}; data.nodes.forEach(n => labels[n.id] = n.label);
function clear(){ svg.classList.remove('dim'); svg.querySelectorAll('.hl').forEach(e => e.classList.remove('hl')); }
function highlight(ids){ clear(); svg.classList.add('dim');
  svg.querySelectorAll('.node').forEach(g => { if (ids.has(g.dataset.id)) g.classList.add('hl'); });
  svg.querySelectorAll('.edge').forEach(g => { if (ids.has(g.dataset.s) && ids.has(g.dataset.t)) g.classList.add('hl'); }); }
function quote(s, id){ el('blockquote', s, side); const a = (data.articles || {})[id]; if (!a) return;
  const c = el('div', undefined, side); c.className = 'cite'; const t = [a.title || id, a.date].filter(x => x).join(' · ');
  if (a.url) { const l = el('a', t, c); l.setAttribute('href', a.url); l.setAttribute('target', '_blank'); l.setAttribute('rel', 'noopener'); } else c.textContent = t; }
function showNode(i){ const n = data.nodes[i]; side.replaceChildren();
  el('h2', n.label + ' (' + n.type + ')', side);
  el('div', (n.bloc >= 0 ? 'bloc ' + (n.bloc + 1) : 'no bloc') + ' · PageRank ' + n.pagerank.toFixed(4) + ' · degree ' + n.degree + ' · ' + n.articles + ' articles', side);
  if (n.offices.length) el('div', 'holds: ' + n.offices.join(', '), side);
  const ids = new Set([n.id]);
  data.edges.filter(e => e.source === n.id || e.target === n.id).sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).forEach(e => {
    const other = e.source === n.id ? e.target : e.source; ids.add(other);
    el('h2', (e.sign > 0 ? 'ally: ' : e.sign < 0 ? 'adversary: ' : 'tie: ') + labels[other] + ' (' + e.weight + ')', side);
    e.relations.slice(0, 3).forEach(r => el('div', r, side));
    e.sentences.slice(0, 2).forEach((s, k) => quote(s, e.sources[k])); });
  highlight(ids); }
function showEdge(i){ const e = data.edges[i]; side.replaceChildren();
  el('h2', labels[e.source] + ' – ' + labels[e.target], side);
  el('div', (e.sign > 0 ? 'cooperation' : e.sign < 0 ? 'conflict' : 'neutral') + ', signed weight ' + e.weight + ', ' + e.evidence + ' evidence', side);
  e.relations.forEach(r => el('div', r, side)); e.sentences.forEach((s, k) => quote(s, e.sources[k]));
  highlight(new Set([e.source, e.target])); }
svg.querySelectorAll('.node').forEach(g => { g.addEventListener('mouseenter', () => { if (pinned === null) showNode(+g.dataset.i); });
  g.addEventListener('click', ev => { ev.stopPropagation(); pinned = pinned === g.dataset.i ? null : g.dataset.i; showNode(+g.dataset.i); }); });
svg.querySelectorAll('.edge').forEach(g => g.addEventListener('mouseenter', () => { if (pinned === null) showEdge(+g.dataset.i); }));
svg.addEventListener('click', () => { pinned = null; clear(); });
document.getElementById('kg-search').addEventListener('input', ev => { const q = ev.target.value.trim().toLowerCase();
  if (!q) { clear(); return; } highlight(new Set(data.nodes.filter(n => n.label.toLowerCase().includes(q)).map(n => n.id))); });
})();
"""  # noqa: E501 -- a script, one statement or handler per line


def _web(url: str) -> str:
    """``url`` if it is a web address (the only kind the page links to), else ''."""
    return url if url.startswith(("https://", "http://")) else ""


def html(sc: Scene, *, title: str = "kg: alliances", articles: dict[str, dict] | None = None) -> str:
    """A self-contained HTML page: the SVG, a side panel (legend, summary, evidence on hover, each sentence
    under its article's headline, date and link from ``articles``, id -> {title, date, url}) and the
    script that makes it interactive. Text from articles is escaped; the data block cannot close its
    script element."""
    cited = {i for e in sc.edges for i in e.get("sources", ())}
    shown = {
        i: {"title": a.get("title", ""), "date": a.get("date", ""), "url": _web(a.get("url", ""))}
        for i, a in (articles or {}).items()
        if i in cited
    }
    data = json.dumps({"nodes": sc.nodes, "edges": sc.edges, "articles": shown}, ensure_ascii=False).replace(
        "<", "\\u003c"
    )
    s = sc.summary
    bal = s.get("balance", {})
    legend = (
        f'<div class="legend"><span><i class="sw" style="background:{TIE[1]}"></i> cooperation</span>'
        f'<span><i class="sw" style="background:{TIE[-1]}"></i> conflict</span>'
        f'<span><i class="sw" style="background:{TIE[0]}"></i> neutral</span></div>'
    )
    facts = (
        f"The {s.get('shown', len(sc.nodes))} most central of {s.get('connected', '?')} connected actors "
        f"(PageRank); {s.get('actors', '?')} actors with {s.get('ties', '?')} signed ties in "
        f"{s.get('blocs', '?')} blocs; balanced triangles "
        f"{bal.get('balanced', '?')}/{bal.get('triangles', '?')}; frustration {s.get('frustration', '?')}."
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{_esc(title)}</title>",
            f"<style>{_CSS}</style></head><body>",
            f'<div id="kg-main">{svg(sc)}</div>',
            f'<div id="kg-side"><h1>{_esc(title)}</h1>{legend}<p>{_esc(facts)}</p>'
            "<p>Node size: PageRank; colour and circle: bloc (signed partition). Hover an actor or a tie for its "
            "evidence, click to pin, wheel to zoom, drag to pan.</p>"
            '<input id="kg-search" placeholder="find an actor"><div id="kg-info"></div></div>',
            f'<script type="application/json" id="kg-data">{data}</script>',
            f"<script>{_JS}</script>",
            "</body></html>",
        ]
    )


def png(sc: Scene, path: str | Path, *, title: str = "kg: alliances", dpi: int = 100) -> Path:
    """Draw the scene with matplotlib (Agg) to ``path``: 1 layout pixel = 1 image pixel at ``dpi``
    (at most 40 inches a side), labels with a white halo, a legend of tie kinds and blocs."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, PathPatch
    from matplotlib.path import Path as MplPath

    x0, y0, x1, y1 = sc.bounds()
    if x1 - x0 < MIN_WIDTH:  # room for the title and the legend
        x0, x1 = (x0 + x1 - MIN_WIDTH) / 2, (x0 + x1 + MIN_WIDTH) / 2
    scale = min(1.0, 40 * dpi / max(x1 - x0, y1 - y0 + HEADER))
    fig = plt.figure(figsize=((x1 - x0) * scale / dpi, (y1 - y0 + HEADER) * scale / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, (y1 - y0) / (y1 - y0 + HEADER)))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)  # y grows downwards, as in SVG
    ax.set_aspect("equal")
    ax.axis("off")
    pt = 72.0 / dpi * scale  # points per layout pixel
    pos = {n["id"]: n for n in sc.nodes}
    gcol = {g["index"]: colour(g) for g in sc.groups}
    for g in sc.groups:
        ax.add_patch(Circle((g["x"], g["y"]), g["radius"], facecolor=gcol[g["index"]], alpha=0.08, lw=0))
        ax.add_patch(
            Circle(
                (g["x"], g["y"]),
                g["radius"],
                fill=False,
                edgecolor=gcol[g["index"]],
                alpha=0.6,
                lw=1.2,
                ls="--" if g["bloc"] < 0 else "-",
            )
        )
        ax.text(
            g["x"],
            g["y"] - g["radius"] - 6,
            f"{g['label']} · {g['size']}",
            ha="center",
            va="bottom",
            fontsize=14 * pt,
            fontweight="bold",
            color=gcol[g["index"]],
            zorder=4,
            path_effects=[patheffects.withStroke(linewidth=3 * pt, foreground="white")],
        )
    for e in sorted(sc.edges, key=lambda e: e["sign"] != 0):
        a, b = pos[e["source"]], pos[e["target"]]
        curve = MplPath(
            [(a["x"], a["y"]), _bend(a, b), (b["x"], b["y"])], [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3]
        )
        ax.add_patch(
            PathPatch(
                curve,
                fill=False,
                edgecolor=TIE[e["sign"]],
                lw=_width(e) * pt * 1.3,
                alpha=0.75 if e["sign"] else 0.4,
                ls=(0, (4, 3)) if e["sign"] == 0 else "-",
                zorder=1,
                capstyle="round",
            )
        )
    halo = [patheffects.withStroke(linewidth=3 * pt, foreground="white")]
    for n in sc.nodes:
        ax.add_patch(
            Circle((n["x"], n["y"]), n["r"], facecolor=gcol[n["group"]], edgecolor="#333", lw=0.8 * pt, zorder=2)
        )
        ax.text(
            n["x"],
            n["y"] + n["r"] + LABEL_H - 3,
            n["label"],
            ha="center",
            va="baseline",
            fontsize=12 * pt,
            zorder=3,
            path_effects=halo,
        )
    handles = [
        Line2D([], [], color=TIE[1], lw=2.5, label="cooperation"),
        Line2D([], [], color=TIE[-1], lw=2.5, label="conflict"),
        Line2D([], [], color=TIE[0], lw=2, ls=(0, (4, 3)), label="neutral"),
        Line2D([], [], marker="o", color="w", markerfacecolor="#777", markersize=9, label="size = PageRank"),
    ]
    s = sc.summary
    top = lambda px: 1 - px * scale / fig.bbox.height  # noqa: E731  (figure fraction, px from the top)
    fig.text(0.01, top(8), title, ha="left", va="top", fontsize=16 * pt, fontweight="bold")
    fig.text(
        0.01,
        top(32),
        f"the {s.get('shown', len(sc.nodes))} most central of {s.get('connected', '?')} "
        f"connected actors (PageRank) · {s.get('ties', '?')} signed ties · {s.get('blocs', '?')} blocs",
        ha="left",
        va="top",
        fontsize=11 * pt,
        color="#444",
    )
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.005, top(50)),
        ncol=4,
        frameon=False,
        fontsize=11 * pt,
        handlelength=2.2,
        borderaxespad=0,
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def stance_heatmap(rows: list[dict], path: str | Path, *, actors: int = 20, issues: int = 20, dpi: int = 100) -> Path:
    """The actor x issue stance matrix (:func:`kg.analyse.positions.stance_matrix` rows) as a heatmap PNG:
    the ``actors`` and ``issues`` with the most stance evidence, each cell coloured from opposes (red)
    to supports (green) by (supports - opposes) / (supports + opposes) and labelled with the two counts."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import numpy as np

    def top(key, among):
        total: dict[str, int] = {}
        for r in among:
            total[r[key]] = total.get(r[key], 0) + r["supports"] + r["opposes"]
        return sorted(total, key=lambda k: (-total[k], k))

    cs = top("issue", rows)[:issues]  # the most evidenced issues, then the actors with most stances on them
    rs = top("actor", [r for r in rows if r["issue"] in cs])[:actors]
    cs = [c for c in cs if any(r["issue"] == c and r["actor"] in rs for r in rows)]
    cell = {(r["actor"], r["issue"]): r for r in rows}
    m = np.full((max(1, len(rs)), max(1, len(cs))), np.nan)
    for i, a in enumerate(rs):
        for j, s in enumerate(cs):
            r = cell.get((a, s))
            if r:
                m[i, j] = (r["supports"] - r["opposes"]) / (r["supports"] + r["opposes"])
    short = lambda s, n=32: s if len(s) <= n else s[: n - 1] + "…"  # noqa: E731
    fig, ax = plt.subplots(figsize=(2.6 + 0.42 * max(len(cs), 4), 2.4 + 0.34 * max(len(rs), 3)), dpi=dpi)
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#f2f2f2")
    im = ax.imshow(np.ma.masked_invalid(m), cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cs)), [short(s) for s in cs], rotation=50, ha="right", fontsize=9)
    ax.set_yticks(range(len(rs)), [short(a, 28) for a in rs], fontsize=9)
    ax.set_xticks(np.arange(-0.5, len(cs), 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rs), 1), minor=True)
    ax.grid(which="minor", color="white", lw=1.5)
    ax.tick_params(which="minor", length=0)
    for i, a in enumerate(rs):
        for j, s in enumerate(cs):
            r = cell.get((a, s))
            if r:
                ax.text(
                    j,
                    i,
                    f"{r['supports']}/{r['opposes']}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if abs(m[i, j]) > 0.6 else "#222",
                )
    ax.set_title("Stances: supports / opposes (cell = counts)", fontsize=11, loc="left")
    bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02, ticks=[-1, 0, 1])
    bar.ax.set_yticklabels(["opposes", "mixed", "supports"], fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
