"""Coverage-guided fuzzing of kg's readers and extractor with atheris (libFuzzer for Python).

    python tests/fuzz_atheris.py -max_total_time=60            # or -runs=N; any libFuzzer flag

Each input's first byte picks a target: a reader (the bytes as a .txt, .jsonl, .json or .html
file, or as stdin text) or the extractor (the bytes decoded as UTF-8, with lone surrogates
replaced as the reader does, through the real spaCy pipeline and doc_to_graph). Any exception is a
crash: atheris prints it, writes the input as ``crash-*`` and exits non-zero. tests/test_fuzz.py
runs this for a minute (marked ``slow``).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["kg"]):
    from kg import readers as reader
    from kg.readers.article import _SURROGATE
    from kg.nlp.graph import doc_to_graph
    from kg.model import Article, Skipped
    from kg.nlp import load_pipeline
    from kg.stores import rdf as rdfterms

NLP = load_pipeline()
TMP = tempfile.mkdtemp(prefix="kg-atheris-")
EXTS = [".txt", ".jsonl", ".json", ".html"]


def _check(results) -> None:
    results = list(results)
    assert results, "a reader yielded nothing"
    for r in results:
        assert isinstance(r, (Article, Skipped)), r


def test_one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 6, data[1:]
    if target < len(EXTS):
        path = os.path.join(TMP, "input" + EXTS[target])
        with open(path, "wb") as fh:
            fh.write(body)
        _check(reader.read([path]))
    elif target == 4:
        _check(reader.read(["-"], stdin=io.StringIO(body.decode("utf-8", "surrogateescape"))))
    else:
        text = _SURROGATE.sub("\ufffd", body.decode("utf-8", "replace"))
        if text.strip():
            graph = doc_to_graph(NLP(text[:5000]), Article(id="fuzz", text=text[:5000]))
            rdfterms.graph_quads(graph)
            graph.to_json()


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
