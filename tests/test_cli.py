"""The CLI, through click's CliRunner and once as a real subprocess."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kg.cli import EXIT_SKIPPED, main

from helpers import EXAMPLES, HEALEY, ROOT, shared


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("cli") / "store"
    res = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(store)])
    assert res.exit_code == 0, res.output
    return store


def test_build_reports_counts_that_add_up(built):
    res = CliRunner().invoke(main, ["build", str(EXAMPLES), "--store", str(built)])
    assert res.exit_code == 0
    line = res.stderr.strip().splitlines()[-1]
    counts = dict(zip(line.split()[::2], map(int, line.split()[1::2])))
    assert counts["read"] == counts["extracted"] + counts["skipped"] == 14
    assert counts["unchanged"] == 14 and counts["loaded"] == 0  # second build: nothing new


def test_a_store_inside_the_input_directory_is_not_read_as_input(tmp_path):
    (tmp_path / "a.txt").write_text("Ministers meet\n\nKeir Starmer met Emmanuel Macron in Paris on Monday.")
    store = tmp_path / "store"
    for _run in range(2):  # the second time the store holds aliases.json, ledger.sqlite and RocksDB files
        res = CliRunner().invoke(main, ["build", str(tmp_path), "--store", str(store)])
        assert res.exit_code == 0, res.output
        assert "read 1 " in res.stderr and "skipped 0" in res.stderr, res.stderr
    assert (store / "aliases.json").exists()


def test_build_with_bad_input_skips_reports_and_goes_on(tmp_path):
    (tmp_path / "good.txt").write_text("Ministers meet\n\nKeir Starmer met Emmanuel Macron in Paris on Monday.")
    (tmp_path / "empty.txt").write_text("   ")
    (tmp_path / "bad.jsonl").write_text('{"id": "a", "text": "Russia attacked Ukraine."}\n{broken\n')
    report = tmp_path / "skipped.jsonl"
    res = CliRunner().invoke(main, ["build", str(tmp_path), "--store", str(tmp_path / "s"), "--report", str(report)])
    assert res.exit_code == EXIT_SKIPPED
    skipped = [json.loads(line) for line in report.read_text().splitlines()]
    assert {(os.path.basename(s["source"]), s["line"]) for s in skipped} == {("empty.txt", None), ("bad.jsonl", 2)}
    assert "read 4 extracted 2 loaded 2" in res.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_query_output_formats(built, fmt):
    q = "SELECT ?office WHERE { ?p rdfs:label 'John Healey' . ?p kg:holdsPosition ?o . ?o rdfs:label ?office }"
    res = CliRunner().invoke(main, ["query", "--store", str(built), f"--{fmt}", "--sparql", q])
    assert res.exit_code == 0, res.output
    if fmt == "json":
        assert {"office": "Defence Secretary"} in json.loads(res.output)
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(res.output)))
        assert rows[0] == ["office"] and ["Defence Secretary"] in rows
    else:
        assert res.output.splitlines()[0].strip() == "office" and "Defence Secretary" in res.output


def test_named_query_and_unknown_name(built):
    res = CliRunner().invoke(main, ["query", "--store", str(built), "--name", "quotes-by-speaker", "--json"])
    assert res.exit_code == 0 and len(json.loads(res.output)) > 20
    res = CliRunner().invoke(main, ["query", "--store", str(built), "--name", "../../etc/passwd"])
    assert res.exit_code == 1 and "no named query" in res.stderr


def test_query_refuses_update_without_write(built):
    res = CliRunner().invoke(main, ["query", "--store", str(built), "--sparql", "DELETE WHERE { ?s ?p ?o }"])
    assert res.exit_code == 1 and "refused" in res.stderr
    assert "Traceback" not in res.output


def test_export_and_report_and_stats(built, tmp_path):
    out = tmp_path / "g.graphml"
    res = CliRunner().invoke(main, ["export", "--store", str(built), "--format", "graphml", "-o", str(out)])
    assert res.exit_code == 0 and out.stat().st_size > 1000
    res = CliRunner().invoke(main, ["report", "--store", str(built)])
    assert res.exit_code == 0
    for heading in ("Top actors", "Example triples", "SPARQL: positions-held"):
        assert heading in res.output
    res = CliRunner().invoke(main, ["stats", "--store", str(built), "--json"])
    assert json.loads(res.output)[0]["articles"] == 14


def test_extract_then_load_gives_the_same_store_as_build(built, tmp_path):
    jsonl = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["extract", str(EXAMPLES), "-o", str(jsonl)])
    assert res.exit_code == 0
    assert len(jsonl.read_text().splitlines()) == 14
    res = CliRunner().invoke(main, ["load", str(jsonl), "--store", str(tmp_path / "s2")])
    assert res.exit_code == 0
    a = json.loads(CliRunner().invoke(main, ["stats", "--store", str(built), "--json"]).output)
    b = json.loads(CliRunner().invoke(main, ["stats", "--store", str(tmp_path / "s2"), "--json"]).output)
    assert a == b


def test_extract_from_stdin():
    res = CliRunner().invoke(main, ["extract", "-"], input="Russia attacked Ukraine on Thursday morning.")
    assert res.exit_code == 0
    g = json.loads(res.stdout.splitlines()[0])
    assert any(r["predicate"] == "attacks" for r in g["relations"])


def test_real_subprocess_extract_on_the_healey_article(tmp_path):
    shared("articles/healey-us-backstop.txt")
    kg = [sys.executable, "-m", "kg.cli"]
    out = tmp_path / "h.jsonl"
    proc = subprocess.run(
        [*kg, "extract", str(HEALEY), "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    g = json.loads(out.read_text())
    assert ("person/john-healey", "holds_position", "office/defence-secretary") in {
        (r["subject"], r["predicate"], r["object"]) for r in g["relations"]
    }
    proc = subprocess.run(
        [*kg, "build", str(HEALEY), "--store", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [
            *kg,
            "query",
            "--store",
            str(tmp_path / "s"),
            "--json",
            "--sparql",
            "SELECT ?q WHERE { ?s rdfs:label 'John Healey' ; kg:said ?x . ?x schema:text ?q }",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert any("We must rearm Britain" in r["q"] for r in json.loads(proc.stdout))


def test_two_workers_give_the_same_graphs_as_one(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    r1 = CliRunner().invoke(main, ["extract", str(EXAMPLES), "-o", str(one)])
    r2 = CliRunner().invoke(main, ["extract", str(EXAMPLES), "-o", str(two), "--workers", "2"])
    assert r1.exit_code == 0 and r2.exit_code == 0, r2.output
    assert one.read_text() == two.read_text()
    assert len(one.read_text().splitlines()) == 14
