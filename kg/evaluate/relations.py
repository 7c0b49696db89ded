"""Running kg on gold relation sentences and scoring its relations against them (CoNLL04, KBP37,
CrossRE)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kg.evaluate.mapping import LabelMap
from kg.evaluate.metrics import Score, count, macro, match_one_to_one, micro
from kg.evaluate.report import Report
from kg.evaluate.spans import TokenSpan, char_to_tokens, token_offsets, with_heads

GoldRelation = tuple[str, TokenSpan, TokenSpan]  # label, head argument, tail argument


def pipe(nlp, items: Iterable[tuple[str, Any]], batch_size: int = 32):
    """(doc, graph, context) for each (text, context), through ``nlp.pipe`` and :func:`kg.nlp.graph.doc_to_graph`."""
    from kg.model import Article
    from kg.nlp.graph import doc_to_graph

    for n, (doc, ctx) in enumerate(nlp.pipe(items, as_tuples=True, batch_size=batch_size)):
        yield doc, doc_to_graph(doc, Article(id=f"eval-{n}", text=doc.text)), ctx


def score_relations(
    name: str, path, sentences, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 32
) -> RelationScorer:
    """kg's relations on gold sentences (each with ``text``, ``id``, ``tokens`` and ``gold()``), scored into a
    new report; add notes to ``scorer.report``, then ``scorer.finish().done()``."""
    scorer = RelationScorer(mapping, Report(name, str(path), limit=limit, headline="strict micro"))
    for doc, graph, sent in pipe(nlp, ((s.text, s) for s in sentences), batch_size):
        scorer.report.documents += 1
        scorer.add(doc, graph, sent.id, sent.tokens, sent.gold())
    return scorer


@dataclass
class PredictedRelation:
    """One of our relations in a dataset's terms: its label, and the character spans of each argument's
    mentions in the sentence the evidence is in (any of them may match the gold argument)."""

    label: str
    subject: str  # entity ids
    object: str
    subject_spans: list[tuple[int, int]]
    object_spans: list[tuple[int, int]]
    predicates: tuple[str, ...]  # ours, e.g. ("works_for",) or ("holds_position", "office_of")
    evidence: tuple[int, int]


def predicted_relations(doc, graph, mapping: LabelMap) -> list[PredictedRelation]:
    """Our relations (and chains) mapped to ``mapping``'s labels, one per (label, subject, object)."""
    sent_of: dict[tuple[int, int], tuple[int, int]] = {}

    def sentence(start: int, end: int) -> tuple[int, int]:
        if (start, end) not in sent_of:
            span = doc.char_span(start, max(end, start + 1), alignment_mode="expand")
            sent = span[0].sent if span is not None and len(span) else None
            sent_of[(start, end)] = (sent.start_char, sent.end_char) if sent is not None else (0, len(doc.text))
        return sent_of[(start, end)]

    def spans(eid: str, sent: tuple[int, int]) -> list[tuple[int, int]]:
        ms = [m for m in graph.mentions if m.entity_id == eid]
        inside = [(m.start, m.end) for m in ms if sent[0] <= m.start < sent[1]]
        return inside or [(m.start, m.end) for m in ms]

    out: dict[tuple[str, str, str], PredictedRelation] = {}

    def emit(label, inverse, s, o, preds, ev):
        if inverse:
            s, o = o, s
        key = (label, s, o)
        if key in out or s == o:
            return
        se, oe = graph.entity(s), graph.entity(o)
        if not mapping.allows(label, se.type if se else None, oe.type if oe else None):
            return
        sent = sentence(*ev)
        out[key] = PredictedRelation(label, s, o, spans(s, sent), spans(o, sent), preds, ev)

    for r in graph.relations:
        hit = mapping.label(r.predicate)
        if hit and not r.negated:
            emit(hit[0], hit[1], r.subject, r.object, (r.predicate,), (r.evidence.start, r.evidence.end))
    for first, second, label in mapping.chains:
        for a in graph.relations:
            if a.predicate != first or a.negated:
                continue
            for b in graph.relations:
                if (
                    b.predicate == second
                    and not b.negated
                    and b.subject == a.object
                    and sentence(a.evidence.start, a.evidence.end) == sentence(b.evidence.start, b.evidence.end)
                ):
                    emit(label, False, a.subject, b.object, (first, second), (a.evidence.start, a.evidence.end))
    return list(out.values())


class RelationScorer:
    """Strict and boundary-relaxed scores of our relations against gold relations between token spans.

    strict: label + both argument spans exact (one of our entity's mentions in the sentence covers
    exactly the gold tokens); relaxed: label + each gold argument's head word inside one of our
    mentions. Labels in ``mapping.symmetric`` match in either direction. Feed sentences with
    :meth:`add`, then :meth:`finish` writes micro/macro and per-label rows into the report.
    """

    def __init__(self, mapping: LabelMap, report: Report):
        self.mapping = mapping
        self.report = report
        self.strict = {t: Score() for t in mapping.labels}
        self.relaxed = {t: Score() for t in mapping.labels}

    def _args(self, g, p, ok) -> bool:
        fwd = any(ok(g[1], s) for s in p[1]) and any(ok(g[2], o) for o in p[2])
        if fwd or g[0] not in self.mapping.symmetric:
            return fwd
        return any(ok(g[1], o) for o in p[2]) and any(ok(g[2], s) for s in p[1])

    def exact(self, g, p) -> float:
        return float(g[0] == p[0] and self._args(g, p, TokenSpan.exact))

    def loose(self, g, p) -> float:
        return float(g[0] == p[0] and self._args(g, p, TokenSpan.head_in))

    def add(self, doc, graph, sid: str, tokens: Sequence[str], gold: Iterable[GoldRelation]) -> None:
        offsets = token_offsets(tokens)[1]
        gold = [g for g in dict.fromkeys(gold) if g[0] in self.mapping.labels]
        heads = {(sp.start, sp.end): sp for sp in with_heads(doc, [x for g in gold for x in g[1:]], offsets)}
        gold = [(t, heads[(h.start, h.end)], heads[(a.start, a.end)]) for t, h, a in gold]
        pred = []
        for r in predicted_relations(doc, graph, self.mapping):
            subj = [TokenSpan(*t) for s in r.subject_spans if (t := char_to_tokens(*s, offsets))]
            obj = [TokenSpan(*t) for s in r.object_spans if (t := char_to_tokens(*s, offsets))]
            pred.append((r.label, subj, obj, r))
        for label in self.mapping.labels:
            g_t = [g for g in gold if g[0] == label]
            p_t = [p for p in pred if p[0] == label]
            self.strict[label].add(count(g_t, p_t, self.exact))
            self.relaxed[label].add(count(g_t, p_t, self.loose))
        self._errors(sid, tokens, gold, pred)

    def finish(self) -> Report:
        r, labels = self.report, self.mapping.labels
        r.add("strict micro", micro(self.strict.values()))
        r.add("strict macro", macro([self.strict[t] for t in labels]))
        r.add("relaxed micro", micro(self.relaxed.values()))
        r.add("relaxed macro", macro([self.relaxed[t] for t in labels]))
        for t in labels:
            r.add(f"strict {t}", self.strict[t])
        for t in labels:
            r.add(f"relaxed {t}", self.relaxed[t])
        return r

    def _errors(self, sid: str, tokens: Sequence[str], gold, pred) -> None:
        def words(sp: TokenSpan) -> str:
            return " ".join(tokens[sp.start : sp.end])

        def show(p):
            return [p[0], [words(s) for s in p[1]], [words(o) for o in p[2]]]

        text = " ".join(tokens)
        matched = match_one_to_one(gold, pred, self.exact)
        g_ok = {gi for gi, _, _ in matched}
        p_ok = {pi for _, pi, _ in matched}
        for gi, g in enumerate(gold):
            if gi not in g_ok:
                near = [show(p) for p in pred if self.loose(g, p)]
                self.report.errors.append(
                    {
                        "kind": "boundary" if near else "fn",
                        "id": sid,
                        "text": text,
                        "gold": [g[0], words(g[1]), words(g[2])],
                        "pred": near,
                    }
                )
        for pi, p in enumerate(pred):
            if pi not in p_ok and not any(self.loose(g, p) for g in gold):
                self.report.errors.append(
                    {"kind": "fp", "id": sid, "text": text, "pred": show(p), "predicates": list(p[3].predicates)}
                )
