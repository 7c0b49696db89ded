"""``kg_quotes``: direct quotes and reported speech, attributed to their speaker.

- reported speech: a cue verb ("said", "told ... that", "warned", "argued")
  with a clausal complement; the complement is the quote, the verb's logical
  subject (after coreference) the speaker;
- direct quotes: text between double quotes (straight, curly, or the doubled
  apostrophes ``''...''`` some newspapers use) of four words
  or more; the speaker is the subject of a cue verb in the same sentence
  (before or after the quote: '"...," he said', '"...," said Healey'), else the
  speaker of the previous quote or speech verb in the same paragraph or the two
  sentences before;
- transcripts: a line opening with a speaker's name in capitals and a colon
  ("PENCE: Well, ...") is what that person says, when the name is the surname
  of a person in the article;
- a speaker phrase names its entity itself, through an apposition ("the
  state's campaign chairman, Phil Lovas, said") or as the one a spokesperson
  speaks for;
- ``about``: the entities the quote mentions, other than its speaker.
"""

import dataclasses
import re

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.nlp import args, attrs, lexicon
from kg.nlp.component import LexiconUser

_QUOTE_RE = re.compile(r'"([^"]+?)"|“([^”]+?)”|\'\'([^\n]+?)\'\'')
_TRANSCRIPT_RE = re.compile(r"^[ \t]*([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){0,2}):[ \t]+(\S[^\n]*)$", re.M)
_SPEAKER_TYPES = ("Person", "Organization", "Media", "GPE", "Group")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def quotes(
    doc: Doc,
    cues: frozenset[str] | None = None,
    min_words: int = 4,
    carry_sentences: int = 2,
    unattributed: bool = False,
) -> list[attrs.QuoteHit]:
    """The quotes and reported speech of ``doc``, by position (needs ``kg_entities`` and ``kg_coref``).
    ``cues``: the lexicon's speech verbs; a direct quote without a speaker needs ``min_words``;
    ``carry_sentences``: how far back its speaker is looked for; ``unattributed``: keep reported speech
    whose speaker is no entity."""
    cues = lexicon.load().quote_cues if cues is None else cues
    return Quotes(doc.vocab, cues, min_words, carry_sentences, unattributed).find(doc)


class Quotes:
    """The quote patterns with their settings (:func:`quotes`)."""

    def __init__(
        self, vocab, cues: frozenset[str], min_words: int = 4, carry_sentences: int = 2, unattributed: bool = False
    ):
        self.unattributed = unattributed
        self.min_words = min_words
        self.carry = carry_sentences
        self.cues = cues
        self.cue_hashes = attrs.hashes(vocab, self.cues)
        self.according = attrs.hashes(vocab, ["according"])

    def find(self, doc: Doc) -> list[attrs.QuoteHit]:
        self.ents = doc._.kg_entities or {}
        self.text = attrs.text(doc)
        starts, ends = attrs.char_bounds(doc)
        self.mention_spans = [(m.entity_id, starts[m.start], ends[m.end - 1]) for m in doc._.kg_mentions or []]
        hits: list[attrs.QuoteHit] = []
        for i in sorted({*attrs.indices(doc, LEMMA, self.cue_hashes), *attrs.indices(doc, LOWER, self.according)}):
            tok = doc[i]
            if tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                hits += self._reported(doc, tok)
            elif tok.lower_ == "according" and tok.dep_ == "prep":
                hits += self._according(doc, tok)
        quoted, marks = [], []
        for m in _QUOTE_RE.finditer(self.text):
            g = next(i for i in (1, 2, 3) if m.group(i) is not None)
            quoted.append((m.start(g), m.end(g), g == 3))
            marks.append((m.start(), m.end()))
        # reported speech that is itself a direct quote ('"We must rearm," he said') is kept as the direct one
        hits = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in marks)]
        turns = self._transcript(doc)
        hits = [h for h in hits if not any(_overlap(h.start, h.end, t.start, t.end) for t in turns)] + turns
        covered = [(h.start, h.end) for h in hits]
        for start, end, apostrophes in quoted:
            if len(self.text[start:end].split()) < 2:
                continue
            if any(_overlap(start, end, s, e) > 0.5 * (end - start) for s, e in covered):
                continue  # a quoted phrase inside reported speech already captured
            hit = self._direct(doc, start, end, hits)
            if hit and (hit.speaker or not apostrophes):  # ''...'' is a quote only with a speaker
                hits.append(hit)
        hits.sort(key=lambda h: h.start)
        for h in hits:
            h.about = self._about(doc, h)
        return hits

    def _speaker_of(self, doc: Doc, tok: Token) -> str | None:
        """The entity a speaker phrase names: itself, its apposition ("the campaign chairman, Phil
        Lovas"), or whom a spokesperson speaks for ("a spokeswoman for Hillary Clinton", "the Kremlin
        spokesman")."""
        eid = args.entity_of(doc, tok)
        if eid and self.ents.get(eid) and self.ents[eid].type in _SPEAKER_TYPES:
            return eid
        for c in tok.children:
            if c.dep_ == "appos":
                eid = args.entity_of(doc, c)
                if eid and self.ents.get(eid) and self.ents[eid].type == "Person":
                    return eid
        for c in tok.children:
            inner = (
                [p for p in c.children if p.dep_ == "pobj"]
                if c.dep_ == "prep" and c.lower_ in ("for", "of")
                else ([c] if c.dep_ in ("compound", "poss") else [])
            )
            for t in inner:
                eid = args.entity_of(doc, t)
                if eid and self.ents.get(eid) and self.ents[eid].type in _SPEAKER_TYPES:
                    return eid
        return None

    def _speaker(self, doc: Doc, verb: Token) -> tuple[str | None, bool]:
        """(speaker entity, whether the verb has a nominal speaker at all)."""
        nominal = False
        for s in args.logical_subjects(verb):
            eid = self._speaker_of(doc, s)
            if eid:
                return eid, True
            nominal = nominal or s.pos_ in ("NOUN", "PROPN")
        return None, nominal

    def _co_speakers(self, doc: Doc, verb: Token, speaker: str | None) -> list[str]:
        """People coordinated with the speaker in the verb's subject ("A and B argued")."""
        if speaker is None:
            return []
        out: list[str] = []
        for s in args.logical_subjects(verb):
            for t in s.subtree:
                if t.dep_ == "conj" and args.entity_of(doc, t.head) == speaker:
                    eid = args.entity_of(doc, t)
                    if (
                        eid
                        and eid != speaker
                        and eid not in out
                        and self.ents.get(eid)
                        and self.ents[eid].type == "Person"
                    ):
                        out.append(eid)
        return out

    def _hit(
        self, doc: Doc, left: int, right: int, cue: Token, speaker: str | None, kind: str, confidence: float
    ) -> attrs.QuoteHit | None:
        while left <= right and (doc[left].dep_ == "mark" or doc[left].is_punct or doc[left].is_space):
            left += 1
        while right >= left and (doc[right].is_punct or doc[right].is_space) and doc[right].text not in ('"', "”"):
            right -= 1
        if right - left + 1 < 3:
            return None
        sent = attrs.sentence(cue)
        return attrs.QuoteHit(
            speaker=speaker,
            start=doc[left].idx,
            end=doc[right].idx + len(doc[right]),
            cue=cue.lemma_,
            kind=kind,
            sent_start=sent.start_char,
            sent_end=sent.end_char,
            confidence=confidence,
        )

    def _reported(self, doc: Doc, verb: Token) -> list[attrs.QuoteHit]:
        """'X said (that) ...', and the cue in the middle: '..., Graham said, since ...'."""
        speaker, nominal = self._speaker(doc, verb)
        if speaker is None and not (nominal and self.unattributed):
            return []  # no entity speaks ("it is said that", "sources said" unless unattributed quotes are kept)
        conf = 0.8 if speaker else 0.5
        out = []
        spans: list[list[int]] = []
        for c in verb.children:
            if c.dep_ == "ccomp":
                left, right = c.left_edge.i, c.right_edge.i
                # a clause the parser split in two ("argued that plans to raise spending | were no longer
                # sufficient"): complements with nothing but punctuation or "and" between are one content
                if spans and all(t.is_punct or t.is_space or t.dep_ == "cc" for t in doc[spans[-1][1] + 1 : left]):
                    spans[-1][1] = right
                else:
                    spans.append([left, right])
        for left, right in spans:
            hit = self._hit(doc, left, right, verb, speaker, "reported", conf)
            if hit:
                out.append(hit)
                # "Two Labour MPs, Laura Kyrke-Smith and Melanie Ward, argued ...": each of them said it
                out += [dataclasses.replace(hit, speaker=other) for other in self._co_speakers(doc, verb, speaker)]
        if not out and verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
            head = verb.head
            left, right = head.left_edge.i, head.right_edge.i
            if verb.left_edge.i > left:  # content before the cue, or around it
                right = right if head.right_edge.i > verb.right_edge.i else verb.left_edge.i - 1
                hit = self._hit(doc, left, right, verb, speaker, "reported", conf - 0.1)
                if hit:
                    out.append(hit)
        return out

    def _transcript(self, doc: Doc) -> list[attrs.QuoteHit]:
        """'PENCE: Well, the question ...': a turn of a transcript, when the capitalised name is the
        surname (or the name) of a person in the article."""
        people: dict[str, str | None] = {}
        for e in self.ents.values():
            if e.type == "Person":
                for key in {e.name.casefold(), e.name.split()[-1].casefold()}:
                    people[key] = e.id if people.get(key, e.id) == e.id else None  # two people: ambiguous
        out = []
        for m in _TRANSCRIPT_RE.finditer(self.text):
            speaker = people.get(m.group(1).casefold())
            if not speaker:
                continue
            start, end = m.start(2), m.end(2)
            while end > start and self.text[end - 1].isspace():
                end -= 1
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) < 3:
                continue
            first, last = attrs.sentence(span[0]), attrs.sentence(span[-1])
            out.append(
                attrs.QuoteHit(
                    speaker=speaker,
                    start=start,
                    end=end,
                    cue=":",
                    kind="direct",
                    sent_start=first.start_char,
                    sent_end=last.end_char,
                    confidence=0.8,
                )
            )
        return out

    def _according(self, doc: Doc, tok: Token) -> list[attrs.QuoteHit]:
        """'..., according to X': the clause is what X says."""
        sources = [
            p for c in tok.children if c.dep_ == "prep" and c.lower_ == "to" for p in c.children if p.dep_ == "pobj"
        ]
        head = tok.head
        if not sources or head.pos_ not in ("VERB", "AUX"):
            return []
        speaker = self._speaker_of(doc, sources[0])
        left, right = head.left_edge.i, head.right_edge.i
        if tok.left_edge.i == left:
            left = tok.right_edge.i + 1
        elif tok.right_edge.i >= right - 1:
            right = tok.left_edge.i - 1
        hit = self._hit(doc, left, right, tok, speaker, "reported", 0.7 if speaker else 0.5)
        return [hit] if hit else []

    def _direct(self, doc: Doc, start: int, end: int, previous: list[attrs.QuoteHit]) -> attrs.QuoteHit | None:
        while end > start and self.text[end - 1] in " ,;:\n":
            end -= 1  # '"We must rearm Britain," he said': the comma belongs to the sentence
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        sents = sorted(
            {s.start: s for s in (attrs.sentence(span[0]), attrs.sentence(span[-1]))}.values(), key=lambda s: s.start
        )
        s_start, s_end = sents[0].start_char, sents[-1].end_char
        cue, speaker, conf = "", None, 0.9
        for sent in sents:
            for tok in sent:
                if (tok.idx < start - 1 or tok.idx > end) and tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                    speaker = self._speaker(doc, tok)[0]
                    if speaker:
                        cue = tok.lemma_
                        break
            if speaker:
                break
        if speaker is None:
            if len(span) < self.min_words + 1:
                return None  # a short unattributed phrase in quotes is a scare quote, not a quotation
            speaker, cue = self._carried(doc, span, previous)
            conf = 0.7 if speaker else 0.3
        return attrs.QuoteHit(
            speaker=speaker,
            start=start,
            end=end,
            cue=cue,
            kind="direct",
            sent_start=s_start,
            sent_end=s_end,
            confidence=conf,
        )

    def _carried(self, doc: Doc, span, previous: list[attrs.QuoteHit]) -> tuple[str | None, str]:
        """Speaker of an unattributed quote: the last speaker in the paragraph or the sentences before."""
        bounds = attrs.sentence_bounds(doc)
        idx = attrs.sentence_numbers(doc)[span[0].i]
        window_start = doc[bounds[max(0, idx - self.carry)][0]].idx
        para_start = self.text.rfind("\n", 0, span.start_char) + 1
        lo = min(window_start, para_start)
        candidates = [h for h in previous if h.speaker and lo <= h.start < span.start_char]
        if candidates:
            best = max(candidates, key=lambda h: h.start)
            return best.speaker, best.cue
        for start, end in reversed(bounds[max(0, idx - self.carry) : idx]):
            for tok in doc[start:end]:
                if tok.pos_ == "VERB" and tok.lemma_ in self.cues:
                    sp = self._speaker(doc, tok)[0]
                    if sp:
                        return sp, tok.lemma_
        return None, ""

    def _about(self, doc: Doc, h: attrs.QuoteHit) -> list[str]:
        out: list[str] = []
        for eid, s, e in self.mention_spans:
            if (
                h.start <= s
                and e <= h.end
                and eid != h.speaker
                and eid not in out
                and self.ents.get(eid)
                and self.ents[eid].type not in ("Quantity",)
            ):
                out.append(eid)
        return out


class QuoteExtractor(LexiconUser):
    def __init__(
        self, nlp: Language, name: str, min_words: int = 4, carry_sentences: int = 2, unattributed: bool = False
    ):
        self.name = name
        self.vocab = nlp.vocab
        self.settings = (min_words, carry_sentences, unattributed)
        self.unattributed = unattributed
        super().__init__()

    def restore(self) -> None:
        super().restore()
        self.quotes = Quotes(self.vocab, self.lex.quote_cues, *self.settings)

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_quotes = self.quotes.find(doc)
        return doc


@Language.factory(
    "kg_quotes",
    assigns=["doc._.kg_quotes"],
    requires=["doc._.kg_entities", "doc._.kg_coref"],
    default_config={"min_words": 4, "carry_sentences": 2, "unattributed": False},
)
def make_quotes(nlp: Language, name: str, min_words: int, carry_sentences: int, unattributed: bool) -> QuoteExtractor:
    return QuoteExtractor(nlp, name, min_words, carry_sentences, unattributed)
