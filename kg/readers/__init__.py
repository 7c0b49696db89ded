"""The reading stage: turn files, directories, glob patterns and stdin into Articles.

:func:`read` is the entry point. It never raises for bad input: every input that
cannot become an article is reported as a :class:`~kg.model.Skipped` with a reason,
so ``articles + skipped`` accounts for every file (and every JSON line) it read.

Formats are chosen by file extension through :data:`READERS`. A reader is a
callable ``reader(path, *, max_bytes) -> Iterator[Article | Skipped]``; plug in a
new format with ``READERS[".ext"] = reader``.

Rules shared by all readers:

* The article id is the given ``id`` (as a string) or else
  ``content_hash(text)[:20]``, so the same text gets the same id whether it was
  read from a ``.txt`` file, from a JSON line without an id or from stdin.
* ``\\r\\n`` becomes ``\\n``; the text is otherwise kept exactly as given,
  because later stages index into :attr:`Article.text` by character offset,
  except that a lone surrogate (from a ``\\ud800`` escape in JSON, or stdin
  decoded with ``surrogateescape``) becomes U+FFFD, one character for one: no
  UTF-8 encoder (spaCy's, a store's, a JSON writer's) accepts it.
* ``Article.source`` is the path as given, ``"path:N"`` for the N-th line of a
  JSON Lines file (or N-th item of a JSON list) and ``"<stdin>"`` for stdin.
* Nothing is read twice in one call: the same file reached through two inputs,
  or through a symlink, is read once; an id already read in this call (from any
  file) is a Skipped "duplicate id", so a later article never silently replaces
  an earlier one in the store.
* Every article is bounded: a file over *max_bytes*, a JSON record nested more
  than :data:`MAX_JSON_DEPTH` levels or an article over *max_chars* characters
  (title and text) is a Skipped saying which limit it broke.
"""

from __future__ import annotations

import codecs
import errno
import functools
import glob
import io
import json
import logging
import os
import re
import stat
import sys
from typing import IO, Any, Callable, Iterable, Iterator

from kg.model import Article, Skipped, content_hash

log = logging.getLogger("kg")

Result = Article | Skipped
Reader = Callable[..., Iterator[Result]]

DEFAULT_MAX_BYTES = 20_000_000
DEFAULT_MAX_CHARS = 1_000_000  # characters of title + text; spaCy's own default max_length
MAX_JSON_DEPTH = 64  # nesting of one JSON record; deeper ones would overflow the stack downstream
STDIN = "-"
STDIN_SOURCE = "<stdin>"
ID_LENGTH = 20  # hex digits of the content hash used when no id is given
TITLE_MAX_CHARS = 200  # a longer first line is text, not a title
SNIFF_BYTES = 8192  # a NUL byte among the first 8 KB means binary data

TEXT_KEYS = ("text", "body", "content")
TITLE_KEYS = ("title", "headline")
STRING_KEYS = ("date", "url")

# Dropped before trafilatura looks for the article: <noscript> text ("Please
# enable JavaScript") would otherwise pass for the body of an empty app shell.
HTML_PRUNE_XPATH = ["//noscript"]
HTML_META_FIELDS = ("author", "sitename", "description", "categories", "tags")


# --------------------------------------------------------------------------- #
# Shared helpers


def make_id(text: str, given: str | None = None) -> str:
    """The article id: *given* if non-empty, else a hash of *text*."""
    return given or content_hash(text)[:ID_LENGTH]


def normalise_newlines(text: str) -> str:
    """Windows line ends to ``\\n``; nothing else changes."""
    return text.replace("\r\n", "\n")


_OS_REASONS = {
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "symlink loop",
    errno.EISDIR: "is a directory",
    errno.ENAMETOOLONG: "file name too long",
}


def describe_os_error(exc: OSError) -> str:
    """A short lower-case reason for an OSError, e.g. ``"permission denied"``."""
    return _OS_REASONS.get(exc.errno) or (exc.strerror or str(exc) or type(exc).__name__).lower()


def _missing_reason(path: str, exc: OSError) -> str:
    """Like :func:`describe_os_error`, but naming a dangling symlink as such."""
    reason = describe_os_error(exc)
    if exc.errno == errno.ENOENT and os.path.islink(path):
        try:
            return f"{reason} (broken symlink to {os.readlink(path)})"
        except OSError:
            pass
    return reason


def _never_raises(reader: Reader) -> Reader:
    """Make a reader report I/O errors as a Skipped instead of raising them."""

    @functools.wraps(reader)
    def guarded(path: str | os.PathLike[str], **kwargs: Any) -> Iterator[Result]:
        try:
            yield from reader(path, **kwargs)
        except OSError as exc:
            yield Skipped(os.fspath(path), _missing_reason(os.fspath(path), exc))

    return guarded


def _file_kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    )
    return next((name for test, name in kinds if test(mode)), "a special file")


def _check_regular_file(path: str, max_bytes: int | None) -> Skipped | None:
    """A Skipped if *path* is not a regular file or is larger than *max_bytes*.

    Checked before opening: opening a named pipe would block until a writer appears.
    """
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        return Skipped(path, f"not a regular file: it is {_file_kind(st.st_mode)}")
    if max_bytes is not None and st.st_size > max_bytes:
        return Skipped(path, f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit")
    return None


def _read_bytes(path: str, max_bytes: int) -> bytes | Skipped:
    """The whole file, or a Skipped if it is not a regular file or is too large.

    Reads at most ``max_bytes + 1`` bytes, so a file that grows, or whose size
    ``stat`` misreports, still cannot exhaust memory.
    """
    problem = _check_regular_file(path, max_bytes)
    if problem:
        return problem
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        return Skipped(path, f"file is over the {max_bytes:,}-byte limit")
    return data


def _read_decoded(path: str, max_bytes: int, html: bool = False) -> tuple[str, str] | Skipped:
    """The file's ``(text, encoding)`` (see :func:`decode_bytes`; ``html``: its own charset declaration
    counts), or a Skipped if it is not a regular file, too large or binary."""
    data = _read_bytes(path, max_bytes)
    if isinstance(data, Skipped):
        return data
    decoded = decode_bytes(data, declared=_declared_charset(data) if html else None)
    return Skipped(path, "binary file") if decoded is None else decoded


_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_unicode_bom(data: bytes) -> str | None:
    """``"utf-16"``/``"utf-32"`` if *data* starts with such a BOM, else None."""
    return next((enc for bom, enc in _BOMS if data.startswith(bom) and enc != "utf-8-sig"), None)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str] | None:
    """Decode file contents to ``(text, encoding)``, or None for binary data.

    A Unicode BOM wins (and is removed); then a NUL byte in the first 8 KB means
    binary; then UTF-8, the *declared* encoding if any, cp1252 and, last,
    Latin-1, which decodes anything.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError:
                data = data[len(bom) :]
                break
    if b"\x00" in data[:SNIFF_BYTES]:
        return None
    for encoding in ("utf-8", declared, "cp1252"):
        try:
            return data.decode(encoding), encoding  # type: ignore[arg-type]
        except (UnicodeDecodeError, LookupError, TypeError):
            continue
    return data.decode("latin-1"), "latin-1"


def _encoding_meta(encoding: str) -> dict[str, Any]:
    """``{"encoding": ...}`` when the text was not UTF-8, else ``{}``."""
    return {} if encoding == "utf-8" else {"encoding": encoding}


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


# --------------------------------------------------------------------------- #
# Plain text


def parse_plain_text(text: str, source: str, meta: dict[str, Any] | None = None) -> Result:
    """One article from plain text.

    A first line of at most 200 characters followed by more text is the title
    (Markdown ``#`` marks removed); the text is the rest, minus leading blank lines.
    """
    text = normalise_newlines(text).removeprefix("\ufeff")
    if not text.strip():
        return Skipped(source, "empty article")
    title, body = _split_title(_strip_leading_blank_lines(text))
    return Article(id=make_id(body), text=body, title=title, source=source, meta=meta or {})


def _strip_leading_blank_lines(text: str) -> str:
    """Drop blank lines at the start, keeping the indentation of the first real line."""
    return text[re.match(r"(?:[ \t\f\v]*\n)*", text).end() :]  # type: ignore[union-attr]


def _split_title(text: str) -> tuple[str | None, str]:
    """``(title, rest)`` if the first line is short and more text follows, else ``(None, text)``."""
    first, _, rest = text.partition("\n")
    title = re.sub(r"^#{1,6}\s+", "", first.strip())  # a Markdown heading's marks
    if not title or len(title) > TITLE_MAX_CHARS or not rest.strip():
        return None, text
    return title, _strip_leading_blank_lines(rest)


@_never_raises
def read_text(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read a plain-text or Markdown file as one article."""
    source = os.fspath(path)
    decoded = _read_decoded(source, max_bytes)
    if isinstance(decoded, Skipped):
        yield decoded
        return
    text, encoding = decoded
    yield parse_plain_text(text, source, _encoding_meta(encoding))


# --------------------------------------------------------------------------- #
# JSON records: JSON Lines and .json


def record_to_article(record: Any, path: str, line: int | None = None) -> Result:
    """An Article from one JSON object, or a Skipped saying what is wrong with it.

    Known fields: ``id``, ``title`` (or ``headline``), ``date``, ``url`` and
    ``text`` (or ``body``/``content``). All other fields go into ``meta``, and a
    ``meta`` object is merged into it.
    """

    def skip(reason: str) -> Skipped:
        return Skipped(path, reason, line)

    if not isinstance(record, dict):
        return skip(f"expected a JSON object, got {_json_type(record)}")
    if _nested_deeper_than(record, MAX_JSON_DEPTH):
        return skip(f"too deeply nested: over {MAX_JSON_DEPTH} levels of arrays and objects")
    text_key, text = _pick(record, TEXT_KEYS)
    if text_key is None or text is None:
        return skip("missing text: no 'text', 'body' or 'content' field")
    if not isinstance(text, str):
        return skip(f"'{text_key}' must be a string, got {_json_type(text)}")
    if not text.strip():
        return skip("empty article")
    given_id = record.get("id")
    if given_id is not None and (isinstance(given_id, bool) or not isinstance(given_id, (str, int))):
        return skip(f"'id' must be a string or an integer, got {_json_type(given_id)}")
    title_key, title = _pick(record, TITLE_KEYS)
    fields = {"title": title, **{key: record.get(key) for key in STRING_KEYS}}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            shown = title_key if name == "title" else name
            return skip(f"'{shown}' must be a string, got {_json_type(value)}")

    text = normalise_newlines(text)
    return Article(
        id=make_id(text, None if given_id is None else str(given_id)),
        text=text,
        source=path if line is None else f"{path}:{line}",
        meta=_extra_fields(record, {"id", text_key, title_key, *STRING_KEYS}),
        **fields,
    )


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects in *value* nest more than *limit* levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _pick(record: dict[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    """The first of *keys* with a non-null value (or else the first present) and its value."""
    present = [key for key in keys if key in record]
    chosen = next((key for key in present if record[key] is not None), present[0] if present else None)
    return chosen, (record[chosen] if chosen else None)


def _extra_fields(record: dict[str, Any], used: set[str | None]) -> dict[str, Any]:
    """The fields of *record* not in *used*, with a nested ``meta`` object flattened in."""
    extra = {key: value for key, value in record.items() if key not in used}
    nested = extra.pop("meta") if isinstance(extra.get("meta"), dict) else {}
    return {**nested, **extra}


def _unique_ids(numbered: Iterable[tuple[int, Result]], path: str, unit: str) -> Iterator[Result]:
    """Results of numbered records, skipping an Article whose id this file already had."""
    first_at: dict[str, int] = {}
    for number, result in numbered:
        if isinstance(result, Article):
            if result.id in first_at:
                reason = f"duplicate id {result.id} (first at {unit} {first_at[result.id]})"
                result = Skipped(path, reason, number)
            else:
                first_at[result.id] = number
        yield result


def _limited_lines(readline: Callable[[int], Any], limit: int) -> Iterator[tuple[int, Any]]:
    """Numbered lines of a byte or text stream; a line over *limit* comes back as None.

    Reading with ``readline(limit + 1)`` means an overlong line is never held
    in memory whole.
    """
    lineno = 0
    while line := readline(limit + 1):
        lineno += 1
        if len(line) > limit and not _ends_line(line):
            while line and not _ends_line(line):  # skip the rest of the line
                line = readline(limit + 1)
            yield lineno, None
        else:
            yield lineno, line


def _ends_line(line: str | bytes) -> bool:
    return line.endswith("\n" if isinstance(line, str) else b"\n")  # type: ignore[arg-type]


def _decode_line(raw: str | bytes) -> tuple[str, str]:
    """A line as text: already text, else UTF-8, else cp1252, else Latin-1."""
    if isinstance(raw, str):
        return raw, "utf-8"
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


def _json_line(lineno: int, raw: str | bytes | None, path: str, max_bytes: int) -> Result | None:
    """The Article or Skipped for one JSON line, or None for a blank line."""
    if raw is None:
        return Skipped(path, f"line is over the {max_bytes:,}-byte limit", lineno)
    text, encoding = _decode_line(raw)
    if lineno == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return Skipped(path, f"invalid JSON: {exc}", lineno)
    result = record_to_article(record, path, lineno)
    if isinstance(result, Article):
        result.meta.update(_encoding_meta(encoding))
    return result


def _json_lines(lines: Iterable[tuple[int, Any]], path: str, max_bytes: int) -> Iterator[Result]:
    """Results for numbered JSON lines; a stream without any record is one Skipped."""
    numbered = ((lineno, _json_line(lineno, raw, path, max_bytes)) for lineno, raw in lines)
    empty = True
    for result in _unique_ids(((n, r) for n, r in numbered if r is not None), path, "line"):
        empty = False
        yield result
    if empty:
        yield Skipped(path, "no articles: the input has no JSON lines")


@_never_raises
def read_jsonl(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read a JSON Lines file, one article per line, streaming. *max_bytes* limits each line."""
    source = os.fspath(path)
    problem = _check_regular_file(source, max_bytes=None)
    if problem:
        yield problem
        return
    with open(source, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
        fh.seek(0)
        wide = _wide_unicode_bom(head)
        if wide is None and b"\x00" in head:
            yield Skipped(source, "binary file")
            return
        stream: IO[Any] = io.TextIOWrapper(fh, encoding=wide, errors="replace") if wide else fh
        yield from _json_lines(_limited_lines(stream.readline, max_bytes), source, max_bytes)


@_never_raises
def read_json(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read a .json file: one object, a list of objects or ``{"articles": [...]}``.

    List items are numbered from 1 and reported as the "line" of an Article's
    source or a Skipped.
    """
    source = os.fspath(path)
    decoded = _read_decoded(source, max_bytes)
    if isinstance(decoded, Skipped):
        yield decoded
        return
    try:
        document = json.loads(decoded[0])
    except (ValueError, RecursionError) as exc:
        yield Skipped(source, f"invalid JSON: {exc}")
        return
    yield from _json_document(document, source)


def _json_document(document: Any, source: str) -> Iterator[Result]:
    """Results for a parsed .json document."""
    if isinstance(document, dict) and "articles" in document:
        document = document["articles"]
        if not isinstance(document, list):
            yield Skipped(source, f"'articles' must be an array, got {_json_type(document)}")
            return
    if isinstance(document, dict):
        yield record_to_article(document, source)
    elif not isinstance(document, list):
        yield Skipped(source, f"expected an object or an array of objects, got {_json_type(document)}")
    elif not document:
        yield Skipped(source, "no articles: the array is empty")
    else:
        items = ((n, record_to_article(item, source, n)) for n, item in enumerate(document, 1))
        yield from _unique_ids(items, source, "item")


# --------------------------------------------------------------------------- #
# HTML


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def extract_html(html: str) -> dict[str, Any] | None:
    """Article text and metadata from an HTML page with trafilatura, or None.

    Default trafilatura settings (neither ``favor_precision`` nor
    ``favor_recall``) with its fallback extractors: on realistic pages they keep
    every article paragraph and drop navigation, cookie banners, related-story
    asides and footers, where ``favor_recall`` pulls banners and sidebars in.
    Paragraphs, headings, lists, quotes and tables are separated by a blank line.
    """
    import trafilatura  # imported lazily: it takes ~0.4 s
    from trafilatura.xml import xmltotxt

    if "<html" not in html[:4096].lower():  # trafilatura rejects bare fragments
        html = f"<html><body>{html}</body></html>"
    try:
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            prune_xpath=HTML_PRUNE_XPATH,
        )
    except Exception:  # noqa: BLE001 -- a third-party parser on untrusted input
        return None
    if doc is None or doc.body is None:
        return None
    blocks = [block for block in (xmltotxt(el, False).strip() for el in doc.body) if block]
    if blocks and doc.title and _same_words(blocks[0], doc.title):
        blocks = blocks[1:]  # the headline repeated at the top of the body
    meta = {name: getattr(doc, name) for name in HTML_META_FIELDS if getattr(doc, name, None)}
    return {"text": "\n\n".join(blocks), "title": doc.title, "date": doc.date, "url": doc.url, "meta": meta}


def _same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


@_never_raises
def read_html(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read an HTML page as one article, keeping only the article's own text."""
    source = os.fspath(path)
    decoded = _read_decoded(source, max_bytes, html=True)
    if isinstance(decoded, Skipped):
        yield decoded
        return
    html, encoding = decoded
    found = extract_html(normalise_newlines(html))
    if not found or not found["text"].strip():
        yield Skipped(source, "no article text found in HTML")
        return
    yield Article(
        id=make_id(found["text"]),
        text=found["text"],
        title=found["title"] or None,
        date=found["date"] or None,
        url=found["url"] or None,
        source=source,
        meta={**found["meta"], **_encoding_meta(encoding)},
    )


# --------------------------------------------------------------------------- #
# Stdin


def read_stdin(stream: IO[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read stdin: JSON Lines if its first non-blank character is ``{``, else one text article."""
    try:
        yield from _read_stream(stream, max_bytes)
    except (OSError, ValueError) as exc:  # ValueError: undecodable bytes or a closed stream
        reason = describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        yield Skipped(STDIN_SOURCE, f"cannot read stdin: {reason}")


def _read_stream(stream: IO[str], max_bytes: int) -> Iterator[Result]:
    head = _read_blank_prefix(stream, max_bytes)
    if head.lstrip().removeprefix("\ufeff").startswith("{"):
        lines = io.StringIO(head).readlines()
        yield from _json_lines(_limited_lines(_prepend(lines, stream.readline), max_bytes), STDIN_SOURCE, max_bytes)
        return
    text = head + stream.read(max(max_bytes + 1 - len(head), 0))
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        yield Skipped(STDIN_SOURCE, f"input is over the {max_bytes:,}-byte limit")
    else:
        yield parse_plain_text(text, STDIN_SOURCE)


def _read_blank_prefix(stream: IO[str], limit: int) -> str:
    """Read lines up to and including the first non-blank one (at most ~*limit* chars)."""
    lines: list[str] = []
    size = 0
    while size <= limit and (line := stream.readline(limit + 1)):
        lines.append(line)
        size += len(line)
        if line.strip():
            break
    return "".join(lines)


def _prepend(lines: list[str], readline: Callable[[int], str]) -> Callable[[int], str]:
    """A ``readline`` that returns *lines* first, then reads on."""
    pending = list(lines)

    def read_line(size: int = -1) -> str:
        return pending.pop(0) if pending else readline(size)

    return read_line


# --------------------------------------------------------------------------- #
# Inputs: files, directories, globs


READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".text": read_text,
    ".md": read_text,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".json": read_json,
    ".html": read_html,
    ".htm": read_html,
}


def reader_for(path: str) -> Reader | None:
    """The reader registered for *path*'s extension (case-insensitive), if any."""
    return READERS.get(os.path.splitext(path)[1].lower())


def read(
    inputs: Iterable[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    stdin: IO[str] | None = None,
    exclude: Iterable[str] = (),
) -> Iterator[Article | Skipped]:
    """Yield an Article for each readable article and a Skipped for each input that isn't.

    *inputs* are file paths, directories (walked recursively in sorted order,
    skipping hidden entries and files without a reader), glob patterns
    (``**`` recurses) and ``-`` for *stdin* (default ``sys.stdin``). Files are
    read one at a time and results yielded as they come. An article over
    *max_chars* characters (title and text; None: no limit) or with an id
    already read in this call is a Skipped. Directories in *exclude* (the store being built, when it
    lies inside an input directory) are not walked into.
    """
    if isinstance(inputs, (str, os.PathLike)):  # read("a.txt") means one input, not 5
        inputs = [inputs]
    skip = frozenset(k for k in map(_file_key, map(os.fspath, exclude)) if isinstance(k, tuple))
    seen: set[Any] = set()
    first_at: dict[str, str] = {}  # article id -> where it was first read
    for item in inputs:
        item = os.fspath(item)
        if item == STDIN:
            results = read_stdin(stdin if stdin is not None else sys.stdin, max_bytes=max_bytes)
        else:
            results = _read_input(item, max_bytes, seen, skip)
        for result in results:
            yield _admit(result, max_chars, first_at)


def _admit(result: Result, max_chars: int | None, first_at: dict[str, str]) -> Result:
    """*result* without lone surrogates, or a Skipped if it is an article over *max_chars* or with
    an id read before."""
    if isinstance(result, Skipped):
        result.source, result.reason = _replace_surrogates(result.source), _replace_surrogates(result.reason)
        return result
    result = _without_surrogates(result)
    size = len(result.text) + len(result.title or "")
    if max_chars is not None and size > max_chars:
        return skipped_article(result, f"too large: {size:,} characters, over the {max_chars:,}-character limit")
    where = result.source or result.id
    if result.id in first_at:
        return skipped_article(result, f"duplicate id {result.id} (first at {first_at[result.id]})")
    first_at[result.id] = where
    return result


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


def _without_surrogates(article: Article) -> Article:
    """The article with each lone surrogate in its text, fields and meta replaced by U+FFFD.

    (A file name with bytes that are not UTF-8 reaches ``source`` as surrogates too.)"""
    for f in ("id", "text", "title", "date", "url", "source"):
        setattr(article, f, _replace_surrogates(getattr(article, f)))
    if article.meta:
        article.meta = _replace_surrogates(article.meta)
    return article


def skipped_article(article: Article, reason: str) -> Skipped:
    """A Skipped for an article that was read but is not used: its file and line, and *reason*.

    ``Article.source`` is ``"path:N"`` for the N-th line or item of a file; the
    Skipped has ``source="path", line=N`` like the readers' own.
    """
    source = article.source or article.id
    path, sep, number = source.rpartition(":")
    if sep and path and number.isascii() and number.isdigit() and (reader_for(path) or path == STDIN_SOURCE):
        return Skipped(path, reason, int(number))
    return Skipped(source, reason)


def _read_input(item: str, max_bytes: int, seen: set[Any], skip: frozenset = frozenset()) -> Iterator[Result]:
    """Results for one input that is not stdin."""
    try:
        is_dir = stat.S_ISDIR(os.stat(item).st_mode)
    except OSError as exc:
        if exc.errno == errno.ENOENT and re.search(r"[*?[]", item):
            yield from _read_glob(item, max_bytes, seen, skip)
        else:
            yield Skipped(item, _missing_reason(item, exc))
        return
    if is_dir:
        yield from _read_files(_walk(item, skip=skip), item, "no readable files in directory", max_bytes, seen)
    else:
        yield from _read_file(item, max_bytes, seen, explicit=True)


def _read_glob(pattern: str, max_bytes: int, seen: set[Any], skip: frozenset = frozenset()) -> Iterator[Result]:
    """Results for the files and directories a glob pattern matches."""
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Skipped(pattern, "no files match this pattern")
        return
    yield from _read_files(_expand(matches, skip), pattern, "no readable files match this pattern", max_bytes, seen)


def _expand(matches: list[str], skip: frozenset = frozenset()) -> Iterator[str | Skipped]:
    """Candidate files from sorted glob matches, walking matched directories once."""
    walked: list[str] = []
    for match in matches:
        norm = os.path.normpath(match)
        if any(norm == root or norm.startswith(root + os.sep) for root in walked):
            continue  # already covered by an enclosing directory's walk
        if os.path.isdir(match):
            walked.append(norm)
            yield from _walk(match, skip=skip)
        elif reader_for(match):
            yield match


def _read_files(
    candidates: Iterable[str | Skipped], source: str, none_found: str, max_bytes: int, seen: set[Any]
) -> Iterator[Result]:
    """Read candidate files (Skipped pass through); nothing at all found is one Skipped."""
    found = False
    for candidate in candidates:
        found = True
        if isinstance(candidate, Skipped):
            yield candidate
        else:
            yield from _read_file(candidate, max_bytes, seen, explicit=False)
    if not found:
        yield Skipped(source, none_found)


def _read_file(path: str, max_bytes: int, seen: set[Any], *, explicit: bool) -> Iterator[Result]:
    """Read one file with the reader for its extension, unless it was read already.

    A file without a reader is a Skipped when named explicitly and ignored otherwise.
    """
    reader = reader_for(path)
    if reader is None:
        if explicit:
            ext = os.path.splitext(path)[1] or "(none)"
            yield Skipped(path, f"unsupported file extension {ext}; known: {', '.join(sorted(READERS))}")
        return
    key = _file_key(path)
    if key in seen:
        return
    seen.add(key)
    yield from reader(path, max_bytes=max_bytes)


def _file_key(path: str) -> Any:
    """What identifies a file across paths and symlinks: device and inode if it exists."""
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:
        return os.path.abspath(path)


def _walk(top: str, ancestors: frozenset[tuple[int, int]] = frozenset(),
          skip: frozenset[tuple[int, int]] = frozenset()) -> Iterator[str | Skipped]:
    """Files with a reader under *top*, in sorted order, as paths; problems as Skipped.

    Hidden entries and directories in *skip* (device, inode) are skipped. Symlinks are followed, except one leading back
    to a directory being walked, which is a Skipped "symlink loop".
    """
    try:
        st = os.stat(top)
        entries = sorted(os.scandir(top), key=lambda entry: entry.name)
    except OSError as exc:
        yield Skipped(top, describe_os_error(exc))
        return
    if (st.st_dev, st.st_ino) in skip:
        log.info("not reading %s: it is the store being built", top)
        return
    ancestors = ancestors | {(st.st_dev, st.st_ino)}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_dir(entry):
            yield from _walk_subdir(entry.path, ancestors, skip)
        elif reader_for(entry.name):
            yield entry.path


def _walk_subdir(path: str, ancestors: frozenset[tuple[int, int]], skip: frozenset = frozenset()) -> Iterator[str | Skipped]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Skipped(path, describe_os_error(exc))
        return
    if (st.st_dev, st.st_ino) in ancestors:
        yield Skipped(path, f"symlink loop: {path} leads back to a directory being read")
    else:
        yield from _walk(path, ancestors, skip)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False
