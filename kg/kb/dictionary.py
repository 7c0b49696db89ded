"""What the PETRARCH dictionary formats share: comments, phrases, codes, dates, and the error that names
the file and line of a malformed entry.

Comments are ``#`` to the end of the line (TABARI's ``;`` too) and ``<!-- ... -->``, which may span
lines; blank lines are skipped. Phrases join words with ``_`` or blanks.

>>> list(lines(["FOO_  [ABC] # a comment", "", "<!-- one", "two -->", "  BAR ; TABARI note"]))
[(1, 'FOO_  [ABC]'), (5, 'BAR')]
>>> phrase("TONY_BLAIR_"), phrase("UNITED_NATIONS COMMISSION")
('tony blair', 'united nations commission')
>>> date("970502"), date("20100711"), date("301231"), date("311231")
('19970502', '20100711', '20301231', '19311231')
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

_CODE = re.compile(r"^[A-Za-z0-9+-]+$")


class DictionaryError(ValueError):
    """A dictionary file that cannot be read: its path, the line (1-based; 0 for the whole file) and why."""

    def __init__(self, source: str, line: int, message: str, text: str = ""):
        self.source, self.line, self.message, self.text = source, line, message, text
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}" + (f": {text.strip()!r}" if text.strip() else ""))


def open_lines(path: Path | str, what: str, setting: str) -> list[str]:
    """The lines of a dictionary file; a missing file says which one and how to point kg at another."""
    path = Path(path)
    if not path.is_file():
        raise DictionaryError(
            str(path),
            0,
            f"no {what} dictionary here; give an existing file or folder"
            f" (e.g. {setting}=/path/to/dictionaries, or `python -m kg.kb.actors SRC_DIR OUT`)",
        )
    return path.read_text("utf-8", errors="replace").splitlines()


def lines(raw: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, text without comments or surrounding blanks) for each line that holds something."""
    in_comment = False
    for n, line in enumerate(raw, 1):
        if not in_comment and line.lstrip().startswith("<!") and "<!--" not in line:
            continue  # "<! -- ... -->", which PETRARCH skips as a comment line too
        if in_comment:
            if "-->" not in line:
                continue
            line, in_comment = line.split("-->", 1)[1], False
        while "<!--" in line:
            before, after = line.split("<!--", 1)
            if "-->" in after:
                line = before + after.split("-->", 1)[1]
            else:
                line, in_comment = before, True
        line = line.split("#", 1)[0].split(";", 1)[0].strip()
        if line:
            yield n, line


def phrase(text: str) -> str:
    """A dictionary phrase as kg compares names: words joined by one blank, case folded."""
    return " ".join(text.replace("_", " ").split()).casefold()


def code(text: str, source: str, line: int, raw: str) -> str:
    """A CAMEO code (upper case), or a :class:`DictionaryError`."""
    if not _CODE.match(text):
        raise DictionaryError(source, line, f"bad code {text!r} (letters, digits, + or -)", raw)
    return text.upper()


def date(text: str) -> str:
    """YYMMDD (years 00-30 are 20YY) or YYYYMMDD (digits after the eighth are ignored, as PETRARCH
    does) as YYYYMMDD; ValueError if it is not a calendar date."""
    original = text
    if not text.isdigit() or len(text) < 6:
        raise ValueError(f"bad date {text!r} (YYMMDD or YYYYMMDD)")
    if len(text) <= 7:
        yy = int(text[:2])
        text = f"{2000 + yy if yy <= 30 else 1900 + yy}{text[2:6]}"
    text = text[:8]
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as exc:
        raise ValueError(f"bad date {original!r}: {exc}") from None
    return text
