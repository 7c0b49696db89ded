"""The fast pipeline: parsing only selected sentences (kg/nlp/select.py) and the output-preserving
speed settings (kg/nlp/tuning.py, kg/nlp/attribute_table.py), on the real model and real text."""

from __future__ import annotations

import pytest
import spacy

from kg.model import Article
from kg.nlp import PipelineError, load_pipeline
from kg.nlp.graph import doc_to_graph
from kg.nlp.select import Selector

from helpers import EXAMPLES, HEALEY, SHARED_DATA, shared

TRICKY = (
    "Y'all gonna say it ain't so, let's go. C'mon, it's nothin'. There is a man who gets it; she got ta go.\n\n"
    "Got it?  Yes  \nSomething happened to nobody. I'd have told them myself.\n"
)


@pytest.fixture(scope="module")
def sel():
    return load_pipeline(parse="selected")


@pytest.fixture(scope="module")
def full():
    return load_pipeline(parse="all")


def example_texts() -> list[str]:
    """kg's example articles, the tricky sentence, and 30 BBC politics articles when the shared data is there."""
    bbc = sorted((SHARED_DATA / "external" / "bbc" / "politics").glob("*.txt"))[:30]
    return [p.read_text(errors="replace") for p in [*sorted(EXAMPLES.glob("*.txt")), *bbc]] + [TRICKY]


def annotations(doc):
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_, t.ent_iob_, t.is_sent_start)
        for t in doc
    ]


def test_tuned_model_annotates_exactly_like_stock_spacy(full):
    """numpy gemm, lemma index sets and the attribute table change speed, not one annotation."""
    from kg.nlp import base_model

    stock = spacy.load(base_model())
    assert type(full.get_pipe("attribute_ruler")).__name__ == "AttributeTable"
    assert all(not n.ops.use_blis for n in full.get_pipe("ner").model.walk())
    base = [n for n in full.pipe_names if not n.startswith("kg_")]
    texts = example_texts()
    ours = [annotations(d) for d in full.pipe(texts, disable=[n for n in full.pipe_names if n not in base])]
    theirs = [annotations(d) for d in stock.pipe(texts)]
    assert sum(map(len, ours)) > 4000
    assert ours == theirs


def _embed_layers(nlp):
    return [
        node.get_ref("embed")
        for name in ("tok2vec", "ner")
        for node in nlp.get_pipe(name).model.walk()
        if node.has_ref("embed")
    ]


def test_embed_cache_gives_the_vectors_of_the_uncached_layer(full):
    """Each tok2vec's embedding stage, cached by feature row (kg/nlp/tuning.py), returns what the model's
    own forward computes, also with a table so small that it is emptied again and again."""
    import numpy

    from kg.nlp import tuning

    nlp = full
    layers = _embed_layers(nlp)
    assert len(layers) == 2 and all(hasattr(e._func, "kg_inner") for e in layers)
    assert tuning.embed_cache(nlp) == 0  # installed once
    small = load_pipeline(parse="all")
    for e in _embed_layers(small):
        e._func = e._func.kg_inner
    assert tuning.embed_cache(small, max_rows=300) == 2
    docs = [nlp.make_doc(t) for t in example_texts()[:12]]
    for cached, tiny in zip(layers, _embed_layers(small)):
        for batch in (docs[:4], docs[4:], docs[:4]):  # the last batch is answered from the table
            want = cached._func.kg_inner(cached, batch, False)[0]  # float32 rounding differs by batch
            for got in (cached.predict(batch), tiny.predict(batch)):
                assert [g.shape for g in got] == [w.shape for w in want]
                assert all(numpy.allclose(g, w, rtol=1e-5, atol=1e-5) for g, w in zip(got, want))


def test_one_blas_thread_per_process(full):
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)


def test_loading_exempts_the_pipeline_from_cyclic_gc(tmp_path):
    import gc

    from kg.nlp import DEFAULT_CONFIG

    gc.unfreeze()
    load_pipeline(parse="all")
    assert gc.get_freeze_count() > 50_000  # the model's objects (~90,000 with en_core_web_sm)
    import shutil

    shutil.copytree(DEFAULT_CONFIG.parent, tmp_path / "pipelines")  # the config names files beside it
    off = tmp_path / "pipelines" / DEFAULT_CONFIG.name
    off.write_text(DEFAULT_CONFIG.read_text().replace("freeze_gc = true", "freeze_gc = false"))
    gc.unfreeze()
    load_pipeline(config=off, parse="all")
    assert gc.get_freeze_count() == 0


def test_selected_mode_pipeline_shape(sel):
    names = sel.pipe_names
    assert sel.meta["kg"]["parse"] == "selected"
    for p in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"):
        assert p in sel.disabled
    assert (
        names.index("kg_paragraphs")
        < names.index("senter")
        < names.index("ner")
        < names.index("kg_offices")
        < names.index("kg_parse")
        < names.index("kg_entities")
    )


def test_mode_from_environment_and_bad_mode(monkeypatch):
    monkeypatch.setenv("KG_PARSE", "selected")
    assert load_pipeline().meta["kg"]["parse"] == "selected"
    with pytest.raises(PipelineError, match="parse"):
        load_pipeline(parse="some")


def test_model_without_senter_falls_back_to_parsing_everything(tmp_path):
    from kg.nlp import DEFAULT_CONFIG

    cfg = DEFAULT_CONFIG.read_text().replace('"senter", ', "")
    assert cfg != DEFAULT_CONFIG.read_text()
    (tmp_path / "kg.cfg").write_text(cfg)
    (tmp_path / "offices.jsonl").write_text((DEFAULT_CONFIG.parent / "offices.jsonl").read_text())
    nlp = load_pipeline(config=tmp_path / "kg.cfg", parse="selected")
    assert nlp.meta["kg"]["parse"] == "all" and "kg_parse" not in nlp.pipe_names
    assert nlp("Healey met Hegseth.")[0].dep_


def test_sentence_selection_rules(sel):
    text = (
        "It rained all day in the valley.\n"  # no reference: not parsed
        "John Healey met Pete Hegseth in London.\n"  # two entities
        "He warned that the plan was flawed.\n"  # pronoun + speech cue ("warned")
        "The Conservatives lost the vote.\n"  # NORP: kg_entities reads its tag
        "The weather was cold and grey.\n"  # none
        "Macron arrived late.\n"
    )  # one entity, no cue: not parsed
    doc = sel(text)
    sents = list(doc.sents)
    assert [s.text.strip() for s in sents] == [line for line in text.splitlines()]
    parsed = [any(t.dep_ and t.dep_ != "ROOT" for t in s) for s in sents]
    assert parsed == [False, True, True, True, False, False]
    rained = sents[0]
    assert rained[0].dep_ == "ROOT" and all(t.dep_ == "" and t.head.i == t.i for t in rained[1:])
    assert all(t.pos_ == "" and t.lemma_ == "" for t in rained)
    met = sents[1]
    assert {t.lemma_ for t in met} >= {"meet"} and [t.pos_ for t in met][:2] == ["PROPN", "PROPN"]
    # the shared tok2vec's vectors are written back for parsed sentences only
    assert doc.tensor.shape == (len(doc), 96)
    assert not doc.tensor[rained.start : rained.end].any() and doc.tensor[met.start : met.end].any()


def test_cue_forms_cover_inflections(sel):
    forms = sel.get_pipe("kg_parse").selector.forms
    for w in ("said", "says", "saying", "told", "warned", "insisted", "according", "backed", "opposes", "willing"):
        assert w in forms, w
    for w in ("rained", "table", "the", "meeting"):  # "meet" is a relation cue, which needs two references
        assert w not in forms, w


def test_extraction_same_on_unparsed_and_parsed_sentences(sel, full):
    text = (
        "The weather in the region was cold.\nDefence Secretary John Healey met Pete Hegseth in Washington. "
        'It was a long day. "We will stand with Ukraine for as long as it takes," Healey said. '
        "Nobody expected much."
    )
    a, b = (doc_to_graph(nlp(text), Article(id="t", text=text)) for nlp in (full, sel))
    rel = lambda g: {(r.subject, r.predicate, r.object) for r in g.relations}  # noqa: E731
    assert ("person/john-healey", "holds_position", "office/defence-secretary") in rel(b)
    assert rel(a) == rel(b)
    assert [(q.speaker, q.text) for q in a.quotes] == [(q.speaker, q.text) for q in b.quotes]
    assert b.quotes and b.quotes[0].speaker == "person/john-healey"


def test_golden_article_graph_identical_in_both_modes(sel, full):
    text = HEALEY.read_text() if HEALEY.exists() else shared("articles/healey-us-backstop.txt").read_text()
    a, b = (doc_to_graph(nlp(text), Article(id="h", text=text)) for nlp in (full, sel))
    assert sel.get_pipe("kg_parse").stats["parsed"] < sel.get_pipe("kg_parse").stats["tokens"]
    assert {(e.id, e.type) for e in a.entities} == {(e.id, e.type) for e in b.entities}
    assert {(m.entity_id, m.start, m.end) for m in a.mentions} == {(m.entity_id, m.start, m.end) for m in b.mentions}
    assert {(r.subject, r.predicate, r.object, r.modality) for r in a.relations} == {
        (r.subject, r.predicate, r.object, r.modality) for r in b.relations
    }
    assert {(q.speaker, q.evidence.start, q.evidence.end) for q in a.quotes} == {
        (q.speaker, q.evidence.start, q.evidence.end) for q in b.quotes
    }


def test_selector_counts_repeated_names_and_pronouns(sel):
    nlp = sel
    doc = nlp(
        "John Healey spoke in London. Later Healey and she left.",
        disable=[
            "kg_parse",
            "kg_entities",
            "kg_positions",
            "kg_coref",
            "kg_relations",
            "kg_quotes",
            "kg_relation_model",
        ],
    )
    s = nlp.get_pipe("kg_parse").selector
    strict = Selector(nlp.vocab, s.forms, nlp.get_pipe("ner").labels, min_entities=3)
    selected, other = strict.sentences(doc)
    assert len(selected) + len(other) == 2
    second = list(doc.sents)[1]
    # "Healey" (a name already found, even where ner misses it) + "she": two references, not three
    assert (second.start, second.end) in other
    loose = Selector(nlp.vocab, s.forms, nlp.get_pipe("ner").labels, min_entities=2)
    assert (second.start, second.end) in loose.sentences(doc)[0]
