"""The accurate mode's spaCy components, over the span network of :mod:`kg.nlp.span_model`.

- ``kg_transformer_entities`` (after ``kg_actor_kb``): one MiniLM pass per sentence, batched by length.
  Its entity spans are reconciled with kg's mentions: where they overlap a person, organisation or
  place mention, the transformer's boundaries win, and its type where the rules' entity has no
  knowledge-base entry and is of another kind; offices, dates and quantities stay the rules'; a span no
  mention covers becomes a new entity. It then scores the relations between the sentence's candidate
  mentions (its own and kg's), for sentences holding at least two, and leaves them in ``doc.user_data``.
- ``kg_transformer_relations`` (after ``kg_relations``, whose rules it does not replace): those scores,
  but for the relations in ``exclude``, become relations (extractor ``kg_transformer``, the score as
  confidence) where the catalogue allows the two entities' types and the clause joining them is not
  negated; a relation the rules found in the same sentence keeps the rules' evidence, with the higher
  confidence.

Without a trained model (``initialize(path=...)``, built by ``make model-accurate`` into
``pipelines/models/accurate``) both do nothing. torch is imported only when a model is loaded.
"""

import logging
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path

from kg.nlp import args, attrs
from kg.nlp.component import LexiconUser
from kg.resources import PIPELINES
from kg.schema import catalogue, ids

log = logging.getLogger("kg")
EXTRACTOR = "kg_transformer"
PENDING = "kg_transformer_relations"
FILES = ("model.safetensors", "accurate.json")
# kg entity types the transformer may re-bound; the others (offices, dates, quantities) are the rules'
_REBOUND = {"Person", "Organization", "Media", "GPE", "Location", "Group"}
_ARGUMENT_TYPES = _REBOUND | {"Office", "Event"}


def model_path(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() else PIPELINES / p


class TransformerEntities:
    def __init__(
        self,
        nlp: Language,
        name: str,
        entity_threshold: float = 0.5,
        relation_threshold: float = 0.5,
        batch_size: int = 32,
        threads: int = 1,
        quantize: bool = False,
    ):
        self.name = name
        self.entity_threshold = entity_threshold
        self.relation_threshold = relation_threshold
        self.batch_size = batch_size
        self.threads = threads
        self.quantize = quantize
        self.net: Any = None  # a span_model.SpanRelationNet, once a model is loaded
        self.tokenizer: Any = None
        self.source: Path | None = None

    def initialize(self, get_examples: Callable | None = None, *, nlp=None, path: str = "") -> None:
        """``path``: a trained model's directory (absolute or under ``pipelines/``); "" for none."""
        self.load(path)

    def load(self, path: str | Path) -> None:
        self.net = self.tokenizer = self.source = None
        if not str(path):
            return
        where = model_path(path)
        if not (where / FILES[0]).exists():
            log.info("kg_transformer: no trained model in %s (build it with `make model-accurate`)", where)
            return
        import torch

        from kg.nlp import span_model

        torch.set_num_threads(self.threads)
        self.net, self.tokenizer = span_model.load(where)
        if self.quantize:  # int8 weights for the linear layers: faster on CPU
            self.net = torch.ao.quantization.quantize_dynamic(self.net, {torch.nn.Linear}, dtype=torch.qint8)
        self.source = where

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        where: Path = ensure_path(path)
        where.mkdir(parents=True, exist_ok=True)
        if self.source is not None and self.source.resolve() != where.resolve():
            for f in FILES:
                shutil.copyfile(self.source / f, where / f)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()):
        where: Path = ensure_path(path)
        self.load(where.resolve() if (where / FILES[0]).exists() else "")
        return self

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None):
        if self.net is None:
            yield from docs
            return
        from kg.nlp.span_predict import predict

        buf: list[Doc] = []
        for doc in docs:
            buf.append(doc)
            if len(buf) >= (batch_size or self.batch_size):
                yield from self._run(buf, predict)
                buf = []
        if buf:
            yield from self._run(buf, predict)

    def _run(self, docs: list[Doc], predict) -> list[Doc]:
        sents = [(d, s.start, s.end) for d in docs for s in d.sents if s.end - s.start > 1]
        sents.sort(key=lambda x: x[2] - x[1])  # batches of similar length pad little
        for i in range(0, len(sents), self.batch_size):
            chunk = sents[i : i + self.batch_size]
            words = [[t.text for t in d[a:b]] for d, a, b in chunk]
            extra = [_candidates(d, a, b) for d, a, b in chunk]
            preds = predict(
                self.net,
                self.tokenizer,
                words,
                extra,
                entity_threshold=self.entity_threshold,
                relation_threshold=self.relation_threshold,
            )
            for (doc, a, _), p in zip(chunk, preds):
                for s, e, typ, _ in p.entities:
                    _reconcile(doc, a + s, a + e, typ)
                pending = doc.user_data.setdefault(PENDING, [])
                for x, y, rel, prob in p.relations:
                    sx, sy = p.spans[x], p.spans[y]
                    pending.append((a + sx[0], a + sx[1], a + sy[0], a + sy[1], rel, round(prob, 2)))
        return docs


def _candidates(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """kg's mentions inside the sentence that can take part in a relation, relative to its start."""
    ents = doc._.kg_entities or {}
    out = []
    for m in doc._.kg_mentions or []:
        info = ents.get(m.entity_id)
        if info is not None and info.type in _ARGUMENT_TYPES and start <= m.start and m.end <= end:
            out.append((m.start - start, m.end - start))
    return out


def _reconcile(doc: Doc, start: int, end: int, model_type: str) -> None:
    """The transformer's entity span [start, end) in kg's mentions (see the module's docstring)."""
    ents = attrs.get(doc, "kg_entities")
    mentions = attrs.get(doc, "kg_mentions")
    token_entity = attrs.get(doc, "kg_token_entity")
    over = [m for m in mentions if m.start < end and start < m.end]
    if any(m.entity_id not in ents or ents[m.entity_id].type not in _REBOUND for m in over):
        return
    if over:
        keep = max(over, key=lambda m: min(m.end, end) - max(m.start, start))
        eid = _retyped(doc, keep.entity_id, model_type, start, end)
        for m in over:
            mentions.remove(m)
            for i in range(m.start, m.end):
                token_entity.pop(i, None)
        mentions.append(attrs.MentionInfo(eid, start, end))
        for i in range(start, end):
            token_entity[i] = eid
        return
    if model_type == "Other" or any(t.is_punct for t in (doc[start], doc[end - 1])):
        return
    typ = _catalogue_type(doc, start, end, model_type)
    name = doc[start:end].text
    eid = ids.entity_id(name, typ)
    if eid not in ents:
        ents[eid] = attrs.EntityInfo(id=eid, name=name, type=typ, aliases={name})
    mentions.append(attrs.MentionInfo(eid, start, end))
    for i in range(start, end):
        token_entity[i] = eid


_KINDS = {"Person": {"Person"}, "Organization": {"Organization", "Media", "Group"}, "Location": {"GPE", "Location"}}


def _catalogue_type(doc: Doc, start: int, end: int, model_type: str) -> str:
    if model_type != "Location":
        return model_type
    return "GPE" if any(t.ent_type_ in ("GPE", "NORP") for t in doc[start:end]) else "Location"


def _retyped(doc: Doc, eid: str, model_type: str, start: int, end: int) -> str:
    """The entity's id after the transformer's type: changed (with all its mentions) only where the
    rules had no knowledge-base entry for it and the two disagree on the kind (a person, an
    organisation, a place)."""
    ents = doc._.kg_entities
    info = ents[eid]
    if model_type not in _KINDS or info.type in _KINDS[model_type] or info.attrs:
        return eid
    typ = _catalogue_type(doc, start, end, model_type)
    new = ids.entity_id(info.name, typ)
    if new not in ents:
        ents[new] = attrs.EntityInfo(id=new, name=info.name, type=typ, aliases=set(info.aliases))
    for m in doc._.kg_mentions:
        if m.entity_id == eid:
            m.entity_id = new
    token_entity = doc._.kg_token_entity
    for i, e in list(token_entity.items()):
        if e == eid:
            token_entity[i] = new
    del ents[eid]
    return new


class TransformerRelations(LexiconUser):
    def __init__(self, nlp: Language, name: str, exclude: Iterable[str] = ()):
        self.name = name
        self.exclude = frozenset(exclude)
        self.cat = catalogue.load()
        super().__init__()

    def __call__(self, doc: Doc) -> Doc:
        pending = doc.user_data.pop(PENDING, None)
        if not pending:
            return doc
        ents = doc._.kg_entities or {}
        at = {(m.start, m.end): m.entity_id for m in doc._.kg_mentions or []}
        hits = attrs.get(doc, "kg_relations")
        known = {(h.subject, h.predicate, h.object, h.sent_start): h for h in [*hits, *(doc._.kg_positions or [])]}
        best: dict[tuple, tuple] = {}
        for s0, s1, o0, o1, rel, prob in pending:
            s, o = at.get((s0, s1)), at.get((o0, o1))
            if rel in self.exclude or s is None or o is None or s == o or s not in ents or o not in ents:
                continue
            if not self.cat.relation(rel).allows(ents[s].type, ents[o].type):
                continue
            key = (s, rel, o, attrs.sentence(doc[s0]).start_char)
            if key not in best or prob > best[key][0]:
                best[key] = (prob, doc[s0:s1], doc[o0:o1])
        for key, (prob, a, b) in best.items():
            if key in known:  # the rules found it too: keep theirs, with the higher confidence
                known[key].confidence = round(max(known[key].confidence, prob), 2)
                continue
            modality, negated = _clause(self, a, b)
            if negated:
                continue
            s, rel, o, _ = key
            hits.append(args.hit(doc, rel, s, o, [a[0], a[-1], b[0], b[-1]], EXTRACTOR, prob, modality))
        return doc


def _clause(comp: TransformerRelations, a, b) -> tuple[str, bool]:
    """Modality and negation of the word joining the two mentions in the parse, as the rules judge them
    (asserted when the sentence was not parsed)."""
    if not a.doc.has_annotation("DEP"):
        return "asserted", False
    up = {a.root.i, *(t.i for t in a.root.ancestors)}
    lca = next((t for t in (b.root, *b.root.ancestors) if t.i in up), None)
    if lca is None:
        return "asserted", False
    return args.modality_and_negation(lca, comp.lex.modality, comp.lex.negation_governors)


@Language.factory(
    "kg_transformer_entities",
    assigns=["doc._.kg_entities", "doc._.kg_mentions", "doc._.kg_token_entity"],
    requires=["doc._.kg_entities", "doc._.kg_mentions"],
    default_config={
        "entity_threshold": 0.5,
        "relation_threshold": 0.5,
        "batch_size": 32,
        "threads": 1,
        "quantize": False,
    },
)
def make_transformer_entities(
    nlp: Language,
    name: str,
    entity_threshold: float,
    relation_threshold: float,
    batch_size: int,
    threads: int,
    quantize: bool,
) -> TransformerEntities:
    return TransformerEntities(nlp, name, entity_threshold, relation_threshold, batch_size, threads, quantize)


@Language.factory(
    "kg_transformer_relations",
    assigns=["doc._.kg_relations"],
    requires=["doc._.kg_mentions", "doc._.kg_entities", "doc._.kg_relations"],
    default_config={"exclude": []},
)
def make_transformer_relations(nlp: Language, name: str, exclude: list[str]) -> TransformerRelations:
    return TransformerRelations(nlp, name, exclude)
