"""kg serve's pages, JSON and safety over the example corpus's real embedded store (Starlette's test client;
the browser tests are in test_serve_browser.py)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

if os.environ.get("CI", "").lower() != "true":  # in CI a missing serve extra fails the run
    pytest.importorskip("starlette", reason="kg serve needs the serve extra: pip install -e '.[serve]'")

from starlette.testclient import TestClient

from kg.serve import make_app
from kg.serve.article import sentence_anchor


@pytest.fixture(scope="module")
def client(example_store):
    return TestClient(make_app(example_store))


@pytest.fixture
def writable_store(example_store, tmp_path):
    """A copy of the example store, so that curation files written by a test stay with it."""
    copy = tmp_path / "kg-store"
    shutil.copytree(example_store, copy)
    return copy


def token(client: TestClient, path: str = "/query") -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert m, f"no CSRF token in the form of {path}"
    return m.group(1)


def test_search_finds_an_actor_by_part_of_a_name(client):
    page = client.get("/", params={"q": "starm"})
    assert page.status_code == 200
    assert 'href="/actor/person/keir-starmer"' in page.text
    assert "Donald Trump" not in page.text


def test_actor_page_shows_offices_ties_and_the_sentences_behind_them(client):
    page = client.get("/actor/person/emmanuel-macron")
    assert page.status_code == 200
    html = page.text
    # the office with the country it belongs to
    offices = html[html.index("Offices held") : html.index("Allies")]
    assert "President" in offices and 'href="/actor/gpe/france"' in offices
    # each tie's sentence links to its place in the article, with the article's headline and date
    html = client.get("/actor/person/volodymyr-zelensky").text
    allies = html[html.index("<h2>Allies</h2>") : html.index("<h2>Adversaries</h2>")]
    assert 'class="actor" href="/actor/' in allies
    ties = re.findall(r'<a class="sentence" href="/article/([\w-]+)#(s-\w+)">([^<]+)</a>', allies)
    assert ties
    aid, anchor, sentence = ties[0]
    assert anchor == sentence_anchor(sentence.replace("&#39;", "'").replace("&quot;", '"').replace("&amp;", "&"))
    assert re.search(rf'<a href="/article/{aid}">[^<]+</a> · 2025-\d\d-\d\d', html)


def test_unknown_actor_and_article_are_404_pages(client):
    assert client.get("/actor/person/nobody-at-all").status_code == 404
    page = client.get("/article/no-such-article")
    assert page.status_code == 404 and "no article" in page.text


def test_article_page_marks_entities_triggers_and_quotes_and_anchors_evidence(client):
    actor = client.get("/actor/person/emmanuel-macron").text
    aid, anchor = re.findall(r'<a class="sentence" href="/article/([\w-]+)#(s-\w+)"', actor)[0]
    page = client.get(f"/article/{aid}")
    assert page.status_code == 200
    html = page.text
    assert "could not be read" not in html
    assert re.search(r'<a class="m m-entity" href="/actor/[^"]+" data-label="Person"', html)
    assert 'class="m m-trigger"' in html
    assert f'id="{anchor}"' in html  # the sentence the tie links to is found in the text


def test_article_page_without_its_source_still_lists_the_evidence(example_store, tmp_path):
    app = make_app(example_store, roots=[])
    client = TestClient(app)
    snap = app.state.site.graphs.get()
    aid, meta = next(iter(snap.articles.items()))
    meta["source"] = str(tmp_path / "gone.txt")  # the source file moved away
    page = client.get(f"/article/{aid}")
    assert page.status_code == 200
    assert "could not be read again" in page.text
    assert "Relations read here" in page.text


def test_network_json_follows_the_date_window_and_filters(client):
    whole = client.get("/api/network").json()
    assert whole["nodes"] and whole["edges"]
    ids = {n["data"]["id"] for n in whole["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in whole["edges"])
    later = client.get("/api/network", params={"since": "2025-05-01"}).json()
    assert 0 < len(later["edges"]) < len(whole["edges"])
    bloc = whole["nodes"][0]["data"]["bloc"]
    one = client.get("/api/network", params={"bloc": bloc}).json()
    assert one["nodes"] and {n["data"]["bloc"] for n in one["nodes"]} == {bloc}
    praise = client.get("/api/network", params={"relation": "supports"}).json()
    assert len(praise["edges"]) < len(whole["edges"])
    assert client.get("/api/network", params={"since": "last week"}).status_code == 400
    assert client.get("/api/network", params={"relation": "drop_tables"}).status_code == 400


def test_query_page_runs_a_named_query_into_a_table(client):
    page = client.post("/query", data={"name": "positions-held", "text": "", "csrf_token": token(client)})
    assert page.status_code == 200
    assert "<th>person</th>" in page.text and "Emmanuel Macron" in page.text


def test_query_page_cuts_at_the_row_limit(client):
    q = "SELECT ?s WHERE { ?s ?p ?o }"
    page = client.post("/query", data={"text": q, "limit": "3", "csrf_token": token(client)})
    assert page.status_code == 200
    assert "3 rows (the first 3)" in page.text
    assert page.text.count("<tr><td>") == 3


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "select * where { service <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:{port}/data.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX x: <urn:x#> DELETE WHERE { ?s ?p ?o }",
        "# SELECT\nDROP ALL",
    ],
)
def test_query_page_refuses_service_load_and_updates(client, listener, query):
    port, hits = listener
    page = client.post("/query", data={"text": query.replace("{port}", str(port)), "csrf_token": token(client)})
    assert page.status_code == 400
    assert 'id="query-error"' in page.text
    assert hits == []  # nothing tried to reach the port


def test_query_page_allows_service_and_load_words_inside_strings(client):
    q = 'SELECT ?x WHERE { BIND("SERVICE and LOAD are words" AS ?x) }'
    page = client.post("/query", data={"text": q, "csrf_token": token(client)})
    assert page.status_code == 200 and "SERVICE and LOAD are words" in page.text


def test_cypher_writes_are_refused_by_the_page():
    from kg.serve.routes.query import refusal

    assert refusal("MATCH (n) RETURN n.name", "cypher") is None
    assert refusal("MATCH (n) RETURN 'CREATE' AS word", "cypher") is None
    for q in ("CREATE (n:X)", "MATCH (n) DETACH DELETE n", "MATCH (n) SET n.x = 1", "LOAD CSV FROM 'file:///x' AS r"):
        assert refusal(q, "cypher"), q


@pytest.mark.parametrize("sent", [None, "", "not-the-token"])
def test_form_posts_without_the_right_csrf_token_are_refused(client, sent):
    token(client)  # the cookie is set
    data = {"name": "top-actors"}
    if sent is not None:
        data["csrf_token"] = sent
    page = client.post("/query", data=data)
    assert page.status_code == 403
    assert "CSRF" in page.text


def test_a_token_from_another_browser_is_refused(example_store):
    a, b = TestClient(make_app(example_store)), TestClient(make_app(example_store))
    page = b.post("/query", data={"name": "top-actors", "csrf_token": token(a)})
    assert page.status_code == 403


def test_read_only_app_shows_no_curation_and_refuses_it(client):
    assert "/curate/" not in client.get("/actor/person/keir-starmer").text
    page = client.post(
        "/curate/merge", data={"entity": "gpe/russia", "target": "gpe/ukraine", "csrf_token": token(client)}
    )
    assert page.status_code == 403 and "read-only" in page.text


def test_curation_merge_and_split_are_recorded_at_once(writable_store):
    from kg.resolve.curation import Curation

    client = TestClient(make_app(writable_store, write=True))
    actor = client.get("/actor/person/keir-starmer").text
    assert 'action="/curate/merge"' in actor and 'action="/curate/split"' in actor
    t = token(client, "/actor/person/keir-starmer")
    page = client.post(
        "/curate/merge",
        data={"entity": "organization/keir-starmer", "target": "person/keir-starmer", "csrf_token": t},
        follow_redirects=False,
    )
    assert page.status_code == 303
    assert Curation.load(writable_store).merges == {"organization/keir-starmer": "person/keir-starmer"}
    page = client.post(
        "/curate/split",
        data={"entity": "person/keir-starmer", "names": "Starmer", "csrf_token": t},
        follow_redirects=False,
    )
    assert page.status_code == 303
    assert Curation.load(writable_store).splits == {"person/keir-starmer": ["Starmer"]}
    # without the token nothing is recorded
    before = (writable_store / "curation.toml").read_text()
    assert client.post("/curate/merge", data={"entity": "gpe/russia", "target": "gpe/ukraine"}).status_code == 403
    assert (writable_store / "curation.toml").read_text() == before


def test_curation_rename_applies_at_once(writable_store):
    client = TestClient(make_app(writable_store, write=True))
    t = token(client, "/actor/person/keir-starmer")
    page = client.post(
        "/curate/rename",
        data={"entity": "person/keir-starmer", "name": "Sir Keir Starmer", "csrf_token": t},
        follow_redirects=False,
    )
    assert page.status_code == 303
    assert "<h1>Sir Keir Starmer" in client.get("/actor/person/keir-starmer").text.replace("\n", "")


def test_template_expressions_in_names_are_not_evaluated(writable_store):
    """The hostile-name property test below covers escaping; this pins the one case with a visible answer."""
    from kg.serve.views import search

    app = make_app(writable_store)
    snap = app.state.site.graphs.get()
    snap.G.nodes["person/keir-starmer"]["label"] = "{{7*7}}"
    snap.memo.clear()
    page = TestClient(app).get("/actor/person/keir-starmer")
    assert "<h1>{{7*7}}</h1>" in page.text
    assert search(snap, "{{7")[0]["id"] == "person/keir-starmer"


def test_serve_command_says_when_there_is_no_store(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    res = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none"), "--port", "0"])
    assert res.exit_code != 0
    assert "no kg store at" in res.output and "kg build" in res.output


def test_requests_naming_another_host_are_refused(client):
    # a web page whose name was rebound to 127.0.0.1 sends its own name as Host
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/api/network", headers={"Host": "attacker.example:8000"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_pages_follow_a_change_of_the_store(writable_store, example_graphs):
    import copy

    from kg.stores import open_store

    app = make_app(writable_store)
    client = TestClient(app)
    assert client.get("/article/extra-article").status_code == 404
    g = copy.deepcopy(example_graphs[0][0])
    g.article.id = "extra-article"
    with open_store(str(writable_store)) as st:
        st.load([g])
    assert client.get("/article/extra-article").status_code == 200
