"""Who said a quotation: the speech verb's subject, a spokesperson's principal, a cue beside the quote,
a speaker carried from the sentence before or named after it; what the quote is about. Mixed into
:class:`kg.nlp.quotes.Quotes`."""

import re
from bisect import bisect_right

from spacy.tokens import Doc, Span, Token

from kg.nlp import args, attrs, quote_marks, speakers
from kg.nlp.quote_marks import Quotation

_DASH = re.compile(r"[ \t]*[―—–-][ \t]*")
_SPEAKER_TYPES = ("Person", "Organization", "Media", "GPE", "Group")
_SPOKESPEOPLE = {"spokesman", "spokeswoman", "spokesperson"}
_SUBJ = ("nsubj", "nsubjpass")
# people who speak about someone, not for them: "Mr X's backers said" is not Mr X speaking
_NOT_FOR = frozenset(
    {
        "backer",
        "supporter",
        "ally",
        "critic",
        "friend",
        "colleague",
        "rival",
        "opponent",
        "relative",
        "investor",
        "shareholder",
        "creditor",
        "neighbour",
        "fan",
        "admirer",
        "detractor",
        "enemy",
    }
)
# cues that say what someone thinks or what something shows, not what they said
THOUGHT = frozenset({"think", "believe", "hope", "expect", "fear", "show", "find", "indicate", "estimate", "wonder"})
_CONTENT = ("ccomp", "dobj", "xcomp", "attr", "oprd", "dative")  # where a verb's own words go


def _before_mark(text: str, i: int) -> str:
    """The last character before position i that is not a space ('' at a paragraph's start)."""
    j = i - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return "" if j < 0 or text[j] == "\n" else text[j]


class QuoteSpeakers:
    """Speaker finding for :class:`kg.nlp.quotes.Quotes` (its attributes: lexicon cues, entity types, the
    document's quotations)."""

    # set by Quotes for each document
    ents: dict
    text: str
    carry: int
    naming: frozenset[str]
    mention_spans: list[tuple[str, int, int]]
    _speaker_memo: tuple[Doc, dict[int, tuple[str | None, bool]]]  # the document, verb -> its speaker
    para_starts: list[int]
    speakers: speakers.Speakers

    def _quoted(self, pos: int) -> bool:
        raise NotImplementedError

    def _is_cue(self, tok: Token) -> bool:
        raise NotImplementedError

    def _speaker_of(self, doc: Doc, tok: Token) -> str | None:
        """The entity a speaker phrase names: itself, its apposition ("the campaign chairman, Phil
        Lovas"), or whom a spokesperson, an official or a statement speaks for ("a spokeswoman for Hillary
        Clinton", "the Kremlin spokesman", "Mr Campbell's e-mail")."""
        named = (doc._.kg_token_entity or {}).get(tok.i)
        if named and self.ents.get(named) and self.ents[named].type in _SPEAKER_TYPES:
            return named
        for c in tok.children:  # a name in apposition says who a role noun is, better than coreference
            if c.dep_ == "appos":
                eid = args.entity_of(doc, c)
                if eid and self.ents.get(eid) and self.ents[eid].type == "Person":
                    return eid
        if tok.lemma_.lower() in _NOT_FOR:
            return None  # "Mr X's financial backers have said": someone kg does not name, not Mr X
        if tok.lemma_ in _SPOKESPEOPLE and any(c.lower_ == "the" for c in tok.children):
            # "said the spokesman": the one named before, not a person coreference guesses
            gender = {"spokesman": "m", "spokeswoman": "f"}.get(tok.lemma_)
            return self._voiced(doc, tok) or self.speakers.voice_before(tok.idx, gender)
        if tok.lemma_ in _SPOKESPEOPLE and any(c.lower_ in ("a", "an") for c in tok.children):
            # "A spokesman told the BBC": whom the phrase names, else the organisation that spoke just before
            return self._voiced(doc, tok) or self.speakers.org_before(tok)
        if self._role(tok, named) and (person := self._named_before(doc, tok)):
            # "After the ruling Jane Doe, legal director of X, said": the parser took the post for the subject
            return person
        if self._role(tok, named):
            # "The Ofsted chief said": the holder coreference or the article names, not the organisation;
            # "the former UN commissioner" does not speak for it
            for eid in ((doc._.kg_coref or {}).get(tok.i), self.speakers.holder(tok), self._voiced(doc, tok)):
                if eid and self.ents.get(eid) and self.ents[eid].type == "Person":  # "leader of the Commons X"
                    return eid
            if speakers.is_former(tok):
                return None
        eid = args.entity_of(doc, tok)
        if eid and self.ents.get(eid) and self.ents[eid].type in _SPEAKER_TYPES:
            return eid
        if not eid and (org := self.speakers.resolve_org_noun(tok)):  # "the firm said"
            return org
        return self._voiced(doc, tok)

    def _named_before(self, doc: Doc, tok: Token) -> str | None:
        """The person named right before a bare post set off by a comma ("Jane Doe, legal director of X"),
        when the post has no article or owner of its own before it; else None."""
        if any(c.dep_ in ("det", "poss") for c in tok.children):
            return None
        i = tok.left_edge.i - 1
        if i < 1 or doc[i].text != ",":
            return None
        eid = (doc._.kg_token_entity or {}).get(i - 1)
        return eid if eid and self.ents.get(eid) and self.ents[eid].type == "Person" else None

    def _role(self, tok: Token, named: str | None) -> bool:
        """``tok`` names a person by their post ("chief", "the first minister"), not one who speaks for
        an organisation ("spokesman", "official")."""
        office = bool(named and self.ents.get(named) and self.ents[named].type == "Office")
        return speakers.is_role(tok, office)

    def _voiced(self, doc: Doc, tok: Token) -> str | None:
        """Whom a spokesperson, an official or a statement speaks for ("a spokeswoman for Hillary
        Clinton", "the Kremlin spokesman"); a person named in a for/of phrase after any noun."""
        voice = tok.lemma_ in speakers.VOICES
        for c in tok.children:
            of = c.dep_ == "prep" and c.lower_ in ("for", "of")
            own = c.dep_ in ("compound", "poss") or (c.dep_ == "amod" and voice)  # "a Conservative spokeswoman"
            inner = [p for p in c.children if p.dep_ == "pobj"] if of else [c] if own else []
            for t in inner:
                eid = args.entity_of(doc, t)
                kind = self.ents[eid].type if eid and eid in self.ents else ""
                # "a candidate for UKIP" is not UKIP speaking; "leader of the Commons Oliver Heald" is Heald
                if kind in _SPEAKER_TYPES and (voice or not of or kind == "Person"):
                    return eid
        return None

    def _speaker(self, doc: Doc, verb: Token) -> tuple[str | None, bool]:
        """(speaker entity, whether the verb has a nominal speaker at all), worked out once per verb of a
        document (what it reads does not change while the document's quotes are found)."""
        memo = self.__dict__.get("_speaker_memo")
        if memo is None or memo[0] is not doc:
            memo = self._speaker_memo = (doc, {})
        found = memo[1].get(verb.i)
        if found is None:
            found = memo[1][verb.i] = self._verb_speaker(doc, verb)
        return found

    def _verb_speaker(self, doc: Doc, verb: Token) -> tuple[str | None, bool]:
        outer = self._outer_cue(verb)
        own = any(c.dep_ in (*_SUBJ, "auxpass") for c in verb.children)  # "was told ...": the teller speaks
        if outer is not None and verb.dep_ == "conj" and not own:
            # 'He said Mr X and himself had no intention of resigning and added that ...': the parser hung
            # "added" on the reported clause; it goes on from the outer verb
            return self._speaker(doc, outer)
        nominal = False
        subjects = args.logical_subjects(verb)
        # the by-phrase of a passive the parser did not mark as one ("described by one union as ...")
        subjects += [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        # "The chairman of the Bar Council, Guy Mansfield QC warned": the parser's second subject is a name
        subjects += [c for c in verb.children if c.dep_ == "nsubj" and c not in subjects]
        named = doc._.kg_token_entity or {}
        for s in sorted(
            subjects, key=lambda t: getattr(self.ents.get(named.get(t.i, "")), "type", "") not in _SPEAKER_TYPES
        ):
            if self._quoted(s.idx):
                continue  # a name inside the quotation is not who says it
            if s.pos_ == "PRON" and s.lower_ in ("he", "she"):
                eid = self.speakers.resolve(s)
                if eid:
                    return eid, True
                nominal = True  # a speaker kg cannot name
                continue
            if s.pos_ == "PRON" and s.lower_ == "it" and verb.lemma_ in THOUGHT:
                continue  # "It shows an officer ...": a video or a report, not who speaks
            if s.pos_ == "PRON" and s.lower_ == "it" and not (doc._.kg_coref or {}).get(s.i):
                eid = self.speakers.resolve_it(s)
                if eid:
                    return eid, True
                continue  # a thing ("the guidance ... it said"): who stands behind it is looked for as before
            eid = self._speaker_of(doc, s)
            if eid:
                return eid, True
            nominal = nominal or s.pos_ in ("NOUN", "PROPN")
        return None, nominal

    def _outer_cue(self, verb: Token) -> Token | None:
        """The speech verb whose reported words ``verb`` is part of ("said Mr Blair had shown ..."), or None."""
        node = verb
        for _ in range(8):
            if node.head is node:
                return None
            if node.dep_ == "ccomp" and self._is_cue(node.head):
                return node.head
            node = node.head
        return None

    def _reported_clause(self, doc: Doc, verb: Token) -> bool:
        """``verb`` is inside a clause someone else reports ("Mr Kennedy pointed out that the Netherlands
        have announced ...")."""
        node = verb
        for _ in range(8):
            if node.head is node:
                return False
            if node.dep_ == "ccomp" and any(c.dep_ in _SUBJ for c in node.head.children):
                return self._speaker(doc, node.head)[0] != self._speaker(doc, verb)[0]
            node = node.head
        return False

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

    def _cue_speaker(self, doc: Doc, span: Span, q: Quotation) -> tuple[str | None, str, bool]:
        """(speaker, cue, whether a speech verb gives one at all) from the quote's own sentences: the
        nearest speech verb before the quote, or after it when the quote does not end its sentence ('"...,"
        he said', '"Why?" he asked') and the verb introduces no quotation of its own."""
        first, last = attrs.sentence(span[0]), attrs.sentence(span[-1])
        words = self.text[q.start : q.end].rstrip()
        mark = quote_marks.MARK.match(self.text, q.end)
        rest = self.text[mark.end() if mark else q.end : last.end_char].lstrip()
        open_end = words[-1:] not in (".", "!", "?") or (words[-1:] in ("!", "?") and rest[:1].islower())
        before = [doc[i] for i in range(span.start - 1, first.start - 1, -1)]
        after: list[Token] = []
        if open_end:
            after = [doc[i] for i in range(span.end, last.end)]
            # not a verb with words of its own after it ('"...," he said, and Mr X said the plan was ...')
            after = [t for t in after if not any(c.dep_ == "ccomp" and c.i > t.i for c in t.children)]
        comma = words.endswith(",") or rest.startswith(",")
        if comma and after:
            # '"...," a crestfallen Mr Lim confided': the clause right after a quote that ends in a comma
            # attributes it, whatever its verb
            verb = next((t for t in after[:8] if t.pos_ == "VERB"), None)
            subject = [c for c in verb.children if c.dep_ == "nsubj" and c.i >= span.end] if verb is not None else []
            if verb is not None and subject and not self._is_cue(verb):
                speaker, nominal = self._speaker(doc, verb)
                if speaker or nominal:
                    return speaker, verb.lemma_, True
        # a quotation opening mid-clause, not after a colon, a comma or a sentence's end
        embedded = _before_mark(self.text, q.mark) not in ("", ":", ",", ".", "!", "?", "-", "–", "—")
        for side in [after, before] if comma else [before, after]:
            for tok in side:
                names = tok.lemma_ in self.naming and tok.left_edge.i <= span.start <= tok.right_edge.i + 1
                reported = tok.i < span.start and self._reported_clause(doc, tok)
                if self._is_cue(tok) and embedded and reported and not self._governs(tok, span):
                    continue  # 'pointed out that the Netherlands have announced their withdrawal "regardless ..."'
                if self._is_cue(tok) or (names and tok.pos_ == "VERB" and not self._quoted(tok.idx)):
                    while tok.dep_ == "xcomp" and self._is_cue(tok.head):
                        tok = tok.head  # "urged the chancellor to admit ...": who urges says it
                    speaker, nominal = self._speaker(doc, tok)
                    if speaker or nominal:
                        return speaker, tok.lemma_, True
        if self.text[q.mark - 3 : q.mark].rstrip().endswith(":") and span.start >= 2:
            # 'He is prepared to go this far: "..."': the subject of the clause the colon ends
            clause = attrs.sentence(doc[span.start - 2])
            for i in range(span.start - 2, clause.start - 1, -1):
                if any(c.dep_ in ("nsubj", "nsubjpass") for c in doc[i].children) and not self._quoted(doc[i].idx):
                    speaker, nominal = self._speaker(doc, doc[i])
                    if speaker or nominal:
                        return speaker, "", True
                    break
        return None, "", False

    @staticmethod
    def _governs(verb: Token, span: Span) -> bool:
        """The quotation is the verb's own words: its complement or object, or inside one."""
        root = span.root
        return any(c.dep_ in _CONTENT and c.left_edge.i <= root.i <= c.right_edge.i for c in verb.children)

    def _signed(self, q: Quotation) -> str | None:
        """'"..." ― Sonya Herridge': the name after a dash that follows the quote."""
        mark = quote_marks.MARK.match(self.text, q.end)
        dash = _DASH.match(self.text, mark.end()) if mark else None
        if dash is None:
            return None
        for eid, s, _ in self.mention_spans:
            if s == dash.end() and self.ents.get(eid) and self.ents[eid].type in ("Person", "Organization"):
                return eid
        return None

    def _carried(self, doc: Doc, span: Span, previous: list[attrs.QuoteHit]) -> tuple[str | None, str]:
        """Speaker of an unattributed quote: the last one who spoke, or the person the sentence before is
        about, in the paragraph or the sentences before; none when the last speech verb names nobody."""
        bounds = attrs.sentence_bounds(doc)
        numbers = attrs.sentence_numbers(doc)
        idx = numbers[span[0].i]
        window_start = doc[bounds[max(0, idx - self.carry)][0]].idx
        para_start = self.para_starts[bisect_right(self.para_starts, span.start_char) - 1]
        lo = min(window_start, para_start)
        events = [(h.start, h.speaker, h.cue) for h in previous if lo <= h.start < span.start_char]
        first = bounds[max(0, idx - self.carry)][0]
        for tok in doc[first : span.start]:
            # a speech verb of the main clause: not "urged him to admit", "claiming a source told him"
            if tok.idx >= lo and self._is_cue(tok) and speakers.main_clause(tok):
                speaker, nominal = self._speaker(doc, tok)
                if speaker or nominal:
                    events.append((tok.idx, speaker, tok.lemma_))
        if idx > 0 and doc[bounds[idx - 1][0]].idx >= para_start:
            # the sentence before, in the paragraph: its subject when a person ("Mr X criticised the plan.")
            s0, s1 = bounds[idx - 1]
            for tok in doc[s0:s1]:
                if tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ROOT" and not self._quoted(tok.idx):
                    if tok.pos_ == "PRON" and tok.lower_ in ("he", "she"):
                        eid = self.speakers.resolve(tok)
                    else:
                        eid = self._speaker_of(doc, tok)
                    kind = self.ents[eid].type if eid and eid in self.ents else ""
                    if kind == "Person" or (kind and tok.lemma_ in speakers.VOICES):  # "said the spokesman."
                        events.append((tok.idx, eid, ""))
        if not events:
            return None, ""
        _, speaker, cue = max(events, key=lambda e: e[0])
        return speaker, cue

    def _next(self, doc: Doc, span: Span, last: Span) -> tuple[str | None, str]:
        """The speaker named after the quote in the next sentence of its paragraph: by a pronoun ('"..."
        It was a reality, she said.') or by a speech verb with no content of its own ('"..." So said Mr
        Brown.'); a name that goes on to say something else is the next speaker, not this one."""
        bounds = attrs.sentence_bounds(doc)
        idx = attrs.sentence_numbers(doc)[last.start]
        if idx + 1 >= len(bounds) or "\n" in self.text[span.end_char : doc[bounds[idx + 1][0]].idx]:
            return None, ""
        s0, s1 = bounds[idx + 1]
        for tok in doc[s0:s1]:
            if self._is_cue(tok):
                pronoun = any(s.lower_ in ("he", "she") for s in args.logical_subjects(tok))
                if pronoun or not any(c.dep_ in ("ccomp", "dobj", "xcomp") for c in tok.children):
                    speaker = self._speaker(doc, tok)[0]
                    if speaker:
                        return speaker, tok.lemma_
                return None, ""
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
