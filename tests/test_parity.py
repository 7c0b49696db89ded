"""The same articles give the same answers on every store: each named query (schemas/queries, SPARQL on
the embedded store and on a SPARQL server, Cypher on Neo4j) returns the same rows in the same order, and
every analysis command the same table and summary. On the example articles, and (slow) on the BBC
politics corpus. Needs both servers (scripts/run-tests starts them); each is emptied and loaded here."""

from __future__ import annotations

import os

import pytest

from kg import api
from kg.schema import queries
from kg.stores import open_store

from helpers import shared, wipe

pytestmark = [pytest.mark.neo4j, pytest.mark.sparql_server]


def _endpoint() -> str:
    url = os.environ.get("KG_SPARQL_ENDPOINT")
    if not url:
        msg = "KG_SPARQL_ENDPOINT is not set: no SPARQL server for the parity tests (scripts/run-tests starts one)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(msg)
        pytest.skip(msg)
    return url


def _load_everywhere(graphs, embedded, neo4j_uri) -> dict[str, str]:
    """The three stores holding exactly ``graphs``: {name: location}."""
    endpoint = _endpoint()
    with open_store(str(embedded)) as st:
        st.load(graphs)
    with open_store(endpoint) as st:
        st.query("DROP ALL", write=True)
        st.load(graphs)
    with open_store(neo4j_uri) as st:
        wipe(st)
        st.load(graphs)
    return {"embedded": str(embedded), "sparql": endpoint, "neo4j": neo4j_uri}


def _named_queries(stores: dict[str, str]) -> dict[str, dict[str, list]]:
    """query name -> store -> [columns, rows]."""
    out: dict[str, dict[str, list]] = {}
    for name in queries.names("rq"):
        for store, where in stores.items():
            res = api.query(name=name, store=where)
            out.setdefault(name, {})[store] = [res.columns, res.rows]
    return out


def _analyses(stores: dict[str, str], a: str, b: str, windows=None) -> dict[str, dict[str, list]]:
    """analysis -> store -> [columns, rows, summary], for each analysis command (``a`` and ``b``: two
    actors joined by a path; ``windows``: the two date windows of ``changes``, None for a corpus without
    dates)."""
    calls = {
        "alliances": lambda s: api.alliances(store=s, top=None),
        "positions": lambda s: api.positions(store=s, status=None),
        "stances": lambda s: api.positions(store=s, stances=True),
        "centrality": lambda s: api.centrality(store=s, top=None),
        "actors": lambda s: api.actors(store=s),
        "analyse": lambda s: api.analyse(store=s),
        "ego": lambda s: api.ego(a, store=s, radius=2),
        "path": lambda s: api.path(a, b, store=s),
    }
    if windows:
        calls["changes"] = lambda s: api.changes(store=s, a_until=windows[0], b_since=windows[1])
        calls["window"] = lambda s: api.centrality(store=s, since=windows[1], top=None)
    out: dict[str, dict[str, list]] = {}
    for name, call in calls.items():
        for store, where in stores.items():
            res = call(where)
            out.setdefault(name, {})[store] = [res.columns, res.rows, res.summary]
    return out


def _reports(stores: dict[str, str]) -> dict[str, dict[str, list]]:
    """ "report" -> store -> the text report's top actors and example relations (its counts and the example
    query's text are the store's own)."""
    out = {}
    for store, where in stores.items():
        sections = str(api.report(store=where)).split("\n## ")
        assert sections[3].startswith(("SPARQL: ", "Cypher: ")), sections[3][:40]
        out[store] = [None, sections[1:3]]
    return {"report": out}


def _assert_same(answers: dict[str, dict[str, list]]) -> None:
    for name, by_store in answers.items():
        (first, expected), *others = by_store.items()
        assert expected[1], f"{name}: no rows on {first}"
        for store, got in others:
            assert got == expected, f"{name}: {store} differs from {first}"


@pytest.fixture(scope="module")
def examples_everywhere(example_graphs, tmp_path_factory, neo4j_uri):
    return _load_everywhere(example_graphs[0], tmp_path_factory.mktemp("parity") / "store", neo4j_uri)


def test_named_queries_give_the_same_rows_in_the_same_order_on_every_store(examples_everywhere):
    answers = _named_queries(examples_everywhere)
    assert set(answers) == set(queries.names("cypher"))
    _assert_same(answers)
    # a dateline "speaker" is one speaker, named in its well-cased form on every store (capitals never win)
    speakers = [r[0] for r in answers["quotes-by-speaker"]["neo4j"][1]]
    assert speakers.count("London") == 1 and "LONDON" not in speakers
    # relations are spelt by their catalogue name
    relations = {r[1] for r in answers["who-met-whom"]["sparql"][1]}
    assert "meets" in relations and relations <= {"meets", "negotiates_with", "visits"}


def test_analysis_commands_give_the_same_answers_on_every_store(examples_everywhere):
    _assert_same(_analyses(examples_everywhere, "Keir Starmer", "Vladimir Putin", ("2025-02-20", "2025-02-21")))
    _assert_same(_reports(examples_everywhere))


@pytest.mark.slow
def test_the_bbc_politics_corpus_gives_the_same_answers_on_every_store(nlp, tmp_path_factory, neo4j_uri):
    from kg import readers
    from kg.build.flow import extract

    graphs = list(extract(readers.read([str(shared("external/bbc/politics"))]), nlp))
    stores = _load_everywhere(graphs, tmp_path_factory.mktemp("parity-bbc") / "store", neo4j_uri)
    _assert_same(_named_queries(stores))
    _assert_same(_analyses(stores, "Tony Blair", "Michael Howard"))
    _assert_same(_reports(stores))
