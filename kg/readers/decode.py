"""Bytes from a file -> text: regular-file and size checks, BOMs, declared charsets, binary detection, and
OS errors as short reasons (a reader reports them as a Skipped, never raises)."""

from __future__ import annotations

import codecs
import errno
import functools
import os
import re
import stat
from collections.abc import Iterator
from typing import Any

from kg.model import Skipped
from kg.readers.article import Reader, Result

SNIFF_BYTES = 8192  # a NUL byte among the first 8 KB means binary data


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
    known = _OS_REASONS.get(exc.errno) if exc.errno is not None else None
    return known or (exc.strerror or str(exc) or type(exc).__name__).lower()


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
    for encoding in (e for e in ("utf-8", declared, "cp1252") if e is not None):
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError, TypeError):
            continue
    return data.decode("latin-1"), "latin-1"


def _encoding_meta(encoding: str) -> dict[str, Any]:
    """``{"encoding": ...}`` when the text was not UTF-8, else ``{}``."""
    return {} if encoding == "utf-8" else {"encoding": encoding}


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its start."""
    match = _CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None
