"""The flow: read -> nlp -> extract -> sink, streamed in batches.

Every input ends as exactly one of: extracted (and then loaded or unchanged),
or skipped with a reason. :class:`Counts` adds them up.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from . import read as reader
from .extract import doc_to_graph
from .model import Article, ArticleGraph, Skipped

log = logging.getLogger("kg")


@dataclass
class Counts:
    read: int = 0  # inputs seen: articles + skipped
    extracted: int = 0
    loaded: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    entities: int = 0
    relations: int = 0
    quotes: int = 0

    @property
    def balanced(self) -> bool:
        return self.read == self.extracted + len(self.skipped)

    def skipped_by_reason(self) -> dict[str, int]:
        return dict(Counter(s.reason.split(":")[0] for s in self.skipped))

    def as_dict(self) -> dict:
        return {"read": self.read, "extracted": self.extracted, "loaded": self.loaded, "unchanged": self.unchanged,
                "skipped": len(self.skipped), "entities": self.entities, "relations": self.relations,
                "quotes": self.quotes}


def extract(items: Iterable[Article | Skipped], nlp, *, batch_size: int = 32,
            counts: Counts | None = None) -> Iterator[ArticleGraph]:
    """ArticleGraphs for the articles in ``items``, streamed through ``nlp.pipe``.

    Skipped inputs are recorded in ``counts`` (and logged), never raised.
    """
    counts = counts if counts is not None else Counts()
    pending: deque[Skipped] = deque()

    def texts():
        for item in items:
            counts.read += 1
            if isinstance(item, Skipped):
                _skip(counts, item)
                continue
            yield item.text, item

    for doc, article in nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
        try:
            graph = doc_to_graph(doc, article)
        except Exception as exc:  # a bug on one article must not end the batch
            log.exception("extraction failed for %s", article.source or article.id)
            _skip(counts, Skipped(source=article.source or article.id, reason=f"extraction failed: {exc}"))
            continue
        counts.extracted += 1
        counts.entities += len(graph.entities)
        counts.relations += len(graph.relations)
        counts.quotes += len(graph.quotes)
        yield graph
    while pending:
        yield pending.popleft()  # pragma: no cover


def _skip(counts: Counts, item: Skipped) -> None:
    counts.skipped.append(item)
    log.warning("skipped %s", item)


def read_and_extract(inputs: Iterable[str], nlp, *, batch_size: int = 32, counts: Counts | None = None,
                     stdin=None) -> Iterator[ArticleGraph]:
    return extract(reader.read(inputs, stdin=stdin), nlp, batch_size=batch_size, counts=counts)
