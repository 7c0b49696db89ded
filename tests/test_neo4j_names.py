"""An entity the articles spell differently has one name, chosen by the same rule (the name most articles
give) in the embedded store, in Neo4j and in the neo4j-admin import files, through loads and replacements."""

from __future__ import annotations

import csv

from kg.export.neo4j_import import Neo4jImportWriter
from kg.model import Article, ArticleGraph, Entity, Evidence, Relation
from kg.schema import catalogue
from kg.stores import open_store

AQ = "organization/al-qaeda"
US = "gpe/united-states"


def article(aid: str, name: str, text_tail: str = "") -> ArticleGraph:
    text = f"The United States struck {name} camps.{text_tail}"
    ents = [Entity(AQ, name, "Organization"), Entity(US, "United States", "GPE")]
    ev = Evidence(aid, text, 0, len(text), "test", 0.8)
    return ArticleGraph(Article(aid, text, title=aid), entities=ents, relations=[Relation(US, "attacks", AQ, ev, 0.8)])


def embedded_names(st) -> dict[str, str]:
    kg = catalogue.load().namespaces["kg"]
    q = f"SELECT ?id ?l WHERE {{ ?e <{kg}entityId> ?id ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
    return {r[0]: r[1] for r in st.query(q).rows}


def neo4j_names(neo) -> dict[str, str]:
    return {r[0]: r[1] for r in neo.query("MATCH (e:Entity) RETURN e.id, e.name").rows}


def import_names(folder) -> dict[str, str]:
    out = {}
    for path in (folder / "nodes").glob("*.csv"):
        with path.open(newline="") as fh:
            rows = list(csv.reader(fh))
        if rows and rows[0][0].startswith("id:ID(Entity)"):
            out.update({r[0]: r[1] for r in rows[1:]})
    return out


def test_the_name_most_articles_give_wins_everywhere_also_after_a_replacement(neo, tmp_path):
    x1, x2, y = article("x1", "al-Qaeda"), article("x2", "al-Qaeda"), article("y", "Al-Qaeda")
    x1_again = article("x1", "Al-Qaeda", " Again.")
    with open_store(str(tmp_path / "store")) as st:
        st.load([x1, x2, y])
        neo.load([y])  # first seen with the minority form, then outvoted in a later batch
        neo.load([x1, x2])
        assert embedded_names(st)[AQ] == neo4j_names(neo)[AQ] == "al-Qaeda"
        assert embedded_names(st) == neo4j_names(neo)

        st.load([x1_again])  # the majority now spells it "Al-Qaeda"
        neo.load([x1_again])
        assert embedded_names(st)[AQ] == neo4j_names(neo)[AQ] == "Al-Qaeda"
        assert embedded_names(st) == neo4j_names(neo)

        assert neo.load([x1_again, x2, y]).articles_unchanged == 3  # the same versions again: no change
        assert neo4j_names(neo)[AQ] == "Al-Qaeda"
    with Neo4jImportWriter(tmp_path / "import") as w:
        w.load([x1, x2, y, x1_again])
    assert import_names(tmp_path / "import") == neo4j_names(neo)

    neo.load([x1])  # and back
    with Neo4jImportWriter(tmp_path / "import-before") as w:
        w.load([x1, x2, y])
    assert import_names(tmp_path / "import-before") == neo4j_names(neo)
    assert neo4j_names(neo)[AQ] == "al-Qaeda"


def test_a_batch_naming_an_entity_two_ways_takes_the_majority(neo):
    neo.load([article("p", "Al-Qaeda"), article("q", "al-Qaeda"), article("r", "al-Qaeda")])
    assert neo4j_names(neo)[AQ] == "al-Qaeda"
    neo.load([article("s", "Al-Qaeda"), article("t", "Al-Qaeda")], batch_size=1)
    assert neo4j_names(neo)[AQ] == "Al-Qaeda"
