"""The build ledger (kg/ledger.py): no NLP for unchanged input, and a build killed with SIGKILL
resumes to exactly the store an uninterrupted build makes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import api
from kg.build.ledger import Ledger, default_path
from kg.model import Article, ArticleGraph, Entity

from helpers import EXAMPLES, ROOT, canonical_dump, shared


def test_rebuild_of_unchanged_input_parses_nothing(tmp_path):
    store = tmp_path / "store"
    first = api.build([str(EXAMPLES)], store=store, workers=1)
    assert first.nlp == 14 and first.cached == 0 and first.loaded == 14
    t = time.perf_counter()
    second = api.build([str(EXAMPLES)], store=store, workers=1)
    took = time.perf_counter() - t
    assert second.nlp == 0 and second.cached == 14  # every graph came from the ledger
    assert second.unchanged == 14 and second.loaded == 0 and second.read == second.extracted == 14
    assert (first.entities, first.relations, first.quotes) == (second.entities, second.relations, second.quotes)
    assert took < 15, f"a build that parses nothing took {took:.1f} s"
    with Ledger(store / "ledger.sqlite", "x") as led:
        assert led.states() == {"loaded": 14}

    # one changed article: only it is parsed again
    docs = tmp_path / "docs"
    shutil.copytree(EXAMPLES, docs)
    victim = sorted(docs.glob("*.txt"))[0]
    victim.write_text(
        victim.read_text(encoding="utf-8") + "\nKeir Starmer met Emmanuel Macron in Paris.\n", encoding="utf-8"
    )
    third = api.build([str(docs)], store=store, workers=1)
    assert third.nlp == 1 and third.cached == 13 and third.loaded >= 1


def _graph(aid: str, name: str) -> ArticleGraph:
    return ArticleGraph(
        Article(id=aid, text=f"{name} spoke.", source="a.txt"),
        entities=[Entity(f"person/{name.lower()}", name, "Person")],
    )


def test_ledger_keys_on_text_and_pipeline(tmp_path):
    path = tmp_path / "ledger.sqlite"
    g = _graph("a1", "Healey")
    with Ledger(path, "pipeline-1") as led:
        led.record([g])
        same = Article(id="a1", text="Healey spoke.", source="moved/a.txt", title="New title")
        hit = led.cached([same])
        assert list(hit) == [0] and hit[0].entities == g.entities
        assert hit[0].article is same  # the current article (path, title) rides on the stored graph
        assert led.cached([Article(id="a1", text="Healey spoke again.")]) == {}
    with Ledger(path, "pipeline-2") as led:  # another model, config or kg version: parse again
        assert led.cached([g.article]) == {}


def test_ledger_default_places(tmp_path, monkeypatch):
    monkeypatch.delenv("KG_LEDGER_DIR", raising=False)  # conftest points it at a temp dir
    assert default_path(tmp_path / "s") == tmp_path / "s" / "ledger.sqlite"
    remote = default_path(None, "bolt://neo4j:secret@db.example:7687")
    assert remote.parent.name == ".kg-ledger" and "secret" not in str(remote) and "db.example" in remote.name
    assert default_path(None, "bolt://db.example:7687") == remote  # credentials do not change the key


def _kg(*args) -> list[str]:
    return [sys.executable, "-m", "kg.cli", "--quiet", *args]


def _loaded(ledger: Path) -> int:
    if not ledger.exists():
        return 0
    db = sqlite3.connect(f"file:{ledger}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT COUNT(*) FROM articles WHERE state = 'loaded'").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        db.close()


def _build_and_kill(args: list[str], ledger: Path, env: dict, more_than: int) -> None:
    """Start ``kg build``, SIGKILL it once the ledger shows more than ``more_than`` articles loaded."""
    proc = subprocess.Popen(_kg(*args), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 600
    try:
        while proc.poll() is None and _loaded(ledger) <= more_than:
            assert time.monotonic() < deadline, "the build made no progress"
            time.sleep(0.05)
        assert proc.poll() is None, "the build finished before it could be killed: give it more articles"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.slow
def test_build_killed_twice_resumes_to_the_uninterrupted_store(tmp_path):
    files = sorted(str(p) for p in shared("external/bbc/politics").glob("*.txt"))[:60]
    env = {**os.environ, "KG_COMMIT_SECONDS": "0.5", "KG_PROGRESS": "0"}  # commit often: kills land mid-write
    ref, store = tmp_path / "ref", tmp_path / "resumed"
    done = subprocess.run(
        _kg("build", *files, "--store", str(ref), "--workers", "1"),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr

    ledger = store / "ledger.sqlite"
    args = ["build", *files, "--store", str(store), "--workers", "1"]
    _build_and_kill(args, ledger, env, more_than=0)
    first_kill = _loaded(ledger)
    assert 0 < first_kill < len(files)
    _build_and_kill(args, ledger, env, more_than=first_kill + 10)
    assert _loaded(ledger) < len(files)

    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, proc.stderr
    line = proc.stderr.strip().splitlines()[-1].split()
    counts = dict(zip(line[::2], map(int, line[1::2])))
    assert counts["read"] == counts["extracted"] == len(files)
    # the killed runs' graphs came from the ledger; only what they had not parsed was parsed now
    assert counts["cached"] >= first_kill and counts["nlp"] == len(files) - counts["cached"]
    assert canonical_dump(store) == canonical_dump(ref)
    assert json.loads((store / "aliases.json").read_text()) == json.loads((ref / "aliases.json").read_text())

    # a fourth run parses nothing (whether resolution, now knowing the whole store, reloads an
    # article is kg.resolve.resolver's business, the same with or without a ledger)
    again = api.build(files, store=store, workers=1)
    assert again.nlp == 0 and again.cached == again.read == len(files)


def test_build_considers_full_gc_collections_less_often_and_restores_the_setting(tmp_path):
    import gc

    thresholds: list[int] = []

    def record(phase, info):
        if phase == "start":
            thresholds.append(gc.get_threshold()[2])

    before = gc.get_threshold()
    gc.callbacks.append(record)
    try:
        built = api.build([str(EXAMPLES)], store=tmp_path / "store", workers=1)
    finally:
        gc.callbacks.remove(record)
    assert built.loaded == 14
    assert max(thresholds) >= 100 > before[2]  # collections ran inside pipeline.fewer_full_collections
    assert gc.get_threshold() == before
