"""Who "he" and "she" are when they speak.

Coreference's answer (``kg_coref``) stands unless the text says otherwise:

- a name inside a quotation or inside the words a speech verb reports is what a speaker talks about,
  not who speaks ("Mr Ebbers denied it. 'I was never told by Scott Sullivan,' he said"): an antecedent
  mentioned last there is set aside;
- a title on any mention (Mr, Mrs, Lord, Baroness ...) gives a person's gender, and a person of the
  other gender is set aside;
- someone who became the subject of a main clause since coreference's antecedent was mentioned is the
  one the pronoun continues ("Its leader, Roger Knapman, said he was glad to see the back of Mr
  Kilroy-Silk. '...,' he said"), and an unnamed one ("a spokeswoman said ... she added") is nobody, or
  the organisation the spokesperson speaks for.

Set aside, the answer is the last subject of a main clause outside quotations, of the pronoun's gender,
in its paragraph or the one before, else the last person mentioned in its paragraph, else nobody.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import NamedTuple

from spacy.attrs import LOWER
from spacy.tokens import Doc, Token

from kg.nlp import args, attrs

MALE = frozenset({"he", "him", "himself"})
PAST = ("former", "ex", "then", "late", "previous", "erstwhile")
_OWNER_DEPS = ("compound", "poss", "amod", "nmod", "prep", "pobj")
FEMALE = frozenset({"she", "her", "herself"})
_MALE_TITLES = {"mr", "mr.", "sir", "lord", "baron", "king", "prince"}
_FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "lady", "baroness", "dame", "queen", "princess"}
_TITLES = _MALE_TITLES | _FEMALE_TITLES
# people the text may leave unnamed ("a spokeswoman said"), whom he or she then refers to
_MALE_NOUNS = {"spokesman", "chairman", "businessman", "man", "father", "husband", "son", "brother", "boy"}
_FEMALE_NOUNS = {"spokeswoman", "chairwoman", "businesswoman", "woman", "mother", "wife", "daughter", "sister", "girl"}
_SUBJECTS = ("nsubj", "nsubjpass")
# what speaks for its owner ("Mr Blair's spokesman said", "a spokeswoman for Ms Clinton", "Mr Campbell's
# e-mail suggested")
VOICES = {
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "aide",
    "lawyer",
    "solicitor",
    "office",
    "camp",
    "adviser",
    "statement",
    "letter",
    "e-mail",
    "email",
    "speech",
    "article",
    "memo",
    "book",
}
# people named by their post ("the Ofsted chief", "the SNP's parliamentary leader"): a person, never the
# organisation named in the phrase, which only a spokesperson or an official speaks for
ROLE_NOUNS = frozenset(
    {
        "leader",
        "chief",
        "head",
        "chairman",
        "chairwoman",
        "chair",
        "president",
        "secretary",
        "minister",
        "director",
        "executive",
        "boss",
        "commissioner",
        "governor",
        "editor",
        "founder",
        "candidate",
        "inspector",
        "economist",
        "analyst",
        "strategist",
        "chancellor",
        "mayor",
        "deputy",
    }
)
_SPEAKER_TYPES = ("Person", "Organization", "GPE", "Group")
_ORG_TYPES = ("Organization", "Media", "GPE")  # what "it" may speak for
# nouns that stand for an organisation named before ("the firm said ... it added")
ORG_NOUNS = frozenset(
    {
        "company",
        "firm",
        "group",
        "bank",
        "carrier",
        "airline",
        "retailer",
        "business",
        "network",
        "agency",
        "union",
        "party",
        "broadcaster",
        "insurer",
        "newspaper",
        "paper",
    }
)
MEDIA_NOUNS = frozenset({"network", "broadcaster", "newspaper", "paper"})  # which stand for a media outlet
_VOICED_TYPES = ("Person", "Organization", "GPE", "Group")  # whom an unnamed spokesperson may speak for


def is_role(tok: Token, office: bool) -> bool:
    """``tok`` names a person by their post ("chief", "the first minister"; ``office``: kg typed it an
    office), not one who speaks for an organisation ("spokesman", "official")."""
    if tok.lemma_.lower() in VOICES:
        return False
    return office or (tok.pos_ == "NOUN" and tok.lemma_.lower() in ROLE_NOUNS)


def is_former(tok: Token) -> bool:
    """A post held before ("the former UN commissioner", "ex-chairman")."""
    return any(c.lower_ in PAST for c in tok.children) or tok.lower_.startswith("ex-")


def _owners(doc: Doc, tok: Token) -> frozenset[str]:
    """The organisations, parties and places a role noun's own phrase names ("the SNP's leader", "the
    Conservative Party co-chairman", "chairman of the Commission for Racial Equality")."""
    out = set()
    todo = [c for c in tok.children if c.dep_ in _OWNER_DEPS]
    while todo:
        c = todo.pop()
        eid = (doc._.kg_token_entity or {}).get(c.i)
        if eid:
            out.add(eid)
        todo += [g for g in c.children if g.dep_ in _OWNER_DEPS]
    return frozenset(out)


def main_clause(verb: Token) -> bool:
    """``verb`` is the sentence's main verb, or conjoined or set beside it: not a verb of a reported clause."""
    for _ in range(4):
        if verb.dep_ not in ("conj", "parataxis") or verb.head is verb:
            break
        verb = verb.head
    return verb.dep_ == "ROOT"


def _is_subject(root: Token) -> bool:
    """The mention headed by ``root`` is who its sentence is about: the subject of the main clause (or in
    apposition to it), the agent of a passive one, or whom that subject speaks for; not someone the
    reported words are about ("said Mr Howard's stance was ..."), nor the owner of a thing ("Mr Brown's
    Budget was ...")."""
    head = root.head
    if root.dep_ in _SUBJECTS:
        return main_clause(head)
    if root.dep_ == "appos":
        return head.dep_ in _SUBJECTS and main_clause(head.head)
    if root.dep_ in ("poss", "compound"):
        return head.lemma_ in VOICES and head.dep_ in _SUBJECTS and main_clause(head.head)
    if root.dep_ == "pobj" and head.dep_ == "agent":
        return main_clause(head.head)
    if root.dep_ == "pobj" and head.lower_ == "for" and head.head.lemma_ in VOICES:
        return head.head.dep_ in _SUBJECTS and main_clause(head.head.head)
    return False


def _subject_phrase(tok: Token) -> Token | None:
    """The head of the main-clause subject ``tok`` is part of ("A Department for Constitutional Affairs
    spokeswoman said": spokeswoman -> Department), or None."""
    node = tok
    for _ in range(4):
        if node.dep_ in _SUBJECTS:
            return node if main_clause(node.head) else None
        if node.dep_ not in ("pobj", "prep", "compound", "appos", "poss") or node.head is node:
            return None
        node = node.head
    return None


class _Role(NamedTuple):
    person: str
    subject: bool


class _Found(NamedTuple):
    person: str | None  # None: someone unnamed
    at: int  # character
    subject: bool


class Speakers:
    """The he/she speakers of one Doc. ``quoted``: whether a character is inside a quotation;
    ``paragraphs``: (start, end) characters of the paragraphs; ``cues``: the speech verbs."""

    def __init__(
        self, doc: Doc, quoted: Callable[[int], bool], paragraphs: list[tuple[int, int]], cues: frozenset[str]
    ):
        self.doc = doc
        self.quoted = quoted
        self.cues = cues
        self.para_starts = [lo for lo, _ in paragraphs] or [0]
        # (character, person or None for an unnamed one, is subject, the gender of an unnamed one)
        self._entries: list[tuple[int, str | None, bool, str | None]] | None = None
        self._positions: list[int] = []
        # person -> (character, inside a quotation or reported words, main-clause subject) of each mention
        self._mentions: dict[str, list[tuple[int, bool, bool]]] = {}
        self._resolved: dict[int, str | None] = {}
        self._gender: dict[str, str | None] = {}
        self._titles: list[tuple[str, str, frozenset[str]]] | None = None

    def resolve(self, tok: Token) -> str | None:
        """The person (or the organisation of an unnamed spokesperson) a he/she token refers to, or None."""
        if self._entries is None:
            self._build()
        if tok.i not in self._resolved:
            self._resolved[tok.i] = self._resolve(tok)
        return self._resolved[tok.i]

    def _resolve(self, tok: Token) -> str | None:
        gender = "m" if tok.lower_ in MALE else "f"
        found = self._search(tok.idx, gender)
        ref = (self.doc._.kg_coref or {}).get(tok.i)
        if ref is None or ref not in self._mentions or self._gender.get(ref) not in (None, gender):
            return found.person if found else None
        k = bisect_left(self._mentions[ref], (tok.idx, False, False)) - 1
        if k < 0 or self._mentions[ref][k][1]:
            return found.person if found else None  # coreference took a name the speaker talks about
        at, _, subject = self._mentions[ref][k]
        if found and found.subject and (found.at > at or not subject):
            return found.person  # someone else is, or became since, the subject
        return ref

    def holder(self, tok: Token) -> str | None:
        """The one person the article names with the post a role noun names, with its owner when it names
        one ("Ofsted chief, David Bell ... The Ofsted chief said": Bell), or None."""
        if tok.tag_ in ("NNS", "NNPS") or not any(
            c.dep_ == "poss" or c.lower_ in ("the", "this") for c in tok.children
        ):
            return None  # "analysts said", "one analyst suggested": not the one the article titles so
        if self._titles is None:
            self._titles = self._build_titles()
        owners = _owners(self.doc, tok)
        found = {person for person, role, their in self._titles if role == tok.lemma_.lower() and their >= owners}
        return found.pop() if len(found) == 1 else None

    def _build_titles(self) -> list[tuple[str, str, frozenset[str]]]:
        """(person, role noun, owners) for each person mention with a post beside it: "Ofsted chief,
        David Bell", "SNP leader Nicola Sturgeon", "David Bell, the Ofsted chief"."""
        doc, ents = self.doc, self.doc._.kg_entities or {}
        out = []
        for m in doc._.kg_mentions or []:
            e = ents.get(m.entity_id)
            if e is None or e.type != "Person":
                continue
            root = doc[m.start : m.end].root
            near = [c for c in root.children if c.dep_ in ("compound", "appos") and not m.start <= c.i < m.end]
            if root.dep_ in ("appos", "compound"):
                near.append(root.head)
            for t in near:
                if t.pos_ == "NOUN" and t.lemma_.lower() in ROLE_NOUNS and not is_former(t):
                    out.append((e.id, t.lemma_.lower(), _owners(doc, t)))
        return out

    def resolve_it(self, tok: Token) -> str | None:
        """The organisation an "it" speaker is ("Multiplex believes ... ," it said): the last singular
        main-clause subject outside quotations in its paragraph or the one before, when that names an
        organisation; a thing there ("the report", "the plan") or none leaves it unresolved. Persons and
        plurals are passed over."""
        return self._organisation(tok, True)

    def resolve_org_noun(self, tok: Token) -> str | None:
        """The organisation "the firm", "the bank" or "the party" is: the last organisation that was a
        main-clause subject outside quotations in its paragraph or the one before, or None."""
        if tok.lemma_.lower() not in ORG_NOUNS or not any(c.lower_ == "the" for c in tok.children):
            return None
        return self._organisation(tok, False)

    def _organisation(self, tok: Token, things_stop: bool) -> str | None:
        if tok.i in self._resolved:
            return self._resolved[tok.i]
        self._resolved[tok.i] = None
        doc, ents = self.doc, self.doc._.kg_entities or {}
        p = bisect_right(self.para_starts, tok.idx) - 1
        lo = self.para_starts[max(p - 1, 0)]
        found = None
        for i in range(tok.i - 1, -1, -1):
            t = doc[i]
            if t.idx < lo:
                break
            if t.dep_ not in _SUBJECTS or not main_clause(t.head) or self.quoted(t.idx) or self._reported(t):
                continue
            if things_stop and t.lemma_ in VOICES and (voiced := self._voiced(t)):
                found = voiced  # "Mr Crosby's statement said ... It added": the statement, for Mr Crosby
                break
            eid = attrs.entity_of(doc, t.i)
            if eid is None and not is_role(t, False):
                eid = args.entity_of(doc, t)  # "The US government denied ..."
            kind = ents[eid].type if eid and eid in ents else ""
            noun_fits = kind in ("Organization", "Media") and (kind == "Media") == (tok.lemma_.lower() in MEDIA_NOUNS)
            if (tok.lower_ == "it" and kind in _ORG_TYPES) or noun_fits:
                found = eid
                break
            if not kind and t.lower_ == "it":
                found = self.resolve_it(t)
                break
            if not kind and t.lemma_.lower() in ORG_NOUNS:
                found = self.resolve_org_noun(t)
                break
            if kind == "Person" or t.pos_ == "PRON" or t.tag_ in ("NNS", "NNPS") or not things_stop:
                continue  # not what "it" is: a person or a plural
            break  # a thing: "The report said ... it said"
        self._resolved[tok.i] = found
        return found

    def org_before(self, tok: Token) -> str | None:
        """The organisation "a spokesman" with no principal of its own speaks for: the organisation that is
        the last main-clause subject before it in its sentence or the one before ("Corus said ... A
        spokesman told the BBC ..."); None when that subject is a person, a plural or a thing, or when
        there is none."""
        doc, ents = self.doc, self.doc._.kg_entities or {}
        start = tok.sent.start
        lo = doc[start - 1].sent.start if start > 0 else 0
        for i in range(tok.i - 1, lo - 1, -1):
            t = doc[i]
            if t.dep_ not in _SUBJECTS or not main_clause(t.head) or self.quoted(t.idx) or self._reported(t):
                continue
            eid = attrs.entity_of(doc, t.i) or args.entity_of(doc, t)
            if eid is None and t.lower_ == "it":
                eid = self.resolve_it(t)
            elif eid is None and t.lemma_.lower() in ORG_NOUNS:
                eid = self.resolve_org_noun(t)
            kind = ents[eid].type if eid and eid in ents else ""
            return eid if kind == "Organization" else None
        return None

    def _reported(self, tok: Token) -> bool:
        """``tok`` is inside the words a speech verb reports ("said Mr Howard's stance was ...")."""
        node = tok
        for _ in range(12):
            if node.head is node:
                return False
            if node.dep_ == "ccomp" and node.head.lemma_ in self.cues:
                return True
            node = node.head
        return False

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
                if word in _TITLES:
                    titled.setdefault(e.id, set()).add("m" if word in _MALE_TITLES else "f")
            # a name with a personal title is a person's, whatever type the entity was given ("Mr Hilton")
            if e.type == "Person" or first.lower_ in _TITLES or title in _TITLES:
                quoted, root = self.quoted(first.idx), doc[m.start : m.end].root
                hidden = quoted or self._reported(first)
                self._mentions.setdefault(e.id, []).append((first.idx, hidden, _is_subject(root)))
                if not quoted:
                    events.append((m.start, m))
        for i in attrs.indices(doc, LOWER, attrs.hashes(doc.vocab, ("he", "she"))):
            if doc[i].pos_ == "PRON" and doc[i].dep_ in _SUBJECTS and not self.quoted(doc[i].idx):
                events.append((i, None))
        token_entity, coref = doc._.kg_token_entity or {}, doc._.kg_coref or {}
        for i, ref in coref.items():  # pronouns and role nouns ("the Tory leader said") coreference resolved
            tok = doc[i]
            if ents.get(ref) and ents[ref].type == "Person":
                quoted = self.quoted(tok.idx)
                hidden = quoted or self._reported(tok)
                self._mentions.setdefault(ref, []).append((tok.idx, hidden, _is_subject(tok)))
                if tok.pos_ != "PRON" and not quoted:
                    events.append((i, _Role(ref, _is_subject(tok))))
        gendered = set(attrs.indices(doc, LOWER, attrs.hashes(doc.vocab, _MALE_NOUNS | _FEMALE_NOUNS)))
        for i in sorted(gendered):
            tok = doc[i]
            named = token_entity.get(i)
            unnamed = named is None or (named in ents and ents[named].type == "Office")
            if unnamed and tok.pos_ == "NOUN" and _subject_phrase(tok) and i not in coref and not self.quoted(tok.idx):
                events.append((i, "m" if tok.lower_ in _MALE_NOUNS else "f"))
        for i, eid in token_entity.items():  # "the first minister said", which coreference did not resolve
            tok = doc[i]
            office = ents.get(eid) and ents[eid].type == "Office" and i not in coref and i not in gendered
            if office and tok.dep_ in _SUBJECTS and main_clause(tok.head) and not self.quoted(tok.idx):
                events.append((i, ""))  # an unnamed holder, of either gender
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
            elif isinstance(m, str):  # an unnamed man or woman, or whom they speak for
                eid = self._voiced(doc[i])
                if eid is None and m and any(c.lower_ == "the" for c in doc[i].children):
                    eid = self.voice_before(doc[i].idx, m)  # "The spokesman highlighted ...": the one before
                self._add(doc[i].idx, eid, True, m or None)
            else:
                span = doc[m.start : m.end]
                root = span.root
                # "Mr Blair and Mr Brown attended ...": a he/she after coordinated subjects is either of them,
                # so nobody rather than the first
                subject = _is_subject(root) or (root.dep_ == "conj" and _is_subject(root.head))
                coordinated = root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children)
                self._add(span[0].idx, None if subject and coordinated else m.entity_id, subject)

    def _voiced(self, tok: Token) -> str | None:
        """Whom an unnamed spokesperson speaks for ("a Labour Party spokesman", "a spokeswoman for the Home
        Office", "Tony Blair's official spokesman"), or None."""
        ents = self.doc._.kg_entities or {}
        named = (self.doc._.kg_token_entity or {}).get(tok.i)
        if is_role(tok, bool(named and ents.get(named) and ents[named].type == "Office")):
            # "the Ofsted chief" is the one the article names so, "the former UN commissioner" nobody named;
            # neither speaks for the organisation
            holder = None if is_former(tok) else self.holder(tok)
            if holder or is_former(tok):
                return holder
        head = _subject_phrase(tok)
        if head is not None and head is not tok:  # "A Department for Constitutional Affairs spokeswoman"
            eid = attrs.entity_of(self.doc, head.i)
            if eid and ents.get(eid) and ents[eid].type in _VOICED_TYPES:
                return eid
        for c in tok.children:
            inner = [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ == "for" else [c]
            for t in inner:
                # "a Conservative spokeswoman": a party or a nation as an adjective
                if c.dep_ in ("compound", "poss", "prep") or (c.dep_ == "amod" and tok.lemma_ in VOICES):
                    eid = attrs.entity_of(self.doc, t.i)
                    if eid and ents.get(eid) and ents[eid].type in _VOICED_TYPES:
                        return eid
        return None

    def voice_before(self, pos: int, gender: str | None = None) -> str | None:
        """Whom the last unnamed spokesperson (of ``gender``, "m" or "f", when given) before ``pos`` in its
        paragraph or the one before spoke for: "the spokesman" after "a spokesman for the Home Office";
        None when kg could not tell whom that one speaks for."""
        if self._entries is None:
            self._build()
        assert self._entries is not None
        p = bisect_right(self.para_starts, pos) - 1
        lo = self.para_starts[max(p - 1, 0)]
        for k in range(bisect_left(self._positions, pos) - 1, -1, -1):
            at, eid, _, unnamed = self._entries[k]
            if at < lo:
                break
            if unnamed and gender in (None, unnamed):
                return eid
        return None

    def _add(self, pos: int, eid: str | None, subject: bool, gender: str | None = None) -> None:
        assert self._entries is not None
        self._entries.append((pos, eid, subject, gender))
        self._positions.append(pos)

    def _search(self, pos: int, gender: str) -> _Found | None:
        """The last main-clause subject of the right gender before ``pos`` in its paragraph or the one
        before, else the last person mentioned in its paragraph."""
        assert self._entries is not None
        p = bisect_right(self.para_starts, pos) - 1
        here, lo = self.para_starts[max(p, 0)], self.para_starts[max(p - 1, 0)]
        fallback = None
        for k in range(bisect_left(self._positions, pos) - 1, -1, -1):
            at, eid, subject, unnamed = self._entries[k]
            if at < lo:
                break
            if (unnamed or self._gender.get(eid or "")) not in (None, gender):
                continue
            if unnamed or subject:
                return _Found(eid, at, True)
            if fallback is None and at >= here:
                fallback = _Found(eid, at, False)
        return fallback
