"""KBP37: does the end-to-end pipeline link the two marked spans with the right relation?

KBP37 is a classification set (one label per sentence for a marked pair); kg is run end to end on
the sentence with the markers removed. For the marked pair we predict ``label(e1,e2)`` when one of
our relations (mapped by ``pipelines/eval/kbp37.toml``) has its subject mentioned over ``<e1>`` and
its object over ``<e2>`` (a mention *overlapping* the marked span: the marked spans are often
partial, "<e1> Defence </e1> Minister"), and ``label(e2,e1)`` the other way round.

- precision: over the predictions of the scored labels (per:title, per:employee_of; each label and
  direction counts once per sentence), how many are the gold label, direction included;
- recall: over the gold instances of the scored labels, how many we predicted.

A second, inverse-aware variant also accepts KBP's inverse pair ``org:top_members/employees(x,y)``
as ``per:employee_of(y,x)`` (in gold and prediction alike, per ``[inverse_labels]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kg.evaluate.mapping import LabelMap
from kg.evaluate.metrics import Score, micro
from kg.evaluate.relations import pipe, predicted_relations
from kg.evaluate.report import Report
from kg.evaluate.spans import overlap

NAME = "kbp37"
_LABEL_RE = re.compile(r"^([\w:/-]+)\((e[12]),(e[12])\)$")
_MARKERS = {"<e1>", "</e1>", "<e2>", "</e2>"}


@dataclass
class Instance:
    id: str
    text: str
    e1: tuple[int, int]  # character spans in text
    e2: tuple[int, int]
    label: str  # "per:title(e1,e2)" or "no_relation"

    @property
    def relation(self) -> str | None:
        m = _LABEL_RE.match(self.label)
        return m.group(1) if m else None

    def normalised(self, inverse: dict[str, str]) -> str:
        """The label with an inverse relation turned round:
        org:top_members/employees(e1,e2) -> per:employee_of(e2,e1)."""
        m = _LABEL_RE.match(self.label)
        if m and m.group(1) in inverse:
            return f"{inverse[m.group(1)]}({m.group(3)},{m.group(2)})"
        return self.label


def parse_sentence(marked: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Text without markers (tokens joined by one space) and the e1, e2 character spans.

    >>> parse_sentence('" <e1> Henk Kamp </e1> is <e2> Defence </e2> Minister . "')
    ('Henk Kamp is Defence Minister .', (0, 9), (13, 20))
    """
    s = marked.strip()
    if len(s) >= 2 and s[0] == '"' and s[-1] == '"':
        s = s[1:-1]
    out: list[str] = []
    pos = 0
    starts: dict[str, int] = {}
    spans: dict[str, tuple[int, int]] = {}
    for tok in s.split():
        if tok in _MARKERS:
            name = tok.strip("</>")
            if tok.startswith("</"):
                spans[name] = (starts.get(name, pos), max(starts.get(name, pos), pos - 1 if out else 0))
            else:
                starts[name] = pos
            continue
        out.append(tok)
        pos += len(tok) + 1
    if "e1" not in spans or "e2" not in spans:
        raise ValueError(f"no <e1>/<e2> pair in {marked[:80]!r}")
    return " ".join(out), spans["e1"], spans["e2"]


def load(path: str | Path, limit: int | None = None) -> list[Instance]:
    """Instances of a KBP37 file: an ``id<TAB>"sentence"`` line, a label line, blank lines."""
    out: list[Instance] = []
    with open(path, encoding="utf-8") as fh:
        lines = [ln.rstrip("\n") for ln in fh]
    i = 0
    while i < len(lines) and (limit is None or len(out) < limit):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        ident, _, marked = line.partition("\t")
        if not marked or i + 1 >= len(lines):
            raise ValueError(f"{path}:{i + 1}: expected 'id<TAB>\"sentence\"' followed by a label line")
        text, e1, e2 = parse_sentence(marked)
        out.append(Instance(ident.strip(), text, e1, e2, lines[i + 1].strip()))
        i += 2
    return out


def _predict(doc, graph, inst: Instance, mapping: LabelMap) -> set[str]:
    labels: set[str] = set()
    for r in predicted_relations(doc, graph, mapping):
        s1 = any(overlap(s, inst.e1) for s in r.subject_spans)
        s2 = any(overlap(s, inst.e2) for s in r.subject_spans)
        o1 = any(overlap(o, inst.e1) for o in r.object_spans)
        o2 = any(overlap(o, inst.e2) for o in r.object_spans)
        if s1 and o2:
            labels.add(f"{r.label}(e1,e2)")
        if s2 and o1:
            labels.add(f"{r.label}(e2,e1)")
    return labels


def evaluate(path: str | Path, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 32) -> Report:
    data = load(path, limit)
    report = Report(NAME, str(path), limit=limit, headline="micro")
    inverse = dict(mapping.extra.get("inverse_labels", {}))
    scored = set(mapping.labels)
    per = {t: Score() for t in mapping.labels}
    inv = Score()
    for doc, graph, inst in pipe(nlp, ((x.text, x) for x in data), batch_size):
        report.documents += 1
        pred = _predict(doc, graph, inst, mapping)
        gold_rel = inst.relation
        for t in mapping.labels:
            p_t = {p for p in pred if p.startswith(t + "(")}
            g_t = {inst.label} if gold_rel == t else set()
            per[t].add(Score(len(p_t & g_t), len(p_t - g_t), len(g_t - p_t)))
        # inverse-aware: the gold label turned round where KBP has an inverse pair
        g_norm = inst.normalised(inverse)
        g_set = {g_norm} if g_norm.split("(")[0] in scored else set()
        inv.add(Score(len(pred & g_set), len(pred - g_set), len(g_set - pred)))
        for p in pred - {inst.label}:
            report.errors.append(
                {
                    "kind": "fp" if p != g_norm else "inverse",
                    "id": inst.id,
                    "text": inst.text,
                    "e1": inst.text[slice(*inst.e1)],
                    "e2": inst.text[slice(*inst.e2)],
                    "gold": inst.label,
                    "pred": p,
                }
            )
        if gold_rel in scored and inst.label not in pred:
            report.errors.append(
                {
                    "kind": "fn",
                    "id": inst.id,
                    "text": inst.text,
                    "e1": inst.text[slice(*inst.e1)],
                    "e2": inst.text[slice(*inst.e2)],
                    "gold": inst.label,
                    "pred": sorted(pred),
                }
            )
    report.add("micro", micro(per.values()))
    for t in mapping.labels:
        report.add(t, per[t])
    if inverse:
        report.add("micro, inverse-aware", inv)
        report.notes.append("inverse-aware: " + ", ".join(f"{k}(x,y) counted as {v}(y,x)" for k, v in inverse.items()))
    report.notes.append(
        "labels are scored with their direction; precision over our predictions of the scored "
        "labels for the marked pair, recall over gold instances of them"
    )
    return report.done()
