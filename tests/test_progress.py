"""Progress bars: on stderr when forced, nothing with --quiet, off when stderr is not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers import EXAMPLES, ROOT

ONE = str(EXAMPLES / "2025-02-17-paris-summit.txt")


def _kg(args, tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args, "--store", str(tmp_path / "s"), "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**{k: v for k, v in os.environ.items() if k != "KG_PROGRESS"}, **env},
    )


def test_quiet_prints_nothing_on_stderr_even_when_progress_is_forced(tmp_path):
    proc = _kg(["--quiet", "build", ONE], tmp_path, KG_PROGRESS="1")
    assert proc.returncode == 0 and proc.stderr == ""


def test_progress_when_forced_shows_rate_and_eta(tmp_path):
    proc = _kg(["build", ONE], tmp_path, KG_PROGRESS="1")
    assert proc.returncode == 0, proc.stderr
    bar = proc.stderr.replace("\r", "\n")
    assert "build: 100%" in bar and "1/1" in bar and "article/s" in bar  # rate; "<mm:ss" is the ETA
    assert "<" in bar.split("1/1")[1].splitlines()[0]
    assert proc.stderr.strip().splitlines()[-1].startswith("read 1 extracted 1")  # the summary still ends it
    flag = _kg(["--progress", "build", ONE], tmp_path)
    assert "build: 100%" in flag.stderr.replace("\r", "\n") and "article/s" in flag.stderr


def test_no_bar_when_stderr_is_not_a_terminal(tmp_path):
    proc = _kg(["build", ONE], tmp_path)  # stderr is a pipe here
    assert proc.returncode == 0
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip().splitlines()[-1]]
    assert "%|" not in proc.stderr


def test_estimate_counts_files_and_jsonl_lines():
    from kg.render.progress import estimate_inputs

    n_txt = len([p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html")])
    lines = sum(1 for line in (EXAMPLES / "wire-2025.jsonl").read_text().splitlines() if line.strip())
    assert estimate_inputs([str(EXAMPLES)]) == n_txt + lines
    assert estimate_inputs(["-"]) is None
