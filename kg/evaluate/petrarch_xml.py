"""The PETRARCH validation-record format: ``<Environment>`` and ``<Sentence>`` records with their gold
``<EventCoding>`` lines, as the PETRARCH-2 unit tests and the UniversalPetrarch GSR file write it.

The files are not well-formed XML (``#`` banner lines outside comments, ``<Sentence .../>`` opening
tags later closed by ``</Sentence>``, attributes written ``id ="x"`` or with single quotes), so they
are read the way upstream's ``validation.py`` reads them: tag by tag, with comments removed first and
reading stopped at a ``<Stop>`` line. Which records are scored follows upstream too:

- ``evaluate="false"`` (the GSR files' flag) or, without it, ``sentence="false"`` (PETRARCH-2's)
  leaves a record out;
- a category missing from the ``<Include>`` list, or in an ``<Exclude>`` list, leaves it out;
- a record with no ``<EventCoding>`` is left out, and one with no text (an empty ``<Text>`` is read
  from a CoNLL-U ``<Parse>`` when there is one);
- ``<EventCoding noevents="True">`` expects no event; ``<EventCoding error="...">`` (a dateline, a
  story or sentence discard) expects none either, as PETRARCH-2's validator scores it, except
  ``bad_input_parse``, which tests PETRARCH's reading of the record's parse tree: kg parses the text
  itself, so those records are left out.

>>> v = parse('''<Environment><Include>valid DEMO</Include></Environment><Sentences>
... <Sentence date="19950101" id="D-1" category="DEMO" sentence="true">
... <EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
... <Text>Arnor is about to restore
... ties with Gondor.</Text></Sentence>
... <Sentence date="19950101" id="V-1" category="VERB" sentence="true"><EventCoding noevents="True"/>
... <Text>x</Text></Sentence>''')
>>> [(r.id, r.date, r.text, r.events[0].code) for r in v.records]
[('D-1', '1995-01-01', 'Arnor is about to restore ties with Gondor.', '064')]
>>> [(s.id, s.reason) for s in v.skipped]
[('V-1', "category 'VERB' is not in <Include>")]
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_STOP = re.compile(r"^[ \t]*<Stop\b", re.M)
_ENV = re.compile(r"<Environment>(.*?)</Environment>", re.S)
_ENV_ITEM = re.compile(r"<(\w+)\b[^>]*>(.*?)</\1>", re.S)
_SENTENCE = re.compile(r"<Sentence\b([^>]*?)/?>")
_END = re.compile(r"</Sentences>")
_CODING = re.compile(r"<EventCoding\b([^>]*?)/?>")
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
_PARSE = re.compile(r"<Parse>(.*?)</Parse>", re.S)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# error codings that test PETRARCH's reading of the supplied parse tree, which kg does not use
PARSE_ERRORS = frozenset({"bad_input_parse"})


@dataclass(frozen=True)
class GoldEvent:
    source: str  # actor codes as written: "USAGOV", "---REB", or an actor's text in quotes
    target: str
    code: str  # CAMEO event code: "042", "1124"

    @property
    def root(self) -> str:
        return self.code[:2]


@dataclass
class Record:
    id: str
    category: str
    date: str | None  # ISO 8601 (YYYY-MM-DD)
    text: str
    events: list[GoldEvent]  # empty: the record expects no event
    line: int  # where its <Sentence> tag is
    expects: str = "events"  # "events", "noevents", or the error kind of an <EventCoding error=...>


@dataclass
class Skip:
    id: str
    line: int
    reason: str


@dataclass
class Validation:
    """A validation file: the records to score, the ones left out and why, and its environment."""

    records: list[Record] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    include: tuple[str, ...] | None = None  # None: no <Include>, every category
    exclude: tuple[str, ...] = ()
    stopped_at: int | None = None  # line of a <Stop> record


def attributes(tag: str) -> dict[str, str]:
    """``id ="a" x='"B C"'`` -> {"id": "a", "x": '"B C"'}"""
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(tag)}


def _blank(m: re.Match[str]) -> str:
    return "\n" * m.group(0).count("\n")  # keeps line numbers


def iso_date(value: str | None) -> str | None:
    """A record's date (YYYYMMDD, or PETRARCH's YYMMDD) as ISO 8601; None when it is no date.

    >>> iso_date("20080804"), iso_date("121108"), iso_date("950101"), iso_date("20081340")
    ('2008-08-04', '2012-11-08', '1995-01-01', None)
    """
    d = (value or "").strip()
    if len(d) == 6 and d.isdigit():
        d = ("19" if d[:2] >= "50" else "20") + d
    if len(d) != 8 or not d.isdigit():
        return None
    try:
        return datetime.date(int(d[:4]), int(d[4:6]), int(d[6:])).isoformat()
    except ValueError:
        return None


def conllu_text(parse: str) -> str:
    r"""The sentence a CoNLL-U parse spells (its FORM column, ``SpaceAfter=No`` honoured); "" for a
    bracketed (Penn) tree.

    >>> rows = ["1 Boko _ _ _ _ 2 name _ _", "2 Haram _ _ _ _ 0 root _ SpaceAfter=No", "3 . _ _ _ _ 2 punct _ _"]
    >>> conllu_text("\n".join(r.replace(" ", "\t") for r in rows))
    'Boko Haram.'
    """
    out: list[str] = []
    for line in parse.splitlines():
        cols = line.strip().split("\t")
        if len(cols) < 10 or not cols[0].isdigit():
            continue
        out.append(cols[1] + ("" if "SpaceAfter=No" in cols[9] else " "))
    return "".join(out).strip()


def _flag(attrs: dict[str, str]) -> tuple[str, bool]:
    for name in ("evaluate", "sentence"):
        if name in attrs:
            return name, attrs[name].strip().lower() == "true"
    return "", True


def parse(text: str) -> Validation:
    """The records of a validation file's text."""
    text = _COMMENT.sub(_blank, text)
    out = Validation()
    stop = _STOP.search(text)
    if stop:
        out.stopped_at = text.count("\n", 0, stop.start()) + 1
        text = text[: stop.start()]
    env = _ENV.search(text)
    if env:
        out.environment = {m.group(1): " ".join(m.group(2).split()) for m in _ENV_ITEM.finditer(env.group(1))}
        if "Include" in out.environment:
            out.include = tuple(c for c in out.environment["Include"].split() if c != "valid")
        out.exclude = tuple(out.environment.get("Exclude", "").split())
    starts = list(_SENTENCE.finditer(text))
    end = _END.search(text)
    for i, m in enumerate(starts):
        stop_at = starts[i + 1].start() if i + 1 < len(starts) else (end.start() if end else len(text))
        body = text[m.end() : stop_at]
        line = text.count("\n", 0, m.start()) + 1
        attrs = attributes(m.group(1))
        rid = attrs.get("id", "").strip() or f"line {line}"
        category = attrs.get("category", "").strip()

        def skip(reason: str, rid: str = rid, line: int = line) -> None:
            out.skipped.append(Skip(rid, line, reason))

        flag, wanted = _flag(attrs)
        if not wanted:
            skip(f'{flag}="{attrs[flag]}"')
            continue
        if out.include is not None and category not in out.include:
            skip(f"category {category!r} is not in <Include>")
            continue
        if category in out.exclude:
            skip(f"category {category!r} is in <Exclude>")
            continue
        codings = [attributes(c.group(1)) for c in _CODING.finditer(body)]
        if not codings:
            skip("no <EventCoding>")
            continue
        t = _TEXT.search(body)
        sentence = " ".join(t.group(1).split()) if t else ""
        if not sentence:  # an empty <Text> whose words are in a CoNLL-U <Parse>
            p = _PARSE.search(body)
            sentence = conllu_text(p.group(1)) if p else ""
        if not sentence:
            skip("no <Text>")
            continue
        events, expects, bad = [], "events", ""
        for c in codings:
            if c.get("noevents", "").strip().lower() == "true":
                expects = "noevents"
            elif "error" in c:
                expects = c["error"].strip() or "error"
            elif all(c.get(k, "").strip() for k in ("sourcecode", "targetcode", "eventcode")):
                events.append(GoldEvent(c["sourcecode"].strip(), c["targetcode"].strip(), c["eventcode"].strip()))
            else:
                bad = f"an <EventCoding> without sourcecode, targetcode and eventcode: {c}"
        if bad:
            skip(bad)
            continue
        if expects in PARSE_ERRORS:
            skip(f'error="{expects}" tests the reading of the record\'s parse tree, which kg does not use')
            continue
        if events and expects != "events":
            skip(f"both events and {expects!r} coded")
            continue
        out.records.append(Record(rid, category, iso_date(attrs.get("date")), sentence, events, line, expects))
    return out


def load(path: str | Path, limit: int | None = None) -> Validation:
    """The validation file at ``path``; ``limit`` keeps the first records scored."""
    p = Path(path)
    if p.is_dir():
        raise ValueError(f"{p}: a folder; expected a PETRARCH validation file such as PETR2_GSR_validation.xml")
    v = parse(p.read_text(encoding="utf-8", errors="replace"))
    if not v.records and not v.skipped:
        raise ValueError(f"{p}: no <Sentence> records (expected a PETRARCH validation file)")
    if limit is not None:
        v.records = v.records[:limit]
    return v
