"""Inputs -> Articles: paths, directories, glob patterns and stdin, each file read once with the reader for its
extension, every article admitted once (duplicates and oversized articles become Skipped)."""

from __future__ import annotations

import errno
import glob
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from kg import plugins
from kg.dates import check
from kg.model import Article, Skipped
from kg.readers.article import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CHARS,
    STDIN,
    STDIN_SOURCE,
    Reader,
    Result,
    _replace_surrogates,
    _without_surrogates,
)
from kg.readers.decode import _missing_reason, describe_os_error
from kg.readers.text import read_stdin

log = logging.getLogger("kg")


def extensions() -> list[str]:
    """The file extensions some reader plugin (:mod:`kg.plugins`) reads, sorted."""
    return sorted({ext for p in plugins.plugins("reader") for ext in p.options.get("extensions", ())})


def reader_for(path: str) -> Reader | None:
    """The reader plugin for *path*'s extension (case-insensitive), if any."""
    ext = os.path.splitext(path)[1].lower()
    if not ext:
        return None
    found = plugins.find("reader", extension=ext)
    return found.load() if found else None


def read(
    inputs: Iterable[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    stdin: IO[str] | None = None,
    exclude: Iterable[str | os.PathLike[str]] = (),
    date: str | None = None,
) -> Iterator[Article | Skipped]:
    """Yield an Article for each readable article and a Skipped for each input that isn't.

    *inputs* are file paths, directories (walked recursively in sorted order,
    skipping hidden entries and files without a reader), glob patterns
    (``**`` recurses) and ``-`` for *stdin* (default ``sys.stdin``). Files are
    read one at a time and results yielded as they come. An article over
    *max_chars* characters (title and text; None: no limit) or with an id
    already read in this call is a Skipped. Directories in *exclude* (the store being built, when it
    lies inside an input directory) are not walked into. *date* (ISO 8601) is the date of every article that
    has none of its own (:mod:`kg.readers.dating`).
    """
    if date is not None:
        date = check(date)
    if isinstance(inputs, (str, os.PathLike)):  # read("a.txt") means one input, not 5
        inputs = [inputs]
    skip = frozenset(k for k in (_file_key(os.fspath(d)) for d in exclude) if isinstance(k, tuple))
    seen: set[Any] = set()
    first_at: dict[str, str] = {}  # article id -> where it was first read
    for item in inputs:
        item = os.fspath(item)
        if item == STDIN:
            results = read_stdin(stdin if stdin is not None else sys.stdin, max_bytes=max_bytes)
        else:
            results = _read_input(item, max_bytes, seen, skip)
        for result in results:
            result = _admit(result, max_chars, first_at)
            if date and isinstance(result, Article) and not result.date:
                result.date = date
                result.meta["date_from"] = "batch"
            yield result


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
        yield from _read_files(walk(item, skip=skip), item, "no readable files in directory", max_bytes, seen)
    else:
        yield from _read_file(item, max_bytes, seen, explicit=True)


def _read_glob(pattern: str, max_bytes: int, seen: set[Any], skip: frozenset = frozenset()) -> Iterator[Result]:
    """Results for the files and directories a glob pattern matches."""
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        yield Skipped(pattern, "no files match this pattern")
        return
    yield from _read_files(expand(matches, skip), pattern, "no readable files match this pattern", max_bytes, seen)


def expand(matches: list[str], skip: frozenset = frozenset()) -> Iterator[str | Skipped]:
    """Candidate files from sorted glob matches, walking matched directories once."""
    walked: list[str] = []
    for match in matches:
        norm = os.path.normpath(match)
        if any(norm == root or norm.startswith(root + os.sep) for root in walked):
            continue  # already covered by an enclosing directory's walk
        if os.path.isdir(match):
            walked.append(norm)
            yield from walk(match, skip=skip)
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
            yield Skipped(path, f"unsupported file extension {ext}; known: {', '.join(extensions())}")
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


def walk(
    top: str, ancestors: frozenset[tuple[int, int]] = frozenset(), skip: frozenset[tuple[int, int]] = frozenset()
) -> Iterator[str | Skipped]:
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


def _walk_subdir(
    path: str, ancestors: frozenset[tuple[int, int]], skip: frozenset = frozenset()
) -> Iterator[str | Skipped]:
    try:
        st = os.stat(path)
    except OSError as exc:
        yield Skipped(path, describe_os_error(exc))
        return
    if (st.st_dev, st.st_ino) in ancestors:
        yield Skipped(path, f"symlink loop: {path} leads back to a directory being read")
    else:
        yield from walk(path, ancestors, skip)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


EXACT_DUPLICATE = "exact duplicate"  # a Skipped reason that is a report, not a failure


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
        if first_at.get(f"{result.id}\0hash") == result.hash:  # the same article again: a copy, read once
            return skipped_article(result, f"{EXACT_DUPLICATE} of {first_at[result.id]} (read once)")
        return skipped_article(result, f"duplicate id {result.id} (first at {first_at[result.id]})")
    first_at[result.id] = where
    first_at[f"{result.id}\0hash"] = result.hash
    return result


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
