"""JSON Lines (one article per line) and JSON files (one article, or an array of them)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from kg.model import Article, Skipped
from kg.readers.article import DEFAULT_MAX_BYTES, Result, _json_type, record_to_article
from kg.readers.decode import (
    SNIFF_BYTES,
    _check_regular_file,
    _encoding_meta,
    _never_raises,
    _read_decoded,
    _wide_unicode_bom,
)


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
