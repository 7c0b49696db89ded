"""RDF done properly: the generated ontology, SHACL conformance of every example
graph, hostile names through every RDF syntax and SPARQL, per-article named
graph replacement, JSON-LD export."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.model import MODALITIES, Article, ArticleGraph, Entity, Evidence, Quote, Relation
from kg.resources import SCHEMAS
from kg.schema import catalogue, ids, ontology
from kg.stores import open_store
from kg.stores import rdf as rdfterms

from helpers import hostile_graph, hostile_name

RDF = rdflib.RDF
OWL = rdflib.OWL
RDFS = rdflib.RDFS
CAT = catalogue.load()
KG = rdflib.Namespace(CAT.namespaces["kg"])
SCHEMA = rdflib.Namespace(CAT.namespaces["schema"])
ORG = rdflib.Namespace(CAT.namespaces["org"])


def _curie(c: str) -> rdflib.URIRef:
    return rdflib.URIRef(CAT.expand(c))


def _graph(quads) -> rdflib.Graph:
    """The triples of some pyoxigraph quads as an rdflib Graph (via N-Triples)."""
    data = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


# ------------------------------------------------------------------ ontology


def test_committed_ontology_and_context_are_generated_from_the_catalogue():
    assert (SCHEMAS / "kg.ttl").read_text("utf-8") == ontology.turtle(), "run `python -m kg.schema.ontology`"
    assert (SCHEMAS / "context.jsonld").read_text("utf-8") == ontology.context_text(), (
        "run `python -m kg.schema.ontology`"
    )


@pytest.fixture(scope="module")
def ont() -> rdflib.Graph:
    return rdflib.Graph().parse(SCHEMAS / "kg.ttl")


def test_ontology_parses_in_both_rdf_libraries(ont):
    assert len(list(ox.parse(path=str(SCHEMAS / "kg.ttl"), format=ox.RdfFormat.TURTLE))) == len(ont) > 300


def test_classes_are_aligned(ont):
    for t in CAT.entity_types.values():
        c = _curie(t.rdf)
        assert (c, RDF.type, OWL.Class) in ont
        for a in t.aligned:
            assert (c, RDFS.subClassOf, _curie(a)) in ont
    assert (KG.Article, RDFS.subClassOf, SCHEMA.NewsArticle) in ont
    assert (KG.Office, RDFS.subClassOf, ORG.Post) in ont
    assert (KG.Assertion, RDFS.subClassOf, RDF.Statement) in ont
    assert (KG.Quote, RDF.type, OWL.Class) in ont


def test_relations_are_object_properties_with_domain_range_and_alignment(ont):
    for r in CAT.relations.values():
        p = _curie(r.rdf)
        assert (p, RDF.type, OWL.ObjectProperty) in ont
        assert ((p, RDF.type, OWL.SymmetricProperty) in ont) == r.symmetric
        assert (p, KG.polarity, rdflib.Literal(r.polarity)) in ont
        assert (p, KG.neo4jType, rdflib.Literal(r.label)) in ont
        if r.cameo:
            assert (p, KG.cameo, rdflib.Literal(r.cameo)) in ont
        for a in r.aligned:
            assert (p, RDFS.subPropertyOf, _curie(a)) in ont
        for end, types in ((RDFS.domain, r.domain), (RDFS.range, r.range)):
            declared = ont.value(p, end)
            if types is None:
                assert declared is None
            elif len(types) == 1:
                assert declared == _curie(CAT.entity_types[types[0]].rdf)
            else:
                members = set(rdflib.collection.Collection(ont, ont.value(declared, OWL.unionOf)))
                assert members == {_curie(CAT.entity_types[t].rdf) for t in types}
    assert (KG.holdsPosition, RDFS.subPropertyOf, ORG.holds) in ont
    assert (KG.memberOf, RDFS.subPropertyOf, ORG.memberOf) in ont
    # other vocabularies' terms are used, never redefined
    assert (SCHEMA.mentions, None, None) not in ont


def test_every_kg_term_the_example_graphs_use_is_declared(ont, example_graphs):
    used = set()
    timed = ArticleGraph(Article("timed", "Published with a time.", date="2025-02-25T10:30:00+00:00"))
    for g in [*example_graphs[0], timed]:  # no example article gives a time (kg:publishedAt)
        for q in rdfterms.graph_quads(g):
            used.add(q.predicate.value)
            if q.predicate.value == str(RDF.type):
                used.add(q.object.value)
    kg_terms = {u for u in used if u.startswith(str(KG))}
    undeclared = {u for u in kg_terms if (rdflib.URIRef(u), RDF.type, None) not in ont}
    assert not undeclared, f"used by rdfterms but not declared in schemas/kg.ttl: {sorted(undeclared)}"
    for name in set(ontology.DATATYPE_PROPERTIES) - {"mergedFrom"}:  # kg merge writes that one (kg.resolve.apply)
        assert str(KG[name]) in used, f"kg:{name} is declared but never written"


# ------------------------------------------------------------------ SHACL


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SCHEMAS / "shapes.ttl")


def _validate(data: rdflib.Graph, shapes: rdflib.Graph, ont: rdflib.Graph):
    import pyshacl

    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, advanced=True, allow_warnings=False
    )
    messages = sorted({str(m) for m in report.objects(None, rdflib.SH.resultMessage)})
    return conforms, messages, text


def test_every_example_graph_conforms_to_the_shapes(example_graphs, shapes, ont):
    failures = {}
    for g in example_graphs[0]:
        conforms, messages, _ = _validate(_graph(rdfterms.store_quads(g)), shapes, ont)
        if not conforms:
            failures[g.article.id] = messages
    assert not failures, "SHACL violations:\n" + json.dumps(failures, indent=1, ensure_ascii=False)


def _sample_graph() -> ArticleGraph:
    a = Article(id="sample", text="Keir Starmer met Donald Trump. 'We stand together,' Starmer said.", title="T")
    ev = Evidence("sample", "Keir Starmer met Donald Trump.", 0, 30, "test", 0.9)
    ents = [
        Entity(ids.entity_id("Keir Starmer", "Person"), "Keir Starmer", "Person", ["Starmer"]),
        Entity(ids.entity_id("Donald Trump", "Person"), "Donald Trump", "Person"),
    ]
    rels = [Relation(ents[0].id, "meets", ents[1].id, ev, 0.9)]
    quotes = [
        Quote(ents[0].id, "We stand together", "say", Evidence("sample", "x", 31, 66, "test"), about=[ents[1].id])
    ]
    return ArticleGraph(a, ents, [], rels, quotes)


def test_sample_graph_conforms(shapes, ont):
    conforms, _messages, text = _validate(_graph(rdfterms.store_quads(_sample_graph())), shapes, ont)
    assert conforms, text


def test_broken_graph_fails_with_a_readable_report(shapes, ont):
    g = _graph(rdfterms.store_quads(_sample_graph()))
    art = next(g.subjects(RDF.type, KG.Article))
    asn = next(g.subjects(RDF.type, KG.Assertion))
    person = rdflib.URIRef(ids.entity_iri(ids.entity_id("Keir Starmer", "Person")))
    g.remove((art, KG.contentHash, None))
    g.set((asn, KG.confidence, rdflib.Literal(1.5)))
    g.set((asn, KG.start, rdflib.Literal(99)))
    g.set((asn, KG.modality, rdflib.Literal("rumoured")))
    g.add((person, RDFS.label, rdflib.Literal("Sir Keir")))
    g.set((asn, RDF.object, rdflib.URIRef(ids.entity_iri("issue/peace"))))
    conforms, messages, text = _validate(g, shapes, ont)
    assert not conforms
    expected = [
        "an article needs exactly one kg:contentHash (64 hex characters, SHA-256)",
        "evidence needs exactly one xsd:double kg:confidence in [0, 1]",
        "evidence needs exactly one integer kg:start >= 0 and <= kg:end",
        "kg:modality is one of " + ", ".join(MODALITIES),
        "an entity needs exactly one non-empty rdfs:label",
        "an assertion needs exactly one rdf:object, an entity",
    ]
    for m in expected:
        assert m in messages, f"{m!r} not in report:\n{text}"
    assert "Focus Node" in text and "kgsh:AssertionShape" in text


def test_domain_and_range_come_from_the_ontology(shapes, ont):
    g = _graph(rdfterms.store_quads(_sample_graph()))
    asn = next(g.subjects(RDF.type, KG.Assertion))
    s = g.value(asn, RDF.subject)
    g.set((s, RDF.type, KG.Quantity))  # a Quantity cannot meet anyone
    conforms, messages, _ = _validate(g, shapes, ont)
    assert not conforms
    assert any(m.startswith("domain ") and m.endswith("#meets in the kg ontology") for m in messages), messages


# ------------------------------------------------------------------ hostile names

FORMATS = [ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE]


@settings(max_examples=60, deadline=None)
@given(article_id=hostile_name, names=st.lists(hostile_name, min_size=1, max_size=4))
def test_hostile_names_round_trip_through_every_syntax(article_id, names):
    g = hostile_graph(article_id, names)
    quads = rdfterms.graph_quads(g)
    for fmt in FORMATS:
        items = quads if fmt.supports_datasets else [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        data = ox.serialize(items, format=fmt, prefixes={"kg": CAT.namespaces["kg"]})
        assert sorted(map(str, ox.parse(data, format=fmt))) == sorted(map(str, items)), fmt
    # and an independent parser reads the same literals and IRIs back
    ds = rdflib.Dataset()
    ds.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(), format="nquads")
    labels = {str(o) for _, _, o, _ in ds.quads((None, KG.mentionedAs, None, None))}
    assert labels == set(names)
    iris = {str(s) for s, _, _, _ in ds.quads((None, KG.mentionedAs, None, None))}
    assert iris == {ids.entity_iri(f"person/{n}") for n in names}


@settings(max_examples=60, deadline=None)
@given(article_id=hostile_name, names=st.lists(hostile_name, min_size=1, max_size=4))
def test_nquads_text_of_an_article_parses_to_its_quads(article_id, names):
    g = hostile_graph(article_id, names)
    text = rdfterms.NQuadsText().article(g)
    assert list(ox.parse(text, format=ox.RdfFormat.N_QUADS)) == rdfterms.graph_quads(g)
    without_hash = rdfterms.NQuadsText().article(g, content_hash=False)
    assert list(ox.parse(without_hash, format=ox.RdfFormat.N_QUADS)) == rdfterms.graph_quads(g, content_hash=False)


def test_nquads_text_matches_the_quads_of_every_example(example_graphs):
    text = rdfterms.NQuadsText()  # one writer for all, as a build uses it: its caches span articles
    timed = ArticleGraph(Article("timed", "Published with a time.", date="2025-02-25T10:30:00+00:00"))
    for g in [*example_graphs[0], timed]:  # no example article gives a time (kg:publishedAt)
        assert list(ox.parse(text.article(g), format=ox.RdfFormat.N_QUADS)) == rdfterms.graph_quads(g), g.article.id


@pytest.fixture(scope="module")
def mem_store():
    with open_store(":memory:") as st_:
        yield st_


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article_id=hostile_name, names=st.lists(hostile_name, min_size=1, max_size=4))
def test_hostile_names_are_found_by_sparql_label_lookup(mem_store, article_id, names):
    g = hostile_graph(article_id, names)
    mem_store.load([g])
    for n in names:
        q = f"SELECT ?e ?id WHERE {{ ?e <{RDFS.label}> {ox.Literal(n)} ; <{KG.entityId}> ?id }}"
        rows = mem_store.query(q).rows
        assert [ids.entity_iri(f"person/{n}"), f"person/{n}"] in rows
    q = f"ASK {{ GRAPH {ox.NamedNode(ids.graph_iri(article_id))} {{ ?a <{KG.articleId}> {ox.Literal(article_id)} }} }}"
    assert mem_store.query(q).rows == [[True]]


# ------------------------------------------------------------------ named-graph replacement


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.lists(hostile_name, min_size=1, max_size=3), min_size=2, max_size=4),
    which=st.integers(min_value=0),
    new=st.lists(hostile_name, min_size=1, max_size=3),
)
def test_reloading_a_changed_article_rewrites_only_its_named_graph(names, which, new):
    graphs = [hostile_graph(f"a{i}", ns) for i, ns in enumerate(names)]
    target = graphs[which % len(graphs)]
    changed = hostile_graph(target.article.id, new)
    with open_store(":memory:") as store:
        store.load(graphs)
        gn, eg = ids.graph_iri(target.article.id), ids.entities_graph_iri()
        others = {q for q in store.quads() if q.graph_name.value not in (gn, eg)}
        stats = store.load([changed])
        if changed.article.hash == target.article.hash:
            assert stats.articles_unchanged == 1
            return
        assert stats.articles_replaced == 1 and stats.articles_loaded == 1
        assert {q for q in store.quads() if q.graph_name.value not in (gn, eg)} == others
        fresh = ox.Store()  # the store normalises literals (1.0 -> 1e0): compare like with like
        fresh.extend(rdfterms.graph_quads(changed))
        assert {q for q in store.quads() if q.graph_name.value == gn} == set(fresh)
        # the entities graph is what a store loaded with the final articles at once holds
        with open_store(":memory:") as once:
            once.load([changed if g is target else g for g in graphs])
            assert {q for q in store.quads() if q.graph_name.value == eg} == {
                q for q in once.quads() if q.graph_name.value == eg
            }
        assert store.load([changed]).articles_unchanged == 1


# ------------------------------------------------------------------ JSON-LD export


def test_jsonld_export_uses_the_context_and_round_trips(example_store, tmp_path):
    from kg.export import export

    out = tmp_path / "g.jsonld"
    with open_store(str(example_store), read_only=True) as st_:
        export(st_, "jsonld", out)
        n_quads = len(st_.store)
    doc = json.loads(out.read_text("utf-8"))
    assert doc["@context"] == ontology.context()["@context"]
    ds = rdflib.Dataset()
    ds.parse(out, format="json-ld")
    assert len(list(ds.quads())) == n_quads
    text = out.read_text("utf-8")
    assert '"label"' in text and '"holdsPosition"' in text
