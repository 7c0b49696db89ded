"""CrossRE (1.0 news/politics, 2.0 news): end-to-end relation extraction on the labels kg can produce.

Each sentence's tokens are joined with spaces and run through the pipeline; our relations are mapped
to CrossRE labels by ``pipelines/eval/crossre.toml`` and scored by
:class:`~kg.evaluate.relations.RelationScorer` (strict: label + exact token spans of both arguments;
relaxed: label + each gold argument's head word inside our mention). Gold relations of the other
CrossRE labels (win-defeat, temporal, part-of, ...) are out of scope and not counted. Labels listed
as ``symmetric`` in the mapping (``opposite``) match in either direction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kg.evaluate.mapping import LabelMap
from kg.evaluate.relations import GoldRelation, score_relations
from kg.evaluate.report import Report
from kg.evaluate.spans import TokenSpan, token_offsets

NAME = "crossre"


@dataclass
class Sentence:
    id: str
    tokens: list[str]
    entities: list[tuple[int, int, str]]  # token start, exclusive end, type
    relations: list[GoldRelation]  # label, head, tail (exclusive ends)

    @property
    def text(self) -> str:
        return token_offsets(self.tokens)[0]

    def gold(self) -> list[GoldRelation]:
        return self.relations


def load(path: str | Path, limit: int | None = None) -> list[Sentence]:
    """Sentences of a CrossRE JSON-lines file, token ends converted from inclusive to exclusive."""
    out: list[Sentence] = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if limit is not None and len(out) >= limit:
                break
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                ents = [(s, e + 1, t) for s, e, t in d["ner"]]
                rels = [(r[4], TokenSpan(r[0], r[1] + 1), TokenSpan(r[2], r[3] + 1)) for r in d["relations"]]
                out.append(Sentence(d.get("doc_key", str(lineno)), d["sentence"], ents, rels))
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                raise ValueError(f"{path}:{lineno}: not a CrossRE sentence: {exc}") from None
    return out


def evaluate(path: str | Path, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 32) -> Report:
    scorer = score_relations(NAME, path, load(path, limit), nlp, mapping, limit, batch_size)
    scorer.report.notes.append(
        f"scored labels: {', '.join(mapping.labels)}; gold relations of other labels are not counted"
    )
    return scorer.finish().done()
