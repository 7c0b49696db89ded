"""The analyses (kg.analyse.*) on small constructed graphs with known answers, and on the example store."""

import doctest

import networkx as nx
import pytest

from kg.analyse import alliances, annotate, centrality, graph, parties, positions, ties
from kg.analyse.graph import add_relation


@pytest.mark.parametrize("mod", [graph, ties, alliances, parties, positions, centrality, annotate])
def test_docstring_examples(mod):
    res = doctest.testmod(mod)
    assert res.failed == 0 and res.attempted > 0


def _graph(edges, types=None, labels=None):
    """edges: (subject, predicate, object[, date[, modality]])."""
    G = nx.MultiDiGraph()
    for e in edges:
        for n in (e[0], e[2]):
            G.add_node(n, label=(labels or {}).get(n, n.upper()), type=(types or {}).get(n, "Person"))
        add_relation(
            G,
            e[0],
            e[1],
            e[2],
            sentence=f"{e[0]} {e[1]} {e[2]}.",
            article=f"art-{e[0]}{e[2]}",
            date=e[3] if len(e) > 3 else None,
            confidence=0.5,
            modality=e[4] if len(e) > 4 else "asserted",
        )
    return G


# two camps: {a, b, c} cooperate, {d, e} cooperate, conflict across
TWO_CAMPS = [
    ("a", "praises", "b"),
    ("b", "allies_with", "c"),
    ("a", "aids", "c"),
    ("d", "cooperates_with", "e"),
    ("a", "attacks", "d"),
    ("c", "criticises", "e"),
    ("b", "sanctions", "d"),
]


def test_signed_graph_weights_are_evidence_times_confidence_and_signed():
    G = _graph([*TWO_CAMPS, ("a", "praises", "b"), ("a", "holds_position", "f")], types={"f": "Office"})
    S = alliances.signed_graph(G)
    assert "f" not in S  # offices are not actors
    assert S["a"]["b"]["weight"] == 1.0 and S["a"]["b"]["positive"] == 1.0  # 2 pieces × 0.5
    assert S["a"]["d"]["weight"] == -1.0 and S["a"]["d"]["sign"] == -1  # an attack weighs twice a verbal act
    assert {e["sentence"] for e in S["a"]["b"]["evidence"]} == {"a praises b."}
    # a tie with both cooperation and conflict nets out
    G2 = _graph([("x", "supports", "y")] * 3 + [("y", "attacks", "x")])
    assert alliances.signed_graph(G2)["x"]["y"]["weight"] == 0.5


def test_only_acts_between_actors_sign_ties():
    """Visits, meetings, talks, speeches, membership, employment and posts are no alliance; the polarity
    of the acts that are comes from the catalogue."""
    G = _graph(
        [
            ("blair", "meets", "musharraf"),
            ("blair", "negotiates_with", "bush"),
            ("kennedy", "visits", "basingstoke"),
            ("kennedy", "spoke_at", "conference"),
            ("griffin", "member_of", "bnp"),
            ("campbell", "works_for", "blair"),
            ("brown", "holds_position", "chancellor"),
            ("howard", "accuses", "brown"),
            ("milburn", "praises", "brown"),
        ],
        types={"basingstoke": "GPE", "conference": "Event", "bnp": "Organization", "chancellor": "Office"},
    )
    S = alliances.signed_graph(G)
    assert sorted(tuple(sorted(e)) for e in S.edges) == [("brown", "howard"), ("brown", "milburn")]
    assert S["brown"]["howard"]["sign"] == -1 and S["brown"]["milburn"]["sign"] == 1
    assert set(ties.tie_relations()) >= {"supports", "praises", "criticises", "accuses", "opposes", "attacks"}
    assert not set(ties.tie_relations()) & {"meets", "visits", "negotiates_with", "member_of", "spoke_at"}


def test_what_is_not_asserted_weighs_less_or_nothing():
    G = _graph(
        [
            ("howard", "attacks", "labour", None, "intent"),  # "He will attack Labour's record"
            ("blair", "supports", "king", None, "possible"),  # "If he became king, Blair could back him"
            ("fox", "accuses", "blair", None, "reported"),
            ("fox", "accuses", "blair"),
            ("ukip", "supports", "kilroy", None, "obligation"),
            ("putin", "attacks", "switzerland", None, "wish"),  # "Obama wants Putin to attack Switzerland"
            ("russia", "aids", "israel", None, "permission"),  # "Obama will allow Russia to help Israel"
            ("germany", "supports", "ukraine", None, "request"),  # "Blair urged Germany to support Ukraine"
        ]
    )
    S = alliances.signed_graph(G)
    assert S["howard"]["labour"]["weight"] == -0.5  # half of the 0.5 confidence, times an attack's weight of 2
    assert S["blair"]["fox"]["weight"] == -0.75 and len(S["blair"]["fox"]["evidence"]) == 2
    assert not S.has_edge("blair", "king") and not S.has_edge("ukip", "kilroy")
    assert not S.has_edge("putin", "switzerland") and not S.has_edge("russia", "israel")
    assert not S.has_edge("germany", "ukraine")


def test_signed_graph_date_window():
    G = _graph([("a", "praises", "b", "2025-01-05"), ("a", "attacks", "c", "2025-03-01")])
    S = alliances.signed_graph(G, since="2025-02-01")
    assert not S.has_edge("a", "b") and S.has_edge("a", "c")
    S = alliances.signed_graph(G, until="2025-01-31")
    assert S.has_edge("a", "b") and not S.has_edge("a", "c")


def test_blocs_and_signed_partition_find_the_two_camps():
    S = alliances.signed_graph(_graph(TWO_CAMPS))
    assert [sorted(b) for b in alliances.blocs(S)] == [["a", "b", "c"], ["d", "e"]]
    parts, frus = alliances.signed_partition(S)
    assert [sorted(p) for p in parts] == [["a", "b", "c"], ["d", "e"]] and frus == 0.0
    # the three conflicts at 0.5 confidence: an attack (x2), sanctions (x1.6) and a criticism (x1)
    assert alliances.frustration(S, [set("abcde")]) == pytest.approx(2.3)


def test_signed_partition_minimises_frustration_when_positive_blocs_are_wrong():
    # a triangle of mutual enemies: the best split puts everyone apart (frustration 0)
    S = nx.Graph([("a", "b", {"weight": -1.0}), ("b", "c", {"weight": -1.0}), ("a", "c", {"weight": -1.0})])
    parts, frus = alliances.signed_partition(S)
    assert frus == 0.0 and sorted(len(p) for p in parts) == [1, 1, 1]
    # an unbalanced triangle (+, +, -): at least the weakest tie must be frustrated
    S = nx.Graph([("a", "b", {"weight": 2.0}), ("b", "c", {"weight": 2.0}), ("a", "c", {"weight": -1.0})])
    parts, frus = alliances.signed_partition(S)
    assert frus == 1.0 and [sorted(p) for p in parts] == [["a", "b", "c"]]
    # deterministic
    assert alliances.signed_partition(S) == alliances.signed_partition(S)


def test_balance_counts_balanced_triangles():
    S = alliances.signed_graph(_graph(TWO_CAMPS))
    # triangles: abc (+++) balanced, abd (+,-,-) balanced
    assert alliances.balance(S) == {"triangles": 2, "balanced": 2, "ratio": 1.0}
    S = nx.Graph(
        [
            ("a", "b", {"weight": 1}),
            ("b", "c", {"weight": 1}),
            ("a", "c", {"weight": -1}),
            ("c", "d", {"weight": -1}),
            ("a", "d", {"weight": 1}),
        ]
    )  # abc unbalanced, acd balanced
    assert alliances.balance(S) == {"triangles": 2, "balanced": 1, "ratio": 0.5}
    assert alliances.balance(nx.Graph([("a", "b", {"weight": 1})]))["ratio"] is None


def test_allies_adversaries_and_bridges():
    G = _graph([*TWO_CAMPS, ("a", "supports", "b"), ("c", "supports", "d")])
    S = alliances.signed_graph(G)
    assert [r["actor"] for r in alliances.allies(S, "a")] == ["b", "c"]  # b has two pieces of evidence
    assert [r["actor"] for r in alliances.adversaries(S, "a")] == ["d"]
    assert alliances.allies(S, "a")[0]["relations"] == {"praises": 1, "supports": 1}
    assert {e["sentence"] for e in alliances.allies(S, "a")[0]["evidence"]} == {"a praises b.", "a supports b."}
    parts = [set("abc"), set("de")]
    assert [(r["source"], r["target"]) for r in alliances.bridges(S, parts)] == [("c", "d")]
    assert len(alliances.bridges(S, parts, sign=None)) == 4


# 2004-05 UK politics in miniature: two parties whose figures mostly attack the other side
PARTIES = {"lab": "Labour Party", "con": "Conservative Party", "ld": "Liberal Democrats", "ho": "Home Office"}
PARTY_NAMES = frozenset({"labour party", "labour", "conservative party", "tories", "liberal democrats"})
WESTMINSTER = [
    ("blair", "leads", "lab"),
    ("brown", "member_of", "lab"),
    ("milburn", "member_of", "lab"),
    ("howard", "leads", "con"),
    ("letwin", "member_of", "con"),
    ("kennedy", "leads", "ld"),
    ("howard", "accuses", "brown"),
    ("howard", "accuses", "blair"),
    ("letwin", "accuses", "brown"),
    ("milburn", "accuses", "howard"),
    ("kennedy", "criticises", "brown"),
    ("kennedy", "attacks", "howard"),
    ("milburn", "praises", "brown"),
]


def _westminster(*more):
    types = {n: "Organization" for n in PARTIES}
    return _graph([*WESTMINSTER, *more], types=types, labels=PARTIES)


def _blocs(G, **kw):
    S = alliances.signed_graph(G)
    members = parties.membership(G, names=PARTY_NAMES)
    groups, frus = alliances.signed_partition(S, members=members, **kw)
    return alliances.bloc_of(groups), frus, S


def test_party_membership_seeds_the_blocs():
    G = _westminster()
    assert parties.party_nodes(G, names=PARTY_NAMES) == {"lab", "con", "ld"}  # not the Home Office
    side, frus, S = _blocs(G)
    # Howard and Letwin share no act, only their party and their adversaries: one bloc all the same
    assert side["blair"] == side["brown"] == side["milburn"] == side["lab"]
    assert side["howard"] == side["letwin"] == side["con"]
    assert len({side["blair"], side["howard"], side["kennedy"]}) == 3 and frus == 0.0
    # without the party seeds the Conservatives fall apart
    plain = alliances.bloc_of(alliances.signed_partition(S)[0])
    assert plain["howard"] != plain["letwin"]


def test_a_quarrel_between_co_members_stays_a_tie_inside_the_bloc():
    G = _westminster(("brown", "criticises", "blair"), ("blair", "accuses", "brown"))
    side, frus, S = _blocs(G)
    assert side["blair"] == side["brown"] and S["blair"]["brown"]["sign"] == -1
    assert frus == 1.0  # the rivalry is the frustration the party bloc accepts
    assert [r["actor"] for r in alliances.adversaries(S, "brown")][:1] == ["blair"]


def test_acts_that_outweigh_the_membership_take_a_member_out():
    # a member who attacks his own party again and again, and praises the other side
    defector = [("milburn", "criticises", "lab")] * 5 + [("milburn", "praises", "howard")] * 3
    side, _, _ = _blocs(_westminster(*defector))
    assert side["milburn"] != side["lab"] and side["blair"] == side["brown"] == side["lab"]
    # one kind word across the floor moves nobody and merges no parties
    side, _, _ = _blocs(_westminster(("milburn", "praises", "letwin")))
    assert side["milburn"] == side["lab"] != side["letwin"] == side["con"]


def test_membership_is_the_party_with_most_evidence_including_party_posts():
    G = _westminster(
        ("howard", "member_of", "con"),
        ("howard", "member_of", "lab"),  # "Labour leader Tony Blair and Conservative leader Michael Howard"
        ("widdecombe", "member_of", "ho"),  # a department is no party
        ("clarke", "member_of", "lab"),
        ("clarke", "member_of", "con"),  # a tie: no party rather than a guess
    )
    G.add_node("prescott", label="John Prescott", type="Person")
    G.add_node("deputy", label="Deputy Leader", type="Office")
    said = "Labour deputy leader John Prescott said ..."
    add_relation(G, "prescott", "holds_position", "deputy", sentence=said, article="a9", span=(0, 37))
    add_relation(G, "deputy", "office_of", "lab", sentence=said, article="a9", span=(0, 20))
    m = parties.membership(G, names=PARTY_NAMES)
    assert m["howard"] == "con" and m["blair"] == "lab" and m["prescott"] == "lab"
    assert "widdecombe" not in m and "clarke" not in m


def test_party_names_come_from_the_party_table(tmp_path):
    table = tmp_path / "parties.toml"
    table.write_text(
        """
[rules]
roles = ["leader", "MP"]

[[party]]
name = "Conservative Party"
country = "GB"
family = "conservative"
names = ["Conservatives", "Tories"]
adjectives = ["Tory", "Conservative"]

[[party]]
name = "Liberal Democrats"
names = ["Lib Dems"]
""",
        encoding="utf-8",
    )
    names = parties.party_names(table)
    assert {"conservative party", "conservatives", "tories", "liberal democrats", "lib dems"} <= names
    # adjectives name a party only before a role; rules and attributes are no names
    assert not names & {"gb", "conservative", "tory", "leader", "mp"}
    assert parties.party_names(tmp_path / "none.toml") == frozenset()


def test_office_holders_with_organisation_and_dates():
    G = nx.MultiDiGraph()
    G.add_node("p", label="Tony Blair", type="Person")
    G.add_node("q", label="Gordon Brown", type="Person")
    G.add_node("pm", label="Prime Minister", type="Office")
    G.add_node("ch", label="Chancellor", type="Office")
    G.add_node("uk", label="United Kingdom", type="GPE")
    G.add_node("de", label="Germany", type="GPE")
    s1 = "The UK's Prime Minister, Tony Blair, spoke."
    add_relation(G, "p", "holds_position", "pm", sentence=s1, article="1", date="2005-01-02")
    add_relation(G, "p", "holds_position", "pm", sentence="Prime Minister Tony Blair.", article="2", date="2005-03-02")
    add_relation(G, "pm", "office_of", "uk", sentence=s1, article="1")
    add_relation(G, "q", "holds_position", "ch", sentence="Chancellor Gordon Brown.", article="2")
    add_relation(G, "ch", "office_of", "de", sentence="Germany's chancellor spoke.", article="2")  # not Brown's
    rows = positions.office_holders(G)
    assert [(r["holder"], r["office"], r["of"], r["evidence"], r["first"], r["last"]) for r in rows] == [
        ("Tony Blair", "Prime Minister", "United Kingdom", 2, "2005-01-02", "2005-03-02"),
        ("Gordon Brown", "Chancellor", "", 1, "", ""),
    ]
    assert rows[0]["sentences"][0] == s1
    assert [r["holder"] for r in positions.office_holders(G, since="2005-02-01")] == ["Tony Blair"]


def test_stance_matrix_supports_opposes_mixed():
    G = _graph(
        [
            ("a", "supports", "x"),
            ("a", "supports", "x"),
            ("b", "opposes", "x"),
            ("c", "supports", "y"),
            ("c", "opposes", "y"),
            ("a", "meets", "b"),
        ],
        types={"x": "Issue", "y": "Issue"},
    )
    rows = positions.stance_matrix(G)
    got = {(r["actor_id"], r["issue_id"]): (r["supports"], r["opposes"], r["stance"]) for r in rows}
    assert got == {("a", "x"): (2, 0, "supports"), ("b", "x"): (0, 1, "opposes"), ("c", "y"): (1, 1, "mixed")}
    assert positions.stances_by_actor(rows)["C"] == {"Y": "mixed"}
    assert rows[0]["sentences"] == ["a supports x."]


def test_centrality_on_a_star_and_core():
    G = _graph([("hub", "meets", n) for n in "abcd"] + [("a", "meets", "b")])
    rows = centrality.centrality(G)
    assert rows[0]["actor_id"] == "hub" and rows[0]["degree"] == 4
    by = {r["actor_id"]: r for r in rows}
    assert by["hub"]["betweenness"] > by["a"]["betweenness"] == by["b"]["betweenness"]
    assert by["hub"]["core"] == 2 and by["a"]["core"] == 2 and by["c"]["core"] == 1
    assert abs(sum(r["pagerank"] for r in rows) - 1.0) < 1e-3
    assert len(centrality.centrality(G, top=2)) == 2


def test_ego_and_path_with_sentences():
    G = _graph(
        [
            ("a", "meets", "b"),
            ("b", "attacks", "c"),
            ("c", "aids", "d"),
            ("a", "meets", "x"),
            ("x", "meets", "y"),
            ("y", "meets", "d"),
            ("e", "meets", "f"),
        ]
    )
    assert sorted(centrality.ego(G, "b")) == ["a", "b", "c"]
    assert sorted(centrality.ego(G, "b", radius=2)) == ["a", "b", "c", "d", "x"]
    steps = centrality.path(G, "a", "d")
    assert [(s["from"], s["to"]) for s in steps] == [("a", "b"), ("b", "c"), ("c", "d")]
    assert [s["sentences"] for s in steps] == [["a meets b."], ["b attacks c."], ["c aids d."]]
    back = centrality.path(G, "c", "a")
    assert [(s["source"], s["predicate"], s["target"], s["forward"]) for s in back] == [
        ("b", "attacks", "c", False),
        ("a", "meets", "b", False),
    ]
    with pytest.raises(nx.NetworkXNoPath):
        centrality.path(G, "a", "e")
    with pytest.raises(nx.NodeNotFound):
        centrality.path(G, "a", "nobody")


def test_changes_between_windows():
    G = _graph(
        [
            ("a", "praises", "b", "2025-01-01"),
            ("b", "meets", "c", "2025-01-02"),
            ("a", "attacks", "b", "2025-03-01"),
            ("a", "attacks", "b", "2025-03-02"),
            ("c", "aids", "d", "2025-03-03"),
        ]
    )

    def window(since, until):
        H = nx.MultiDiGraph()
        H.add_nodes_from(G.nodes(data=True))
        for u, v, k, d in G.edges(keys=True, data=True):
            for e in d["evidence"]:
                if graph.in_window(e["date"], since, until):
                    add_relation(H, u, k, v, sentence=e["sentence"], date=e["date"])
        return H

    c = centrality.changes(window(None, "2025-01-31"), window("2025-02-01", None))
    assert c["new"] == [("c", "d")] and c["lost"] == [("b", "c")] and c["flipped"] == [("a", "b")]
    assert {r["actor_id"] for r in c["centrality"]} == {"a", "b", "c", "d"}


def test_window_keeps_dated_evidence_and_tie_changes_name_what_happened():
    G = _graph(
        [
            ("a", "praises", "b", "2025-01-01"),
            ("a", "praises", "c", "2025-01-02"),
            ("c", "attacks", "d", "2025-01-03"),
            ("a", "attacks", "b", "2025-03-01"),
            ("a", "attacks", "b", "2025-03-02"),
            ("b", "aids", "d", "2025-03-03"),
            ("e", "attacks", "f", "2025-01-04"),
            ("e", "praises", "f", "2025-03-04"),
            ("e", "praises", "f", "2025-03-05"),
        ]
    )
    A, B = graph.window(G, until="2025-01-31"), graph.window(G, since="2025-02-01")
    assert set(A) == set(B) == set(G) and A.edges["a", "b", "praises"]["weight"] == 1
    assert not B.has_edge("a", "b", "praises") and B.edges["a", "b", "attacks"]["weight"] == 2
    rows = alliances.tie_changes(alliances.signed_graph(A), alliances.signed_graph(B))
    assert [(r["source"], r["target"], r["change"]) for r in rows] == [
        ("b", "d", "new alliance"),
        ("e", "f", "reconciled"),
        ("a", "b", "broken alliance"),
        ("a", "c", "lapsed alliance"),
        ("c", "d", "ended conflict"),
    ]
    broken = rows[2]
    assert (broken["before"], broken["after"]) == (0.5, -2.0)  # two attacks at 0.5 confidence, weight 2
    assert {e["sentence"] for e in broken["evidence"]} == {"a attacks b."}  # the later window's evidence
    assert alliances.tie_changes(alliances.signed_graph(A), alliances.signed_graph(A)) == []


def test_office_of_comes_from_the_same_mention_when_spans_are_known():
    G = nx.MultiDiGraph()
    for n, t in (("brown", "Person"), ("scholz", "Person"), ("ch", "Office"), ("uk", "GPE"), ("de", "GPE")):
        G.add_node(n, label=n.title(), type=t)
    s = "Germany's Chancellor Olaf Scholz met UK Chancellor Gordon Brown."
    add_relation(G, "scholz", "holds_position", "ch", sentence=s, article="1", span=(10, 20))
    add_relation(G, "ch", "office_of", "de", sentence=s, article="1", span=(0, 20))
    add_relation(G, "brown", "holds_position", "ch", sentence=s, article="1", span=(41, 51))
    add_relation(G, "ch", "office_of", "uk", sentence=s, article="1", span=(38, 51))
    of = {r["holder"]: r["of"] for r in positions.office_holders(G)}
    assert of == {"Brown": "Uk", "Scholz": "De"}  # by sentence alone both would tie


def _article(aid, sentence, entities, relations):
    from kg.model import Article, ArticleGraph, Evidence, Relation

    g = ArticleGraph(Article(aid, sentence, title=aid, date="2005-03-01"), entities=entities)
    g.relations = [
        Relation(s.id, p, o.id, Evidence(aid, sentence, a, b, "test", 0.8), 0.8) for s, p, o, a, b in relations
    ]
    return g


def test_one_mention_names_one_holder(tmp_path):
    """ "Labour leader Tony Blair and Conservative leader Michael Howard": an extractor that gives the
    one "Labour leader" mention to both men is left out for both, in the store's actor graph."""
    from kg.model import Entity
    from kg.schema import ids
    from kg.stores import open_store

    ent = lambda name, t="Person": Entity(ids.entity_id(name, t), name, t)  # noqa: E731
    blair, howard, brown = ent("Tony Blair"), ent("Michael Howard"), ent("Gordon Brown")
    labour, leader = ent("Labour", "Organization"), ent("Party Leader", "Office")
    chancellor = ent("Chancellor", "Office")
    s1 = "Labour leader Tony Blair and Conservative leader Michael Howard campaigned."
    g1 = _article(
        "a1",
        s1,
        [blair, howard, labour, leader],
        [
            (blair, "holds_position", leader, 7, 13),
            (howard, "holds_position", leader, 7, 13),
            (blair, "member_of", labour, 0, 13),
            (howard, "member_of", labour, 0, 13),
            (leader, "office_of", labour, 0, 13),
            (howard, "accuses", blair, 0, 60),
        ],
    )
    s2 = "Chancellor Gordon Brown and Labour leader Tony Blair spoke."
    g2 = _article(
        "a2",
        s2,
        [blair, brown, labour, leader, chancellor],
        [
            (brown, "holds_position", chancellor, 0, 10),
            (blair, "holds_position", leader, 35, 41),
            (blair, "member_of", labour, 28, 41),
            (leader, "office_of", labour, 28, 41),
        ],
    )
    with open_store(str(tmp_path / "s")) as st:
        st.load([g1, g2])
        G = graph.actor_graph(st, evidence=True)
        raw = graph.actor_graph(st, evidence=True, ambiguous=True)
    assert not G.has_edge(howard.id, labour.id) and raw.has_edge(howard.id, labour.id)
    assert not G.has_edge(howard.id, leader.id)
    assert G.edges[blair.id, labour.id, "member_of"]["weight"] == 1  # article a2 only
    assert G.edges[howard.id, blair.id, "accuses"]["weight"] == 1  # other relations untouched
    holders = {(r["holder"], r["office"]): r["of"] for r in positions.office_holders(G)}
    assert holders == {("Tony Blair", "Party Leader"): "Labour", ("Gordon Brown", "Chancellor"): ""}


def test_annotate_sets_what_the_exports_carry():
    G = _graph([*TWO_CAMPS, ("a", "holds_position", "f")], types={"f": "Office"})
    ann = annotate.annotate(G)
    assert {G.nodes[n]["bloc"] for n in "abc"} == {0} and {G.nodes[n]["bloc"] for n in "de"} == {1}
    assert G.nodes["f"]["bloc"] == -1 and G.nodes["f"]["pagerank"] == 0.0
    assert G.nodes["a"]["degree"] == 3 and ann.frustration == 0.0
    assert abs(sum(G.nodes[n]["pagerank"] for n in "abcde") - 1) < 1e-3
    assert G.edges["a", "d", "attacks"]["signed_weight"] == -0.5
    assert G.edges["a", "f", "holds_position"]["signed_weight"] == 0


def test_find_actor():
    G = nx.Graph()
    G.add_node("person/ed-miliband", label="Ed Miliband", type="Person")
    G.add_node("person/david-miliband", label="David Miliband", type="Person")
    G.add_node("person/keir-starmer", label="Keir Starmer", type="Person")
    assert graph.find_actor(G, "Starmer") == "person/keir-starmer"
    assert graph.find_actor(G, "ed miliband") == "person/ed-miliband"
    with pytest.raises(KeyError, match="ambiguous"):
        graph.find_actor(G, "Miliband")
    with pytest.raises(KeyError, match="did you mean"):
        graph.find_actor(G, "Kier Starmr")


# ---------------------------------------------------------------- the example store


@pytest.fixture(scope="module")
def example_G(example_store):
    from kg.stores import open_store

    with open_store(str(example_store), read_only=True) as st:
        return graph.actor_graph(st, evidence=True), graph.actor_graph(st, since="2025-03-01", until="2025-03-31")


def test_actor_graph_counts_each_assertion_once_and_carries_dates(example_G):
    G, _ = example_G
    d = G.edges["person/mark-rutte", "organization/nato", "member_of"]
    assert d["weight"] == len(d["evidence"]) and d["weight"] < 20
    assert d["first"] <= d["last"] and d["first"].startswith("2025-")
    assert G.nodes["person/keir-starmer"]["first"].startswith("2025-")


def test_date_window_on_the_store(example_G):
    G, march = example_G
    assert 0 < march.number_of_edges() < G.number_of_edges()
    for *_, d in march.edges(data=True):
        assert "2025-03-01" <= d["first"] <= d["last"] <= "2025-03-31"


def test_example_store_answers(example_G):
    G, _ = example_G
    holders = {(r["holder"], r["office"]): r for r in positions.office_holders(G)}
    assert holders[("John Healey", "Defence Secretary")]["of"] == "United Kingdom"
    assert holders[("Mark Rutte", "Secretary General")]["of"] == "NATO"
    assert holders[("John Healey", "Defence Secretary")]["sentences"]
    S = alliances.signed_graph(G)
    assert "person/vladimir-putin" in {r["actor"] for r in alliances.adversaries(S, "person/keir-starmer")}
    assert "person/volodymyr-zelensky" in {r["actor"] for r in alliances.allies(S, "person/keir-starmer")}
    parts, _ = alliances.signed_partition(S)
    side = alliances.bloc_of(parts)
    assert side["person/keir-starmer"] != side.get("person/vladimir-putin", -1) or alliances.frustration(S, parts) > 0
    steps = centrality.path(G, "person/keir-starmer", "person/vladimir-putin")
    assert steps and all(s["sentences"] for s in steps)


# ---------------------------------------------------------------- CLI

import csv  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402

from click.testing import CliRunner  # noqa: E402

from kg.cli import main  # noqa: E402


@pytest.fixture(scope="module")
def resolved_store(tmp_path_factory, example_graphs):
    """The example articles loaded through kg.api.load, so cross-article resolution ran."""
    from kg import api
    from kg.model import write_jsonl

    d = tmp_path_factory.mktemp("resolved")
    with open(d / "ex.jsonl", "w", encoding="utf-8") as fh:
        write_jsonl(example_graphs[0], fh)
    counts = api.load([str(d / "ex.jsonl")], store=str(d / "store"))
    assert counts.loaded == 14
    return d / "store"


COMMANDS = {
    "alliances": [],
    "positions": [],
    "centrality": [],
    "actors": [],
    "path": ["Keir Starmer", "Vladimir Putin"],
    "ego": ["Starmer"],
    "changes": ["--a-until", "2025-03-31", "--b-since", "2025-04-01"],
}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cli_analysis_commands_in_every_format(resolved_store, command, fmt):
    res = CliRunner().invoke(
        main, [command, *COMMANDS[command], "--store", str(resolved_store), f"--{fmt}", "--top", "5"]
    )
    assert res.exit_code == 0, res.output + str(res.exception)
    if fmt == "json":
        rows = json.loads(res.stdout)
        assert rows and len(rows) <= 5 and isinstance(rows[0], dict)
    elif fmt == "csv":
        rows = [r for r in csv.reader(io.StringIO(res.stdout)) if r]
        assert 2 <= len(rows) <= 6
    else:
        assert "---" in res.stdout.splitlines()[1]


def test_cli_answers_on_the_example_store(resolved_store):
    def run(*a):
        res = CliRunner().invoke(main, [*a, "--store", str(resolved_store), "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    holders = run("positions")
    assert {"holder": "John Healey", "office": "Defence Secretary", "of": "United Kingdom"}.items() <= next(
        h for h in holders if h["holder"] == "John Healey"
    ).items()
    steps = run("path", "Starmer", "Putin")
    assert steps[0]["relation"] == "accuses" and "Putin" in steps[0]["sentence"]
    ego = run("ego", "Keir Starmer")
    assert any(r["relation"] == "praises" and r["object"] == "Volodymyr Zelensky" for r in ego)
    actors = run("actors")
    assert next(a for a in actors if a["id"] == "person/donald-trump")["first"].startswith("2025-")
    al = run("alliances")
    assert {"bloc", "bloc_party", "actor", "party", "allies", "adversaries", "evidence"} <= set(al[0])
    starmer = next(r for r in al if r["actor"] == "Keir Starmer")
    putin = next(p for p in starmer["adversaries"] if p["actor"] == "Vladimir Putin")
    assert putin["weight"] < 0 and putin["relations"].get("accuses") and putin["id"] == "person/vladimir-putin"
    assert sum(putin["relations"].values()) == len(putin["evidence"])
    assert all(e["relation"] in putin["relations"] and "Putin" in e["sentence"] for e in putin["evidence"])
    assert any(p["actor"] == "Volodymyr Zelensky" and p["weight"] > 0 for p in starmer["allies"])
    assert run("positions", "--stances")[0]["stance"] in ("supports", "opposes", "mixed")
    march = run("centrality", "--since", "2025-03-01", "--until", "2025-03-31")
    assert 0 < len(march) < len(run("centrality", "--top", "1000"))


def test_cli_changes_between_two_windows(resolved_store):
    def run(*a):
        res = CliRunner().invoke(main, ["changes", *a, "--store", str(resolved_store), "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    rows = run("--a-until", "2025-03-31", "--b-since", "2025-04-01")
    kinds = [r["change"] for r in rows]
    assert kinds == sorted(kinds, key=list(alliances.CHANGES.values()).index)  # grouped by kind, in order
    new_conflict = {(r["actor"], r["other"]) for r in rows if r["change"] == "new conflict"}
    assert ("Keir Starmer", "Vladimir Putin") in new_conflict  # Starmer accused Putin in April or later
    starmer = next(r for r in rows if {r["actor"], r["other"]} == {"Keir Starmer", "Vladimir Putin"})
    assert starmer["before"] == 0 and starmer["after"] < 0 and "Putin" in starmer["evidence"]
    assert all(r["evidence"] for r in rows)
    assert run("--a-until", "2025-12-31", "--b-until", "2025-12-31") == []  # the same window twice: no change
    res = CliRunner().invoke(main, ["changes", "--store", str(resolved_store), "--a-until", "2025-03-31"])
    assert res.exit_code == 1 and "both windows" in res.stderr


def test_lists_are_json_arrays_in_json_and_semicolon_joined_in_csv_and_tables(example_store):
    def run(*a):
        res = CliRunner().invoke(main, ["actors", "--store", str(example_store), *a])
        assert res.exit_code == 0, res.output
        return res.stdout

    russia = next(a for a in json.loads(run("--json")) if a["id"] == "gpe/russia")
    assert isinstance(russia["aliases"], list) and len(russia["aliases"]) >= 2, russia
    row = next(r for r in csv.DictReader(io.StringIO(run("--csv"))) if r["id"] == "gpe/russia")
    assert row["aliases"] == "; ".join(russia["aliases"])
    table = run("--table")
    assert f"{russia['aliases'][0]}; " in table and "['" not in table


def test_cli_unknown_actor_is_one_line_error(example_store):
    res = CliRunner().invoke(main, ["path", "Nobody Atall", "Putin", "--store", str(example_store)])
    assert res.exit_code == 1 and "no actor" in res.stderr and "Traceback" not in res.output


def test_cli_merge_and_split_write_the_curation_file(tmp_path):
    store = tmp_path / "s"
    store.mkdir()
    res = CliRunner().invoke(
        main, ["merge", "person/mr-nobody", "person/keir-starmer", "--store", str(store), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == [{"merged": "person/mr-nobody", "into": "person/keir-starmer"}]
    res = CliRunner().invoke(main, ["split", "person/ed-miliband", "David Miliband", "--store", str(store), "--csv"])
    assert res.exit_code == 0 and "person/ed-miliband,David Miliband" in res.stdout
    text = (store / "curation.toml").read_text()
    assert '"person/mr-nobody" = "person/keir-starmer"' in text and "David Miliband" in text
    res = CliRunner().invoke(main, ["merge", "person/keir-starmer", "person/mr-nobody", "--store", str(store)])
    assert res.exit_code == 1 and "already merged" in res.stderr


# ---------------------------------------------------------------- BBC politics (shared data)


@pytest.fixture(scope="module")
def bbc_store(nlp, tmp_path_factory):
    """The example articles plus the 417 BBC politics articles, extracted once and loaded through
    kg.api.load (so cross-article resolution ran)."""
    from kg import api
    from kg import readers as read
    from kg.build.flow import extract
    from kg.model import write_jsonl

    from helpers import EXAMPLES, shared

    folder = shared("external/bbc/politics")
    assert len(list(folder.glob("*.txt"))) == 417
    d = tmp_path_factory.mktemp("bbc")
    with open(d / "bbc.jsonl", "w", encoding="utf-8") as fh:
        write_jsonl(extract(read.read([str(EXAMPLES), str(folder)]), nlp), fh)
    counts = api.load([str(d / "bbc.jsonl")], store=str(d / "store"))
    assert counts.loaded == counts.read >= 400 and not counts.skipped  # BBC repeats some articles: read once
    return d / "store"


@pytest.fixture(scope="module")
def bbc_graph(bbc_store):
    from kg.stores import open_store

    with open_store(str(bbc_store), read_only=True) as st:
        return graph.actor_graph(st, evidence=True)


@pytest.mark.slow  # corpus-scale: the 417 BBC politics articles through the pipeline
def test_bbc_office_holders(bbc_graph):
    held = {(r["holder"], r["office"]): r for r in positions.office_holders(bbc_graph, status="current")}
    for holder, office, of, n in (
        ("Tony Blair", "Prime Minister", "United Kingdom", 10),
        ("Gordon Brown", "Chancellor of the Exchequer", "United Kingdom", 10),  # "Chancellor Gordon Brown" too
    ):
        r = held[(holder, office)]
        assert r["of"] == (r["of"] if of is None else of) and r["evidence"] >= n
        surname = holder.split()[-1]
        assert r["sentences"] and all(surname in s for s in r["sentences"])
    # the party named before each leader's post, not the one before another leader's in the same sentence
    assert held[("Michael Howard", "Leader of the Conservative Party")]["of"] == "Conservative Party"
    assert held[("Charles Kennedy", "Leader of the Liberal Democrats")]["of"] == "Liberal Democrats"
    assert held[("Tim Collins", "Shadow Education Secretary")]["evidence"] >= 5
    assert ("Tim Collins", "Education Secretary") not in held
    assert held[("Lord Falconer", "Lord Chancellor")] and ("Lord Falconer", "Chancellor") not in held
    # the articles on his resignation give David Blunkett the post as former, none as current
    former = {(r["holder"], r["office"]): r for r in positions.office_holders(bbc_graph, status="former")}
    assert any("resigned" in s for s in former[("David Blunkett", "Home Secretary")]["sentences"])
    assert not any("resigned" in s for s in held[("David Blunkett", "Home Secretary")]["sentences"])
    # the one "Labour leader" mention some sentences give to Michael Howard as well is not taken as his party
    assert ("Michael Howard", "Leader of the Labour Party") not in held


@pytest.mark.slow  # corpus-scale: the 417 BBC politics articles through the pipeline
def test_bbc_cli_positions(bbc_store):
    res = CliRunner().invoke(main, ["positions", "--store", str(bbc_store), "--csv"])
    assert res.exit_code == 0
    rows = [r for r in csv.reader(io.StringIO(res.stdout)) if r]
    assert rows[0][:4] == ["holder", "office", "of", "status"] and {r[3] for r in rows[1:]} == {"current"}
    assert any(r[:4] == ["Tony Blair", "Prime Minister", "United Kingdom", "current"] and "Blair" in r[7] for r in rows)
    res = CliRunner().invoke(main, ["positions", "--store", str(bbc_store), "--csv", "--all"])
    assert ("Ken Clarke", "Chancellor of the Exchequer", "former") in {
        (r[0], r[1], r[3]) for r in csv.reader(io.StringIO(res.stdout)) if r
    }


# ---------------------------------------------------------------- the same answers on Neo4j


@pytest.mark.neo4j
def test_analyses_answer_the_same_on_neo4j(example_graphs, example_store, neo, neo4j_uri):
    """The example corpus loaded into Neo4j and into the embedded store: the same actor graph (read by
    Cypher and by SPARQL), and the same alliances, positions, centrality, paths and changes."""
    from kg import api
    from kg.stores import open_store

    uri = neo4j_uri
    neo.load(example_graphs[0])
    with open_store(str(example_store), read_only=True) as emb:
        E = graph.actor_graph(emb, evidence=True)
    N = graph.actor_graph(neo, evidence=True)
    assert sorted(E.edges(keys=True, data=True)) == sorted(N.edges(keys=True, data=True))
    assert dict(E.nodes(data=True)) == dict(N.nodes(data=True)) and E.number_of_edges() > 100
    for verb, kw in [
        ("alliances", {}),
        ("alliances", {"since": "2025-03-01", "until": "2025-05-31"}),
        ("positions", {}),
        ("positions", {"stances": True}),
        ("centrality", {"top": None}),
        ("changes", {"a_until": "2025-03-31", "b_since": "2025-04-01"}),
    ]:
        a, b = getattr(api, verb)(store=example_store, **kw), getattr(api, verb)(store=uri, **kw)
        assert a.columns == b.columns and a.rows == b.rows and a.summary == b.summary, (verb, kw)
        assert a.rows
    a = api.path("Keir Starmer", "Vladimir Putin", store=example_store)
    assert a.rows == api.path("Keir Starmer", "Vladimir Putin", store=uri).rows
    assert api.actors(store=example_store).rows == api.actors(store=uri).rows
    for cmd in (["alliances"], ["positions"], ["centrality"], ["ego", "Starmer"]):
        r1 = CliRunner().invoke(main, [*cmd, "--store", str(example_store), "--json"])
        r2 = CliRunner().invoke(main, [*cmd, "--neo4j", uri, "--json"])
        assert r1.exit_code == r2.exit_code == 0 and json.loads(r1.stdout) == json.loads(r2.stdout), cmd
