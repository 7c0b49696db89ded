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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy
from spacy.attrs import IS_ALPHA, IS_LOWER, IS_TITLE, IS_UPPER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
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
_PORTFOLIO = 3  # lower-case words allowed between an adjective form and its office ("Tory foreign affairs spokesman")


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
        self.common_nouns = frozenset(rules.get("common_nouns", []))
        self.roles = frozenset(rules.get("roles", []))
        self.cues = {code: frozenset(words) for code, words in data.get("countries", {}).items()}
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
            words = [t.text for t in self.doc]
            self._countries = {c: sum(w in cues for w in words) for c, cues in self.table.cues.items()}
        return self._countries

    def sentence_initial(self, i: int) -> bool:
        """Whether token i is the first word of its sentence (after quote marks and the like)."""
        j = i - 1
        while j >= 0 and self.numbers[j] == self.numbers[i] and not self.doc[j].is_alpha:
            j -= 1
        return j < 0 or self.numbers[j] != self.numbers[i]

    def labelled(self, start: int, end: int) -> bool:
        """Whether the English model read the span as a name: an entity that is the span or starts with it."""
        e = self.ent_at.get(start)
        return e is not None and e.label_ in _NAME_LABELS and e.start == start and e.end >= end

    def role_after(self, end: int) -> bool:
        """Whether a role follows: an office (after up to three portfolio words), a role word, a person."""
        doc, n = self.doc, len(self.doc)
        if end >= n:
            return False
        if doc[end].text in self.table.roles:
            return True
        e = self.ent_at.get(end)
        if e is not None and e.label_ == "PERSON" and e.start == end:
            return True
        j = end
        while j < n and j - end < _PORTFOLIO and doc[j].is_lower and doc[j].is_alpha and j not in self.ent_at:
            j += 1
        e = self.ent_at.get(j)
        return j < n and e is not None and e.label_ == "OFFICE"

    def part_of_other_name(self, start: int, end: int) -> bool:
        """Whether the form is a piece of another name: "Aynsley-Green", "International Labour
        Organisation", "Green Paper", "Sweden Democrats" left untagged by the model."""
        doc = self.doc
        if start >= 2 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_ and doc[start - 2].is_title:
            return True
        before = start - 1
        if before >= 0 and doc[before].is_title and before not in self.ent_at and not self.sentence_initial(before):
            return True
        if end >= len(doc) or end in self.ent_at or doc[end].text in self.table.roles:
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
    if ctx.part_of_other_name(start, end):
        return None
    one_word = end - start == 1 and doc[start].is_title
    if one_word and ctx.sentence_initial(start) and not (ctx.labelled(start, end) or ctx.role_after(end)):
        return None  # a capitalised common word ("Labour shortages ...") unless the model or a role says otherwise
    found = [p for p, kind in pairs if ctx.eligible(p, kind, start, end)]
    if len(found) <= 1:
        return found[0] if found else None
    counts = ctx.countries()
    return max(found, key=lambda p: (counts.get(p.country, 0), -found.index(p)))


def mark_parties(doc: Doc, table: PartyTable, matcher: PhraseMatcher) -> Doc:
    """Make every party mention an ``ORG`` entity whose ``ent_id_`` is the party's canonical name.

    A model entity inside a party mention, or around it with only lower-case words or an article
    besides, gives way to it; a person the model glued onto a party form keeps the rest ("Tories Ken
    Clarke"); an office that overlaps it keeps its own words ("Labour party leader"); any other
    entity around a form is another name ("Labour Friends of Israel") and stays as it is."""
    spans = filter_spans([doc[s:e] for _, s, e in matcher(doc)])
    if not spans:
        return doc
    ctx = _Context(doc, table)
    parties: list[Span] = []
    replaced: dict[int, Span | None] = {}  # id of a model entity -> what is left of it (None: nothing)
    for span in spans:
        start, end = span.start, span.end
        offices = {ctx.ent_at[i] for i in range(start, end) if i in ctx.ent_at and ctx.ent_at[i].label_ == "OFFICE"}
        if offices:
            end = min(o.start for o in offices)  # "Labour party leader": the office keeps "party leader"
            if end <= start or tuple(t.text for t in doc[start:end]) not in table.forms:
                continue
        form = tuple(t.text for t in doc[start:end])
        party = _choose(ctx, table.forms.get(form, []), start, end)
        if party is None:
            continue
        changes = _overlaps(ctx, start, end)
        if changes is None:
            continue
        replaced.update(changes)
        parties.append(Span(doc, start, end, label=LABEL, span_id=party.name))
    if not parties:
        return doc
    kept = [replaced.get(id(e), e) for e in ctx.ents]
    doc.ents = filter_spans([e for e in kept if e is not None] + parties)
    return doc


def _overlaps(ctx: _Context, start: int, end: int) -> dict[int, Span | None] | None:
    """What becomes of the model entities a party mention at start..end overlaps (entity id -> the
    rest of it, None for nothing), or None when one of them is another name the party form is part of."""
    doc = ctx.doc
    out: dict[int, Span | None] = {}
    for e in {ctx.ent_at[i] for i in range(start, end) if i in ctx.ent_at}:
        if e.label_ == "OFFICE":
            continue
        rest = [t for t in e if not start <= t.i < end]
        if all(t.is_lower or t.is_punct or t.lower_ == "the" or t.text in ("'s", "’s") for t in rest):
            out[id(e)] = None
        elif e.label_ == "PERSON" and e.start == start and all(t.is_title for t in rest):
            out[id(e)] = Span(doc, end, e.end, label=e.label_)  # "Tories Ken Clarke": the person stays
        else:
            return None
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
