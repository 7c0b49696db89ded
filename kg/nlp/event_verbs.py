"""CAMEO verb patterns over a parsed sentence: which event a verb and its dependents name, and whom at.

The table is kg's ``pipelines/kb/verbs.tsv`` (built by :mod:`kg.kb.verbs` from the PETRARCH2 verb
dictionary) or, by configuration, a folder or file of raw PETRARCH verb dictionaries. A verb matches its
block's most specific pattern whose every element is found among its dependents: an object noun
("imposed a *curfew*"), a particle ("turned *down*"), a preposition with or without its noun ("fired
*at*", "called *for* independence"). The pattern's code names the catalogue relation; its target is the
object of the pattern's open preposition, else the verb's direct object.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from spacy.tokens import Token

from kg.kb import verbs as verb_dictionary
from kg.nlp import attrs
from kg.resources import PIPELINES
from kg.schema import catalogue

log = logging.getLogger(__name__)
TABLE_PATH = PIPELINES / "kb" / verb_dictionary.TABLE
_OBJECTS = ("dobj", "attr", "oprd", "dative", "npadvmod", "acomp", "advmod", "prt", "ccomp", "xcomp")
# prepositions whose object is the other side of an event when a pattern names none
_TARGET_PREPS = ("on", "against", "with", "to", "at", "from", "toward", "towards", "into")
# prepositions that aim a verb with no pattern at its target ("fired at", "marched against")
_AIMED = ("at", "against", "on", "with")


@dataclass(frozen=True)
class VerbEntry:
    words: tuple[str, ...]
    head: int
    block: str
    code: str
    relation: str


@dataclass(frozen=True)
class PatternRow:
    elements: tuple[str, ...]
    code: str
    relation: str
    needs: frozenset[str] = frozenset()  # words that must hang near the verb (a cheap test before matching)
    noun: bool = False  # whether it names a noun, not only prepositions


def _needs(elements: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for e in elements:
        if ":" in e:
            out.add(e.split(":")[0])  # its noun may hang deeper, under the preposition of an object noun
        elif not e.startswith("&") and e not in ("+", "$", "^", "%"):
            out.add(e.split("_")[-1])
    return frozenset(out)


def _near(verb: Token, kids: dict[int, list[Token]] | None = None) -> set[str]:
    """The words of a verb's dependents and theirs, as a pattern may name them (``kids``: see
    :func:`_children`)."""
    kids = {} if kids is None else kids
    out: set[str] = set()
    for c in _children(kids, verb):
        for t in (c, *_children(kids, c)):
            lemma = t.lemma_.lower()
            out.update((t.lower_, lemma, lemma + "s"))
    return out


@dataclass(frozen=True)
class Match:
    code: str
    relation: str
    targets: tuple[Token, ...]
    pattern: str  # the matched pattern's elements, "" for the verb alone


@dataclass
class VerbTable:
    sets: dict[str, tuple[str, ...]]
    verbs: dict[str, list[VerbEntry]]  # the verb word's lemma -> entries
    patterns: dict[str, list[PatternRow]]  # block -> patterns, most elements first
    set_heads: dict[str, frozenset[str]] = field(default_factory=dict)  # set -> the last words of its phrases

    def match(
        self,
        verb: Token,
        actor: Callable[[Token], bool] = lambda t: True,
        only: frozenset[str] | None = None,
    ) -> Match | None:
        """The event ``verb`` names with its dependents, or None; ``actor`` tells the tokens that can be
        a target (a pattern whose open preposition holds none, "called on Monday", does not match);
        ``only``: consider just the object-noun patterns of these relations, not the verb alone."""
        near: set[str] | None = None
        kids: dict[int, list[Token]] = {}  # token -> its children, for every pattern tried
        for entry in self.verbs.get(verb.lemma_.lower(), ()):
            if not _phrase_present(verb, entry):
                continue
            if near is None:
                near = _near(verb, kids)  # the same for every entry
            rows = [
                row
                for row in self.patterns.get(entry.block, ())
                if row.needs <= near and (only is None or (row.relation in only and row.noun))
            ]
            for exact in (True, False):  # "lift sanctions" before "lift sanction"
                for row in rows:
                    targets = _match_elements(self, verb, row.elements, actor, exact, kids)
                    if targets is not None:  # a null code or a statement: the context names no event here
                        if not targets and row.noun:  # "restore ties with", "condemned an attack by"
                            targets = phrase_actors(verb, actor)
                        pattern = " ".join(row.elements)
                        return Match(row.code, row.relation, targets, pattern) if row.relation != "-" else None
            if entry.relation != "-" and only is None:  # the verb alone: its object, or whom it is aimed at
                objects = [c for c in verb.children if c.dep_ == "dobj"] or [
                    o
                    for c in verb.children
                    if c.dep_ == "prep" and c.lower_ in _AIMED
                    for o in c.children
                    if o.dep_ == "pobj"
                ]
                actors = tuple(t for o in objects for t in (o, *o.conjuncts) if actor(t)) or phrase_actors(verb, actor)
                if actors:
                    return Match(entry.code, entry.relation, actors, "")
        return None


# how the object phrase holds its actors: nouns, their modifiers, and prepositions naming a party to
# the act ("an attack *by*", "ties *with*", "*between*", "the decision *of*"), not its topic, place or time
# ("its record *on* the NHS", "*in* Gaza", "*after* the war") nor a clause of its own
_PHRASE = ("prep", "pobj", "compound", "poss", "amod", "nmod")
_PARTY_PREPS = ("by", "with", "between", "from", "against", "of", "to", "toward", "towards", "into")


def phrase_actors(verb: Token, actor: Callable[[Token], bool]) -> tuple[Token, ...]:
    """The first actor inside the verb's object phrase, as PETRARCH codes a target, with its conjuncts:
    "condemned an attack *by Osgiliath soldiers*", "welcomed a resumption of ties *with Osgiliath*",
    "ties *between Gondor and Osgiliath*"."""
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        if attrs.entity_of(obj.doc, obj.i):
            continue  # a name the pattern took for its noun ("tracked down Mr *Pound*": no currency)
        todo, inside = [obj], []
        while todo:
            t = todo.pop()
            inside.append(t)
            todo += [
                c
                for c in t.children
                if (c.dep_ in _PHRASE and (c.dep_ != "prep" or c.lower_ in _PARTY_PREPS))
                or (c.dep_ == "conj" and t.dep_ == "pobj")
            ]
        for t in sorted(inside, key=lambda t: t.i):
            if t is not obj and t.pos_ != "PRON" and actor(t):
                while t.dep_ == "compound" and t.head is not obj and actor(t.head):
                    t = t.head  # "between Minas Tirith and Osgiliath": the name's head holds its conjuncts
                return (t, *(c for c in t.conjuncts if actor(c)))
    return ()


def _words_match(tok: Token, word: str, exact: bool = False) -> bool:
    if exact:
        return word == tok.lower_
    return word in (tok.lower_, tok.lemma_.lower()) or word == tok.lemma_.lower() + "s"


def _noun_matches(table: VerbTable, tok: Token, element: str, exact: bool = False) -> bool:
    if element.startswith("&"):
        heads = table.set_heads.get(element, frozenset())
        if tok.lower_ not in heads and tok.lemma_.lower() not in heads and tok.lemma_.lower() + "s" not in heads:
            return False
        options = table.sets.get(element, ())
    else:
        options = (element,)
    for option in options:
        words = option.split("_")
        if not _words_match(tok, words[-1], exact):
            continue
        left = {t.lower_ for t in tok.lefts} | {t.lemma_.lower() for t in tok.lefts}
        if all(w in left for w in words[:-1]):
            return True
    return False


def _phrase_present(verb: Token, entry: VerbEntry) -> bool:
    """The other words of a multi-word verb ("turn *down*", "meet *with*") hang on the verb."""
    others = [w for i, w in enumerate(entry.words) if i != entry.head]
    if not others:
        return True
    near = {c.lower_ for c in verb.children if c.i > verb.i} if entry.head == 0 else {verb.nbor(-1).lower_}
    return all(w in near for w in others)


def _children(kids: dict[int, list[Token]], tok: Token) -> list[Token]:
    """``tok.children``, listed once in ``kids``."""
    got = kids.get(tok.i)
    if got is None:
        got = kids[tok.i] = list(tok.children)
    return got


def _match_elements(
    table: VerbTable,
    verb: Token,
    elements: tuple[str, ...],
    actor: Callable[[Token], bool],
    exact: bool,
    kids: dict[int, list[Token]] | None = None,
) -> tuple[Token, ...] | None:
    """The targets if every element is found among the verb's dependents, else None (``kids``: the
    children of tokens seen before, as :func:`_children` keeps them)."""
    kids = {} if kids is None else kids
    nouns: list[Token] = []
    targets: list[Token] = []
    for el in elements:
        if el in ("+", "$", "^", "%"):
            continue
        if ":" in el:
            prep, obj = el.split(":", 1)
            heads = [verb, *nouns]
            preps = [
                c
                for h in heads
                for c in _children(kids, h)
                if c.dep_ in ("prep", "agent", "dative") and c.lower_ == prep
            ]
            found = False
            for p in preps:
                pobjs = [c for c in _children(kids, p) if c.dep_ in ("pobj", "pcomp")]
                if obj in ("", "+"):
                    actors = [t for o in pobjs for t in (o, *o.conjuncts) if actor(t)]
                    targets += actors
                    found = found or bool(actors)
                elif obj in ("$", "^") or any(_noun_matches(table, t, obj, exact) for t in pobjs):
                    found = True
            if not found:
                return None
        else:
            candidates = [c for h in (verb, *nouns) for c in _children(kids, h) if c.dep_ in _OBJECTS or h is not verb]
            hit = next((c for c in candidates if _noun_matches(table, c, el, exact)), None)
            if hit is None:
                return None
            nouns.append(hit)
    if not targets:
        heads = [verb, *nouns]
        targets = [
            o
            for h in heads
            for c in _children(kids, h)
            if c.dep_ == "prep" and c.lower_ in _TARGET_PREPS
            for o in _children(kids, c)
            if o.dep_ == "pobj"
        ]
        if not nouns:
            targets = [c for c in _children(kids, verb) if c.dep_ == "dobj"] + targets
    return tuple(t for t in targets if actor(t))


def has_noun(elements: tuple[str, ...] | str) -> bool:
    """Whether a pattern's elements name a noun ("sanctions on:+", "at:convoy"), not only prepositions."""
    return any(
        e.partition(":")[2] not in ("", "+", "$", "^") if ":" in e else e not in ("+", "$", "^", "%")
        for e in (elements.split() if isinstance(elements, str) else elements)
    )


def from_rows(rows: list[tuple[str, ...]]) -> VerbTable:
    table = VerbTable({}, {}, {})
    sets: dict[str, list[str]] = {}
    for r in rows:
        if r[0] == "S":
            sets.setdefault(r[1], []).append(r[2])
        elif r[0] == "V":
            words = tuple(r[1].split())
            head = int(r[2])
            table.verbs.setdefault(words[head], []).append(VerbEntry(words, head, r[3], r[4], r[5]))
        elif r[0] == "P":
            elements = tuple(r[2].split())
            row = PatternRow(elements, r[3], r[4], _needs(elements), has_noun(elements))
            table.patterns.setdefault(r[1], []).append(row)
    table.sets = {k: tuple(v) for k, v in sets.items()}
    table.set_heads = {k: frozenset(p.split("_")[-1] for p in v) for k, v in sets.items()}
    for rows_ in table.patterns.values():
        rows_.sort(key=lambda p: -len(p.elements))  # stable: the dictionary's order among equals
    for entries in table.verbs.values():
        entries.sort(key=lambda e: -len(e.words))  # "turn down" before "turn"
    return table


def read_rows(path: Path | str) -> list[tuple[str, ...]]:
    """The rows of a verb table (``.tsv``) or of raw PETRARCH verb dictionaries (a file, or a folder
    holding ``CAMEO.2.0.txt`` or ``*.verbs.txt``)."""
    path = Path(path)
    if path.is_file() and path.suffix == ".tsv":
        lines = path.read_text("utf-8").splitlines()
        return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]
    if path.is_dir():
        found = sorted(path.glob(verb_dictionary.FILENAME)) or sorted(path.glob("*verbs.txt"))
        if not found:
            raise FileNotFoundError(
                f"no verb dictionary in {path}: expected {verb_dictionary.FILENAME} or a *.verbs.txt file"
            )
        path = found[0]
    problems: list[str] = []
    rows = verb_dictionary.table_rows(verb_dictionary.parse(path, problems))
    for p in problems:  # a hand-kept dictionary has odd lines; say which were left out
        log.warning("verb dictionary line skipped: %s", p)
    return rows


@cache
def load(path: Path | str = TABLE_PATH) -> VerbTable:
    """The verb table at ``path`` (see :func:`read_rows`); a missing path says how to make one."""
    if not Path(path).exists():
        raise FileNotFoundError(
            f"verb table {path} not found: give a verbs.tsv table, a PETRARCH verb dictionary or its folder "
            "(build kg's table with `python -m kg.kb.verbs DICTIONARIES_DIR pipelines/kb`)"
        )
    return from_rows(read_rows(path))


def cameo_of(cat: catalogue.Catalogue, code: str, relation: str) -> str | None:
    """The code a relation found from ``code`` carries: ``code`` itself when it names that relation,
    else the relation's own (a rule may have turned one event into another)."""
    if cat.relation_for_cameo(code) == relation:
        return code
    return cat.relation(relation).cameo
