"""Dates are typed in every store: xsd:date / xsd:dateTime literals in RDF, Date / DateTime in Neo4j; the
analyses and exports still see ISO strings."""

import json
import os

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.analyse.graph import actor_graph
from kg.cli import main
from kg.model import Article, ArticleGraph, Entity, Evidence, Relation
from kg.schema.queries import named, with_prefixes
from kg.stores import open_store

STARMER = Entity("person/keir-starmer", "Keir Starmer", "Person")
TRUMP = Entity("person/donald-trump", "Donald Trump", "Person")
MACRON = Entity("person/emmanuel-macron", "Emmanuel Macron", "Person")

XSD = "http://www.w3.org/2001/XMLSchema#"


def _meets(aid: str, a: Entity, b: Entity, when: str | None, text: str) -> Relation:
    ev = Evidence(aid, text, 0, len(text))
    return Relation(a.id, "meets", b.id, evidence=ev, attrs={"date": when} if when else {})


def graphs() -> list[ArticleGraph]:
    """Three short articles: one published 25 February 2025 (at 10:30 UTC) whose meetings are dated to a day,
    a week, a month and a year; one of 7 March 2025; one without a date."""
    t1 = "Keir Starmer met Donald Trump. Starmer met Macron."
    g1 = ArticleGraph(
        Article("feb", t1, title="Starmer in Washington", date="2025-02-25T10:30:00+00:00"),
        entities=[STARMER, TRUMP, MACRON],
        relations=[
            _meets("feb", STARMER, TRUMP, "2025-02-27", t1),
            _meets("feb", TRUMP, STARMER, "2025-W09", t1),
            _meets("feb", STARMER, MACRON, "2025-03", t1),
            _meets("feb", MACRON, STARMER, "2025", t1),
        ],
    )
    t2 = "Macron met Trump."
    g2 = ArticleGraph(
        Article("mar", t2, title="Macron and Trump", date="2025-03-07"),
        entities=[MACRON, TRUMP],
        relations=[_meets("mar", MACRON, TRUMP, None, t2)],
    )
    t3 = "Trump met Macron."
    g3 = ArticleGraph(
        Article("undated", t3, title="No date"),
        entities=[MACRON, TRUMP],
        relations=[_meets("undated", TRUMP, MACRON, None, t3)],
    )
    return [g1, g2, g3]


def _sparql(store, text: str) -> list[dict]:
    return store.query(with_prefixes(text)).dicts()


def check_rdf(store) -> None:
    published = _sparql(
        store,
        "SELECT ?id (STR(DATATYPE(?d)) AS ?t) WHERE { GRAPH ?g { ?a kg:articleId ?id ; schema:datePublished ?d } }",
    )
    assert sorted((r["id"], r["t"]) for r in published) == [("feb", XSD + "date"), ("mar", XSD + "date")]
    after = _sparql(
        store,
        "SELECT ?id WHERE { GRAPH ?g { ?a kg:articleId ?id ; schema:datePublished ?d } "
        'FILTER(?d >= "2025-03-01"^^xsd:date) }',
    )
    assert [r["id"] for r in after] == ["mar"]
    at = _sparql(store, "SELECT ?t (STR(DATATYPE(?t)) AS ?type) WHERE { GRAPH ?g { ?a kg:publishedAt ?t } }")
    assert [(r["t"], r["type"]) for r in at] == [("2025-02-25T10:30:00Z", XSD + "dateTime")]  # canonical form
    events = _sparql(
        store,
        """SELECT ?d (STR(DATATYPE(?d)) AS ?type) ?from ?to WHERE { GRAPH ?g {
             ?x a kg:Assertion ; kg:eventDate ?d ; kg:eventStart ?from ; kg:eventEnd ?to } }""",
    )
    assert sorted((r["d"], r["type"].rsplit("#")[-1], r["from"], r["to"]) for r in events) == [
        ("2025", "gYear", "2025-01-01", "2025-12-31"),
        ("2025-02-27", "date", "2025-02-27", "2025-02-27"),
        ("2025-03", "gYearMonth", "2025-03-01", "2025-03-31"),
        ("2025-W09", "string", "2025-02-24", "2025-03-02"),
    ]
    in_march = _sparql(
        store,
        """SELECT ?d WHERE { GRAPH ?g { ?x kg:eventDate ?d ; kg:eventStart ?from ; kg:eventEnd ?to }
             FILTER(?to >= "2025-03-01"^^xsd:date && ?from <= "2025-03-31"^^xsd:date) }""",
    )
    assert sorted(r["d"] for r in in_march) == ["2025", "2025-03", "2025-W09"]
    rows = store.query(with_prefixes(named("relations-with-evidence", "rq"))).dicts()
    assert sorted(r["date"] for r in rows if r["date"]) == ["2025", "2025-02-27", "2025-03", "2025-W09"]
    check_analysis(store)


def check_analysis(store) -> None:
    """The actor graph (what every analysis reads) has ISO strings, and windows leave undated articles out."""
    G = actor_graph(store, evidence=True)
    assert G.nodes["person/donald-trump"]["first"] == "2025-02-25"
    assert G.nodes["person/donald-trump"]["last"] == "2025-03-07"
    dates = sorted(e["date"] for *_, d in G.edges(data=True) for e in d["evidence"])
    assert dates == ["", "2025-02-25", "2025-02-25", "2025-02-25", "2025-02-25", "2025-03-07"]
    march = actor_graph(store, since="2025-03", until="2025-03")
    assert [(u, v) for u, v, _ in march.edges] == [("person/emmanuel-macron", "person/donald-trump")]


def test_rdf_store_types_dates_and_queries_compare_them(tmp_path):
    with open_store(str(tmp_path / "store")) as st:
        st.load(graphs())
        check_rdf(st)


def test_sparql_server_types_dates_and_queries_compare_them():
    endpoint = os.environ.get("KG_SPARQL_ENDPOINT")
    if not endpoint:
        pytest.skip("KG_SPARQL_ENDPOINT is not set: no SPARQL server (scripts/run-tests starts one)")
    with open_store(endpoint) as st:
        st.query("DROP ALL", write=True)
        try:
            st.load(graphs())
            check_rdf(st)
        finally:
            st.query("DROP ALL", write=True)


@pytest.mark.neo4j
def test_neo4j_stores_dates_as_dates_and_cypher_compares_them(neo):
    neo.load(graphs())
    q = neo.query
    assert q('MATCH (a:Article) WHERE a.date >= date("2025-03-01") RETURN a.id').rows == [["mar"]]
    assert q("MATCH (a:Article {id: 'feb'}) RETURN valueType(a.date), valueType(a.publishedAt)").rows == [
        ["DATE NOT NULL", "ZONED DATETIME NOT NULL"]
    ]
    assert q("MATCH (a:Article {id: 'feb'}) RETURN a.publishedAt").rows[0][0].startswith("2025-02-25T10:30:00")
    assert q("MATCH (a:Article {id: 'undated'}) RETURN a.date").rows == [[None]]
    march = q(
        """MATCH (x:Assertion) WHERE x.eventEnd >= date("2025-03-01") AND x.eventStart <= date("2025-03-31")
           RETURN x.eventDate ORDER BY x.eventDate"""
    )
    assert march.rows == [["2025"], ["2025-03"], ["2025-W09"]]
    assert q("MATCH (x:Assertion {eventDate: '2025-W09'}) RETURN x.eventStart, x.eventEnd").rows == [
        ["2025-02-24", "2025-03-02"]
    ]
    rows = q(named("relations-with-evidence", "cypher")).dicts()
    assert sorted(r["date"] for r in rows if r["date"]) == ["2025", "2025-02-27", "2025-03", "2025-W09"]
    check_analysis(neo)


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_exports_keep_iso_strings(tmp_path, fmt):
    store = tmp_path / "store"
    with open_store(str(store)) as st:
        st.load(graphs())
    out = tmp_path / f"graph.{fmt}"
    r = CliRunner().invoke(main, ["export", "--store", str(store), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    if fmt == "json":
        nodes = {n["id"]: n for n in json.loads(out.read_text("utf-8"))["nodes"]}
    else:
        nodes = dict(nx.read_graphml(out).nodes(data=True))
    trump = nodes["person/donald-trump"]
    assert (trump["first"], trump["last"]) == ("2025-02-25", "2025-03-07")


def test_changes_counts_the_evidence_in_neither_window(tmp_path):
    from kg import api

    with open_store(str(tmp_path / "store")) as st:
        st.load(graphs())
    res = api.changes(store=tmp_path / "store", a_until="2025-02", b_since="2025-03")
    assert res.summary["undated_evidence"] == 1
    args = ["changes", "--store", str(tmp_path / "store"), "--a-until", "2025-02", "--b-since", "2025-03"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and "undated_evidence: 1" in r.stderr, r.output
    with pytest.raises(ValueError, match="not a date"):
        api.changes(store=tmp_path / "store", a_until="31/03/2025", b_since="2025-03")
    with pytest.raises(ValueError, match="not a date"):
        api.alliances(store=tmp_path / "store", since="yesterday")
