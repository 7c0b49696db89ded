"""``kg_parties``: political parties as one Organization each, whatever the English model made of them.

The party table (``pipelines/parties.toml``, :func:`read`) gives each party a canonical name and the
forms it goes by ("Tories", "Lib Dems", "New Labour"), adjective forms that name it before a role
("Conservative leader", "Labour MP") and weak forms that name it only in a document about its country.
:func:`mark_parties` makes every mention of a party an ``ORG`` entity whose ``ent_id_`` is the party's
canonical name, replacing what the English model made of it ("Lib Dems"/PERSON, "New Labour"/GPE,
"Tory"/NORP) and trimming a name it glued on ("Tories Ken Clarke" -> "Tories" + "Ken Clarke"/PERSON);
``kg_entities`` then gives one node per party. :func:`repair_glued` first splits a party name glued to
the word before it ("ofNew Labour"). Forms match case-sensitively, so "labour market" names no party.
"""

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_TITLE, IS_UPPER, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp import attrs
from kg.nlp.component import StoredData
from kg.resources import PIPELINES

# no ``from __future__ import annotations``: spaCy validates the factory's and initialize's settings
# against their annotations, which must be types, not strings

PARTIES_PATH = PIPELINES / "parties.toml"
LABEL = "ORG"
KINDS = ("names", "adjectives", "weak")
# model labels that name a party form itself: its reading of "Tory"/NORP, "Labour"/ORG, "Lib Dems"/PERSON
_NAME_LABELS = frozenset({"ORG", "NORP", "PERSON", "GPE", "LOC", "FAC"})
# lower-case words a party name is glued to when a space is lost ("ofNew Labour", "atLabour's")
_GLUED = re.compile(r"^(of|at|in|on|for|to|by|from|with|and|the|as|than)([A-Z][A-Za-z]+)$")
_PORTFOLIO = 3  # words allowed between a party form and its office ("Tory foreign affairs spokesman")
# prefixes before a hyphen that leave the party name after it a party name ("ex-Labour", "anti-Tory")
_PREFIXES = frozenset({"ex", "anti", "pro", "non", "post", "pre", "former"})


@dataclass(frozen=True)
class Party:
    name: str
    country: str
    family: str


def read(path: Path | str | None = None) -> dict:
    """The party table's data as it is (default: kg's own ``pipelines/parties.toml``)."""
    with open(path or PARTIES_PATH, "rb") as fh:
        return tomllib.load(fh)


class PartyTable:
    """The parties of a table's data and where each form points: form (its tokens' texts, by
    ``words``, the pipeline's tokenizer) -> the (party, kind) pairs that go by it, in the table's order."""

    def __init__(self, data: dict, words: Callable[[str], tuple[str, ...]]):
        self.data = data
        self.parties: list[Party] = []
        self.forms: dict[tuple[str, ...], list[tuple[Party, str]]] = {}
        for entry in data.get("party", []):
            party = Party(entry["name"], entry.get("country", ""), entry.get("family", ""))
            self.parties.append(party)
            for kind in KINDS:
                for form in entry.get(kind, []):
                    pairs = self.forms.setdefault(words(form), [])
                    if all(p != party for p, _ in pairs):
                        pairs.append((party, kind))
            pairs = self.forms.setdefault(words(party.name), [])
            if all(p != party for p, _ in pairs):
                pairs.append((party, "names"))
        rules = data.get("rules", {})
        for other in rules.get("other_names", []):
            self.forms.setdefault(words(other), [])  # matched, so a shorter party form inside it is not
        self.common_nouns = frozenset(rules.get("common_nouns", []))
        self.roles = frozenset(rules.get("roles", []))
        self.cues = {code: frozenset(words) for code, words in data.get("countries", {}).items()}
        self.cue_hashes = {code: frozenset(get_string_id(w) for w in cues) for code, cues in self.cues.items()}  # ORTH
        self.first_words = frozenset(f[0] for f in self.forms)
        self.by_name = {p.name: p for p in self.parties}


def repair_glued(doc: Doc, table: PartyTable) -> Doc:
    """Split a token that glues a lower-case word to a party form's first word ("ofNew" before
    "Labour"), keeping the parse: the party word takes the token's place in the tree."""
    arr = doc.to_array([IS_ALPHA, IS_LOWER, IS_TITLE, IS_UPPER])
    mixed = (arr[:, 0] != 0) & (arr[:, 1] == 0) & (arr[:, 2] == 0) & (arr[:, 3] == 0)
    splits = []
    for i in numpy.flatnonzero(mixed).tolist():
        m = _GLUED.match(doc[i].text)
        if m and m.group(2) in table.first_words:
            splits.append((doc[i], m.group(1), m.group(2)))
    if not splits:
        return doc
    with doc.retokenize() as retok:
        for tok, word, rest in splits:
            head = tok.head if tok.head.i != tok.i else (tok, 1)
            retok.split(tok, [word, rest], heads=[(tok, 1), head], attrs={"DEP": ["dep", tok.dep_]})
    return doc


class _Context:
    """What :func:`mark_parties` reads around a match, built once per document."""

    def __init__(self, doc: Doc, table: PartyTable):
        self.doc, self.table = doc, table
        self.ents = list(doc.ents)
        self.ent_at: dict[int, Span] = {i: e for e in self.ents for i in range(e.start, e.end)}
        self.numbers = attrs.sentence_numbers(doc)
        self._countries: dict[str, int] | None = None

    def countries(self) -> dict[str, int]:
        """How often the document names each country of the table (its cue words)."""
        if self._countries is None:
            seen = Counter(self.doc.to_array(ORTH).tolist())  # each word's hash -> how often it occurs
            self._countries = {c: sum(seen[h] for h in cues if h in seen) for c, cues in self.table.cue_hashes.items()}
        return self._countries

    def sentence_initial(self, i: int) -> bool:
        """Whether token i is the first word of its sentence or of a quotation (capitalised for that)."""
        doc, j = self.doc, i - 1
        while j >= 0 and self.numbers[j] == self.numbers[i] and not doc[j].is_alpha:
            if doc[j].is_quote or doc[j].text in (":", "(", "—", "–"):
                return True
            j -= 1
        return j < 0 or self.numbers[j] != self.numbers[i]

    def labelled(self, start: int, end: int) -> bool:
        """Whether the English model read the span as a name: an entity that is the span or starts with it."""
        e = self.ent_at.get(start)
        return e is not None and e.label_ in _NAME_LABELS and e.start == start and e.end >= end

    def role_after(self, end: int) -> bool:
        """Whether a role follows: a role word, a person's name, or an office after up to three portfolio
        words ("Lib Dem Home Affairs spokesman", "Tory foreign affairs spokesman")."""
        doc, n = self.doc, len(self.doc)
        if end >= n:
            return False
        if doc[end].text in self.table.roles:
            return True
        for k in (end, end + 1):  # a name, after a title at most ("Lib Dem Sir Archy Kirkwood")
            e = self.ent_at.get(k)
            if e is not None and e.label_ == "PERSON" and e.start == k and (k == end or doc[end].is_title):
                return True
        j = end
        while j < n and j - end < _PORTFOLIO and doc[j].is_alpha and self._label(j) not in ("OFFICE", "PERSON"):
            j += 1
        return j < n and self._label(j) == "OFFICE"

    def _label(self, i: int) -> str:
        e = self.ent_at.get(i)
        return e.label_ if e is not None else ""

    def part_of_other_name(self, start: int, end: int, role: bool) -> bool:
        """Whether the form is a piece of another name the model left untagged: "Aynsley-Green",
        "International Labour Organisation", "Sweden Democrats" (the word after it only counts when no
        role follows)."""
        doc = self.doc
        if start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_:
            first = doc[start - 2]  # "Aynsley-Green", but not "ex-Labour", "anti-Tory", "Tory-Labour"
            if first.is_title and first.lower_ not in _PREFIXES and first.text not in self.table.first_words:
                return True
        before = start - 1
        if before >= 0 and doc[before].is_title and before not in self.ent_at and not self.sentence_initial(before):
            return True
        if role or end >= len(doc) or end in self.ent_at or doc[end].text in self.table.roles:
            return False
        return doc[end].is_title

    def eligible(self, party: Party, kind: str, start: int, end: int) -> bool:
        if kind == "weak":
            return self.countries().get(party.country, 0) > 0
        if kind == "adjectives":
            return self.role_after(end) or self.labelled(start, end)
        return True


def _choose(ctx: _Context, pairs: list[tuple[Party, str]], start: int, end: int) -> Party | None:
    """The party a form names here: among those it can name in this context, the one whose country the
    document names most, else the first in the table."""
    doc = ctx.doc
    if end < len(doc) and doc[end].lower_ in ctx.table.common_nouns:
        return None  # "Labour costs", "Green issues"
    role = ctx.role_after(end)
    if ctx.part_of_other_name(start, end, role):
        return None
    one_word = end - start == 1 and doc[start].is_title
    if one_word and ctx.sentence_initial(start) and not (role or ctx.labelled(start, end)):
        return None  # a capitalised common word ("Labour shortages ...") unless the model or a role says otherwise
    found = [p for p, kind in pairs if ctx.eligible(p, kind, start, end)]
    if len(found) <= 1:
        return found[0] if found else None
    counts = ctx.countries()
    return max(found, key=lambda p: (counts.get(p.country, 0), -found.index(p)))


def mark_parties(doc: Doc, table: PartyTable, matcher: PhraseMatcher) -> Doc:
    """Make every party mention an ``ORG`` entity whose ``ent_id_`` is the party's canonical name, in
    place of what the English model made of it (:func:`_rest`); an office that overlaps a party's name
    keeps its words after it ("Labour party leader", "UK Independence Party leader"), and a "name" the
    model read between a party and its office is no name ("Lib Dem Treasury spokesman")."""
    spans = filter_spans([doc[s:e] for _, s, e in matcher(doc)])
    if not spans:
        return doc
    ctx = _Context(doc, table)
    chosen: list[tuple[int, int, Party]] = []
    for span in spans:
        start, end = span.start, span.end
        party = _choose(ctx, table.forms.get(tuple(t.text for t in span), []), start, end)
        if party is not None:
            chosen.append((start, end, party))
    covered = {i for start, end, _ in chosen for i in range(start, end)}
    kept: list[Span] = []
    for e in ctx.ents:
        if not any(i in covered for i in range(e.start, e.end)):
            kept.append(e)
            continue
        if e.label_ == "OFFICE":  # "UK Independence Party leader": the office keeps its words after the party
            words = [i for i in range(e.start, e.end) if i not in covered]
            if words and words == list(range(words[0], e.end)):
                kept.append(Span(doc, words[0], e.end, label=e.label_, span_id=e.ent_id_))
            continue
        rest = _rest(doc, e, covered)
        if rest is False:  # another name holding a party's form: the model's reading stays
            kept.append(e)
            chosen = [c for c in chosen if not e.start <= c[0] < e.end]
        elif rest is not None:
            kept.append(rest)
    if not chosen:
        return doc
    ends = {end for _, end, _ in chosen}
    offices = {e.start for e in kept if e.label_ == "OFFICE"}
    # a "name" between a party and its office is the post's portfolio: "Lib Dem [Home Affairs] spokesman"
    kept = [e for e in kept if not (e.label_ == "PERSON" and e.start in ends and e.end in offices)]
    parties = [Span(doc, start, end, label=LABEL, span_id=party.name) for start, end, party in chosen]
    doc.ents = filter_spans(kept + parties)
    return doc


def _rest(doc: Doc, e: Span, covered: set[int]) -> Span | Literal[False] | None:
    """What is left of the model's entity ``e`` around the party mentions in it (``covered``): None for
    nothing, a span of its own, or False when ``e`` is another name holding a party's form.

    Articles, possessives and marks at its edges go ("the Lib Dems'"). The party stands apart from the
    rest when a lower-case word, an article or a hyphen separates them ("pro-Iraq war Labour", "the
    Independent the Tories", "Lib Dem's Citizen's Pension"): a rest that is one run of capitalised words
    stays an entity of its own. A person the model glued onto the party's name stays a person ("Tories
    Ken Clarke"); one capitalised word goes ("London UKIP", "Ex-Labour"); any other entity around a form
    is another name ("Conservative National Women's Committee")."""
    inside = [i for i in range(e.start, e.end) if i in covered]
    first, last = inside[0], inside[-1]
    if any(not (_minor(doc[i]) or doc[i].text == "-") for i in range(first, last) if i not in covered):
        return False  # words between two parties' names ("Tory-Labour" has only a hyphen)
    left = list(range(e.start, first))
    right = list(range(last + 1, e.end))
    while left and _minor(doc[left[0]]):
        left.pop(0)
    while right and _minor(doc[right[-1]]):
        right.pop()
    if left and right:
        return False
    rest = left or right
    if not rest:
        return None
    near = rest[-1] if left else rest[0]
    if _minor(doc[near]) or doc[near].text == "-":  # separated from the party: keep the rest's name
        while rest and (_minor(doc[rest[-1 if left else 0]]) or doc[rest[-1 if left else 0]].text == "-"):
            rest.pop(-1 if left else 0)
        if rest and all(doc[i].is_title or doc[i].text == "-" for i in rest):
            return Span(doc, rest[0], rest[-1] + 1, label=e.label_)
        return None
    if right and e.label_ == "PERSON" and all(doc[i].is_title or doc[i].text == "-" for i in rest):
        return Span(doc, rest[0], rest[-1] + 1, label=e.label_)
    words = [i for i in rest if not doc[i].is_punct]
    if len(words) == 1 and doc[words[0]].is_title:
        return None
    return False


def _minor(tok) -> bool:
    """A word that joins names rather than being part of one: lower case, an article, a possessive, a mark."""
    return tok.is_lower or (tok.is_punct and tok.text != "-") or tok.lower_ == "the" or tok.text in ("'s", "’s")


def of_party_members(doc: Doc, etype: Callable[[str], str | None]) -> list[tuple[str, str, list]]:
    """(person, party, tokens) for a person's name followed by the party they are of: "Nigel Farage, of
    the UK Independence Party", "Simon Thomas of Plaid Cymru" (``etype``: entity id -> type; party
    mentions are the ``ORG`` entities :func:`mark_parties` gave a canonical name)."""
    out = []
    for ent in doc.ents:
        if ent.label_ != LABEL or not ent.ent_id_:
            continue
        j = ent.start - 1
        if j >= 0 and doc[j].lower_ == "the":
            j -= 1
        if j < 1 or doc[j].lower_ not in ("of", "from"):
            continue
        j -= 1
        if doc[j].text == "," and j >= 1:
            j -= 1
        party, person = attrs.entity_of(doc, ent.start), attrs.entity_of(doc, j)
        if party and person and doc[j].ent_type_ == "PERSON" and etype(person) == "Person":
            out.append((person, party, list(doc[j : ent.end])))
    return out


class PartyRuler(StoredData):
    """Mark party mentions (:func:`mark_parties`). Its table comes from ``initialize(parties=path)``
    (``None``: kg's ``pipelines/parties.toml``) and is saved with the pipeline."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.vocab = nlp.vocab
        self.tokenizer = nlp.tokenizer
        self.stored = {"parties": read()}
        self.restore()

    def restore(self) -> None:
        self.table = PartyTable(self.stored["parties"], lambda form: tuple(t.text for t in self.tokenizer(form)))
        self.matcher = PhraseMatcher(self.vocab, attr="ORTH")
        self.matcher.add("PARTY", [Doc(self.vocab, words=list(form)) for form in self.table.forms])

    def initialize(self, get_examples: Callable | None = None, *, nlp=None, parties: str | None = None) -> None:
        self.set_stored(parties=read(parties))

    def __call__(self, doc: Doc) -> Doc:
        return mark_parties(repair_glued(doc, self.table), self.table, self.matcher)


@Language.factory("kg_parties", assigns=["doc.ents", "token.ent_type"], requires=["doc.ents"])
def make_party_ruler(nlp: Language, name: str) -> PartyRuler:
    return PartyRuler(nlp, name)
