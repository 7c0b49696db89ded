"""Who "he" and "she" are when they speak: the person the text last made the subject of a clause outside
quotation marks.

A name inside a quotation is what the speaker talks about, not who speaks, so mentions inside quotation
marks never count; a title on any mention (Mr, Mrs, Lord, Baroness ...) gives a person's gender, and a
person of the other gender is passed over; the search stays in the pronoun's paragraph and the one
before it, and finds nobody rather than someone from further back.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import NamedTuple

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from kg.nlp import attrs

MALE = frozenset({"he", "him", "himself"})
FEMALE = frozenset({"she", "her", "herself"})
_MALE_TITLES = {"mr", "mr.", "sir", "lord", "baron", "king", "prince"}
_FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "lady", "baroness", "dame", "queen", "princess"}
# people the text may leave unnamed ("a spokeswoman said"), whom he or she then refers to
_MALE_NOUNS = {"spokesman", "chairman", "businessman", "man", "father", "husband", "son", "brother", "boy"}
_FEMALE_NOUNS = {"spokeswoman", "chairwoman", "businesswoman", "woman", "mother", "wife", "daughter", "sister", "girl"}
_SUBJECTS = ("nsubj", "nsubjpass")
# who speaks for someone ("Mr Blair's spokesman", "a spokeswoman for Ms Clinton", "Mr Flight's lawyer")
_VOICES = {"spokesman", "spokeswoman", "spokesperson", "aide", "lawyer", "solicitor", "office", "camp", "adviser"}
_SPEAKER_TYPES = ("Person", "Organization", "GPE", "Group")


def main_clause(verb: Token) -> bool:
    """``verb`` is the sentence's main verb, or conjoined or set beside it: not a verb of a reported clause."""
    for _ in range(4):
        if verb.dep_ not in ("conj", "parataxis") or verb.head is verb:
            break
        verb = verb.head
    return verb.dep_ == "ROOT"


def _is_subject(root: Token) -> bool:
    """The mention headed by ``root`` is who its sentence is about: the subject of the main clause, the
    agent of a passive one, or whom that subject speaks for ("Mr Blair's spokesman said", "a spokeswoman
    for Ms Clinton said"); not someone the reported words are about ("said Mr Howard's stance was ..."),
    nor the owner of a thing ("Mr Brown's Budget was ...")."""
    head = root.head
    if root.dep_ in _SUBJECTS:
        return main_clause(head)
    if root.dep_ in ("poss", "compound"):
        return head.lemma_ in _VOICES and head.dep_ in _SUBJECTS and main_clause(head.head)
    if root.dep_ == "pobj" and head.dep_ == "agent":
        return main_clause(head.head)
    if root.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_ in _VOICES:
        return head.head.dep_ in _SUBJECTS and main_clause(head.head.head)
    return False


class _Role(NamedTuple):
    person: str
    subject: bool


class Speakers:
    """The he/she speakers of one Doc. ``quoted``: whether a character is inside a quotation;
    ``paragraphs``: (start, end) characters of the paragraphs."""

    def __init__(self, doc: Doc, quoted: Callable[[int], bool], paragraphs: list[tuple[int, int]]):
        self.doc = doc
        self.quoted = quoted
        self.para_starts = [lo for lo, _ in paragraphs] or [0]
        # (character, person or None for an unnamed one, is subject, the gender of an unnamed one)
        self._entries: list[tuple[int, str | None, bool, str | None]] | None = None
        self._positions: list[int] = []
        self._mentions: dict[str, list[tuple[int, bool]]] = {}  # person -> (character, inside a quotation)
        self._resolved: dict[int, str | None] = {}
        self._gender: dict[str, str | None] = {}

    def resolve(self, tok: Token) -> str | None:
        """The person a he/she token refers to, or None: coreference's answer, unless its last mention
        before the pronoun is inside a quotation, its title says the other gender, or an unnamed person
        of the pronoun's gender was the subject since; then the search outside quotations."""
        if self._entries is None:
            self._build()
        if tok.i not in self._resolved:
            self._resolved[tok.i] = self._resolve(tok)
        return self._resolved[tok.i]

    def _resolve(self, tok: Token) -> str | None:
        gender = "m" if tok.lower_ in MALE else "f"
        found, at = self._search(tok.idx, gender)
        ref = (self.doc._.kg_coref or {}).get(tok.i)
        if ref is None or ref not in self._mentions or self._gender.get(ref) not in (None, gender):
            return found
        k = bisect_left(self._mentions[ref], (tok.idx, False)) - 1
        if k < 0 or self._mentions[ref][k][1]:
            return found  # coreference took a name from inside a quotation
        if found is None and at is not None and at > self._mentions[ref][k][0]:
            return None  # "a spokeswoman said ... she added"
        return ref

    def _build(self) -> None:
        doc = self.doc
        ents = doc._.kg_entities or {}
        self._entries = []
        titled: dict[str, set[str]] = {}
        # (token, a mention, None for he/she, a role noun, or an unnamed one's gender)
        events: list[tuple[int, attrs.MentionInfo | _Role | str | None]] = []
        for m in doc._.kg_mentions or []:
            e = ents.get(m.entity_id)
            if e is None or e.type not in _SPEAKER_TYPES:
                continue
            first = doc[m.start]
            title = doc[m.start - 1].lower_ if m.start > 0 else ""
            for word in (first.lower_, title):
                if word in _MALE_TITLES or word in _FEMALE_TITLES:
                    titled.setdefault(e.id, set()).add("m" if word in _MALE_TITLES else "f")
            # a name with a personal title is a person's, whatever type the entity was given ("Mr Ebbers")
            if e.type == "Person" or first.lower_ in _MALE_TITLES | _FEMALE_TITLES:
                quoted = self.quoted(first.idx)
                self._mentions.setdefault(e.id, []).append((first.idx, quoted))
                if not quoted:
                    events.append((m.start, m))
        for i in attrs.indices(doc, LOWER, attrs.hashes(doc.vocab, ("he", "she"))):
            if doc[i].pos_ == "PRON" and doc[i].dep_ in _SUBJECTS and not self.quoted(doc[i].idx):
                events.append((i, None))
        token_entity, coref = doc._.kg_token_entity or {}, doc._.kg_coref or {}
        for i, ref in coref.items():  # pronouns and role nouns ("the Tory leader said") coreference resolved
            tok = doc[i]
            if ents.get(ref) and ents[ref].type == "Person":
                self._mentions.setdefault(ref, []).append((tok.idx, self.quoted(tok.idx)))
                if tok.pos_ != "PRON" and not self.quoted(tok.idx):
                    events.append((i, _Role(ref, _is_subject(tok))))
        for i in attrs.indices(doc, LOWER, attrs.hashes(doc.vocab, _MALE_NOUNS | _FEMALE_NOUNS)):
            tok = doc[i]
            if tok.pos_ == "NOUN" and _is_subject(tok) and i not in token_entity and not self.quoted(tok.idx):
                events.append((i, "m" if tok.lower_ in _MALE_NOUNS else "f"))
        for mentions in self._mentions.values():
            mentions.sort()
        self._gender = {eid: next(iter(g)) if len(g) == 1 else None for eid, g in titled.items()}
        for i, m in sorted(events, key=lambda x: x[0]):
            if m is None:  # a pronoun subject: the person it refers to is the subject here
                eid = self._resolved[i] = self._resolve(doc[i])
                if eid:
                    self._add(doc[i].idx, eid, True)
            elif isinstance(m, _Role):
                self._add(doc[i].idx, m.person, m.subject)
            elif isinstance(m, str):  # an unnamed man or woman, unless coreference named them
                ref = coref.get(i)
                self._add(doc[i].idx, ref if ref in ents and ents[ref].type == "Person" else None, True, m)
            else:
                span = doc[m.start : m.end]
                self._add(span[0].idx, m.entity_id, _is_subject(span.root))

    def _add(self, pos: int, eid: str | None, subject: bool, gender: str | None = None) -> None:
        assert self._entries is not None
        self._entries.append((pos, eid, subject, gender))
        self._positions.append(pos)

    def _search(self, pos: int, gender: str) -> tuple[str | None, int | None]:
        """(person, where) of the last subject of the right gender before ``pos`` in its paragraph or the
        one before, else of the last person mentioned in its paragraph; (None, where) for an unnamed
        subject ("a spokeswoman said")."""
        assert self._entries is not None
        p = bisect_right(self.para_starts, pos) - 1
        here, lo = self.para_starts[max(p, 0)], self.para_starts[max(p - 1, 0)]
        fallback: tuple[str | None, int | None] = (None, None)
        for k in range(bisect_left(self._positions, pos) - 1, -1, -1):
            at, eid, subject, unnamed = self._entries[k]
            if at < lo:
                break
            if (unnamed or self._gender.get(eid or "")) not in (None, gender):
                continue
            if eid is None or subject:
                return eid, at
            if fallback[0] is None and at >= here:
                fallback = (eid, at)
        return fallback
