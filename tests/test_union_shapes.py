"""The store as a whole conforms to schemas/shapes.ttl: pyshacl on the union of all named graphs (what a
query without GRAPH sees), no inference, zero violations; each entity has one label and one type however
many articles name it, chosen by kg.resolve.labels whatever the load order."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from kg import api
from kg.model import Article, ArticleGraph, Entity, Evidence, Mention, Relation
from kg.resolve.resolver import Resolver
from kg.resources import SCHEMAS
from kg.schema import ids, ontology
from kg.stores import open_store
from kg.stores.oxigraph import OxigraphStore

from helpers import shared

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def union_violations(store: OxigraphStore) -> tuple[list[str], str]:
    """(sorted violation messages, report text) of the union of the store's named graphs."""
    import pyshacl

    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()}
    data = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    shapes = rdflib.Graph().parse(SCHEMAS / "shapes.ttl")
    conforms, report, text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology.graph(), inference="none", advanced=True, allow_warnings=False
    )
    messages = sorted(str(m) for m in report.objects(None, rdflib.SH.resultMessage))
    assert conforms == (not messages)
    return messages, text


def labels_and_types(store: OxigraphStore) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """entity IRI -> its rdfs:label values, and -> its rdf:type values, over the union of the graphs."""
    labels: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    for q in store.quads():
        if q.predicate.value == LABEL:
            labels.setdefault(q.subject.value, set()).add(q.object.value)
    for e in labels:
        for q in store.store.quads_for_pattern(ox.NamedNode(e), ox.NamedNode(TYPE), None, None):
            types.setdefault(e, set()).add(q.object.value)
    return labels, types


def _article(aid: str, text: str, names: list[tuple[str, str]], rel: bool = True) -> ArticleGraph:
    """An article naming each (name, type) once; the first two meet when ``rel``."""
    ents = [Entity(ids.entity_id(n, t), n, t) for n, t in names]
    mentions = [Mention(e.id, e.name, text.find(e.name), text.find(e.name) + len(e.name)) for e in ents]
    ev = Evidence(aid, text, 0, len(text), "test", 0.9)
    rels = [Relation(ents[0].id, "meets", ents[1].id, ev, 0.9)] if rel and len(ents) > 1 else []
    return ArticleGraph(Article(aid, text, title=f"Article {aid}"), ents, mentions, rels)


def _nato(aid: str, form: str) -> ArticleGraph:
    text = f"Keir Starmer met {form} officials."
    return _article(aid, text, [("Keir Starmer", "Person"), (form, "Organization")])


def test_the_most_frequent_name_is_the_one_label_whatever_the_load_order():
    graphs = [_nato("a", "NATO"), _nato("b", "Nato"), _nato("c", "Nato"), _nato("d", "NATO"), _nato("e", "NATO")]
    nato = ids.entity_iri("organization/nato")
    with open_store(":memory:") as st:
        st.load(graphs[:3])
        assert labels_and_types(st)[0][nato] == {"Nato"}
        first_graphs = {q for q in st.quads() if q.graph_name.value != ids.entities_graph_iri()}
        st.load(graphs[3:])  # two more articles write NATO: the label of every article's entity follows
        labels, types = labels_and_types(st)
        assert labels[nato] == {"NATO"} and len(types[nato]) == 1
        assert first_graphs <= set(st.quads())  # the earlier articles' graphs are left as they were
        assert union_violations(st)[0] == []
        everything = set(st.quads())
    with open_store(":memory:") as st:
        st.load(graphs[::-1])
        assert set(st.quads()) == everything
    with open_store(":memory:") as st:  # a tie: the name not all in capitals
        st.load(graphs[:2])
        assert labels_and_types(st)[0][nato] == {"Nato"}


def test_replacing_the_only_article_that_names_an_entity_removes_its_label():
    with open_store(":memory:") as st:
        st.load([_nato("a", "NATO"), _article("b", "Keir Starmer met Emmanuel Macron.", [])])
        st.load([_article("a", "Keir Starmer met Emmanuel Macron.", [("Keir Starmer", "Person")])])
        labels, _ = labels_and_types(st)
        assert ids.entity_iri("organization/nato") not in labels
        assert labels[ids.entity_iri("person/keir-starmer")] == {"Keir Starmer"}


@pytest.mark.parametrize(
    "text, names, label",
    [
        ("PARIS, 17 February 2025 – Leaders met in Paris on Monday.", [("PARIS", "GPE")], "Paris"),
        ("NEW YORK (Reuters) - Markets fell.", [("NEW YORK", "GPE")], "New York"),
        ("BRUSSELS/WARSAW, 7 March 2025 – Ministers met.", [("WARSAW", "GPE")], "Warsaw"),
        ("NATO leaders met in Brussels.", [("NATO", "Organization")], "NATO"),
    ],
)
def test_a_dateline_in_capitals_never_names_an_entity(text, names, label):
    g = _article("a", text, names, rel=False)
    if "in Paris" in text:  # the article's own well-cased form
        g.mentions.append(Mention(g.entities[0].id, "Paris", text.index("in Paris") + 3, text.index("in Paris") + 8))
    out = Resolver().resolve(g)
    assert out.entities[0].name == label
    assert out.entities[0].id == g.entities[0].id
    if label != names[0][0]:
        assert names[0][0] in out.entities[0].aliases
        assert out.article.hash != g.article.hash  # a store holding the capitals replaces the article


def test_a_first_build_in_bulk_holds_what_loading_article_by_article_holds(tmp_path):
    graphs = [_nato("a", "NATO"), _nato("b", "Nato"), _nato("c", "Nato")]
    bulk = OxigraphStore(tmp_path / "bulk")
    assert bulk.first_build
    bulk.load(graphs)
    one = OxigraphStore(tmp_path / "one")
    one.load(graphs[:1])
    one.close()
    one = OxigraphStore(tmp_path / "one")  # reopened holding an article: the transactional path
    assert not one.first_build
    one.load(graphs[1:])
    assert set(bulk.quads()) == set(one.quads())
    assert one.load(graphs).articles_unchanged == 3


def test_a_first_build_that_fails_on_an_article_raises_its_error_and_keeps_no_content_hash(tmp_path):
    graphs = [_nato("a", "NATO"), _nato("b", "Nato"), _nato("c", "Nato")]
    broken = _nato("b", "Nato")
    broken.relations[0].predicate = "no_such_relation"  # not in the catalogue: mapping it fails
    store = OxigraphStore(tmp_path / "s")
    with pytest.raises(KeyError, match="no_such_relation"):
        store.load([graphs[0], broken, graphs[2]])
    assert store.article_hashes() == {}  # so the next build loads every article again
    store.close()
    again = OxigraphStore(tmp_path / "s")
    again.load(graphs)
    whole = OxigraphStore(tmp_path / "whole")
    whole.load(graphs)
    assert set(again.quads()) == set(whole.quads())


def test_the_examples_store_conforms_as_a_whole(example_graphs, tmp_path):
    graphs = list(Resolver().stream(example_graphs[0]))
    with open_store(str(tmp_path / "store")) as st:
        half = len(graphs) // 2
        st.load(graphs[:half])
        st.load(graphs[half:])
        messages, text = union_violations(st)
        assert messages == [], text
        labels, types = labels_and_types(st)
        assert labels[ids.entity_iri("gpe/paris")] == {"Paris"}
        assert labels[ids.entity_iri("gpe/london")] == {"London"}
        assert all(len(v) == 1 for v in labels.values()) and all(len(v) == 1 for v in types.values())


@pytest.fixture(scope="session")
def bbc_politics_store(tmp_path_factory):
    folder = shared("external/bbc/politics")
    store = tmp_path_factory.mktemp("bbc-union") / "store"
    api.build([str(folder)], store=str(store), workers=2)
    return store


@pytest.mark.slow
def test_the_bbc_politics_store_conforms_as_a_whole(bbc_politics_store):
    with open_store(str(bbc_politics_store), read_only=True) as st:
        assert isinstance(st, OxigraphStore) and st.stats()["articles"] > 350
        labels, types = labels_and_types(st)
        assert [e for e, v in labels.items() if len(v) != 1] == []
        assert [e for e, v in types.items() if len(v) != 1] == []
        messages, text = union_violations(st)
        assert messages == [], text[:5000]
