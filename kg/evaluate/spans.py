"""Span arithmetic for gold formats: token offsets, character spans to tokens, overlap and Jaccard,
and token spans with their syntactic heads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def token_offsets(tokens: Sequence[str], sep: str = " ") -> tuple[str, list[tuple[int, int]]]:
    """Join ``tokens`` with ``sep``; the text and each token's character span in it.

    >>> token_offsets(["New", "York", "."])
    ('New York .', [(0, 3), (4, 8), (9, 10)])
    """
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + len(sep)
    return sep.join(tokens), offsets


def char_to_tokens(start: int, end: int, offsets: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The tokens (start, exclusive end) a character span touches, or None when it touches none.

    A span that cuts into a token ("theater" of the glued token "theater.") takes the whole token.

    >>> offs = token_offsets(["at", "the", "theater."])[1]
    >>> char_to_tokens(7, 14, offs)
    (2, 3)
    """
    first: int | None = None
    last = -1  # set together with first
    for i, (s, e) in enumerate(offsets):
        if s < end and start < e:
            if first is None:
                first = i
            last = i
        elif first is not None:
            break
    return None if first is None else (first, last + 1)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Length of the intersection of two half-open spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def positions(spans: Iterable[tuple[int, int]], text: str | None = None) -> set[int]:
    """Character positions covered by ``spans``; whitespace excluded when ``text`` is given."""
    out: set[int] = set()
    for s, e in spans:
        out.update(i for i in range(s, e) if text is None or not text[i].isspace())
    return out


def jaccard(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0.0 for two empty sets).

    >>> jaccard({1, 2, 3, 4}, {3, 4, 5, 6})
    0.3333333333333333
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class TokenSpan:
    """An argument span in a dataset's own tokens: [start, end) and its syntactic head token."""

    start: int
    end: int
    head: int | None = None

    def exact(self, other: TokenSpan) -> bool:
        return (self.start, self.end) == (other.start, other.end)

    def head_in(self, other: TokenSpan) -> bool:
        """Boundary-relaxed: this (gold) span's head word lies inside ``other`` (the prediction)."""
        head = self.end - 1 if self.head is None else self.head
        return other.start <= head < other.end


def with_heads(doc, spans: Iterable[TokenSpan], offsets: Sequence[tuple[int, int]]) -> list[TokenSpan]:
    """Gold spans (in the dataset's tokens) with their head token: the span's root in our parse of the text."""
    out = []
    for sp in spans:
        head = None
        chars = doc.char_span(offsets[sp.start][0], offsets[sp.end - 1][1], alignment_mode="expand")
        if chars is not None and len(chars):
            root = chars.root
            toks = char_to_tokens(root.idx, root.idx + len(root), offsets)
            if toks and sp.start <= toks[0] < sp.end:
                head = toks[0]
        out.append(TokenSpan(sp.start, sp.end, head))
    return out
