"""The embedded Oxigraph store on disk: load, idempotency, replacement, read-only queries, exports."""

import dataclasses

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.export import export
from kg.schema import ids, queries
from kg.stores import ReadOnlyError, open_store


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "s")) as st:
        yield st


def test_example_store_answers_sparql(example_store):
    with open_store(str(example_store), read_only=True) as st:
        s = st.stats()
        assert s["articles"] >= 12 and s["entities"] > 50 and s["relations"] > 50 and s["quotes"] > 20
        res = st.query(queries.with_prefixes(queries.named("positions-held")))
        rows = {(r["person"], r["office"]) for r in res.dicts()}
        assert ("John Healey", "Defence Secretary") in rows
        assert ("David Lammy", "Foreign Secretary") in rows


def test_one_named_graph_per_article(example_store, example_graphs):
    with open_store(str(example_store), read_only=True) as st:
        graphs = {str(g.value) for g in st.store.named_graphs()}
    # and the entities graph: each entity's one label and type
    assert graphs == {ids.graph_iri(g.article.id) for g in example_graphs[0]} | {ids.entities_graph_iri()}


def test_loading_twice_changes_nothing(store, example_graphs):
    graphs = example_graphs[0]
    first = store.load(graphs)
    n = len(store.store)
    second = store.load(graphs)
    assert first.articles_loaded == len(graphs)
    assert second.articles_loaded == 0 and second.articles_unchanged == len(graphs)
    assert len(store.store) == n
    quads_before = set(store.quads())
    store.load(graphs)
    assert set(store.quads()) == quads_before


def test_changed_article_replaces_only_its_own_graph(store, example_graphs, nlp):
    from kg.nlp.graph import doc_to_graph

    graphs = example_graphs[0][:3]
    store.load(graphs)
    target, _others = graphs[0], graphs[1:]
    own, eg = ids.graph_iri(target.article.id), ids.entities_graph_iri()
    other_quads = {q for q in store.quads() if q.graph_name.value not in (own, eg)}
    changed = dataclasses.replace(target.article, text="Russia attacked Ukraine. Keir Starmer criticised Russia.")
    new = doc_to_graph(nlp(changed.text), changed)
    stats = store.load([new])
    assert stats.articles_replaced == 1
    after_other = {q for q in store.quads() if q.graph_name.value not in (own, eg)}
    assert after_other == other_quads
    mine = [q for q in store.quads() if q.graph_name.value == own]
    names = {q.object.value for q in mine if q.predicate.value.endswith("#mentionedAs")}
    assert names == {"Russia", "Ukraine", "Keir Starmer"}
    # the entities graph labels exactly the entities the articles now name
    labelled = {
        q.subject.value for q in store.quads() if q.graph_name.value == eg and q.predicate.value.endswith("#label")
    }
    named = {ids.entity_iri(e.id) for g in [new, *graphs[1:]] for e in g.entities}
    assert labelled == named


def test_query_path_is_read_only(example_store):
    with open_store(str(example_store), read_only=True) as st:
        with pytest.raises(ReadOnlyError):
            st.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        with pytest.raises(ReadOnlyError):
            st.query("PREFIX x: <urn:x#>\nDELETE WHERE { ?s ?p ?o }")


def test_write_flag_allows_update(store):
    store.query("INSERT DATA { <urn:a> <urn:b> <urn:c> }", write=True)
    assert store.query("ASK { <urn:a> <urn:b> <urn:c> }").rows == [[True]]


@pytest.mark.parametrize("fmt,reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graph_exports_round_trip_in_networkx(example_store, tmp_path, fmt, reader):
    with open_store(str(example_store), read_only=True) as st:
        info = export(st, fmt, tmp_path / f"g.{fmt}")
    G = reader(tmp_path / f"g.{fmt}")
    assert G.number_of_nodes() == info["nodes"] > 50
    assert G.number_of_edges() == info["edges"] > 50


def test_json_export_has_nodes_and_edges(example_store, tmp_path):
    import json

    with open_store(str(example_store), read_only=True) as st:
        info = export(st, "json", tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert len(data["nodes"]) == info["nodes"] and len(data["edges"]) == info["edges"]
    assert {"predicate", "polarity", "weight"} <= set(data["edges"][0])


@pytest.mark.parametrize(
    "fmt,rdf_format",
    [
        ("ttl", ox.RdfFormat.TURTLE),
        ("nq", ox.RdfFormat.N_QUADS),
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("trig", ox.RdfFormat.TRIG),
    ],
)
def test_rdf_exports_parse_back(example_store, tmp_path, fmt, rdf_format):
    out = tmp_path / f"g.{fmt}"
    with open_store(str(example_store), read_only=True) as st:
        export(st, fmt, out)
        n_quads = len(st.store)
        n_triples = len({(q.subject, q.predicate, q.object) for q in st.quads()})
    parsed = list(ox.parse(path=str(out), format=rdf_format))
    assert len(parsed) == (n_quads if fmt in ("nq", "trig") else n_triples)


def test_hostile_names_round_trip(store, example_graphs):
    from kg.model import Article, ArticleGraph, Entity

    name = 'O"Brien <x> }) DETACH DELETE n // \n ünï ` {'
    eid = ids.entity_id(name, "Person")
    g = ArticleGraph(article=Article(id='weird id/<>"', text="x"), entities=[Entity(eid, name, "Person")])
    store.load([g])
    res = store.query(
        queries.with_prefixes("SELECT ?e ?id WHERE { ?e rdfs:label ?l ; kg:entityId ?id } "),
    )
    found = {r["id"]: r["e"] for r in res.dicts()}
    assert found[eid] == ids.entity_iri(eid)
    lit = ox.Literal(name)
    assert store.query(f"ASK {{ ?e <http://www.w3.org/2000/01/rdf-schema#label> {lit} }}").rows == [[True]]
