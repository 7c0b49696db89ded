"""kg serve over the servers kg supports: a SPARQL server (Oxigraph) and Neo4j, each holding the example
articles; the same pages as over the embedded store, and the query page in the server's language."""

from __future__ import annotations

import os
import re

import pytest

if os.environ.get("CI", "").lower() != "true":  # in CI a missing serve extra fails the run
    pytest.importorskip("starlette", reason="kg serve needs the serve extra: pip install -e '.[serve]'")

from starlette.testclient import TestClient

from kg.serve import make_app

from helpers import EXAMPLES, wipe
from sparql_servers import sparql_server


def token(client: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/query").text).group(1)


def check_pages(client: TestClient) -> None:
    actor = client.get("/actor/person/volodymyr-zelensky")
    assert actor.status_code == 200
    assert "<h1>Volodymyr Zelensky</h1>" in actor.text
    aid = re.findall(r'<a class="sentence" href="/article/([\w-]+)#', actor.text)[0]
    article = client.get(f"/article/{aid}")
    assert article.status_code == 200
    assert 'class="m m-trigger"' in article.text  # the text was read from the source, at the stored spans
    net = client.get("/api/network").json()
    assert net["nodes"] and net["edges"]


@pytest.mark.sparql_server
def test_serve_over_a_sparql_server(example_graphs):
    from kg.stores import open_store

    endpoint = sparql_server("oxigraph")
    with open_store(endpoint) as st:
        st.query("DROP ALL", write=True)
        st.load(example_graphs[0])
    client = TestClient(make_app(endpoint, roots=[EXAMPLES.parent.parent]))
    check_pages(client)
    page = client.post("/query", data={"name": "who-met-whom", "csrf_token": token(client)})
    assert page.status_code == 200 and "<table" in page.text
    refused = client.post("/query", data={"text": "DROP ALL", "csrf_token": token(client)})
    assert refused.status_code == 400
    with open_store(endpoint) as st:
        assert st.stats()["articles"] > 0  # nothing was dropped


@pytest.mark.neo4j
def test_serve_over_neo4j(neo, neo4j_uri, example_graphs):
    neo.load(example_graphs[0])
    client = TestClient(make_app(neo4j_uri, roots=[EXAMPLES.parent.parent]))
    check_pages(client)
    assert "Cypher" in client.get("/query").text
    page = client.post("/query", data={"name": "positions-held", "csrf_token": token(client)})
    assert page.status_code == 200 and "Emmanuel Macron" in page.text
    refused = client.post("/query", data={"text": "MATCH (n) DETACH DELETE n", "csrf_token": token(client)})
    assert refused.status_code == 400
    assert neo.stats()["articles"] > 0
    wipe(neo)
