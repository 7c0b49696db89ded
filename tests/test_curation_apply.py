"""kg merge, kg split and kg rename change the store at once (no rebuild), are recorded in the curation
file, and a rebuild with that file gives the same graph; on a real embedded store built from the
example articles (resolved as `kg build` resolves them), copied for each test."""

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_union_shapes import labels_and_types, union_violations

from kg import api
from kg.analyse.graph import actor_graph
from kg.cli import main
from kg.resolve.curation import Curation
from kg.resolve.resolver import Resolver, for_store, resolve_stream
from kg.schema import ids
from kg.stores import open_store

from helpers import neo4j_snapshot, wipe


def _build(path, graphs, curation: Curation | None = None):
    with open_store(str(path)) as st:
        st.load(list(resolve_stream(graphs, Resolver(curation))))
    return path


@pytest.fixture(scope="module")
def built(example_graphs, tmp_path_factory):
    return _build(tmp_path_factory.mktemp("curation") / "store", example_graphs[0])


@pytest.fixture
def store(built, tmp_path):
    return str(shutil.copytree(built, tmp_path / "store"))


def _snapshot(path) -> tuple[dict, set, dict]:
    """Nodes (label, type, articles), edges (with evidence counts) and aliases of a store's graph."""
    with open_store(str(path), read_only=True) as st:
        G = actor_graph(st)
        aliases = {k: sorted(v) for k, v in st.aliases().items()}
    nodes = {n: (d["label"], d["type"], d["articles"]) for n, d in G.nodes(data=True)}
    edges = {(u, v, k, d["weight"]) for u, v, k, d in G.edges(keys=True, data=True)}
    return nodes, edges, aliases


def _conforms(path) -> bool:
    """Whether the union of the store's graphs passes the store-wide shapes."""
    with open_store(str(path), read_only=True) as st:
        messages, text = union_violations(st)
    assert messages == [], text
    return True


def _one_label_each(path) -> bool:
    """Whether each entity has one label and one type in the union of the store's graphs (the shapes'
    check that a curation can break, without the shapes' run time)."""
    with open_store(str(path), read_only=True) as st:
        labels, types = labels_and_types(st)
    assert [e for e, v in labels.items() if len(v) != 1] == []
    assert [e for e, v in types.items() if len(v) != 1] == [] and set(types) == set(labels)
    return True


def _kg(*args):
    res = CliRunner().invoke(main, list(args))
    assert res.exit_code == 0, res.output
    return res


def test_merge_applies_at_once_and_ego_follows_the_merged_name(store):
    before = api.ego("Moscow", store=store)
    assert before.summary["actor"] == "gpe/moscow" and before.rows
    russia = api.ego("Russia", store=store)
    res = _kg("merge", "Moscow", "Russia", "--store", store)
    assert "applied to" in res.stderr and "rebuild" not in res.stderr
    after = api.ego("Moscow", store=store)
    assert after.summary["actor"] == "gpe/russia"
    assert after.rows == api.ego("Russia", store=store).rows
    assert after.summary["edges"] >= russia.summary["edges"]  # Moscow's relations are Russia's now
    nodes, edges, aliases = _snapshot(store)
    assert "gpe/moscow" not in nodes and all("gpe/moscow" not in e[:2] for e in edges)
    assert nodes["gpe/russia"][0] == "Russia" and "Moscow" in aliases["gpe/russia"]
    # Moscow's evidence is kept: its sentences now stand behind Russia's relations
    moscow_sentences = {r[5] for r in before.rows if r[5]}
    assert moscow_sentences <= {r[5] for r in after.rows}
    assert 'gpe/moscow" = "gpe/russia"' in Path(store, "curation.toml").read_text()
    assert _one_label_each(store)
    with open_store(store, read_only=True) as st:
        labels = labels_and_types(st)[0]
    assert labels[ids.entity_iri("gpe/russia")] == {"Russia"}
    assert ids.entity_iri("gpe/moscow") not in labels


def test_merge_twice_changes_nothing(store):
    first = api.merge("Moscow", "Russia", store=store)
    snap = _snapshot(store)
    second = api.merge("Moscow", "Russia", store=store)
    assert first.summary["applied"] > 0 and second.summary["applied"] == 0
    assert _snapshot(store) == snap and second.rows == first.rows


def test_rebuild_with_the_curation_file_gives_the_graph_applied_at_once(store, example_graphs, tmp_path):
    api.merge("Moscow", "Russia", store=store)
    api.rename("Russia", "Russian Federation", store=store)
    rebuilt = _build(tmp_path / "rebuilt", example_graphs[0], Curation.load(store))
    assert _snapshot(store) == _snapshot(rebuilt)
    assert _one_label_each(store) and _one_label_each(rebuilt)


def test_a_renamed_label_stays_when_later_builds_add_articles(example_graphs, tmp_path):
    graphs = example_graphs[0]
    later = [g for g in graphs if any(e.id == "gpe/russia" for e in g.entities)][-2:]
    assert later
    first = [g for g in graphs if g not in later]
    store = str(_build(tmp_path / "store", first))
    api.rename("Russia", "Russian Federation", store=store)
    with open_store(store) as st:  # as `kg build` adds articles: the curation file beside the store
        st.load(list(resolve_stream(later, for_store(store, st))))
    nodes, _, aliases = _snapshot(store)
    assert nodes["gpe/russia"][0] == "Russian Federation" and "Russia" in aliases["gpe/russia"]
    assert _one_label_each(store)


def test_rename_sets_the_label_everywhere(store):
    res = _kg("rename", "Russia", "Russian Federation", "--store", store, "--json")
    assert {"id": "gpe/russia", "name": "Russian Federation"} in json.loads(res.stdout)
    nodes, _, aliases = _snapshot(store)
    assert nodes["gpe/russia"][0] == "Russian Federation" and "Russia" in aliases["gpe/russia"]
    assert api.ego("Russian Federation", store=store).summary["actor"] == "gpe/russia"
    assert api.ego("Russia", store=store).summary["actor"] == "gpe/russia"  # the old name is an alias
    rows = api.query("SELECT ?n WHERE { ?e kg:entityId 'gpe/russia' ; rdfs:label ?n }", store=store).rows
    assert {r[0] for r in rows} == {"Russian Federation"}
    assert '"gpe/russia" = "Russian Federation"' in Path(store, "curation.toml").read_text()
    assert _one_label_each(store)


def test_split_undoes_a_merge_applied_to_whole_articles(store):
    nodes0, edges0, _ = _snapshot(store)
    # Berlin's article names no France: the merge moves whole article nodes, which a split gives back
    berlin = {e for e in edges0 if "gpe/berlin" in e[:2]}
    assert berlin
    api.merge("Berlin", "France", store=store)
    assert "gpe/berlin" not in _snapshot(store)[0] and _one_label_each(store)
    res = api.split("France", ["Berlin"], store=store)
    assert res.summary["applied"] >= 1 and res.summary["rebuild"] == 0
    nodes, edges, aliases = _snapshot(store)
    assert nodes["gpe/berlin"] == nodes0["gpe/berlin"] and {e for e in edges if "gpe/berlin" in e[:2]} == berlin
    assert (nodes, edges) == (nodes0, edges0)
    assert "Berlin" not in aliases.get("gpe/france", [])
    assert _one_label_each(store)


@pytest.mark.slow
def test_the_union_conforms_to_the_shapes_after_each_curation(store):
    api.merge("Moscow", "Russia", store=store)
    assert _conforms(store)
    api.rename("Russia", "Russian Federation", store=store)
    assert _conforms(store)
    api.merge("Berlin", "France", store=store)
    api.split("France", ["Berlin"], store=store)
    assert _conforms(store)


def test_split_of_a_merge_within_shared_articles_asks_for_a_rebuild(store):
    api.merge("Moscow", "Russia", store=store)
    res = _kg("split", "Russia", "Moscow", "--store", store)
    assert "need a rebuild" in res.stderr
    assert "gpe/moscow" not in Curation.load(store).merges


def test_hostile_names_stay_data(store):
    name = 'Evil" } ; DROP ALL ; INSERT DATA { <x:a> <x:b> "c'
    api.rename("Russia", name, store=store)
    nodes, edges, _ = _snapshot(store)
    assert nodes["gpe/russia"][0] == name and len(edges) > 10
    assert api.query("ASK { <x:a> ?p ?o }", store=store).rows == [[False]]


def test_a_server_store_without_a_curation_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="give the curation file"):
        api.rename("gpe/russia", "Russian Federation", store="http://127.0.0.1:9/sparql")


@pytest.mark.sparql_server
@pytest.mark.parametrize("kind", ["oxigraph", "fuseki"])
def test_merge_and_rename_apply_on_a_sparql_server(kind, built, example_graphs, tmp_path):
    from sparql_servers import sparql_server

    url = sparql_server(kind)
    with open_store(url) as st:
        st.query("DROP ALL", write=True)
        st.load(list(resolve_stream(example_graphs[0], Resolver())))
    try:
        curation = tmp_path / "curation.toml"
        res = api.merge("Moscow", "Russia", store=url, curation=curation)
        assert res.summary["applied"] > 0
        api.rename("Russia", "Russian Federation", store=url, curation=curation)
        assert api.ego("Moscow", store=url).summary["actor"] == "gpe/russia"
        local = str(shutil.copytree(built, tmp_path / "store"))
        api.merge("Moscow", "Russia", store=local)
        api.rename("Russia", "Russian Federation", store=local)
        assert _snapshot(url) == _snapshot(local)
        assert Curation.load(curation).merges == Curation.load(local).merges
        labels = (
            "SELECT DISTINCT ?id ?n WHERE { ?e kg:entityId ?id ; rdfs:label ?n "
            "FILTER (?id IN ('gpe/russia', 'gpe/moscow')) }"
        )
        assert api.query(labels, store=url).rows == [["gpe/russia", "Russian Federation"]]
        for where, cur in ((url, curation), (local, None)):
            api.merge("Berlin", "France", store=where, curation=cur)
            assert api.split("France", ["Berlin"], store=where, curation=cur).summary["applied"] >= 1
        assert _snapshot(url) == _snapshot(local)
    finally:
        with open_store(url) as st:
            st.query("DROP ALL", write=True)


@pytest.mark.neo4j
def test_merge_and_rename_apply_on_neo4j(neo, neo4j_uri, built, example_graphs, tmp_path):
    neo.load(list(resolve_stream(example_graphs[0], Resolver())))
    curation = tmp_path / "curation.toml"
    res = api.merge("Moscow", "Russia", store=neo4j_uri, curation=curation)
    assert res.summary["applied"] > 0
    assert api.merge("Moscow", "Russia", store=neo4j_uri, curation=curation).summary["applied"] == 0
    api.rename("Russia", "Russian Federation", store=neo4j_uri, curation=curation)
    assert api.ego("Moscow", store=neo4j_uri).summary["actor"] == "gpe/russia"
    local = str(shutil.copytree(built, tmp_path / "store"))
    api.merge("Moscow", "Russia", store=local)
    api.rename("Russia", "Russian Federation", store=local)
    assert _snapshot(neo4j_uri) == _snapshot(local)
    # a reload with the curation file gives the same graph
    applied = _canonical(neo)
    wipe(neo)
    neo.load(list(resolve_stream(example_graphs[0], Resolver(Curation.load(curation)))))
    assert _canonical(neo) == applied


def _canonical(st):
    """A Neo4j snapshot with each assertion id replaced by its relation, article and span (the id names
    the subject the extractor first gave, which a merge keeps and a reload does not) and without the
    articles' content hashes (which cover how the articles were resolved, so a reload rewrites them)."""
    nodes, rels = neo4j_snapshot(st)
    q = "MATCH (x:Assertion) RETURN x.id, x.key, x.article_id, x.start, x.end"
    ids = {json.dumps(r[0])[1:-1]: "|".join(map(str, r[1:])) for r in st.query(q).rows}

    def sub(text: str) -> str:
        for i, c in ids.items():
            text = text.replace(i, c)
        return re.sub(r'"contentHash": "[0-9a-f]+"', "", text)

    return sorted(map(sub, nodes)), sorted(map(sub, rels))
