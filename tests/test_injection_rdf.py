"""Injection through the RDF side: hostile article ids, titles, dates, urls, names,
aliases, sentences and quotes go into the embedded Oxigraph store and come back equal; IRIs are
escaped; and the query path never writes.

tests/test_rdf.py already shows hostile *names* round-tripping through every RDF syntax and a
SPARQL label lookup; here every field of an ArticleGraph is checked, on an on-disk store, and read
back with the value as a *bound* variable (pyoxigraph ``substitutions``, SEP-0007), never spliced
into the query text.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import dates
from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation
from kg.schema import catalogue, ids
from kg.stores import open_store
from kg.stores import rdf as rdfterms
from kg.stores.base import ReadOnlyError, StoreError

CAT = catalogue.load()
KG = CAT.namespaces["kg"]
X = CAT.expand
FUNNY = [
    '"',
    "'",
    "`",
    "\\",
    "{",
    "}",
    "<",
    ">",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x7f",
    "\u2028",
    "\ufeff",
    "\u202e",
    "%",
    "%25",
    "#",
    "?",
    "/",
    "../",
    ":",
    "@",
    "&",
    "=",
    "+",
    " ",
    "\u00a0",
    "\U0001f600",
    "e\u0301",
    "'''",
    '"""',
    "^^<http://x>",
    "@en",
    '" . <a> <b> <c> . "',
    "} ; DROP ALL ; #",
    "}) DETACH DELETE n //",
    "INSERT DATA { <a> <b> <c> }",
    "$x",
    "?x",
    "_:b",
    "\\u0022",
    "\\n",
]
# any characters but lone surrogates (the reader replaces those: see kg.readers), plus the ones above
hostile = st.lists(
    st.one_of(st.sampled_from(FUNNY), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=5)),
    min_size=1,
    max_size=6,
).map("".join)
nonblank = hostile.filter(lambda s: s.strip())


def _graph(
    aid: str,
    title: str | None,
    date: str | None,
    url: str | None,
    names: list[str],
    aliases: list[str],
    sentence: str,
    quote: str,
) -> ArticleGraph:
    article = Article(id=aid, text=f"{sentence} {quote}", title=title, date=date, url=url, source=f"{aid}:1")
    ents = list(
        {e.id: e for e in (Entity(f"person/{n}", n, "Person", aliases=sorted(set(aliases))) for n in names)}.values()
    )
    ev = Evidence(aid, sentence, 0, len(sentence), "test", 0.5)
    rels = [Relation(ents[0].id, "meets", e.id, ev, 0.5) for e in ents[1:]]
    quotes = [Quote(ents[0].id, quote, "say", ev, about=[e.id for e in ents[1:]])]
    return ArticleGraph(article, ents, [], rels, quotes)


def _select(store, columns: str, where: str, **bound) -> list[dict[str, str]]:
    """``SELECT columns WHERE where`` with each keyword a variable bound to a term, never written
    into the query text (a bound variable must be projected, so it is, and then left out)."""
    subs = {ox.Variable(k): v for k, v in bound.items()}
    query = f"SELECT {columns} {' '.join('?' + k for k in bound)} WHERE {{ {where} }}"
    res = store.store.query(query, substitutions=subs, use_default_graph_as_union=True)
    keep = [v for v in res.variables if v.value not in bound]
    return [{v.value: (s[v].value if s[v] is not None else None) for v in keep} for s in res]


@pytest.fixture(scope="module")
def disk_store(tmp_path_factory):
    with open_store(str(tmp_path_factory.mktemp("inj") / "store")) as store:
        yield store


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    aid=nonblank,
    title=st.none() | hostile,
    date=st.none() | hostile,
    url=st.none() | hostile,
    names=st.lists(nonblank, min_size=1, max_size=3),
    aliases=st.lists(hostile, max_size=3),
    sentence=hostile,
    quote=hostile,
)
def test_every_field_reads_back_equal_by_bound_lookup(
    disk_store, aid, title, date, url, names, aliases, sentence, quote
):
    g = _graph(aid, title, date, url, names, aliases, sentence, quote)
    # an id seen in an earlier example: start afresh (an unchanged text and title would keep the old date)
    disk_store.store.remove_graph(ox.NamedNode(ids.graph_iri(aid)))
    assert disk_store.load([g]).articles_loaded == 1
    _check_round_trip(disk_store, g)


def _check_round_trip(store, g: ArticleGraph) -> None:
    aid, title, date, url = g.article.id, g.article.title, g.article.date, g.article.url
    day = dates.day_of(date)  # dates are typed: a date that is no date is not stored
    quote, sentence = g.quotes[0].text, g.quotes[0].evidence.sentence
    graph = ox.NamedNode(ids.graph_iri(aid))
    art = ox.NamedNode(ids.article_iri(aid))

    # the article, found by its id as a bound literal, inside its own named graph
    rows = _select(
        store,
        "?a ?title ?date ?url ?source",
        f"""GRAPH ?g {{
        ?a <{KG}articleId> ?id ; <{KG}source> ?source .
        OPTIONAL {{ ?a <{X("schema:headline")}> ?title }} OPTIONAL {{ ?a <{X("schema:datePublished")}> ?date }}
        OPTIONAL {{ ?a <{X("schema:url")}> ?url }} }}""",
        g=graph,
        id=ox.Literal(aid),
    )
    assert rows == [
        {
            "a": art.value,
            "title": title or None,
            "date": day and day.isoformat(),
            "url": url or None,
            "source": f"{aid}:1",
        }
    ]

    # each entity, found by its name; its aliases
    for e in g.entities:
        rows = _select(
            store,
            "?e ?id",
            f"GRAPH ?g {{ ?e <{KG}mentionedAs> ?name ; <{KG}entityId> ?id }}",
            g=graph,
            name=ox.Literal(e.name),
        )
        assert rows == [{"e": ids.entity_iri(e.id), "id": e.id}]
        rows = _select(
            store,
            "?alias",
            f"GRAPH ?g {{ ?e <{X('skos:altLabel')}> ?alias }}",
            g=graph,
            e=ox.NamedNode(ids.entity_iri(e.id)),
        )
        assert sorted(r["alias"] for r in rows) == e.aliases

    # the quote and the evidence sentence, found by their text
    said = rdfterms.terms().props["said"].value
    rows = _select(
        store,
        "?q ?speaker",
        f"GRAPH ?g {{ ?q <{X('schema:text')}> ?text ; <{KG}sentence> ?s . ?speaker <{said}> ?q }}",
        g=graph,
        text=ox.Literal(quote),
        s=ox.Literal(sentence),
    )
    assert [r["speaker"] for r in rows] == [ids.entity_iri(g.entities[0].id)]
    rows = _select(
        store, "?r", f"GRAPH ?g {{ ?r <{KG}sentence> ?s ; a <{KG}Assertion> }}", g=graph, s=ox.Literal(sentence)
    )
    assert len(rows) == len(g.relations)

    # the ledger of hashes sees the article under its exact id
    assert store.article_hashes()[aid] == g.article.hash


_IRI_SAFE = re.compile(r"[A-Za-z0-9\-._~%/]*")


@settings(max_examples=300, deadline=None)
@given(a=hostile, b=hostile)
def test_iris_are_escaped_and_injective(a, b):
    for make, prefix in ((ids.article_iri, "article/"), (ids.graph_iri, "graph/"), (ids.entity_iri, "id/")):
        iri_a = make(a)
        local = iri_a[len(ids.DEFAULT_BASE + prefix) :]
        assert _IRI_SAFE.fullmatch(local), iri_a  # nothing that could end an IRI or start a new term
        assert unquote(local, errors="strict") == a  # percent-encoding loses nothing
        ox.NamedNode(iri_a)  # a valid IRI for the store
        assert (make(a) == make(b)) == (a == b)  # two ids never share an IRI
        if make is not ids.entity_iri:  # entity ids are "type/slug": their "/" stays a path separator
            assert "/" not in local
    assert ids.assertion_iri(a, "k").startswith(ids.graph_iri(a).replace("/graph/", "/assertion/") + "/")


# --------------------------------------------------------------------------- #
# the query path is read-only unless --write

# "§" stands for a graph IRI (filled in after any change of case)
_UPDATES = [
    'INSERT DATA { GRAPH <§> { <urn:x:s> <urn:x:p> "o" } }',
    "DELETE WHERE { ?s ?p ?o }",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CLEAR ALL",
    "DROP GRAPH <§>",
    "CREATE GRAPH <§>",
    "LOAD <file:///etc/passwd>",
    "ADD DEFAULT TO <§>",
    "COPY DEFAULT TO <§>",
    "MOVE DEFAULT TO <§>",
    "WITH <§> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "INSERT { GRAPH <§> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
]
_PREAMBLES = [
    "",
    "PREFIX kg: <https://kg.example.org/ns#>\n",
    "# a comment\n",
    "  \n\t",
    "BASE <http://x/>\n",
    "PREFIX a: <urn:a:> ",
    "#\n#\n",
    "\ufeff",
    "SELECT * WHERE { ?s ?p ?o } ;\n",
    "prefix x: <y:>\n",
]
update = st.builds(
    lambda pre, u, case, sep: pre + sep.join((u.swapcase() if case else u).split(" ")),
    st.sampled_from(_PREAMBLES),
    st.sampled_from(_UPDATES),
    st.booleans(),
    st.sampled_from([" ", "\n", "\t", "  "]),
)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory, example_graphs):
    path = tmp_path_factory.mktemp("ro") / "store"
    with open_store(str(path)) as store:
        store.load(example_graphs[0][:3])
    return path


@pytest.fixture(scope="module")
def mem_store(example_graphs):
    """The same OxigraphStore code on an in-memory store (opening the disk store per example is slow)."""
    with open_store(":memory:") as store:
        store.load(example_graphs[0][:3])
        yield store


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=update, g=st.sampled_from(["urn:x:g", "https://kg.example.org/graph/x"]))
def test_no_update_runs_on_the_embedded_query_path(mem_store, template, g):
    text = template.replace("§", g)
    before = set(mem_store.quads())
    with pytest.raises(StoreError):  # ReadOnlyError, or a syntax error: never run
        mem_store.query(text)
    assert set(mem_store.quads()) == before


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=80) | st.builds(lambda a, b: a + b, st.sampled_from(_UPDATES), st.text(max_size=20)))
def test_arbitrary_query_text_never_writes(mem_store, text):
    before = len(mem_store.store)
    with contextlib.suppress(StoreError):
        mem_store.query(text.replace("§", "urn:x:g"))
    assert len(mem_store.store) == before


def test_cli_query_refuses_updates_and_writes_only_with_write(small_store):
    from kg.cli import main

    runner = CliRunner()
    insert = 'INSERT DATA { GRAPH <urn:x:cli> { <urn:x:s> <urn:x:p> "o" } }'
    ask = "ASK { GRAPH <urn:x:cli> { ?s ?p ?o } }"
    for text in (insert, "# hidden\n" + insert.lower(), "PREFIX kg: <https://kg.example.org/ns#>\n" + insert):
        res = runner.invoke(main, ["query", "--store", str(small_store), "--sparql", text])
        assert res.exit_code == 1 and "refused" in res.stderr and "--write" in res.stderr, res.output
        assert "Traceback" not in res.output
    assert json.loads(runner.invoke(main, ["query", "--store", str(small_store), "--json", ask]).stdout) == [
        {"answer": False}
    ]
    res = runner.invoke(main, ["query", "--store", str(small_store), "--write", "--sparql", insert])
    assert res.exit_code == 0, res.output
    assert json.loads(runner.invoke(main, ["query", "--store", str(small_store), "--json", ask]).stdout) == [
        {"answer": True}
    ]
    with open_store(str(small_store)) as store:  # leave the module's store as it was
        store.store.remove_graph(ox.NamedNode("urn:x:cli"))


def test_read_only_error_is_a_store_error():
    assert issubclass(ReadOnlyError, StoreError)


@pytest.mark.sparql_server
@settings(max_examples=30, deadline=None)
@given(pre=st.sampled_from(_PREAMBLES), case=st.booleans())
def test_no_update_runs_on_the_remote_query_path(pre, case):
    """Against the shared SPARQL server: only INSERT DATA into a graph of this test's own, so that
    even a failure cannot touch anyone else's data."""
    endpoint = os.environ.get("KG_SPARQL_ENDPOINT")
    if not endpoint:
        pytest.skip("KG_SPARQL_ENDPOINT not set (make test starts a server)")
    g = f"urn:kg-test:injection:{uuid.uuid4()}"
    insert = f'INSERT DATA {{ GRAPH <{g}> {{ <urn:x:s> <urn:x:p> "o" }} }}'
    text = pre + (insert.swapcase().replace(g.swapcase(), g) if case else insert)
    with open_store(endpoint) as store:
        try:
            with pytest.raises(StoreError):
                store.query(text)
            assert store.query(f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").rows == [[False]]
        finally:
            store.query(f"DROP SILENT GRAPH <{g}>", write=True)
