"""``kg_quotes``: direct quotes and reported speech, attributed to their speaker.

- direct quotes: the text inside quotation marks as news house styles set them
  (:mod:`kg.nlp.quote_marks`: a quotation reopened at each new paragraph, single quotes inside double
  ones and in headlines, unbalanced marks), of two words or more; text outside the marks never is one.
  The speaker, in order:

  1. the subject of a speech verb outside the marks in the quote's sentence, before the quote ('Mr Brown
     said: "..."') or after one that does not end its sentence ('"...," he said', '"...," said Healey');
     a speaker kg cannot name ("a spokesman said") leaves the quote unattributed;
  2. the speaker of the quotation it continues (reopened after a sentence's end or a paragraph's);
  3. the last speaker, or the person the sentence before is about, in the paragraph or the
     ``carry_sentences`` sentences before;
  4. the speaker of a speech verb with no content of its own in the next sentence of the paragraph
     ('"..." So said Mr Brown.').

  A quotation without a speaker needs ``min_words`` + 1 tokens (a shorter one is a scare quote);
- reported speech: a cue verb ("said", "told ... that", "warned", "argued") with a clausal complement,
  outside quotation marks; the complement is the quote, the verb's logical subject the speaker;
- he and she as speakers (:mod:`kg.nlp.speakers`): the last person who was a subject outside quotation
  marks, in the paragraph or the one before, whose title does not say the other gender ("he added"
  continues the last speaker; a name inside a quotation is never the speaker);
- transcripts and headlines ("PENCE: Well, ...", "Pence: Flowers won't be at debate"): what the named
  person says (:mod:`kg.nlp.quote_turns`);
- a speaker phrase names its entity itself, through an apposition ("the
  state's campaign chairman, Phil Lovas, said") or as the one a spokesperson
  speaks for;
- ``about``: the entities the quote mentions, other than its speaker.
"""

import dataclasses
import re
from bisect import bisect_right

from spacy.attrs import LEMMA, LOWER
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp import attrs, lexicon, quote_marks, quote_turns, speakers
from kg.nlp.component import LexiconUser
from kg.nlp.quote_marks import Quotation
from kg.nlp.quote_speakers import THOUGHT, QuoteSpeakers

_WORD = re.compile(r"\w")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def quotes(
    doc: Doc,
    cues: frozenset[str] | None = None,
    min_words: int = 4,
    carry_sentences: int = 2,
    unattributed: bool = False,
    naming: frozenset[str] | None = None,
) -> list[attrs.QuoteHit]:
    """The quotes and reported speech of ``doc``, by position (needs ``kg_entities`` and ``kg_coref``).
    ``cues``: the lexicon's speech verbs; a direct quote without a speaker needs ``min_words``;
    ``carry_sentences``: how far back its speaker is looked for; ``unattributed``: keep reported speech
    whose speaker is no entity; ``naming``: verbs whose subject says the quoted phrase they govern
    ("dismissed the Budget as "vote now, pay later"")."""
    cues = lexicon.load().quote_cues if cues is None else cues
    naming = naming_verbs(lexicon.read()) if naming is None else naming
    return Quotes(doc.vocab, cues, min_words, carry_sentences, unattributed, naming).find(doc)


def _semicolon(tokens) -> int | None:
    """The index of the first semicolon outside brackets ('($58m; £30m)' is a conversion, not a clause's
    end), or None."""
    depth = 0
    for t in tokens:
        depth += (t.text == "(") - (t.text == ")")
        if t.text == ";" and depth <= 0:
            return t.i
    return None


def _points_out(verb: Token) -> bool:
    """'pointed out that ...': a speech verb with its particle."""
    return verb.lemma_ == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)


def naming_verbs(data: dict) -> frozenset[str]:
    """The lexicon's verbs that name something with a quoted phrase (``[quotes] naming``)."""
    return frozenset(data.get("quotes", {}).get("naming", ()))


class Quotes(QuoteSpeakers):
    """The quote patterns with their settings (:func:`quotes`)."""

    def __init__(
        self,
        vocab,
        cues: frozenset[str],
        min_words: int = 4,
        carry_sentences: int = 2,
        unattributed: bool = False,
        naming: frozenset[str] = frozenset(),
    ):
        self.naming = naming
        self.unattributed = unattributed
        self.min_words = min_words
        self.carry = carry_sentences
        self.cues = cues
        self.cue_hashes = attrs.hashes(vocab, self.cues)
        self.according = attrs.hashes(vocab, ["according"])
        self.point = attrs.hashes(vocab, ["point"])

    def find(self, doc: Doc) -> list[attrs.QuoteHit]:
        self.ents = doc._.kg_entities or {}
        self.text = attrs.text(doc)
        starts, ends = attrs.char_bounds(doc)
        self.mention_spans = [(m.entity_id, starts[m.start], ends[m.end - 1]) for m in doc._.kg_mentions or []]
        self.quotations = quote_marks.quotations(self.text)
        self.quote_starts = [q.start for q in self.quotations]
        paragraphs = quote_marks.paragraphs(self.text)
        self.para_starts = [lo for lo, _ in paragraphs] or [0]
        self.speakers = speakers.Speakers(doc, self._quoted, paragraphs, self.cues)
        self._speaker_memo = (doc, {})  # what _speaker found, for this document's speakers
        hits: list[attrs.QuoteHit] = []
        cues = {*attrs.indices(doc, LEMMA, self.cue_hashes), *attrs.indices(doc, LOWER, self.according)}
        for i in sorted(cues | set(attrs.indices(doc, LEMMA, self.point))):
            tok = doc[i]
            if self._quoted(tok.idx):
                continue  # speech reported inside a quotation is part of the quoted words
            if tok.pos_ == "VERB" and (tok.lemma_ in self.cues or _points_out(tok)):
                hits += self._reported(doc, tok)
            elif tok.lower_ == "according" and tok.dep_ == "prep":
                hits += self._according(doc, tok)
        # reported speech that is itself a direct quote ('"We must rearm," he said') is kept as the direct one
        hits = [h for h in hits if self._unquoted_words(h.start, h.end) and not self._quoted(h.start - 1)]
        # '... said: "We answer this ...," he said at ...': a clause the parser ran on past the quotation
        hits = [h for h in hits if not (self._quoted(h.start) and self._quoted_share(h.start, h.end) > 0.5)]
        turns = quote_turns.turns(doc, self.text, self.ents)
        hits = [h for h in hits if not any(_overlap(h.start, h.end, t.start, t.end) for t in turns)] + turns
        covered = [(h.start, h.end) for h in hits]
        before: attrs.QuoteHit | None = None  # the direct quote of the quotation before
        for q in self.quotations:
            start, end = q.start, q.end
            hit = None
            if len(self.text[start:end].split()) >= 2 and not any(
                _overlap(start, end, s, e) > 0.5 * (end - start) for s, e in covered
            ):  # (a quoted phrase inside reported speech is already captured)
                hit = self._direct(doc, q, hits, before if q.continues else None)
                if hit and (hit.speaker or not q.apostrophes):  # ''...'' is a quote only with a speaker
                    hits.append(hit)
            before = hit
        hits.sort(key=lambda h: h.start)
        for h in hits:
            h.about = self._about(doc, h)
        return hits

    def _quoted(self, pos: int) -> bool:
        """Whether the character at ``pos`` is inside a quotation."""
        k = bisect_right(self.quote_starts, pos) - 1
        return k >= 0 and pos < self.quotations[k].end

    def _quoted_share(self, start: int, end: int) -> float:
        """The share of text[start:end] inside quotations."""
        k = max(bisect_right(self.quote_starts, start) - 1, 0)
        inside = 0
        for q in self.quotations[k:]:
            if q.start >= end:
                break
            inside += _overlap(start, end, q.start, q.end)
        return inside / max(end - start, 1)

    def _unquoted_words(self, start: int, end: int) -> bool:
        """Whether text[start:end] has words outside quotations."""
        k = max(bisect_right(self.quote_starts, start) - 1, 0)
        pos = start
        for q in self.quotations[k:]:
            if q.start >= end:
                break
            if q.end > pos and _WORD.search(self.text, pos, min(q.start, end)):
                return True
            pos = max(pos, q.end)
        return bool(_WORD.search(self.text, pos, end)) if pos < end else False

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
        if any(c.dep_ == "neg" for c in verb.children):
            return []  # "he did not think it was ...": the clause is what the speaker does not say
        if (
            verb.dep_ in ("advcl", "acl")
            and verb.tag_ in ("VBN", "VBD")
            and not any(c.dep_ in ("aux", "nsubj", "nsubjpass") for c in verb.children)
        ):
            return []  # "When asked whether he thought ...": the words were put to him, not said by him
        if any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in verb.children):
            return []  # "asked whether he thought the country was well-governed": a question, not a claim
        speaker, nominal = self._speaker(doc, verb)
        outer = self._outer_cue(verb) if verb.lemma_ in THOUGHT else None
        if outer is not None and self._speaker(doc, outer)[0] != speaker:
            return []  # 'Ms Bull said Mr Blair had shown he could ...': what Ms Bull says, not Mr Blair
        if speaker is None and not (nominal and self.unattributed):
            return []  # no entity speaks ("it is said that", "sources said" unless unattributed quotes are kept)
        conf = 0.8 if speaker else 0.5
        out = []
        spans: list[list[int]] = []
        for c in verb.children:
            if c.dep_ == "ccomp":
                left, right = c.left_edge.i, c.right_edge.i
                if right < verb.i and any(t.text in ("-", "–", "—") for t in doc[right + 1 : verb.i]):
                    continue  # '... had prompted censure - he told refugees ...': two statements, not speech
                semi = _semicolon(doc[max(left, verb.i + 1) : right + 1])
                if semi is not None and semi > max(left, verb.i) + 3:
                    right = semi - 1  # a semicolon ends what was said: 'said X; they only learned of it later'
                # a clause the parser split in two ("argued that plans to raise spending | were no longer
                # sufficient"): complements with nothing but punctuation or "and" between are one content,
                # unless a semicolon ends the first
                between = list(doc[spans[-1][1] + 1 : left]) if spans else []
                if (
                    spans
                    and _semicolon(between) is None
                    and all(t.is_punct or t.is_space or t.dep_ == "cc" for t in between)
                ):
                    spans[-1][1] = right
                else:
                    spans.append([left, right])
        for left, right in spans:
            hit = self._hit(doc, left, right, verb, speaker, "reported", conf)
            if hit:
                out.append(hit)
                # "Two Labour MPs, Laura Kyrke-Smith and Melanie Ward, argued ...": each of them said it
                out += [dataclasses.replace(hit, speaker=other) for other in self._co_speakers(doc, verb, speaker)]
        own = any(c.dep_ in ("dobj", "dative", "xcomp", "ccomp") for c in verb.children)
        # not '... had prompted censure - he told refugees to "get back home"': a verb with words of its own
        if not out and not own and verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
            head = verb.head
            left, right = head.left_edge.i, head.right_edge.i
            if verb.left_edge.i > left:  # content before the cue, or around it
                right = right if head.right_edge.i > verb.right_edge.i else verb.left_edge.i - 1
                hit = self._hit(doc, left, right, verb, speaker, "reported", conf - 0.1)
                if hit:
                    out.append(hit)
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
        elif tok.right_edge.i >= right - 1 or (tok.left_edge.i - left >= 4 and doc[tok.left_edge.i - 1].text == ","):
            # the clause before the source; what follows it ('..., according to X, more than twice ...')
            # elaborates on it
            right = tok.left_edge.i - 1
        if speaker is None and not self.unattributed:
            return []  # "according to findings published ...": no entity speaks
        hit = self._hit(doc, left, right, tok, speaker, "reported", 0.7 if speaker else 0.5)
        return [hit] if hit else []

    def _direct(
        self, doc: Doc, q: Quotation, previous: list[attrs.QuoteHit], continued: attrs.QuoteHit | None
    ) -> attrs.QuoteHit | None:
        start, end = q.start, q.end
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        while end > start and self.text[end - 1] in ",;:":
            end -= 1  # '"We must rearm Britain," he said': the comma belongs to the sentence
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        first, last = attrs.sentence(span[0]), attrs.sentence(span[-1])
        speaker, cue, named = self._cue_speaker(doc, span, q)
        if speaker is None and not named:
            speaker = self._signed(q)
        conf = 0.9
        if speaker is None and not named and continued is not None:
            speaker, cue, named, conf = continued.speaker, continued.cue, True, 0.8
        if speaker is None:
            if len(span) < self.min_words + 1:
                return None  # a short unattributed phrase in quotes is a scare quote, not a quotation
            if not named:
                speaker, cue = self._carried(doc, span, previous)
                if speaker is None:
                    speaker, cue = self._next(doc, span, last)
            conf = 0.7 if speaker else 0.3
        return attrs.QuoteHit(
            speaker=speaker,
            start=start,
            end=end,
            cue=cue,
            kind="direct",
            sent_start=first.start_char,
            sent_end=last.end_char,
            confidence=conf,
        )

    def _is_cue(self, tok: Token) -> bool:
        return tok.pos_ == "VERB" and (tok.lemma_ in self.cues or _points_out(tok)) and not self._quoted(tok.idx)

    def _quotations_in(self, sent: Span) -> list[Quotation]:
        k = max(bisect_right(self.quote_starts, sent.start_char) - 1, 0)
        return [q for q in self.quotations[k:] if sent.start_char <= q.start < sent.end_char]


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
        self.quotes = Quotes(self.vocab, self.lex.quote_cues, *self.settings, naming_verbs(self.stored["lexicon"]))

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
