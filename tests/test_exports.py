"""Exports: the analysis results as attributes in GraphML/GEXF/JSON, and CSV files in neo4j-admin
import format (headers checked; imported by the real neo4j-admin when its jars are cached; compared
with what the Neo4j loader writes when a server is up)."""

import csv
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export.neo4j_csv import ARRAY_DELIMITER
from kg.schema import catalogue
from kg.stores import open_store

from helpers import neo4j_snapshot

NEO4J_LIB = Path(os.environ.get("KG_CACHE_DIR", Path.home() / ".cache" / "kg")) / "neo4j-5.26.30" / "lib"


def _export(store, fmt, out, *extra):
    res = CliRunner().invoke(main, ["export", "--store", str(store), "--format", fmt, "-o", str(out), *extra])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="module")
def graphs(example_store, tmp_path_factory):
    d = tmp_path_factory.mktemp("exports")
    out = {}
    for fmt in ("graphml", "gexf", "json"):
        _export(example_store, fmt, d / f"g.{fmt}", "--all")
        if fmt == "graphml":
            out[fmt] = nx.read_graphml(d / "g.graphml")
        elif fmt == "gexf":
            out[fmt] = nx.read_gexf(d / "g.gexf")
        else:
            out[fmt] = nx.node_link_graph(json.loads((d / "g.json").read_text()), edges="edges")
    return out


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_graph_exports_carry_the_analysis_results(graphs, fmt):
    G = graphs[fmt]
    nodes = dict(G.nodes(data=True))
    starmer, _putin = nodes["person/keir-starmer"], nodes["person/vladimir-putin"]
    for attr, kind in (
        ("bloc", int),
        ("coop_bloc", int),
        ("pagerank", float),
        ("degree", int),
        ("betweenness", float),
        ("core", int),
    ):
        assert isinstance(starmer[attr], kind), (attr, type(starmer[attr]))
    assert starmer["bloc"] >= 0 and starmer["degree"] >= 3 and starmer["pagerank"] > 0
    connected = [d for d in nodes.values() if d["degree"] > 0]
    assert abs(sum(d["pagerank"] for d in connected) - 1.0) < 0.01  # PageRank over the connected actors
    others = [d for d in nodes.values() if d["type"] in ("Office", "Issue")]
    assert others and all(d["bloc"] == -1 and d["pagerank"] == 0 for d in others)
    # edges: polarity from the catalogue, weight = evidence, signed weight = polarity x confidence sum
    cat = catalogue.load()
    seen = set()
    for _u, _v, d in G.edges(data=True):
        assert int(d["polarity"]) == cat.relation(d["predicate"]).polarity
        assert float(d["signed_weight"]) * int(d["polarity"]) >= 0 and int(d["weight"]) >= 1
        assert abs(float(d["signed_weight"])) <= int(d["weight"]) + 1e-9
        seen.add(int(d["polarity"]))
    assert seen == {-1, 0, 1}
    accuses = [d for u, v, d in G.edges(data=True) if (u, v) == ("person/keir-starmer", "person/vladimir-putin")]
    assert accuses and all(float(d["signed_weight"]) < 0 for d in accuses)
    # one spelling per relation (the catalogue name) and one list convention per format
    for _u, _v, d in G.edges(data=True):
        assert d["label"] == d["predicate"] and d["predicate"] in cat.relations
        articles = d["articles"] if fmt == "json" else json.loads(d["articles"])
        assert isinstance(articles, list) and articles == sorted(set(articles)) and articles


@pytest.fixture(scope="module")
def csv_dir(example_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("neo4j-csv") / "csv"
    res = _export(example_store, "neo4j-csv", out)
    assert "nodes" in res.stderr and "relationships" in res.stderr
    return out


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


NODE_FIELD = re.compile(
    r"^(id:ID\((Article|Entity|Assertion|Quote)\)|:LABEL|[a-z][A-Za-z_]*(:(int|double|string|date|datetime|boolean)(\[\])?)?)$"
)
REL_FIELD = re.compile(
    r"^(:START_ID\((Article|Entity|Quote|Assertion)\)|:END_ID\((Article|Entity|Quote)\)|:TYPE|"
    r"[a-z][A-Za-z_]*(:(int|double|string)(\[\])?)?)$"
)


def test_neo4j_csv_headers_labels_and_types(csv_dir, example_store):
    cat = catalogue.load()
    labels = {t.label for t in cat.entity_types.values()} | {"Entity", "Assertion"}
    types = {r.label for r in (*cat.relations.values(), *cat.structural.values())}
    node_files = sorted((csv_dir / "nodes").glob("*.csv"))
    rel_files = sorted((csv_dir / "relationships").glob("*.csv"))
    assert {f.stem for f in node_files} >= {"Article", "Person", "GPE", "Office", "Assertion", "Quote"}
    assert {f.stem for f in rel_files} >= {
        *("MENTIONS", "HOLDS_POSITION", "MEETS", "SAID", "ABOUT", "QUOTED_IN"),
        *("SUBJECT", "OBJECT", "IN_ARTICLE"),
    }
    counts = {}
    for f in node_files:
        header, *rows = _read(f)
        assert header[0].startswith("id:ID(") and header[-1] == ":LABEL", f
        assert all(NODE_FIELD.match(h) for h in header), header
        assert all(len(r) == len(header) for r in rows)
        for r in rows:
            assert set(r[-1].split(";")) <= labels and f.stem in r[-1].split(";")
        counts[f.stem] = len(rows)
    for f in rel_files:
        header, *rows = _read(f)
        assert header[0].startswith(":START_ID(") and header[1].startswith(":END_ID(") and header[-1] == ":TYPE"
        assert all(REL_FIELD.match(h) for h in header), header
        assert f.stem in types and all(r[-1] == f.stem for r in rows) and rows
    # the node files hold exactly the store's articles, entities, assertions and quotes
    with open_store(str(example_store), read_only=True) as st:
        s = st.stats()
    assert counts.pop("Article") == s["articles"] and counts.pop("Assertion") == s["relations"]
    assert counts.pop("Quote") == s["quotes"] and sum(counts.values()) == s["entities"]
    # an aggregated relationship: evidence count, best confidence, articles as an array
    holds = {(r[0], r[1]): r for r in _read(csv_dir / "relationships" / "HOLDS_POSITION.csv")[1:]}
    healey = holds[("person/john-healey", "office/defence-secretary")]
    assert healey[2] == "person/john-healey holds_position office/defence-secretary"
    assert int(healey[3]) == len(healey[5].split(ARRAY_DELIMITER)) >= 2 and 0 < float(healey[4]) <= 1
    args = (csv_dir / "import.args").read_text().split()
    assert "--array-delimiter=;" in args and "--nodes=nodes/Person.csv" in args
    assert len([a for a in args if a.startswith(("--nodes=", "--relationships="))]) == len(node_files) + len(rel_files)
    assert "CREATE CONSTRAINT kg_entity_id" in (csv_dir / "constraints.cypher").read_text()


@pytest.mark.slow
def test_neo4j_admin_import_loads_the_csv(csv_dir, tmp_path):
    """Runs the real `neo4j-admin database import full` (org.neo4j.cli.AdminTool from the cached jars)."""
    java = shutil.which("java")
    if not java or not (NEO4J_LIB / "neo4j-import-tool-5.26.30.jar").exists():
        pytest.skip(
            f"neo4j-admin not available: needs java and the Neo4j 5.26.30 jars in {NEO4J_LIB} "
            "(scripts/neo4j start downloads them)"
        )
    home = tmp_path / "neo4j-home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n"
    )
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    run = subprocess.run(
        [
            java,
            "-Xmx512m",
            "-cp",
            f"{NEO4J_LIB}/*",
            "org.neo4j.cli.AdminTool",
            "database",
            "import",
            "full",
            "@import.args",
            "neo4j",
        ],
        cwd=csv_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    m = re.search(r"IMPORT DONE.*?Imported:\s*(\d+) nodes\s*(\d+) relationships", run.stdout, re.S)
    assert m, run.stdout[-2000:]
    nodes = sum(len(_read(f)) - 1 for f in (csv_dir / "nodes").glob("*.csv"))
    rels = sum(len(_read(f)) - 1 for f in (csv_dir / "relationships").glob("*.csv"))
    assert (int(m.group(1)), int(m.group(2))) == (nodes, rels)
    assert (home / "data" / "databases" / "neo4j").is_dir()


def _csv_snapshot(folder):
    """The graph the CSV files describe, as helpers.neo4j_snapshot() dumps a Neo4j graph: typed
    properties, labels, relationship types and end ids."""
    cast = {"int": int, "double": float, "string": str, "date": str, "datetime": str}  # temporals as ISO text
    dump = lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False)  # noqa: E731
    nodes, rels = [], []

    def props(header, row):
        out, meta = {}, {}
        for h, v in zip(header, row):
            name, _, kind = h.partition(":")
            if not name:
                meta[kind.split("(")[0]] = v
            elif kind.startswith("ID"):
                out[name] = v
            elif v != "":
                base = kind.rstrip("[]") or "string"
                out[name] = [cast[base](x) for x in v.split(ARRAY_DELIMITER)] if kind.endswith("[]") else cast[base](v)
        return out, meta

    for f in sorted((folder / "nodes").glob("*.csv")):
        header, *rows = _read(f)
        for r in rows:
            p, meta = props(header, r)
            nodes.append(dump([sorted(meta["LABEL"].split(";")), p]))
    for f in sorted((folder / "relationships").glob("*.csv")):
        header, *rows = _read(f)
        for r in rows:
            p, meta = props(header, r)
            rels.append(dump([meta["TYPE"], meta["START_ID"], meta["END_ID"], p]))
    return sorted(nodes), sorted(rels)


@pytest.mark.neo4j
def test_neo4j_csv_describes_the_graph_the_loader_writes(csv_dir, example_graphs, neo):
    """The CSV files hold exactly the nodes, relationships and properties the Neo4j loader writes for the
    same articles -- except the assertions' ``negated`` flag, which the RDF store does not keep, and
    empty lists and strings (an empty CSV cell is no property)."""
    neo.load(example_graphs[0])
    loaded = neo4j_snapshot(neo)

    def norm(items, props_at):
        out = []
        for x in items:
            v = json.loads(x)
            v[props_at] = {k: p for k, p in v[props_at].items() if k != "negated" and p not in ([], "")}
            out.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
        return sorted(out)

    exported = _csv_snapshot(csv_dir)
    assert len(exported[0]) == len(loaded[0]) and len(exported[1]) == len(loaded[1])
    assert norm(exported[0], 1) == norm(loaded[0], 1)
    assert norm(exported[1], 3) == norm(loaded[1], 3)


def test_neo4j_csv_refuses_a_file_as_output(example_store, tmp_path):
    (tmp_path / "f").write_text("x")
    res = CliRunner().invoke(
        main, ["export", "--store", str(example_store), "--format", "neo4j-csv", "-o", str(tmp_path / "f")]
    )
    assert res.exit_code == 1 and "directory" in res.stderr and "Traceback" not in res.output
