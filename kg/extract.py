"""The extract stage: a processed spaCy ``Doc`` becomes an :class:`~kg.model.ArticleGraph`.

The components in :mod:`kg.nlp` leave their findings on ``doc._``; this module
turns them into the plain data model, with an :class:`~kg.model.Evidence`
(article id, sentence, character span, extractor, confidence) on every
relation and quote. Character offsets index into ``Article.text``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from . import ids
from .nlp.attrs import sentence
from .model import Article, ArticleGraph, Entity, Evidence, Mention, Quote, Relation


def _sentence(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())


def doc_to_graph(doc: Doc, article: Article) -> ArticleGraph:
    ents = doc._.kg_entities or {}
    text = article.text  # == doc.text, which spaCy rebuilds on every access
    graph = ArticleGraph(article=article)
    graph.entities = [Entity(id=e.id, name=e.name, type=e.type, aliases=sorted(e.aliases)) for e in ents.values()]
    for m in doc._.kg_mentions or []:
        span = doc[m.start : m.end]
        graph.mentions.append(Mention(entity_id=m.entity_id, text=span.text, start=span.start_char,
                                      end=span.end_char, sentence_start=sentence(span[0]).start_char))
    for h in [*(doc._.kg_positions or []), *(doc._.kg_relations or [])]:
        ev = Evidence(article_id=article.id, sentence=_sentence(text, h.sent_start, h.sent_end), start=h.start,
                      end=h.end, extractor=h.extractor, confidence=h.confidence)
        graph.relations.append(Relation(subject=h.subject, predicate=h.predicate, object=h.object, evidence=ev,
                                        confidence=h.confidence, modality=h.modality, attrs=dict(h.attrs)))
    for q in doc._.kg_quotes or []:
        ev = Evidence(article_id=article.id, sentence=_sentence(text, q.sent_start, q.sent_end), start=q.start,
                      end=q.end, extractor="kg_quotes", confidence=q.confidence)
        graph.quotes.append(Quote(speaker=q.speaker, text=text[q.start : q.end], cue=q.cue, evidence=ev,
                                  kind=q.kind, about=list(q.about), confidence=q.confidence))
    return graph


def quote_id(article_id: str, quote: Quote) -> str:
    return ids.quote_id(article_id, quote.evidence.start, quote.evidence.end)
