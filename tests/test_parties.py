"""Parties as one Organization each, and party membership and party posts read from the words around a
name ("Conservative leader Michael Howard", "Lib Dem spokesman Ed Davey", "Labour's Alan Milburn")."""

import pytest
from spacy.tokens import Span

from kg.model import Article
from kg.nlp.graph import doc_to_graph
from kg.nlp.parties import PartyRuler, mark_parties

LABOUR = "organization/labour-party"
TORIES = "organization/conservative-party"
LIB_DEMS = "organization/liberal-democrats"


def graph(nlp, text, aid="t"):
    """The offices as the positions extractor reads them: titles, with the owners of each mention."""
    return doc_to_graph(nlp(text), Article(id=aid, text=text, date="2005-03-01"), posts=False)


def triples(g, pred=None):
    return {(r.subject, r.predicate, r.object) for r in g.relations if pred in (None, r.predicate)}


def test_parties_are_marked_before_entity_resolution(nlp):
    assert nlp.pipe_names.index("kg_offices") < nlp.pipe_names.index("kg_parties") < nlp.pipe_names.index("kg_entities")


PARTY_NAMES = (
    "Labour has been accused of dirty tricks by the Tories. The Conservatives said New Labour had broken its "
    "promises, and a Tory spokesman said the Labour Party could not be trusted. The Lib Dems said the "
    "Liberal Democrats would stand in every seat, while a Conservative campaign chief and Lib Dem activists "
    "in Leeds disagreed."
)


def test_party_variants_are_one_organization_each(nlp):
    g = graph(nlp, PARTY_NAMES)
    parties = {e.id: e for e in g.entities if e.id in (LABOUR, TORIES, LIB_DEMS)}
    assert set(parties) == {LABOUR, TORIES, LIB_DEMS}
    assert all(e.type == "Organization" for e in parties.values())
    assert {"Labour", "New Labour"} <= set(parties[LABOUR].aliases)
    assert {"Tories", "Conservatives", "Tory"} <= set(parties[TORIES].aliases)
    assert {"Lib Dems"} <= set(parties[LIB_DEMS].aliases)
    # no other node for any of the forms, of any type
    forms = {"labour", "new labour", "tories", "tory", "conservatives", "conservative", "lib dems", "lib dem"}
    assert not [e for e in g.entities if e.name.lower() in forms]


def test_party_name_glued_to_the_word_before_it_is_repaired(nlp):
    text = "Mr Blair wants to talk about the central purpose ofNew Labour and its future."
    doc = nlp(text)
    assert [t.text for t in doc][9:12] == ["of", "New", "Labour"]
    g = doc_to_graph(doc, Article(id="t", text=text))
    assert [e.type for e in g.entities if e.id == LABOUR] == ["Organization"]
    assert [m.text for m in g.mentions if m.entity_id == LABOUR] == ["New Labour"]
    assert not [e for e in g.entities if "ofNew" in e.name or "ofNew" in " ".join(e.aliases)]


@pytest.mark.parametrize(
    "text",
    [
        "The labour market has tightened further, according to the latest official figures.",
        "Labour costs rose by 3% in the last quarter, the Office for National Statistics said.",
        "The International Labour Organisation said child labour was falling in Asia.",
    ],
)
def test_labour_the_noun_is_no_party(nlp, text):
    assert LABOUR not in {e.id for e in graph(nlp, text).entities}


def test_coordinated_leaders_each_get_their_own_party(nlp):
    g = graph(
        nlp,
        "Mr Kennedy's tour comes as Labour leader Tony Blair and Conservative leader Michael Howard step up "
        "their campaigns.",
    )
    r = triples(g)
    assert ("person/tony-blair", "member_of", LABOUR) in r
    assert ("person/michael-howard", "member_of", TORIES) in r
    assert ("person/michael-howard", "member_of", LABOUR) not in r
    assert ("person/tony-blair", "member_of", TORIES) not in r
    assert ("person/tony-blair", "holds_position", "office/leader-of-the-labour-party") in r
    assert ("person/michael-howard", "holds_position", "office/leader-of-the-conservative-party") in r
    assert {
        ("office/leader-of-the-labour-party", "office_of", LABOUR),
        ("office/leader-of-the-conservative-party", "office_of", TORIES),
    } <= r
    assert ("office/leader-of-the-labour-party", "office_of", TORIES) not in r


@pytest.mark.parametrize(
    "text,person,office",
    [
        (
            "Tory leader Michael Howard said the plans would not work.",
            "person/michael-howard",
            "office/leader-of-the-conservative-party",
        ),
        ("Lib Dem spokesman Ed Davey said the quangos had multiplied.", "person/ed-davey", "office/spokesperson"),
        (
            "Liberal Democrat home affairs spokesman Mark Oaten said the judge should decide.",
            "person/mark-oaten",
            "office/spokesperson",
        ),
        ("Labour MP Stephen Pound said he was delighted.", "person/stephen-pound", "office/mp"),
        ("Labour party chairman Ian McCartney met the campaigners.", "person/ian-mccartney", "office/chairman"),
    ],
)
def test_party_post_is_owned_by_the_party(nlp, text, person, office):
    r = triples(graph(nlp, text))
    party = next(p for p in (LABOUR, TORIES, LIB_DEMS) if (office, "office_of", p) in r)
    assert (person, "holds_position", office) in r
    assert (person, "member_of", party) in r


def test_mp_for_a_seat(nlp):
    r = triples(graph(nlp, "Douglas Hogg, the Conservative MP for Sleaford, said the bill was an outrage."))
    assert ("person/douglas-hogg", "holds_position", "office/mp") in r
    assert ("person/douglas-hogg", "member_of", TORIES) in r
    assert ("office/mp", "office_of", TORIES) in r


def test_party_before_a_name_gives_membership(nlp):
    r = triples(graph(nlp, "Labour's Alan Milburn said the party would fight on its record."), "member_of")
    assert ("person/alan-milburn", "member_of", LABOUR) in r


UKIP = "organization/uk-independence-party"


@pytest.mark.parametrize(
    "text, person, party",
    [
        ("UKIP MEP Nigel Farage said the deal was a sham.", "person/nigel-farage", UKIP),
        ("Nigel Farage, of the UK Independence Party, said the deal was a sham.", "person/nigel-farage", UKIP),
        ("Simon Thomas of Plaid Cymru asked about the funding.", "person/simon-thomas", "organization/plaid-cymru"),
    ],
)
def test_party_after_a_name_gives_membership(nlp, text, person, party):
    assert (person, "member_of", party) in triples(graph(nlp, text), "member_of")


def test_a_party_named_after_a_person_is_no_membership_of_them(nlp):
    r = triples(graph(nlp, "The leader of the Tories met Tony Blair of Labour."), "member_of")
    assert r == {("person/tony-blair", "member_of", LABOUR)}


def test_a_portfolio_read_as_a_name_is_no_person(nlp):
    """The English model reads a capitalised portfolio between a party and its office as a person's name."""
    for text in (
        "Lib Dem Home Affairs spokesman Mark Oaten said the plan was unworkable.",
        "Lib Dem Treasury spokesman Vince Cable branded the Tory plans fantasy economics.",
    ):
        g = graph(nlp, text)
        people = {e.name for e in g.entities if e.type == "Person"}
        assert people in ({"Mark Oaten"}, {"Vince Cable"}), people
        assert not {r.subject for r in g.relations if r.predicate == "member_of"} - {
            "person/mark-oaten",
            "person/vince-cable",
        }


def test_a_party_whose_name_holds_another_partys_form_is_its_own(nlp):
    doc = nlp("Neither the English Democrats nor Veritas wanted him, a UK official said.")
    assert [e.ent_id_ for e in doc.ents if e.label_ == "ORG"] == ["English Democrats", "Veritas"]


def test_party_before_a_state_office_is_the_holders_party(nlp):
    r = triples(graph(nlp, "Former Tory chancellor Ken Clarke said the euro had been a success."))
    assert ("person/ken-clarke", "member_of", TORIES) in r
    assert ("office/chancellor", "office_of", TORIES) not in r


def test_party_glued_to_a_name_by_the_model_is_split_off(nlp):
    """The English model at times reads a party and the name after it as one person."""
    ruler = nlp.get_pipe("kg_parties")
    doc = nlp.make_doc("Later , Tories Ken Clarke said the euro was safe .")
    doc.ents = [Span(doc, 2, 5, label="PERSON")]
    mark_parties(doc, ruler.table, ruler.matcher)
    assert [(e.text, e.label_, e.ent_id_) for e in doc.ents] == [
        ("Tories", "ORG", "Conservative Party"),
        ("Ken Clarke", "PERSON", ""),
    ]


def test_another_name_holding_a_party_form_is_left_alone(nlp):
    ruler = nlp.get_pipe("kg_parties")
    doc = nlp.make_doc("Prof Al Aynsley-Green and Damian Green discussed the Green Paper .")
    doc.ents = [Span(doc, 1, 5, label="PERSON"), Span(doc, 6, 8, label="PERSON")]
    mark_parties(doc, ruler.table, ruler.matcher)
    assert [(e.text, e.label_) for e in doc.ents] == [("Al Aynsley-Green", "PERSON"), ("Damian Green", "PERSON")]


def test_a_shared_name_goes_to_the_party_of_the_country_named(nlp):
    canada = graph(nlp, "In Ottawa, the Conservatives said Canada needed lower taxes, and the Liberals disagreed.")
    ids = {e.id for e in canada.entities}
    assert {"organization/conservative-party-of-canada", "organization/liberal-party-of-canada"} <= ids
    assert TORIES not in ids
    uk = graph(nlp, "In London, the Conservatives said Britain needed lower taxes.")
    assert TORIES in {e.id for e in uk.entities}


def test_a_weak_form_needs_its_country(nlp):
    def parties(text):
        return [e.ent_id_ for e in nlp(text).ents if e.ent_id_ and e.label_ == "ORG"]

    assert parties("Vox said the film was a hit in London.") == []  # the website
    assert parties("In Madrid, Vox said Spain should close its borders.") == ["Vox"]


def test_the_table_comes_from_initialize_and_is_saved(nlp, tmp_path):
    table = tmp_path / "parties.toml"
    table.write_text(
        '[[party]]\nname = "Party of Testers"\ncountry = "GB"\nfamily = "test"\nnames = ["Testers"]\n', "utf-8"
    )
    ruler = PartyRuler(nlp, "parties")
    ruler.initialize(parties=str(table))
    saved = PartyRuler(nlp, "saved")
    ruler.to_disk(tmp_path / "saved")
    saved.from_disk(tmp_path / "saved")
    for r in (ruler, saved):
        doc = nlp.make_doc("Both Labour and the Testers said no .")
        doc.ents = []
        r(doc)
        assert [(e.text, e.ent_id_) for e in doc.ents] == [("Testers", "Party of Testers")]


def test_positions_show_the_party_as_the_posts_owner(nlp, tmp_path):
    from kg import api
    from kg.model import write_jsonl

    graphs = [
        graph(nlp, "Tory leader Michael Howard said the tax plans did not add up.", "a1"),
        graph(nlp, "Liberal Democrat leader Charles Kennedy said the war was wrong.", "a2"),
        graph(nlp, "Conservative leader Michael Howard visited Dover on Monday.", "a3"),
    ]
    with open(tmp_path / "g.jsonl", "w", encoding="utf-8") as fh:
        write_jsonl(graphs, fh)
    api.load([str(tmp_path / "g.jsonl")], store=str(tmp_path / "store"))
    rows = {(r[0], r[1]): r[2] for r in api.positions(store=str(tmp_path / "store")).rows}
    assert rows[("Michael Howard", "Leader of the Conservative Party")] == "Conservative Party"
    assert rows[("Charles Kennedy", "Leader of the Liberal Democrats")] == "Liberal Democrats"


def test_a_former_post_is_no_membership(nlp, tmp_path):
    """ "ex-UKIP MEP X" names a post X has left, and a party X has left with it."""
    from kg import api
    from kg.model import write_jsonl

    graphs = [
        graph(nlp, "UKIP leader Roger Knapman said the party would fight every seat.", "a1"),
        graph(nlp, "The film was about ex-UKIP MEP Robert Kilroy-Silk and his new party.", "a2"),
        graph(nlp, "Conservative leader Michael Howard accused Tony Blair of lying.", "a3"),
    ]
    with open(tmp_path / "g.jsonl", "w", encoding="utf-8") as fh:
        write_jsonl(graphs, fh)
    api.load([str(tmp_path / "g.jsonl")], store=str(tmp_path / "store"))
    from kg.analyse import graph as actor_graph
    from kg.analyse import parties
    from kg.stores import open_store

    with open_store(str(tmp_path / "store"), read_only=True) as st:
        G = actor_graph.actor_graph(st, evidence=True)
    assert ("person/robert-kilroy-silk", "organization/uk-independence-party") in {
        (u, v) for u, v, d in G.edges(data=True) if d["predicate"] == "member_of"
    }  # read off the post's mention, which says the post is a former one
    members = parties.membership(G)
    assert members["person/roger-knapman"] == UKIP
    assert "person/robert-kilroy-silk" not in members
    # Knapman has no act of support or conflict: his party's bloc holds him all the same
    blocs = {b["party"]: b["actors"] for b in api.alliances(store=str(tmp_path / "store")).summary["blocs"]}
    assert blocs["UK Independence Party"] == ["Roger Knapman", "UK Independence Party"]
    assert "Michael Howard" in blocs["Conservative Party"]


def test_a_party_is_no_member_of_another():
    """ "32 Labour rebels joined the Conservatives in voting against" is no membership of a party."""
    import networkx as nx

    from kg.analyse import parties
    from kg.analyse.graph import add_relation

    G = nx.MultiDiGraph()
    G.add_node(LABOUR, label="Labour Party", type="Organization")
    G.add_node(TORIES, label="Conservative Party", type="Organization")
    G.add_node("person/tony-blair", label="Tony Blair", type="Person")
    add_relation(G, LABOUR, "member_of", TORIES, sentence="Labour rebels joined the Conservatives.")
    add_relation(G, "person/tony-blair", "member_of", LABOUR, sentence="Labour's Tony Blair said no.")
    assert parties.membership(G) == {"person/tony-blair": LABOUR}
