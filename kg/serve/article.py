"""An article's text with its entities, relation triggers and quotes marked, displaCy-style.

The store keeps an article's headline, date, link and source path, and the character spans of every
relation trigger and quote, but not the text: it is read again from the source (a file, or a line of a
JSONL file), and used only if it is the text the spans were taken from (each quote's span must hold the
quote's words). Entities have no stored spans: their names and aliases are found in the text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any


def sentence_anchor(sentence: str) -> str:
    """The id of a sentence's mark on the article page, the same wherever the sentence is linked from."""
    return "s-" + hashlib.sha1(sentence.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def read_text(article: dict[str, Any], roots: list[Path]) -> str | None:
    """The text of ``article`` (its ``id`` and ``source``, "path" or "path:line") read again from its
    source, looked up as given and under each of ``roots``; None when it cannot be read."""
    from kg.model import Article
    from kg.readers import read

    source = article.get("source") or ""
    if not source:
        return None
    path = re.sub(r":\d+$", "", source)
    for root in [Path(), *roots]:
        p = Path(path) if Path(path).is_absolute() else root / path
        if not p.is_file():
            continue
        try:
            for a in read([str(p)]):
                if isinstance(a, Article) and a.id == article["id"]:
                    return a.text
        except (OSError, ValueError):
            return None
    return None


def _find_all(text: str, name: str) -> list[tuple[int, int]]:
    if len(name) < 2:
        return []
    pat = r"(?<!\w)" + re.escape(name) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pat, text)]


def spans(
    text: str,
    *,
    entities: dict[str, list[str]],
    types: dict[str, str],
    relations: list[dict[str, Any]],
    quotes: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The marks to draw, by start: entity names (``entities``: id -> names, longest first wins),
    relation triggers (``start``/``end``/``predicate``) and quotes (``start``/``end``). Marks never
    overlap: a quote wins over what lies inside it, a trigger over an entity."""
    marks: list[dict[str, Any]] = []
    taken = [False] * (len(text) + 1)

    def free(s: int, e: int) -> bool:
        return 0 <= s < e <= len(text) and not any(taken[s:e])

    def take(mark: dict[str, Any]) -> None:
        for i in range(mark["start"], mark["end"]):
            taken[i] = True
        marks.append(mark)

    for q in sorted(quotes, key=lambda q: (q["start"], -q["end"])):
        if free(q["start"], q["end"]):
            take({"start": q["start"], "end": q["end"], "kind": "quote", "label": "QUOTE", "speaker": q["speaker"]})
    for r in sorted(relations, key=lambda r: (r["start"], -r["end"])):
        if free(r["start"], r["end"]):
            label = r["predicate"].upper()
            take({"start": r["start"], "end": r["end"], "kind": "trigger", "label": label, "rel": r})
    names = sorted(((n, i) for i, ns in entities.items() for n in ns), key=lambda x: (-len(x[0]), x[0], x[1]))
    for name, ent in names:
        for s, e in _find_all(text, name):
            if free(s, e):
                take({"start": s, "end": e, "kind": "entity", "label": types.get(ent, ""), "entity": ent})
    marks.sort(key=lambda m: m["start"])
    return marks


def segments(text: str, marks: list[dict[str, Any]], sentences: list[str]) -> list[dict[str, Any]]:
    """``text`` cut into plain and marked pieces (the template escapes each). Each piece lists the
    anchors (:func:`sentence_anchor`) of the evidence ``sentences`` it lies in (``sents``), and the
    first piece of each such sentence opens its anchor (``anchor``)."""
    ranges: list[tuple[int, int, str]] = []
    for s in sentences:
        at = text.find(s) if s else -1
        if at >= 0:
            ranges.append((at, at + len(s), sentence_anchor(s)))
    cuts = {0, len(text), *(m["start"] for m in marks), *(m["end"] for m in marks)}
    cuts |= {r[0] for r in ranges} | {r[1] for r in ranges}
    ordered = sorted(c for c in cuts if 0 <= c <= len(text))
    by_start = {m["start"]: m for m in marks}
    out: list[dict[str, Any]] = []
    opened: set[str] = set()
    i = 0
    while i < len(ordered) - 1:
        s = ordered[i]
        m = by_start.get(s)
        e = m["end"] if m is not None else ordered[i + 1]
        sents = [a for lo, hi, a in ranges if lo < e and s < hi]
        new = [a for a in sents if a not in opened]
        opened.update(new)
        out.append({"text": text[s:e], "mark": m, "sents": sents, "anchor": new[0] if new else None})
        while i < len(ordered) - 1 and ordered[i] < e:
            i += 1
    return out


def text_matches(text: str, quotes: list[dict[str, Any]]) -> bool:
    """Whether ``text`` is the one the spans were taken from: every quote's words lie in its span."""
    for q in quotes:
        inside = text[q["start"] : q["end"]]
        words = re.findall(r"\w+", q["text"])[:3]
        if not inside or not all(w in inside for w in words):
            return False
    return True
