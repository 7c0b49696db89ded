"""Tests for kg.readers, the reading stage."""

from __future__ import annotations

import io
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg import plugins
from kg.model import Article, Skipped, content_hash
from kg.readers import extensions, read, read_html, read_json, read_jsonl, read_text, reader_for

# --------------------------------------------------------------------------- #
# helpers


def write(directory: Path, name: str, content: str | bytes) -> str:
    """Write *content* (UTF-8 if str) to directory/name and return the path as a str."""
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return str(path)


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def only(results) -> Article | Skipped:
    results = list(results)
    assert len(results) == 1, results
    return results[0]


def articles(results) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def skips(results) -> list[Skipped]:
    return [r for r in results if isinstance(r, Skipped)]


# --------------------------------------------------------------------------- #
# plain text


def test_text_with_title(tmp_path):
    path = write(tmp_path, "a.txt", "Storm hits coast\n\n\nThe storm came.\nIt left.\n")
    art = only(read_text(path))
    assert isinstance(art, Article)
    assert art.title == "Storm hits coast"
    assert art.text == "The storm came.\nIt left.\n"
    assert art.source == path
    assert art.id == content_hash(art.text)[:20]
    assert art.meta == {}


def test_text_single_line_has_no_title(tmp_path):
    art = only(read_text(write(tmp_path, "a.txt", "Just one line of text.\n")))
    assert art.title is None
    assert art.text == "Just one line of text.\n"


def test_text_long_first_line_is_not_a_title(tmp_path):
    first = "word " * 50  # 250 chars
    art = only(read_text(write(tmp_path, "a.txt", f"{first}\nsecond line\n")))
    assert art.title is None
    assert art.text.startswith(first)


def test_text_leading_blank_lines_and_crlf(tmp_path):
    art = only(read_text(write(tmp_path, "a.txt", "\r\n  \r\nTitle\r\n\r\nLine one.\r\nLine two.\r\n")))
    assert art.title == "Title"
    assert art.text == "Line one.\nLine two.\n"
    assert "\r" not in art.text


def test_text_keeps_inner_whitespace(tmp_path):
    body = "  Indented first.\n\n\tTabbed  spaced\u00a0text.\n"
    art = only(read_text(write(tmp_path, "a.txt", "Title\n" + body)))
    assert art.text == body


def test_markdown_heading_title(tmp_path):
    art = only(read_text(write(tmp_path, "a.md", "# Big news\n\nSomething happened.\n")))
    assert art.title == "Big news"
    assert art.text == "Something happened.\n"


@pytest.mark.parametrize("content", [b"", b"   \n\t\n  ", "\ufeff\n".encode()])
def test_text_empty(tmp_path, content):
    skip = only(read_text(write(tmp_path, "a.txt", content)))
    assert isinstance(skip, Skipped)
    assert skip.reason == "empty article"


def test_text_binary(tmp_path):
    path = write(tmp_path, "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    skip = only(read_text(path))
    assert isinstance(skip, Skipped)
    assert skip.reason == "binary file"
    assert skip.source == path


def test_text_latin1_fallback(tmp_path):
    path = write(tmp_path, "a.txt", "Café crème\n\nNaïve “quoted” résumé.\n".encode("cp1252"))
    art = only(read_text(path))
    assert isinstance(art, Article)
    assert art.title == "Café crème"
    assert art.text == "Naïve “quoted” résumé.\n"
    assert art.meta["encoding"] == "cp1252"


def test_text_undefined_cp1252_bytes_fall_back_to_latin1(tmp_path):
    art = only(read_text(write(tmp_path, "a.txt", b"caf\xe9 \x81\x8d\n")))
    assert isinstance(art, Article)
    assert art.text == "café \x81\x8d\n"
    assert art.meta["encoding"] == "latin-1"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_text_utf16_bom(tmp_path, codec):
    raw = "Überschrift\n\nDer Text.\n".encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    art = only(read_text(write(tmp_path, "a.txt", raw)))
    assert isinstance(art, Article)
    assert art.title == "Überschrift"
    assert art.text == "Der Text.\n"
    assert art.meta["encoding"] == "utf-16"


def test_text_utf8_bom_stripped(tmp_path):
    art = only(read_text(write(tmp_path, "a.txt", "\ufeffTitle\nText.\n".encode())))
    assert art.title == "Title"
    assert art.text == "Text.\n"
    assert art.meta == {}


def test_text_over_size_limit(tmp_path):
    path = write(tmp_path, "a.txt", "x" * 101)
    skip = only(read_text(path, max_bytes=100))
    assert isinstance(skip, Skipped)
    assert "101 bytes" in skip.reason and "100-byte limit" in skip.reason
    assert isinstance(only(read_text(path, max_bytes=101)), Article)


def test_text_missing_file(tmp_path):
    skip = only(read_text(tmp_path / "nope.txt"))
    assert skip == Skipped(str(tmp_path / "nope.txt"), "no such file or directory")


# --------------------------------------------------------------------------- #
# JSON Lines


def test_jsonl_good(tmp_path):
    path = write(
        tmp_path,
        "a.jsonl",
        jsonl(
            {"id": "a1", "title": "T", "date": "2024-01-02", "url": "http://x", "text": "Hello.", "lang": "en"},
            {"id": 7, "headline": "H", "body": "Second."},
            {"content": "Third.", "meta": {"feed": "f"}, "tags": ["x"]},
        ),
    )
    first, second, third = read_jsonl(path)
    assert first == Article(
        id="a1", text="Hello.", title="T", date="2024-01-02", url="http://x", source=f"{path}:1", meta={"lang": "en"}
    )
    assert (second.id, second.title, second.text, second.source) == ("7", "H", "Second.", f"{path}:2")
    assert third.id == content_hash("Third.")[:20]
    assert third.meta == {"feed": "f", "tags": ["x"]}


def test_jsonl_text_kept_as_given_except_crlf(tmp_path):
    art = only(read_jsonl(write(tmp_path, "a.jsonl", jsonl({"text": "  A\r\nB \n\n"}))))
    assert art.text == "  A\nB \n\n"


def test_jsonl_broken_line_in_the_middle(tmp_path):
    path = write(tmp_path, "a.jsonl", jsonl({"text": "one"}, '{"text": "two",', {"text": "three"}))
    results = list(read_jsonl(path))
    assert [type(r) for r in results] == [Article, Skipped, Article]
    assert results[1].source == path
    assert results[1].line == 2
    assert results[1].reason.startswith("invalid JSON")
    assert [a.text for a in articles(results)] == ["one", "three"]
    assert [a.source for a in articles(results)] == [f"{path}:1", f"{path}:3"]


def test_jsonl_blank_lines_do_not_shift_line_numbers(tmp_path):
    path = write(tmp_path, "a.jsonl", '{"text": "one"}\n\n   \n[1, 2]\n')
    art, skip = read_jsonl(path)
    assert art.source == f"{path}:1"
    assert (skip.line, skip.reason) == (4, "expected a JSON object, got array")


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("42", "expected a JSON object, got number"),
        ('"text"', "expected a JSON object, got string"),
        ({"title": "no text"}, "missing text: no 'text', 'body' or 'content' field"),
        ({"text": None}, "missing text: no 'text', 'body' or 'content' field"),
        ({"text": ""}, "empty article"),
        ({"text": " \n\t"}, "empty article"),
        ({"text": 5}, "'text' must be a string, got number"),
        ({"body": ["a"]}, "'body' must be a string, got array"),
        ({"id": [1], "text": "x"}, "'id' must be a string or an integer, got array"),
        ({"id": True, "text": "x"}, "'id' must be a string or an integer, got boolean"),
        ({"id": 1.5, "text": "x"}, "'id' must be a string or an integer, got number"),
        ({"title": 3, "text": "x"}, "'title' must be a string, got number"),
        ({"headline": {"a": 1}, "text": "x"}, "'headline' must be a string, got object"),
        ({"date": 20240101, "text": "x"}, "'date' must be a string, got number"),
        ({"url": False, "text": "x"}, "'url' must be a string, got boolean"),
    ],
)
def test_jsonl_bad_records(tmp_path, record, reason):
    path = write(tmp_path, "a.jsonl", jsonl({"text": "good"}, record, {"text": "also good"}))
    good1, skip, good2 = read_jsonl(path)
    assert skip == Skipped(path, reason, 2)
    assert (good1.text, good2.text) == ("good", "also good")


def test_jsonl_duplicate_id(tmp_path):
    path = write(
        tmp_path, "a.jsonl", jsonl({"id": "x", "text": "a"}, {"id": "y", "text": "b"}, {"id": "x", "text": "c"})
    )
    results = list(read_jsonl(path))
    assert [a.text for a in articles(results)] == ["a", "b"]
    assert skips(results) == [Skipped(path, "duplicate id x (first at line 1)", 3)]


def test_duplicate_id_across_files_is_skipped_not_replaced(tmp_path):
    # Loading both would silently replace the first article's graph with the second's.
    a = write(tmp_path, "a.jsonl", jsonl({"id": "x", "text": "a"}, {"text": "same text"}))
    b = write(tmp_path, "b.jsonl", jsonl({"text": "other"}, {"id": "x", "text": "b"}))
    c = write(tmp_path, "c.txt", "same text")  # no id: the hash of the text, as for line 2 of a.jsonl
    results = list(read([a, b, c]))
    assert [r.text for r in articles(results)] == ["a", "same text", "other"]
    assert skips(results) == [
        Skipped(b, f"duplicate id x (first at {a}:1)", 2),
        Skipped(c, f"exact duplicate of {a}:2 (read once)"),
    ]
    # each call to read() is one run: reading the same files again is not a duplicate
    assert len(articles(read([b]))) == 2


def test_jsonl_empty_file(tmp_path):
    path = write(tmp_path, "a.jsonl", "\n  \n")
    skip = only(read_jsonl(path))
    assert isinstance(skip, Skipped) and skip.source == path and "no articles" in skip.reason


def test_jsonl_latin1_line(tmp_path):
    raw = '{"text": "café"}\n'.encode("cp1252") + '{"text": "naïve"}\n'.encode()
    first, second = read_jsonl(write(tmp_path, "a.jsonl", raw))
    assert (first.text, first.meta) == ("café", {"encoding": "cp1252"})
    assert (second.text, second.meta) == ("naïve", {})


def test_jsonl_utf16_and_utf8_bom(tmp_path):
    body = jsonl({"text": "über"}, {"text": "zwei"})
    for name, raw in [("a.jsonl", body.encode("utf-16")), ("b.jsonl", ("\ufeff" + body).encode())]:
        results = list(read_jsonl(write(tmp_path, name, raw)))
        assert [a.text for a in articles(results)] == ["über", "zwei"], name


def test_jsonl_binary(tmp_path):
    assert only(read_jsonl(write(tmp_path, "a.jsonl", b'{"text": "x"}\x00\x01\x02'))).reason == "binary file"


def test_jsonl_line_over_limit(tmp_path):
    path = write(tmp_path, "a.jsonl", jsonl({"text": "short"}, {"text": "x" * 500}, {"text": "fine"}))
    results = list(read_jsonl(path, max_bytes=100))
    assert [a.text for a in articles(results)] == ["short", "fine"]
    assert skips(results) == [Skipped(path, "line is over the 100-byte limit", 2)]
    assert articles(results)[1].source == f"{path}:3"


def test_article_over_max_chars_is_skipped_with_its_line(tmp_path):
    path = write(tmp_path, "a.jsonl", jsonl({"text": "x" * 90, "title": "t" * 11}, {"text": "y" * 100}))
    txt = write(tmp_path, "big.txt", "z" * 101)
    results = list(read([path, txt, "-"], max_chars=100, stdin=io.StringIO("s" * 101)))
    assert skips(results) == [
        Skipped(path, "too large: 101 characters, over the 100-character limit", 1),
        Skipped(txt, "too large: 101 characters, over the 100-character limit"),
        Skipped("<stdin>", "too large: 101 characters, over the 100-character limit"),
    ]
    assert [a.text for a in articles(results)] == ["y" * 100]
    assert len(articles(read([txt], max_chars=None))) == 1


def test_default_max_chars_is_spacys_max_length():
    from spacy.language import Language

    from kg.readers import DEFAULT_MAX_CHARS

    assert DEFAULT_MAX_CHARS == Language().max_length == 1_000_000


@pytest.mark.parametrize("depth, ok", [(63, True), (64, False), (5000, False)])
def test_deeply_nested_record(tmp_path, depth, ok):
    # the record itself is level 1; depth-1 arrays inside it reach level `depth`
    line = '{"text": "Nested.", "x": ' + "[" * depth + "]" * depth + "}"
    result = only(read_jsonl(write(tmp_path, "a.jsonl", line + "\n")))
    if ok:
        assert isinstance(result, Article)
        assert isinstance(result.meta["x"], list)
    elif depth < 900:
        assert result == Skipped(result.source, "too deeply nested: over 64 levels of arrays and objects", 1)
    else:  # too deep for the JSON parser itself
        assert result.reason.startswith("invalid JSON: maximum recursion depth exceeded")


def test_nested_record_in_a_json_array(tmp_path):
    doc = json.dumps([{"text": "ok"}, {"text": "deep", "meta": {"a": [[[[[[[[[[[]]]]]]]]]]]}}])
    path = write(tmp_path, "a.json", doc.replace("[[[[[[[[[[[]]]]]]]]]]]", "[" * 70 + "]" * 70))
    ok, deep = read_json(path)
    assert ok.text == "ok" and deep == Skipped(path, "too deeply nested: over 64 levels of arrays and objects", 2)


def test_lone_surrogates_become_replacement_characters_one_for_one(tmp_path):
    # JSON can escape a lone surrogate; no UTF-8 encoder (spaCy's tokenizer, the stores) accepts one
    line = '{"id": "s\\ud800", "title": "t\\udfff", "text": "a\\ud800b\\udfff\\ud800c", "x": ["\\udc80"]}'
    art = only(read([write(tmp_path, "a.jsonl", line + "\n")]))
    assert (art.id, art.title, art.text, art.meta) == ("s\ufffd", "t\ufffd", "a\ufffdb\ufffd\ufffdc", {"x": ["\ufffd"]})
    art = only(read(["-"], stdin=io.StringIO("caf\udce9 ok")))  # stdin decoded with surrogateescape
    assert art.text == "caf\ufffd ok"
    art.text.encode("utf-8")


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"bad-\xff.txt")
    write(tmp_path, name, "Text.")
    art, skip = read([str(tmp_path), str(tmp_path / os.fsdecode(b"missing-\xfe.txt"))])
    assert art.source == str(tmp_path / "bad-\ufffd.txt") and art.text == "Text."
    assert skip.source == str(tmp_path / "missing-\ufffd.txt")


def test_ndjson_extension(tmp_path):
    assert reader_for("a.NDJSON") is read_jsonl
    assert isinstance(only(read([write(tmp_path, "a.ndjson", jsonl({"text": "x"}))])), Article)


# --------------------------------------------------------------------------- #
# .json


def test_json_single_object(tmp_path):
    path = write(tmp_path, "a.json", json.dumps({"id": "one", "text": "Hi."}))
    assert only(read_json(path)) == Article(id="one", text="Hi.", source=path)


@pytest.mark.parametrize("wrap", [lambda items: items, lambda items: {"articles": items}])
def test_json_list(tmp_path, wrap):
    items = [{"text": "a"}, {"text": 1}, "nope", {"text": "b", "id": "i"}, {"text": "c", "id": "i"}]
    path = write(tmp_path, "a.json", json.dumps(wrap(items)))
    results = list(read_json(path))
    assert [(a.text, a.source) for a in articles(results)] == [("a", f"{path}:1"), ("b", f"{path}:4")]
    assert [(s.line, s.reason) for s in skips(results)] == [
        (2, "'text' must be a string, got number"),
        (3, "expected a JSON object, got string"),
        (5, "duplicate id i (first at item 4)"),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"text": ', "invalid JSON"),
        ("42", "expected an object or an array of objects, got number"),
        ("[]", "no articles"),
        ('{"articles": {"text": "x"}}', "'articles' must be an array, got object"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON"),
    ],
)
def test_json_bad(tmp_path, content, reason):
    skip = only(read_json(write(tmp_path, "a.json", content)))
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith(reason)


# --------------------------------------------------------------------------- #
# HTML

NEWS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Acme Corp agrees to buy Widget Ltd for $2 billion | Daily Planet</title>
  <meta property="og:title" content="Acme Corp agrees to buy Widget Ltd for $2 billion">
  <meta property="og:type" content="article">
  <meta property="og:url" content="https://news.example.com/business/acme-widget-deal">
  <meta property="article:published_time" content="2024-03-14T09:30:00Z">
  <meta name="author" content="Jane Reporter">
  <script>window.dataLayer = []; function gtag(){dataLayer.push(arguments);} gtag('js', new Date());</script>
  <style>body { font-family: serif; }</style>
</head>
<body>
  <div id="cookie-banner" class="cookie-consent">
    <p>We use cookies to improve your experience. By continuing to browse you accept our cookie policy.</p>
    <button>Accept all cookies</button> <button>Manage preferences</button>
  </div>
  <header class="site-header">
    <a href="/" class="logo">Daily Planet</a>
    <nav class="main-nav"><ul>
      <li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
      <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li>
    </ul></nav>
  </header>
  <main>
    <article class="story">
      <h1>Acme Corp agrees to buy Widget Ltd for $2 billion</h1>
      <p class="byline">By Jane Reporter</p>
      <div class="story-body">
        <p>Acme Corp said on Thursday it had agreed to buy Widget Ltd, the British maker of industrial
           sensors, for $2 billion in cash, the largest acquisition in the company's history.</p>
        <p>The deal, which has been approved by both boards, is expected to close in the second half
           of the year, subject to regulatory approval in the United States and the European Union.</p>
        <p>"Widget's engineers have built the best sensors in the world," said Maria Lopez, Acme's chief
           executive, in a statement. "Together we can bring them to every factory floor."</p>
        <h2>A Cambridge success story</h2>
        <p>Widget Ltd was founded in 1998 in Cambridge by two university researchers and employs about
           1,200 people in Britain, Germany and Japan.</p>
        <p>Shares in Acme rose 4 percent in early trading in New York, while analysts at Northbank said
           the price looked reasonable given Widget's growth.</p>
        <p>The companies said Widget would keep its brand and its headquarters in Cambridge.</p>
      </div>
    </article>
    <aside class="related-stories">
      <h2>Related stories</h2>
      <ul>
        <li><a href="/business/a">Sensor makers face chip shortage squeeze</a></li>
        <li><a href="/business/b">Cambridge start-ups attract record investment</a></li>
        <li><a href="/business/c">Acme profits beat expectations for third quarter</a></li>
      </ul>
    </aside>
  </main>
  <footer class="site-footer">
    <p>© 2024 Daily Planet Media Group. All rights reserved.</p>
    <ul><li><a href="/privacy">Privacy notice</a></li><li><a href="/terms">Terms of use</a></li></ul>
    <p>Sign up for our newsletter to get the top stories every morning.</p>
  </footer>
  <script>document.getElementById('cookie-banner').addEventListener('click', function(){});</script>
</body>
</html>
"""

ARTICLE_PARAGRAPHS = [
    "Acme Corp said on Thursday it had agreed to buy Widget Ltd, the British maker of industrial sensors, "
    "for $2 billion in cash, the largest acquisition in the company's history.",
    "The deal, which has been approved by both boards, is expected to close in the second half of the year, "
    "subject to regulatory approval in the United States and the European Union.",
    "\"Widget's engineers have built the best sensors in the world,\" said Maria Lopez, Acme's chief executive, "
    'in a statement. "Together we can bring them to every factory floor."',
    "A Cambridge success story",
    "Widget Ltd was founded in 1998 in Cambridge by two university researchers and employs about 1,200 people "
    "in Britain, Germany and Japan.",
    "Shares in Acme rose 4 percent in early trading in New York, while analysts at Northbank said the price "
    "looked reasonable given Widget's growth.",
    "The companies said Widget would keep its brand and its headquarters in Cambridge.",
]

BOILERPLATE = [
    "cookie",
    "Accept all",
    "Subscribe",
    "Daily Planet",
    "Related stories",
    "chip shortage",
    "record investment",
    "third quarter",
    "All rights reserved",
    "Privacy",
    "newsletter",
    "dataLayer",
    "addEventListener",
    "font-family",
]


def test_html_realistic_page(tmp_path):
    path = write(tmp_path, "story.html", NEWS_PAGE)
    started = time.perf_counter()
    art = only(read_html(path))
    elapsed = time.perf_counter() - started
    assert isinstance(art, Article), art
    assert art.text.split("\n\n") == ARTICLE_PARAGRAPHS  # every paragraph, in order, blank-line separated
    for phrase in BOILERPLATE:
        assert phrase.lower() not in art.text.lower(), phrase
    assert art.title == "Acme Corp agrees to buy Widget Ltd for $2 billion"
    assert art.date == "2024-03-14"
    assert art.url == "https://news.example.com/business/acme-widget-deal"
    assert art.meta.get("author") == "Jane Reporter"
    assert art.id == content_hash(art.text)[:20]
    assert art.source == path
    assert elapsed < 10  # includes the one-off trafilatura import


def test_html_lists_and_line_breaks(tmp_path):
    page = (
        "<html><head><title>Storm</title></head><body><article><h1>Storm</h1>"
        "<p>First line of the first paragraph of the report.<br>Second line of it.</p>"
        "<ul><li>Schools are closed on Friday.</li><li>Trains are cancelled.</li></ul>"
        "<p>The weather service said winds reached 140 km/h at their peak overnight.</p>"
        "</article></body></html>"
    )
    art = only(read_html(write(tmp_path, "a.htm", page)))
    assert art.text.split("\n\n") == [
        "First line of the first paragraph of the report.\nSecond line of it.",
        "- Schools are closed on Friday.\n- Trains are cancelled.",
        "The weather service said winds reached 140 km/h at their peak overnight.",
    ]


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>App</title><script>var a = 'lots of script text here';</script></head>"
        "<body><script>render()</script><noscript>Please enable JavaScript to use this site.</noscript>"
        "<div id='app'></div></body></html>",
        "<html><body></body></html>",
        "",
    ],
)
def test_html_without_article(tmp_path, page):
    skip = only(read_html(write(tmp_path, "a.html", page)))
    assert isinstance(skip, Skipped)
    assert skip.reason == "no article text found in HTML"


def test_html_declared_charset(tmp_path):
    page = (
        '<html><head><meta charset="windows-1252"><title>Café</title></head><body><article>'
        "<p>Le café est servi dans la cour de l'hôtel chaque matin à huit heures.</p></article></body></html>"
    )
    art = only(read_html(write(tmp_path, "a.html", page.encode("cp1252"))))
    assert "café" in art.text and "hôtel" in art.text
    assert art.meta["encoding"] == "windows-1252"


def test_html_fragment(tmp_path):
    art = only(read_html(write(tmp_path, "a.html", "<p>A single paragraph saved without any page around it.</p>")))
    assert isinstance(art, Article)
    assert art.text == "A single paragraph saved without any page around it."


# --------------------------------------------------------------------------- #
# read(): inputs


def make_tree(root: Path) -> None:
    write(root, "b.txt", "B text.")
    write(root, "a.jsonl", jsonl({"text": "A1"}, {"text": "A2"}))
    write(root, "sub/c.md", "C text.")
    write(root, "sub/deeper/d.json", json.dumps({"text": "D text."}))
    write(root, "sub/notes.csv", "x,y\n")
    write(root, "README", "no extension")
    write(root, "image.png", b"\x89PNG\x00\x00")
    write(root, ".hidden.txt", "hidden")
    write(root, ".git/e.txt", "hidden dir")


def test_directory_walk_order_and_filtering(tmp_path):
    make_tree(tmp_path)
    results = list(read([str(tmp_path)]))
    assert all(isinstance(r, Article) for r in results), results
    assert [r.text for r in results] == ["A1", "A2", "B text.", "C text.", "D text."]
    assert [os.path.relpath(r.source, tmp_path) for r in results] == [
        "a.jsonl:1",
        "a.jsonl:2",
        "b.txt",
        os.path.join("sub", "c.md"),
        os.path.join("sub", "deeper", "d.json"),
    ]


def test_empty_directory(tmp_path):
    write(tmp_path, "notes.csv", "x")
    assert only(read([str(tmp_path)])) == Skipped(str(tmp_path), "no readable files in directory")


def test_explicit_unknown_extension_is_skipped(tmp_path):
    path = write(tmp_path, "notes.csv", "x,y")
    skip = only(read([path]))
    assert isinstance(skip, Skipped)
    assert skip.source == path
    assert "unsupported file extension .csv" in skip.reason


def test_explicit_hidden_file_is_read(tmp_path):
    assert isinstance(only(read([write(tmp_path, ".hidden.txt", "Text.")])), Article)


def test_nonexistent_path(tmp_path):
    path = str(tmp_path / "missing.txt")
    assert only(read([path])) == Skipped(path, "no such file or directory")


def test_glob(tmp_path):
    make_tree(tmp_path)
    results = list(read([str(tmp_path / "**" / "*.txt"), str(tmp_path / "**" / "*.md")]))
    assert [r.text for r in results] == ["B text.", "C text."]


def test_glob_recursive_star_star_reads_each_file_once(tmp_path):
    make_tree(tmp_path)
    results = list(read([str(tmp_path / "**")]))
    assert sorted(r.text for r in results) == ["A1", "A2", "B text.", "C text.", "D text."]


def test_glob_without_matches(tmp_path):
    pattern = str(tmp_path / "*.txt")
    assert only(read([pattern])) == Skipped(pattern, "no files match this pattern")
    write(tmp_path, "a.csv", "x")
    pattern = str(tmp_path / "*.csv")
    assert only(read([pattern])) == Skipped(pattern, "no readable files match this pattern")


def test_same_file_twice_is_read_once(tmp_path):
    path = write(tmp_path, "a.txt", "Text.")
    os.symlink(path, tmp_path / "alias.txt")
    assert len(list(read([path, str(tmp_path), path]))) == 1


def test_single_string_input(tmp_path):
    assert isinstance(only(read(write(tmp_path, "a.txt", "Text."))), Article)


# --------------------------------------------------------------------------- #
# stdin


def test_stdin_plain_text():
    art = only(read(["-"], stdin=io.StringIO("Headline\r\n\r\nBody text.\r\n")))
    assert (art.title, art.text, art.source) == ("Headline", "Body text.\n", "<stdin>")


def test_stdin_jsonl():
    stream = io.StringIO('\n  {"id": "s1", "text": "one"}\n{broken\n{"text": "two"}\n')
    results = list(read(["-"], stdin=stream))
    assert [(a.id, a.source) for a in articles(results)] == [
        ("s1", "<stdin>:2"),
        (content_hash("two")[:20], "<stdin>:4"),
    ]
    assert [(s.source, s.line) for s in skips(results)] == [("<stdin>", 3)]


@pytest.mark.parametrize("content", ["", "  \n\n"])
def test_stdin_empty(content):
    assert only(read(["-"], stdin=io.StringIO(content))) == Skipped("<stdin>", "empty article")


def test_stdin_over_limit():
    skip = only(read(["-"], stdin=io.StringIO("x" * 50), max_bytes=10))
    assert isinstance(skip, Skipped) and "10-byte limit" in skip.reason


def test_stdin_read_error():
    class Broken(io.StringIO):
        def readline(self, *args):
            raise OSError(5, "Input/output error")

    skip = only(read(["-"], stdin=Broken()))
    assert skip.source == "<stdin>" and "input/output error" in skip.reason


# --------------------------------------------------------------------------- #
# ids


def test_id_is_stable_across_txt_stdin_and_jsonl(tmp_path):
    body = "The council approved the dam on Friday.\nOpponents will appeal.\n"
    from_txt = only(read([write(tmp_path, "a.txt", "Dam approved\n\n" + body)]))
    from_stdin = only(read(["-"], stdin=io.StringIO("Dam approved\n\n" + body)))
    from_jsonl = only(read([write(tmp_path, "a.jsonl", jsonl({"title": "Dam approved", "text": body}))]))
    from_crlf = only(read([write(tmp_path, "b.txt", ("Dam approved\n\n" + body).replace("\n", "\r\n"))]))
    assert from_txt.id == from_stdin.id == from_jsonl.id == from_crlf.id == content_hash(body)[:20]
    assert len(from_txt.id) == 20


def test_given_id_wins(tmp_path):
    art = only(read([write(tmp_path, "a.jsonl", jsonl({"id": "story-1", "text": "x"}))]))
    assert art.id == "story-1"


def test_empty_given_id_falls_back_to_hash(tmp_path):
    art = only(read([write(tmp_path, "a.jsonl", jsonl({"id": "", "text": "x"}))]))
    assert art.id == content_hash("x")[:20]


# --------------------------------------------------------------------------- #
# unreadable files and links


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read chmod-000 files")
def test_permission_denied(tmp_path):
    path = write(tmp_path, "a.txt", "Text.")
    os.chmod(path, 0)
    try:
        assert only(read([path])) == Skipped(path, "permission denied")
    finally:
        os.chmod(path, 0o644)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read chmod-000 dirs")
def test_unreadable_directory(tmp_path):
    locked = tmp_path / "locked"
    write(locked, "a.txt", "Text.")
    write(tmp_path, "b.txt", "B.")
    os.chmod(locked, 0)
    try:
        results = list(read([str(tmp_path)]))
    finally:
        os.chmod(locked, 0o755)
    assert results[0] == Skipped(str(locked), "permission denied")
    assert results[1].text == "B."


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_fifo_is_skipped_without_blocking(tmp_path):
    path = str(tmp_path / "pipe.txt")
    os.mkfifo(path)
    skip = only(read([path]))
    assert skip == Skipped(path, "not a regular file: it is a named pipe")
    assert only(read([str(tmp_path)])) == skip  # also inside a directory walk


def test_excluded_directories_are_not_walked(tmp_path):
    write(tmp_path, "a.txt", "Title\n\nBody of a.")
    (tmp_path / "out").mkdir()
    write(tmp_path / "out", "aliases.json", '{"x": "y"}')
    assert [type(r) for r in read([str(tmp_path)])] == [Article, Skipped]
    for inputs in ([str(tmp_path)], [str(tmp_path / "*")]):
        results = list(read(inputs, exclude=[str(tmp_path / "out")]))
        assert [r.source for r in results] == [str(tmp_path / "a.txt")]


def test_broken_symlink(tmp_path):
    path = str(tmp_path / "dangling.txt")
    os.symlink(tmp_path / "gone.txt", path)
    skip = only(read([path]))
    assert isinstance(skip, Skipped)
    assert skip.reason.startswith("no such file or directory (broken symlink")
    assert only(read([str(tmp_path)])).source == path


def test_symlink_loop_in_directory_tree(tmp_path):
    write(tmp_path, "a.txt", "A.")
    write(tmp_path, "sub/b.txt", "B.")
    os.symlink(tmp_path, tmp_path / "sub" / "up")  # sub/up -> root: a cycle
    os.symlink("self.txt", tmp_path / "self.txt")  # a file symlink pointing at itself
    results = list(read([str(tmp_path)]))
    assert [a.text for a in articles(results)] == ["A.", "B."]
    reasons = {os.path.relpath(s.source, tmp_path): s.reason for s in skips(results)}
    assert reasons["self.txt"] == "symlink loop"
    assert reasons[os.path.join("sub", "up")].startswith("symlink loop")


def test_symlinked_directory_is_followed(tmp_path):
    write(tmp_path, "real/a.txt", "A.")
    (tmp_path / "tree").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "tree" / "link")
    assert only(read([str(tmp_path / "tree")])).text == "A."


# --------------------------------------------------------------------------- #
# accounting and robustness


def test_counts_add_up(tmp_path):
    inputs = [
        write(tmp_path, "good.txt", "Title\n\nGood."),
        write(tmp_path, "empty.txt", ""),
        write(tmp_path, "bin.txt", b"\x00\x01"),
        write(tmp_path, "page.html", NEWS_PAGE),
        write(tmp_path, "blank.html", "<html><body><script>x()</script></body></html>"),
        write(tmp_path, "one.json", json.dumps({"text": "J."})),
        write(tmp_path, "bad.json", "{"),
        write(tmp_path, "notes.csv", "x"),
        str(tmp_path / "missing.txt"),
        str(tmp_path / "*.xml"),
    ]
    lines = jsonl({"text": "1"}, "{oops", {"text": 2}, {"id": "d", "text": "3"}, {"id": "d", "text": "4"})
    inputs.append(write(tmp_path, "lines.jsonl", lines))
    results = list(read([*inputs, "-"], stdin=io.StringIO("From stdin.")))
    n_articles, n_skipped = len(articles(results)), len(skips(results))
    assert n_articles + n_skipped == len(results)
    assert (n_articles, n_skipped) == (6, 10)
    assert n_articles + n_skipped == (len(inputs) - 1) + 5 + 1  # files + JSON lines + stdin


def test_read_is_lazy(tmp_path):
    for i in range(3):
        write(tmp_path, f"{i}.txt", f"Text {i}.")
    results = read([str(tmp_path)])
    first = next(results)
    os.remove(tmp_path / "2.txt")  # vanishes before it is read
    rest = list(results)
    assert first.text == "Text 0."
    assert rest[0].text == "Text 1."
    assert rest[1] == Skipped(str(tmp_path / "2.txt"), "no such file or directory")


def test_readers_registry():
    assert extensions() == sorted([".txt", ".text", ".md", ".jsonl", ".ndjson", ".json", ".html", ".htm"])
    assert reader_for("a.txt") is read_text and reader_for("a.json") is read_json and reader_for("a.htm") is read_html
    assert reader_for("a.csv") is None and reader_for("README") is None


def read_upper(path, *, max_bytes):
    yield Article(id="u", text=Path(path).read_text().upper(), source=str(path))


def test_new_format_plugs_in(tmp_path):
    write(tmp_path, "a.up", "shout")
    assert only(read([str(tmp_path)])).reason == "no readable files in directory"  # no reader for .up yet
    plugins.register("upper", "reader", __name__, "read_upper", extensions=(".up",))
    try:
        assert only(read([str(tmp_path)])).text == "SHOUT"
    finally:
        plugins.unregister("upper", "reader")
    assert reader_for("a.up") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), ext=st.sampled_from(extensions()))
def test_never_raises_on_arbitrary_bytes(tmp_path, data, ext):
    path = write(tmp_path, "fuzz" + ext, data)
    results = list(read([path]))
    assert results
    for result in results:
        assert isinstance(result, (Article, Skipped))
        if isinstance(result, Article):
            assert result.text.strip() and "\r\n" not in result.text


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200))
def test_stdin_never_raises(text):
    results = list(read(["-"], stdin=io.StringIO(text)))
    assert results and all(isinstance(r, (Article, Skipped)) for r in results)
