"""Fuzzing: the extractor on the real spaCy pipeline, and the readers, with hypothesis;
no input makes them raise. tests/fuzz_atheris.py does the same with coverage-guided atheris
(``test_atheris_run`` runs it briefly; ``slow``).

The extractor is called as ``doc_to_graph(nlp(text), article)``, not through kg.build.flow (which
turns an exception into a skipped article), so that any exception fails the test. Lone
surrogates are left out of its texts: the reader replaces them (tests/test_read.py), and spaCy
cannot encode them.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kg.model import Article, ArticleGraph, Skipped
from kg.nlp.graph import doc_to_graph
from kg.readers import read, read_html, read_json, read_jsonl
from kg.stores import rdf as rdfterms

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

chars = st.characters(blacklist_categories=("Cs",))
WORDS = [
    "Keir Starmer",
    "Donald Trump",
    "said",
    "told",
    "met",
    "the defence secretary",
    "NATO",
    "Kyiv",
    "Paris",
    "Ukraine",
    "Emmanuel Macron",
    '"',
    "'",
    "\u201c",
    "\u201d",
    "`",
    "{",
    "}",
    "(",
    ")",
    ".",
    ",",
    "\n",
    "\n\n",
    "Mr",
    "Dr.",
    "U.S.",
    "his",
    "she",
    "they",
    "will",
    "not",
    "back",
    "support",
    "$2bn",
    "2025",
    "\x00",
    "\x0b",
    "\u2028",
    "\ufeff",
    "\u202e",
    "\U0001f600",
    "e\u0301",
    "prime minister",
    "of",
    "and",
    "according to",
    "announced",
    "President",
    "General",
    "Secretary",
    "-",
    "--",
    "\u2014",
    ":",
    ";",
]
# free text, and sentence-like text made of the words the extractors react to, with hostile bits between
texts = st.one_of(
    st.text(chars, max_size=300),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(chars, max_size=3)), max_size=60).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=80).map(
        lambda ws: "".join(w + (" " if w[-1:].isalnum() else "") for w in ws)
    ),
)


def _check_graph(graph: ArticleGraph, text: str) -> None:
    """What later stages rely on: spans inside the text, references to known entities, serialisable."""
    ids_ = {e.id for e in graph.entities}
    for m in graph.mentions:
        assert 0 <= m.start <= m.end <= len(text) and m.entity_id in ids_
        assert text[m.start : m.end] == m.text
    for r in graph.relations:
        assert 0 <= r.evidence.start <= r.evidence.end <= len(text)
        assert r.subject in ids_ and r.object in ids_
    for q in graph.quotes:
        assert 0 <= q.evidence.start <= q.evidence.end <= len(text)
        assert q.speaker is None or q.speaker in ids_
    assert ArticleGraph.from_dict(json.loads(graph.to_json())) == graph
    rdfterms.graph_quads(graph)


@FUZZ
@given(text=texts)
def test_extractor_never_raises(nlp, text):
    if not text.strip():
        return
    article = Article(id="fuzz", text=text, source="fuzz")
    _check_graph(doc_to_graph(nlp(text), article), text)


@FUZZ
@given(text=st.lists(st.sampled_from(WORDS), min_size=5, max_size=40).map(" ".join))
def test_extractor_in_batches_never_raises(nlp, text):
    """The same through nlp.pipe, several articles per batch, as kg build runs it."""
    batch = [text, text.upper(), text[::-1], text.replace(" ", "\n")]
    for doc, article in nlp.pipe(
        ((t, Article(id=str(i), text=t)) for i, t in enumerate(batch) if t.strip()), as_tuples=True
    ):
        _check_graph(doc_to_graph(doc, article), article.text)


# --------------------------------------------------------------------------- #
# readers

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(chars, max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(chars, max_size=8), inner, max_size=4),
    max_leaves=20,
)
records = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "id": json_values,
            "text": json_values | st.text(chars, max_size=80),
            "title": json_values,
            "date": json_values,
            "url": json_values,
            "body": json_values,
            "content": json_values,
            "meta": json_values,
        },
    ),
)


def _check_results(results: list) -> None:
    assert results
    for r in results:
        assert isinstance(r, (Article, Skipped))
        if isinstance(r, Article):
            assert r.text.strip() and isinstance(r.id, str) and r.id
            assert not any("\ud800" <= c <= "\udfff" for c in r.text + r.id + (r.title or ""))
            json.dumps(r.meta)  # what kg extract writes must serialise
        else:
            assert r.reason and isinstance(r.source, str)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(records.map(lambda r: json.dumps(r, ensure_ascii=False)), st.text(chars, max_size=40)),
        min_size=1,
        max_size=8,
    ),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
    crlf=st.booleans(),
)
def test_jsonl_reader_never_raises_and_numbers_every_line(tmp_path, lines, encoding, crlf):
    lines = [ln.replace("\n", " ").replace("\r", " ") for ln in lines]  # one record per line
    path = tmp_path / "fuzz.jsonl"
    data = ("\r\n" if crlf else "\n").join(lines).encode(encoding, "surrogatepass")
    # UTF-16's BOM and a NUL character are the bytes of UTF-32's BOM, which the reader reads them as
    assume(not data.startswith(codecs.BOM_UTF32_LE))
    path.write_bytes(data)
    results = list(read([str(path)]))
    _check_results(results)
    content = [n for n, ln in enumerate(lines, 1) if (ln.removeprefix("\ufeff") if n == 1 else ln).strip()]
    if encoding != "utf-16" and b"\x00" in data[:8192]:  # a NUL byte near the start of a file without a UTF-16 BOM
        assert results == [Skipped(str(path), "binary file")]
    elif content:  # one result per non-blank line, in order, numbered as in the file
        numbered = [r.line if isinstance(r, Skipped) else int(r.source.rsplit(":", 1)[1]) for r in results]
        assert numbered == content
    assert list(read_jsonl(path)) == list(read_jsonl(path))  # deterministic


@FUZZ
@given(doc=st.one_of(records, st.lists(records, max_size=5), st.fixed_dictionaries({"articles": json_values})))
def test_json_reader_never_raises(tmp_path, doc):
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8", errors="surrogatepass")
    _check_results(list(read_json(path)))


TAGS = [
    "<html>",
    "</html>",
    "<body>",
    "</body>",
    "<p>",
    "</p>",
    "<script>",
    "</script>",
    "<article>",
    "</article>",
    "<noscript>",
    "<style>",
    "<!--",
    "-->",
    "<div class='x'>",
    "</div>",
    "<h1>",
    "</h1>",
    "<br/>",
    "<table><tr><td>",
    "<meta charset='utf-8'>",
    '<meta charset="klingon">',
    "<![CDATA[",
    "]]>",
    "&amp;",
    "&#0;",
    "&#xD800;",
    "<iframe src='javascript:alert(1)'>",
    "<svg onload=alert(1)>",
    "<?xml version='1.0'?>",
    "<!DOCTYPE html>",
    "<title>",
    "</title>",
    '<p onclick="x()">',
]


@FUZZ
@given(
    parts=st.lists(st.one_of(st.sampled_from(TAGS), st.sampled_from(WORDS), st.text(chars, max_size=30)), max_size=60)
)
def test_html_reader_never_raises(tmp_path, parts):
    path = tmp_path / "fuzz.html"
    path.write_bytes("".join(parts).encode("utf-8"))
    results = list(read_html(path))
    assert len(results) == 1
    _check_results(results)


@FUZZ
@given(
    data=st.binary(max_size=2000),
    ext=st.sampled_from([".txt", ".jsonl", ".json", ".html", ".md"]),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"{", b"<html>"]),
)
def test_any_bytes_under_any_extension(tmp_path, data, ext, prefix):
    path = tmp_path / ("fuzz" + ext)
    path.write_bytes(prefix + data)
    _check_results(list(read([str(path)])))


@FUZZ
@given(text=st.text(st.characters(blacklist_categories=()), max_size=300))  # with lone surrogates, as
# stdin decoded with surrogateescape may carry
def test_stdin_never_raises(text):
    _check_results(list(read(["-"], stdin=io.StringIO(text))))


# --------------------------------------------------------------------------- #
# atheris


@pytest.mark.slow
def test_atheris_run(tmp_path):
    pytest.importorskip("atheris", reason="atheris not installed (pip install atheris; Linux)")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests" / "fuzz_atheris.py"),
            "-max_total_time=60",
            "-rss_limit_mb=4096",
            f"-artifact_prefix={tmp_path}{os.sep}",
        ],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "Done" in proc.stderr and "runs in" in proc.stderr, proc.stderr[-2000:]
    assert not list(tmp_path.glob("crash-*"))
