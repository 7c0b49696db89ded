"""``kg_office_ruler`` and ``kg_paragraphs``: two small token-level components.

``kg_office_ruler`` labels offices and roles (``OFFICE``) from patterns
(spaCy EntityRuler format; the pattern's ``id`` is the office's canonical
name), given to ``initialize`` (``pipelines/offices.jsonl``) or ``add_patterns``
and saved with the pipeline. Unlike the stock ruler with ``overwrite_ents``, a
model entity that only partly overlaps an office is trimmed, not dropped:
"Labour MPs" (ORG) becomes "Labour" (ORG) + "MPs" (OFFICE) (:func:`set_offices`).

``kg_paragraphs`` starts a new sentence after every line break, so a caption
or a headline is never parsed as part of the next sentence.
"""

import itertools
from collections.abc import Callable, Iterable, Sequence

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.nlp.component import StoredData

LABEL = "OFFICE"


def set_offices(doc: Doc, offices: list[Span]) -> Doc:
    """Make ``offices`` entities of ``doc``: the longest of overlapping offices wins, and a model entity
    that overlaps an office keeps its tokens outside it ("Labour MPs" -> "Labour" + "MPs")."""
    if not offices:
        return doc
    offices = filter_spans(offices)
    covered = {i for s in offices for i in range(s.start, s.end)}
    kept = []
    for ent in doc.ents:
        toks = [i for i in range(ent.start, ent.end) if i not in covered]
        if len(toks) == len(ent):
            kept.append(ent)
        elif toks and toks == list(range(toks[0], toks[-1] + 1)) and not doc[toks[0]].is_punct:
            kept.append(Span(doc, toks[0], toks[-1] + 1, label=ent.label_))
    doc.ents = filter_spans(kept + offices)
    return doc


def paragraph_starts(doc: Doc) -> Doc:
    """Start a sentence at the first token after each line break."""
    # a token's trailing whitespace is one space at most: line breaks are space tokens of their own
    space = doc.to_array(IS_SPACE)
    for i in numpy.flatnonzero(space[:-1]).tolist():
        if not space[i + 1] and "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


class OfficeRuler(StoredData):
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.tokenizer = nlp.tokenizer
        self.vocab = nlp.vocab
        self.stored = {"patterns": []}
        self.clear()

    def clear(self) -> None:
        self.matcher = Matcher(self.vocab)
        # token patterns that only compare lower-case text run as a (much faster) phrase matcher
        self.phrases = PhraseMatcher(self.vocab, attr="LOWER")
        self.ids: dict[int, str] = {}  # match key (a string-store hash) -> the office's canonical name
        self._n = 0

    def restore(self) -> None:
        patterns, self.stored["patterns"] = self.stored["patterns"], []
        self.clear()
        self.add_patterns(patterns)

    def initialize(
        self, get_examples: Callable | None = None, *, nlp=None, patterns: Sequence[dict] | None = None
    ) -> None:
        """Replace the patterns with ``patterns`` (``[initialize.components.kg_offices.patterns]``)."""
        self.set_stored(patterns=list(patterns or []))

    @staticmethod
    def _phrases(pattern) -> list[str] | None:
        """The phrases a LOWER-only token pattern matches, or None if it is not that simple."""
        options = []
        for tok in pattern:
            if set(tok) != {"LOWER"}:
                return None
            v = tok["LOWER"]
            if isinstance(v, str):
                options.append([v])
            elif isinstance(v, dict) and set(v) == {"IN"}:
                options.append(list(v["IN"]))
            else:
                return None
        return [" ".join(words) for words in itertools.product(*options)]

    def add_patterns(self, patterns: Iterable[dict]) -> None:
        for p in patterns:
            self.stored["patterns"].append(p)
            key = f"{LABEL}_{self._n}"
            self._n += 1
            self.ids[self.vocab.strings.add(key)] = p.get("id") or ""
            phrases = self._phrases(p["pattern"])
            docs = [self.tokenizer(ph) for ph in phrases] if phrases else None
            if docs and all(len(d) == len(p["pattern"]) for d in docs):
                self.phrases.add(key, docs)
            else:
                self.matcher.add(key, [p["pattern"]])

    def __call__(self, doc: Doc) -> Doc:
        offices = []
        matches = [*self.phrases(doc), *(self.matcher(doc) if len(self.matcher) else [])]
        for match_id, start, end in matches:
            offices.append(Span(doc, start, end, label=LABEL, span_id=self.ids.get(match_id, "")))
        return set_offices(doc, offices)


class Paragraphs:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return paragraph_starts(doc)


@Language.factory("kg_office_ruler", assigns=["doc.ents", "token.ent_type"], requires=["doc.ents"])
def make_office_ruler(nlp: Language, name: str) -> OfficeRuler:
    return OfficeRuler(nlp, name)


@Language.factory("kg_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> Paragraphs:
    return Paragraphs(nlp, name)
