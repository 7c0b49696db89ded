"""The Neo4j store against a real server (started by `make test`, or NEO4J_URI=... with NEO4J_USER/NEO4J_PASSWORD).

Load, idempotency, replacement of a changed article, hostile text, the read-only
query path, named queries, and parity with the embedded store (same questions,
same answers). The database is wiped before each test.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation, write_jsonl
from kg.resolve import labels
from kg.schema import catalogue, ids, queries
from kg.stores import ReadOnlyError, StoreError, open_store

from helpers import HEALEY, HEALEY_FACTS, neo4j_snapshot, shared, wipe

pytestmark = pytest.mark.neo4j


# -- hand-made graphs --------------------------------------------------------------


def ent(name, type_="Person"):
    return Entity(ids.entity_id(name, type_), name, type_)


def rel(aid, s, pred, o, sentence, start=0, conf=0.8):
    return Relation(s.id, pred, o.id, Evidence(aid, sentence, start, start + len(sentence), "test", conf), conf)


STARMER, TRUMP = ent("Keir Starmer"), ent("Donald Trump")
RUSSIA, UKRAINE = ent("Russia", "GPE"), ent("Ukraine", "GPE")


def article_a(version=1) -> ArticleGraph:
    if version == 1:
        text = "Keir Starmer met Donald Trump. Russia attacked Ukraine."
        g = ArticleGraph(Article("a", text, title="A"), entities=[STARMER, TRUMP, RUSSIA, UKRAINE])
        g.relations = [
            rel("a", STARMER, "meets", TRUMP, "Keir Starmer met Donald Trump.", conf=0.9),
            rel("a", RUSSIA, "attacks", UKRAINE, "Russia attacked Ukraine.", 31),
        ]
        g.quotes = [Quote(STARMER.id, "We stand with Ukraine", "said", Evidence("a", "x", 60, 81), about=[UKRAINE.id])]
        return g
    text = "Keir Starmer met Donald Trump again. Keir Starmer criticised Russia."
    g = ArticleGraph(Article("a", text, title="A, updated"), entities=[STARMER, TRUMP, RUSSIA])
    g.relations = [
        rel("a", STARMER, "meets", TRUMP, "Keir Starmer met Donald Trump again.", conf=0.7),
        rel("a", STARMER, "criticises", RUSSIA, "Keir Starmer criticised Russia.", 37),
    ]
    return g


def article_b() -> ArticleGraph:
    text = "Donald Trump and Keir Starmer met in Washington."
    g = ArticleGraph(Article("b", text, title="B"), entities=[STARMER, TRUMP])
    g.relations = [rel("b", STARMER, "meets", TRUMP, text, conf=0.75)]
    g.quotes = [Quote(TRUMP.id, "A great meeting", "said", Evidence("b", "y", 10, 25))]
    return g


# -- load and schema --------------------------------------------------------------------


def test_constraints_come_from_the_cypher_file_and_name_catalogue_labels(neo):
    from kg.stores.neo4j.store import read_statements

    neo.ensure_schema()
    names = {r[0] for r in neo.query("SHOW CONSTRAINTS YIELD name RETURN name").rows}
    assert {"kg_entity_id", "kg_article_id", "kg_quote_id"} <= names
    cat = catalogue.load()
    text = " ".join(read_statements())
    assert f"(a:{cat.entity_type('Article').label})" in text and f"(q:{cat.entity_type('Quote').label})" in text


def test_example_corpus_loads_like_the_embedded_store(neo, example_graphs, example_store):
    graphs = example_graphs[0]
    stats = neo.load(graphs)
    assert stats.articles_loaded == len(graphs) and stats.records_written > 0
    with open_store(str(example_store), read_only=True) as emb:
        expected = emb.stats()
    got = neo.stats()
    for k in ("articles", "entities", "relations", "quotes"):
        assert got[k] == expected[k], k
    # labels are the catalogue's; every relationship type is declared in it
    cat = catalogue.load()
    labels = {lab for (ls,) in neo.query("MATCH (n) RETURN DISTINCT labels(n)").rows for lab in ls}
    assert labels <= {t.label for t in cat.entity_types.values()} | {"Entity", "Assertion"}
    for (t,) in neo.query("MATCH ()-[r]->() RETURN DISTINCT type(r)").rows:
        cat.by_label(t)
    # one aggregated relationship per (subject, type, object), evidence kept on Assertion nodes
    dup = neo.query("MATCH (s)-[r]->(o) WITH s, type(r) AS t, o, count(r) AS n WHERE n > 1 RETURN count(*)").rows
    assert dup == [[0]]
    ev = neo.query(
        "MATCH (p:Person {id: 'person/john-healey'})-[r:HOLDS_POSITION]->"
        "(o:Office {id: 'office/defence-secretary'}) "
        "MATCH (x:Assertion {subject: p.id, predicate: 'holds_position', object: o.id}) "
        "RETURN r.evidence AS n, r.articles AS arts, collect(x.article_id) AS xa, "
        "min(x.sentence) AS sentence, min(x.start) AS start"
    ).dicts()[0]
    assert ev["n"] == len(ev["xa"]) >= 1 and sorted(set(ev["xa"])) == ev["arts"]
    assert ev["sentence"] and ev["start"] >= 0


def test_loading_twice_changes_nothing(neo, example_graphs):
    graphs = example_graphs[0]
    neo.load(graphs)
    before, n_before = neo4j_snapshot(neo), neo.stats()
    second = neo.load(graphs)
    assert second.articles_loaded == 0 and second.articles_unchanged == len(graphs) and second.records_written == 0
    assert neo.stats() == n_before
    assert neo4j_snapshot(neo) == before


def test_batch_size_does_not_change_the_graph(neo, example_graphs):
    graphs = example_graphs[0][:5]
    neo.load(graphs, batch_size=1)  # one transaction per article
    small = neo4j_snapshot(neo)
    wipe(neo)
    neo.load(graphs)
    assert neo4j_snapshot(neo) == small


def test_changed_article_replaces_only_its_contributions(neo):
    neo.load([article_a(1), article_b()])
    b_evidence = neo.query("MATCH (x:Assertion {article_id: 'b'}) RETURN properties(x) AS p").rows
    b_quotes = neo.query("MATCH (q:Quote {article_id: 'b'}) RETURN properties(q) AS p").rows

    stats = neo.load([article_a(2)])
    assert stats.articles_replaced == 1 and stats.articles_loaded == 1

    # B's contributions are untouched
    assert neo.query("MATCH (x:Assertion {article_id: 'b'}) RETURN properties(x) AS p").rows == b_evidence
    assert neo.query("MATCH (q:Quote {article_id: 'b'}) RETURN properties(q) AS p").rows == b_quotes
    # the shared edge survives, recomputed from A's new evidence and B's
    meets = neo.query(
        "MATCH (:Person {id: $s})-[r:MEETS]->(:Person {id: $o}) RETURN properties(r)",
        params={"s": STARMER.id, "o": TRUMP.id},
    ).rows
    assert meets == [
        [
            {
                "key": f"{STARMER.id} meets {TRUMP.id}",
                "evidence": 2,
                "confidence": 0.75,
                "articles": ["a", "b"],
                "articleEvidence": [1, 1],
                "articleConfidence": [0.7, 0.75],
            }
        ]
    ]
    # what only A's old version said is gone: the attack, Ukraine, A's old quote
    assert neo.query("MATCH ()-[r:ATTACKS]->() RETURN count(r)").rows == [[0]]
    assert neo.query("MATCH (e:Entity {id: $id}) RETURN count(e)", params={"id": UKRAINE.id}).rows == [[0]]
    assert neo.query("MATCH (q:Quote {article_id: 'a'}) RETURN count(q)").rows == [[0]]
    assert neo.query(
        "MATCH (:Person)-[r:CRITICISES]->(:GPE {id: $id}) RETURN r.articles", params={"id": RUSSIA.id}
    ).rows == [[["a"]]]
    assert neo.query("MATCH (a:Article {id: 'a'}) RETURN a.title").rows == [["A, updated"]]

    # the result is exactly a fresh load of the current versions
    replaced = neo4j_snapshot(neo)
    wipe(neo)
    neo.load([article_b(), article_a(2)])
    assert neo4j_snapshot(neo) == replaced


def test_replacing_the_only_supporter_removes_the_edge(neo):
    neo.load([article_a(1)])
    neo.load([article_a(2)])
    neo.load([article_a(1)])  # and back: same as loading version 1 alone
    back = neo4j_snapshot(neo)
    wipe(neo)
    neo.load([article_a(1)])
    assert neo4j_snapshot(neo) == back


HOSTILE = [
    'O\'Brien `x` "quoted"',
    "}) DETACH DELETE n //",
    "{curly} $param",
    "line one\nline two",
    "`Entity`) MATCH (m) DETACH DELETE m //",
    "ünï\tcödé \\ back\\slash",
]


def test_hostile_text_is_stored_literally_and_changes_nothing_else(neo):
    neo.query("CREATE (:Sentinel {id: 'keep me'})", write=True)
    people = [ent(n) for n in HOSTILE]
    aid = "weird `id` }) DETACH DELETE n // \n"
    sentence = HOSTILE[1] + " met " + HOSTILE[0]
    g = ArticleGraph(Article(aid, "\n".join(HOSTILE), title=HOSTILE[3], url="http://x/?q='`"), entities=people)
    g.relations = [rel(aid, people[i], "meets", people[i + 1], sentence) for i in range(len(people) - 1)]
    g.quotes = [Quote(people[1].id, HOSTILE[4], HOSTILE[2], Evidence(aid, sentence, 0, 10), about=[people[0].id])]
    neo.load([g])

    names = {r[0] for r in neo.query("MATCH (e:Entity) RETURN e.name").rows}
    assert names == set(HOSTILE)
    assert neo.query("MATCH (s:Sentinel) RETURN s.id").rows == [["keep me"]]
    assert neo.query("MATCH (a:Article) RETURN a.id, a.title").rows == [[aid, HOSTILE[3]]]
    assert neo.query("MATCH (q:Quote) RETURN q.text, q.cue").rows == [[HOSTILE[4], HOSTILE[2]]]
    assert {r[0] for r in neo.query("MATCH (x:Assertion) RETURN x.sentence").rows} == {sentence}
    n = len(HOSTILE)
    assert neo.stats() == {
        "articles": 1,
        "entities": n,
        "relations": n - 1,
        "quotes": 1,
        "nodes": 1 + n + (n - 1) + 1 + 1,
        "relationships": n + (n - 1) + 3 + 3 * (n - 1),
    }  # MENTIONS, MEETS, QUOTED_IN + SAID + ABOUT, each assertion's SUBJECT + OBJECT + IN_ARTICLE
    # a query for one of them by parameter finds exactly it
    got = neo.query("MATCH (e:Entity {name: $n}) RETURN e.id", params={"n": HOSTILE[1]}).rows
    assert got == [[ids.entity_id(HOSTILE[1], "Person")]]
    # and loading it again changes nothing
    before = neo4j_snapshot(neo)
    assert neo.load([g]).articles_unchanged == 1
    assert neo4j_snapshot(neo) == before


def test_labels_outside_plain_identifiers_are_refused():
    from kg.stores.neo4j.rows import label

    assert label("Person") == "Person" and label("HOLDS_POSITION", rel=True) == "HOLDS_POSITION"
    for bad in ("Person`) DETACH DELETE n //", "A B", "", "1X", "x-y"):
        with pytest.raises(StoreError):
            label(bad)
    with pytest.raises(StoreError):
        label("holds_position", rel=True)


# -- querying ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (:X {a: 1})",
        "MATCH (n) DETACH DELETE n",
        "MATCH (n:Entity) SET n.name = 'x'",
        "CALL { CREATE (:X) } RETURN 1 AS one",
        "CREATE INDEX x_a IF NOT EXISTS FOR (n:X) ON (n.a)",
        "MERGE (x:X {a: 1}) RETURN x",
    ],
)
def test_read_only_query_path_refuses_writes(neo, cypher):
    neo.load([article_b()])
    before = neo4j_snapshot(neo)
    with pytest.raises(ReadOnlyError):
        neo.query(cypher)
    assert neo4j_snapshot(neo) == before
    assert neo.query("SHOW INDEXES YIELD name WHERE name = 'x_a' RETURN name").rows == []


def test_write_flag_allows_writes(neo):
    neo.query("CREATE (:X {a: $a})", write=True, params={"a": 1})
    assert neo.query("MATCH (x:X) RETURN x.a").rows == [[1]]


def test_cli_cypher_read_only_and_write(neo, neo4j_uri):
    neo.load([article_b()])
    r = CliRunner().invoke(main, ["query", "--neo4j", neo4j_uri, "--cypher", "MATCH (n) DETACH DELETE n"])
    assert r.exit_code == 1 and "refused" in r.stderr and "--write" in r.stderr and "Traceback" not in r.output
    assert neo.stats()["articles"] == 1
    r = CliRunner().invoke(main, ["query", "--neo4j", neo4j_uri, "--write", "--cypher", "CREATE (:X {a: 1})"])
    assert r.exit_code == 0, r.output
    for fmt in ("--json", "--csv", "--table"):
        r = CliRunner().invoke(
            main,
            ["query", "--neo4j", neo4j_uri, fmt, "--cypher", "MATCH (p:Person) RETURN p.name AS name ORDER BY name"],
        )
        assert r.exit_code == 0 and "Keir Starmer" in r.output
    assert json.loads(
        CliRunner()
        .invoke(
            main,
            [
                "query",
                "--neo4j",
                neo4j_uri,
                "--json",
                "--cypher",
                "MATCH (p:Person) RETURN p.name AS name ORDER BY name",
            ],
        )
        .output
    ) == [{"name": "Donald Trump"}, {"name": "Keir Starmer"}]


def test_named_queries_have_the_columns_of_the_sparql_ones(neo, example_graphs, example_store, neo4j_uri):
    neo.load(example_graphs[0])
    assert queries.names("cypher") == queries.names("rq")
    for name in queries.names("cypher"):
        res = neo.query(queries.named(name, "cypher"))
        assert res.columns == _sparql(example_store, name).columns, name
        assert res.rows, name
    r = CliRunner().invoke(main, ["query", "--neo4j", neo4j_uri, "--name", "positions-held", "--json"])
    assert r.exit_code == 0, r.output
    assert {"person": "Emmanuel Macron", "office": "President of France", "articles": 6} in json.loads(r.output)
    r = CliRunner().invoke(main, ["query", "--neo4j", neo4j_uri, "--name", "no-such-query"])
    assert r.exit_code == 1 and "no named query" in r.stderr


# -- parity with the embedded store -------------------------------------------------


def _sparql(store_path, name):
    with open_store(str(store_path), read_only=True) as emb:
        return emb.query(queries.with_prefixes(queries.named(name)))


def test_parity_positions_held(neo, example_graphs, example_store):
    neo.load(example_graphs[0])
    cypher = {tuple(r) for r in neo.query(queries.named("positions-held", "cypher")).rows}
    sparql = {tuple(r) for r in _sparql(example_store, "positions-held").rows}
    assert cypher == sparql and ("Emmanuel Macron", "President of France", 6) in cypher


def test_parity_who_met_whom(neo, example_graphs, example_store):
    neo.load(example_graphs[0])
    cypher = neo.query(queries.named("who-met-whom", "cypher")).rows
    sparql = _sparql(example_store, "who-met-whom").rows
    assert cypher == sparql
    # and the evidence counts are those of the ArticleGraphs, under the name most articles give each entity
    given: dict[str, Counter] = {}
    for g in example_graphs[0]:
        for e in g.entities:
            given.setdefault(e.id, Counter())[e.name] += 1
    names = {eid: labels.canonical(c) for eid, c in given.items()}
    truth = Counter(
        (names[r.subject], r.predicate, names[r.object])
        for g in example_graphs[0]
        for r in g.relations
        if r.predicate in ("meets", "negotiates_with", "visits")
    )
    assert {tuple(r[:3]): r[3] for r in cypher} == dict(truth)


@pytest.fixture(scope="module")
def healey_graph(nlp):
    shared("articles/healey-us-backstop.txt")
    from kg import readers as read
    from kg.nlp.graph import doc_to_graph

    (article,) = list(read.read([str(HEALEY)]))
    return doc_to_graph(nlp(article.text), article)


def test_parity_healey_golden_facts(neo, healey_graph, tmp_path):
    neo.load([healey_graph])
    cat = catalogue.load()
    with open_store(str(tmp_path / "emb")) as emb:
        emb.load([healey_graph])
        sparql_facts = {
            tuple(r)
            for r in emb.query(
                queries.with_prefixes("""
            SELECT DISTINCT ?s ?p ?o WHERE { ?x a kg:Assertion ; rdf:subject ?se ; rdf:predicate ?p ; rdf:object ?oe .
            ?se kg:entityId ?s . ?oe kg:entityId ?o }""")
            ).rows
        }
        sparql_quotes = {
            r[0]
            for r in emb.query(
                queries.with_prefixes(
                    "SELECT DISTINCT ?t WHERE { ?s kg:entityId 'person/john-healey' ; kg:said ?q . ?q schema:text ?t }"
                )
            ).rows
        }
    by_prop = {cat.expand(r.rdf): name for name, r in cat.relations.items()}
    sparql_facts = {(s, by_prop[p], o) for s, p, o in sparql_facts}
    cypher_facts = {
        (s, cat.by_label(t).name, o)
        for s, t, o in neo.query("MATCH (s:Entity)-[r]->(o:Entity) RETURN s.id, type(r), o.id").rows
    }
    assert cypher_facts == sparql_facts
    for fact in HEALEY_FACTS:
        s, p, o = fact
        assert fact in cypher_facts
        hit = neo.query(
            f"MATCH (:Entity {{id: $s}})-[r:{cat.relation(p).label}]->(:Entity {{id: $o}}) "
            "MATCH (x:Assertion {subject: $s, predicate: $p, object: $o}) RETURN x.sentence, x.start, "
            "x.end",
            params={"s": s, "p": p, "o": o},
        ).rows
        assert hit and all(sent and 0 <= a < b for sent, a, b in hit)
    cypher_quotes = {
        r[0] for r in neo.query("MATCH (:Person {id: 'person/john-healey'})-[:SAID]->(q:Quote) RETURN q.text").rows
    }
    assert cypher_quotes == sparql_quotes and any("We must rearm Britain" in q for q in cypher_quotes)


# -- CLI load / build ---------------------------------------------------------------


def test_cli_load_and_build_into_neo4j(neo, neo4j_uri, example_graphs, tmp_path):
    jsonl = tmp_path / "out.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        write_jsonl(example_graphs[0][:3], fh)
    r = CliRunner().invoke(main, ["load", str(jsonl), "--neo4j", neo4j_uri, "--batch-size", "50"])
    assert r.exit_code == 0, r.output
    assert "loaded 3" in r.stderr and neo.stats()["articles"] == 3
    r = CliRunner().invoke(main, ["load", str(jsonl), "--neo4j", neo4j_uri])
    assert "loaded 0 unchanged 3" in r.stderr

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Ministers meet\n\nKeir Starmer met Emmanuel Macron in Paris on Monday.")
    r = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "--neo4j", neo4j_uri])
    assert r.exit_code == 0, r.output
    assert neo.stats()["articles"] == 4
    assert neo.query(
        "MATCH (:Person {name: 'Keir Starmer'})-[r:MEETS]-(:Person {name: 'Emmanuel Macron'}) RETURN count(r)"
    ).rows == [[1]]


def test_transient_failures_are_retried_a_bounded_number_of_times(neo, monkeypatch):
    from neo4j.exceptions import ServiceUnavailable

    from kg.stores.neo4j import store as mod

    calls = []

    def flaky(tx, rows):
        calls.append(1)
        raise ServiceUnavailable("simulated")

    neo.max_attempts = 2
    monkeypatch.setattr(mod, "_write_rows", flaky)
    with pytest.raises(StoreError, match="after 2 attempts"):
        neo.load([article_b()])
    assert len(calls) == 2
    assert neo.stats()["articles"] == 0


# -- without a server -------------------------------------------------------------------


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", "http://127.0.0.1:7474", "bolt://nohost.invalid:7687"])
def test_connection_failure_is_one_line_naming_the_uri(uri, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-do-not-print")
    r = CliRunner().invoke(main, ["query", "--neo4j", uri, "--cypher", "RETURN 1"])
    assert r.exit_code == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: cannot connect to Neo4j at " + uri)
    assert "s3cret" not in r.output and "Traceback" not in r.output
