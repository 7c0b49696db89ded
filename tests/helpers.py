"""What several test modules share: paths, the shared data, and ways to compare stores and to make
hostile graphs. Fixtures live in conftest.py; test modules import from here, never from each other."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import strategies as st

from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
SHARED_DATA = Path(os.environ.get("KG_SHARED_DATA", ROOT.parent / "shared" / "data"))
HEALEY = SHARED_DATA / "articles" / "healey-us-backstop.txt"
# facts of the Healey article every store must hold, as (subject id, relation, object id)
HEALEY_FACTS = [
    ("person/john-healey", "holds_position", "office/defence-secretary"),
    ("person/keir-starmer", "holds_position", "office/prime-minister"),
    ("person/john-healey", "spoke_at", "organization/institute-for-government"),
    ("gpe/russia", "attacks", "gpe/ukraine"),
    ("person/donald-trump", "holds_position", "office/president"),
    ("person/laura-kyrke-smith", "member_of", "organization/labour-party"),
    ("person/melanie-ward", "holds_position", "office/mp-of-the-labour-party"),
]


def shared(path: str) -> Path:
    """A file under ../shared/data, or a skip that says where it was looked for."""
    p = SHARED_DATA / path
    if not p.exists():
        pytest.skip(f"shared data not found: {p} (set KG_SHARED_DATA to the shared/data folder)")
    return p


# -- comparing stores ----------------------------------------------------------------------------


def canonical_dump(store: Path) -> list[str]:
    """An embedded store as sorted N-Quads lines (what "the same store" means here)."""
    import pyoxigraph as ox

    st_ = ox.Store.read_only(str(store))
    try:
        return sorted(str(q) for q in st_)
    finally:
        del st_


def wipe(st_) -> None:
    """MATCH (n) DETACH DELETE n on a Neo4j store, in chunks (a left-over big graph would not fit one
    transaction)."""
    with st_.driver.session(database=st_.database) as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def neo4j_snapshot(st_) -> tuple[list[str], list[str]]:
    """Every node (labels, properties) and relationship (type, end ids, properties) of a Neo4j store,
    canonically sorted."""
    nodes = st_.query("MATCH (n) RETURN labels(n) AS l, properties(n) AS p").rows
    rels = st_.query("MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS p").rows
    dump = lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False)  # noqa: E731
    return sorted(dump([sorted(labels), p]) for labels, p in nodes), sorted(dump(r) for r in rels)


# -- hostile names -------------------------------------------------------------------------------

_HOSTILE = st.sampled_from(
    [
        " ",
        '"',
        "'",
        "<",
        ">",
        "{",
        "}",
        "\n",
        "\r",
        "\t",
        "\\",
        "#",
        "%",
        "?",
        "/",
        ":",
        "ü",
        "ß",
        "Ω",
        "中",
        "😀",
        "\u00a0",
        "\u2028",
        "\x00",
        "\x7f",
        "DROP ALL",
        "'''",
        '"""',
    ]
)
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=4)
# non-blank strings of characters that RDF syntaxes and SPARQL must escape
hostile_name = st.lists(st.one_of(_HOSTILE, _TEXT), min_size=1, max_size=8).map("".join).filter(lambda s: s.strip())


def hostile_graph(article_id: str, names: list[str]) -> ArticleGraph:
    """An article whose people are ``names``: the first meets each other one and is quoted."""
    ents = [Entity(f"person/{n}", n, "Person", aliases=[n + " alias"]) for n in dict.fromkeys(names)]
    ev = Evidence(article_id, names[0], 0, 1, "test")
    rels = [Relation(ents[0].id, "meets", e.id, ev) for e in ents[1:]]
    quotes = [Quote(ents[0].id, names[-1], "say", ev)]
    return ArticleGraph(Article(id=article_id, text=" ".join(names), title=names[0]), ents, [], rels, quotes)
