"""The evaluation report: named metrics (P/R/F1 or accuracy) with their counts, as a table or JSON."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from kg.evaluate.metrics import Accuracy, Averaged, Score


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
    def of(cls, name: str, s: Score | Averaged | Accuracy) -> Metric:
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

    def done(self) -> Report:
        self.seconds = time.perf_counter() - self._t0
        return self

    def as_dict(self, errors: bool = False) -> dict[str, Any]:
        head = self.metric(self.headline) if self.headline else None
        d: dict[str, Any] = {
            "dataset": self.dataset,
            "path": self.path,
            "documents": self.documents,
            "limit": self.limit,
            "headline": self.headline,
        }
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
            cells = (v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(vals, widths)))
            return "  ".join(cells).rstrip()

        limit = f", first {self.limit}" if self.limit else ""
        out = [
            f"{self.dataset}: {self.path} ({self.documents} documents{limit}, {self.seconds:.0f}s)",
            "",
            line(cols),
            line(["-" * w for w in widths]),
        ]
        out += [line(r) for r in rows]
        out += [""] + [f"note: {n}" for n in self.notes]
        return "\n".join(out)

    def show(self) -> str:
        """The errors (misses, false positives) one block each: kind and document, then their fields."""
        out = []
        for e in self.errors:
            head = f"[{e.get('kind', '?')}] {e.get('doc', '')}".rstrip()
            out.append(head)
            out += [f"    {k}: {v}" for k, v in e.items() if k not in ("kind", "doc")]
        return "\n".join(out) if out else "(no errors)"
