"""PolNeAR: kg's quotes against gold attribution relations (brat standoff).

Each article's ``text/<name>.txt`` is run through the pipeline; every quote kg finds (direct or
reported) is matched one-to-one against the gold attributions' Content spans by the Jaccard overlap
of their non-space characters, at the thresholds in ``pipelines/eval/polnear.toml`` (0.3, 0.8).

- quote P/R/F1 at each threshold, over all gold attributions and over the *direct* subset (gold
  Content starting with a quotation mark, against our ``kind == "direct"`` quotes);
- speaker accuracy over matched quotes whose gold attribution has a Source: right when one of our
  speaker's mentions overlaps the Source span, when our coreference resolves a token of the Source
  span ("he", "the senator") to our speaker, or when the Source names it ("Mr. Obama" for
  Barack Obama); a quote we left unattributed counts as wrong;
- quote+speaker P/R/F1: a match only when the speaker is right as well.

One annotator file per article: the first annotator listed for it in ``metadata*.tsv`` next to the
split folder, else the first ``.ann`` file by name.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.evaluate.mapping import LabelMap
from kg.evaluate.metrics import Accuracy, Score, match_one_to_one
from kg.evaluate.relations import pipe
from kg.evaluate.report import Report
from kg.evaluate.spans import jaccard, overlap, positions

NAME = "polnear"
_TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "the", "president", "senator", "secretary", "gen"}


@dataclass
class Attribution:
    id: str
    content: list[tuple[int, int]]  # character segments (discontinuous spans have several)
    source: list[tuple[int, int]] = field(default_factory=list)
    cue: list[tuple[int, int]] = field(default_factory=list)
    content_text: str = ""
    source_text: str = ""


@dataclass
class Document:
    name: str
    text: str
    attributions: list[Attribution]
    annotator: str = ""


def _segments(spec: str) -> list[tuple[int, int]]:
    """'315 448;463 553' -> [(315, 448), (463, 553)]"""
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return out


def parse_ann(ann: str, text: str) -> list[Attribution]:
    """The attribution relations (``E`` lines) of a brat .ann file; those without a Content are dropped."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for line in ann.splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            label, _, spec = parts[1].partition(" ")
            spans[parts[0]] = (label, _segments(spec))
        elif line.startswith("E"):
            ident, _, rest = line.partition("\t")
            pairs = []
            for a in rest.split():
                role, sep, tid = a.partition(":")
                if sep:
                    pairs.append((role, tid))
            events.append((ident, pairs))
    out = []
    for ident, args in events:
        roles: dict[str, list[tuple[int, int]]] = {}
        for role, tid in args[1:]:
            role = re.sub(r"\d+$", "", role)  # Content2 is more Content
            if tid in spans:
                roles.setdefault(role, []).extend(spans[tid][1])
        if not roles.get("Content"):
            continue
        content = sorted(roles["Content"])
        source = sorted(roles.get("Source", []))
        out.append(
            Attribution(
                ident,
                content,
                source,
                sorted(roles.get("Cue", [])),
                " ".join(text[a:b] for a, b in content),
                " ".join(text[a:b] for a, b in source),
            )
        )
    return out


def _annotators(split: Path) -> dict[str, str]:
    """article name -> first annotator, from a metadata TSV next to (or inside) the split folder."""
    out: dict[str, str] = {}
    for meta in sorted([*split.parent.glob("metadata*.tsv"), *split.glob("metadata*.tsv")]):
        with open(meta, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                if row.get("filename") and row.get("annotators"):
                    out.setdefault(row["filename"], row["annotators"].split("|")[0])
    return out


def load(path: str | Path, limit: int | None = None) -> list[Document]:
    """The articles of a PolNeAR split folder (``text/*.txt`` + ``attributions/*.ann``), by file name."""
    split = Path(path)
    texts = sorted((split / "text").glob("*.txt"))
    if not texts:
        raise ValueError(f"{split}: no text/*.txt (expected a PolNeAR split folder such as .../polnear/dev)")
    first = _annotators(split)
    out: list[Document] = []
    for t in texts:
        if limit is not None and len(out) >= limit:
            break
        name = t.stem
        anns = sorted((split / "attributions").glob(f"{name}_*.ann"))
        if not anns:
            continue
        preferred = [a for a in anns if a.stem == f"{name}_{first.get(name)}"]
        ann = (preferred or anns)[0]
        with open(t, encoding="utf-8", newline="") as fh:
            text = fh.read()
        out.append(Document(name, text, parse_ann(ann.read_text(encoding="utf-8"), text), ann.stem.rsplit("_", 1)[-1]))
    return out


def _norm_words(s: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", s.casefold().replace("’", "'")) if w.rstrip(".") not in _TITLES]


def speaker_ok(doc, graph, speaker: str | None, gold: Attribution) -> bool:
    """Is our ``speaker`` (entity id) the gold Source: mention overlap, coreference or name."""
    if speaker is None or not gold.source:
        return False
    for m in graph.mentions:
        if m.entity_id == speaker and any(overlap((m.start, m.end), s) for s in gold.source):
            return True
    coref = doc._.kg_coref or {}
    for tok in doc:
        if coref.get(tok.i) == speaker and any(overlap((tok.idx, tok.idx + len(tok)), s) for s in gold.source):
            return True
    ent = graph.entity(speaker)
    if ent is None:
        return False
    src = " ".join(_norm_words(gold.source_text))
    names = {" ".join(_norm_words(n)) for n in (ent.name, *ent.aliases)}
    if ent.type == "Person" and len(ent.name.split()) > 1:
        names.add(_norm_words(ent.name)[-1] if _norm_words(ent.name) else "")
    return bool(src) and (
        src in names
        or any(n and n in src.split(" ") for n in names if " " not in n)
        or any(n and f" {n} " in f" {src} " for n in names)
    )


def _overlap(gold_pos: list[set[int]], pred_pos: list[set[int]]) -> Callable[[int, int], float]:
    """score(gi, pi): the Jaccard overlap of gold quote ``gi`` and predicted quote ``pi``, each pair computed once."""
    sim: dict[tuple[int, int], float] = {}

    def score(gi: int, pi: int) -> float:
        if (gi, pi) not in sim:
            sim[(gi, pi)] = jaccard(gold_pos[gi], pred_pos[pi])
        return sim[(gi, pi)]

    return score


def evaluate(path: str | Path, nlp, mapping: LabelMap, limit: int | None = None, batch_size: int = 8) -> Report:
    docs = load(path, limit)
    thresholds = [float(t) for t in mapping.extra.get("thresholds", [0.3, 0.8])]
    head = float(mapping.extra.get("headline", thresholds[0]))
    marks = tuple(mapping.extra.get("quote_marks", ['"', "“"]))
    report = Report(NAME, str(path), limit=limit, headline=f"quote overlap>={head:g}")
    scores = {(sub, t): Score() for sub in ("all", "direct") for t in thresholds}
    joint = {t: Score() for t in thresholds}
    speaker = {t: Accuracy() for t in thresholds}
    for doc, graph, d in pipe(nlp, ((x.text, x) for x in docs), batch_size):
        report.documents += 1
        text = d.text
        gold_pos = [positions(a.content, text) for a in d.attributions]
        preds = graph.quotes
        pred_pos = [positions([(q.evidence.start, q.evidence.end)], text) for q in preds]
        score = _overlap(gold_pos, pred_pos)
        all_g, all_p = list(range(len(d.attributions))), list(range(len(preds)))
        dir_g = [i for i in all_g if d.attributions[i].content_text.lstrip().startswith(marks)]
        dir_p = [i for i in all_p if preds[i].kind == "direct"]
        for t in thresholds:
            for sub, gs, ps in (("all", all_g, all_p), ("direct", dir_g, dir_p)):
                matched = match_one_to_one(gs, ps, score, t)
                scores[(sub, t)].add(Score(len(matched), len(ps) - len(matched), len(gs) - len(matched)))
                if sub != "all":
                    continue
                ok = 0
                for gi, pi, _ in matched:
                    a, q = d.attributions[gs[gi]], preds[ps[pi]]
                    right = speaker_ok(doc, graph, q.speaker, a)
                    ok += right
                    if a.source:
                        speaker[t].total += 1
                        speaker[t].correct += right
                        if not right and t == head:
                            sp = graph.entity(q.speaker) if q.speaker else None
                            report.errors.append(
                                {
                                    "kind": "speaker",
                                    "doc": d.name,
                                    "quote": q.text[:200],
                                    "gold_source": a.source_text,
                                    "pred_speaker": sp.name if sp else None,
                                    "cue": q.cue,
                                    "quote_kind": q.kind,
                                }
                            )
                joint[t].add(Score(ok, len(ps) - ok, len(gs) - ok))
                if t == head:
                    mg = {gs[gi] for gi, _, _ in matched}
                    mp = {ps[pi] for _, pi, _ in matched}
                    for i in all_g:
                        if i not in mg:
                            a = d.attributions[i]
                            cue = " ".join(text[x:y] for x, y in a.cue)
                            best = max((score(i, j) for j in all_p), default=0.0)
                            report.errors.append(
                                {
                                    "kind": "fn",
                                    "doc": d.name,
                                    "content": a.content_text[:200],
                                    "cue": cue,
                                    "source": a.source_text,
                                    "best_overlap": round(best, 2),
                                }
                            )
                    for j in all_p:
                        if j not in mp:
                            q = preds[j]
                            best = max((score(i, j) for i in all_g), default=0.0)
                            report.errors.append(
                                {
                                    "kind": "fp",
                                    "doc": d.name,
                                    "quote": q.text[:200],
                                    "cue": q.cue,
                                    "quote_kind": q.kind,
                                    "best_overlap": round(best, 2),
                                }
                            )
    for t in thresholds:
        report.add(f"quote overlap>={t:g}", scores[("all", t)])
    for t in thresholds:
        report.add(f"speaker accuracy overlap>={t:g}", speaker[t])
    for t in thresholds:
        report.add(f"quote+speaker overlap>={t:g}", joint[t])
    for t in thresholds:
        report.add(f"direct quotes overlap>={t:g}", scores[("direct", t)])
    report.notes.append("overlap = Jaccard of non-space characters with the gold Content span; one-to-one matching")
    report.notes.append(
        "gold = every attribution (direct, indirect and non-speech cues); 'direct' = gold Content "
        "starting with a quotation mark vs our direct quotes"
    )
    return report.done()
