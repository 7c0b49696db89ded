"""Cross-article entity resolution (kg.resolve.resolver) and the curation file (kg.resolve.curation)."""

import doctest
import json

import pytest

from kg import api
from kg.model import Article, ArticleGraph, Entity, Evidence, Mention, Quote, Relation, write_jsonl
from kg.resolve import curation
from kg.resolve import resolver as resolve
from kg.resolve.resolver import Resolver

from helpers import shared


def test_docstring_examples():
    for mod in (resolve, curation):
        res = doctest.testmod(mod)
        assert res.failed == 0 and res.attempted > 0


def _article(aid, *people, rel=None, quote_by=None, date="2025-01-01"):
    """An ArticleGraph naming ``people`` (Person entities), optionally with one relation and one quote."""
    ents = [Entity(f"person/{'-'.join(p.lower().split())}", p, "Person") for p in people]
    ents.append(Entity("gpe/united-kingdom", "United Kingdom", "GPE"))
    text = " ".join(people) + " spoke."
    ev = Evidence(aid, text, 0, len(text))
    g = ArticleGraph(
        Article(id=aid, text=text, date=date),
        entities=ents,
        mentions=[Mention(e.id, e.name, 0, len(e.name)) for e in ents],
    )
    if rel:
        g.relations.append(Relation(ents[rel[0]].id, rel[1], ents[rel[2]].id, ev))
    if quote_by is not None:
        g.quotes.append(Quote(ents[quote_by].id, "x", "said", ev, about=[e.id for e in ents]))
    return g


def _final(graphs):
    """The last version of each article a stream yielded (a revision replaces the first), in input order."""
    last = {}
    for g in graphs:
        last[g.article.id] = g
    return list(last.values())


def _ids(g):
    return sorted(e.id for e in g.entities if e.type == "Person")


def test_starmer_variants_become_one_actor_and_every_reference_is_rewritten():
    r = Resolver()
    graphs = [
        _article("1", "Keir Starmer"),
        _article("2", "Mr Starmer", rel=(0, "visits", 1), quote_by=0),
        _article("3", "Sir Keir Starmer"),
        _article("4", "Starmer"),
    ]
    out = _final(r.stream(graphs))
    assert {i for g in out for i in _ids(g)} == {"person/keir-starmer"}
    g2 = next(g for g in out if g.article.id == "2")
    assert g2.relations[0].subject == "person/keir-starmer"
    assert g2.quotes[0].speaker == "person/keir-starmer" and "person/keir-starmer" in g2.quotes[0].about
    assert {m.entity_id for m in g2.mentions} == {"person/keir-starmer", "gpe/united-kingdom"}
    assert "Mr Starmer" in g2.entities[0].aliases and g2.entities[0].name == "Keir Starmer"
    # the input graphs are not modified
    assert graphs[1].relations[0].subject == "person/mr-starmer"


def test_bare_surname_before_the_full_name_still_resolves():
    r = Resolver()
    articles = [_article("1", "Starmer"), _article("2", "Keir Starmer"), _article("3", "Cooper")]
    out = list(r.stream(articles, window=0))
    # each article goes on at once; "Starmer" comes again, revised, once the full name is known
    assert [(g.article.id, _ids(g)) for g in out] == [
        ("1", ["person/starmer"]),
        ("2", ["person/keir-starmer"]),
        ("3", ["person/cooper"]),
        ("1", ["person/keir-starmer"]),
    ]
    assert r.revised == 1 and out[0].article.hash != out[3].article.hash  # the store replaces the first version
    # with a window, "Starmer" waits for the next article, which names him: one version, no revision
    r = Resolver()
    out = list(r.stream(articles, window=1))
    assert [(g.article.id, _ids(g)) for g in out] == [
        ("2", ["person/keir-starmer"]),
        ("1", ["person/keir-starmer"]),
        ("3", ["person/cooper"]),
    ]
    assert r.revised == 0
    # whatever the window, the last versions are the same
    finals = [{g.article.id: g.article.hash for g in Resolver().stream(articles, window=w)} for w in (0, 1, 2, 500)]
    assert all(f == finals[0] for f in finals)


def _titled(aid, *people):
    """An ArticleGraph naming ``people``: (name, alias) pairs as kg_entities gives them ("Alan", "Sir Alan")."""
    ents = [Entity(f"person/{'-'.join(n.lower().split())}", n, "Person", aliases=[a] if a else []) for n, a in people]
    text = " ".join(a or n for n, a in people) + " spoke."
    return ArticleGraph(Article(id=aid, text=text), entities=ents, mentions=[Mention(e.id, e.name, 0, 3) for e in ents])


def test_a_knight_named_by_first_name_is_the_knight_of_the_article_and_no_surname():
    r = Resolver()
    out = _final(
        r.stream(
            [
                _article("0", "Michael Howard", "John Prescott"),
                _titled("1", ("Alan Budd", "Sir Alan Budd"), ("Alan", "Sir Alan")),
                _titled("2", ("Howard Newby", "Sir Howard Newby"), ("Howard", "Sir Howard"), ("Howard", "Mr Howard")),
                _titled("3", ("Alan", "Sir Alan")),  # the one knight called Alan known
                _titled("4", ("John Bourn", "Sir John Bourn")),
                _titled("5", ("John Stevens", "Sir John Stevens")),
                _titled("6", ("John", "Sir John")),  # two knights called John: neither, and no "John" either
                _titled("7", ("Charles Kennedy", None), ("Charles", "Prince Charles")),
            ]
        )
    )
    ids = {g.article.id: _ids(g) for g in out}
    assert ids["1"] == ["person/alan-budd"] and ids["3"] == ["person/alan-budd"]
    # "Sir Howard" is Sir Howard Newby; "Mr Howard" stays apart from both
    assert "person/howard-newby" in ids["2"] and "person/michael-howard" not in ids["2"]
    assert ids["6"] == ["person/sir-john"]
    assert ids["7"] == ["person/charles-kennedy", "person/prince-charles"]
    seven = next(g for g in out if g.article.id == "7")
    assert next(e for e in seven.entities if e.id == "person/prince-charles").name == "Prince Charles"


def test_a_role_or_an_organisation_before_a_name_is_no_part_of_it():
    r = Resolver()
    unison = _article("0", "Dave Prentis")
    unison.entities.append(Entity("organization/unison", "Unison", "Organization"))
    out = _final(
        r.stream(
            [
                _article("1", "Backbencher Stephen Pound"),  # before the name it hides: waits for it
                unison,
                _article("2", "Unison Dave Prentis"),
                _article("3", "Stephen Pound"),
                _article("4", "Philippe Sands QC"),
                _article("5", "Philippe Sands"),
                _article("6", "Manjit Singh Gill"),  # a name of three words stays whole
                _article("7", "Singh Gill"),
            ]
        )
    )
    ids = {g.article.id: _ids(g) for g in out}
    assert ids["1"] == ids["3"] == ["person/stephen-pound"]
    assert ids["2"] == ["person/dave-prentis"]
    assert ids["4"] == ids["5"] == ["person/philippe-sands"]
    assert ids["6"] == ["person/manjit-singh-gill"] and ids["7"] == ["person/singh-gill"]


def test_a_shared_surname_goes_to_the_one_its_article_names_in_full():
    out = _final(
        Resolver().stream(
            [
                _article("1", "Ken Macdonald"),
                _article("2", "Ian MacDonald QC", "MacDonald"),
                _article("3", "MacDonald"),
            ]
        )
    )
    ids = {g.article.id: _ids(g) for g in out}
    assert ids["2"] == ["person/ian-macdonald"]
    assert ids["3"] == ["person/macdonald"]  # two known: no guess


def test_a_short_form_of_a_given_name_is_the_same_person():
    out = _final(
        Resolver().stream(
            [
                _article("1", "Vincent Cable", "Edward Heath", "John McConnell"),
                _article("2", "Vince Cable", "Ted Heath", "Jack McConnell"),
            ]
        )
    )
    assert _ids(out[1]) == ["person/edward-heath", "person/jack-mcconnell", "person/vincent-cable"]


def test_two_milibands_stay_two_people_and_the_bare_surname_stays_unmerged():
    r = Resolver()
    out = _final(
        r.stream(
            [
                _article("1", "Ed Miliband"),
                _article("2", "David Miliband"),
                _article("3", "Miliband"),
                _article("4", "Mr Ed Miliband"),
                _article("5", "D. Miliband"),
            ]
        )
    )
    assert [_ids(g) for g in out] == [
        ["person/ed-miliband"],
        ["person/david-miliband"],
        ["person/miliband"],
        ["person/ed-miliband"],
        ["person/david-miliband"],
    ]


def test_one_known_miliband_takes_the_surname_other_first_names_never_merge():
    out = _final(
        Resolver().stream([_article("1", "Ed Miliband"), _article("2", "Miliband"), _article("3", "David Miliband")])
    )
    ids = [_ids(g) for g in out]
    assert ids[0] == ["person/ed-miliband"] and ids[2] == ["person/david-miliband"]


def test_spelling_variants_merge_by_similarity_but_not_across_first_names():
    out = _final(
        Resolver().stream(
            [
                _article("1", "Volodymyr Zelensky"),
                _article("2", "Volodymyr Zelenskyy"),
                _article("3", "Donald Trump"),
                _article("4", "Donald J. Trump"),
                _article("5", "Melania Trump"),
            ]
        )
    )
    assert [_ids(g)[0] for g in out] == [
        "person/volodymyr-zelensky",
        "person/volodymyr-zelensky",
        "person/donald-trump",
        "person/donald-trump",
        "person/melania-trump",
    ]


def test_a_misspelling_seen_first_does_not_name_the_person(tmp_path):
    misspelt = _article("1", "Robert Preston")
    spelt = [_article(str(n), "Robert Peston") for n in (2, 3, 4)]
    out = _final(Resolver().stream([misspelt, *spelt]))
    # one person; each article keeps its own spelling, so most articles' spelling names him in the store
    assert {_ids(g)[0] for g in out} == {"person/robert-preston"}
    assert [next(e.name for e in g.entities if e.type == "Person") for g in out] == [
        "Robert Preston",
        *["Robert Peston"] * 3,
    ]
    src = tmp_path / "graphs.jsonl"
    with open(src, "w") as fh:
        write_jsonl([misspelt, *spelt], fh)
    assert api.load([str(src)], store=str(tmp_path / "store")).loaded == 4
    label = "SELECT ?l WHERE { <https://kg.example.org/id/person/robert-preston> rdfs:label ?l }"
    assert api.query(label, store=str(tmp_path / "store")).rows == [["Robert Peston"]]


def test_same_surname_disambiguated_by_the_office_held():
    r = Resolver()
    pm = Entity("office/prime-minister", "Prime Minister", "Office")
    g1 = _article("1", "Tony Blair", "Cherie Blair")
    g1.entities.append(pm)
    g1.relations.append(Relation("person/tony-blair", "holds_position", pm.id, Evidence("1", "", 0, 1)))
    g2 = _article("2", "Blair")
    g2.entities.append(pm)
    g2.relations.append(Relation("person/blair", "holds_position", pm.id, Evidence("2", "", 0, 1)))
    g3 = _article("3", "Blair")
    out = _final(r.stream([g1, g2, g3]))
    assert _ids(out[1]) == ["person/tony-blair"]
    assert _ids(out[2]) == ["person/blair"]  # no office to go by: ambiguous, unmerged


def test_organisation_aliases_persist_in_the_alias_table(tmp_path):
    eu = ArticleGraph(
        Article(id="1", text="t"),
        entities=[Entity("organization/european-union", "European Union", "Organization", aliases=["EU"])],
    )
    r = Resolver(path=tmp_path / "aliases.json")
    list(r.stream([eu]))
    r.save()
    r2 = Resolver(path=tmp_path / "aliases.json")
    g = ArticleGraph(Article(id="2", text="t"), entities=[Entity("organization/eu", "EU", "Organization")])
    assert r2.resolve(g).entities[0].id == "organization/european-union"
    assert "person/keir-starmer" not in json.loads((tmp_path / "aliases.json").read_text())["people"]


def test_curation_merge_and_split_win(tmp_path):
    cur = curation.Curation()
    cur.merge("person/mr-nobody", "person/keir-starmer")
    cur.split("person/ed-miliband", ["Miliband"])
    cur.save(tmp_path)
    cur = curation.Curation.load(tmp_path)
    assert cur.merges == {"person/mr-nobody": "person/keir-starmer"} and cur.splits == {
        "person/ed-miliband": ["Miliband"]
    }
    r = Resolver(cur)
    out = _final(
        r.stream(
            [
                _article("1", "Keir Starmer"),
                _article("2", "Mr Nobody"),
                _article("3", "Ed Miliband"),
                _article("4", "Miliband"),
            ]
        )
    )
    assert [_ids(g) for g in out] == [
        ["person/keir-starmer"],
        ["person/keir-starmer"],
        ["person/ed-miliband"],
        ["person/miliband"],
    ]
    with pytest.raises(ValueError):
        cur.merge("person/keir-starmer", "person/mr-nobody")  # would make a cycle


def test_resolution_changes_reload_the_article(tmp_path):
    """The build honours a later curation: the article whose resolution changed is replaced."""
    jsonl = tmp_path / "a.jsonl"
    with open(jsonl, "w") as fh:
        write_jsonl([_article("1", "Keir Starmer"), _article("2", "Mr Nobody", rel=(0, "meets", 1))], fh)
    store = tmp_path / "store"
    first = api.load([str(jsonl)], store=str(store))
    assert first.loaded == 2
    again = api.load([str(jsonl)], store=str(store))
    assert again.unchanged == 2 and again.loaded == 0
    cur = curation.Curation.load(store)
    cur.merge("person/mr-nobody", "person/keir-starmer")
    cur.save()
    third = api.load([str(jsonl)], store=str(store))
    assert third.loaded == 1 and third.unchanged == 1
    ids = {
        r[0]
        for r in api.query(
            "SELECT DISTINCT ?id WHERE { ?e <https://kg.example.org/ontology#entityId> ?id }", store=str(store)
        ).rows
    }
    assert "person/mr-nobody" not in ids and "person/keir-starmer" in ids
    assert (store / "aliases.json").exists()


def test_revised_article_replaces_its_first_version_and_counts_once(tmp_path):
    """A bare surname loaded before its full name is known: the embedded store ends with the revision
    only (also when both versions reach one load call), and the article counts once as loaded."""
    from kg.stores.oxigraph import OxigraphStore

    jsonl = tmp_path / "a.jsonl"
    with open(jsonl, "w") as fh:
        write_jsonl([_article("1", "Starmer", quote_by=0), _article("2", "Keir Starmer")], fh)
    counts = api.load([str(jsonl)], store=str(tmp_path / "store"))
    assert counts.loaded == 2 and counts.read == 2
    q = "SELECT ?g ?id WHERE { GRAPH ?g { ?e <https://kg.example.org/ontology#entityId> ?id } }"
    rows = {(g.rsplit("/", 1)[-1], i) for g, i in api.query(q, store=str(tmp_path / "store")).rows}
    articles = {(g, i) for g, i in rows if g != "entities"}  # the entities graph names each entity once more
    assert ("person/starmer" not in {i for _, i in rows}) and len(
        [g for g, i in articles if i.startswith("person/")]
    ) == 2
    r = Resolver()
    first, second = _article("1", "Starmer"), _article("2", "Keir Starmer")
    versions = list(r.stream([first, second], window=0))
    st = OxigraphStore(None)
    stats = st.load(versions)  # all three in one call: the first version must not survive beside the revision
    assert stats.articles_loaded == 3 and stats.articles_replaced == 1
    people = {s[0] for s in st.query("SELECT ?id WHERE { ?e <https://kg.example.org/ontology#entityId> ?id }").rows}
    assert {p for p in people if p.startswith("person/")} == {"person/keir-starmer"}


@pytest.fixture(scope="module")
def bbc_resolved(nlp):
    """BBC politics articles that name a Blair, a Brown or a Miliband, plus one constructed article about
    Ed Miliband (the 2005 corpus knows only David), extracted and resolved."""
    from kg import readers as read
    from kg.build.flow import extract

    folder = shared("external/bbc/politics")
    files = sorted(
        p
        for p in folder.glob("*.txt")
        if any(k in p.read_text(errors="replace") for k in ("Miliband", "Cherie", "Ian Blair"))
    )
    files += sorted(p for p in folder.glob("*.txt") if "Brown" in p.read_text(errors="replace"))[:15]
    articles = list(read.read([str(p) for p in dict.fromkeys(files)]))
    articles.append(
        Article(
            id="ed-miliband",
            text="Ed Miliband, the Labour MP, spoke in Doncaster on Friday. Mr Miliband said the party was united.",
        )
    )
    raw = list(extract(articles, nlp))
    return raw, _final(Resolver().stream(raw))


def _persons(graphs):
    return {e.id: e for g in graphs for e in g.entities if e.type == "Person"}


def test_bbc_milibands_stay_two_and_blairs_stay_apart(bbc_resolved):
    _raw, out = bbc_resolved
    people = _persons(out)
    assert "person/david-miliband" in people and "person/ed-miliband" in people
    ed = next(g for g in out if g.article.id == "ed-miliband")
    assert _ids(ed) == ["person/ed-miliband"]
    assert "person/tony-blair" in people and "person/cherie-blair" in people
    # a bare "Blair" never lands on Cherie, and Tony Blair never absorbs another first name
    for g in out:
        for e in g.entities:
            if e.id == "person/tony-blair":
                assert not any(a.split()[0] in ("Cherie", "Ian", "Euan") for a in e.aliases)
            if e.id == "person/cherie-blair":
                assert "Mr Blair" not in e.aliases


def test_bbc_short_forms_join_their_full_names(bbc_resolved):
    from collections import Counter

    from kg.resolve.names import is_peer

    raw, out = bbc_resolved
    before, after = _persons(raw), _persons(out)
    assert len(after) <= len(before)
    assert "person/gordon-brown" in after
    # no surname alone where exactly one full name (not a peer's: "Lord Goldsmith" is his name) has it
    fulls = Counter(e.name.split()[-1] for e in after.values() if len(e.name.split()) > 1 and not is_peer(e.name))
    assert not [e.name for e in after.values() if len(e.name.split()) == 1 and fulls[e.name] == 1]
    # every article that had a "Sir/Mr Firstname Surname" style variant now uses the canonical id
    for g in out:
        for e in g.entities:
            if e.type == "Person" and e.id.startswith(("person/mr-", "person/sir-", "person/mrs-")):
                assert e.id.count("-") == 1, e.id  # only "Mrs Howard" beside a Michael Howard keeps a title


def test_close_surnames_are_those_rapidfuzz_finds_among_all_known_ones():
    """Comparing a surname only with known surnames of a length that can score FUZZ finds exactly what
    comparing it with every known surname finds, also for surnames learned after it was first asked."""
    import random

    from rapidfuzz import fuzz

    from kg.resolve.names import FUZZ

    rng = random.Random(7)
    base = [
        "smith",
        "smyth",
        "blair",
        "clarke",
        "miliband",
        "o'brien",
        "mcdonald",
        "kyrke-smith",
        "ab",
        "a",
        "abcdefghijklmnopq",
        "abcdefghijklmnop",
    ]

    def variant(w):
        i = rng.randrange(len(w))
        return rng.choice([w[:i] + w[i + 1 :], w[:i] + rng.choice("aeilnrst") + w[i:], w + "s"]) or "x"

    words = base + [variant(rng.choice(base)) for _ in range(600)]
    r, known = Resolver(), []
    for k, w in enumerate(words):
        r.learn_name(f"person/x-{k}", f"Xavier {w.title()}")
        known = sorted(r._by_surname)
        if k % 5 == 0:
            q = rng.choice(words)
            assert sorted(r._close_surnames(q)) == sorted(s for s in known if fuzz.ratio(q, s) >= FUZZ), q
