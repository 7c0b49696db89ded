"""Each spaCy component on hand-picked sentences, including the hard cases."""

import pytest

from kg.model import Article
from kg.nlp.graph import doc_to_graph


def graph(nlp, text):
    return doc_to_graph(nlp(text), Article(id="t", text=text))


def rels(g, pred=None):
    return {(r.subject, r.predicate, r.object): r for r in g.relations if pred in (None, r.predicate)}


def test_pipeline_is_the_model_plus_kg_components(nlp):
    # component_names: in the "selected" parse mode the parse pipes are disabled, run by kg_parse
    assert nlp.component_names[:2] == ["tok2vec", "tagger"]
    for name in ("kg_offices", "kg_entities", "kg_positions", "kg_coref", "kg_relations", "kg_quotes"):
        assert name in nlp.pipe_names
    assert nlp.component_names.index("kg_paragraphs") < nlp.component_names.index("parser")
    assert nlp.component_names.index("kg_paragraphs") < nlp.component_names.index("senter")


def test_model_can_be_chosen_and_missing_model_is_a_clear_error():
    from kg.nlp import PipelineError, load_pipeline

    with pytest.raises(PipelineError, match="no_such_model"):
        load_pipeline(model="no_such_model")


def test_office_premodifier_and_apposition(nlp):
    g = graph(nlp, "Defence Secretary John Healey met Pete Hegseth, the US Defense Secretary, in London.")
    r = rels(g, "holds_position")
    assert ("person/john-healey", "holds_position", "office/defence-secretary") in r
    assert ("person/pete-hegseth", "holds_position", "office/defense-secretary-of-the-united-states") in r
    assert set(rels(g, "office_of")) == {
        ("office/defense-secretary-of-the-united-states", "office_of", "gpe/united-states")
    }


def test_x_the_y_of_z(nlp):
    g = graph(nlp, "The talks were chaired by Mark Rutte, the Secretary General of NATO.")
    assert ("person/mark-rutte", "holds_position", "office/secretary-general-of-nato") in rels(g)
    assert ("office/secretary-general-of-nato", "office_of", "organization/nato") in rels(g)


def test_party_mps(nlp):
    g = graph(nlp, "Two Labour MPs, Laura Kyrke-Smith and Melanie Ward, argued that the plans were too timid.")
    r = rels(g)
    for p in ("person/laura-kyrke-smith", "person/melanie-ward"):
        assert (p, "holds_position", "office/mp-of-the-labour-party") in r
        assert (p, "member_of", "organization/labour-party") in r


def test_short_form_joins_long_form_and_takes_person_label(nlp):
    g = graph(nlp, "John Healey spoke in London. Later, Healey said the plan was sound.")
    assert [e.id for e in g.entities if "healey" in e.id] == ["person/john-healey"]


def test_demonyms_and_country_aliases(nlp):
    g = graph(
        nlp, "British and Russian officials met. The UK and Britain are one country, as is the U.S. with America."
    )
    ids = {e.id for e in g.entities}
    assert {"gpe/united-kingdom", "gpe/russia", "gpe/united-states"} <= ids
    assert not any(i in ids for i in ("gpe/uk", "gpe/britain", "group/british", "gpe/u-s"))


def test_active_and_passive_voice(nlp):
    a = graph(nlp, "Russia attacked Ukraine in February.")
    p = graph(nlp, "Ukraine was attacked by Russia in February.")
    assert ("gpe/russia", "attacks", "gpe/ukraine") in rels(a)
    assert ("gpe/russia", "attacks", "gpe/ukraine") in rels(p)


def test_coordination(nlp):
    g = graph(nlp, "France and Germany criticised Russia and Belarus.")
    r = rels(g, "criticises")
    for s in ("gpe/france", "gpe/germany"):
        for o in ("gpe/russia", "gpe/belarus"):
            assert (s, "criticises", o) in r


def test_negation_gives_no_edge(nlp):
    g = graph(nlp, "Hungary refused to support Ukraine. Germany did not back France.")
    assert not rels(g, "supports")


def test_modality_is_recorded_as_intent(nlp):
    g = graph(nlp, "Keir Starmer said the United Kingdom would be willing to support Ukraine.")
    (r,) = [r for r in g.relations if r.predicate == "supports"]
    assert r.modality == "intent"
    assert r.subject == "gpe/united-kingdom" and r.object == "gpe/ukraine"


def test_control_gives_the_subject(nlp):
    g = graph(nlp, "Only the United States can deter Russia from attacking Ukraine again.")
    assert ("gpe/russia", "attacks", "gpe/ukraine") in rels(g)
    assert ("gpe/united-states", "deters", "gpe/russia") in rels(g)


def test_noun_relations(nlp):
    g = graph(nlp, "Russia launched an attack on Ukraine. Keir Starmer held talks with Emmanuel Macron.")
    assert ("gpe/russia", "attacks", "gpe/ukraine") in rels(g)
    assert ("person/emmanuel-macron", "negotiates_with", "person/keir-starmer") in rels(g)  # symmetric: sorted


def test_direct_quote_speaker_after_and_pronoun(nlp):
    text = (
        'John Healey visited Kyiv on Monday.\n"We will stand with Ukraine for as long as it takes," he said.\n'
        '"Our support is unwavering and it will not end," said Healey.'
    )
    g = graph(nlp, text)
    quotes = [q for q in g.quotes if q.kind == "direct"]
    assert len(quotes) == 2
    assert all(q.speaker == "person/john-healey" for q in quotes)
    assert quotes[0].text.startswith("We will stand with Ukraine")
    assert "gpe/ukraine" in quotes[0].about


def test_unattributed_paragraph_quote_carries_speaker(nlp):
    text = (
        "Emmanuel Macron said Europe must do more.\n"
        '"The Europeans have to step up and carry a much larger share of the load."'
    )
    g = graph(nlp, text)
    q = next(q for q in g.quotes if q.kind == "direct")
    assert q.speaker == "person/emmanuel-macron"


def test_reported_speech(nlp):
    g = graph(nlp, "Emmanuel Macron warned that Russia would test the resolve of Europe.")
    (q,) = g.quotes
    assert q.kind == "reported" and q.cue == "warn" and q.speaker == "person/emmanuel-macron"
    assert q.text.startswith("Russia would test")


def test_role_noun_resolves_to_office_holder(nlp):
    text = (
        "Prime Minister Keir Starmer arrived in Washington. The Prime Minister held talks with President Donald Trump."
    )
    g = graph(nlp, text)
    assert ("person/donald-trump", "negotiates_with", "person/keir-starmer") in rels(g)


def test_money_keeps_currency_and_percent_is_normalised(nlp):
    g = graph(
        nlp, "The agency will be given a £20bn budget. Poland plans to raise defence spending to 4.7 per cent of GDP."
    )
    names = {e.name for e in g.entities if e.type == "Quantity"}
    assert "£20bn" in names and "4.7%" in names


def test_empty_and_odd_text_does_not_fail(nlp):
    for text in ["", " ", '"', '""', "\n\n\n", "{}`)) DETACH DELETE n //", "\x00\x01 control"]:
        graph(nlp, text)


def test_stances_on_issues(nlp):
    g = graph(
        nlp,
        "Germany backed the security guarantee. France opposed higher defence spending. "
        "Hungary refused to support the sanctions package.",
    )
    r = rels(g)
    assert ("gpe/germany", "supports", "issue/security-guarantee") in r
    assert ("gpe/france", "opposes", "issue/defence-spending") in r
    assert not rels(g, "supports").keys() - {("gpe/germany", "supports", "issue/security-guarantee")}


def test_a_name_with_an_office_in_apposition_is_a_person_and_speaks_on(nlp):
    # the model tags "Kemi Badenoch" GPE; her office makes her a person, and "welcomed ... and said" a
    # speaker whom the next sentence's "She argued" continues (not the Chancellor named before her)
    text = (
        "Rachel Reeves, the Chancellor, said the plan was affordable. Kemi Badenoch, the Leader of the "
        "Opposition, welcomed the announcement and said the Conservatives would support it. She argued "
        "that her party had been calling for the move for months."
    )
    g = graph(nlp, text)
    types = {e.name: e.type for e in g.entities}
    assert types.get("Kemi Badenoch") == "Person", types
    argued = [q for q in g.quotes if q.cue == "argue"]
    assert argued and argued[0].speaker == "person/kemi-badenoch", [(q.speaker, q.text) for q in g.quotes]


def test_a_surname_the_tagger_took_for_a_noun_is_still_the_person(nlp):
    text = (
        "Donald Trump met Keir Starmer at the White House. Vance raised concerns about free speech in "
        "Britain. Starmer replied that Britain had enjoyed free speech for a very long time.\n\n"
        '"We are proud of our tradition of free speech, and it is not going anywhere," he said.'
    )
    g = graph(nlp, text)
    proud = [q for q in g.quotes if "proud of our tradition" in q.text]
    assert proud and proud[0].speaker == "person/keir-starmer", [(q.speaker, q.text) for q in g.quotes]


def test_reported_speech_split_by_the_parser_is_one_quote_said_by_each_coordinated_speaker(nlp):
    text = (
        "Two Labour MPs, Laura Kyrke-Smith and Melanie Ward, argued that plans to raise spending to 2.5 per "
        "cent of GDP were no longer sufficient and that the UK should look to Poland."
    )
    g = graph(nlp, text)
    argued = [q for q in g.quotes if q.cue == "argue"]
    assert {q.speaker for q in argued} == {"person/laura-kyrke-smith", "person/melanie-ward"}
    assert {q.text for q in argued} == {
        "plans to raise spending to 2.5 per cent of GDP were no longer sufficient and that the UK should look to Poland"
    }


def test_indices_finds_the_tokens_whose_attribute_is_one_of_the_values(nlp):
    from spacy.attrs import LEMMA, LOWER

    from kg.nlp import attrs

    doc = nlp("Healey said the Army warned that troops said nothing. Zebra! said zzz")
    for attr, name, words in (
        (LOWER, "lower_", ["said", "zebra", "zzz", "the"]),
        (LEMMA, "lemma_", ["say", "warn"]),
        (LOWER, "lower_", ["absent"]),
        (LOWER, "lower_", ["zzz"]),
    ):
        values = attrs.hashes(nlp.vocab, words)
        assert attrs.indices(doc, attr, values) == [t.i for t in doc if getattr(t, name) in words]
    assert attrs.indices(doc, LOWER, attrs.hashes(nlp.vocab, ["said"]))  # not vacuous
    assert attrs.indices(nlp(""), LOWER, attrs.hashes(nlp.vocab, ["said"])) == []


def test_docs_keep_their_text_and_token_character_bounds(nlp):
    from spacy.tokens import Doc

    from kg.nlp import attrs

    text = "Healey  met\n\nthe NATO (North Atlantic Treaty Organization) chief “today”.  "
    doc = nlp(text)
    assert attrs.text(doc) is text  # kept, not rebuilt
    starts, ends = attrs.char_bounds(doc)
    assert [(starts[i], ends[i]) for i in range(len(doc))] == [(t.idx, t.idx + len(t)) for t in doc]
    assert all(
        text[starts[i] : ends[j - 1]] == doc[i:j].text for i in range(len(doc)) for j in range(i + 1, len(doc) + 1)
    )
    built = Doc(nlp.vocab, words=["No", "kept", "text"], spaces=[True, True, False])
    assert attrs.text(built) == "No kept text"  # a Doc not made by the pipeline: rebuilt
