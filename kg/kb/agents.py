"""The PETRARCH agent dictionary format: common nouns that name an actor's role or sector.

A record is ``PHRASE {PLURAL} [~CODE]``: ``~CODE`` adds the code after the actor's country ("British
police" -> GBR + COP), ``CODE~`` before it (``NGO~``). Regular plurals are made (+S, Y -> IES, S -> ES);
``{}`` says there is none, ``{FORM}`` gives it. ``!MARKER! = A, B`` defines a substitution set that a
phrase uses as ``CONGRESS!PERSON!``.

>>> text = '''
... !PERSON! = MAN, WOMAN
... POLICE {} [~COP]
... REBEL [~REB]  # armed
... ATTORNEY_GENERAL {ATTORNEYS_GENERAL} [~GOVATG]
... CONGRESS!PERSON! [~LEG]
... HUMAN_RIGHTS_GROUP [NGO~]
... '''
>>> for a in parse(text.splitlines(), "sample.agents.txt"):
...     print(a.code, a.before, a.phrases)
COP False ['police']
REB False ['rebel', 'rebels']
GOVATG False ['attorney general', 'attorneys general']
LEG False ['congressman', 'congresswoman']
NGO True ['human rights group', 'human rights groups']
>>> parse(["ISLAMIC_EXTREMIST"], "bad.agents.txt")
Traceback (most recent call last):
kg.kb.dictionary.DictionaryError: bad.agents.txt:1: an agent needs a code: PHRASE {PLURAL} [~CODE]: 'ISLAMIC_EXTREMIST'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.kb.dictionary import DictionaryError, code, lines, open_lines, phrase

_RECORD = re.compile(r"^(?P<phrase>[^\[\]{}]+?)\s*(?:\{(?P<plural>[^{}\[\]]*)\})?\s*\[(?P<code>[^\[\]{}]*)\]$")
_MARKER = re.compile(r"^!(?P<name>[^!\s]+)!\s*=\s*(?P<items>.+)$")


@dataclass
class Agent:
    phrases: list[str]  # normalised (kg.kb.dictionary.phrase), the singular and plural forms
    code: str  # the role or sector code ("COP", "GOVATG")
    before: bool  # the code goes before the actor's country code (``NGO~``), not after (``~COP``)
    line: int = 0


def _plural(word: str) -> str:
    if word.endswith("Y") or word.endswith("y"):
        return word[:-1] + "IES"
    if word[-1:] in "Ss":
        return word + "ES"
    return word + "S"


def parse(raw: Iterable[str], source: str = "<agents>", problems: list[DictionaryError] | None = None) -> list[Agent]:
    """The agent records of a dictionary's lines. A malformed line raises a :class:`DictionaryError` naming
    it, or, when ``problems`` is a list, is added to it and skipped (as PETRARCH skips it)."""
    markers: dict[str, list[str]] = {}
    agents: list[Agent] = []
    for n, line in lines(raw):
        try:
            marker = _MARKER.match(line)
            if marker:
                markers[marker.group("name")] = [x.strip() for x in marker.group("items").split(",") if x.strip()]
                continue
            agents.append(_record(line, n, source, markers))
        except DictionaryError as exc:
            if problems is None:
                raise
            problems.append(exc)
    return agents


def _record(line: str, n: int, source: str, markers: dict[str, list[str]]) -> Agent:
    if "[" not in line:
        raise DictionaryError(source, n, "an agent needs a code: PHRASE {PLURAL} [~CODE]", line)
    m = _RECORD.match(line)
    if not m:
        raise DictionaryError(source, n, "expected PHRASE {PLURAL} [~CODE]", line)
    raw_code = m.group("code").strip()
    if raw_code.count("~") != 1:
        raise DictionaryError(source, n, "an agent code is ~CODE or CODE~", line)
    before = raw_code.endswith("~")
    the_code = code(raw_code.strip("~"), source, n, line)
    text = m.group("phrase").strip().rstrip("_")
    if "!" in text:
        parts = text.split("!")
        if len(parts) != 3 or parts[1] not in markers:
            raise DictionaryError(source, n, "substitution marker !NAME! not defined above", line)
        forms = [phrase(parts[0] + item + parts[2]) for item in markers[parts[1]]]
    else:
        plural = m.group("plural")
        forms = [phrase(text)]
        if plural is None:
            forms.append(phrase(_plural(text)))
        elif plural.strip():
            forms.append(phrase(plural.strip()))
    if not all(forms):
        raise DictionaryError(source, n, "an agent needs a phrase", line)
    return Agent(phrases=list(dict.fromkeys(forms)), code=the_code, before=before, line=n)


def read(path: Path | str, problems: list[DictionaryError] | None = None) -> list[Agent]:
    """The agent records of a dictionary file (``problems``: as for :func:`parse`)."""
    return parse(open_lines(path, "agent", "components.kg_actor_kb.dictionaries"), str(path), problems)
