"""GraphML and GEXF files that open in Gephi as `kg viz` draws the network: the actor network by
default (every entity with --all), the picture's colours, sizes and positions, party and country, no
networkx-internal attributes, and a dynamic GEXF 1.3 whose intervals come from the article dates."""

import re
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from lxml import etree

from kg.analyse.graph import ACTOR_TYPES, actor_graph
from kg.cli import main
from kg.render.layout import R_MAX, R_MIN, radius, scene
from kg.render.viz import NO_BLOC, colour
from kg.stores import open_store

GEXF = "{http://gexf.net/1.3}"
VIZ = "{http://gexf.net/1.3/viz}"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SCHEMA = Path(__file__).parent / "data" / "gexf-1.3" / "gexf.rng"


def _export(store, fmt, out, *extra):
    res = CliRunner().invoke(main, ["export", "--store", str(store), "--format", fmt, "-o", str(out), *extra])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def files(example_store, tmp_path_factory):
    d = tmp_path_factory.mktemp("gephi")
    return {
        "graphml": _export(example_store, "graphml", d / "g.graphml"),
        "gexf": _export(example_store, "gexf", d / "g.gexf"),
        "all.graphml": _export(example_store, "graphml", d / "all.graphml", "--all"),
        "all.gexf": _export(example_store, "gexf", d / "all.gexf", "--all"),
    }


@pytest.fixture(scope="module")
def picture(example_store):
    """The scene `kg viz` draws (its default number of actors), and the connected actors by id."""
    with open_store(str(example_store), read_only=True) as st:
        G = actor_graph(st, evidence=True)
    sc = scene(G)
    colours = {g["index"]: colour(g) for g in sc.groups}
    blocs = {g["bloc"]: colour(g) for g in sc.groups if g["bloc"] >= 0}
    connected = {r["actor_id"]: r for r in sc.annotation.centrality}
    return {n["id"]: {**n, "colour": colours[n["group"]]} for n in sc.nodes}, connected, blocs


def _hex(d) -> str:
    return "#{:02x}{:02x}{:02x}".format(int(d["r"]), int(d["g"]), int(d["b"]))


def test_graphml_holds_the_actor_network_as_kg_viz_draws_it(files, picture):
    shown, connected, blocs = picture
    G = nx.read_graphml(files["graphml"])
    assert set(G) == set(connected) and len(G) > len(shown) > 20
    assert all(d["type"] in ACTOR_TYPES for _, d in G.nodes(data=True))
    assert all(G.degree(n) > 0 for n in G), "an isolated node in the actor network"
    top = max(r["pagerank"] for r in connected.values())
    for n, d in G.nodes(data=True):
        assert R_MIN <= d["size"] <= R_MAX and isinstance(d["party"], str) and isinstance(d["country"], str)
        p = shown.get(n)
        if p:  # where kg viz draws it
            assert _hex(d) == p["colour"], n
            assert (d["x"], d["y"]) == (p["x"], -p["y"])  # Gephi's y axis points up
            assert d["size"] == pytest.approx(p["r"], abs=0.01)
        else:  # its bloc's colour in the picture, and the picture's size rule
            assert _hex(d) == blocs.get(d["bloc"], NO_BLOC), n
            assert d["size"] == pytest.approx(radius(d["pagerank"], top), abs=0.01)
    # blocs keep their colour: two drawn actors share one exactly when the picture groups them together
    same = {
        (shown[u]["group"] == shown[v]["group"]) == (_hex(G.nodes[u]) == _hex(G.nodes[v])) for u in shown for v in shown
    }
    assert same == {True}
    assert len({_hex(d) for _, d in G.nodes(data=True)}) >= 3
    assert len({(d["x"], d["y"]) for _, d in G.nodes(data=True)}) == len(G)
    nodes = dict(G.nodes(data=True))
    assert nodes["person/nigel-farage"]["party"] == "Reform UK"
    assert nodes["gpe/russia"]["country"] == "RUS" and nodes["person/vladimir-putin"]["country"] == "RUS"
    text = files["graphml"].read_text(encoding="utf-8")
    assert "networkx" not in text
    ids = re.findall(r'<edge [^>]*id="([^"]+)"', text)
    assert len(ids) == G.number_of_edges() == len(set(ids))  # Gephi merges edges that share an id


def test_all_keeps_every_entity_and_places_it(files):
    A, G = nx.read_graphml(files["all.graphml"]), nx.read_graphml(files["graphml"])
    types = {d["type"] for _, d in A.nodes(data=True)}
    assert {"Office", "Quantity"} <= types and set(G) < set(A)
    for n, d in A.nodes(data=True):
        assert all(k in d for k in ("r", "g", "b", "size", "x", "y")), n
        if n in G:  # the actors stay where the picture puts them
            assert (d["x"], d["y"], _hex(d)) == (G.nodes[n]["x"], G.nodes[n]["y"], _hex(G.nodes[n]))
        else:
            assert _hex(d) == "#9a9a9a" and d["size"] == R_MIN
    assert len({(d["x"], d["y"]) for _, d in A.nodes(data=True)}) > 0.9 * len(A)


@pytest.mark.parametrize("name", ["gexf", "all.gexf"])
def test_gexf_is_dynamic_with_viz_attributes(files, name):
    root = etree.parse(str(files[name])).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == ("dynamic", "date", "directed")
    declared = {(a.getparent().get("class"), a.get("id")) for a in graph.iter(f"{GEXF}attribute")}
    assert {("node", "party"), ("node", "country"), ("node", "pagerank"), ("edge", "signed_weight")} <= declared
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    assert nodes and edges and int(graph.find(f"{GEXF}nodes").get("count")) == len(nodes)
    dated = 0
    for n in nodes:
        c, s, p = n.find(f"{VIZ}color"), n.find(f"{VIZ}size"), n.find(f"{VIZ}position")
        assert c is not None and s is not None and p is not None, n.get("id")
        assert all(0 <= int(c.get(k)) <= 255 for k in "rgb") and float(s.get("value")) >= R_MIN
        float(p.get("x")), float(p.get("y"))
        for av in n.iter(f"{GEXF}attvalue"):
            assert ("node", av.get("for")) in declared
        if n.get("start"):
            dated += 1
            assert DATE.match(n.get("start")) and DATE.match(n.get("end")) and n.get("start") <= n.get("end")
    assert dated >= 0.9 * len(nodes)  # the corpus is dated: Gephi's timeline shows nearly every node
    ids = [e.get("id") for e in edges]
    assert len(ids) == len(set(ids))
    for e in edges:
        assert e.get("kind") == e.get("label") and float(e.get("weight")) >= 1
        if e.get("start"):
            assert DATE.match(e.get("start")) and e.get("start") <= e.get("end")
    assert sum(1 for e in edges if e.get("start")) >= 0.9 * len(edges)
    assert "networkx" not in files[name].read_text(encoding="utf-8")


def test_gexf_node_intervals_are_the_article_dates(files):
    G = nx.read_graphml(files["graphml"])
    root = etree.parse(str(files["gexf"])).getroot()
    for n in root.iter(f"{GEXF}node"):
        d = G.nodes[n.get("id")]
        assert (n.get("start"), n.get("end")) == ((d["first"], d["last"]) if d["first"] else (None, None))
        assert n.get("label") == d["label"]


@pytest.mark.parametrize("name", ["gexf", "all.gexf"])
def test_gexf_is_valid_gexf_1_3(files, name):
    schema = etree.RelaxNG(etree.parse(str(SCHEMA)))
    doc = etree.parse(str(files[name]))
    assert schema.validate(doc), [str(e) for e in schema.error_log][:5]
    # the schema does check: a colour channel out of range is refused
    doc.getroot().find(f".//{VIZ}color").set("r", "300")
    assert not schema.validate(doc)
