"""Pictures of the alliance network (kg.render.layout, kg.render.viz): the scene on constructed graphs, the
self-contained HTML page, the PNG (pixels checked), and `kg viz` on the example store."""

import doctest
import json
import re

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analyse.graph import add_relation
from kg.cli import main
from kg.render import layout, viz

# two camps that cooperate inside and fight across, plus a loner with a neutral tie
CAMPS = [
    ("a", "praises", "b"),
    ("b", "allies_with", "c"),
    ("a", "aids", "c"),
    ("d", "cooperates_with", "e"),
    ("a", "attacks", "d"),
    ("c", "criticises", "e"),
    ("a", "praises", "b"),
    ("f", "calls_on", "a"),
]


def _graph(edges=CAMPS, labels=None):
    G = nx.MultiDiGraph()
    for s, p, o in edges:
        for n in (s, o):
            G.add_node(n, label=(labels or {}).get(n, f"Actor {n.upper()}"), type="Person")
        add_relation(G, s, p, o, sentence=f"{s} {p} {o}.", article=f"art-{s}{o}", confidence=0.8)
    return G


@pytest.mark.parametrize("mod", [layout, viz])
def test_docstring_examples(mod):
    res = doctest.testmod(mod)
    assert res.failed == 0 and res.attempted > 0


def test_scene_groups_blocs_sizes_by_pagerank_and_colours_ties():
    sc = layout.scene(_graph())
    group = {n["id"]: n["group"] for n in sc.nodes}
    assert group["a"] == group["b"] == group["c"] != group["d"] == group["e"]
    assert [g["size"] for g in sc.groups[:2]] == [3, 2] and sc.groups[0]["label"] == "bloc 1"
    by = {n["id"]: n for n in sc.nodes}
    assert by["a"]["r"] == max(n["r"] for n in sc.nodes)  # most central, biggest
    assert by["f"]["r"] < by["a"]["r"]
    signs = {(e["source"], e["target"]): e["sign"] for e in sc.edges}
    assert signs[("a", "b")] == 1 and signs[("a", "d")] == -1 and signs[("a", "f")] == 0
    ab = next(e for e in sc.edges if (e["source"], e["target"]) == ("a", "b"))
    assert ab["sentences"] == ["a praises b."] and ab["evidence"] == 2
    assert "Actor A praises Actor B (2x)" in ab["relations"]
    assert layout.overlaps(sc) == 0
    # the bloc circles do not overlap, and every member sits inside its own
    gs = sc.groups
    for i, g in enumerate(gs):
        for h in gs[i + 1 :]:
            assert ((g["x"] - h["x"]) ** 2 + (g["y"] - h["y"]) ** 2) ** 0.5 >= g["radius"] + h["radius"]
    for n in sc.nodes:
        g = gs[n["group"]]
        assert ((n["x"] - g["x"]) ** 2 + (n["y"] - g["y"]) ** 2) ** 0.5 < g["radius"]


def test_scene_top_keeps_the_most_central_and_long_labels_do_not_overlap():
    edges = [("hub", "meets", f"n{i}") for i in range(25)] + [(f"n{i}", "meets", f"n{i + 1}") for i in range(24)]
    labels = {f"n{i}": f"A Rather Long Actor Name Number {i}" for i in range(25)}
    sc = layout.scene(_graph(edges, labels), top=12)
    assert len(sc.nodes) == 12 and "hub" in {n["id"] for n in sc.nodes}
    assert layout.overlaps(sc) == 0


def _hostile_graph():
    return _graph(
        [("x", "meets", "y"), ("y", "attacks", "z")],
        labels={"x": "</script><script>alert(1)</script>", "y": "O'Brien & <Co>", "z": "Zed"},
    )


def test_html_is_self_contained_escaped_and_carries_the_evidence():
    G = _hostile_graph()
    page = viz.html(layout.scene(G), title="t")
    assert page.startswith("<!DOCTYPE html>") and page.count("<script") == 2
    assert not re.search(r"(src|href)\s*=", page)  # nothing loaded from anywhere
    assert re.findall(r"https?://[^\s\"'<]+", page) == ["http://www.w3.org/2000/svg"]
    assert "<script>alert(1)" not in page and "O'Brien & <Co>" not in page
    assert "&lt;/script&gt;" in page and "O&#x27;Brien &amp; &lt;Co&gt;" in page
    data = json.loads(re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert {n["label"] for n in data["nodes"]} == {"</script><script>alert(1)</script>", "O'Brien & <Co>", "Zed"}
    assert any(e["sign"] == -1 and e["sentences"] == ["y attacks z."] for e in data["edges"])
    # hover tooltips: every node and tie has a <title>; the SVG is well-formed XML
    assert page.count("<title>") == 1 + len(data["nodes"]) + len(data["edges"])
    import xml.etree.ElementTree as ET

    root = ET.fromstring(re.search(r"<svg.*</svg>", page, re.S).group(0))
    texts = {t.text for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert "</script><script>alert(1)</script>" in texts and "O'Brien & <Co>" in texts


def _pixels(path):
    import matplotlib.image as mpimg

    img = mpimg.imread(str(path))
    return img[..., :3]


def _count(img, hex_colour, tol=0.08):
    """Pixels of this colour (nodes, circles)."""
    import numpy as np

    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(img - rgb).max(axis=2) < tol).sum())


def _ties(img):
    """(green, red) pixels: the cooperation and conflict lines, drawn semi-transparent."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return int(((g - r > 0.2) & (g - b > 0.1)).sum()), int(((r > 0.75) & (g < 0.5) & (b < 0.5)).sum())


def test_png_shows_green_and_red_ties_and_bloc_colours(tmp_path):
    sc = layout.scene(_graph())
    out = viz.png(sc, tmp_path / "g.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    img = _pixels(out)
    h, w = img.shape[:2]
    x0, y0, x1, y1 = sc.bounds()
    # 1 layout px = 1 image px, at least viz.MIN_WIDTH wide, plus the band for title and legend
    assert abs(w - max(x1 - x0, viz.MIN_WIDTH)) <= 2 and abs(h - (y1 - y0 + viz.HEADER)) <= 2
    green, red = _ties(img)
    assert green > 150 and red > 150
    assert _count(img, viz.colour(sc.groups[0])) > 200 and _count(img, viz.colour(sc.groups[1])) > 200


def test_stance_heatmap(tmp_path):
    rows = [
        {"actor": "A", "issue": "tax", "supports": 2, "opposes": 0},
        {"actor": "B", "issue": "tax", "supports": 0, "opposes": 3},
        {"actor": "A", "issue": "war", "supports": 1, "opposes": 1},
    ]
    img = _pixels(viz.stance_heatmap(rows, tmp_path / "s.png"))
    import numpy as np

    greens = ((img[..., 1] > 0.35) & (img[..., 0] < 0.2)).sum()
    reds = ((img[..., 0] > 0.55) & (img[..., 1] < 0.15)).sum()
    assert greens > 300 and reds > 300 and np.isfinite(img).all()


@pytest.fixture(scope="module")
def store(example_store):
    return str(example_store)


def test_cli_viz_html_and_png(store, tmp_path):
    res = CliRunner().invoke(
        main, ["viz", "--store", store, "-o", str(tmp_path / "g.html"), "--png", str(tmp_path / "g.png"), "--top", "25"]
    )
    assert res.exit_code == 0, res.output
    assert "25 actors" in res.stderr
    page = (tmp_path / "g.html").read_text()
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["nodes"]) == 25 and {"Keir Starmer", "Vladimir Putin"} <= {n["label"] for n in data["nodes"]}
    assert any(e["sign"] == -1 and any("Putin" in s for s in e["sentences"]) for e in data["edges"])
    # every evidence sentence names its article, whose headline, date and link the page carries
    sources = [i for e in data["edges"] for i in e["sources"]]
    assert sources and all(i in data["articles"] for i in sources)
    assert all(a["title"] for a in data["articles"].values())
    assert any(a["url"].startswith("https://") and a["date"] for a in data["articles"].values())
    green, red = _ties(_pixels(tmp_path / "g.png"))
    assert green > 300 and red > 300


def test_cli_viz_date_window_and_errors(store, tmp_path):
    res = CliRunner().invoke(
        main,
        ["viz", "--store", store, "--png", str(tmp_path / "m.png"), "--since", "2025-03-01", "--until", "2025-03-31"],
    )
    assert res.exit_code == 0, res.output
    march = int(re.search(r"(\d+) actors", res.stderr).group(1))
    res = CliRunner().invoke(main, ["viz", "--store", store, "--png", str(tmp_path / "a.png"), "--top", "1000"])
    assert 0 < march < int(re.search(r"(\d+) actors", res.stderr).group(1))
    res = CliRunner().invoke(main, ["viz", "--store", store])
    assert res.exit_code == 1 and "--png" in res.stderr and "Traceback" not in res.output


# A minimal DOM for the page's script: the groups of the SVG (with their data- attributes), the side
# panel and the search box; events are dispatched by hand. Runs under Node when it is installed.
HARNESS = r"""
const fs = require('fs');
const page = JSON.parse(fs.readFileSync(0, 'utf8'));
class ClassList { constructor(){ this.s = new Set(); } add(c){ this.s.add(c); } remove(c){ this.s.delete(c); }
  contains(c){ return this.s.has(c); } }
class El { constructor(tag, dataset){ this.tag = tag; this.dataset = dataset || {}; this.children = [];
  this.classList = new ClassList(); this.handlers = {}; this.style = {}; this.attrs = {}; this.textContent = ''; }
  addEventListener(t, f){ (this.handlers[t] = this.handlers[t] || []).push(f); }
  fire(t, ev){ (this.handlers[t] || [])
    .forEach(f => f(Object.assign({preventDefault(){}, stopPropagation(){}}, ev || {}))); }
  appendChild(c){ this.children.push(c); return c; } replaceChildren(){ this.children = []; }
  getAttribute(k){ return this.attrs[k]; } setAttribute(k, v){ this.attrs[k] = v; }
  getBoundingClientRect(){ return {left: 0, top: 0, width: 1000, height: 800}; } }
const nodes = page.nodes.map(d => new El('g', d)), edges = page.edges.map(d => new El('g', d));
nodes.forEach(n => n.classList.add('node')); edges.forEach(e => e.classList.add('edge'));
const svg = new El('svg'); svg.attrs.viewBox = page.viewBox;
svg.querySelectorAll = sel => sel === '.node' ? nodes : sel === '.edge' ? edges :
  [...nodes, ...edges].filter(x => x.classList.contains(sel.slice(1)));
const info = new El('div'), search = new El('input');
global.window = new El('window');
global.document = { getElementById: id => ({'kg-data': {textContent: page.data}, 'kg-svg': svg, 'kg-info': info,
  'kg-search': search})[id], createElement: tag => new El(tag) };
eval(page.script);
const text = () => info.children.map(c => c.textContent);
const lit = () => [...nodes.filter(n => n.classList.contains('hl')).map(n => n.dataset.id)].sort();
const out = {};
const target = nodes.find(n => n.dataset.id === page.hover);
target.fire('mouseenter'); out.node = {panel: text(), lit: lit(), dim: svg.classList.contains('dim')};
svg.fire('click'); out.cleared = {lit: lit(), dim: svg.classList.contains('dim')};
edges[page.edge].fire('mouseenter'); out.edge = {panel: text(), lit: lit()};
svg.fire('click'); search.value = page.search; search.fire('input', {target: search}); out.search = lit();
const before = svg.attrs.viewBox; svg.fire('wheel', {deltaY: -100, clientX: 500, clientY: 400});
out.zoomed = svg.attrs.viewBox !== before;
console.log(JSON.stringify(out));
"""


def test_page_script_shows_evidence_highlights_and_zooms(tmp_path):
    import shutil
    import subprocess

    node = shutil.which("node") or shutil.which("nodejs")
    if not node:
        pytest.skip("Node.js is not installed: the page's script was not run")
    sc = layout.scene(_graph())
    page = viz.html(sc)

    def groups(cls, keys):
        return [
            dict(zip(keys, m))
            for m in re.findall(rf'<g class="{cls}" ' + " ".join(f'data-{k}="([^"]*)"' for k in keys) + ">", page)
        ]

    nodes, edges = groups("node", ["i", "id"]), groups("edge", ["i", "s", "t"])
    assert len(nodes) == len(sc.nodes) and len(edges) == len(sc.edges)
    attack = next(i for i, e in enumerate(sc.edges) if e["sign"] < 0)
    payload = {
        "nodes": nodes,
        "edges": edges,
        "viewBox": re.search(r'viewBox="([^"]+)"', page).group(1),
        "data": re.search(r'id="kg-data">(.*?)</script>', page, re.S).group(1),
        "script": re.findall(r"<script>(.*?)</script>", page, re.S)[0],
        "hover": "a",
        "edge": attack,
        "search": "actor d",
    }
    run = subprocess.run([node, "-e", HARNESS], input=json.dumps(payload), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    # hovering A: its panel names its allies and adversary with their sentences, A and its partners lit
    assert out["node"]["dim"] and out["node"]["lit"] == ["a", "b", "c", "d", "f"]
    panel = " | ".join(out["node"]["panel"])
    assert "Actor A (Person)" in panel and "ally: Actor B" in panel and "adversary: Actor D" in panel
    assert "a praises b." in panel and "a attacks d." in panel
    assert out["cleared"] == {"lit": [], "dim": False}
    assert "a attacks d." in out["edge"]["panel"] and out["edge"]["lit"] == ["a", "d"]
    assert out["search"] == ["d"] and out["zoomed"]
