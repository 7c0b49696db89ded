"""The reading stage: turn files, directories, glob patterns and stdin into Articles.

:func:`read` is the entry point. It never raises for bad input: every input that
cannot become an article is reported as a :class:`~kg.model.Skipped` with a reason,
so ``articles + skipped`` accounts for every file (and every JSON line) it read.

Formats are chosen by file extension: each reader is a ``reader`` plugin (:mod:`kg.plugins`) with the
extensions it reads, and a ``reader(path, *, max_bytes) -> Iterator[Article | Skipped]``: :mod:`~kg.readers.text`,
:mod:`~kg.readers.jsonl` (JSON and JSON Lines), :mod:`~kg.readers.html`; bytes and encodings are in
:mod:`~kg.readers.decode`, records and limits in :mod:`~kg.readers.article`, inputs (files,
directories, globs, stdin) in :mod:`~kg.readers.files`.

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

from kg.readers.article import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_CHARS,
    STDIN,
    make_id,
    parse_plain_text,
    record_to_article,
)
from kg.readers.decode import decode_bytes
from kg.readers.files import extensions, read, reader_for, skipped_article
from kg.readers.html import extract_html, read_html
from kg.readers.jsonl import read_json, read_jsonl
from kg.readers.text import read_stdin, read_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "STDIN",
    "decode_bytes",
    "extensions",
    "extract_html",
    "make_id",
    "parse_plain_text",
    "read",
    "read_html",
    "read_json",
    "read_jsonl",
    "read_stdin",
    "read_text",
    "reader_for",
    "record_to_article",
    "skipped_article",
]
