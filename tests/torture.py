"""Generate the torture corpus of hostile inputs for ``kg build``, with a manifest.

    python tests/torture.py OUTDIR --n 10000 [--seed 8]

writes ``OUTDIR/corpus/`` (give that directory to ``kg build``) and ``OUTDIR/manifest.jsonl``:
one line per *input*, an article candidate as kg's reader sees it (a file, a line of a JSON Lines
file, an item of a JSON array, or a directory entry it cannot walk)::

    {"source": "lines/0003.jsonl", "line": 17, "kind": "wrong type",
     "expect": "skipped", "reason": "'text' must be a string"}

``source`` is relative to the corpus directory, ``line`` is null for a whole file, ``expect`` is
``loaded`` or ``skipped`` and ``reason`` the start of the skip reason kg must report. Every kind
the issue names is there at least once for any ``--n`` (a 10 MB article, a 1 MB single line, a
~0.9 MB line and a line of 20,000 braces whose NLP runs over any ``--article-timeout`` of 10 s or
less, binary data, invalid UTF-8, Latin-1, UTF-16 with a BOM, HTML with scripts and no article,
broken JSON Lines, missing ``text``, wrong types, duplicate ids, deep nesting, symlink loops, a named pipe, /dev/zero,
unreadable files, and text full of quotes, backticks, braces and control characters); the rest
of the ``--n`` inputs are JSON Lines of the same kinds, so 10,000 inputs need few files.

Unreadable permissions: ``chmod 000`` stops no one running as root, so as root the manifest
expects those files to load, and a link to ``/proc/self/mem`` (a file every reader, root
included, gets an I/O error from) stands for an unreadable file.

The generator knows the reader's order (sorted paths) and id rule (the given id, else a hash
of the text), so it predicts duplicate ids exactly; every other text carries a serial number.
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import json
import os
import random
import sys
from pathlib import Path

SEED = 8
SLOW_CHARS = 900_000  # under the default --max-chars (1,000,000): it reaches the NLP, and times out
TIMEOUT_AT_MOST = 10  # seconds: the slow/ articles time out under any --article-timeout up to this
LINES_PER_FILE = 500
TAIL_INPUTS = 8  # inputs under links/, perm/ and slow/ on any system (more where /dev and /proc exist)

WORDS = [
    "Keir",
    "Starmer",
    "met",
    "Donald",
    "Trump",
    "in",
    "Washington",
    "on",
    "Thursday",
    ".",
    "NATO",
    "ministers",
    "said",
    "Kyiv",
    "needs",
    "air",
    "defence",
    ".",
    "Emmanuel",
    "Macron",
    "told",
    "reporters",
    "in",
    "Paris",
    "that",
    "Europe",
    "would",
    "pay",
    ".",
    "The",
    "European",
    "Union",
    "and",
    "the",
    "United",
    "Kingdom",
    "agreed",
    "a",
    "deal",
    "worth",
    "$2",
    "billion",
    ",",
    "officials",
    "said",
    ".",
]
QUOTES = [
    '"',
    "'",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u201e",
    "`",
    "```",
    "'''",
    '"""',
    "\\",
    "\\\\",
    '\\"',
]
BRACES = ["{", "}", "{{", "}}", "[", "]", "(", ")", "<", ">", "${x}", "{0}", "%s", "%(name)s", "#{x}", "$1"]
CONTROL = [chr(c) for c in range(1, 32)] + [
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\U0010ffff",
]
INJECTION = [
    "'; DROP TABLE articles; --",
    "}) DETACH DELETE n //",
    "MATCH (n) DETACH DELETE n",
    '" } ; DROP ALL ; # ',
    "> INSERT DATA { <a> <b> <c> } #",
    "<http://evil.example/x>",
    "CALL apoc.cypher.runWrite('MATCH (n) DELETE n', {})",
    "$param",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "%00",
    "' OR '1'='1",
    "\\u0000",
    "_:b0",
    "?s ?p ?o",
    "LOAD CSV FROM 'file:///etc/passwd' AS l",
    "`n`:`Person`",
]
OTHER = [
    "\u00fc",
    "\u00df",
    "\u03a9",
    "\u4e2d\u6587",
    "\U0001f600",
    "\u0301",
    "e\u0301",
    "\u0627\u0644",
    "\u00a0",
    "\t",
    "\r\n",
    "\r",
    "\n\n",
    "  ",
]


class Corpus:
    """Writes files under ``root`` and records one manifest entry per input, in reading order."""

    def __init__(self, root: Path, seed: int):
        self.root = root
        self.rng = random.Random(seed)
        self.entries: list[dict] = []
        self.ids: dict[str, str] = {}  # article id -> where first read (as kg reports it)
        self.serial = 0

    # -- recording ---------------------------------------------------------------------

    def expect(self, source: str, line: int | None, kind: str, reason: str | None = None) -> None:
        self.entries.append(
            {
                "source": source,
                "line": line,
                "kind": kind,
                "expect": "skipped" if reason else "loaded",
                "reason": reason,
            }
        )

    def article(self, source: str, line: int | None, kind: str, text: str, given_id=None) -> None:
        """An input that becomes an article unless its id was read before (kg's rule)."""
        aid = (
            str(given_id)
            if given_id not in (None, "")
            else hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8", "surrogatepass")).hexdigest()[:20]
        )
        where = source if line is None else f"{source}:{line}"
        if aid in self.ids:
            self.expect(source, line, kind, f"duplicate id {aid}")
        else:
            self.ids[aid] = where
            self.expect(source, line, kind)

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def path(self, rel: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write(self, rel: str, data: str | bytes) -> Path:
        p = self.path(rel)
        p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return p

    # -- hostile text ------------------------------------------------------------------

    def hostile(self, size: int = 12) -> str:
        """Words mixed with quotes, backticks, braces, control characters and injection strings,
        ending with a serial number, so no two are alike."""
        rng = self.rng
        pools = (WORDS, WORDS, QUOTES, BRACES, CONTROL, INJECTION, OTHER)
        parts = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, size))]
        glue = rng.choice([" ", "", " ", "\n", " "])
        return glue.join(parts) + f" Item {self.next_serial()}."

    def quote_text(self) -> str:
        """A sentence the quote and relation extractors act on, with hostile characters inside."""
        rng = self.rng
        h = lambda: rng.choice(QUOTES + BRACES + INJECTION + CONTROL)  # noqa: E731
        speaker = rng.choice(["Keir Starmer", "Donald Trump", f"Boris {h()}Pistorius", f"Ana{h()} Lopez"])
        return (
            f'"We will {h()} not back down {h()}," said {speaker}, the defence minister. '
            f"{speaker} met Emmanuel Macron in {rng.choice(['Paris', 'Kyiv', h()])}. "
            f"Item {self.next_serial()} {h()}."
        )


# --------------------------------------------------------------------------- #
# single files: one input each


def _text_files(c: Corpus) -> None:
    c.write("files/00-empty.txt", b"")
    c.expect("files/00-empty.txt", None, "empty file", "empty article")
    c.write("files/01-whitespace.txt", " \n\t\n\r\n  \x0b\x0c ")
    c.expect("files/01-whitespace.txt", None, "whitespace only", "empty article")
    c.write("files/02-whitespace.md", "\ufeff\n\n   \n")
    c.expect("files/02-whitespace.md", None, "whitespace only", "empty article")
    c.write("files/03-bom-only.txt", codecs.BOM_UTF16_LE)
    c.expect("files/03-bom-only.txt", None, "UTF-16 BOM only", "empty article")

    rng = c.rng
    binary = b"\x00" + bytes(rng.randrange(256) for _ in range(4096))
    for ext in ("txt", "jsonl", "json", "html"):
        c.write(f"files/04-binary.{ext}", binary)
        c.expect(f"files/04-binary.{ext}", None, "binary data", "binary file")

    n = c.next_serial()
    raw = b"Invalid UTF-8 \xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc \x81\x8d\x8f caf\xe9 " + str(n).encode()
    c.write("files/05-invalid-utf8.txt", raw)
    c.expect("files/05-invalid-utf8.txt", None, "invalid UTF-8")
    latin1 = f"Caf\u00e9 na\u00efve \u00bfs\u00ed? \u00a9 Item {c.next_serial()}"
    c.write("files/06-latin1.txt", latin1.encode("latin-1"))
    c.expect("files/06-latin1.txt", None, "Latin-1")
    for i, codec in enumerate(("utf-16", "utf-16-be", "utf-32")):
        text = f"\u00dcber {rng.choice(WORDS)}\r\n\r\nMinister sagte: \u201eNein\u201c. Item {c.next_serial()}\n"
        bom = codecs.BOM_UTF16_BE if codec == "utf-16-be" else b""
        c.write(f"files/07-wide-{i}.txt", bom + text.encode(codec))
        c.expect(f"files/07-wide-{i}.txt", None, f"{codec.upper()} with BOM")

    prose = " ".join(rng.choice(WORDS) for _ in range(2_200_000))
    c.write("files/08-10mb.txt", "A ten megabyte article\n\n" + prose[: 10 * 1024 * 1024])
    c.expect("files/08-10mb.txt", None, "10 MB article", "too large")
    c.write("files/09-1mb-single-line.txt", prose[: 1024 * 1024])
    c.expect("files/09-1mb-single-line.txt", None, "1 MB single line", "too large")
    with open(c.path("files/10-21mb-sparse.txt"), "wb") as fh:  # a hole: costs no disk, over --max-bytes
        fh.truncate(21_000_000)
    c.expect("files/10-21mb-sparse.txt", None, "21 MB file", "file is 21,000,000 bytes")

    for i in range(4):
        c.write(f"files/11-hostile-{i}.txt", c.hostile(40) + "\n" + c.quote_text())
        c.expect(f"files/11-hostile-{i}.txt", None, "hostile text")
    c.write("files/12-title-only.md", f"# Only a heading {c.next_serial()} `{{}}`\n")
    c.expect("files/12-title-only.md", None, "title only")
    c.write(os.fsdecode(b"files/13-name-not-utf8-\xff\xfe.txt"), c.hostile(5))  # reported with U+FFFD
    c.expect("files/13-name-not-utf8-\ufffd\ufffd.txt", None, "file name not UTF-8")


def _html_files(c: Corpus) -> None:
    no_article = [
        "<html><head><script>alert(1)</script></head><body><script>document.body.innerHTML = '<p>Injected "
        "story text long enough to look like an article paragraph.</p>'</script></body></html>",
        "<html><body><noscript>Please enable JavaScript to view this site. This application needs "
        "it.</noscript><div id='root'></div><script src='app.js'></script></body></html>",
        "<html><head><style>p { color: red }</style></head><body></body></html>",
        "<!-- <p>A hidden story in a comment, long enough to be mistaken for an article by a careless parser.</p> -->",
        "<html><body><div><p>",
        "<html><body><iframe src='javascript:alert(1)'></iframe><object data='x.swf'></object></body></html>",
    ]
    for i, page in enumerate(no_article):
        c.write(f"html/{i:02d}-no-article.html", page)
        c.expect(
            f"html/{i:02d}-no-article.html", None, "HTML with scripts and no article", "no article text found in HTML"
        )
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Ministers meet in Brussels</title>
<script>var x = "<p>not article</p>"; document.write(x);</script></head>
<body><nav><a href="/">Home</a></nav><article><h1>Ministers meet in Brussels</h1>
<p>Defence ministers from across Europe met in Brussels on Tuesday to discuss support for Ukraine,
officials said. <script>alert('xss')</script></p>
<p onclick="steal()">The meeting, chaired by the NATO secretary general, lasted six hours and ended
with a joint statement on air defence.</p>
<p>"We will not back down," said the German defence minister, Boris Pistorius, after the talks.
<iframe src="javascript:alert(1)"></iframe></p><p>Item SERIAL: {braces} `backticks` "quotes" and \\ .</p>
</article><script src="evil.js"></script></body></html>"""
    for i in range(2):
        c.write(f"html/10-article-with-scripts-{i}.html", page.replace("SERIAL", str(c.next_serial())))
        c.expect(f"html/10-article-with-scripts-{i}.html", None, "HTML article with scripts")


def _json_files(c: Corpus) -> None:
    items = [
        {"id": f"json-{c.next_serial()}", "text": c.quote_text(), "title": c.hostile(4)},
        {"text": 7},
        "not an object",
        {"title": "no text"},
        {"text": "deep " + c.hostile(3), "meta": {"x": [[[[[[[[[[[[]]]]]]]]]]]]}},
        None,
    ]
    reasons = [
        None,
        "'text' must be a string, got number",
        "expected a JSON object, got string",
        "missing text",
        "too deeply nested",
        "expected a JSON object, got null",
    ]
    doc = json.dumps(items).replace("[[[[[[[[[[[[]]]]]]]]]]]]", "[" * 80 + "]" * 80)
    c.write("json/00-list.json", doc)
    for n, (item, reason) in enumerate(zip(items, reasons), 1):
        if reason:
            c.expect("json/00-list.json", n, "JSON array item", reason)
        else:
            c.article("json/00-list.json", n, "JSON array item", item["text"], item["id"])
    cases = [
        ("01-articles-wrong-type.json", {"articles": "nope"}, "'articles' must be an array"),
        ("02-empty-array.json", [], "no articles: the array is empty"),
        ("03-number.json", 42, "expected an object or an array of objects"),
    ]
    for name, value, reason in cases:
        c.write(f"json/{name}", json.dumps(value))
        c.expect(f"json/{name}", None, "wrong type", reason)
    c.write("json/04-broken.json", '{"text": "unterminated')
    c.expect("json/04-broken.json", None, "broken JSON", "invalid JSON")
    c.write("json/05-deep-array.json", "[" * 100_000 + "]" * 100_000)
    c.expect("json/05-deep-array.json", None, "deeply nested JSON", "invalid JSON")
    text = c.hostile(10)
    c.write(
        "json/06-object.json",
        json.dumps(
            {"text": text, "title": c.hostile(3), "date": "\u0000\n{}", "url": "javascript:alert('x')"},
            ensure_ascii=False,
        ),
    )
    c.article("json/06-object.json", None, "hostile fields", text)


def _links_and_permissions(c: Corpus) -> None:
    links = c.root / "links"
    links.mkdir(parents=True, exist_ok=True)
    os.symlink("missing.txt", links / "00-dangling.txt")
    c.expect("links/00-dangling.txt", None, "broken symlink", "no such file or directory (broken symlink")
    os.symlink(".", links / "01-loop")
    c.expect("links/01-loop", None, "symlink loop in a directory", "symlink loop")
    os.symlink("..", links / "02-up")
    c.expect("links/02-up", None, "symlink loop in a directory", "symlink loop")
    os.symlink("03-self.txt", links / "03-self.txt")
    c.expect("links/03-self.txt", None, "symlink to itself", "symlink loop")
    if hasattr(os, "mkfifo"):
        for name in ("04-pipe.jsonl", "04-pipe.txt"):
            os.mkfifo(links / name)
            c.expect(f"links/{name}", None, "named pipe", "not a regular file: it is a named pipe")
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", links / "05-zero.txt")
        c.expect("links/05-zero.txt", None, "endless device", "not a regular file: it is a character device")
    if os.path.exists("/proc/self/mem"):
        os.symlink("/proc/self/mem", links / "06-unreadable.txt")
        c.expect("links/06-unreadable.txt", None, "unreadable file (I/O error, also for root)", "input/output error")

    root = hasattr(os, "geteuid") and os.geteuid() == 0
    c.write("perm/00-secret.txt", c.hostile(5)).chmod(0)
    if root:
        c.expect("perm/00-secret.txt", None, "chmod 000 file (read anyway: running as root)")
    else:
        c.expect("perm/00-secret.txt", None, "chmod 000 file", "permission denied")
    c.write("perm/01-locked/inside.txt", c.hostile(5))
    if root:
        c.expect("perm/01-locked/inside.txt", None, "file in a chmod 000 directory (read anyway: running as root)")
    else:
        c.expect("perm/01-locked", None, "chmod 000 directory", "permission denied")
    (c.root / "perm/01-locked").chmod(0)


def _slow_line(c: Corpus) -> None:
    """Two articles the NLP cannot finish in 10 s: 20,000 braces (20 KB, but 20,000 tokens in one
    sentence: minutes of parsing), and one JSON line of SLOW_CHARS characters (under --max-chars)."""
    text = "{" * 20_000 + f" Item {c.next_serial()}."
    c.write("slow/braces.jsonl", json.dumps({"text": text}) + "\n")
    c.article("slow/braces.jsonl", 1, "20,000 braces: small, but slow to parse", text)
    c.entries[-1].update(expect="skipped", reason="timed out")
    prose = " ".join(c.rng.choice(WORDS) for _ in range(SLOW_CHARS // 4))[: SLOW_CHARS - 20]
    text = prose + f" Item {c.next_serial()}."
    c.write("slow/one-long-line.jsonl", json.dumps({"id": "slow-line", "text": text}) + "\n")
    c.article("slow/one-long-line.jsonl", 1, f"{len(text):,}-character single line", text, "slow-line")
    c.entries[-1].update(expect="skipped", reason="timed out")


# --------------------------------------------------------------------------- #
# JSON lines: most of the inputs


def _line_kinds(c: Corpus):
    """(weight, maker) pairs; a maker returns (raw line, kind, text or None, id or None, reason or None)."""
    rng = c.rng

    def dumps(record):
        try:
            return json.dumps(record, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: only escaped JSON can carry them
            return json.dumps(record).encode("ascii")

    def hostile_text():
        text = c.hostile() if rng.random() < 0.6 else c.quote_text()
        if rng.random() < 0.05:
            text += rng.choice(["\ud800", "\udfff", "\udfff\ud800"])  # lone surrogates (never a pair)
        return dumps({"text": text}), "hostile text", text, None, None

    def hostile_fields():
        text = c.quote_text()
        aid = rng.choice(INJECTION + QUOTES + BRACES) + rng.choice(CONTROL + OTHER) + f"-{c.next_serial()}"
        record = {
            "id": aid,
            "text": text,
            "title": c.hostile(4),
            "date": rng.choice(INJECTION + CONTROL),
            "url": "http://x/" + rng.choice(INJECTION),
            "meta": {"nested": {"k": rng.choice(BRACES)}},
        }
        return dumps(record), "hostile id, title, date, url", text, aid, None

    def integer_id():
        text = c.hostile()
        aid = rng.randrange(-(10**30), 10**30)
        return dumps({"id": aid, "text": text}), "integer id", text, aid, None

    def broken():
        good = dumps({"text": c.hostile()}).decode()
        cut = rng.randrange(1, len(good) - 1)
        line = rng.choice(
            [
                good[:cut],
                good[cut:],
                "{oops",
                "not json at all",
                "[1, 2",
                "{'text': 'single'}",
                '{"text": "a",}',
                "NaN" + "}" * 3,
                '{"text": "a"} {"text": "b"}',
                "\x1a",
            ]
        )
        return line.encode("utf-8", "surrogatepass"), "broken JSON line", None, None, "invalid JSON"

    def raw_control():
        ch = rng.choice([chr(x) for x in range(1, 32) if x not in (10, 13)])
        return (
            ('{"text": "raw' + ch + f'control {c.next_serial()}"}}').encode(),
            "raw control character in JSON",
            None,
            None,
            "invalid JSON",
        )

    def missing_text():
        record = rng.choice(
            [{"title": c.hostile(3)}, {}, {"text": None}, {"body": None, "content": None}, {"Text": "capital T"}]
        )
        return dumps(record), "missing text", None, None, "missing text"

    def wrong_type():
        value, name = rng.choice(
            [(5, "number"), (1.5, "number"), (["a"], "array"), ({"a": 1}, "object"), (True, "boolean")]
        )
        field = rng.choice(["text", "id", "title", "date", "url", "record"])
        if field == "record":  # the line itself is not an object (an object without 'text' lacks text)
            reason = "missing text" if name == "object" else f"expected a JSON object, got {name}"
            return json.dumps(value).encode(), "wrong type", None, None, reason
        if field == "id" and name == "number":
            value, name = rng.choice([(1.5, "number"), (True, "boolean")])
        if field == "id" and value is True:
            name = "boolean"
        record = {"text": c.hostile(), field: value} if field != "text" else {"text": value}
        if field == "id":
            reason = f"'id' must be a string or an integer, got {name}"
        else:
            reason = f"'{field}' must be a string, got {name}"
        return dumps(record), "wrong type", None, None, reason

    def empty_text():
        text = rng.choice(["", " ", "\n\t ", "\u00a0\u2028", "\r\n"])
        return dumps({"text": text, "title": "Empty"}), "empty text", None, None, "empty article"

    def duplicate():
        if not c.ids:
            return hostile_text()
        aid = rng.choice(list(c.ids)[-50:])
        text = c.hostile()
        return dumps({"id": aid, "text": text}), "duplicate id", text, aid, None

    def nested():
        depth = rng.choice([5, 30, 62, 63, 64, 65, 100, 500])
        text = c.hostile()
        line = json.dumps({"text": text})[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
        reason = "too deeply nested" if depth + 1 > 64 else None
        return line.encode("utf-8", "surrogatepass"), f"nested {depth} deep", text, None, reason

    def long_token():  # letters spaCy keeps in one token (braces, emoji, "_" are one token each: slow)
        letter = rng.choice(["x", "\u00e9", "\u00df", "\u4e2d", "\u0416"])
        text = letter * rng.randint(1000, 20000) + f" {c.next_serial()}"
        return dumps({"text": text}), "one long token", text, None, None

    return [
        (40, hostile_text),
        (10, hostile_fields),
        (2, integer_id),
        (10, broken),
        (2, raw_control),
        (6, missing_text),
        (10, wrong_type),
        (5, empty_text),
        (5, duplicate),
        (4, nested),
        (1, long_token),
    ]


def _jsonl_files(c: Corpus, n_lines: int) -> None:
    kinds = _line_kinds(c)
    weights = [w for w, _ in kinds]
    makers = [m for _, m in kinds]
    # every kind at least once, then by weight
    plan = makers + c.rng.choices(makers, weights, k=max(n_lines - len(makers), 0))
    variants = ["utf-8", "utf-16", "utf-8-sig", "cp1252", "crlf"]
    files = max(1, -(-len(plan) // LINES_PER_FILE))
    per_file = -(-len(plan) // files)
    for f in range(files):
        chunk = plan[f * per_file : (f + 1) * per_file]
        variant = variants[f % len(variants)] if files >= len(variants) else "utf-8"
        if files < len(variants):  # small corpora: the encodings as extra small files below
            variant = "utf-8"
        ext = "ndjson" if f % 7 == 3 else "jsonl"
        rel = f"lines/{f:04d}.{ext}"
        _write_lines(c, rel, chunk, variant)
    if files < len(variants):
        for i, variant in enumerate(variants[1:]):
            _write_lines(c, f"lines/enc-{i}-{variant}.jsonl", [_line_kinds(c)[0][1]] * 3, variant)


def _write_lines(c: Corpus, rel: str, makers, variant: str) -> None:
    out: list[bytes] = []
    lineno = 0
    for make in makers:
        raw, kind, text, aid, reason = make()
        if variant in ("utf-16", "cp1252", "utf-8-sig"):
            # these encodings cannot carry every hostile character: a plain line instead
            text = f"Caf\u00e9 \u00fcber na\u00efve \u20ac5 \u201cquoted\u201d Item {c.next_serial()}."
            raw, kind, aid, reason = (
                json.dumps({"text": text}, ensure_ascii=False).encode(),
                f"{variant} line",
                None,
                None,
            )
        if c.rng.random() < 0.03:  # a blank line: not an input, but it must not shift line numbers
            out.append(b"   ")
            lineno += 1
        out.append(raw)
        lineno += 1
        if text is None or reason:
            c.expect(rel, lineno, kind, reason)
        else:
            c.article(rel, lineno, kind, text, aid)
    sep = b"\r\n" if variant == "crlf" else b"\n"
    data = sep.join(out) + sep
    if variant == "utf-16":
        data = data.decode("utf-8").encode("utf-16")
    elif variant == "cp1252":
        data = data.decode("utf-8").encode("cp1252")
    elif variant == "utf-8-sig":
        data = codecs.BOM_UTF8 + data
    c.write(rel, data)


# --------------------------------------------------------------------------- #


def generate(out: Path, n: int = 10_000, seed: int = SEED) -> dict:
    """Write ``out/corpus`` and ``out/manifest.jsonl`` with at least ``n`` inputs; return a summary."""
    corpus = out / "corpus"
    if corpus.exists():
        raise SystemExit(f"{corpus} exists: give an empty OUTDIR")
    c = Corpus(corpus, seed)
    # written in reading order (files/, html/, json/, lines/, links/, perm/, slow/), so that the
    # first of two articles with one id is the one kg reads first
    _text_files(c)
    _html_files(c)
    _json_files(c)
    _jsonl_files(c, max(n - len(c.entries) - TAIL_INPUTS, 10))
    _links_and_permissions(c)
    _slow_line(c)
    entries = c.entries
    with open(out / "manifest.jsonl", "w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    return summarise(entries)


def summarise(entries: list[dict]) -> dict:
    by_reason: dict[str, int] = {}
    for e in entries:
        if e["expect"] == "skipped":
            key = reason_class(e["reason"])
            by_reason[key] = by_reason.get(key, 0) + 1
    return {
        "inputs": len(entries),
        "loaded": sum(e["expect"] == "loaded" for e in entries),
        "skipped": sum(e["expect"] == "skipped" for e in entries),
        "skipped_by_reason": dict(sorted(by_reason.items(), key=lambda kv: -kv[1])),
        "kinds": len({e["kind"] for e in entries}),
    }


def reason_class(reason: str) -> str:
    """A skip reason without its particulars: ``'duplicate id x (first at a:1)'`` -> ``'duplicate id'``."""
    for prefix in ("duplicate id", "'", "expected a JSON object", "file is", "no such file"):
        if reason.startswith(prefix):
            return reason.split(",")[0] if prefix == "'" else prefix
    return reason.split(":")[0]


def read_manifest(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--n", type=int, default=10_000, help="inputs to generate, at least (default 10,000)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    summary = generate(args.outdir, args.n, args.seed)
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
