"""``kg_coref``: rule-based coreference for pronouns and role nouns, left unresolved rather than wrong.

- role nouns ("the prime minister", "the Tory leader", "his chancellor"): the one person the article
  names before as holding that office, with the owner the role noun names (:mod:`kg.nlp.coref_roles`);
- he/she: a person of that gender (titles, first names, gendered nouns: :mod:`kg.nlp.coref_people`),
  a person of unknown gender only when no one else fits in reach: in the pronoun's own sentence its
  subject, before it the main-clause subject of the nearest sentence with one, else the one person of
  the nearest sentence; "he said" after a quotation goes on with its speaker; a pronoun in a clause
  before the main clause names its subject ("After his talks, Mr Blair said");
- they/them: an organisation, party or group; a country only when no other candidate is in reach;
- people and groups the article does not name are candidates too ("a spokeswoman", "his son",
  "critics", "the government", an unresolved role noun): when one is the nearest, the pronoun stays
  unresolved; two different candidates there leave it unresolved as well; "his" in "his son" is not
  linked (the son is someone else);
- a pronoun inside a quotation refers only to someone in the same quotation, one outside only to
  someone outside quotations; sentences inside quotations do not count towards the reach (``window``
  sentences).

Assigns ``doc._.kg_coref`` (token index -> entity id).
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy
from spacy.attrs import LOWER, TAG
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp import attrs, coref_people, coref_roles, lexicon
from kg.nlp.component import LexiconUser
from kg.nlp.coref_people import People

_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_SINGULAR = _MALE | _FEMALE
_PLURAL = {"they", "them", "their", "theirs", "themselves"}
_OBJECTIVE = {"him", "her", "them", "himself", "herself", "themselves"}
_SUBJ = ("nsubj", "nsubjpass")
_GROUP_TYPES = ("Organization", "Group")
_QUOTE_MARK = re.compile(r"[\"“”]|''")  # '' is the quote mark of some newspapers


@dataclass
class _Cand:
    """Someone a later pronoun may refer to: ``ref`` None is a person or group the article does not name."""

    ref: str | None
    sent: int
    subj: bool
    kind: str  # person | group | country | plural
    gender: str | None
    quote: int  # the quotation it is in, -1 outside
    tok: int
    main: bool = False  # the subject of the sentence's main clause
    speaker: bool = False  # the subject of a speech verb ("said", "told")


def coreference(
    doc: Doc, people: People | None = None, cues: frozenset[str] | None = None, window: int = 3, words=None
) -> dict[int, str]:
    """Token index -> entity id for the pronouns and role nouns of ``doc`` that refer to an entity
    (needs ``kg_entities`` and ``kg_positions``). ``people``: the data of ``pipelines/people.toml``;
    ``cues``: the lexicon's speech verbs; ``words``: :func:`~kg.nlp.attrs.hashes` of the pronouns and
    nouns looked at, for speed."""
    people = people or People.from_data(coref_people.read())
    cues = lexicon.load().quote_cues if cues is None else cues
    if words is None:
        words = attrs.hashes(doc.vocab, _SINGULAR | _PLURAL | set(people.nouns) | people.groups)
    return _Resolver(doc, people, cues, window).run([*attrs.indices(doc, LOWER, words), *_plural_nouns(doc)])


class _Resolver:
    def __init__(self, doc: Doc, people: People, cues: frozenset[str], window: int):
        self.doc, self.people, self.cues, self.window = doc, people, cues, window
        self.ents = doc._.kg_entities or {}
        self.tok_ent = doc._.kg_token_entity or {}
        self.quotes = _quotations(attrs.text(doc))
        self.numbers = self._distances()
        self.gender = coref_people.genders(doc, self.ents, people)
        self.holders = coref_roles.Holders(doc, self.ents, self.tok_ent, people)
        self.recent: list[_Cand] = []
        self.recent_sents: list[int] = []  # the sentence of each candidate, in order, to find the reach fast

    def _distances(self) -> list[int]:
        """Each token's sentence number, counting only the sentences outside quotations: a pronoun after a
        long quotation still reaches its speaker."""
        numbers, bounds = attrs.sentence_numbers(self.doc), attrs.sentence_bounds(self.doc)
        at, outside = [], 0
        for start, _ in bounds:
            outside += self.quote_of(self.doc[start]) < 0
            at.append(outside)
        return [at[n] for n in numbers]

    def etype(self, eid: str | None) -> str | None:
        return self.ents[eid].type if eid in self.ents else None

    def quote_of(self, tok) -> int:
        k = bisect_right(self.quotes, (tok.idx, float("inf"))) - 1
        return k if k >= 0 and tok.idx < self.quotes[k][1] else -1

    def run(self, words: list[int]) -> dict[int, str]:
        doc, coref = self.doc, dict[int, str]()
        mentions = {m.start: m for m in doc._.kg_mentions or []}
        for i in sorted({*mentions, *words}):
            tok = doc[i]
            m = mentions.get(i)
            if m is not None:
                self._mention(m, coref)
            elif i not in self.tok_ent:
                self._word(tok, coref)
        return coref

    # -- candidates ---------------------------------------------------------

    def _add(self, tok, ref, kind, gender, subj=None) -> None:
        if subj is None:
            subj = _subject(tok)
        verb = tok.head if tok.dep_ in _SUBJ else tok.head.head
        main = subj and (verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT"))
        speaker = subj and _speech(verb, self.cues)
        cand = _Cand(ref, self.numbers[tok.i], subj, kind, gender, self.quote_of(tok), tok.i, main, speaker)
        self.recent.append(cand)
        self.recent_sents.append(cand.sent)

    def _mention(self, m, coref) -> None:
        eid, doc = m.entity_id, self.doc
        t = self.etype(eid)
        span = doc[m.start : m.end]
        root = span.root
        if t == "Person":
            self._add(root, eid, "person", self.gender.get(eid), _subject(root) or _conj_subject(root))
            for c in self.recent[-8:-1]:
                if c.ref is None and c.kind == "person" and c.subj and self.doc[c.tok].head == root.head:
                    c.ref = eid  # "Now the top prosecutor in the US, Lynch rose ...": two subjects, one person
            if _subject(root) and any(self.etype(self.tok_ent.get(c.i)) == "Person" for c in root.conjuncts):
                self._add(root, None, "plural", None)  # "Mr Blair and Mr Brown said they ..."
        elif t in _GROUP_TYPES:
            self._add(root, eid, "group", None)
        elif t == "GPE":
            self._add(root, eid, "country", None)
        elif t == "Office":
            self._office(span, root, eid, coref)

    def _office(self, span, root, eid, coref) -> None:
        use = coref_roles.use(self.doc, span, self.tok_ent, self.etype, self.people)
        if use == "plural":
            self._add(root, None, "plural", None)
        elif use == "person":
            self._add(root, None, "person", self.people.nouns.get(root.lower_))
        elif use == "role":
            ref = self.holders.holder(span, eid)
            if ref:
                coref[root.i] = ref
            self._add(root, ref, "person", self.gender.get(ref) if ref else self.people.nouns.get(root.lower_))

    def _word(self, tok, coref) -> None:
        lower = tok.lower_
        if lower in _SINGULAR or lower in _PLURAL:
            if tok.pos_ == "PRON":
                self._pronoun(tok, coref)
            return
        if tok.pos_ not in ("NOUN", ""):
            return
        subj = _subject(tok) or _unparsed_opening(tok)
        if tok.tag_ == "NNS":
            self._add(tok, None, "plural", None, subj)
        elif lower in self.people.groups:
            self._add(tok, None, "group", None, subj)
        elif lower in self.people.nouns and subj and coref_people.introduced(tok):
            self._add(tok, None, "person", self.people.nouns[lower], subj)

    # -- pronouns -----------------------------------------------------------

    def _pronoun(self, tok, coref) -> None:
        lower = tok.lower_
        plural = lower in _PLURAL
        gender = None if plural else ("m" if lower in _MALE else "f")
        sent, quote = self.numbers[tok.i], self.quote_of(tok)
        own = _clause_subjects(tok) if lower in _OBJECTIVE and tok.dep_ != "poss" else set()
        reach = self.recent[bisect_left(self.recent_sents, sent - self.window) :]
        pool = [c for c in reach if c.quote == quote and c.tok not in own]
        if plural:
            fits = [c for c in pool if c.kind in ("group", "plural")]
        else:
            fits = [c for c in pool if c.kind == "person" and c.gender in (None, gender)]
        ref = self._cataphor(tok, gender)
        if ref is None and tok.dep_ in _SUBJ and _speech(tok.head, self.cues) and any(c.speaker for c in fits):
            ref = self._next_speaker(fits, gender)  # '"...," he added': the last speaker goes on
        if ref is None and plural:
            ref = _choose(fits, sent) if fits else _country(pool)
        elif ref is None:
            ref = self._singular(fits, sent)
        if ref and gender and self.gender.get(ref) is None:
            self.gender[ref] = gender  # the pronoun tells the gender of the one it was given to
        if ref and not (tok.dep_ == "poss" and self.people.other_person(tok.head.lower_, tok.head.lemma_)):
            coref[tok.i] = ref
        if ref is None:
            return  # an unresolved pronoun leaves the candidates as they were
        if plural:
            self._add(tok, ref, "group" if self.etype(ref) in _GROUP_TYPES else "country", None)
        else:
            self._add(tok, ref, "person", gender)

    def _next_speaker(self, fits: list[_Cand], gender: str | None) -> str | None:
        """The last speaker, when the pronoun agrees with them and no one else who could be meant has been
        the subject of a main clause since (a named person of the pronoun's gender, someone unnamed, a
        group); else None, and the general rule decides."""
        k = max(n for n, c in enumerate(fits) if c.speaker)
        ref = fits[k].ref
        if ref is None or (gender and self.gender.get(ref) not in (None, gender)):
            return None
        for c in fits[k + 1 :]:
            if c.main and c.ref != ref and (gender is None or c.ref is None or self.gender.get(c.ref) == gender):
                return None
        return ref

    def _singular(self, fits: list[_Cand], sent: int) -> str | None:
        """He/she: :func:`_choose`; a person of unknown gender from an earlier sentence only when no one
        else fits in reach (in the pronoun's own sentence its subject is enough: "Rakeyia Scott urges her
        husband")."""
        ref = _choose(fits, sent)
        if ref is None or self.gender.get(ref) is not None:
            return ref
        if any(c.ref == ref and c.sent == sent and c.subj for c in fits) or len({c.ref for c in fits}) == 1:
            return ref
        return None

    def _cataphor(self, tok, gender: str | None) -> str | None:
        """The subject of the main clause after a clause in front of it: "After his talks with Mr Bush,
        Mr Blair said ...", "Back when he wrote his book, Mr McKinley said ..."."""
        root = attrs.sentence(tok).root if tok.dep_ else None
        if root is None or gender is None:
            return None
        subj = next((c for c in root.children if c.dep_ in _SUBJ), None)
        if subj is None or subj.i < tok.i:
            return None
        front = next((c for c in root.children if c.i < subj.i and c.left_edge.i <= tok.i <= c.right_edge.i), None)
        if front is None or front.dep_ not in ("advcl", "prep", "npadvmod"):
            return None
        ref = self.tok_ent.get(subj.i)
        return ref if ref and self.etype(ref) == "Person" and self.gender.get(ref) == gender else None


def _choose(cands: list[_Cand], sent: int) -> str | None:
    """The referent among the candidates that fit: in the pronoun's own sentence, its subject, else its one
    candidate; before it, the main-clause subject of the nearest sentence with a subject, else the one
    candidate of the nearest sentence. None when two differ there, or when it is someone the article
    does not name."""
    same = [c for c in cands if c.sent == sent]
    if same:
        level = [c for c in same if c.subj] or same
    else:
        level = [c for c in cands if c.subj] or cands
        if not level:
            return None
        last = max(c.sent for c in level)
        level = [c for c in level if c.sent == last]
        level = [c for c in level if c.main] or level
    refs = {c.ref for c in level}
    return refs.pop() if len(refs) == 1 else None


def _country(pool: list[_Cand]) -> str | None:
    """A country for "they" only when it is the one subject in reach."""
    countries = {c.ref for c in pool if c.kind == "country" and c.subj}
    return countries.pop() if len(countries) == 1 else None


def _speech(verb, cues) -> bool:
    """A speech verb, or a verb conjoined with one ("welcomed the plan and said ...")."""
    return verb.lemma_ in cues or any(c.dep_ == "conj" and c.lemma_ in cues for c in verb.children)


def _plural_nouns(doc: Doc) -> list[int]:
    """Plural common nouns ("Ministers deny they ...", "the opposition parties ... they"): candidates for
    "they" that the article does not name."""
    if not len(doc):
        return []
    tags = numpy.array([doc.vocab.strings.add("NNS")], dtype=numpy.uint64)
    return numpy.flatnonzero(numpy.isin(doc.to_array(TAG).astype(numpy.uint64), tags)).tolist()


def _subject(tok) -> bool:
    """A subject, or a name the parser made the root of its sentence ("Trevor Phillips, chairman of the
    commission, called on ..." parsed with "called" modifying the name)."""
    return tok.dep_ in _SUBJ or (tok.dep_ == "ROOT" and tok.pos_ in ("PROPN", "NOUN"))


def _conj_subject(tok) -> bool:
    """A name coordinated with a subject ("Mr Blair and Mr Brown said")."""
    return tok.dep_ == "conj" and any(t.dep_ in _SUBJ for t in (tok.head, tok.head.head))


def _unparsed_opening(tok) -> bool:
    """A noun opening a sentence that was not parsed ("The businessman, whose ..."), taken as its subject."""
    if tok.dep_:
        return False
    sent = attrs.sentence(tok)
    return tok.i - sent.start <= 1


def _clause_subjects(tok) -> set:
    """Token indices of the subjects of the clause a pronoun is the object of: "him" in "Mr Howard accused
    him" is not Mr Howard."""
    verb = tok.head.head if tok.dep_ == "pobj" else tok.head
    out: set[int] = set()
    for _ in range(4):
        subjects = [c for c in verb.children if c.dep_ in _SUBJ]
        out |= {t.i for c in subjects for t in c.subtree}
        if subjects or verb.dep_ not in ("conj", "xcomp", "advcl") or verb.head is verb:
            break
        verb = verb.head  # "wrote to Mr McConnell accusing him": the writer accuses
    return out


class _Holding:
    person: str
    office: str
    owners: set[str]
    start: int
    sent_start: int
    former: bool  # "former home secretary David Blunkett" is not the home secretary


def _quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of the quotations of ``text``. A mark after a space opens a quotation and one
    before a space closes it; a quotation still open at an opening mark or at the end of the paragraph
    ends there (the BBC reopens the quote mark at each paragraph of a quotation without closing the
    last, and its files run paragraphs together)."""
    spans = []
    pos = 0
    for para in text.split("\n"):
        opened = None
        for m in _QUOTE_MARK.finditer(para):
            k, end, mark = m.start(), m.end(), m.group()
            before = para[k - 1] if k else " "
            after = para[end] if end < len(para) else " "
            straight = mark in ('"', "''")
            opening = mark == "“" or (straight and (before.isspace() or before in "([") and not after.isspace())
            closing = mark == "”" or (straight and not before.isspace() and (after.isspace() or not after.isalnum()))
            if opening and not closing:
                if opened is not None:
                    spans.append((opened, pos + k))
                opened = pos + k
            elif closing and not opening:
                if opened is not None:
                    spans.append((opened, pos + end))
                opened = None
            elif opened is None:
                opened = pos + k
            else:
                spans.append((opened, pos + end))
                opened = None
        if opened is not None:
            spans.append((opened, pos + len(para)))
        pos += len(para) + 1
    return spans


class Coreference(LexiconUser):
    def __init__(self, nlp: Language, name: str, window: int = 3):
        self.name = name
        self.window = window
        self.vocab = nlp.vocab
        super().__init__()
        self.set_stored(people=coref_people.read())

    def restore(self) -> None:
        super().restore()
        if "people" in self.stored:
            self.people = People.from_data(self.stored["people"])
            words = _SINGULAR | _PLURAL | set(self.people.nouns) | self.people.groups
            self.words = attrs.hashes(self.vocab, words)

    def initialize(self, get_examples=None, *, nlp=None, lexicon: str | None = None, people: str | None = None):
        super().initialize(get_examples, nlp=nlp, lexicon=lexicon)
        self.set_stored(people=coref_people.read(people))

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_coref = coreference(doc, self.people, self.lex.quote_cues, self.window, self.words)
        return doc


@Language.factory(
    "kg_coref",
    assigns=["doc._.kg_coref"],
    requires=["doc._.kg_entities", "doc._.kg_positions"],
    default_config={"window": 3},
)
def make_coref(nlp: Language, name: str, window: int) -> Coreference:
    return Coreference(nlp, name, window)
