"""Person names for resolution: titles stripped, first names compatible (equal, an initial, close by
rapidfuzz, or a short form: pipelines/nicknames.toml), and the name lengths that can reach the fuzzy
threshold."""

from __future__ import annotations

import functools
import re
import tomllib

from kg.resources import PIPELINES
from kg.schema import ids

NICKNAMES = PIPELINES / "nicknames.toml"

FUZZ = 88  # rapidfuzz ratio for "the same name, spelled differently"
# letters after a name that say what a person is, not who ("Philippe Sands QC", "Jane Smith OBE")
POST_NOMINALS = frozenset(
    {"QC", "KC", "MP", "MEP", "MSP", "OBE", "MBE", "CBE", "KBE", "DBE", "KCB", "KCMG", "GCB", "JP"}
)


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


@functools.cache
def _actor_tables():
    from kg.nlp import actors

    return actors.default()


def person_name(name: str) -> str:
    """A person's name without titles, post-nominal letters, possessives or stray punctuation; a peer
    keeps the title that is their name ("Lord Roberts" is not whoever else is called Roberts).

    >>> person_name("Sir Keir Starmer"), person_name("Mr Starmer's"), person_name("Prime Minister Tony Blair")
    ('Keir Starmer', 'Starmer', 'Tony Blair')
    >>> person_name("Philippe Sands QC"), person_name("William Haughey OBE")
    ('Philippe Sands', 'William Haughey')
    >>> person_name("Lord Roberts"), person_name("Lord Falconer of Thoroton")
    ('Lord Roberts', 'Lord Falconer of Thoroton')
    """
    words = ids.normalise_name(name).replace("’", "'").split()
    if words and words[-1].endswith(("'s", "'")):
        words[-1] = re.sub(r"'s?$", "", words[-1])
    while len(words) > 1 and words[-1].rstrip(",") in POST_NOMINALS:
        words.pop()
    while len(words) > 1 and words[0].casefold().rstrip(".") in _titles():
        if words[0].casefold().rstrip(".") in _actor_tables().peerage and (len(words) == 2 or words[2] == "of"):
            break
        words.pop(0)
    return " ".join(w for w in words if w)


def is_first_name(word: str) -> bool:
    """Whether ``word`` is a given name of the people table ("Stephen"; not "Backbencher")."""
    return word.casefold() in _actor_tables().first_sex


def is_peer(name: str) -> bool:
    """Whether a cleaned name is a peer's ("Lord Roberts")."""
    return name.split(" ", 1)[0].casefold() in _actor_tables().peerage


def sex(names: list[str]) -> str | None:
    """ "f" or "m" when the titles and first names among ``names`` (a person's name and aliases) say it
    and agree ("Mrs Howard"; "Sandra Howard"), else None.

    >>> sex(["Howard", "Mrs Howard"]), sex(["Michael Howard"]), sex(["Howard", "Mr Howard", "Mrs Howard"])
    ('f', 'm', None)
    """
    t = _actor_tables()
    found = set()
    for n in names:
        words = ids.normalise_name(n).split()
        if not words:
            continue
        s = t.title_sex(words[0])
        if s is None and len(words) > 1 and words[0].casefold().rstrip(".") not in _titles():
            s = t.name_sex(" ".join(words))
        if s:
            found.add(s)
    return found.pop() if len(found) == 1 else None


@functools.cache
def _nicknames() -> frozenset[tuple[str, str]]:
    """(short, full) and (full, short) pairs of given names (``pipelines/nicknames.toml``)."""
    try:
        with open(NICKNAMES, "rb") as fh:
            data = tomllib.load(fh).get("nicknames", {})
    except FileNotFoundError:  # pragma: no cover - table missing
        return frozenset()
    pairs = {(short, full) for full, shorts in data.items() for short in shorts}
    return frozenset(pairs | {(b, a) for a, b in pairs})


def first_compatible(a: str, b: str) -> bool:
    """Whether two given names can be one person's: equal, an initial, a short form ("Vince",
    "Vincent"), or close by rapidfuzz.

    >>> first_compatible("Vince", "Vincent"), first_compatible("Ted", "Edward"), first_compatible("Ted", "Ed")
    (True, True, False)
    """
    from rapidfuzz import fuzz

    a, b = a.casefold().rstrip("."), b.casefold().rstrip(".")
    if a == b or (a, b) in _nicknames():
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return fuzz.ratio(a, b) >= FUZZ and a[0] == b[0]


# titles said with a first name: a knight or dame ("Sir Alan" is Sir Alan Budd), a royal ("Prince Harry")
KNIGHTHOOD = frozenset({"sir", "dame"})
ROYAL = frozenset({"prince", "princess"})


def first_name_ref(name: str, aliases: list[str] | tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(title, first name) when a person is named by a title that goes with a first name and that name
    alone ("Sir Alan", "Prince Harry"), else None: such a word is no surname.

    >>> first_name_ref("Alan", ["Sir Alan"]), first_name_ref("Harry", ["Prince Harry"])
    (('Sir', 'Alan'), ('Prince', 'Harry'))
    >>> first_name_ref("Howard", ["Mr Howard"]), first_name_ref("Alan Budd", ["Sir Alan Budd"])
    (None, None)
    """
    clean = person_name(name).split()
    if len(clean) != 1:
        return None
    for form in (name, *aliases):
        words = ids.normalise_name(form).split()
        title = words[0].rstrip(".") if words else ""
        if len(words) == 2 and title.casefold() in KNIGHTHOOD | ROYAL and words[1] == clean[0]:
            return title.title(), clean[0]
    return None


def knight_first_name(name: str) -> str | None:
    """The first name a knight or dame is called by with their title ("Sir Alan Budd" -> "Alan"), else None.

    >>> knight_first_name("Sir Alan Budd"), knight_first_name("Alan Budd"), knight_first_name("Sir Alan")
    ('Alan', None, None)
    """
    words = ids.normalise_name(name).split()
    if len(words) >= 3 and words[0].rstrip(".").casefold() in KNIGHTHOOD:
        return words[1]
    return None
