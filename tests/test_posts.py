"""Offices as posts of a country or organisation: one node per post (President of France, Prime Minister of
the United Kingdom, Chancellor of the Exchequer vs Lord Chancellor), the bare title kept on each post, and no
node shared by holders of different countries' posts -- on the real pipeline and the example articles."""

import itertools
import json

import networkx as nx
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.model import Article
from kg.nlp.graph import doc_to_graph
from kg.resolve.resolver import Resolver
from kg.schema import queries
from kg.stores import open_store

PRESIDENTS = {
    ("António Costa", "European Council"),
    ("Ursula von der Leyen", "European Commission"),
    ("Emmanuel Macron", "France"),
    ("Vladimir Putin", "Russia"),
    ("Volodymyr Zelensky", "Ukraine"),
    ("Xi Jinping", "China"),
}


def graph(nlp, text, aid="t"):
    return doc_to_graph(nlp(text), Article(id=aid, text=text))


def named(g, pred):
    names = {e.id: e.name for e in g.entities}
    return {(names[r.subject], names[r.object]) for r in g.relations if r.predicate == pred}


def offices(g):
    return {e.name: e for e in g.entities if e.type == "Office"}


def test_presidents_of_different_countries_hold_different_posts(nlp):
    g = graph(nlp, "French President Emmanuel Macron met US President Donald Trump in Washington on Monday.")
    assert named(g, "holds_position") == {
        ("Emmanuel Macron", "President of France"),
        ("Donald Trump", "President of the United States"),
    }
    assert named(g, "office_of") == {
        ("President of France", "France"),
        ("President of the United States", "United States"),
    }
    posts = offices(g)
    assert {posts[p].attrs["title"] for p in ("President of France", "President of the United States")} == {"President"}
    assert posts["President of France"].aliases == ["French President"]


def test_chancellor_of_the_exchequer_and_lord_chancellor_are_two_posts(nlp):
    g = graph(nlp, "UK Chancellor Rachel Reeves and Lord Chancellor Shabana Mahmood attended the cabinet meeting.")
    held = named(g, "holds_position")
    assert ("Rachel Reeves", "Chancellor of the Exchequer") in held
    assert ("Shabana Mahmood", "Lord Chancellor") in held
    posts = offices(g)
    assert posts["Chancellor of the Exchequer"].attrs["title"] == "Chancellor"
    assert posts["Lord Chancellor"].id != posts["Chancellor of the Exchequer"].id
    assert ("Chancellor of the Exchequer", "United Kingdom") in named(g, "office_of")


def test_a_holding_with_no_owner_keeps_the_bare_title_which_owns_nothing(nlp):
    g = graph(nlp, "Defence Secretary John Healey met Pete Hegseth, the US Defense Secretary, in London.")
    assert named(g, "holds_position") == {
        ("John Healey", "Defence Secretary"),
        ("Pete Hegseth", "Defense Secretary of the United States"),
    }
    assert named(g, "office_of") == {("Defense Secretary of the United States", "United States")}


def test_coordinated_owners_go_to_their_holders_in_order(nlp):
    g = graph(nlp, "UK and US defence secretaries John Healey and Pete Hegseth met in London.")
    assert named(g, "holds_position") == {
        ("John Healey", "Defence Secretary of the United Kingdom"),
        ("Pete Hegseth", "Defence Secretary of the United States"),
    }


def test_a_party_post_keeps_its_name_and_goes_by_party_leader(nlp):
    g = graph(nlp, "Conservative leader Kemi Badenoch attacked the plans in the Commons.")
    assert named(g, "holds_position") == {("Kemi Badenoch", "Leader of the Conservative Party")}
    assert named(g, "office_of") == {("Leader of the Conservative Party", "Conservative Party")}
    assert offices(g)["Leader of the Conservative Party"].attrs["title"] == "Party Leader"


def test_one_holder_of_a_singular_post_named_among_several(nlp):
    g = graph(
        nlp,
        "Leaders attending the summit included Italy's prime minister, Giorgia Meloni, Poland's prime minister, "
        "Donald Tusk, and Canada's prime minister, Justin Trudeau.",
    )
    held = named(g, "holds_position")
    assert ("Donald Tusk", "Prime Minister of Poland") in held
    # the Polish mention is Tusk's: Meloni gets neither Poland's post nor its bare title from it
    assert {p for h, p in held if h == "Giorgia Meloni"} <= {"Prime Minister of Italy"}
    g = graph(nlp, "Tony Blair, the British prime minister, and Gordon Brown spoke.")
    assert named(g, "holds_position") == {("Tony Blair", "Prime Minister of the United Kingdom")}


def test_posts_of_one_name_merge_across_articles_and_never_with_the_bare_title(nlp):
    a = graph(nlp, "French President Emmanuel Macron arrived in Kyiv on Friday.", "a")
    b = graph(nlp, "President Macron said France would send troops.", "b")
    r = Resolver()
    a, b = r.resolve(a), r.resolve(b)
    r.learn_graph(a)
    b = r.resolve(b)
    post = next(e for e in a.entities if e.name == "President of France")
    assert post.attrs["title"] == "President"
    ids_b = {e.id for e in b.entities if e.type == "Office"}
    assert post.id not in ids_b  # "President Macron": no owner, the bare title
    assert ("Emmanuel Macron", "President") in named(b, "holds_position")
    assert all(e.attrs.get("title") for e in b.entities if e.type == "Office")


# -- the example articles -------------------------------------------------------------------------------


def _rows(store, text):
    with open_store(str(store), read_only=True) as st:
        return {tuple(str(x) for x in r) for r in st.query(queries.with_prefixes(text)).rows}


def test_the_presidents_of_the_examples_are_each_of_their_own_country(example_store):
    # the question the issue asks in Cypher, on the embedded store in SPARQL: who is president of what
    rows = _rows(
        example_store,
        """SELECT DISTINCT ?person ?owner WHERE {
             ?p kg:holdsPosition ?post . ?post kg:title "President" ; kg:officeOf ?c .
             ?p rdfs:label ?person . ?c rdfs:label ?owner }""",
    )
    assert rows == PRESIDENTS


def test_no_office_of_the_examples_belongs_to_two_owners(example_store):
    rows = _rows(
        example_store,
        """SELECT ?post (COUNT(DISTINCT ?c) AS ?n) WHERE { ?o kg:officeOf ?c ; rdfs:label ?post }
           GROUP BY ?post HAVING (COUNT(DISTINCT ?c) > 1)""",
    )
    assert rows == set()
    titles = _rows(example_store, 'SELECT DISTINCT ?post WHERE { ?o kg:title "Prime Minister" ; rdfs:label ?post }')
    assert {("Prime Minister of Poland",), ("Prime Minister of Canada",), ("Prime Minister of Spain",)} <= titles


def _path(store, a, b):
    res = CliRunner().invoke(main, ["path", "--store", str(store), a, b, "--json"])
    return res.exit_code, (json.loads(res.stdout) if res.exit_code == 0 else res.output)


@pytest.mark.parametrize(
    "a, b",
    [("Emmanuel Macron", "Xi Jinping"), ("Xi Jinping", "Volodymyr Zelensky"), ("Kaja Kallas", "Rachel Reeves")],
)
def test_a_path_between_holders_does_not_run_through_a_shared_office(example_store, a, b):
    code, steps = _path(example_store, a, b)
    assert code == 0, steps
    with open_store(str(example_store), read_only=True) as st:
        kinds = {r["label"]: r["type"] for r in st.actor_rows()["entities"]}
    # Person -holds-> Office <-holds- Person: two holders joined by one node of their title
    for x, y in itertools.pairwise(steps):
        joint = {x["subject"], x["object"]} & {y["subject"], y["object"]}
        assert not (
            [n for n in joint if kinds.get(n) == "Office"] and x["relation"] == y["relation"] == "holds_position"
        ), (x, y)


def test_two_presidents_are_joined_by_what_they_did_not_by_their_title(example_store):
    # Putin and Costa are each a president; only their acts may join them (a wish that Putin meet Zelensky,
    # whom Costa met), never the title
    code, steps = _path(example_store, "Vladimir Putin", "António Costa")
    assert code == 0, steps
    assert not [s for s in steps if s["relation"] in ("holds_position", "office_of")], steps


def test_offices_are_not_the_top_nodes_of_the_graph_export(example_store, tmp_path):
    out = tmp_path / "g.graphml"
    args = ["export", "--store", str(example_store), "--format", "graphml", "-o", str(out), "--all"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    G = nx.read_graphml(out)
    top = sorted(nx.Graph(G).degree, key=lambda x: (-x[1], x[0]))[:5]
    assert not [n for n, _ in top if G.nodes[n]["type"] == "Office"], top
    assert G.nodes["office/president-of-france"]["title"] == "President"
