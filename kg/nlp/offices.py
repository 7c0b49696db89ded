"""``kg_office_ruler`` and ``kg_paragraphs``: two small token-level components.

``kg_office_ruler`` labels offices and roles (``OFFICE``) from a patterns file
(spaCy EntityRuler format; the pattern's ``id`` is the office's canonical
name). Unlike the stock ruler with ``overwrite_ents``, a model entity that only
partly overlaps an office is trimmed, not dropped: "Labour MPs" (ORG) becomes
"Labour" (ORG) + "MPs" (OFFICE).

``kg_paragraphs`` starts a new sentence after every line break, so a caption
or a headline is never parsed as part of the next sentence.
"""

import itertools

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

LABEL = "OFFICE"


class OfficeRuler:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.tokenizer = nlp.tokenizer
        self.matcher = Matcher(nlp.vocab)
        # token patterns that only compare lower-case text run as a (much faster) phrase matcher
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ids: dict[str, str] = {}
        self._n = 0

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

    def add_patterns(self, patterns: list[dict]) -> None:
        for p in patterns:
            key = f"{LABEL}_{self._n}"
            self._n += 1
            self.ids[key] = p.get("id") or ""
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
            key = doc.vocab.strings[match_id]
            offices.append(Span(doc, start, end, label=LABEL, span_id=self.ids.get(key, "")))
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


class Paragraphs:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        # a token's trailing whitespace is one space at most: line breaks are space tokens of their own
        space = doc.to_array(IS_SPACE)
        for i in numpy.flatnonzero(space[:-1]).tolist():
            if not space[i + 1] and "\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        return doc


@Language.factory("kg_office_ruler", assigns=["doc.ents", "token.ent_type"], requires=["doc.ents"])
def make_office_ruler(nlp: Language, name: str) -> OfficeRuler:
    return OfficeRuler(nlp, name)


@Language.factory("kg_paragraphs", assigns=["token.is_sent_start"])
def make_paragraphs(nlp: Language, name: str) -> Paragraphs:
    return Paragraphs(nlp, name)
