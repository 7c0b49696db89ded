"""Golden facts of the real article the project started from (used by path, never copied)."""

import pytest

from kg import readers as read
from kg.nlp.graph import doc_to_graph

from helpers import HEALEY, HEALEY_FACTS, shared


@pytest.fixture(scope="module")
def healey(nlp):
    shared("articles/healey-us-backstop.txt")
    (article,) = list(read.read([str(HEALEY)]))
    return doc_to_graph(nlp(article.text), article)


def _rels(g, pred):
    return {(r.subject, r.object): r for r in g.relations if r.predicate == pred}


def test_healey_is_one_person_and_never_an_org(healey):
    ids = {e.id for e in healey.entities}
    assert "person/john-healey" in ids
    assert not any(e.name == "Healey" or e.id.endswith("/healey") for e in healey.entities)
    names = {e.name: e.type for e in healey.entities}
    assert names["John Healey"] == "Person"
    healey_mentions = [m for m in healey.mentions if m.entity_id == "person/john-healey"]
    assert len(healey_mentions) >= 5  # "Healey" mentions joined the full name


def test_trump_and_starmer_are_one_person_each(healey):
    people = {e.id: e for e in healey.entities if e.type == "Person"}
    assert "person/donald-trump" in people and "person/keir-starmer" in people
    assert not any(e.id in ("organization/trump", "organization/starmer") for e in healey.entities)


@pytest.mark.parametrize("subject,pred,obj", HEALEY_FACTS)
def test_golden_relations_with_evidence(healey, subject, pred, obj):
    rels = _rels(healey, pred)
    assert (subject, obj) in rels, f"missing {subject} {pred} {obj}; have {sorted(rels)}"
    ev = rels[(subject, obj)].evidence
    assert ev.article_id == healey.article.id
    assert ev.sentence and ev.sentence in " ".join(healey.article.text.split())
    assert 0 <= ev.start < ev.end <= len(healey.article.text)


def test_quotes_attributed_to_healey(healey):
    by_healey = [q for q in healey.quotes if q.speaker == "person/john-healey"]
    assert len(by_healey) >= 3
    texts = " ".join(q.text for q in by_healey)
    assert "We must rearm Britain" in texts
    assert "only the US that can provide the deterrence" in texts  # the standalone paragraph quote
    for q in by_healey:
        assert healey.article.text[q.evidence.start : q.evidence.end] == q.text


def test_starmer_willingness_is_intent_and_attributed(healey):
    starmer = [q for q in healey.quotes if q.speaker == "person/keir-starmer"]
    assert any("willing to send peacekeeping troops" in q.text for q in starmer)


def test_no_relation_outside_the_catalogue(healey):
    from kg.schema import catalogue

    cat = catalogue.load()
    ents = {e.id: e.type for e in healey.entities}
    for r in healey.relations:
        rt = cat.relation(r.predicate)
        assert rt.allows(ents[r.subject], ents[r.object]), r


def test_healey_and_hegseth_hold_their_own_countrys_post(healey):
    rels = {(r.subject, r.predicate, r.object) for r in healey.relations}
    assert ("person/john-healey", "holds_position", "office/defence-secretary-of-the-united-kingdom") in rels
    assert ("person/pete-hegseth", "holds_position", "office/defence-secretary-of-the-united-states") in rels
    assert ("office/defence-secretary-of-the-united-kingdom", "office_of", "gpe/united-kingdom") in rels
    assert ("office/defence-secretary-of-the-united-states", "office_of", "gpe/united-states") in rels
    # "UK and US defence secretaries": no one post of both countries
    assert not [r for r in healey.relations if r.predicate == "office_of" and r.subject == "office/defence-secretary"]


def test_stance_on_peacekeeping_troops_is_intent_not_fact(healey):
    (r,) = [r for r in healey.relations if r.predicate == "supports" and r.object == "issue/peacekeeping-troops"]
    assert r.subject == "gpe/united-kingdom"
    assert r.modality == "intent"
    assert "willing to send peacekeeping troops" in r.evidence.sentence
    assert any(e.id == "issue/peacekeeping-troops" and e.type == "Issue" for e in healey.entities)


def test_coreference_attributes_he_said_quotes_to_healey(healey):
    (q,) = [q for q in healey.quotes if q.text.startswith("We must rearm Britain")]
    assert q.speaker == "person/john-healey" and q.cue == "say"
