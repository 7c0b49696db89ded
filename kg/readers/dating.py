"""An article's date: from its metadata, its dateline, its file name or its front matter, in that order.

Every reader leaves ``Article.date`` as its metadata gives it (a JSON ``date`` field, an HTML page's
published date); :func:`date_article` normalises that to ISO 8601 or, when there is none, looks for one:

* a dateline opening the text: ``LONDON, 25 February 2025 –``, ``BRUSSELS/WARSAW, March 7, 2025 -``;
* the file name: ``2025-02-25-uk-defence-spending.txt`` or ``bbc_20250225_defence.txt``;
* front matter (``date:`` between ``---`` lines at the top of a text file; :func:`split_front_matter`).

``Article.meta["date_from"]`` says which one gave a date the metadata did not. A metadata date that is not a date
(``"last Tuesday"``) is kept in ``meta["date_given"]`` and the other sources are tried.
"""

from __future__ import annotations

import logging
import os
import re

from kg.dates import WRITTEN_DAY, article_date, written_day
from kg.model import Article

log = logging.getLogger("kg")

DATELINE_CHARS = 120  # a dateline sits at the very start of the text
FRONT_MATTER_LINES = 50  # a longer block between --- lines is text, not front matter

_DATELINE = re.compile(
    rf"^\s*[A-Z][\w.'’/ -]{{0,60}}?,\s+(?P<day>(?i:{WRITTEN_DAY})|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:\s*\([^)]{1,40}\))?\s*[-–—:|]"
)
_FILE_DASHED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?=$|[-_. ])")
_FILE_COMPACT = re.compile(r"(?:^|[-_. ])((?:19|20)\d{2})(\d{2})(\d{2})(?=$|[-_. ])")
_FRONT_FIELD = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")


def dateline_date(text: str) -> str | None:
    """The day a dateline at the start of *text* gives, as ISO, or None."""
    m = _DATELINE.match(text[: DATELINE_CHARS + 40])
    if not m or m.start("day") > DATELINE_CHARS:
        return None
    day = m.group("day")
    return article_date(day) if day[:1].isdigit() and "-" in day else written_day(day)


def file_name_date(path: str | None) -> str | None:
    """The day a file name starts with (``2025-02-25-...``) or holds as ``YYYYMMDD``, as ISO, or None."""
    if not path:
        return None
    name = os.path.basename(path)
    for pattern in (_FILE_DASHED, _FILE_COMPACT):
        m = pattern.search(name)
        if m:
            found = article_date("-".join(m.groups()))
            if found:
                return found
    return None


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` fields between a ``---`` first line and the next ``---`` line, and the text after
    them; ``({}, text)`` when the text does not open with such a block."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[1 : FRONT_MATTER_LINES + 1], 1):
        if line.strip() in ("---", "..."):
            return fields, "\n".join(lines[i + 1 :])
        m = _FRONT_FIELD.match(line)
        if not m and line.strip():
            return {}, text
        if m:
            fields[m.group(1).lower()] = m.group(2).strip().strip("\"'")
    return {}, text


def source_path(article: Article) -> str | None:
    """The file an article was read from (``source`` without a JSON line number)."""
    source = article.source or ""
    path, sep, number = source.rpartition(":")
    return path if sep and number.isdigit() else (source or None)


def date_article(article: Article, path: str | None = None, front: str | None = None) -> Article:
    """*article* with ``date`` normalised to ISO 8601, or found in its dateline, its file name (*path*, by
    default its source) or its front matter date *front*; ``meta["date_from"]`` names a source other than
    the metadata."""
    given = article.date
    found = article_date(given)
    if given and not found:
        log.warning("%s: date %r is not a date; looking for one elsewhere", article.source or article.id, given)
        article.meta["date_given"] = given
    candidates = (
        ("metadata", lambda: found),
        ("dateline", lambda: dateline_date(article.text)),
        ("file name", lambda: file_name_date(path or source_path(article))),
        ("front matter", lambda: article_date(front)),
    )
    article.date = None
    for where, find in candidates:
        day = find()
        if day:
            article.date = day
            if where != "metadata":
                article.meta["date_from"] = where
            break
    return article
