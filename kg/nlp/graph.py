"""The extract stage: a processed spaCy ``Doc`` becomes an :class:`~kg.model.ArticleGraph`.

The components in :mod:`kg.nlp` leave their findings on ``doc._``; this module
turns them into the plain data model, with an :class:`~kg.model.Evidence`
(article id, sentence, character span, extractor, confidence) on every
relation and quote. Character offsets index into ``Article.text``. An office with a known owner
becomes its post (:mod:`kg.nlp.posts`).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from kg.kb.table import as_of
from kg.model import Article, ArticleGraph, Entity, Evidence, Mention, Quote, Relation
from kg.nlp import dates
from kg.nlp.attrs import char_bounds, sentence_bounds, sentence_numbers
from kg.nlp.posts import to_posts
from kg.schema import ids


def _sentence(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def doc_to_graph(doc: Doc, article: Article, *, posts: bool = True) -> ArticleGraph:
    """The article's graph; without ``posts`` the offices stay as the positions extractor read them
    (titles with ``office_of`` edges to the owners of each mention), to check that extractor."""
    ents = doc._.kg_entities or {}
    text = article.text  # == doc.text, which spaCy rebuilds on every access
    graph = ArticleGraph(article=article)
    graph.entities = [
        Entity(id=e.id, name=e.name, type=e.type, aliases=sorted(e.aliases), attrs=as_of(e.attrs, article.date))
        for e in ents.values()
    ]
    starts, ends = char_bounds(doc)  # of each token: no Span or Token objects per mention
    numbers, sentences = sentence_numbers(doc), sentence_bounds(doc)
    for m in doc._.kg_mentions or []:
        start, end = starts[m.start], ends[m.end - 1]
        graph.mentions.append(
            Mention(
                entity_id=m.entity_id,
                text=text[start:end],
                start=start,
                end=end,
                sentence_start=starts[sentences[numbers[m.start]][0]],
            )
        )
    when = _Dates(doc, text, dates.anchor_of(article.date))
    positions = doc._.kg_positions or []
    for k, h in enumerate([*positions, *(doc._.kg_relations or [])]):
        ev = Evidence(
            article_id=article.id,
            sentence=_sentence(text, h.sent_start, h.sent_end),
            start=h.start,
            end=h.end,
            extractor=h.extractor,
            confidence=h.confidence,
        )
        extra = dict(h.attrs)
        if k >= len(positions):  # events have a date; offices held are states (a dateline is not when they began)
            extra.update(when.of(h.sent_start, h.sent_end, h.start, h.end, h.attrs.get("trigger")))
        graph.relations.append(
            Relation(
                subject=h.subject,
                predicate=h.predicate,
                object=h.object,
                evidence=ev,
                confidence=h.confidence,
                modality=h.modality,
                attrs=extra,
            )
        )
    for q in doc._.kg_quotes or []:
        ev = Evidence(
            article_id=article.id,
            sentence=_sentence(text, q.sent_start, q.sent_end),
            start=q.start,
            end=q.end,
            extractor="kg_quotes",
            confidence=q.confidence,
        )
        graph.quotes.append(
            Quote(
                speaker=q.speaker,
                text=text[q.start : q.end],
                cue=q.cue,
                evidence=ev,
                kind=q.kind,
                about=list(q.about),
                confidence=q.confidence,
            )
        )
    return to_posts(graph) if posts else graph


class _Dates:
    """When a relation happened: the DATE (or TIME) phrase of its sentence (the one in the clause of the
    relation's trigger word, else one inside the relation's span, else the nearest), normalised by
    :func:`kg.nlp.dates.normalise` against the article's date, in the future when the relation's span holds a
    future marker ("will meet on Friday", "is due to meet on Thursday"). Gives ``{"date": ISO,
    "date_text": phrase}`` or nothing."""

    _FUTURE = frozenset({"will", "'ll", "shall", "due", "going", "expected", "scheduled", "plans", "intends"})

    def __init__(self, doc: Doc, text: str, anchor):
        self.doc, self.text, self.anchor = doc, text, anchor  # text: the article's (doc.text is rebuilt per access)
        self._ents: list[Span] | None = None

    @property
    def ents(self):
        """The DATE and TIME ("last night") mentions, read on the first relation (Doc.ents makes a Span
        per entity)."""
        if self._ents is None:
            self._ents = [e for e in self.doc.ents if e.label_ in ("DATE", "TIME")]
        return self._ents

    @staticmethod
    def _clause(tok):
        """The verb whose clause a token is in (itself if it is one)."""
        for _ in range(8):
            if tok.pos_ in ("VERB", "AUX") or tok.head.i == tok.i:
                return tok
            tok = tok.head
        return tok

    def of(self, sent_start: int, sent_end: int, start: int, end: int, trigger: str | None = None) -> dict[str, str]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        # the clause of the relation's trigger word ("held talks ... on Wednesday", not "attended ... on Tuesday")
        verbs = {self._clause(t).i for t in span if t.lemma_ == trigger} if span is not None and trigger else set()
        found = [
            (e.start_char, e.end_char, e.text, self._clause(e.root).i in verbs)
            for e in self.ents
            if sent_start <= e.start_char < sent_end
        ]
        if not found:  # the small model leaves "last night", "yesterday" untagged at times
            found = [
                (m.start(), m.end(), m.group(0), False)
                for m in dates.DAY_WORDS.finditer(self.text, sent_start, sent_end)
            ]
        if not found:
            return {}
        _, _, phrase, _ = min(
            found, key=lambda f: (not f[3], 0 if start <= f[0] < end else 1, max(start - f[1], f[0] - end, 0))
        )
        future = span is not None and any(t.lower_ in self._FUTURE for t in span)  # in the relation's own words
        iso = dates.normalise(phrase, self.anchor, future=future)
        return {"date": iso, "date_text": phrase} if iso else {}


def quote_id(article_id: str, quote: Quote) -> str:
    return ids.quote_id(article_id, quote.evidence.start, quote.evidence.end)
