"""What differs between SPARQL servers, against the real ones ``scripts/run-tests`` starts: endpoint
presets (Oxigraph, Fuseki, GraphDB), HTTP basic auth (from the URL or KG_SPARQL_USER /
KG_SPARQL_PASSWORD, sent to its own origin only) and a default graph that does not union the named
graphs (Fuseki's in-memory dataset), which kg detects and queries through."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from kg.schema import catalogue
from kg.stores import StoreError, open_store
from kg.stores.sparql import SparqlStore
from kg.stores.sparql_endpoints import Endpoints, detect, resolve, split_credentials

from sparql_servers import fuseki_credentials, plain_url, sparql_server, with_userinfo

pytestmark = pytest.mark.sparql_server


@pytest.mark.parametrize(
    ("url", "preset", "query", "update", "store"),
    [
        ("http://h:7878", "oxigraph", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:7878/query", "oxigraph", "http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:3030/ds", "fuseki", "http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        (
            "http://h:3030/ds/query",
            "fuseki",
            "http://h:3030/ds/query",
            "http://h:3030/ds/update",
            "http://h:3030/ds/data",
        ),
        (
            "https://g.example/repositories/news/statements",
            "graphdb",
            "https://g.example/repositories/news",
            "https://g.example/repositories/news/statements",
            "https://g.example/repositories/news/rdf-graphs/service",
        ),
    ],
)
def test_endpoint_paths_follow_the_urls_shape(url, preset, query, update, store):
    assert detect(url) == preset
    assert resolve(url) == Endpoints(preset, query, update, store)


def test_a_given_preset_wins_over_the_urls_shape(monkeypatch):
    assert resolve("http://h:3030/ds", "oxigraph").store == "http://h:3030/ds/store"
    monkeypatch.setenv("KG_SPARQL_PRESET", "graphdb")
    assert resolve("http://h:7200/repositories/r").update == "http://h:7200/repositories/r/statements"
    monkeypatch.setenv("KG_SPARQL_PRESET", "virtuoso")
    with pytest.raises(StoreError, match="unknown SPARQL preset 'virtuoso'"):
        resolve("http://h:1/")


def test_credentials_leave_the_url_and_are_percent_decoded():
    assert split_credentials("http://ad%40min:p%3Aw%2Fd@h:1/ds") == ("http://h:1/ds", "ad@min", "p:w/d")
    store = SparqlStore("http://admin:TopSecretPw@h:3030/ds")
    assert "TopSecretPw" not in store.location + store.query_url + store.update_url + store.store_url


# -- against the servers ------------------------------------------------------------------------------


@pytest.fixture
def fuseki(example_graphs):
    """The Fuseki server (its URL with credentials) holding exactly the example articles."""
    url = sparql_server("fuseki")
    with open_store(url) as store:
        store.query("DROP ALL", write=True)
        store.load(example_graphs[0])
    return url


def test_fuseki_does_not_union_named_graphs_and_kg_queries_them(fuseki, example_store):
    kg = catalogue.load().namespaces["kg"]
    count = f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <{kg}articleId> ?id }}"
    with open_store(fuseki) as rem, open_store(str(example_store), read_only=True) as emb:
        assert rem.preset == "fuseki" and rem.store_url.endswith("/ds/data")
        assert not rem.unions_named_graphs()
        # the server's own default graph is empty: what kg's queries see comes from naming the graphs
        assert int(next(iter(rem._select(count, dataset=False)))["n"].value) == 0
        assert rem.query(count).rows == emb.query(count).rows != [[0]]
        assert rem.stats() == emb.stats()


def test_oxigraph_unions_named_graphs(example_graphs):
    with open_store(sparql_server("oxigraph")) as store:
        store.query("DROP ALL", write=True)
        store.load(example_graphs[0][:1])
        assert store.preset == "oxigraph" and store.unions_named_graphs()


def test_the_preset_decides_where_articles_are_stored(example_graphs, tmp_path):
    from kg import model
    from kg.cli import main

    url = sparql_server("fuseki")
    jsonl = tmp_path / "g.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        model.write_jsonl(example_graphs[0][:1], fh)
    with open_store(url) as store:
        store.query("DROP ALL", write=True)
    r = CliRunner().invoke(main, ["load", str(jsonl), "--sparql-endpoint", url, "--sparql-preset", "oxigraph"])
    assert r.exit_code == 1 and "PUT http://127.0.0.1:" in r.output and "/ds/store failed: HTTP 4" in r.output, r.output
    r = CliRunner().invoke(main, ["load", str(jsonl), "--sparql-endpoint", url], env={"KG_SPARQL_PRESET": "fuseki"})
    assert r.exit_code == 0, r.output
    with open_store(url) as store:
        assert store.stats()["articles"] == 1


@pytest.fixture
def protected():
    """Fuseki's URL without credentials, and the (user, password) it asks for."""
    url, creds = plain_url("fuseki"), fuseki_credentials()
    if creds is None:
        pytest.skip("Fuseki runs without a password (set KG_FUSEKI_PASSWORD before scripts/fuseki start)")
    return url, creds


def test_basic_auth_from_the_environment(protected, monkeypatch):
    url, (user, password) = protected
    monkeypatch.setenv("KG_SPARQL_USER", user)
    monkeypatch.setenv("KG_SPARQL_PASSWORD", password)
    with open_store(url) as store:
        assert store.query("ASK {}").rows == [[True]]
    # the URL's own credentials win over the environment's
    with open_store(with_userinfo(url, user, password + "-wrong")) as store, pytest.raises(StoreError) as err:
        store.query("ASK {}")
    assert "HTTP 401" in str(err.value) and "refused" in str(err.value) and password not in str(err.value)


def test_missing_or_wrong_credentials_say_what_to_set_without_the_password(protected, monkeypatch):
    url, (user, password) = protected
    monkeypatch.delenv("KG_SPARQL_USER", raising=False)
    monkeypatch.delenv("KG_SPARQL_PASSWORD", raising=False)
    with open_store(url) as store, pytest.raises(StoreError, match="KG_SPARQL_USER / KG_SPARQL_PASSWORD"):
        store.query("ASK {}")
    wrong = "Wrong-" + password[::-1]
    from kg.cli import main

    r = CliRunner().invoke(main, ["--debug", "stats", "--sparql-endpoint", with_userinfo(url, user, wrong)])
    assert r.exit_code == 1 and "HTTP 401" in r.output
    assert wrong not in r.output and password not in r.output
    monkeypatch.setenv("KG_SPARQL_PASSWORD", password)
    with pytest.raises(StoreError, match="set KG_SPARQL_USER"):
        open_store(url)


class _Recorder(BaseHTTPRequestHandler):
    """Accepts Graph Store Protocol PUTs and records their Authorization headers."""

    seen: ClassVar[list[str | None]] = []

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).seen.append(self.headers.get("Authorization"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def test_credentials_are_sent_to_their_own_origin_only(protected, recorder, example_graphs):
    url, (user, password) = protected
    elsewhere, seen = recorder
    with SparqlStore(with_userinfo(url, user, password), store_endpoint=elsewhere + "/data") as store:
        store.query("DROP ALL", write=True)  # the update endpoint is derived: same origin, authorised
        stats = store.load(example_graphs[0][:2])  # the ledger read goes to Fuseki, the PUTs elsewhere
    # one PUT per article graph and one of the entities graph, none with Fuseki's credentials
    assert stats.articles_loaded == 2 and seen == [None, None, None]
    # an explicit endpoint's own credentials go with it, percent-decoded
    with SparqlStore(url, store_endpoint=with_userinfo(elsewhere, "ed@n", "p:w/d") + "/data", user=user,
                     password=password) as store:  # fmt: skip
        store.put_graph("urn:g", [])
    assert base64.b64decode(seen[-1].split()[1]).decode() == "ed@n:p:w/d"
    assert urlsplit(elsewhere).port != urlsplit(url).port
