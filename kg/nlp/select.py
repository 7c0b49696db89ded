"""``kg_parse_selected``: run the expensive part of the model only on sentences extraction can use.

With ``kg_parse`` enabled and the parse pipes disabled in ``pipelines/kg.cfg`` (``[nlp] disabled``; the
"selected" parse mode, :func:`set_parse_mode`) the pipeline runs in two passes:

1. on the whole text, the cheap components: tokenizer, ``kg_paragraphs``, the model's
   ``senter`` (sentence boundaries), ``ner`` (in en_core_web_sm it has its own tok2vec)
   and ``kg_offices``;
2. this component picks the sentences an extractor could fire on and runs the model's
   ``tok2vec``, ``tagger``, ``parser``, ``attribute_ruler`` and ``lemmatizer`` on those
   sentences only (one sub-document per document, so batches stay batches), then
   writes tag, POS, morphology, lemma and the dependency tree back onto the
   document's tokens (heads are relative offsets and each selected sentence is
   contiguous in both documents, so they copy unchanged).

A sentence is selected when it holds (see :class:`Selector`):

- ``min_entities`` or more entity references: mentions of the entity types kg keeps
  (``schemas/catalogue.toml``, offices, quantities), personal pronouns coreference
  may resolve, and capitalised words repeating a name found in the document
  (``kg_entities`` turns those into mentions) -- what relations, positions and
  attachments need;
- a cue word from ``pipelines/lexicon.toml`` (relation verbs and nouns, stance
  adjectives, speech verbs, "according") and ``cue_entities`` entity references --
  what reported speech and stances with an unnamed issue need (with ``kg_quotes``
  keeping unattributed speech, a cue word alone is enough);
- a double quote mark, if ``quote_marks`` (off by default: a direct quote is found from
  its quote marks, and its speaker from a speech verb, which the cue rule selects);
- an entity whose label is in ``always`` (NORP: ``kg_entities`` reads its tag to tell
  "the Conservatives" from "European").

Sentences not selected keep their ``senter`` boundaries; their tokens have no tag,
POS or lemma, and no dependency arc (the first token is the sentence's ``ROOT``,
the others have spaCy's "missing" head), so every dependency pattern skips them.
"""

import logging
from typing import TypedDict, cast

import numpy
from spacy.attrs import (
    DEP,
    HEAD,
    IS_TITLE,
    LEMMA,
    LOWER,
    MORPH,
    NORM,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc
from spacy.util import minibatch
from thinc.types import Ints2d

from kg.nlp import attrs, coref, lexicon, offices
from kg.nlp.component import LexiconUser
from kg.schema import catalogue

log = logging.getLogger("kg")

PARSE_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
_LEMMA_POS = ("verb", "noun", "adj")
_QUOTE_MARKS = ('"', "“", "”")
_EXTRA_CUES = ("according",)  # "according to X" (kg_quotes)
_PRONOUNS = coref._SINGULAR | coref._PLURAL  # the pronouns kg_coref resolves
# flags per lower-case form
_CUE, _PRON, _QUOTE = 1, 2, 4
_OUT = (TAG, POS, MORPH, LEMMA, DEP, HEAD)


class CueForms:
    """Is a lower-case word form an inflection of a cue lemma? Decided from the model's
    lemmatizer tables (exceptions and suffix rules, for verbs, nouns and adjectives),
    so the test is a superset of what the lemmatizer would answer, without a tagger."""

    def __init__(self, cues: set[str], lemmatizer=None):
        self.cues = cues
        self.rules, self.exc = {}, {}
        if lemmatizer is not None and "lemma_rules" in lemmatizer.lookups.tables:
            rules = lemmatizer.lookups.get_table("lemma_rules")
            exc = lemmatizer.lookups.get_table("lemma_exc")
            self.rules = {p: list(rules.get(p, [])) for p in _LEMMA_POS}
            self.exc = {p: dict(exc.get(p, {})) for p in _LEMMA_POS}

    def lemmas(self, form: str) -> set[str]:
        out = {form}
        for pos in _LEMMA_POS:
            out.update(self.exc.get(pos, {}).get(form, ()))
            for old, new in self.rules.get(pos, ()):
                if form.endswith(old) and len(form) > len(old):
                    out.add(form[: len(form) - len(old)] + new)
        return out

    def __contains__(self, form: str) -> bool:
        return not self.cues.isdisjoint(self.lemmas(form))


def cue_lemmas(lex: lexicon.Lexicon | None = None) -> set[str]:
    """The words that let an extractor fire with a single entity reference in the sentence, from
    the lexicon (default: kg's own) and the catalogue (one place for the cues): speech verbs and
    "according" (a quote needs only its speaker), stance adjectives, and verbs and nouns of stance
    relations (their object may be an Issue, not an entity). Every other relation needs two references."""
    lex = lex or lexicon.load()
    cat = catalogue.load()
    stance = {
        w
        for table in (lex.verbs, lex.nouns)
        for w, slots in table.items()
        if any(cat.relations[r].stance for r in slots.values())
    }
    return {*lex.quote_cues, *_EXTRA_CUES, *lex.stance_adjectives, *stance}


class Selector:
    """Which sentences of a document need the parse (see the module docstring)."""

    def __init__(
        self,
        vocab,
        forms: CueForms,
        ner_labels=(),
        *,
        min_entities: int = 2,
        cue_entities: int = 1,
        quote_marks: bool = False,
        always: tuple[str, ...] = ("NORP",),
    ):
        self.vocab = vocab
        self.forms = forms
        self.min_entities = min_entities
        self.cue_entities = cue_entities
        self.quote_marks = quote_marks
        self.always = set(always)
        cat = catalogue.load()
        self.kept = {label for label in (*ner_labels, offices.LABEL) if cat.type_for_ner(label)}
        self._flags: dict[int, int] = {}  # LOWER hash -> flags

    def _flag(self, h: int) -> int:
        f = self._flags.get(h)
        if f is None:
            form = self.vocab.strings[h]
            f = (
                (_CUE if form in self.forms else 0)
                | (_PRON if form in _PRONOUNS else 0)
                | (_QUOTE if self.quote_marks and any(q in form for q in _QUOTE_MARKS) else 0)
            )
            self._flags[h] = f
        return f

    def sentences(self, doc: Doc) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(selected, other) sentences as token ranges, in document order."""
        n = len(doc)
        if n == 0:
            return [], []
        sent_of, bounds = attrs.sentence_index(doc)  # the senter's sentences (not cached: the parse may change them)
        arr = doc.to_array([LOWER, IS_TITLE])
        refs = [0] * len(bounds)
        cue = [False] * len(bounds)
        force = [False] * len(bounds)
        in_ent = numpy.zeros(n, dtype=bool)
        names: set[int] = set()
        lowers = arr[:, 0]
        for ent in doc.ents:
            in_ent[ent.start : ent.end] = True
            s = sent_of[ent.start]
            if ent.label_ in self.kept:
                refs[s] += 1
                if ent.label_ not in (offices.LABEL, "MONEY", "PERCENT"):
                    names.update(
                        int(h) for h, title in zip(lowers[ent.start : ent.end], arr[ent.start : ent.end, 1]) if title
                    )
            if ent.label_ in self.always:
                force[s] = True
        # each distinct word's flags once, then only the tokens with a flag or that may repeat a name
        uniq, inverse = numpy.unique(lowers, return_inverse=True)
        flags = numpy.array([self._flag(h) for h in uniq.tolist()], dtype=numpy.int64)[inverse.reshape(-1)]
        flagged = numpy.flatnonzero(flags)
        for i, f in zip(flagged.tolist(), flags[flagged].tolist()):
            s = sent_of[i]
            if f & _CUE:
                cue[s] = True
            if f & _PRON:
                refs[s] += 1
            if f & _QUOTE:
                force[s] = True
        if names:
            for i in numpy.flatnonzero((flags == 0) & (arr[:, 1] != 0) & ~in_ent).tolist():
                if int(lowers[i]) in names:
                    refs[sent_of[i]] += 1  # a repeated name kg_entities will pick up
        selected, other = [], []
        for k, b in enumerate(bounds):
            if force[k] or refs[k] >= self.min_entities or (cue[k] and refs[k] >= self.cue_entities):
                selected.append(b)
            else:
                other.append(b)
        return selected, other


class _Settings(TypedDict):
    """The :class:`Selector`'s keyword arguments."""

    min_entities: int
    cue_entities: int
    quote_marks: bool
    always: tuple[str, ...]


class SelectiveParser(LexiconUser):
    """Runs the pipeline's (disabled) parse pipes on the selected sentences. The pipes and what the
    :class:`Selector` reads from them (the lemmatizer's tables, the entity labels) are looked up in the
    pipeline at the first document, when the pipeline's components have their data."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        pipes: list[str],
        min_entities: int,
        cue_entities: int,
        quote_marks: bool,
        always: list[str],
    ):
        self.name = name
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.wanted = list(pipes)
        self.settings: _Settings = {
            "min_entities": min_entities,
            "cue_entities": cue_entities,
            "quote_marks": quote_marks,
            "always": tuple(always),
        }
        self._selector: Selector | None = None
        self.root = nlp.vocab.strings.add("ROOT")
        self.stats = {"tokens": 0, "parsed": 0}
        super().__init__()

    def restore(self) -> None:
        super().restore()
        self._selector = None

    @property
    def pipe_names(self) -> list[str]:
        return [p for p in self.wanted if p in self.nlp.component_names]

    @property
    def pipes(self) -> list:
        return [self.nlp.get_pipe(p) for p in self.pipe_names]

    @property
    def selector(self) -> Selector:
        if self._selector is None:
            nlp, settings = self.nlp, self.settings.copy()
            lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None
            # spaCy types its pipes as plain Doc callables; ner is a Pipe, which has labels
            labels = cast(Pipe, nlp.get_pipe("ner")).labels if "ner" in nlp.component_names else ()
            if any(getattr(pipe, "unattributed", False) for name, pipe in nlp.pipeline):
                settings["cue_entities"] = 0  # kept reported speech may have no entity at all ("sources said")
            self._selector = Selector(nlp.vocab, CueForms(cue_lemmas(self.lex), lemmatizer), labels, **settings)
        return self._selector

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs, batch_size: int = 32):
        for batch in minibatch(docs, size=batch_size):
            yield from self._batch(list(batch))

    def _batch(self, docs: list[Doc]) -> list[Doc]:
        plans = []
        subs = []
        for doc in docs:
            selected, other = self.selector.sentences(doc)
            idx = numpy.array([i for s, e in selected for i in range(s, e)], dtype=numpy.int64)
            plans.append((selected, other, idx))
            subs.append(self._subdoc(doc, selected, idx))
            self.stats["tokens"] += len(doc)
            self.stats["parsed"] += len(idx)
        for proc in self.pipes:
            subs = (
                list(proc.pipe(subs, batch_size=max(1, len(subs))))
                if hasattr(proc, "pipe")
                else [proc(d) for d in subs]
            )
        for doc, sub, (_, other, idx) in zip(docs, subs, plans):
            self._write_back(doc, sub, other, idx)
        return docs

    def _subdoc(self, doc: Doc, selected, idx) -> Doc:
        if not len(idx):
            return Doc(self.vocab, words=[])
        arr = doc.to_array([ORTH, SPACY, NORM])[idx]
        strings = self.vocab.strings
        sub = Doc(self.vocab, words=[strings[h] for h in arr[:, 0].tolist()], spaces=arr[:, 1].astype(bool).tolist())
        starts = numpy.zeros(len(idx), dtype=numpy.uint64)
        pos = 0
        for s, e in selected:
            starts[pos] = 1
            pos += e - s
        # thinc's Ints2d: a typing class no numpy array is
        sub.from_array([NORM, SENT_START], cast(Ints2d, numpy.stack([arr[:, 2], starts], axis=1)))
        return sub

    def _write_back(self, doc: Doc, sub: Doc, other, idx) -> None:
        full = numpy.zeros((len(doc), len(_OUT)), dtype=numpy.uint64)
        if len(idx):
            full[idx] = sub.to_array(list(_OUT))
        tensor = sub.tensor
        if tensor is not None and tensor.ndim == 2 and tensor.shape[0] == len(idx) and len(idx):
            # the shared tok2vec's vectors, for components that read doc.tensor (zeros where not parsed)
            doc.tensor = numpy.zeros((len(doc), tensor.shape[1]), dtype=tensor.dtype)
            doc.tensor[idx] = tensor
        for s, _ in other:
            full[s, 4] = self.root  # an unparsed sentence: its first token is its root, the rest have no head
        if len(doc):
            doc.from_array(list(_OUT), cast(Ints2d, full))


@Language.factory(
    "kg_parse_selected",
    assigns=["token.tag", "token.pos", "token.lemma", "token.dep", "token.head"],
    requires=["doc.ents", "token.is_sent_start"],
    default_config={
        "pipes": list(PARSE_PIPES),
        "min_entities": 2,
        "cue_entities": 1,
        "quote_marks": False,
        "always": ["NORP"],
    },
)
def make_selective_parser(
    nlp: Language,
    name: str,
    pipes: list[str],
    min_entities: int,
    cue_entities: int,
    quote_marks: bool,
    always: list[str],
) -> SelectiveParser:
    return SelectiveParser(nlp, name, pipes, min_entities, cue_entities, quote_marks, always)


PARSE_MODES = ("all", "selected")


def set_parse_mode(nlp: Language, mode: str) -> str:
    """Parse every sentence ("all": the parse pipes enabled, ``kg_parse`` and ``senter`` disabled) or the
    selected ones ("selected": the parse pipes disabled, run by ``kg_parse``). Returns the mode set:
    "all" where the pipeline cannot select (no ``kg_parse``, ``senter`` or ``ner``, or ``ner`` or
    ``senter`` listening to a parse pipe)."""
    selective = next(((name, pipe) for name, pipe in nlp.components if isinstance(pipe, SelectiveParser)), None)
    parser = selective[0] if selective else None
    pipes = selective[1].pipe_names if selective else [p for p in PARSE_PIPES if p in nlp.component_names]
    if mode == "selected" and not _can_select(nlp, parser, pipes):
        mode = "all"
    on, off = ([parser, "senter"], pipes) if mode == "selected" else (pipes, [parser, "senter"])
    for name in on:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    for name in off:
        if name in nlp.component_names and name not in nlp.disabled:
            nlp.disable_pipe(name)
    return mode


def _can_select(nlp: Language, parser: str | None, pipes: list[str]) -> bool:
    if parser is None:
        log.warning("parse = 'selected' needs the kg_parse component; parsing every sentence")
        return False
    if "senter" not in nlp.component_names or "ner" not in nlp.component_names:
        log.warning("parse = 'selected' needs a model with senter and ner; parsing every sentence")
        return False
    for p in pipes:
        listeners = getattr(nlp.get_pipe(p), "listening_components", [])
        if "ner" in listeners or "senter" in listeners:
            log.warning("ner or senter listens to %s in this model; parsing every sentence", p)
            return False
    return True
