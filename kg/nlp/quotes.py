"""``kg_quotes``: direct quotes and reported speech, attributed to their speaker.

- reported speech: a cue verb ("said", "told ... that", "warned", "argued")
  with a clausal complement; the complement is the quote, the verb's logical
  subject (after coreference) the speaker;
- direct quotes: text between double quotes (straight or curly) of four words
  or more; the speaker is the subject of a cue verb in the same sentence
  (before or after the quote: '"...," he said', '"...," said Healey'), else the
  speaker of the previous quote or speech verb in the same paragraph or the two
  sentences before;
- ``about``: the entities the quote mentions, other than its speaker.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Token

from . import args, attrs, lexicon

_QUOTE_RE = re.compile(r'"([^"]+?)"|“([^”]+?)”')
_SPEAKER_TYPES = ("Person", "Organization", "GPE", "Group")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


class QuoteExtractor:
    def __init__(self, nlp: Language, name: str, min_words: int = 4, carry_sentences: int = 2):
        self.name = name
        self.min_words = min_words
        self.carry = carry_sentences
        self.cues = lexicon.load().quote_cues

    def __call__(self, doc: Doc) -> Doc:
        self.ents = doc._.kg_entities or {}
        self.text = doc.text  # Doc.text is rebuilt from the tokens on every access
        self.sents = list(doc.sents)
        self.sent_index = {s.start: i for i, s in enumerate(self.sents)}
        self.mention_spans = [(m.entity_id, doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1]))
                              for m in doc._.kg_mentions or []]
        hits: list[attrs.QuoteHit] = []
        for tok in doc:
            if tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                hits += self._reported(doc, tok)
        quoted = []
        for m in _QUOTE_RE.finditer(self.text):
            g = 1 if m.group(1) is not None else 2
            quoted.append((m.start(g), m.end(g)))
        # reported speech that is itself a direct quote ('"We must rearm," he said') is kept as the direct one
        hits = [h for h in hits if not any(s - 1 <= h.start and h.end <= e + 1 for s, e in quoted)]
        covered = [(h.start, h.end) for h in hits]
        for start, end in quoted:
            if len(self.text[start:end].split()) < self.min_words:
                continue
            if any(_overlap(start, end, s, e) > 0.5 * (end - start) for s, e in covered):
                continue  # a quoted phrase inside reported speech already captured
            hit = self._direct(doc, start, end, hits)
            if hit:
                hits.append(hit)
        hits.sort(key=lambda h: h.start)
        for h in hits:
            h.about = self._about(doc, h)
        doc._.kg_quotes = hits
        return doc

    def _speaker(self, doc: Doc, verb: Token) -> str | None:
        for s in args.logical_subjects(verb):
            eid = args.entity_of(doc, s)
            if eid and self.ents.get(eid) and self.ents[eid].type in _SPEAKER_TYPES:
                return eid
        return None

    def _reported(self, doc: Doc, verb: Token) -> list[attrs.QuoteHit]:
        out = []
        for c in verb.children:
            if c.dep_ != "ccomp":
                continue
            left, right = c.left_edge.i, c.right_edge.i
            while left <= right and (doc[left].dep_ == "mark" or doc[left].is_punct or doc[left].is_space):
                left += 1
            while right >= left and (doc[right].is_punct or doc[right].is_space) and doc[right].text not in ('"', "”"):
                right -= 1
            if right - left + 1 < 3:
                continue
            speaker = self._speaker(doc, verb)
            if speaker is None:
                continue
            sent = attrs.sentence(verb)
            out.append(attrs.QuoteHit(speaker=speaker, start=doc[left].idx, end=doc[right].idx + len(doc[right]),
                                      cue=verb.lemma_, kind="reported", sent_start=sent.start_char,
                                      sent_end=sent.end_char, confidence=0.8))
        return out

    def _direct(self, doc: Doc, start: int, end: int, previous: list[attrs.QuoteHit]) -> attrs.QuoteHit | None:
        while end > start and self.text[end - 1] in " ,;:\n":
            end -= 1  # '"We must rearm Britain," he said': the comma belongs to the sentence
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        sents = sorted({s.start: s for s in (attrs.sentence(span[0]), attrs.sentence(span[-1]))}.values(),
                       key=lambda s: s.start)
        s_start, s_end = sents[0].start_char, sents[-1].end_char
        cue, speaker, conf = "", None, 0.9
        for sent in sents:
            for tok in sent:
                if (tok.idx < start - 1 or tok.idx > end) and tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                    speaker = self._speaker(doc, tok)
                    if speaker:
                        cue = tok.lemma_
                        break
            if speaker:
                break
        if speaker is None:
            speaker, cue = self._carried(doc, span, previous)
            conf = 0.7 if speaker else 0.3
        return attrs.QuoteHit(speaker=speaker, start=start, end=end, cue=cue, kind="direct",
                              sent_start=s_start, sent_end=s_end, confidence=conf)

    def _carried(self, doc: Doc, span, previous: list[attrs.QuoteHit]) -> tuple[str | None, str]:
        """Speaker of an unattributed quote: the last speaker in the paragraph or the sentences before."""
        sents = self.sents
        idx = self.sent_index[attrs.sentence(span[0]).start]
        window_start = sents[max(0, idx - self.carry)].start_char
        para_start = self.text.rfind("\n", 0, span.start_char) + 1
        lo = min(window_start, para_start)
        candidates = [h for h in previous if h.speaker and lo <= h.start < span.start_char]
        if candidates:
            best = max(candidates, key=lambda h: h.start)
            return best.speaker, best.cue
        for sent in reversed(sents[max(0, idx - self.carry) : idx]):
            for tok in sent:
                if tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                    sp = self._speaker(doc, tok)
                    if sp:
                        return sp, tok.lemma_
        return None, ""

    def _about(self, doc: Doc, h: attrs.QuoteHit) -> list[str]:
        out: list[str] = []
        for eid, s, e in self.mention_spans:
            if h.start <= s and e <= h.end and eid != h.speaker and eid not in out:
                if self.ents.get(eid) and self.ents[eid].type not in ("Quantity",):
                    out.append(eid)
        return out


@Language.factory("kg_quotes", assigns=["doc._.kg_quotes"], requires=["doc._.kg_entities", "doc._.kg_coref"],
                  default_config={"min_words": 4, "carry_sentences": 2})
def make_quotes(nlp: Language, name: str, min_words: int, carry_sentences: int) -> QuoteExtractor:
    return QuoteExtractor(nlp, name, min_words, carry_sentences)
