"""Speech set off by a name and a colon rather than by a speech verb.

- transcripts: a line opening with a speaker's name in capitals and a colon ("PENCE: Well, ...") is a
  turn, said by the person of the article with that surname or name; in a text where some turn names
  such a person (a transcript), a turn whose name kg cannot tell (the host, "WALLACE:") is kept without
  a speaker;
- a headline "Pence: Flowers won't be at debate" (the text's first line, a name of the article's people
  or organisations, a colon, the claim): the claim is that speaker's, as reported speech.
"""

import re

from spacy.tokens import Doc

from kg.nlp import attrs

_TRANSCRIPT_RE = re.compile(r"^[ \t]*[\"“]?([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){0,2}):[ \t]+(\S[^\n]*)$", re.M)
_HEADLINE_RE = re.compile(r"\A[ \t]*([A-Z][\w.'’\-]*(?: [A-Z][\w.'’\-]*){0,3}):[ \t]+(\S[^\n]*)$", re.M)
_HEADLINE_TYPES = ("Person", "Organization", "Media")


def _names(ents: dict, types: tuple[str, ...]) -> dict[str, str | None]:
    """casefolded name, alias or surname -> entity id (None when two entities share it)."""
    out: dict[str, str | None] = {}
    for e in ents.values():
        if e.type not in types:
            continue
        keys = {e.name.casefold(), *(a.casefold() for a in e.aliases)}
        if e.type == "Person":
            keys.add(e.name.split()[-1].casefold())
        for key in keys:
            out[key] = e.id if out.get(key, e.id) == e.id else None
    return out


def _hit(doc: Doc, text: str, start: int, end: int, speaker: str | None, kind: str) -> attrs.QuoteHit | None:
    while end > start and text[end - 1].isspace():
        end -= 1
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) < 3:
        return None
    first, last = attrs.sentence(span[0]), attrs.sentence(span[-1])
    return attrs.QuoteHit(
        speaker=speaker,
        start=start,
        end=end,
        cue=":",
        kind=kind,
        sent_start=first.start_char,
        sent_end=last.end_char,
        confidence=0.8 if speaker else 0.3,
    )


def turns(doc: Doc, text: str, ents: dict) -> list[attrs.QuoteHit]:
    """The transcript turns and the headline claim of ``doc`` (``text`` its text, ``ents`` its entities)."""
    people = _names(ents, ("Person",))
    found = [(m, people.get(m.group(1).casefold())) for m in _TRANSCRIPT_RE.finditer(text)]
    transcript = any(speaker for _, speaker in found)
    out = []
    for m, speaker in found:
        if speaker or transcript:
            hit = _hit(doc, text, m.start(2), m.end(2), speaker, "direct")
            if hit:
                out.append(hit)
    head = _HEADLINE_RE.match(text)
    if head and not _TRANSCRIPT_RE.match(text):
        speaker = _names(ents, _HEADLINE_TYPES).get(head.group(1).casefold())
        hit = _hit(doc, text, head.start(2), head.end(2), speaker, "reported") if speaker else None
        if hit:
            out.append(hit)
    return out
