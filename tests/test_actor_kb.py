"""kg_actor_kb on the real pipeline: entities linked to the Phoenix actor dictionaries with their country
and role as of the article's date, capitals standing for governments, and common-noun actors."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from kg.kb.dictionary import DictionaryError
from kg.model import Article
from kg.nlp.actor_kb import ActorKB
from kg.nlp.graph import doc_to_graph

VALIDATION = Path("/work/shared/data/external/petrarch2/validation")


@pytest.fixture(scope="module")
def extract(nlp):
    def run(text: str, date: str | None = "2005-03-01"):
        g = doc_to_graph(nlp(text), Article(id="t", text=text, date=date))
        return {e.name: e for e in g.entities}, g

    return run


def test_known_person_gets_country_and_role_as_of_the_article_date(extract):
    text = "Tony Blair met Jacques Chirac in Paris to discuss Iraq."
    ents, _ = extract(text, "2005-03-01")
    blair = ents["Tony Blair"]
    assert blair.type == "Person"
    assert (blair.attrs["kb"], blair.attrs["country"], blair.attrs["role"]) == ("TONY_BLAIR_", "GBR", "GOV")
    assert any(r["code"] == "GBRGOV" and r["to"] == "2007-06-27" for r in blair.attrs["roles"])
    assert ents["Jacques Chirac"].attrs["country"] == "FRA"
    later, _ = extract(text, "2009-06-01")
    assert later["Tony Blair"].attrs["role"] == "ELI"  # his government role had ended
    undated, _ = extract(text, None)
    assert "role" not in undated["Tony Blair"].attrs and undated["Tony Blair"].attrs["country"] == "GBR"


def test_surname_alone_is_not_linked(extract):
    ents, _ = extract("Mr Blair told MPs that Mr Howard was wrong about the economy.")
    assert all("kb" not in e.attrs for e in ents.values() if e.type == "Person")


def test_countries_and_cities_carry_their_country(extract):
    ents, _ = extract("Britain and Kenya signed an accord with Nairobi on trade.")
    assert ents["United Kingdom"].attrs["country"] == "GBR"
    assert ents["Kenya"].attrs["country"] == "KEN"


def test_a_capital_that_speaks_is_its_government(extract):
    ents, _ = extract("Moscow said on Tuesday that it would not accept the proposal from Washington.")
    assert (ents["Moscow"].attrs["country"], ents["Moscow"].attrs.get("role")) == ("RUS", "GOV")
    assert "role" not in ents["Washington"].attrs  # named, not acting


@pytest.mark.parametrize(
    "text, name, country, role",
    [
        ("British police arrested three men in Manchester on Monday.", "United Kingdom police", "GBR", "COP"),
        ("Kenya's opposition accused the Russian government of meddling.", "Kenya opposition", "KEN", "OPP"),
        ("Kenya's opposition accused the Russian government of meddling.", "Russia government", "RUS", "GOV"),
        ("Police fired on protesters in Tbilisi, Georgian officials said.", "Georgia protesters", "GEO", "OPP"),
        ("Rebels attacked government forces near the Iraqi border.", "Iraq rebels", "IRQ", "REB"),
        ("Rebels attacked government forces near the Iraqi border.", "Iraq government forces", "IRQ", "MIL"),
        ("Minsk's leaders rejected the demands of Warsaw.", "Belarus leaders", "BLR", "GOV"),
        ("Syrian Kurds clashed with Turkish troops near the border.", "Turkish troops", "TUR", "MIL"),
        ("Opposition parties in Kenya demanded new elections.", "Kenya opposition parties", "KEN", "OPP"),
    ],
)
def test_common_noun_actors_get_country_and_role(extract, text, name, country, role):
    ents, _ = extract(text)
    assert name in ents, sorted(ents)
    assert (ents[name].attrs["country"], ents[name].attrs["role"]) == (country, role)


def test_relations_between_common_noun_actors_are_kept(extract):
    _, g = extract("Kenya's opposition accused the Russian government of meddling.")
    assert ("group/kenya-opposition", "accuses", "organization/russia-government") in {r.key for r in g.relations}


def test_a_narrowed_or_owned_bare_noun_is_no_actor(extract):
    ents, _ = extract("Britain is willing to send peacekeeping troops, and our armed forces are ready, Mr Straw said.")
    assert not any(e.attrs.get("role") == "MIL" for e in ents.values())
    ents, _ = extract(
        "Tuition fees in England and the different fee regime in Scotland did not matter, Mr Clarke said."
    )
    assert not any("agent" in e.attrs for e in ents.values())
    ents, _ = extract("Non-British citizens who may not vote were registered in Leeds, Mr Straw said.")
    assert not any(e.attrs.get("country") == "GBR" and e.attrs.get("role") == "CVL" for e in ents.values())


def test_raw_dictionaries_by_configuration():
    nlp = spacy.blank("en")
    kb = nlp.add_pipe("kg_actor_kb", config={"dictionaries": str(VALIDATION)})
    assert isinstance(kb, ActorKB)
    bilbo = kb.kb.actor("Bilbo")
    assert bilbo is not None and kb.kb.attrs(bilbo)["country"] == "HOB"
    assert kb.kb.agents["parliamentary opposition"] == ("OPP", False)


def test_malformed_or_missing_raw_dictionaries_say_where(tmp_path):
    nlp = spacy.blank("en")
    with pytest.raises(DictionaryError, match=r"components\.kg_actor_kb\.dictionaries"):
        nlp.add_pipe("kg_actor_kb", config={"dictionaries": str(tmp_path / "nowhere")})
    (tmp_path / "mine.actors.txt").write_text("SHIRE [SHR]\n+HOBBITON\n\t[SHRGOV 2001-2002]\n")
    (tmp_path / "mine.agents.txt").write_text("POLICE {} [~COP]\n")
    with pytest.raises(DictionaryError, match=r"mine\.actors\.txt:3: bad date '2001'"):
        nlp.add_pipe("kg_actor_kb", name="other", config={"dictionaries": str(tmp_path)})


def test_tables_are_saved_with_the_pipeline(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_actor_kb", config={"dictionaries": str(VALIDATION)})
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    assert loaded.get_pipe("kg_actor_kb").kb.actor("Bilbo") is not None


@pytest.fixture
def validation_nlp(nlp):
    """The pipeline with PETRARCH's validation dictionaries in place of kg's tables, for one test."""
    nlp.replace_pipe("kg_actor_kb", "kg_actor_kb", config={"dictionaries": str(VALIDATION)})
    try:
        yield nlp
    finally:
        nlp.replace_pipe("kg_actor_kb", "kg_actor_kb")  # kg's own tables again


def test_raw_dictionaries_find_and_type_their_own_names(validation_nlp):
    text = "Caras Galadhon's new mayor left yesterday for Minas Tirith for talks with Arnor."
    g = doc_to_graph(validation_nlp(text), Article(id="v", text=text, date="2008-01-01"))
    found = {e.name: (e.type, e.attrs.get("country")) for e in g.entities}
    assert found["Caras Galadhon"] == ("GPE", "ELF")  # the English model said PERSON
    assert found["Minas Tirith"] == ("GPE", "GON")
    assert found["Arnor"][1] == "ARN"
