"""The remote SPARQL store against real servers, Oxigraph and Apache Jena Fuseki (``scripts/oxigraph
start`` and ``scripts/fuseki start``, run by ``scripts/run-tests``): load, idempotency, named-graph
replacement, read-only refusal, and the same answers as the embedded store.

The servers are named by env KG_SPARQL_ENDPOINT (Oxigraph) and KG_FUSEKI_ENDPOINT (Fuseki, with
KG_FUSEKI_USER / KG_FUSEKI_PASSWORD when it asks for basic auth). Without one, its tests fail when
CI=true and are skipped (with the reason) elsewhere. Each test starts by emptying the server
(DROP ALL): point them at throw-away servers only.
"""

from __future__ import annotations

import dataclasses
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import model
from kg.schema import ids, queries
from kg.stores import ReadOnlyError, StoreError, open_store
from kg.stores import rdf as rdfterms
from kg.stores.sparql import SparqlStore, endpoints

from helpers import hostile_graph, hostile_name
from sparql_servers import sparql_server

pytestmark = pytest.mark.sparql_server

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
KG_NAME = "https://kg.example.org/ontology#mentionedAs"


@pytest.fixture(scope="module", params=["oxigraph", "fuseki"])
def endpoint(request) -> str:
    """Each server in turn, its URL carrying the credentials it asks for."""
    return sparql_server(request.param)


@pytest.fixture
def remote(endpoint):
    with open_store(endpoint) as store:
        store.query("DROP ALL", write=True)
        yield store


@pytest.fixture
def loaded(endpoint, example_graphs):
    """The server holding exactly the example articles, loaded afresh for each test: a test that changes an
    article and puts its text back leaves the same article hashes over different quads."""
    with open_store(endpoint) as store:
        store.query("DROP ALL", write=True)
        store.load(example_graphs[0])
    return endpoint


def test_endpoints_are_derived_from_root_or_query_url():
    assert endpoints("http://h:1/") == ("http://h:1/query", "http://h:1/update", "http://h:1/store")
    assert endpoints("http://h:1/query")[2] == "http://h:1/store"
    with pytest.raises(StoreError):
        SparqlStore("file:///etc/passwd")


def test_load_gives_the_same_counts_and_graphs_as_embedded(loaded, example_store, example_graphs):
    with open_store(loaded) as rem, open_store(str(example_store), read_only=True) as emb:
        articles = {ids.graph_iri(g.article.id) for g in example_graphs[0]}
        assert set(rem.named_graphs()) == articles | {ids.entities_graph_iri()}
        remote, local = set(rem.quads()), set(emb.quads())
        assert (remote - local, local - remote) == (set(), set())
        assert rem.stats() == emb.stats()


@pytest.mark.parametrize("name", queries.names())
def test_named_queries_answer_as_the_embedded_store_does(loaded, example_store, name):
    text = queries.with_prefixes(queries.named(name))
    with open_store(loaded) as rem, open_store(str(example_store), read_only=True) as emb:
        remote, local = rem.query(text), emb.query(text)
    assert remote.columns == local.columns
    if rem.preset == "oxigraph":
        assert remote.rows == local.rows
    else:  # rows whose ORDER BY keys tie come in an order of the engine's choosing
        assert sorted(map(repr, remote.rows)) == sorted(map(repr, local.rows))
    assert remote.rows, f"{name} answered nothing"


def test_loading_twice_changes_nothing(remote, example_graphs):
    graphs = example_graphs[0][:4]
    first = remote.load(graphs)
    before = set(remote.quads())
    second = remote.load(graphs)
    assert first.articles_loaded == 4 and second.articles_loaded == 0 and second.articles_unchanged == 4
    assert set(remote.quads()) == before


def test_changed_article_replaces_only_its_named_graph(remote, example_graphs, nlp):
    from kg.nlp.graph import doc_to_graph

    graphs = example_graphs[0][:3]
    remote.load(graphs)
    target = graphs[0]
    gn, eg = ids.graph_iri(target.article.id), ids.entities_graph_iri()
    others = {q for q in remote.quads() if q.graph_name.value not in (gn, eg)}
    changed_article = dataclasses.replace(
        target.article, text="Russia attacked Ukraine. Keir Starmer criticised Russia."
    )
    changed = doc_to_graph(nlp(changed_article.text), changed_article)
    stats = remote.load([changed])
    assert stats.articles_replaced == 1 and stats.articles_loaded == 1
    assert {q for q in remote.quads() if q.graph_name.value not in (gn, eg)} == others
    mine = {q for q in remote.quads() if q.graph_name.value == gn}
    fresh = ox.Store()
    fresh.extend(rdfterms.graph_quads(changed))
    assert mine == set(fresh)
    assert {q.object.value for q in mine if q.predicate.value == KG_NAME} == {"Russia", "Ukraine", "Keir Starmer"}
    with open_store(":memory:") as emb:  # the entities graph the embedded store holds for the same articles
        emb.load([changed, *graphs[1:]])
        assert {q for q in remote.quads() if q.graph_name.value == eg} == {
            q for q in emb.quads() if q.graph_name.value == eg
        }
    assert remote.article_hashes()[target.article.id] == changed.article.hash


def test_query_path_is_read_only(remote, endpoint):
    remote.put_graph("urn:g", [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"))])
    for update in (
        "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
        "PREFIX x: <urn:x#>\nDELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR GRAPH <urn:g>",
    ):
        with pytest.raises(ReadOnlyError):
            remote.query(update)
    # and the query endpoint itself will not run an update that slips past the check
    with pytest.raises(StoreError):
        remote._select("DELETE WHERE { ?s ?p ?o }")
    assert remote.query("ASK { <urn:a> <urn:b> <urn:c> }").rows == [[True]]
    with open_store(endpoint, read_only=True) as ro, pytest.raises(ReadOnlyError):
        ro.query("DROP ALL", write=True)


def test_write_flag_allows_update(remote):
    remote.query("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }", write=True)
    assert remote.query("ASK { <urn:a> <urn:b> <urn:c> }").rows == [[True]]
    assert remote.query("SELECT ?o WHERE { <urn:a> <urn:b> ?o }").rows == [["urn:c"]]


def test_construct_answers_triples(remote):
    remote.put_graph("urn:g", [ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal('é "x"\n'))])
    res = remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert res.rows == [["urn:a", "urn:b", 'é "x"\n']]


def test_syntax_errors_are_store_errors(remote):
    with pytest.raises(StoreError, match="HTTP 400"):
        remote.query("SELECT WHERE {")


def test_unreachable_server_is_a_clear_error():
    with SparqlStore("http://127.0.0.1:9", timeout=2) as store, pytest.raises(StoreError, match="cannot reach"):
        store.query("ASK {}")


@pytest.fixture(scope="module")
def hostile_remote(endpoint):
    with open_store(endpoint) as store:
        yield store


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article_id=hostile_name, names=st.lists(hostile_name, min_size=1, max_size=3))
def test_hostile_names_round_trip_through_the_server(hostile_remote, article_id, names):
    g = hostile_graph(article_id, names)
    hostile_remote.load([g])
    for n in names:
        q = f"SELECT ?e WHERE {{ ?e <{RDFS_LABEL}> {ox.Literal(n)} }}"
        assert [ids.entity_iri(f"person/{n}")] in hostile_remote.query(q).rows
    assert hostile_remote.article_hashes()[article_id] == g.article.hash


def test_cli_load_query_stats_export_on_the_server(remote, endpoint, example_graphs, tmp_path):
    from kg.cli import main

    jsonl = tmp_path / "g.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        model.write_jsonl(example_graphs[0][:3], fh)
    url = endpoint
    runner = CliRunner()
    r = runner.invoke(main, ["load", str(jsonl), "--sparql-endpoint", url])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        main,
        [
            "query",
            "--sparql-endpoint",
            url,
            "--json",
            "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a kg:articleId ?id }",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [{"n": 3}]
    r = runner.invoke(main, ["query", "--sparql-endpoint", url, "DROP ALL"])
    assert r.exit_code == 1 and "refused" in r.output
    r = runner.invoke(main, ["stats", "--sparql-endpoint", url, "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)[0]["articles"] == 3
    out = tmp_path / "g.nq"
    r = runner.invoke(main, ["export", "--sparql-endpoint", url, "--format", "nq", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))) == len(set(remote.quads()))
