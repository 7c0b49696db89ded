"""The hand-judged BBC development sample (tests/data/bbc_dev_sample) and its scorer, scripts/dev_sample.py."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest

from kg.model import Article, ArticleGraph, Entity, Evidence, Mention, Quote, Relation

from helpers import ROOT, shared

spec = importlib.util.spec_from_file_location("dev_sample", ROOT / "scripts" / "dev_sample.py")
ds = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ds)

SAMPLE = ds.load_sample()
JUDGMENTS = {"correct", "incomplete", "wrong"}
FAILURE = re.compile(r"^[a-z]+(-[a-z]+)*$")


def test_the_sample_has_its_drawn_sizes_and_unique_ids():
    assert {k: len(v) for k, v in SAMPLE.items() if k != "recall"} == {
        "relations": 200,
        "positions": 60,
        "quotes": 80,
        "actors": 150,
    }
    assert sum(r["stratum"] == "interaction" for r in SAMPLE["relations"]) == 100
    ids = [it["id"] for items in SAMPLE.values() for it in items]
    assert len(ids) == len(set(ids))
    assert len({g["file"] for g in SAMPLE["recall"]}) == 5


def test_every_item_is_judged_with_a_known_verdict_and_a_failure_class_when_not_correct():
    for kind in ("relations", "positions"):
        for it in SAMPLE[kind]:
            assert it["judgment"] in JUDGMENTS, it["id"]
            assert (it["judgment"] == "correct") == (it["failure"] is None), it["id"]
            assert it["failure"] is None or FAILURE.match(it["failure"]), it["id"]
    for it in SAMPLE["quotes"]:
        assert it["speaker_judgment"] in JUDGMENTS | {"n/a"} and it["span_judgment"] in JUDGMENTS, it["id"]
        assert (it["speaker_judgment"] == "wrong") == bool(it["speaker_failure"]), it["id"]
        assert (it["span_judgment"] == "correct") == (it["span_failure"] is None), it["id"]
    for it in SAMPLE["actors"]:
        assert it["judgment"] in {"right-type", "wrong-type", "junk", "split"}, it["id"]
        assert (it["judgment"] == "wrong-type") == (it["right_type"] is not None), it["id"]


def test_interaction_stratum_holds_only_interaction_or_stance_relations():
    inter = ds.interaction_types()
    assert {"supports", "opposes", "accuses", "criticises", "meets"} <= inter
    assert not {"holds_position", "member_of", "spoke_at", "office_of"} & inter
    for r in SAMPLE["relations"]:
        assert (r["stratum"] == "interaction") == (r["relation"] in inter), r["id"]


def test_no_text_of_the_articles_is_committed():
    for path in sorted(ds.SAMPLE.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not {"sentence", "text", "quote"} & set(json.loads(line)), path.name


def test_offsets_point_at_the_judged_item_in_the_bbc_text():
    data = shared("external/bbc/politics").parent
    texts: dict[str, str] = {}
    for kind in (*ds.KINDS, "recall"):
        for it in SAMPLE[kind]:
            text = texts.setdefault(it["file"], ds.article_text(data, it["file"]))
            assert 0 <= it["start"] < it["end"] <= len(text), it["id"]
            if "sent_start" in it:
                assert ds._overlaps(it["start"], it["end"], it["sent_start"], it["sent_end"]), it["id"]
            if kind == "actors" and it["type"] == "Person":
                mention, name = text[it["start"] : it["end"]].lower(), it["name"].lower()
                assert mention.split()[-1] in name or name.split()[-1] in mention, it["id"]
            if kind == "relations" and it["relation"] == "holds_position":
                assert it["subject"].split()[-1].lower() in text[it["sent_start"] : it["sent_end"]].lower(), it["id"]


def _graph(source: str, text: str) -> ArticleGraph:
    """A tiny hand-made graph: Howard accuses Blair, Howard holds Party Leader of the Tories, one quote."""
    art = Article(id="a1", text=text, source=source)
    ents = [
        Entity("person/michael-howard", "Michael Howard", "Person", ["Mr Howard"]),
        Entity("person/tony-blair", "Tony Blair", "Person"),
        Entity("office/party-leader", "Party Leader", "Office"),
        Entity("group/tories", "Tories", "Group"),
    ]
    sent = text[:60]

    def ev(s, e):
        return Evidence("a1", sent, s, e)

    rels = [
        Relation("person/michael-howard", "accuses", "person/tony-blair", ev(11, 40)),
        Relation("person/michael-howard", "holds_position", "office/party-leader", ev(5, 11)),
        Relation("office/party-leader", "office_of", "group/tories", ev(0, 11)),
    ]
    quotes = [Quote("person/michael-howard", text[70:90], "say", ev(70, 90))]
    mentions = [Mention("person/michael-howard", "Michael Howard", 12, 26)]
    return ArticleGraph(art, ents, mentions, rels, quotes)


def test_matching_pairs_current_outputs_with_judgments_and_leaves_the_rest_unjudged():
    text = 'Tory leader Michael Howard has accused Tony Blair of U-turns. He said: "It is not householders." More.'
    cur = ds.current_items([_graph("/x/politics/999.txt", text).to_dict()], {"politics/999.txt"})
    judged_rel = {
        "id": "r1",
        "file": "politics/999.txt",
        "start": 11,
        "end": 40,
        "sent_start": 0,
        "sent_end": 61,
        "subject": "michael howard",
        "relation": "accuses",
        "object": "Tony  Blair",
        "modality": "asserted",
        "negated": False,
        "qualifiers": {},
        "judgment": "correct",
    }
    elsewhere = {**judged_rel, "id": "r2", "sent_start": 62, "sent_end": 100}
    pairs, rest = ds.match("relations", cur["relations"], [judged_rel, elsewhere])
    assert [j["id"] for _, j in pairs] == ["r1"]
    assert {r["relation"] for r in rest} == {"holds_position", "office_of"}
    # a changed key (another modality) is a new output, not the judged one
    _, rest = ds.match("relations", cur["relations"], [{**judged_rel, "modality": "intent"}])
    assert "accuses" in {r["relation"] for r in rest}

    (pos,) = cur["positions"]
    assert pos["of"] == ["Tories"]
    judged_pos = {
        "id": "p1",
        "file": "politics/999.txt",
        "sent_start": 0,
        "sent_end": 61,
        "person": "Michael Howard",
        "office": "Party Leader",
        "of": ["Tories"],
        "member_of": [],
        "modality": "asserted",
        "negated": False,
        "qualifiers": {},
    }
    assert len(ds.match("positions", cur["positions"], [judged_pos])[0]) == 1
    assert not ds.match("positions", cur["positions"], [{**judged_pos, "of": []}])[0]

    judged_quote = {
        "id": "q1",
        "file": "politics/999.txt",
        "start": 71,
        "end": 89,
        "kind": "direct",
        "speaker": "Michael Howard",
    }
    assert len(ds.match("quotes", cur["quotes"], [judged_quote])[0]) == 1
    assert not ds.match("quotes", cur["quotes"], [{**judged_quote, "start": 60}])[0]
    assert not ds.match("quotes", cur["quotes"], [{**judged_quote, "speaker": "Tony Blair"}])[0]

    actor = {"id": "a1", "file": "politics/999.txt", "name": "Tories", "type": "Group", "judgment": "split"}
    pairs, rest = ds.match("actors", cur["actors"], [actor])
    assert [j["id"] for _, j in pairs] == ["a1"] and len(rest) == 3


def test_scores_count_incomplete_as_wrong_when_strict_and_recall_finds_gold_facts():
    text = 'Tory leader Michael Howard has accused Tony Blair of U-turns. He said: "It is not householders." More.'
    cur = ds.current_items([_graph("/x/politics/999.txt", text).to_dict()], {"politics/999.txt"})
    base = {
        "file": "politics/999.txt",
        "sent_start": 0,
        "sent_end": 61,
        "modality": "asserted",
        "negated": False,
        "qualifiers": {},
        "start": 0,
        "end": 40,
    }
    sample = {
        "relations": [
            {
                **base,
                "id": "r1",
                "subject": "Michael Howard",
                "relation": "accuses",
                "object": "Tony Blair",
                "judgment": "correct",
            },
            {
                **base,
                "id": "r2",
                "subject": "Michael Howard",
                "relation": "holds_position",
                "object": "Party Leader",
                "judgment": "incomplete",
            },
        ],
        "positions": [],
        "quotes": [],
        "actors": [],
        "recall": [
            {
                "id": "g1",
                "file": "politics/999.txt",
                "kind": "relation",
                "start": 0,
                "end": 61,
                "subject": "Michael Howard",
                "relation": "accuses",
                "object": "Tony Blair",
            },
            {
                "id": "g2",
                "file": "politics/999.txt",
                "kind": "position",
                "start": 0,
                "end": 61,
                "subject": "Michael Howard",
                "office": "Party Leader",
                "of": ["Conservative Party"],
            },
            {"id": "g3", "file": "politics/999.txt", "kind": "quote", "start": 71, "end": 94, "speaker": "Tony Blair"},
        ],
    }
    s = ds.scores(sample, cur)
    assert s["relations"]["strict"]["k"] == 1 and s["relations"]["lenient"]["k"] == 2
    assert s["relations"]["strict"]["n"] == 2
    lo, hi = s["relations"]["strict"]["ci95"]
    assert lo < 0.5 < hi
    assert s["unjudged"]["relations"] == 1  # office_of
    # the position is found (Tories is the Conservative Party), the quote only leniently (wrong speaker)
    assert s["recall"]["relation"]["strict"]["k"] == 1
    assert s["recall"]["position"]["strict"]["k"] == 1
    assert (s["recall"]["quote"]["strict"]["k"], s["recall"]["quote"]["lenient"]["k"]) == (0, 1)


def test_wilson_interval():
    lo, hi = ds.wilson(8, 10)
    assert round(lo, 3) == 0.490 and round(hi, 3) == 0.943
    assert ds.wilson(0, 0) == (0.0, 1.0)


def test_scorer_exits_with_a_clear_message_without_the_data(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        ds.main(["--data", str(tmp_path / "nowhere")])
    assert "BBC data not found" in str(exc.value)


def test_recall_finds_a_post_by_its_title_and_the_owner_it_names():
    gold = {
        "file": "politics/999.txt",
        "kind": "position",
        "start": 0,
        "end": 40,
        "subject": "Alan Beith",
        "office": "Chairman",
        "office_core": "Chairman",
        "of": ["Constitutional Affairs Committee"],
    }
    post = {
        "file": "politics/999.txt",
        "start": 0,
        "end": 40,
        "person": "Alan Beith",
        "office": "Chairman of the Constitutional Affairs Committee",
        "title": "Chairman",
        "of": [],
        "member_of": [],
        "qualifiers": {},
    }
    assert ds._found(gold, {"positions": [post]}) == (True, True)
    other = {**post, "office": "Chairman of the Treasury Committee"}
    assert ds._found(gold, {"positions": [other]}) == (False, True)
