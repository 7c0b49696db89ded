"""What the actor knowledge base says of an entity is stored (RDF, Neo4j rows) and read back: the
embedded store round trip, and `kg positions --kb` showing dictionary roles beside the extracted ones."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.model import Article
from kg.nlp.graph import doc_to_graph
from kg.schema import catalogue
from kg.stores import open_store
from kg.stores.neo4j.rows import Rows

TEXT = (
    "Prime Minister Tony Blair met French President Jacques Chirac in Paris on Monday. "
    "Mr Blair said British police would help Kenya's opposition."
)


@pytest.fixture(scope="module")
def graph(nlp):
    return doc_to_graph(nlp(TEXT), Article(id="kb-1", text=TEXT, date="2005-03-01"))


@pytest.fixture(scope="module")
def store(graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("kb") / "store"
    with open_store(str(path)) as st:
        st.load([graph])
    return path


def test_linked_entities_round_trip_through_the_embedded_store(store):
    with open_store(str(store), read_only=True) as st:
        known = st.kb_roles()
        blair = known["person/tony-blair"]
        assert (blair["kb"], blair["country"]) == ("TONY_BLAIR_", "GBR")
        assert "GBRGOV 1997-05-02/2007-06-27" in blair["roles"] and "GBRELI" in blair["roles"]
        kg = catalogue.load().namespaces["kg"]
        rows = st.query(
            f"SELECT ?role ?country WHERE {{ GRAPH ?g {{ ?e <{kg}kbId> 'TONY_BLAIR_' ; <{kg}roleCode> ?role ;"
            f" <{kg}countryCode> ?country }} }}"
        ).dicts()
        assert rows == [{"role": "GOV", "country": "GBR"}]  # as of the article's date
        agents = st.query(
            f"SELECT ?id ?code WHERE {{ GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{kg}agentCode> ?code }} }}"
        ).dicts()
        assert {"id": "organization/united-kingdom-police", "code": "COP"} in agents


def test_positions_show_dictionary_roles_marked_as_such(store):
    res = CliRunner().invoke(main, ["positions", "--store", str(store), "--all", "--kb", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    blair = [r for r in rows if r["holder"] == "Tony Blair"]
    assert {r["source"] for r in blair} == {"text", "dictionary"}
    gov = [r for r in blair if r["source"] == "dictionary" and r["office"] == "GBRGOV"]
    assert {(r["first"], r["last"]) for r in gov} >= {("1997-05-02", "2007-06-27")}
    plain = CliRunner().invoke(main, ["positions", "--store", str(store), "--all", "--json"])
    assert all("source" not in r for r in json.loads(plain.output))


def test_neo4j_rows_carry_the_knowledge_base(graph):
    rows = Rows()
    rows.add(graph)
    people = rows.entities["Person"]
    assert people["person/tony-blair"]["kb"] == "TONY_BLAIR_"
    assert "GBRGOV 1997-05-02/2007-06-27" in people["person/tony-blair"]["kbRoles"]
    mention = next(m for m in rows.mentions if m["b"] == "person/tony-blair")
    assert mention["role"] == "GOV"  # the role as of this article's date, on its MENTIONS edge
