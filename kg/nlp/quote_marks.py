"""Quotation marks paired the way news house styles set them.

- A straight mark's side is read from its neighbours: after a space, an opening bracket or at the start of a
  paragraph it opens, before a space or punctuation it closes; a mark that could be either (spaces or
  letters on both sides: 'of"squabbling', 'a year. " And') takes the side the pairing expects there.
  Curly marks say their side themselves, unless their neighbours say the opposite (a misused mark).
- A quotation that runs on into a new paragraph is reopened there without having been closed (BBC,
  Guardian, AP); in text whose paragraphs were joined into one line the reopening mark comes mid-line after
  a sentence end. So an opening mark inside an open quotation after a sentence's end ends the quotation
  before it and starts its continuation, and a quotation still open at a paragraph's end continues when
  the next paragraph opens with a mark. Elsewhere an opening mark inside an open quotation starts a quote
  within the quote, unless a sentence ended since the quotation opened: then the mark was left open and
  the quotation ends with that sentence.
- An unbalanced mark never makes narrative a quotation: a closing mark with nothing open is ignored, and a
  quotation still open at the paragraph's end is dropped when it opened mid-sentence (a quoted phrase
  whose closing mark is missing) or with a straight mark in a text that quotes with curly ones (an
  excerpt of another text set off by marks). A quotation continues only into a mark of its own style.
- Single quotes inside a double-quoted quotation belong to it (a quote within the quote); outside double
  quotes, as in headlines, a pair of single quotes within one sentence is a quotation. A straight
  apostrophe between letters ("Blair's", "don't") is no mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class Quotation:
    start: int  # the quoted text, without its marks
    end: int
    mark: int  # the opening mark
    closed: bool  # ended by a closing mark (not by a reopened mark or the paragraph's end)
    continues: bool  # continues the quotation before it (reopened in the same or the next paragraph)
    single: bool = False  # in single quotes
    apostrophes: bool = False  # in doubled apostrophes (''...''), which some newspapers use as marks


MARK = re.compile(r"``|''|[\"“”„‘’']")  # any quotation mark
_DOUBLE = re.compile(r"``|''|[\"“”„]")
_SINGLE = re.compile(r"[‘’']")
_OPENS_AFTER = set(" \t\n([{–—-/\u00a0")  # a mark after these opens
_CLOSES_BEFORE = set(" \t\n.,;:!?)]}–—-/'’\u00a0")  # a mark before these closes
_SENTENCE_END = set(".!?")
# a single-quoted quotation stays within one sentence: a sentence end inside it means the marks were
# apostrophes ("the '90s ... voters' trust")
_SENTENCE_ENDS = re.compile(r"([.!?]['’]?)\s")
_SENTENCE_INSIDE = re.compile(r"[.!?] +[A-Z]")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line: kg reads a line break as a paragraph's end."""
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end))
        pos = end + 1
    return out


def _side(text: str, i: int, n: int, lo: int, hi: int) -> str:
    """'open', 'close' or '' (either) for the straight mark at text[i:i+n] in the paragraph text[lo:hi]."""
    before = text[i - 1] if i > lo else " "
    after = text[i + n] if i + n < hi else " "
    opens = before in _OPENS_AFTER and not after.isspace()
    closes = after in _CLOSES_BEFORE and not before.isspace()
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return ""


def _before(text: str, i: int, lo: int) -> str:
    """The last character before position i that is not a space ('' at the paragraph's start)."""
    j = i - 1
    while j >= lo and text[j] in " \t\u00a0":
        j -= 1
    return text[j] if j >= lo else ""


def _after_sentence_end(text: str, i: int, lo: int) -> bool:
    """The mark at i follows a sentence's end (a quotation reopened there continues the one before)."""
    c = _before(text, i, lo)
    if c in "'’":
        c = _before(text, i - 1, lo)
    return c in _SENTENCE_END


def _starts_speech(text: str, i: int, lo: int) -> bool:
    """The mark at i opens a quotation where speech starts: at the paragraph's start, after a sentence's
    end, or after a colon, comma or dash ('he said: "'), not inside a clause ('his "ill-judged')."""
    return _before(text, i, lo) in ("", *_SENTENCE_END, ":", ",", "-", "–", "—", '"', "”", "'", "’")


def _double(text: str, lo: int, hi: int, continued: str, curly: bool) -> tuple[list[Quotation], str]:
    """The double-quoted quotations of the paragraph text[lo:hi], and the style ("curly" or "straight")
    of the last one if it is still open at the paragraph's end. ``continued``: the style of a quotation
    of the paragraph before that is still open; ``curly``: the text quotes with curly marks."""
    out: list[Quotation] = []
    start = mark = -1
    is_open = continues = apostrophes = nested = False
    style = ""
    first = True
    for m in _DOUBLE.finditer(text, lo, hi):
        i, tok = m.start(), m.group()
        side = _side(text, i, len(tok), lo, hi)
        own = "open" if tok in ("“", "„", "``") else "close" if tok == "”" else ""
        if own and side in ("", own):
            side = own
        elif own or not side:  # a curly mark set the wrong way round, or a straight one that could be either
            side = "close" if is_open else "open"
        if side == "open" and is_open and not nested and not _after_sentence_end(text, i, lo):
            ends = list(_SENTENCE_ENDS.finditer(text, start, i))
            if not ends:  # a quote within the quote in double marks ('"Police were already "buried" by')
                nested = True
                first = False
                continue
            # a mark left open, then narrative ('... a Muslim. He added: "The ...'): the quotation ends
            # with its last sentence
            out.append(Quotation(start, ends[-1].end(1), mark, False, continues, apostrophes=apostrophes))
            is_open = False
        if side == "open":
            reopened = False
            if is_open:  # reopened after a sentence's end: the quotation goes on
                out.append(Quotation(start, i, mark, False, continues, apostrophes=apostrophes))
                reopened = True
            nested = False
            new_style = "straight" if tok == '"' else "curly"
            continues = reopened or (first and continued == new_style and not text[lo:i].strip())
            start, mark, is_open, apostrophes, style = m.end(), i, True, tok == "''", new_style
        elif nested:
            nested = False
        elif is_open:
            out.append(Quotation(start, i, mark, True, continues, apostrophes=apostrophes))
            is_open = False
        first = False
    if not is_open:
        return out, ""
    # still open: the quotation runs on into the next paragraph, unless it is a straight mark in a text
    # quoting with curly ones (an excerpt set off by marks) or a phrase that lost its closing mark
    if (continues or _starts_speech(text, mark, lo)) and not (curly and style == "straight"):
        out.append(Quotation(start, hi, mark, False, continues, apostrophes=apostrophes))
        return out, style
    return out, ""


def _single(text: str, lo: int, hi: int) -> list[Quotation]:
    """Single-quoted quotations in text[lo:hi] (a stretch outside double quotes)."""
    out: list[Quotation] = []
    opened = -1
    for m in _SINGLE.finditer(text, lo, hi):
        i, tok = m.start(), m.group()
        side = "open" if tok == "‘" else _side(text, i, 1, lo, hi)
        if tok == "’" and side == "open":
            side = ""  # a curly apostrophe ("’90s")
        if side == "open":
            opened = i
        elif side == "close" and opened >= 0:
            if not _SENTENCE_INSIDE.search(text, opened + 1, i):
                out.append(Quotation(opened + 1, i, opened, True, False, single=True))
            opened = -1
    return out


def quotations(text: str) -> list[Quotation]:
    """The quotations of ``text``, in order, each within one paragraph."""
    out: list[Quotation] = []
    still_open = ""
    curly = "“" in text
    for lo, hi in paragraphs(text):
        found, still_open = _double(text, lo, hi, still_open, curly)
        pos = lo
        for q in [*found, None]:
            stop = q.mark if q else hi
            if "'" in text[pos:stop] or "‘" in text[pos:stop]:
                out += _single(text, pos, stop)
            if q:
                out.append(q)
                closing = _DOUBLE.match(text, q.end) if q.closed else None
                pos = closing.end() if closing else q.end
    return out
