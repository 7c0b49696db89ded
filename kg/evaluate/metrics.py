"""Counts and precision/recall/F1, micro and macro averages, accuracy, and one-to-one matching of gold
and predicted items.

>>> s = Score(tp=3, fp=1, fn=2)
>>> (s.precision, s.recall, round(s.f1, 4))
(0.75, 0.6, 0.6667)
>>> micro([Score(1, 1, 0), Score(0, 0, 2)]).f1
0.4
>>> macro([Score(1, 1, 0), Score(0, 0, 2)]).f1   # mean of per-type F1s: (2/3 + 0) / 2
0.3333333333333333
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

G = TypeVar("G")
P = TypeVar("P")


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

    def add(self, other: Score) -> Score:
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
    return Averaged(
        sum(s.precision for s in scores) / n, sum(s.recall for s in scores) / n, sum(s.f1 for s in scores) / n, n
    )


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0


def match_one_to_one(
    gold: Sequence[G], pred: Sequence[P], score: Callable[[G, P], float], threshold: float = 1.0
) -> list[tuple[int, int, float]]:
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
