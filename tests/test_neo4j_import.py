"""neo4j-admin import files written straight from the extracted graphs (`kg build --neo4j-import DIR`):
the same graph as the Neo4j loader writes, property by property, and, imported by the real
`neo4j-admin database import full` from the cached jars into a server of its own, the same graph and
named-query answers as `kg build --neo4j` of the same articles."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.export import neo4j_admin
from kg.export.neo4j_csv import ARRAY_DELIMITER
from kg.export.neo4j_import import Neo4jImportWriter, write_neo4j_import
from kg.schema import queries
from kg.stores import open_store
from kg.stores.neo4j.store import read_statements

from helpers import EXAMPLES, ROOT, neo4j_snapshot

pytestmark = pytest.mark.neo4j


def _read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


_CAST = {"int": int, "double": float, "string": str, "date": str, "datetime": str, "boolean": lambda v: v == "true"}


def csv_snapshot(folder: Path) -> tuple[list[str], list[str]]:
    """The graph the files describe, dumped as helpers.neo4j_snapshot() dumps a server's (temporals as ISO
    text, no empty lists or strings: an empty cell is no property)."""
    dump = lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False)  # noqa: E731
    nodes, rels = [], []
    for f in sorted((folder / "nodes").glob("*.csv")):
        header, *rows = _read(f)
        for r in rows:
            props, labels = {}, []
            for h, v in zip(header, r):
                name, _, kind = h.partition(":")
                if kind == "LABEL":
                    labels = v.split(ARRAY_DELIMITER)
                elif v != "":
                    base = kind.split("(")[0].rstrip("[]") or "string"
                    base = "string" if base == "ID" else base
                    conv = _CAST[base]
                    props[name] = [conv(x) for x in v.split(ARRAY_DELIMITER)] if kind.endswith("[]") else conv(v)
            nodes.append(dump([sorted(labels), props]))
    for f in sorted((folder / "relationships").glob("*.csv")):
        header, *rows = _read(f)
        for r in rows:
            props, meta = {}, {}
            for h, v in zip(header, r):
                name, _, kind = h.partition(":")
                if not name:
                    meta[kind.split("(")[0]] = v
                elif v != "":
                    conv = _CAST[kind.rstrip("[]") or "string"]
                    props[name] = [conv(x) for x in v.split(ARRAY_DELIMITER)] if kind.endswith("[]") else conv(v)
            rels.append(dump([meta["TYPE"], meta["START_ID"], meta["END_ID"], props]))
    return sorted(nodes), sorted(rels)


def _no_empty(snapshot: tuple[list[str], list[str]]) -> tuple[list[str], list[str]]:
    def norm(items, at):
        out = []
        for x in items:
            v = json.loads(x)
            v[at] = {k: p for k, p in v[at].items() if p not in ([], "")}
            out.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
        return sorted(out)

    return norm(snapshot[0], 1), norm(snapshot[1], 3)


def _dump_no_empty(lines: list[str]) -> list[str]:
    """Store.canonical_dump() lines without empty list or string properties."""
    out = []
    for x in lines:
        v = json.loads(x)
        v[-1] = {k: p for k, p in v[-1].items() if p not in ([], "")}
        out.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
    return sorted(out)


def test_import_files_hold_the_graph_the_loader_writes(example_graphs, neo, tmp_path):
    graphs = example_graphs[0]
    summary = write_neo4j_import(graphs, tmp_path / "out")
    neo.load(graphs)
    files = csv_snapshot(tmp_path / "out")
    loaded = neo4j_snapshot(neo)
    assert (summary["nodes"], summary["relationships"]) == (len(loaded[0]), len(loaded[1])) > (100, 500)
    assert files == _no_empty(loaded)
    negated = [json.loads(x)[1].get("negated") for x in files[0] if '"Assertion"' in x]
    assert set(negated) == {False} or set(negated) == {False, True}
    assert (tmp_path / "out" / "constraints.cypher").read_text() == (
        ROOT / "schemas/neo4j/constraints.cypher"
    ).read_text()
    args = (tmp_path / "out" / "import.args").read_text().split()
    assert "--array-delimiter=;" in args and "--relationships=relationships/MENTIONS.csv" in args


def test_an_article_given_again_replaces_its_earlier_version(example_graphs, neo, tmp_path):
    """As the loader replaces a changed article: its earlier rows are gone, shared entities and aggregated
    relationships keep only what the articles in force give."""
    graphs = example_graphs[0]
    first, rest = graphs[0], graphs[1:]
    changed = replace(first, article=replace(first.article, text=first.article.text + " More."))
    changed.relations = first.relations[: len(first.relations) // 2]
    changed.quotes = first.quotes[:1]
    stream = [first, *rest, changed]
    with Neo4jImportWriter(tmp_path / "out") as w:
        stats = w.load(stream)
    assert (stats.articles_loaded, stats.articles_replaced) == (len(stream), 1)
    neo.load([first, *rest])
    neo.load([changed])
    assert csv_snapshot(tmp_path / "out") == _no_empty(neo4j_snapshot(neo))


def test_the_output_directory_must_be_new(tmp_path):
    (tmp_path / "f").write_text("x")
    res = CliRunner().invoke(main, ["build", str(EXAMPLES), "--neo4j-import", str(tmp_path)])
    assert res.exit_code != 0 and "not empty" in res.output + (res.stderr or "") and "Traceback" not in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_neo4j_admin_import_equals_kg_build_neo4j(neo, neo4j_uri, tmp_path):
    """`kg build --neo4j-import`, imported by the real neo4j-admin and served by a Neo4j of its own, is
    the graph `kg build --neo4j` writes: every node and relationship with its properties, the counts, the
    named queries' answers and the indexes."""
    if not neo4j_admin.available():
        pytest.skip(f"neo4j-admin not available: needs java and the Neo4j jars in {neo4j_admin.lib_dir()}")
    runner = CliRunner()
    out = tmp_path / "import"
    res = runner.invoke(main, ["build", str(EXAMPLES), "--neo4j-import", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["build", str(EXAMPLES), "--neo4j", neo4j_uri, "--no-ledger", "--workers", "1"])
    assert res.exit_code == 0, res.output

    home = tmp_path / "home"
    imported = neo4j_admin.import_full(out, home)
    want = neo.stats()
    assert (imported["nodes"], imported["relationships"]) == (want["nodes"], want["relationships"])

    port = _free_port()
    env = {
        **os.environ,
        "KG_NEO4J_HOME": str(home),
        "KG_NEO4J_KEEP_DATA": "1",
        "NEO4J_BOLT_PORT": str(port),
        "NEO4J_HTTP_PORT": "off",
        "PYTHON": sys.executable,  # the Bolt probe needs the driver
    }
    env.pop("NEO4J_URI", None)
    script = ROOT / "scripts" / "neo4j"
    started = subprocess.run([str(script), "start"], env=env, capture_output=True, text=True, timeout=300)
    try:
        assert started.returncode == 0, started.stderr[-2000:]
        with open_store(f"bolt://127.0.0.1:{port}") as got:
            with got.driver.session() as s:
                for stmt in read_statements(out / "constraints.cypher"):
                    s.run(stmt).consume()
                s.run("CALL db.awaitIndexes(300)").consume()
            assert got.stats() == want
            assert _dump_no_empty(got.canonical_dump()) == _dump_no_empty(neo.canonical_dump())
            for name in queries.names("cypher"):
                q = queries.named(name, "cypher")
                assert sorted(map(repr, got.query(q).rows)) == sorted(map(repr, neo.query(q).rows)), name
            index = "SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN * ORDER BY name"
            assert got.query(index).rows == neo.query(index).rows
    finally:
        subprocess.run([str(script), "stop"], env=env, capture_output=True, timeout=120)
