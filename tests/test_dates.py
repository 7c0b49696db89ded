"""Dates: phrases normalised against the article's date, and carried by relations into the stores."""

import doctest
from datetime import date

import pytest

from kg.model import Article
from kg.nlp import dates
from kg.nlp.graph import doc_to_graph

WED = date(2025, 2, 26)  # a Wednesday in ISO week 9


@pytest.mark.parametrize(
    "phrase,future,expected",
    [
        ("today", None, "2025-02-26"),
        ("yesterday", None, "2025-02-25"),
        ("last night", None, "2025-02-25"),
        ("tomorrow", None, "2025-02-27"),
        ("on Friday", True, "2025-02-28"),
        ("Friday", False, "2025-02-21"),
        ("Wednesday", None, "2025-02-26"),
        ("last Wednesday", None, "2025-02-19"),
        ("next Wednesday", None, "2025-03-05"),
        ("next Monday", None, "2025-03-03"),
        ("last week", None, "2025-W08"),
        ("this week", None, "2025-W09"),
        ("next week", None, "2025-W10"),
        ("last month", None, "2025-01"),
        ("next month", None, "2025-03"),
        ("last year", None, "2024"),
        ("this year", None, "2025"),
        ("27 February", None, "2025-02-27"),
        ("the 3rd of March", None, "2025-03-03"),
        ("February 27, 2024", None, "2024-02-27"),
        ("Sept. 5", None, "2025-09-05"),
        ("March 2023", None, "2023-03"),
        ("in 2024", None, "2024"),
        ("2025-02-01", None, "2025-02-01"),
        ("late March", None, "2025-03"),
        ("three years", None, None),
        ("the 1990s", None, None),
        ("recent weeks", None, None),
        ("31 February", None, None),
    ],
)
def test_phrases_are_normalised_against_the_article_date(phrase, future, expected):
    assert dates.normalise(phrase, WED, future=future) == expected


def test_without_an_article_date_only_phrases_naming_their_year_are_normalised():
    assert dates.normalise("March 2023") == "2023-03" and dates.normalise("February 27, 2024") == "2024-02-27"
    assert dates.normalise("yesterday") is None and dates.normalise("27 February") is None


def test_the_article_date_field_is_read_as_given():
    assert dates.anchor_of("2025-02-26") == WED
    assert dates.anchor_of("2025-02-26T18:30:00Z") == WED
    assert dates.anchor_of("2025-02-26 garbage") == WED
    assert dates.anchor_of("26/02/2025") is None and dates.anchor_of(None) is None


def test_module_examples():
    assert doctest.testmod(dates).failed == 0


def test_relations_carry_when_they_happened(nlp):
    text = (
        "Donald Trump will meet Volodymyr Zelensky at the White House on Friday. "
        "Russia attacked Ukraine last night. Germany sanctioned Russia in March 2022."
    )
    g = doc_to_graph(nlp(text), Article(id="t", text=text, date="2025-02-26"))
    when = {(r.subject, r.predicate, r.object): r.attrs.get("date") for r in g.relations}
    assert when[("person/donald-trump", "meets", "person/volodymyr-zelensky")] == "2025-02-28"  # the coming Friday
    assert when[("gpe/russia", "attacks", "gpe/ukraine")] == "2025-02-25"
    assert when[("gpe/germany", "sanctions", "gpe/russia")] == "2022-03"
    undated = doc_to_graph(nlp(text), Article(id="t", text=text))
    assert {r.predicate: r.attrs.get("date") for r in undated.relations} == {
        "meets": None,
        "attacks": None,
        "sanctions": "2022-03",
    }


def test_the_date_reaches_the_rdf_store(nlp, tmp_path):
    from kg.schema.queries import with_prefixes
    from kg.stores import open_store

    text = "Russia attacked Ukraine last night."
    g = doc_to_graph(nlp(text), Article(id="dated", text=text, date="2025-02-26"))
    with open_store(str(tmp_path / "store")) as st:
        st.load([g])
        rows = st.query(with_prefixes("SELECT ?d WHERE { GRAPH ?g { ?a a kg:Assertion ; kg:eventDate ?d } }")).dicts()
    assert [str(r["d"]) for r in rows] == ["2025-02-25"]


@pytest.mark.neo4j
def test_the_date_reaches_neo4j_and_the_named_query(nlp, neo):
    text = "Russia attacked Ukraine last night."
    neo.load([doc_to_graph(nlp(text), Article(id="dated", text=text, date="2025-02-26"))])
    assert neo.query("MATCH (x:Assertion) RETURN x.eventDate AS d").rows == [["2025-02-25"]]
    from kg.schema.queries import named

    res = neo.query(named("relations-with-evidence", "cypher"))
    assert res.columns[:5] == ["subject", "relation", "object", "modality", "date"] and res.rows[0][4] == "2025-02-25"


def test_a_future_marker_in_the_relation_picks_the_coming_weekday_and_offices_get_no_dateline(nlp):
    text = (
        "LONDON, 24 February 2025 - Pedro Sanchez, the Spanish Prime Minister, spoke in Madrid. "
        "He is due to meet Donald Trump in Washington on Thursday."
    )
    g = doc_to_graph(nlp(text), Article(id="t", text=text, date="2025-02-24"))  # a Monday
    meets = [r for r in g.relations if r.predicate == "meets"]
    assert meets and meets[0].attrs.get("date") == "2025-02-27"
    assert all("date" not in r.attrs for r in g.relations if r.predicate in ("holds_position", "office_of"))


def test_the_date_of_the_trigger_clause_wins_over_an_earlier_one(nlp):
    text = (
        "Volodymyr Zelensky, the Ukrainian President, attended a dinner for leaders hosted by King "
        "Willem-Alexander on Tuesday evening and held talks with Donald Trump on the sidelines on Wednesday."
    )
    g = doc_to_graph(nlp(text), Article(id="t", text=text, date="2025-06-25"))  # a Wednesday
    talks = [r for r in g.relations if r.predicate == "negotiates_with"]
    assert talks and {r.attrs.get("date") for r in talks} == {"2025-06-25"}, [(r.attrs, r.subject) for r in talks]
