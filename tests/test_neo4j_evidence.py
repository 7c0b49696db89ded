"""The evidence as a graph in Neo4j (a real server, as in test_neo4j.py): assertions linked to their
subject, object and article, aggregated relationships found from their key, the indexes users match
on, and analysis results written onto the nodes by ``kg analyse --write``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg import api
from kg.cli import main
from kg.model import Article, ArticleGraph, Entity, Evidence, Relation
from kg.schema import ids

from helpers import neo4j_snapshot, wipe

pytestmark = pytest.mark.neo4j


def _ent(name, type_="Person", aliases=()):
    return Entity(ids.entity_id(name, type_), name, type_, list(aliases))


STARMER, TRUMP = _ent("Keir Starmer", aliases=["Starmer"]), _ent("Donald Trump", aliases=["Trump"])
MACRON = _ent("Emmanuel Macron", aliases=["Macron"])


def _meeting(aid: str, title: str, pairs, date="2025-03-01") -> ArticleGraph:
    text = " ".join(f"{s.name} met {o.name}." for s, o in pairs)
    g = ArticleGraph(Article(aid, text, title=title, date=date, url=f"https://news.example/{aid}"))
    g.entities = list({e.id: e for pair in pairs for e in pair}.values())
    at = 0
    for s, o in pairs:
        sentence = f"{s.name} met {o.name}."
        g.relations.append(Relation(s.id, "meets", o.id, Evidence(aid, sentence, at, at + len(sentence), "test"), 0.8))
        at += len(sentence) + 1
    return g


EVIDENCE = """MATCH (s:Entity {id: $s})-[r:MEETS]->(o:Entity {id: $o})
MATCH (x:Assertion {key: r.key})-[:IN_ARTICLE]->(a:Article)
MATCH (x)-[:SUBJECT]->(xs), (x)-[:OBJECT]->(xo)
RETURN a.id AS article, a.title AS title, a.url AS url, x.sentence AS sentence, xs.id AS s, xo.id AS o
ORDER BY article, sentence"""


def _evidence(neo, s, o):
    return neo.query(EVIDENCE, params={"s": s.id, "o": o.id}).dicts()


def test_an_aggregated_relationship_leads_to_its_sentences_and_articles(neo):
    neo.load([_meeting("a", "A", [(STARMER, TRUMP)]), _meeting("b", "B", [(STARMER, TRUMP), (STARMER, MACRON)])])
    got = _evidence(neo, STARMER, TRUMP)
    assert [(r["article"], r["title"], r["url"]) for r in got] == [
        ("a", "A", "https://news.example/a"),
        ("b", "B", "https://news.example/b"),
    ]
    assert {(r["s"], r["o"], r["sentence"]) for r in got} == {(STARMER.id, TRUMP.id, "Keir Starmer met Donald Trump.")}
    # the key is the relationship's, and its articles are exactly those its assertions are in
    (r,) = neo.query(
        "MATCH (:Entity {id: $s})-[r:MEETS]->(:Entity {id: $o}) RETURN r.key AS key, r.articles AS articles",
        params={"s": STARMER.id, "o": TRUMP.id},
    ).dicts()
    assert r == {"key": f"{STARMER.id} meets {TRUMP.id}", "articles": ["a", "b"]}
    # every assertion has exactly one subject, object and article, and they agree with its properties
    bad = neo.query(
        """MATCH (x:Assertion)
        OPTIONAL MATCH (x)-[:SUBJECT]->(s) OPTIONAL MATCH (x)-[:OBJECT]->(o) OPTIONAL MATCH (x)-[:IN_ARTICLE]->(a)
        WITH x, collect(DISTINCT s.id) AS s, collect(DISTINCT o.id) AS o, collect(DISTINCT a.id) AS a
        WHERE s <> [x.subject] OR o <> [x.object] OR a <> [x.article_id] RETURN x.id"""
    ).rows
    assert bad == [] and neo.stats()["relations"] == 3


def test_a_changed_article_replaces_only_its_own_evidence_links(neo):
    neo.load([_meeting("a", "A", [(STARMER, TRUMP)]), _meeting("b", "B", [(STARMER, TRUMP)])])
    neo.load([_meeting("a", "A, updated", [(STARMER, MACRON)])])
    assert [(r["article"], r["title"]) for r in _evidence(neo, STARMER, TRUMP)] == [("b", "B")]
    assert [(r["article"], r["title"]) for r in _evidence(neo, STARMER, MACRON)] == [("a", "A, updated")]
    # no assertion is left without its article; the result is a fresh load of the current versions
    assert neo.query("MATCH (x:Assertion) WHERE NOT (x)-[:IN_ARTICLE]->() RETURN count(x)").rows == [[0]]
    replaced = neo4j_snapshot(neo)
    wipe(neo)
    neo.load([_meeting("b", "B", [(STARMER, TRUMP)]), _meeting("a", "A, updated", [(STARMER, MACRON)])])
    assert neo4j_snapshot(neo) == replaced


def test_names_aliases_and_evidence_keys_are_indexed(neo):
    neo.load([_meeting("a", "A", [(STARMER, TRUMP)])])
    indexes = {r["name"]: r for r in neo.query("SHOW INDEXES YIELD name, type, labelsOrTypes, properties").dicts()}
    assert indexes["kg_entity_name"]["properties"] == ["name"]
    assert indexes["kg_entity_names"]["type"] == "FULLTEXT"
    assert indexes["kg_entity_names"]["properties"] == ["name", "aliases"]
    assert indexes["kg_assertion_key"]["properties"] == ["key"]
    plan = neo.query(
        "EXPLAIN MATCH (x:Assertion {key: $k}) RETURN x", params={"k": f"{STARMER.id} meets {TRUMP.id}"}
    ).columns
    assert plan == ["x"]


def test_analyse_write_puts_aliases_bloc_and_pagerank_on_the_nodes(neo, neo4j_uri, example_graphs):
    neo.load(example_graphs[0])
    loaded = neo4j_snapshot(neo)
    res = CliRunner().invoke(main, ["analyse", "--store", neo4j_uri, "--write", "--json", "--top", "5"])
    assert res.exit_code == 0, res.output
    top = json.loads(res.stdout)
    assert len(top) == 5 and top[0]["pagerank"] >= top[-1]["pagerank"] > 0
    assert "wrote the properties of" in res.stderr
    rows = neo.query(
        """MATCH (e:Entity {id: 'person/keir-starmer'})
        RETURN e.aliases AS aliases, e.bloc AS bloc, e.pagerank AS pagerank, e.degree AS degree"""
    ).dicts()
    assert rows[0]["aliases"] == ["Starmer"] and rows[0]["bloc"] >= 0 and rows[0]["pagerank"] > 0
    assert rows[0]["degree"] >= 3
    # the numbers on the nodes are the analysis's own
    table = {r[0]: r for r in api.analyse(store=neo4j_uri).rows}
    pr = dict(neo.query("MATCH (e:Entity) WHERE e.pagerank IS NOT NULL RETURN e.id, e.pagerank").rows)
    assert pr == {k: r[6] for k, r in table.items()}
    # the full-text index finds an actor by an alias written there
    hits = neo.query(
        "CALL db.index.fulltext.queryNodes('kg_entity_names', 'Starmer') YIELD node RETURN node.id AS id"
    ).rows
    assert ["person/keir-starmer"] in hits
    # writing again changes nothing, and a reload of the same articles keeps the written properties
    written = neo4j_snapshot(neo)
    assert written != loaded
    api.analyse(store=neo4j_uri, write=True)
    assert neo.load(example_graphs[0]).articles_unchanged == len(example_graphs[0])
    assert neo4j_snapshot(neo) == written


def test_analyse_write_needs_a_neo4j_store(example_store):
    res = CliRunner().invoke(main, ["analyse", "--store", str(example_store), "--write"])
    assert res.exit_code == 1 and "use a Neo4j store" in res.stderr and "Traceback" not in res.output
    res = CliRunner().invoke(main, ["analyse", "--store", str(example_store), "--csv", "--top", "3"])
    assert res.exit_code == 0 and res.stdout.splitlines()[0].startswith("id,name,type,aliases,bloc")
