"""kg eval petrarch: the validation-record reader on written samples and on the real files, the actor-code
matching, the scorer on hand-built ArticleGraphs with known counts, and the CLI end to end."""

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.evaluate import MappingError, dictionary_overrides, load_mapping, petrarch
from kg.evaluate.petrarch_codes import ActorCodes, KgActor, kg_actor
from kg.evaluate.petrarch_xml import GoldEvent, Record, load, parse
from kg.evaluate.report import Report
from kg.model import Article, ArticleGraph, Entity, Evidence, Relation
from kg.nlp import apply_overrides, register

from helpers import shared

GSR = "external/petrarch2/validation/PETR2_GSR_validation.xml"
UNIT = "external/petrarch2/validation/PETR.UnitTest.records.xml"

# --------------------------------------------------------------------------- the reader

SAMPLE = """<Validation>
##########  a banner of '#' lines, outside any comment  ##########
<Environment>
    <Verbfile>PETR.Validate.verbs.txt</Verbfile>
    <Actorfile>PETR.Validate.actors.txt</Actorfile>
    <Include>valid DEMO VERB</Include>
</Environment>
<Sentences>
<!--Stop></Stop-->
<Sentence date="19950101" id="DEMO-00" category="DEMO" sentence="true">
<!-- Simple coding -->
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>
Arnor is about to restore full diplomatic ties with Gondor almost
five years after crowds trashed its embassy.
</Text>
<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>
</Sentence>
<Sentence category="VERB" date="20080804" id="V-1" evaluate="true"/>
<EventCoding noevents="True" />
<Text>
Nothing happened.
</Text>
</Sentence>
<Sentence date = "20090101" category="VERB" sentence="true" id ="V-2">
<EventCoding sourcecode='"THE MINISTRY OF MAGIC"' targetcode="GON" eventcode="032"></EventCoding>
<Text>The Ministry of Magic praised Gondor.</Text>
</Sentence>
<Sentence date="19950101" id="V-3" category="VERB" sentence="false">
<EventCoding noevents="True"></EventCoding><Text>Left out.</Text></Sentence>
<Sentence date="19950101" id="X-1" category="OTHER" sentence="true">
<EventCoding noevents="True"></EventCoding><Text>Not included.</Text></Sentence>
<Sentence date="19950101" id="E-1" category="DEMO" sentence="true">
<EventCoding error="bad_input_parse"></EventCoding><Text>Arnor met Gondor.</Text></Sentence>
<Sentence date="19950101" id="E-2" category="DEMO" sentence="true">
<EventCoding error="storydiscard"></EventCoding><Text>Arnor played golf.</Text></Sentence>
<Sentence date="19950101" id="V-4" category="VERB" sentence="true">
<EventCoding sourcecode="ARN" eventcode="064"></EventCoding><Text>Half a coding.</Text></Sentence>
<Sentence date="20150101" id="V-5" category="VERB" evaluate="true"/>
<EventCoding eventcode="190" sourcecode="NGAREB" targetcode="NGAMUS" />
<Text>
</Text>
<Parse>
1\tBoko\tBoko\tPROPN\tNNP\t_\t2\tname\t_\t_
2\tHaram\tHaram\tPROPN\tNNP\t_\t3\tnsubj\t_\t_
3\tstruck\tstrike\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No
4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_
</Parse></Sentence>
<Stop></Stop>
<Sentence date="19950101" id="AFTER-STOP" category="DEMO" sentence="true">
<EventCoding noevents="True"></EventCoding><Text>Never read.</Text></Sentence>
</Sentences>
</Validation>
"""


def test_reader_parses_the_loose_format_and_says_why_records_are_left_out():
    v = parse(SAMPLE)
    assert v.include == ("DEMO", "VERB") and v.environment["Actorfile"] == "PETR.Validate.actors.txt"
    assert v.stopped_at is not None
    by_id = {r.id: r for r in v.records}
    assert list(by_id) == ["DEMO-00", "V-1", "V-2", "E-2", "V-5"]
    demo = by_id["DEMO-00"]
    assert demo.date == "1995-01-01" and demo.category == "DEMO"
    assert demo.text == (
        "Arnor is about to restore full diplomatic ties with Gondor almost five years after crowds trashed its embassy."
    )
    assert demo.events == [GoldEvent("ARN", "GON", "064")] and demo.events[0].root == "06"
    assert by_id["V-1"].events == [] and by_id["V-1"].expects == "noevents"
    assert by_id["V-2"].events[0].source == '"THE MINISTRY OF MAGIC"'
    assert by_id["E-2"].events == [] and by_id["E-2"].expects == "storydiscard"
    assert by_id["V-5"].text == "Boko Haram struck."  # an empty <Text> read from the CoNLL-U parse
    skipped = {s.id: s.reason for s in v.skipped}
    assert skipped["V-3"] == 'sentence="false"'
    assert "not in <Include>" in skipped["X-1"]
    assert "parse tree" in skipped["E-1"]
    assert "without sourcecode" in skipped["V-4"]
    assert "AFTER-STOP" not in skipped and "AFTER-STOP" not in by_id


def test_reader_on_the_gsr_file():
    v = load(shared(GSR))
    assert len(v.records) == 78 and not v.skipped  # every record has evaluate="true" and an included category
    assert sum(len(r.events) for r in v.records) == 80
    assert sum(r.expects == "noevents" for r in v.records) == 12
    first = v.records[0]
    assert (first.id, first.date, first.events) == ("AFP0808020625_4", "2008-08-04", [GoldEvent("USA", "CHN", "042")])
    assert all(r.text and r.date for r in v.records)


def test_reader_on_the_unit_test_file():
    v = load(shared(UNIT))
    assert len(v.records) + len(v.skipped) == 284
    assert len(v.records) == 275
    reasons = {s.id: s.reason for s in v.skipped}
    assert reasons["DEMO-04"] == 'sentence="false"' and "COMPOUNDx" in reasons["COMPOUND-36"]
    assert {"ERROR-02", "ERROR-03"} <= set(reasons)
    assert v.records[-1].id == "FINAL-RECORD" and v.records[-1].expects == "noevents"
    assert "PETR.Validate.actors.txt" in v.environment["Actorfile"]


def test_reader_rejects_what_is_no_validation_file(tmp_path):
    f = tmp_path / "x.xml"
    f.write_text("<html><body>no records</body></html>")
    with pytest.raises(ValueError, match="no <Sentence> records"):
        load(f)
    with pytest.raises(ValueError, match="a folder"):
        load(tmp_path)


# --------------------------------------------------------------------------- actor codes


def _codes():
    return ActorCodes.of(load_mapping("petrarch").extra["actors"])


@pytest.mark.parametrize(
    ("gold", "country", "roles", "country_level", "role_level"),
    [
        ("USA", "USA", (), True, True),
        ("USAGOV", "USA", ("GOV",), True, True),
        ("USAGOV", "USA", (), True, False),
        ("USAGOV", "USA", ("MIL",), True, False),
        ("USA", "USA", ("GOV",), True, True),  # the gold names no role
        ("IRQGOVMIL", "IRQ", ("MIL",), True, True),
        ("RUS", "GBR", (), False, False),
        ("PSEGZA", "PSE", (), True, True),  # GZA is a region, not a role
        ("IGOUNOMIL", "UNO", ("MIL",), True, True),
        ("IGOUNO", "IGOUNO", (), True, True),
        ("IGOWSTNAT", "NATO", (), True, True),
        ("IGOEUREEC", "EUR", (), True, True),
        ("IGOUNO", "USA", (), False, False),
        ("USA", "IGOUNO", (), False, False),
        ("---REB", None, ("REB",), True, True),
        ("---REB", "SYR", ("REB",), False, False),
        ("---", None, (), False, False),
        ("GBRGOV", "GBRGOV", (), True, True),  # a whole code where the country is expected
    ],
)
def test_actor_code_matching_levels(gold, country, roles, country_level, role_level):
    actor = KgActor(country, frozenset(roles))
    codes = _codes()
    assert codes.matches(gold, actor, "country") is country_level
    assert codes.matches(gold, actor, "role") is role_level


def test_kg_actor_reads_entity_attrs_and_names():
    e = Entity(
        "e1", "the Ministry of Magic", "Organization", aliases=["MoM"], attrs={"country": "gbr", "role": "GOVMIL"}
    )
    a = kg_actor(e)
    assert a.country == "GBR" and a.roles == {"GOV", "MIL"} and "ministry of magic" in a.names
    assert kg_actor(Entity("e2", "X", "Person", attrs={"role": ["OPP"]})).roles == {"OPP"}
    assert not kg_actor(Entity("e3", "Y", "Person")).coded


# --------------------------------------------------------------------------- the scorer


def _graph(rid, entities, relations):
    ents = [Entity(i, name, "GPE", attrs=attrs) for i, name, attrs in entities]
    ev = Evidence(rid, "s", 0, 1)
    rels = [Relation(s, p, o, ev, **kw) for s, p, o, kw in relations]
    return ArticleGraph(Article(rid, "s"), entities=ents, relations=rels)


USA = ("us", "United States", {"country": "USA", "role": "GOV"})
CHN = ("cn", "China", {"country": "CHN"})
RUS = ("ru", "Russia", {"country": "RUS"})
FRA = ("fr", "France", {"country": "FRA"})
RWA = ("rw", "Rwanda", {"country": "RWA"})


def _constructed():
    """Four records: a match, a swap, a wrong root (plus a kg event nothing matches), a false alarm."""
    records = [
        Record("match", "A", "2008-08-04", "The US visited China.", [GoldEvent("USAGOV", "CHN", "042")], 1),
        Record("swap", "A", "2008-08-04", "Russia accused France.", [GoldEvent("RUS", "FRA", "112")], 2),
        Record("root", "B", "2008-08-04", "China attacked Russia.", [GoldEvent("CHN", "RUSMIL", "190")], 3),
        Record("quiet", "B", "2008-08-04", "France accused Rwanda.", [], 4, expects="noevents"),
    ]
    graphs = [
        _graph("match", [USA, CHN], [("us", "visits", "cn", {})]),
        _graph("swap", [RUS, FRA], [("fr", "accuses", "ru", {})]),
        _graph(
            "root",
            [CHN, RUS, USA],
            [
                ("cn", "threatens", "ru", {}),
                ("us", "criticises", "cn", {}),  # an event the gold does not have
                ("us", "attacks", "ru", {"negated": True}),  # negated: no event
                ("us", "member_of", "cn", {}),  # no CAMEO code: no event
            ],
        ),
        _graph("quiet", [FRA, RWA], [("fr", "accuses", "rw", {"attrs": {"cameo": "1121"}})]),
    ]
    return records, graphs


def test_scorer_exact_counts_on_a_constructed_case():
    records, graphs = _constructed()
    mapping = load_mapping("petrarch")
    report = Report("petrarch", "-", headline="dyad country")
    tallies = petrarch.score(zip(records, graphs, strict=True), mapping, report)
    country = tallies["country"]
    # gold 3 events; kg 5 events: visits, accuses (swapped), threatens (root 13 for 19), criticises, accuses (alarm)
    assert (country.dyad.tp, country.dyad.fp, country.dyad.fn) == (3, 2, 0)
    assert country.dyad.precision == 0.6 and country.dyad.recall == 1.0 and country.dyad.f1 == pytest.approx(0.75)
    assert (country.direction.correct, country.direction.total) == (2, 3)
    assert (country.root.correct, country.root.total) == (2, 3)
    assert (country.quad.correct, country.quad.total) == (2, 3)  # 13 verbal conflict vs 19 material conflict
    assert (country.code.correct, country.code.total) == (2, 3)
    assert (country.event.tp, country.event.fp, country.event.fn) == (1, 4, 2)  # only "match" is all right
    role = tallies["role"]
    # USAGOV needs kg's GOV (there), RUSMIL needs MIL (Russia has no role): the wrong-root match is lost
    assert (role.dyad.tp, role.dyad.fp, role.dyad.fn) == (2, 3, 1)
    assert report.metric("false alarms (kg events on no-event records)").fp == 1
    assert report.metric("no-event records left uncoded").accuracy == 0.0
    assert report.metric("dyad country [A]").tp == 2 and report.metric("dyad country [B]").fp == 2
    kinds = sorted(e["kind"] for e in report.errors)
    assert kinds == ["direction", "false alarm", "fp", "root"]
    alarm = next(e for e in report.errors if e["kind"] == "false alarm")
    assert alarm["doc"] == "quiet" and alarm["sentence"] == "France accused Rwanda." and "1121" in alarm["kg"]
    assert "[miss]" not in report.show() and "[false alarm] quiet" in report.show()


def test_scorer_symmetric_relation_is_an_event_both_ways():
    mapping = load_mapping("petrarch")
    both = Record(
        "both", "A", None, "Brazil met the US.", [GoldEvent("BRA", "USA", "040"), GoldEvent("USA", "BRA", "040")], 1
    )
    one = Record("one", "A", None, "Brazil met the US.", [GoldEvent("USA", "BRA", "040")], 2)
    bra = ("br", "Brazil", {"country": "BRA"})
    g = _graph("x", [bra, USA], [("br", "meets", "us", {})])
    report = Report("petrarch", "-")
    t = petrarch.score([(both, g), (one, g)], mapping, report)["country"]
    # both gold directions found; the mirror of a matched meeting is no false positive
    assert (t.dyad.tp, t.dyad.fp, t.dyad.fn) == (3, 0, 0)
    assert t.direction.correct == 3


def test_events_of_uncoded_actors_count_against_precision_except_in_the_coded_only_row():
    mapping = load_mapping("petrarch")
    rec = Record(
        "r", "A", None, "The US visited China; crowds attacked an embassy.", [GoldEvent("USA", "CHN", "042")], 1
    )
    crowd, embassy = ("x1", "crowds", {}), ("x2", "embassy", {})
    g = _graph("r", [USA, CHN, crowd, embassy], [("us", "visits", "cn", {}), ("x1", "attacks", "x2", {})])
    report = Report("petrarch", "-")
    t = petrarch.score([(rec, g)], mapping, report)["country"]
    assert (t.dyad.tp, t.dyad.fp, t.dyad.fn) == (1, 1, 0)
    coded = report.metric("dyad country, kg events of coded actors only")
    assert (coded.tp, coded.fp, coded.fn) == (1, 0, 0)
    assert "kg events: 2, of which 1 have a country or role on both actors" in report.notes


def test_reader_exclude_list():
    v = parse(
        "<Environment><Exclude>OTHER</Exclude></Environment>"
        '<Sentence id="a" category="OTHER" date="20080101"><EventCoding noevents="True"/><Text>x</Text></Sentence>'
        '<Sentence id="b" category="AFP" date="20080101"><EventCoding noevents="True"/><Text>y</Text></Sentence>'
    )
    assert [r.id for r in v.records] == ["b"] and v.skipped[0].reason == "category 'OTHER' is in <Exclude>"


def test_unmapped_relations_and_missing_entities_are_no_events():
    mapping = load_mapping("petrarch")
    g = _graph("x", [USA], [("us", "visits", "nowhere", {}), ("us", "lives_in", "us", {})])
    assert petrarch.kg_events(g, mapping) == []


# --------------------------------------------------------------------------- configuration


def test_dictionaries_become_config_overrides(tmp_path):
    over = dictionary_overrides(tmp_path)
    assert over and all(v == str(tmp_path.resolve()) for v in over.values())
    assert "components.kg_actor_kb.dictionaries" in over
    with pytest.raises(FileNotFoundError, match="no such folder"):
        dictionary_overrides(tmp_path / "absent")
    cfg = {"components": {"kg_entities": {"factory": "kg_entities"}}}
    missing = apply_overrides(cfg, {**over, "initialize.components.kg_entities.extra": 1})
    assert set(missing) == set(over) and cfg["initialize"]["components"]["kg_entities"]["extra"] == 1


def test_overrides_a_factory_does_not_take_are_not_applied():
    register()
    cfg = {"components": {"kg_relations": {"factory": "kg_relations"}}}
    missing = apply_overrides(
        cfg, {"components.kg_relations.no_such_setting": "x", "components.kg_relations.confidence": 0.5}
    )
    assert missing == ["components.kg_relations.no_such_setting"]
    assert cfg["components"]["kg_relations"] == {"factory": "kg_relations", "confidence": 0.5}


# --------------------------------------------------------------------------- end to end


def test_cli_eval_petrarch_gsr_with_show():
    path = shared(GSR)
    res = CliRunner().invoke(main, ["eval", "petrarch", str(path), "--limit", "6", "--show"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.splitlines()[0].startswith("petrarch:") and "(6 documents" in out
    assert "dyad country+role" in out and "false alarms" in out
    assert "[miss] AFP0808020625_4" in out and "gold: USA -> CHN 042" in out
    assert "sentence: The stopover came as the US leader" in out


def test_cli_eval_petrarch_unit_tests_json_with_dictionaries():
    path = shared(UNIT)
    res = CliRunner().invoke(
        main, ["eval", "petrarch", str(path), "--limit", "4", "--json", "--dictionaries", str(path.parent)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["documents"] == 4 and out["headline"] == "dyad country"
    dyad = next(m for m in out["metrics"] if m["name"] == "dyad country")
    assert dyad["tp"] + dyad["fn"] == sum(len(r.events) for r in load(path, 4).records)
    assert any(n.startswith("dictionaries: ") for n in out["notes"])
    assert any("left out (5): sentence=" in n for n in out["notes"])


def test_matching_levels_are_checked(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text('labels = ["01"]\n[actors]\nlevels = ["country", "planet"]\n')
    with pytest.raises(MappingError, match="levels must be some of"):
        petrarch.matching_levels(load_mapping("petrarch", bad))
    assert petrarch.matching_levels(load_mapping("petrarch")) == ("country", "role")


def test_quad_table_covers_every_root_once():
    mapping = load_mapping("petrarch")
    table = petrarch.quad_table(mapping)
    assert sorted(table) == list(mapping.labels)
    assert sum(len(v) for v in mapping.extra["quad"].values()) == len(mapping.labels)


def test_records_run_with_their_date(nlp):
    records = [
        Record("r1", "A", "2008-08-04", "France accused Rwanda of lying.", [], 1),
        Record("r2", "A", None, "Brazil met the United States.", [], 2),
    ]
    out = list(petrarch.run(nlp, records))
    assert [(r.id, g.article.id, g.article.date) for r, g in out] == [("r1", "r1", "2008-08-04"), ("r2", "r2", None)]
    assert out[0][1].article.text == records[0].text and out[0][1].entities
