"""The one data model that flows between stages.

Everything that crosses a stage boundary is one of these dataclasses, and an
:class:`ArticleGraph` serialises to one JSON object per line (JSON Lines),
described by ``schemas/article-graph.schema.json``.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import IO, Any


def content_hash(text: str) -> str:
    """SHA-256 of an article's text (hex), used for ids and change detection."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class Article:
    """One article as read from a file, a JSON line or stdin."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None  # ISO 8601 day or datetime (kg.readers.dating)
    url: str | None = None
    source: str | None = None  # where it was read: "path" or "path:line"
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def hash(self) -> str:
        """What a store compares to skip an unchanged article: its title, text and date."""
        return content_hash((self.title or "") + "\n" + self.text + (f"\n{self.date}" if self.date else ""))


@dataclass
class Skipped:
    """An input that could not become an article, and why."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"


@dataclass
class Evidence:
    """Where a fact was read: the sentence and the character span in the article."""

    article_id: str
    sentence: str
    start: int  # character offsets into the article text
    end: int
    extractor: str = ""
    confidence: float = 1.0


@dataclass
class Entity:
    id: str  # stable id, see kg.schema.ids.entity_id
    name: str  # canonical name
    type: str  # catalogue entity type: Person, Organization, GPE, ...
    aliases: list[str] = field(default_factory=list)
    # what a knowledge base says of the actor: "kb" (its id there), "country" (CAMEO/ISO 3166 alpha-3 code),
    # "role" (CAMEO role code such as GOV, OPP, MIL), "roles" (dated roles); empty when it is not known
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Mention:
    entity_id: str
    text: str
    start: int
    end: int
    sentence_start: int = 0


#: what a relation's sentence says of it: it happened, is intended, possible, due, reported by others, or
#: is an act that someone wishes, requests or permits (kg.nlp.event_modality)
MODALITIES = ("asserted", "intent", "possible", "obligation", "reported", "wish", "request", "permission")


@dataclass
class Relation:
    subject: str  # entity id
    predicate: str  # relation name from the catalogue
    object: str  # entity id
    evidence: Evidence
    confidence: float = 1.0
    modality: str = "asserted"  # one of MODALITIES
    negated: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.subject, self.predicate, self.object)


@dataclass
class Quote:
    speaker: str | None  # entity id, None when unattributed
    text: str
    cue: str
    evidence: Evidence
    kind: str = "direct"  # direct | reported
    about: list[str] = field(default_factory=list)  # entity ids
    confidence: float = 1.0


@dataclass
class ArticleGraph:
    """Everything extracted from one article."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)

    def entity(self, entity_id: str) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def to_dict(self) -> dict[str, Any]:
        """The graph as plain dicts and lists, equal to ``dataclasses.asdict(self)``, built field by field
        because ``asdict``'s deep copies are slow enough to matter in a build's main process."""
        return {
            "article": _plain(self.article),
            "entities": [_plain(e) for e in self.entities],
            "mentions": [_plain(m) for m in self.mentions],
            "relations": [_plain(r) for r in self.relations],
            "quotes": [_plain(q) for q in self.quotes],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleGraph:
        def rel(r: dict[str, Any]) -> Relation:
            return Relation(**{**r, "evidence": Evidence(**r["evidence"])})

        def quote(q: dict[str, Any]) -> Quote:
            return Quote(**{**q, "evidence": Evidence(**q["evidence"])})

        return cls(
            article=Article(**d["article"]),
            entities=[Entity(**e) for e in d.get("entities", [])],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            relations=[rel(r) for r in d.get("relations", [])],
            quotes=[quote(q) for q in d.get("quotes", [])],
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _plain(obj: Any) -> dict[str, Any]:
    """One of this module's dataclasses (no nesting beyond Evidence) as ``asdict`` gives it: its fields
    only, lists and dicts copied."""
    names = _FIELDS.get(type(obj))
    if names is None:
        names = _FIELDS[type(obj)] = tuple(f.name for f in fields(obj))
    out = {}
    for k in names:
        v = getattr(obj, k)
        if isinstance(v, Evidence):
            v = _plain(v)
        elif isinstance(v, list):
            v = copy.deepcopy(v) if v and not isinstance(v[0], str) else list(v)
        elif isinstance(v, dict):
            v = copy.deepcopy(v) if v else {}
        out[k] = v
    return out


def write_jsonl(graphs: Iterable[ArticleGraph], fh: IO[str]) -> int:
    n = 0
    for g in graphs:
        fh.write(g.to_json())
        fh.write("\n")
        n += 1
    return n


def read_jsonl(fh: IO[str], source: str = "<stream>") -> Iterator[ArticleGraph | Skipped]:
    """Read ArticleGraphs back; a bad line becomes a :class:`Skipped`, never an exception."""
    for lineno, line in enumerate(fh, 1):
        if not line.strip():
            continue
        try:
            yield ArticleGraph.from_dict(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            yield Skipped(source=source, line=lineno, reason=f"not an ArticleGraph: {exc}")
