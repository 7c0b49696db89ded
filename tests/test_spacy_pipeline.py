"""kg's pipeline as a spaCy pipeline: saved with ``nlp.to_disk``, loaded with ``spacy.load`` and
``load_pipeline``, packaged with ``spacy package``, its config round-tripped, on the real model."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import spacy

from kg import readers as read
from kg.model import Article
from kg.nlp import DEFAULT_CONFIG, batch_size, load_pipeline, parse_mode, register
from kg.nlp.graph import doc_to_graph

from helpers import EXAMPLES, ROOT


def graphs(nlp, articles) -> list[str]:
    return [
        json.dumps(doc_to_graph(doc, a).to_dict(), sort_keys=True, ensure_ascii=False)
        for doc, a in zip(nlp.pipe([a.text for a in articles]), articles)
    ]


@pytest.fixture(scope="module")
def articles():
    return list(read.read([str(EXAMPLES)]))


@pytest.fixture(scope="module")
def saved(nlp, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "kg"
    nlp.to_disk(path)
    return path


@pytest.fixture(scope="module")
def entry_points(tmp_path_factory) -> Path:
    """A folder for PYTHONPATH holding a distribution with kg's spaCy entry points from pyproject.toml, as
    an install of kg declares them (the test environment's kg may have been installed before they were)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    groups = {
        g: "\n".join(f"{k} = {v}" for k, v in eps.items()) for g, eps in declared.items() if g.startswith("spacy_")
    }
    assert "kg_entities" in groups["spacy_factories"] and "kg.speed_settings.v1" in groups["spacy_callbacks"]
    dist = tmp_path_factory.mktemp("site") / "kg_spacy_entry_points-0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kg-spacy-entry-points\nVersion: 0.0\n")
    (dist / "entry_points.txt").write_text("".join(f"[{g}]\n{v}\n\n" for g, v in groups.items()))
    return dist.parent


def _env(entry_points: Path) -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(entry_points)])}


def test_saved_pipeline_loads_with_spacy_and_gives_identical_graphs(nlp, saved, articles):
    register()
    gc.unfreeze()
    loaded = spacy.load(saved)
    assert gc.get_freeze_count() > 0  # freeze_gc, from the saved config's callback
    assert loaded.pipe_names == nlp.pipe_names and loaded.disabled == nlp.disabled
    want = graphs(nlp, articles)
    assert len(want) == len(articles) >= 10 and all('"relations": [{' in g for g in want[:3])
    assert graphs(loaded, articles) == want
    assert graphs(load_pipeline(saved), articles) == want


def test_speed_settings_are_applied_again_on_load(saved):
    register()
    loaded = spacy.load(saved)
    assert type(loaded.get_pipe("attribute_ruler")).__name__ == "AttributeTable"
    assert type(loaded.get_pipe("lemmatizer")).__module__ == "kg.nlp.lemmas"
    for name in ("tok2vec", "ner"):
        nodes = list(loaded.get_pipe(name).model.walk())
        assert not any(n.ops.use_blis for n in nodes)  # gemm = "numpy"
        assert any(hasattr(n.get_ref("embed")._func, "kg_inner") for n in nodes if n.has_ref("embed"))
    text = "Defence Secretary John Healey met Pete Hegseth."
    assert loaded(text).user_data["kg_text"] is text  # keep_text


def test_a_saved_pipeline_keeps_the_data_it_was_built_with(tmp_path):
    """Office patterns and the lexicon are read at initialize and saved: the saved pipeline finds what
    they name after the files are gone."""
    folder = tmp_path / "pipelines"
    folder.mkdir()
    offices = [
        *map(json.loads, (DEFAULT_CONFIG.parent / "offices.jsonl").read_text().splitlines()),
        {
            "label": "OFFICE",
            "pattern": [{"LOWER": "chief"}, {"LOWER": "widget"}, {"LOWER": "inspector"}],
            "id": "Chief Widget Inspector",
        },
    ]
    (folder / "offices.jsonl").write_text("\n".join(json.dumps(p) for p in offices))
    lexicon = (DEFAULT_CONFIG.parent / "lexicon.toml").read_text()
    assert "befriend" not in lexicon
    (folder / "lexicon.toml").write_text(lexicon.replace("[verbs]\n", '[verbs]\nbefriend = { dobj = "supports" }\n'))
    cfg = DEFAULT_CONFIG.read_text().replace("lexicon = null", f'lexicon = "{folder / "lexicon.toml"}"')
    (folder / "kg.cfg").write_text(cfg)
    built = load_pipeline(folder / "kg.cfg", parse="all")
    built.to_disk(tmp_path / "saved")
    for f in folder.iterdir():
        f.unlink()
    loaded = spacy.load(tmp_path / "saved")
    text = "The Chief Widget Inspector, Anna Berg, said that France befriended Germany."
    doc = loaded(text)
    assert ("Chief Widget Inspector", "OFFICE") in {(e.text, e.label_) for e in doc.ents}
    assert ("gpe/france", "supports", "gpe/germany") in {(r.subject, r.predicate, r.object) for r in doc._.kg_relations}
    assert graphs(loaded, [Article(id="t", text=text)]) == graphs(built, [Article(id="t", text=text)])


def test_config_round_trips(nlp, saved):
    """nlp.config, saved and loaded, gives the same pipeline and settings, and the parse mode and batch
    size read from a saved directory are those of the config."""
    register()
    loaded = spacy.load(saved)
    for section in ("nlp", "components", "initialize"):
        assert loaded.config[section] == nlp.config[section], section
    assert loaded.config["nlp"]["after_pipeline_creation"]["@callbacks"] == "kg.speed_settings.v1"
    assert loaded.pipe_names == nlp.pipe_names and loaded.component_names == nlp.component_names
    assert parse_mode(saved) == parse_mode() == "selected" and batch_size(saved) == batch_size() == 32


def test_parse_mode_is_saved_with_the_pipeline(tmp_path):
    full = load_pipeline(parse="all")
    assert "kg_parse" in full.disabled and "parser" in full.pipe_names
    full.to_disk(tmp_path / "all")
    assert parse_mode(tmp_path / "all") == "all"
    again = load_pipeline(tmp_path / "all")
    assert again.meta["kg"]["parse"] == "all" and again.pipe_names == full.pipe_names
    assert load_pipeline(tmp_path / "all", parse="selected").meta["kg"]["parse"] == "selected"


def test_pipeline_round_trips_through_bytes(nlp, articles):
    from spacy.util import load_model_from_config

    register()
    copy = load_model_from_config(nlp.config, auto_fill=False).from_bytes(nlp.to_bytes())
    assert graphs(copy, articles[:3]) == graphs(nlp, articles[:3])


def test_entry_points_let_spacy_load_without_importing_kg(saved, entry_points):
    code = (
        "import sys, spacy\n"
        "assert 'kg' not in sys.modules\n"
        f"doc = spacy.load({str(saved)!r})('Defence Secretary John Healey met Pete Hegseth.')\n"
        "print([h.predicate for h in doc._.kg_positions])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(entry_points), capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "holds_position" in out.stdout


def test_spacy_package_builds_a_package_that_requires_kg(saved, entry_points, tmp_path):
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "spacy",
            "package",
            str(saved),
            str(tmp_path),
            "--name",
            "kg_news",
            "--version",
            "0.1.0",
        ],
        env=_env(entry_points),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    package = tmp_path / "en_kg_news-0.1.0"
    assert (package / "dist" / "en_kg_news-0.1.0.tar.gz").is_file()
    meta = json.loads((package / "meta.json").read_text())
    assert any(r.startswith("kg>=") for r in meta["requirements"])
    assert (package / "en_kg_news" / "en_kg_news-0.1.0" / "kg_offices" / "patterns.json").is_file()
