"""Plain text files (first line is the title) and stdin (plain text or JSON Lines)."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from typing import IO

from kg.model import Skipped
from kg.readers.article import DEFAULT_MAX_BYTES, STDIN_SOURCE, Result, parse_plain_text
from kg.readers.decode import (
    _encoding_meta,
    _never_raises,
    _read_decoded,
    describe_os_error,
)
from kg.readers.jsonl import _json_lines, _limited_lines


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
