"""Render a :class:`~kg.stores.base.Result` as a table, JSON or CSV (like sqlite-utils).

Lists are JSON arrays in JSON; in a table or CSV cell their items are joined by :data:`LIST_SEPARATOR`
(``"; "``), and a dict in a cell is written as JSON (docs/formats.md).

>>> print(to_csv(Result(["name", "aliases"], [["Keir Starmer", ["Keir", "Starmer"]]])))
name,aliases
Keir Starmer,Keir; Starmer
<BLANKLINE>
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys

from kg.stores.base import Result

LIST_SEPARATOR = "; "


def text(v) -> str:
    """A cell's value as text: lists joined by :data:`LIST_SEPARATOR`, dicts as JSON."""
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return LIST_SEPARATOR.join(text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


def _cell(v, width: int | None = None) -> str:
    s = text(v)
    s = " ".join(s.split())
    if width and len(s) > width:
        s = s[: width - 1] + "…"
    return s


def table(result: Result, max_width: int | None = None, *, wide: bool = False) -> str:
    """An aligned text table; cells are cut to fit ``max_width`` (default: the terminal's) only when
    writing to a terminal and not ``wide``."""
    cols = result.columns
    if not cols:
        return "(no columns)"
    fit = max_width or (None if wide or not sys.stdout.isatty() else shutil.get_terminal_size((120, 20)).columns)
    limit = max(12, fit // max(1, len(cols)) - 3) if fit and len(cols) > 1 else None
    rows = [[_cell(v, limit) for v in r] for r in result.rows]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)), line]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def to_json(result: Result) -> str:
    return json.dumps(result.dicts(), ensure_ascii=False, indent=2, default=str)


def to_csv(result: Result) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(result.columns)
    w.writerows([[text(v) for v in r] for r in result.rows])
    return buf.getvalue()


def to_nl(result: Result) -> str:
    """Newline-delimited JSON: one object per row."""
    return "\n".join(json.dumps(d, ensure_ascii=False, default=str) for d in result.dicts())


def render(result: Result, fmt: str = "table", *, wide: bool = False) -> str:
    if fmt == "table":
        return table(result, wide=wide)
    return {"json": to_json, "csv": to_csv, "nl": to_nl}[fmt](result)
