"""Custom attributes kg's spaCy components set on ``Doc`` (all under ``doc._``).

- ``kg_entities``: entity id -> :class:`EntityInfo` (canonical name, type, aliases, knowledge-base attrs)
- ``kg_token_entity``: token index -> entity id, for tokens inside entity mentions
- ``kg_coref``: token index -> entity id, for pronouns and role nouns resolved by coreference
- ``kg_mentions``: list of :class:`MentionInfo`
- ``kg_positions``: list of :class:`RelationHit` (holds_position, office_of, member_of)
- ``kg_relations``: list of :class:`RelationHit` from the relation extractor
- ``kg_quotes``: list of :class:`QuoteHit`
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.tokens import Doc


@dataclass
class EntityInfo:
    id: str
    name: str
    type: str
    aliases: set[str] = field(default_factory=set)
    attrs: dict = field(default_factory=dict)  # what the actor knowledge base says of it (kg_actor_kb)


@dataclass
class MentionInfo:
    entity_id: str
    start: int  # token indices
    end: int


@dataclass
class RelationHit:
    subject: str
    predicate: str
    object: str
    start: int  # character span of the evidence inside the doc
    end: int
    sent_start: int  # character span of the sentence
    sent_end: int
    extractor: str
    confidence: float
    modality: str = "asserted"
    attrs: dict = field(default_factory=dict)


@dataclass
class QuoteHit:
    speaker: str | None
    start: int  # character span of the quoted text
    end: int
    cue: str
    kind: str  # direct | reported
    sent_start: int
    sent_end: int
    about: list[str] = field(default_factory=list)
    confidence: float = 0.8


_DEFAULTS = {
    "kg_entities": dict,
    "kg_token_entity": dict,
    "kg_coref": dict,
    "kg_mentions": list,
    "kg_positions": list,
    "kg_relations": list,
    "kg_quotes": list,
}


def register() -> None:
    for name in _DEFAULTS:
        if not Doc.has_extension(name):
            # None, not an empty dict or list, which spaCy would share between docs; get() gives each its own
            Doc.set_extension(name, default=None)


def get(doc: Doc, name: str):
    """The attribute, created empty on first use."""
    value = getattr(doc._, name)
    if value is None:
        value = _DEFAULTS[name]()
        setattr(doc._, name, value)
    return value


def keep_text(nlp) -> None:
    """Make ``nlp``'s Docs keep the text they were made from, for :func:`text`."""
    make_doc = nlp.make_doc

    def make_doc_keeping_text(text: str) -> Doc:
        doc = make_doc(text)
        doc.user_data["kg_text"] = text  # the same str object: no copy
        return doc

    nlp.make_doc = make_doc_keeping_text


def text(doc: Doc) -> str:
    """The Doc's text: the string it was made from when the pipeline kept it (:func:`keep_text`), else
    ``Doc.text``, which spaCy rebuilds from a Token object per token on every access."""
    kept = doc.user_data.get("kg_text")
    return kept if kept is not None else doc.text


def char_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """(first character, end character) of each token, built once per Doc: ``text(doc)[starts[i]:
    ends[j - 1]]`` is the text of tokens i..j-1 (``doc[i:j].text``) without a Span or Token object."""
    bounds = doc.user_data.get("kg_char_bounds")
    if bounds is None or len(bounds[0]) != len(doc):
        arr = doc.to_array([IDX, LENGTH]).astype(numpy.int64)
        bounds = doc.user_data["kg_char_bounds"] = (arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist())
    return bounds


def sentence_index(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """(sentence number of each token, (start, end) of each sentence), the sentences ``doc.sents``
    gives, read from the Doc's SENT_START array (no Span per sentence, nothing cached)."""
    n = len(doc)
    if n == 0:
        return [], []
    starts = numpy.flatnonzero(doc.to_array(SENT_START).astype(numpy.int64) == 1).tolist()
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    marks = numpy.zeros(n, dtype=numpy.int64)
    marks[starts[1:]] = 1
    return numpy.cumsum(marks).tolist(), list(zip(starts, [*starts[1:], n]))


def _sentences(doc: Doc) -> tuple[list[int], list[tuple[int, int]]]:
    """:func:`sentence_index`, built once per Doc (after the parse, which sets the final sentences)."""
    index = doc.user_data.get("kg_sentences")
    if index is None or len(index[0]) != len(doc):
        index = doc.user_data["kg_sentences"] = sentence_index(doc)
    return index


def sentence(tok):
    """The sentence of a token, in O(1): ``Token.sent`` walks the whole document every call."""
    numbers, bounds = _sentences(tok.doc)
    start, end = bounds[numbers[tok.i]]
    return tok.doc[start:end]


def sentence_numbers(doc: Doc) -> list[int]:
    """The number of each token's sentence."""
    return _sentences(doc)[0]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) token of each sentence, in order."""
    return _sentences(doc)[1]


def hashes(vocab, words: Iterable[str]) -> numpy.ndarray:
    """The string-store hashes of ``words``, sorted, for :func:`indices`."""
    return numpy.array(sorted({vocab.strings.add(w) for w in words}), dtype=numpy.uint64)


def indices(doc: Doc, attr: int, values: numpy.ndarray) -> list[int]:
    """Indices, in order, of the tokens whose ``attr`` (a ``spacy.attrs`` id: LEMMA, LOWER ...) is one of
    ``values`` (from :func:`hashes`): a component's candidates without a Token object per token."""
    if not len(doc) or not len(values):
        return []
    found = doc.to_array(attr)
    # values is sorted (hashes() sorts it): a binary search per token, cheaper than numpy.isin, which
    # sorts the document's values on every call
    at = numpy.minimum(numpy.searchsorted(values, found), len(values) - 1)
    return numpy.flatnonzero(values[at] == found).tolist()


# where ``doc._.kg_coref`` and ``doc._.kg_token_entity`` keep their values (spacy/tokens/underscore.py: a
# Doc extension's key in ``Doc.user_data``; both are registered with the default None, no getter)
_COREF_KEY = ("._.", "kg_coref", None, None)
_TOKEN_ENTITY_KEY = ("._.", "kg_token_entity", None, None)


def entity_of(doc: Doc, i: int) -> str | None:
    """Entity id a token refers to: a coreference link first, then the mention it is in."""
    # read directly (``doc._`` makes a new Underscore object on every access); typed str-keyed, it holds tuples
    data: dict = doc.user_data
    coref = data.get(_COREF_KEY)
    if coref and i in coref:
        return coref[i]
    token_entity = data.get(_TOKEN_ENTITY_KEY)
    return token_entity.get(i) if token_entity else None


register()
