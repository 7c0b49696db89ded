"""Decoding the span network's scores: entity spans (non-overlapping, best first) and scored relations.

Used alike by training (dev scores for model selection) and by the ``kg_transformer`` component.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from kg.nlp.span_model import ENTITY_TYPES, SpanRelationNet, candidate_spans, featurize


@dataclass
class SentencePrediction:
    entities: list[tuple[int, int, str, float]] = field(default_factory=list)  # start, end, type, prob
    # candidate spans (predicted entities first, then the extra spans) and (i, j, relation, prob) over them
    spans: list[tuple[int, int]] = field(default_factory=list)
    relations: list[tuple[int, int, str, float]] = field(default_factory=list)


def decode_entities(probs: torch.Tensor, spans: list[tuple[int, int, int]], threshold: float) -> dict[int, list]:
    """Per sentence row, non-overlapping (start, end, type, prob), the most probable first: a span is an
    entity when its probability of being one (1 - P(none)) reaches ``threshold``, of its likeliest type."""
    is_entity = 1 - probs[:, 0]
    best_t = probs[:, 1:].argmax(dim=1)
    order = torch.argsort(is_entity, descending=True).tolist()
    taken: dict[int, set[int]] = {}
    out: dict[int, list] = {}
    for k in order:
        p = float(is_entity[k])
        if p < threshold:
            break
        row, s, e = spans[k]
        used = taken.setdefault(row, set())
        if used.intersection(range(s, e)):
            continue
        used.update(range(s, e))
        out.setdefault(row, []).append((s, e, ENTITY_TYPES[int(best_t[k]) + 1], p))
    return out


@torch.no_grad()
def predict(
    net: SpanRelationNet,
    tokenizer,
    sentences: list[list[str]],
    extra_spans: list[list[tuple[int, int]]] | None = None,
    *,
    entity_threshold: float = 0.5,
    relation_threshold: float = 0.5,
    relations: bool = True,
) -> list[SentencePrediction]:
    """Entities of each sentence, and relations over them and ``extra_spans`` (e.g. the rules' mentions),
    for sentences with at least two candidate spans."""
    net.eval()
    out = [SentencePrediction() for _ in sentences]
    if not sentences:
        return out
    feats = featurize(tokenizer, sentences, net.settings.max_pieces)
    words = net.words(**feats)
    cand = candidate_spans([len(s) for s in sentences], net.settings.max_width)
    vecs = net.spans(words, cand)
    probs = torch.softmax(net.entity_logits(vecs), dim=-1)
    found = decode_entities(probs, cand.tolist(), entity_threshold)
    if not relations:
        for row, ents in found.items():
            out[row].entities = sorted(ents)
        return out
    all_spans: list[tuple[int, int, int]] = []
    all_rows: list[int] = []
    for row in range(len(sentences)):
        ents = sorted(found.get(row, []))
        out[row].entities = ents
        spans = list(dict.fromkeys([(s, e) for s, e, _, _ in ents] + list((extra_spans or [[]] * len(sentences))[row])))
        spans = [(s, e) for s, e in spans if 0 <= s < e <= len(sentences[row])]
        out[row].spans = spans
        if len(spans) >= 2:
            all_spans.extend((row, s, e) for s, e in spans)
            all_rows.append(row)
    if not all_spans:
        return out
    sp = torch.tensor(all_spans, dtype=torch.long)
    span_vecs = net.spans(words, sp)
    types = net.entity_logits(span_vecs).argmax(dim=-1)
    pairs, owners = [], []
    base = 0
    for row in all_rows:
        n = len(out[row].spans)
        for i in range(n):
            for j in range(n):
                if i != j:
                    pairs.append((base + i, base + j))
                    owners.append((row, i, j))
        base += n
    logits = net.pairs(words, sp, span_vecs, types, torch.tensor(pairs, dtype=torch.long))
    rel_probs = torch.sigmoid(logits)
    labels = net.settings.labels
    hits = (rel_probs >= relation_threshold).nonzero().tolist()
    for k, r in hits:
        row, i, j = owners[k]
        out[row].relations.append((i, j, labels[r], float(rel_probs[k, r])))
    return out
