"""CoNLL04 (SpERT JSON): end-to-end relation extraction, strict and boundary-relaxed.

Each sentence's tokens are joined with spaces and run through the real pipeline. Our relations
(mapped by ``pipelines/eval/conll04.toml``) are compared with the gold relations:

- **strict**: the relation type and both argument spans are right — an argument is right when one
  of our entity's mentions in that sentence covers exactly the gold tokens (our character offsets
  are mapped back to the gold tokens, so "theater" matches the glued gold token "theater.");
- **boundary-relaxed**: the type is right and, for both arguments, the head word of the gold span
  (its syntactic root in our parse) lies inside one of our mentions ("Lincoln" for "President Lincoln").

Entity types are not scored separately, but a relation of ours counts only when its argument types
fit CoNLL04's (the mapping's ``[types]``: a Work_For object is an organisation, never a country).
Micro averages sum the counts over the five types; macro averages their P/R/F1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.evaluate.mapping import LabelMap
from kg.evaluate.relations import GoldRelation, score_relations
from kg.evaluate.report import Report
from kg.evaluate.spans import TokenSpan, token_offsets

NAME = "conll04"


@dataclass
class Sentence:
    id: str
    tokens: list[str]
    entities: list[dict]  # {"type", "start", "end"} in tokens, end exclusive
    relations: list[dict]  # {"type", "head", "tail"} indices into entities

    @property
    def text(self) -> str:
        return token_offsets(self.tokens)[0]

    def gold(self) -> list[GoldRelation]:
        ents = [TokenSpan(e["start"], e["end"]) for e in self.entities]
        return [(r["type"], ents[r["head"]], ents[r["tail"]]) for r in self.relations]


def load(path: str | Path, limit: int | None = None) -> list[Sentence]:
    """The sentences of a SpERT-format JSON file (a list of objects), in file order."""
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a JSON list of sentences (SpERT format)")
    out = []
    for n, d in enumerate(data[:limit] if limit else data):
        out.append(Sentence(str(d.get("orig_id", n)), d["tokens"], d["entities"], d["relations"]))
    return out


def evaluate(path: str | Path, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 32) -> Report:
    scorer = score_relations(NAME, path, load(path, limit), nlp, mapping, limit, batch_size)
    report = scorer.report
    if "Kill" in mapping.labels and not any(lab == "Kill" for lab, _ in mapping.relations.values()):
        report.notes.append("Kill has no counterpart in the mapping: its recall is 0 by construction")
    report.notes.append(
        "strict = relation type + exact token spans of both arguments; relaxed = type + the gold "
        "span's head word inside our mention"
    )
    return scorer.finish().done()
