"""Training examples for the accurate mode's span network, from the gold sets' train and dev splits.

Gold labels become catalogue relations through the evaluation mappings (``pipelines/eval/*.toml``,
:meth:`~kg.evaluate.mapping.LabelMap.trained_relation`), so a label means the same in training and in
scoring. Gold data is partial: a pair is labelled only for the relations its dataset annotates
(``known``), and only CoNLL04 and CrossRE label every entity of a sentence (``complete``).

- CoNLL04: every entity, every ordered pair of entities (gold relations positive, the rest negative);
- CrossRE (news, politics): the same; ``physical`` becomes ``lives_in``, ``based_in`` or ``located_in``
  by the subject's type, as the catalogue's domains ask;
- KBP37: the marked pair in both directions, for ``holds_position`` and ``works_for``; its entities
  are not all marked, so it teaches no entity spans.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluate import kbp37
from kg.evaluate.mapping import load_mapping

Span = tuple[int, int]

_CONLL_TYPES = {"Peop": "Person", "Org": "Organization", "Loc": "Location", "Other": "Other"}
_CROSSRE_TYPES = {
    "person": "Person",
    "politician": "Person",
    "organisation": "Organization",
    "politicalparty": "Organization",
    "location": "Location",
    "country": "Location",
}
_PHYSICAL = {"Person": "lives_in", "Organization": "based_in"}
_WORD = re.compile(r"\S+")


@dataclass
class Example:
    source: str
    words: list[str]
    entities: list[tuple[int, int, str]]  # start, end (exclusive), model entity type
    complete: bool  # every entity of the sentence is in ``entities``
    pairs: list[tuple[Span, Span, set[str]]] = field(default_factory=list)  # subject, object, positives
    known: frozenset[str] = frozenset()  # the relations the dataset annotates for its pairs


def _trained(dataset: str) -> dict[str, str]:
    m = load_mapping(dataset)
    return {lab: hit[0] for lab in m.labels if (hit := m.trained_relation(lab)) is not None}


def conll04(path: Path) -> list[Example]:
    rel_of = _trained("conll04")
    known = frozenset(rel_of.values())
    out = []
    for d in json.loads(path.read_text(encoding="utf-8")):
        ents = [(e["start"], e["end"], _CONLL_TYPES.get(e["type"], "Other")) for e in d["entities"]]
        gold: dict[tuple[int, int], set[str]] = {}
        for r in d["relations"]:
            if r["type"] in rel_of:
                gold.setdefault((r["head"], r["tail"]), set()).add(rel_of[r["type"]])
        pairs = [
            (ents[a][:2], ents[b][:2], gold.get((a, b), set()))
            for a in range(len(ents))
            for b in range(len(ents))
            if a != b
        ]
        out.append(Example("conll04", d["tokens"], ents, True, pairs, known))
    return out


def crossre(path: Path) -> list[Example]:
    rel_of = _trained("crossre")
    known = frozenset([*rel_of.values(), *_PHYSICAL.values()])
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        ents = [(s, e + 1, _CROSSRE_TYPES.get(t, "Other")) for s, e, t in d["ner"]]
        type_of = {(s, e): t for s, e, t in ents}
        gold: dict[tuple[Span, Span], set[str]] = {}
        for r in d["relations"]:
            a, b, label = (r[0], r[1] + 1), (r[2], r[3] + 1), r[4]
            rel = rel_of.get(label)
            if label == "physical":
                rel = _PHYSICAL.get(type_of.get(a, ""), rel)
            if rel:
                gold.setdefault((a, b), set()).add(rel)
        spans = [e[:2] for e in ents]
        pairs = [(a, b, gold.get((a, b), set())) for a in spans for b in spans if a != b]
        out.append(Example("crossre", d["sentence"], ents, True, pairs, known))
    return out


def _words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    return [text[s:e] for s, e in spans], spans


def _token_span(offsets: list[tuple[int, int]], start: int, end: int) -> Span | None:
    inside = [k for k, (s, e) in enumerate(offsets) if s < end and e > start]
    return (inside[0], inside[-1] + 1) if inside else None


def kbp37_examples(path: Path, limit: int | None = None, seed: int = 0) -> list[Example]:
    """The marked pairs; with ``limit``, a seeded sample of half pairs of the trained relations and half
    others (KBP37 train is large; its negatives are what teaches precision)."""
    m = load_mapping("kbp37")
    inverse = dict(m.extra.get("inverse_labels", {}))
    rel_of = _trained("kbp37")
    known = frozenset(rel_of.values())
    pos: list[Example] = []
    neg: list[Example] = []
    for inst in kbp37.load(path):
        words, offsets = _words(inst.text)
        e1, e2 = _token_span(offsets, *inst.e1), _token_span(offsets, *inst.e2)
        if e1 is None or e2 is None or e1 == e2:
            continue
        name, _, direction = inst.normalised(inverse).partition("(")
        rel = rel_of.get(name)
        subj, obj = (e2, e1) if direction.startswith("e2") else (e1, e2)
        pairs = [(subj, obj, {rel} if rel else set()), (obj, subj, set())]
        (pos if rel else neg).append(Example("kbp37", words, [], False, pairs, known))
    if limit is None:
        return pos + neg
    rng = random.Random(seed)
    rng.shuffle(pos)
    rng.shuffle(neg)
    return pos[: limit // 2] + neg[: limit - min(len(pos), limit // 2)]


def load_splits(data: Path, kbp_limit: int = 3000, seed: int = 0) -> dict[str, list[Example]]:
    """``train`` and ``dev`` examples from the gold sets under ``data`` (never their test splits)."""
    out: dict[str, list[Example]] = {}
    for split, kbp in (("train", "train.txt"), ("dev", "dev.txt")):
        parts = conll04(data / "conll04" / f"conll04_{split}.json")
        for domain in ("news", "politics"):
            parts += crossre(data / "crossre" / f"{domain}-{split}.json")
        parts += kbp37_examples(data / "kbp37" / kbp, kbp_limit if split == "train" else kbp_limit // 3, seed)
        out[split] = parts
    return out
