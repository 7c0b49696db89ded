"""Person names for resolution: titles stripped, first names compatible (equal, an initial, or close by
rapidfuzz), and the name lengths that can reach the fuzzy threshold."""

from __future__ import annotations

import functools
import re

from kg.schema import ids

FUZZ = 88  # rapidfuzz ratio for "the same name, spelled differently"


def close_lengths(n: int) -> range:
    """The lengths a string may have to score ``FUZZ`` against one of length ``n``: ``fuzz.ratio`` is
    ``100 * (1 - indel / (n + m))`` and the Indel distance is at least ``|n - m|``, so the ratio is at most
    ``200 * min(n, m) / (n + m)``.

    >>> close_lengths(7), close_lengths(14)
    (range(6, 9), range(11, 18))
    """
    return range((FUZZ * n + 200 - FUZZ - 1) // (200 - FUZZ), (200 - FUZZ) * n // FUZZ + 1)


@functools.cache
def _titles() -> frozenset[str]:
    try:
        from kg.nlp import lexicon

        return lexicon.load().titles
    except Exception:  # pragma: no cover - lexicon missing
        return frozenset({"mr", "mrs", "ms", "miss", "sir", "dame", "lord", "lady", "dr"})


def person_name(name: str) -> str:
    """A person's name without titles, possessives or stray punctuation.

    >>> person_name("Sir Keir Starmer"), person_name("Mr Starmer's"), person_name("Prime Minister Tony Blair")
    ('Keir Starmer', 'Starmer', 'Tony Blair')
    """
    words = ids.normalise_name(name).replace("’", "'").split()
    if words and words[-1].endswith(("'s", "'")):
        words[-1] = re.sub(r"'s?$", "", words[-1])
    while len(words) > 1 and words[0].casefold().rstrip(".") in _titles():
        words.pop(0)
    return " ".join(w for w in words if w)


def first_compatible(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    a, b = a.casefold().rstrip("."), b.casefold().rstrip(".")
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return fuzz.ratio(a, b) >= FUZZ and a[0] == b[0]
