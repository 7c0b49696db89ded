"""The analyses (kg.analyse.*) on small constructed graphs with known answers, and on the example store."""

import doctest

import networkx as nx
import pytest

from kg.analyse import alliances, centrality, graph, positions
from kg.analyse.graph import add_relation


@pytest.mark.parametrize("mod", [graph, alliances, positions, centrality])
def test_docstring_examples(mod):
    res = doctest.testmod(mod)
    assert res.failed == 0 and res.attempted > 0


def _graph(edges, types=None):
    """edges: (subject, predicate, object[, date])."""
    G = nx.MultiDiGraph()
    for e in edges:
        for n in (e[0], e[2]):
            G.add_node(n, label=n.upper(), type=(types or {}).get(n, "Person"))
        add_relation(G, e[0], e[1], e[2], sentence=f"{e[0]} {e[1]} {e[2]}.", article=f"art-{e[0]}{e[2]}",
                     date=e[3] if len(e) > 3 else None, confidence=0.5)
    return G


# two camps: {a, b, c} cooperate, {d, e} cooperate, conflict across
TWO_CAMPS = [("a", "meets", "b"), ("b", "allies_with", "c"), ("a", "aids", "c"), ("d", "cooperates_with", "e"),
             ("a", "attacks", "d"), ("c", "criticises", "e"), ("b", "sanctions", "d")]


def test_signed_graph_weights_are_evidence_times_confidence_and_signed():
    G = _graph(TWO_CAMPS + [("a", "meets", "b"), ("a", "holds_position", "f")], types={"f": "Office"})
    S = alliances.signed_graph(G)
    assert "f" not in S  # offices are not actors
    assert S["a"]["b"]["weight"] == 1.0 and S["a"]["b"]["positive"] == 1.0  # 2 pieces × 0.5
    assert S["a"]["d"]["weight"] == -0.5 and S["a"]["d"]["sign"] == -1
    assert {e["sentence"] for e in S["a"]["b"]["evidence"]} == {"a meets b."}
    # a tie with both cooperation and conflict nets out
    G2 = _graph([("x", "meets", "y"), ("x", "meets", "y"), ("y", "attacks", "x")])
    assert alliances.signed_graph(G2)["x"]["y"]["weight"] == 0.5


def test_signed_graph_date_window():
    G = _graph([("a", "meets", "b", "2025-01-05"), ("a", "attacks", "c", "2025-03-01")])
    S = alliances.signed_graph(G, since="2025-02-01")
    assert not S.has_edge("a", "b") and S.has_edge("a", "c")
    S = alliances.signed_graph(G, until="2025-01-31")
    assert S.has_edge("a", "b") and not S.has_edge("a", "c")


def test_blocs_and_signed_partition_find_the_two_camps():
    S = alliances.signed_graph(_graph(TWO_CAMPS))
    assert [sorted(b) for b in alliances.blocs(S)] == [["a", "b", "c"], ["d", "e"]]
    parts, frus = alliances.signed_partition(S)
    assert [sorted(p) for p in parts] == [["a", "b", "c"], ["d", "e"]] and frus == 0.0
    assert alliances.frustration(S, [set("abcde")]) == 1.5  # the three conflicts, 0.5 each


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
    S = nx.Graph([("a", "b", {"weight": 1}), ("b", "c", {"weight": 1}), ("a", "c", {"weight": -1}),
                  ("c", "d", {"weight": -1}), ("a", "d", {"weight": 1})])  # abc unbalanced, acd balanced
    assert alliances.balance(S) == {"triangles": 2, "balanced": 1, "ratio": 0.5}
    assert alliances.balance(nx.Graph([("a", "b", {"weight": 1})]))["ratio"] is None


def test_allies_adversaries_and_bridges():
    G = _graph(TWO_CAMPS + [("a", "meets", "b"), ("c", "meets", "d")])
    S = alliances.signed_graph(G)
    assert [r["actor"] for r in alliances.allies(S, "a")] == ["b", "c"]  # b has two pieces of evidence
    assert [r["actor"] for r in alliances.adversaries(S, "a")] == ["d"]
    assert alliances.allies(S, "a")[0]["evidence"][0]["sentence"] == "a meets b."
    parts = [set("abc"), set("de")]
    assert [(r["source"], r["target"]) for r in alliances.bridges(S, parts)] == [("c", "d")]
    assert len(alliances.bridges(S, parts, sign=None)) == 4


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
        ("Gordon Brown", "Chancellor", "", 1, "", "")]
    assert rows[0]["sentences"][0] == s1
    assert [r["holder"] for r in positions.office_holders(G, since="2005-02-01")] == ["Tony Blair"]


def test_stance_matrix_supports_opposes_mixed():
    G = _graph([("a", "supports", "x"), ("a", "supports", "x"), ("b", "opposes", "x"), ("c", "supports", "y"),
                ("c", "opposes", "y"), ("a", "meets", "b")], types={"x": "Issue", "y": "Issue"})
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
    G = _graph([("a", "meets", "b"), ("b", "attacks", "c"), ("c", "aids", "d"), ("a", "meets", "x"),
                ("x", "meets", "y"), ("y", "meets", "d"), ("e", "meets", "f")])
    assert sorted(centrality.ego(G, "b")) == ["a", "b", "c"]
    assert sorted(centrality.ego(G, "b", radius=2)) == ["a", "b", "c", "d", "x"]
    steps = centrality.path(G, "a", "d")
    assert [(s["from"], s["to"]) for s in steps] == [("a", "b"), ("b", "c"), ("c", "d")]
    assert [s["sentences"] for s in steps] == [["a meets b."], ["b attacks c."], ["c aids d."]]
    back = centrality.path(G, "c", "a")
    assert [(s["source"], s["predicate"], s["target"], s["forward"]) for s in back] == [
        ("b", "attacks", "c", False), ("a", "meets", "b", False)]
    with pytest.raises(nx.NetworkXNoPath):
        centrality.path(G, "a", "e")
    with pytest.raises(nx.NodeNotFound):
        centrality.path(G, "a", "nobody")


def test_changes_between_windows():
    G = _graph([("a", "meets", "b", "2025-01-01"), ("b", "meets", "c", "2025-01-02"),
                ("a", "attacks", "b", "2025-03-01"), ("a", "attacks", "b", "2025-03-02"), ("c", "aids", "d", "2025-03-03")])

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

    with open_store("oxigraph", path=str(example_store), read_only=True) as st:
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
    assert side["person/keir-starmer"] != side.get("person/vladimir-putin", -1) or \
        alliances.frustration(S, parts) > 0
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
    "alliances": [], "positions": [], "centrality": [], "actors": [],
    "path": ["Keir Starmer", "Vladimir Putin"], "ego": ["Starmer"],
}


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cli_analysis_commands_in_every_format(resolved_store, command, fmt):
    res = CliRunner().invoke(main, [command, *COMMANDS[command], "--store", str(resolved_store), f"--{fmt}",
                                    "--top", "5"])
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
    assert {"holder": "John Healey", "office": "Defence Secretary", "of": "United Kingdom"}.items() <= \
        next(h for h in holders if h["holder"] == "John Healey").items()
    steps = run("path", "Starmer", "Putin")
    assert steps[0]["relation"] == "accuses" and "Putin" in steps[0]["sentence"]
    ego = run("ego", "Keir Starmer")
    assert any(r["relation"] == "praises" and r["object"] == "Volodymyr Zelensky" for r in ego)
    actors = run("actors")
    assert next(a for a in actors if a["id"] == "person/donald-trump")["first"].startswith("2025-")
    al = run("alliances")
    assert {"bloc", "actor", "allies", "adversaries", "evidence"} <= set(al[0])
    assert run("positions", "--stances")[0]["stance"] in ("supports", "opposes", "mixed")
    march = run("centrality", "--since", "2025-03-01", "--until", "2025-03-31")
    assert 0 < len(march) < len(run("centrality", "--top", "1000"))


def test_cli_unknown_actor_is_one_line_error(example_store):
    res = CliRunner().invoke(main, ["path", "Nobody Atall", "Putin", "--store", str(example_store)])
    assert res.exit_code == 1 and "no actor" in res.stderr and "Traceback" not in res.output


def test_cli_merge_and_split_write_the_curation_file(tmp_path):
    store = tmp_path / "s"
    store.mkdir()
    res = CliRunner().invoke(main, ["merge", "person/mr-nobody", "person/keir-starmer", "--store", str(store), "--json"])
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
def bbc_graph(nlp, tmp_path_factory):
    """BBC politics articles that name Michael Howard, Gordon Brown or Tony Blair, resolved and loaded."""
    from kg import api, read
    from kg.model import write_jsonl
    from kg.pipeline import extract
    from tests.conftest import shared

    folder = shared("external/bbc/politics")
    files = [str(p) for p in sorted(folder.glob("*.txt"))
             if any(k in p.read_text(errors="replace") for k in ("Michael Howard", "Gordon Brown", "Tony Blair"))]
    d = tmp_path_factory.mktemp("bbc")
    with open(d / "bbc.jsonl", "w", encoding="utf-8") as fh:
        write_jsonl(extract(read.read(files), nlp), fh)
    api.load([str(d / "bbc.jsonl")], store=str(d / "store"))
    from kg.stores import open_store

    with open_store("oxigraph", path=str(d / "store"), read_only=True) as st:
        return graph.actor_graph(st, evidence=True)


def test_bbc_office_holders_and_blocs(bbc_graph):
    G = bbc_graph
    held = {(r["holder"], r["office"]): r for r in positions.office_holders(G)}
    assert held[("Tony Blair", "Prime Minister")]["of"] == "United Kingdom"
    assert held[("Gordon Brown", "Chancellor")]["of"] == "United Kingdom"
    assert held[("Gordon Brown", "Chancellor")]["sentences"]
    S = alliances.signed_graph(G)
    parts, _ = alliances.signed_partition(S)
    side = alliances.bloc_of(parts)
    # Labour figures together, the Conservative leader apart
    # the Labour Chancellor and the Conservative leader (a -2.1 tie) end in different blocs, and the
    # partition is at least as good as the cooperation communities it starts from
    assert side["person/gordon-brown"] != side["person/michael-howard"]
    assert alliances.frustration(S, parts) <= alliances.frustration(S, alliances.blocs(S))
    assert "person/michael-howard" in {r["actor"] for r in alliances.adversaries(S, "person/gordon-brown", None)}
    assert all(e["sentence"] for r in alliances.adversaries(S, "person/gordon-brown") for e in r["evidence"])
