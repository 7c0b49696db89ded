"""Dates in news text as ISO 8601, anchored on the article's date.

The NER tags "on Friday", "last week", "27 February", "next year" as DATE; what
they mean depends on when the article was written. :func:`normalise` turns such a
phrase into an ISO 8601 calendar value of the precision the phrase has: a day
(``2025-02-28``), a week (``2025-W09``), a month (``2025-02``) or a year
(``2025``). Relative phrases need the article's date (the anchor); without one
only phrases that name their year are normalised. Anything else (durations such
as "three years", "the 1990s", "recent weeks") gives ``None``: kg records no date
rather than a wrong one.

>>> from datetime import date
>>> wed = date(2025, 2, 26)
>>> [normalise(t, wed) for t in ("today", "yesterday", "last week", "next month", "this year")]
['2025-02-26', '2025-02-25', '2025-W08', '2025-03', '2025']
>>> normalise("on Friday", wed, future=True), normalise("on Monday", wed), normalise("Monday", wed, future=True)
('2025-02-28', '2025-02-24', '2025-03-03')
>>> normalise("27 February", wed), normalise("February 27, 2024"), normalise("March 2023"), normalise("2024")
('2025-02-27', '2024-02-27', '2023-03', '2024')
>>> normalise("three years", wed), normalise("the 1990s", wed), normalise("Friday")
(None, None, None)
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        1,
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}

_DAYS = {
    "today": 0,
    "tonight": 0,
    "this morning": 0,
    "this afternoon": 0,
    "this evening": 0,
    "yesterday": -1,
    "last night": -1,
    "tomorrow": 1,
}
#: the day words of ``_DAYS`` found in running text (the small NER model leaves some untagged)
DAY_WORDS = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _DAYS), key=len, reverse=True)) + r")\b", re.I)
_STEP = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH})\.?(?:,? (\d{{4}}))?$")
_MONTH_DAY_YEAR = re.compile(rf"^({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?$")
_MONTH_YEAR = re.compile(rf"^(?:(early|mid|late|the end of|the start of) )?({_MONTH})\.?(?:,? (\d{{4}}))?$")
_YEAR = re.compile(r"^(?:in )?(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_RELATIVE = re.compile(r"^(last|past|previous|this|current|next|coming) (week|month|year|" + "|".join(WEEKDAYS) + r")$")


def anchor_of(value: str | None) -> date | None:
    """An article's date field (ISO date or datetime, as given) as a date, or None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value.strip())
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        except ValueError:
            return None


def _day(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _month(d: date, step: int) -> str:
    m = d.month - 1 + step
    return f"{d.year + m // 12}-{m % 12 + 1:02d}"


def normalise(text: str, anchor: date | None = None, *, future: bool | None = None) -> str | None:
    """The ISO 8601 value a DATE phrase names, relative to ``anchor`` (the article's date).

    ``future``: whether the clause speaks of the future ("will meet on Friday"), which decides
    whether a bare weekday is the coming one or the last one (default: the last one, news
    mostly reports what happened; today's weekday is today).
    """
    t = " ".join(text.casefold().replace("’", "'").split()).strip(" .,")
    t = re.sub(r"^(on|in|by|since|until|from|at|during) ", "", t)
    t = re.sub(r"^the ", "", t) if not t.startswith(("the end", "the start")) else t
    m = _ISO.match(t)
    if m:
        return _day(*map(int, m.groups()))
    m = _YEAR.match(t)
    if m:
        return m.group(1)
    m = _DAY_MONTH_YEAR.match(t) or _MONTH_DAY_YEAR.match(t)
    if m:
        a, b, y = m.groups()
        day, month = (int(a), MONTHS[b]) if a.isdigit() else (int(b), MONTHS[a])
        if y:
            return _day(int(y), month, day)
        return _day(anchor.year, month, day) if anchor else None
    m = _MONTH_YEAR.match(t)
    if m:
        _, name, y = m.groups()
        if y:
            return f"{int(y)}-{MONTHS[name]:02d}"
        return f"{anchor.year}-{MONTHS[name]:02d}" if anchor else None
    if anchor is None:
        return None
    if t in _DAYS:
        return (anchor + timedelta(days=_DAYS[t])).isoformat()
    m = _RELATIVE.match(t)
    if m:
        step, unit = _STEP[m.group(1)], m.group(2)
        if unit == "week":
            return _week(anchor + timedelta(weeks=step))
        if unit == "month":
            return _month(anchor, step)
        if unit == "year":
            return str(anchor.year + step)
        return _weekday(anchor, WEEKDAYS[unit], step if step else (1 if future else -1), this=not step)
    if t in WEEKDAYS:
        return _weekday(anchor, WEEKDAYS[t], 1 if future else -1, this=True)
    return None


def _weekday(anchor: date, weekday: int, direction: int, this: bool = False) -> str:
    """The weekday nearest the anchor in ``direction`` (the anchor's own weekday is the anchor itself
    for a bare or "this" weekday, a week away for "last"/"next")."""
    delta = (weekday - anchor.weekday()) % 7 if direction > 0 else -((anchor.weekday() - weekday) % 7)
    if delta == 0 and not this:
        delta = 7 * direction
    return (anchor + timedelta(days=delta)).isoformat()
