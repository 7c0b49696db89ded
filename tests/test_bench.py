"""The benchmark scripts run: each on a few example articles, printing its figures (the numbers
themselves are checked by reading them, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import EXAMPLES, ROOT

pytestmark = pytest.mark.slow


def run(script: str, *args: str) -> str:
    res = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args], capture_output=True, text=True, timeout=900
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_throughput_prints_the_ratio_to_bare_spacy():
    out = run("throughput.py", "--corpus", str(EXAMPLES), "--limit", "4", "--rounds", "1", "--builds", "1")
    assert "ratio to bare spaCy" in out and "words/s" in out


def test_memory_prints_the_peak_of_both_corpora():
    out = run("memory.py", "--corpus", str(EXAMPLES), "--limit", "3", "--times", "2")
    assert "MiB" in out


def test_cli_startup_prints_medians_and_ratios():
    out = run("cli_startup.py", "--runs", "2")
    assert "kg --help: median" in out and "kg --version: median" in out and "ratio to python -c pass" in out


@pytest.mark.neo4j
def test_neo4j_load_compares_the_same_graph_and_the_admin_path(neo4j_uri):
    out = run("neo4j_load.py", "--uri", neo4j_uri, "--no-bbc", "--relations", "1000", "--per-article", "50")
    assert "same graph (nodes per label, relationships per type, property counts): yes" in out
    assert "kg / CREATE" in out and "kg replace 10%" in out and "peak RSS (MiB)" in out
    from kg.export import neo4j_admin

    assert ("neo4j-admin total" in out) == neo4j_admin.available(), out
