"""What every dataset evaluation shares: counts and P/R/F1, span arithmetic,
one-to-one matching, the label mapping files and the report.

>>> s = Score(tp=3, fp=1, fn=2)
>>> (s.precision, s.recall, round(s.f1, 4))
(0.75, 0.6, 0.6667)
>>> micro([Score(1, 1, 0), Score(0, 0, 2)]).f1
0.4
>>> macro([Score(1, 1, 0), Score(0, 0, 2)]).f1   # mean of per-type F1s: (2/3 + 0) / 2
0.3333333333333333
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from kg.schema import catalogue
from kg.resources import PIPELINES

EVAL_DIR = PIPELINES / "eval"

G = TypeVar("G")
P = TypeVar("P")


# --------------------------------------------------------------------- scores


@dataclass
class Score:
    """True positives, false positives, false negatives; P/R/F1 are 0.0 when undefined."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Score") -> "Score":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    s = Score(tp, fp, fn)
    return s.precision, s.recall, s.f1


def micro(scores: Iterable[Score]) -> Score:
    """Sum the counts, then compute P/R/F1."""
    total = Score()
    for s in scores:
        total.add(s)
    return total


@dataclass
class Averaged:
    """A macro average: the mean of per-type precision, recall and F1 (F1 is the mean of F1s)."""

    precision: float
    recall: float
    f1: float
    n: int


def macro(scores: Sequence[Score]) -> Averaged:
    n = len(scores)
    if not n:
        return Averaged(0.0, 0.0, 0.0, 0)
    return Averaged(sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n,
                    sum(s.f1 for s in scores) / n, n)


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


# ---------------------------------------------------------------------- spans


def token_offsets(tokens: Sequence[str], sep: str = " ") -> tuple[str, list[tuple[int, int]]]:
    """Join ``tokens`` with ``sep``; the text and each token's character span in it.

    >>> token_offsets(["New", "York", "."])
    ('New York .', [(0, 3), (4, 8), (9, 10)])
    """
    offsets, pos = [], 0
    for tok in tokens:
        offsets.append((pos, pos + len(tok)))
        pos += len(tok) + len(sep)
    return sep.join(tokens), offsets


def char_to_tokens(start: int, end: int, offsets: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """The tokens (start, exclusive end) a character span touches, or None when it touches none.

    A span that cuts into a token ("theater" of the glued token "theater.") takes the whole token.

    >>> offs = token_offsets(["at", "the", "theater."])[1]
    >>> char_to_tokens(7, 14, offs)
    (2, 3)
    """
    first = last = None
    for i, (s, e) in enumerate(offsets):
        if s < end and start < e:
            if first is None:
                first = i
            last = i
        elif first is not None:
            break
    return None if first is None else (first, last + 1)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Length of the intersection of two half-open spans."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def positions(spans: Iterable[tuple[int, int]], text: str | None = None) -> set[int]:
    """Character positions covered by ``spans``; whitespace excluded when ``text`` is given."""
    out: set[int] = set()
    for s, e in spans:
        out.update(i for i in range(s, e) if text is None or not text[i].isspace())
    return out


def jaccard(a: set[int], b: set[int]) -> float:
    """|a ∩ b| / |a ∪ b| (0.0 for two empty sets).

    >>> jaccard({1, 2, 3, 4}, {3, 4, 5, 6})
    0.3333333333333333
    """
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True)
class TokenSpan:
    """An argument span in a dataset's own tokens: [start, end) and its syntactic head token."""

    start: int
    end: int
    head: int | None = None

    def exact(self, other: "TokenSpan") -> bool:
        return (self.start, self.end) == (other.start, other.end)

    def head_in(self, other: "TokenSpan") -> bool:
        """Boundary-relaxed: this (gold) span's head word lies inside ``other`` (the prediction)."""
        head = self.end - 1 if self.head is None else self.head
        return other.start <= head < other.end


# ------------------------------------------------------------------- matching


def match_one_to_one(gold: Sequence[G], pred: Sequence[P], score: Callable[[G, P], float],
                     threshold: float = 1.0) -> list[tuple[int, int, float]]:
    """Greedy one-to-one matching: pairs (gold index, pred index, score) with score >= threshold,
    best score first; each gold and each prediction is used at most once.

    >>> match_one_to_one([1, 5], [5, 1, 9], lambda g, p: float(g == p))
    [(0, 1, 1.0), (1, 0, 1.0)]
    """
    cands = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            s = score(g, p)
            if s >= threshold and s > 0:
                cands.append((-s, gi, pi))
    cands.sort()
    used_g, used_p, out = set(), set(), []
    for neg, gi, pi in cands:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi, -neg))
    return sorted(out)


def count(gold: Sequence[G], pred: Sequence[P], score: Callable[[G, P], float], threshold: float = 1.0) -> Score:
    """Score of a one-to-one matching: matched pairs are true positives, the rest fp/fn."""
    m = len(match_one_to_one(gold, pred, score, threshold))
    return Score(tp=m, fp=len(pred) - m, fn=len(gold) - m)


# ---------------------------------------------------------------- label maps


class MappingError(ValueError):
    """A pipelines/eval/<dataset>.toml file is malformed or names a relation not in the catalogue."""


@dataclass(frozen=True)
class LabelMap:
    """How our catalogue relations become one dataset's labels (``pipelines/eval/<dataset>.toml``).

    ``relations``: our relation name -> (dataset label, inverse?) where inverse means the dataset's
    head is our object. ``chains``: (first, second, label): ``A first B`` and ``B second C`` in one
    sentence give ``A label C`` ("A holds Office B, B is an office of C"). ``labels``: the dataset
    labels scored; ``symmetric``: labels scored without direction.
    """

    dataset: str
    labels: tuple[str, ...]
    relations: dict[str, tuple[str, bool]]
    chains: tuple[tuple[str, str, str], ...] = ()
    symmetric: frozenset[str] = frozenset()
    types: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self, predicate: str) -> tuple[str, bool] | None:
        return self.relations.get(predicate)

    def trained_relation(self, label: str) -> tuple[str, bool] | None:
        """The catalogue relation a model trained on this dataset learns for ``label`` (and whether the
        dataset's head is its object): the first relation ``[relations]`` lists for the label."""
        return next(((rel, inv) for rel, (lab, inv) in self.relations.items() if lab == label), None)

    def allows(self, label: str, subject_type: str | None, object_type: str | None) -> bool:
        subj, obj = self.types.get(label, (None, None))
        return (subj is None or subject_type in subj) and (obj is None or object_type in obj)


def load_mapping(dataset: str, path: str | Path | None = None) -> LabelMap:
    """Read and check ``pipelines/eval/<dataset>.toml`` (or ``path``)."""
    p = Path(path) if path else EVAL_DIR / f"{dataset}.toml"
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise MappingError(f"no label mapping for {dataset!r}: {p} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{p}: {exc}") from None
    cat = catalogue.load()
    known = set(cat.relations)
    labels = tuple(data.get("labels", []))
    if not labels:
        raise MappingError(f"{p}: 'labels' (the dataset labels to score) is missing or empty")

    def check(name: str, where: str) -> str:
        if name not in known:
            raise MappingError(f"{p}: {where} names {name!r}, which is not a relation in the catalogue")
        return name

    def check_label(label: str, where: str) -> str:
        if label not in labels:
            raise MappingError(f"{p}: {where} maps to {label!r}, which is not one of labels {list(labels)}")
        return label

    rels: dict[str, tuple[str, bool]] = {}
    for name, target in data.get("relations", {}).items():
        check(name, "[relations]")
        if isinstance(target, str):
            rels[name] = (check_label(target, f"[relations] {name}"), False)
        elif isinstance(target, dict) and isinstance(target.get("label"), str):
            rels[name] = (check_label(target["label"], f"[relations] {name}"), bool(target.get("inverse", False)))
        else:
            raise MappingError(f"{p}: [relations] {name} must be a label or {{ label = ..., inverse = true }}")
    chains = []
    for i, c in enumerate(data.get("chains", [])):
        try:
            first, second = c["path"]
            chains.append((check(first, f"chains[{i}]"), check(second, f"chains[{i}]"),
                           check_label(c["label"], f"chains[{i}]")))
        except (KeyError, TypeError, ValueError):
            raise MappingError(f"{p}: chains[{i}] must be {{ path = [first, second], label = ... }}") from None
    symmetric = frozenset(check_label(s, "symmetric") for s in data.get("symmetric", []))
    etypes = set(cat.entity_types)
    types = {}
    for label, t in data.get("types", {}).items():
        check_label(label, "[types]")
        if not isinstance(t, dict) or not set(t) <= {"subject", "object"}:
            raise MappingError(f"{p}: [types] {label} must be {{ subject = [...], object = [...] }}")
        sides = []
        for side in ("subject", "object"):
            names = t.get(side)
            if names is not None and (not isinstance(names, list) or not set(names) <= etypes):
                raise MappingError(f"{p}: [types] {label}.{side} must list catalogue entity types, got {names!r}")
            sides.append(frozenset(names) if names is not None else None)
        types[label] = tuple(sides)
    extra = {k: v for k, v in data.items() if k not in ("labels", "relations", "chains", "symmetric", "types")}
    return LabelMap(dataset, labels, rels, tuple(chains), symmetric, types, extra)


# --------------------------------------------------------------------- report


@dataclass
class Metric:
    """One row of a report: a P/R/F1 score, a macro average or an accuracy."""

    name: str
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    accuracy: float | None = None
    tp: int | None = None
    fp: int | None = None
    fn: int | None = None
    n: int | None = None  # accuracy: items judged; macro: types averaged

    @classmethod
    def of(cls, name: str, s: Score | Averaged | Accuracy) -> "Metric":
        if isinstance(s, Score):
            return cls(name, s.precision, s.recall, s.f1, tp=s.tp, fp=s.fp, fn=s.fn)
        if isinstance(s, Averaged):
            return cls(name, s.precision, s.recall, s.f1, n=s.n)
        return cls(name, accuracy=s.value, tp=s.correct, n=s.total)

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items() if v is not None}


@dataclass
class Report:
    """The outcome of one evaluation. ``headline`` names the metric reported as precision/recall/f1."""

    dataset: str
    path: str
    documents: int = 0
    headline: str = ""
    metrics: list[Metric] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # false positives/negatives, for analysis
    limit: int | None = None
    seconds: float = 0.0
    _t0: float = field(default_factory=time.perf_counter, repr=False)

    def add(self, name: str, s: Score | Averaged | Accuracy) -> Metric:
        m = Metric.of(name, s)
        self.metrics.append(m)
        return m

    def metric(self, name: str) -> Metric:
        for m in self.metrics:
            if m.name == name:
                return m
        raise KeyError(f"no metric {name!r} in the {self.dataset} report")

    def done(self) -> "Report":
        self.seconds = time.perf_counter() - self._t0
        return self

    def as_dict(self, errors: bool = False) -> dict[str, Any]:
        head = self.metric(self.headline) if self.headline else None
        d: dict[str, Any] = {"dataset": self.dataset, "path": self.path, "documents": self.documents,
                             "limit": self.limit, "headline": self.headline}
        for k in ("precision", "recall", "f1"):
            v = getattr(head, k) if head else None
            d[k] = round(v, 4) if v is not None else None
        d["metrics"] = [m.as_dict() for m in self.metrics]
        d["notes"] = list(self.notes)
        d["seconds"] = round(self.seconds, 1)
        if errors:
            d["errors"] = self.errors
        return d

    def rows(self) -> tuple[list[str], list[list[Any]]]:
        cols = ["metric", "precision", "recall", "f1", "accuracy", "tp", "fp", "fn", "n"]

        def cell(v):
            return f"{v:.3f}" if isinstance(v, float) else ("" if v is None else v)

        return cols, [[cell(getattr(m, c)) if c != "metric" else m.name for c in cols] for m in self.metrics]

    def table(self) -> str:
        """The metrics as a plain-text table, with a title line and the notes under it."""
        cols, rows = self.rows()
        keep = [i for i, c in enumerate(cols) if c == "metric" or any(r[i] != "" for r in rows)]
        cols, rows = [cols[i] for i in keep], [[str(r[i]) for i in keep] for r in rows]
        widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]

        def line(vals):
            return "  ".join(v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(vals, widths))).rstrip()

        limit = f", first {self.limit}" if self.limit else ""
        out = [f"{self.dataset}: {self.path} ({self.documents} documents{limit}, {self.seconds:.0f}s)", "",
               line(cols), line(["-" * w for w in widths])]
        out += [line(r) for r in rows]
        out += [""] + [f"note: {n}" for n in self.notes]
        return "\n".join(out)


# ------------------------------------------------------------ running kg on gold


def pipe(nlp, items: Iterable[tuple[str, Any]], batch_size: int = 32):
    """(doc, graph, context) for each (text, context), through ``nlp.pipe`` and :func:`kg.nlp.graph.doc_to_graph`."""
    from kg.nlp.graph import doc_to_graph
    from kg.model import Article

    for n, (doc, ctx) in enumerate(nlp.pipe(items, as_tuples=True, batch_size=batch_size)):
        yield doc, doc_to_graph(doc, Article(id=f"eval-{n}", text=doc.text)), ctx


def score_relations(name: str, path, sentences, nlp, mapping: "LabelMap", limit: int | None = None,
                    batch_size: int = 32) -> "RelationScorer":
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
                if b.predicate == second and not b.negated and b.subject == a.object and \
                        sentence(a.evidence.start, a.evidence.end) == sentence(b.evidence.start, b.evidence.end):
                    emit(label, False, a.subject, b.object, (first, second), (a.evidence.start, a.evidence.end))
    return list(out.values())


def with_heads(doc, spans: Iterable[TokenSpan], offsets: Sequence[tuple[int, int]]) -> list[TokenSpan]:
    """Gold spans (in the dataset's tokens) with their head token: the span's root in our parse of the text."""
    out = []
    for sp in spans:
        head = None
        chars = doc.char_span(offsets[sp.start][0], offsets[sp.end - 1][1], alignment_mode="expand")
        if chars is not None and len(chars):
            root = chars.root
            toks = char_to_tokens(root.idx, root.idx + len(root), offsets)
            if toks and sp.start <= toks[0] < sp.end:
                head = toks[0]
        out.append(TokenSpan(sp.start, sp.end, head))
    return out


GoldRelation = tuple[str, TokenSpan, TokenSpan]  # label, head argument, tail argument


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
        for t in self.mapping.labels:
            g_t = [g for g in gold if g[0] == t]
            p_t = [p for p in pred if p[0] == t]
            self.strict[t].add(count(g_t, p_t, self.exact))
            self.relaxed[t].add(count(g_t, p_t, self.loose))
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
                self.report.errors.append({"kind": "boundary" if near else "fn", "id": sid, "text": text,
                                           "gold": [g[0], words(g[1]), words(g[2])], "pred": near})
        for pi, p in enumerate(pred):
            if pi not in p_ok and not any(self.loose(g, p) for g in gold):
                self.report.errors.append({"kind": "fp", "id": sid, "text": text, "pred": show(p),
                                           "predicates": list(p[3].predicates)})
