"""Calendar values kg accepts and writes: ISO 8601 days, months and years given as options, article dates
normalised to ISO, and the periods (first and last day) an ISO value of any precision covers.

>>> check("2025"), check("2025-03"), check("2025-03-01")
('2025', '2025-03', '2025-03-01')
>>> period("2025-02"), period("2025-W09"), period("2024")
(('2025-02-01', '2025-02-28'), ('2025-02-24', '2025-03-02'), ('2024-01-01', '2024-12-31'))
>>> article_date("2025-02-24T10:30:00Z"), article_date("Mon, 24 Feb 2025 10:30:00 GMT")
('2025-02-24T10:30:00+00:00', '2025-02-24T10:30:00+00:00')
>>> article_date("24 February 2025"), article_date("Feb. 24th, 2025"), article_date("last Tuesday")
('2025-02-24', '2025-02-24', None)
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

_OPTION = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_DAY_PREFIX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")

#: what a date option accepts, for usage messages
FORMS = "an ISO 8601 year, month or day: 2025, 2025-03 or 2025-03-01"


def check(value: str) -> str:
    """*value* if it is an ISO 8601 year, month or day that exists (``2025``, ``2025-03``, ``2025-03-01``),
    else ValueError saying what is accepted."""
    m = _OPTION.match(value.strip()) if isinstance(value, str) else None
    if m:
        y, mo, d = m.groups()
        try:
            date(int(y), int(mo or 1), int(d or 1))
            return value.strip()
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date: give {FORMS}")


def period(value: str) -> tuple[str, str] | None:
    """The first and last day (ISO) of the period an ISO value names: a day, ISO week (``2025-W09``),
    month or year; a datetime is its day. None for anything else."""
    value = str(value or "").strip()
    m = _WEEK.match(value)
    if m:
        try:
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            return None
        return monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    m = _DAY_PREFIX.match(value)
    if m and (len(value) == 10 or value[10] in "T "):
        day = _day(*map(int, m.groups()))
        return (day, day) if day else None
    m = _OPTION.match(value)
    if not m:
        return None
    y, mo = int(m.group(1)), int(m.group(2) or 0)
    if mo:
        if not 1 <= mo <= 12:
            return None
        return f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
    return f"{y:04d}-01-01", f"{y:04d}-12-31"


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def precision(value: str) -> str | None:
    """``"day"``, ``"week"``, ``"month"``, ``"year"`` or ``"datetime"`` for an ISO value, else None."""
    value = str(value or "").strip()
    if period(value) is None:
        return None
    if _WEEK.match(value):
        return "week"
    if len(value) > 10:
        return "datetime"
    return {4: "year", 7: "month", 10: "day"}[len(value)]


def article_date(value: str | None) -> str | None:
    """An article's date from its metadata as ISO 8601: a day (``2025-02-24``) or, when the source gives a
    time, a datetime (``2025-02-24T10:30:00+00:00``). Accepts ISO dates and datetimes, RFC 2822 dates (RSS)
    and written days ("24 February 2025", "February 24, 2025"); None for anything else."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _day(*map(int, text.split("-")))
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return when.isoformat()
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
        return when.isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    return written_day(text)


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: a written day: "25 February 2025", "25th Feb. 2025", "February 25, 2025"
_ORDINAL = r"(?:st|nd|rd|th)?"
WRITTEN_DAY = (
    rf"(?:\d{{1,2}}{_ORDINAL}\s+(?:{_MONTH})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}{_ORDINAL},?\s+\d{{4}})"
)
_WRITTEN = re.compile(rf"^{WRITTEN_DAY}$", re.I)


def written_day(text: str) -> str | None:
    """A written day ("25 February 2025", "Feb. 25, 2025") as ISO, or None."""
    text = " ".join(text.split())
    if not _WRITTEN.match(text):
        return None
    words = re.findall(r"\d+|[A-Za-z]+", text)
    numbers = [int(w) for w in words if w.isdigit()]
    month = next(_MONTHS[w.lower()] for w in words if w.lower() in _MONTHS)
    return _day(numbers[-1], month, numbers[0])


def day_of(value: str | None) -> date | None:
    """The day of an ISO article date (a day or a datetime), or None."""
    m = _DAY_PREFIX.match(str(value or "").strip())
    return date(*map(int, m.groups())) if m and _day(*map(int, m.groups())) else None


def datetime_of(value: str | None) -> datetime | None:
    """The datetime of an ISO article date that has a time, or None (a day, or not a date)."""
    if precision(value or "") != "datetime":
        return None
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return None


@lru_cache(maxsize=256)
def bounds(since: str | None = None, until: str | None = None) -> tuple[str | None, str | None]:
    """The first day of *since* and the last day of *until* (either None for an open end), so that a window
    ``--since 2025-02 --until 2025-03`` holds every day of February and March; ValueError for a value that
    is not an ISO 8601 year, month or day.

    >>> bounds("2025-02", "2025-03"), bounds(None, "2024")
    (('2025-02-01', '2025-03-31'), (None, '2024-12-31'))
    """
    lo = period(check(since))[0] if since is not None else None  # type: ignore[index]
    hi = period(check(until))[1] if until is not None else None  # type: ignore[index]
    return lo, hi
