"""Training data for ``kg_relation_classifier``, and the run of spaCy's training loop on it.

The gold files are read by the evaluation loaders (:mod:`kg.evaluate.conll04`, :mod:`kg.evaluate.kbp37`)
and their labels become catalogue relations through the evaluation mappings (``pipelines/eval/*.toml``,
:meth:`~kg.evaluate.mapping.LabelMap.trained_relation`), so a label means the same in training and in
scoring. Every sentence goes through kg's real pipeline, and the candidates are kg's own mentions (with
kg's entity types): the model learns on exactly the pairs it will see at run time. A gold argument is
matched to the mention that contains its head word (most overlap first); a relation whose argument no
mention covers is counted as ``unmatched`` and left out.

- CoNLL04: every ordered pair of mentions in a sentence is labelled for the relations CoNLL04 annotates
  (``works_for``, ``kills``, ``based_in``, ``lives_in``, ``located_in``): the gold ones positive, the rest
  negative;
- KBP37: only the marked pair is labelled, for the relations KBP37's mapping covers (``holds_position``,
  ``works_for``, the latter also from ``org:top_members/employees`` turned round). KBP37 gives each pair
  one label, so a pair of another KBP relation (residence, birth, headquarters, ...) or ``no_relation``
  is a negative for those two, and says nothing about the others (``lives_in``, ``based_in``, ...).
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin, Span

from kg.evaluate import conll04, kbp37
from kg.evaluate.mapping import load_mapping
from kg.evaluate.spans import token_offsets
from kg.nlp.relation_network import CANDIDATES, GOLD, SENT_STARTS, TENSOR
from kg.resources import PIPELINES

CONFIG = PIPELINES / "relations-train.cfg"
MODEL_DIR = PIPELINES / "models" / "relations"
_NO_ARGUMENT_TYPES = {"Quantity", "Issue", "Article", "Quote"}


@dataclass
class CorpusStats:
    docs: int = 0
    pairs: int = 0
    positives: Counter = field(default_factory=Counter)
    unmatched: Counter = field(default_factory=Counter)  # gold relations with an argument no mention covers
    skipped: int = 0


def _candidates(doc) -> list[tuple[int, int, str]]:
    """kg's mentions as (start, end, kg type), one per span."""
    ents = doc._.kg_entities or {}
    out: dict[tuple[int, int], str] = {}
    for m in doc._.kg_mentions or []:
        info = ents.get(m.entity_id)
        if info is not None and info.type not in _NO_ARGUMENT_TYPES:
            out.setdefault((m.start, m.end), info.type)
    return sorted((s, e, t) for (s, e), t in out.items())


def _match(doc, cands, start: int, end: int) -> int | None:
    """Index of the candidate for the gold argument at characters [start, end): the one holding its
    head word, most character overlap first; None when no mention covers the head."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    head = span.root.i
    best, best_overlap = None, 0
    for k, (s, e, _) in enumerate(cands):
        if s <= head < e:
            ov = min(e, span.end) - max(s, span.start)
            if ov > best_overlap:
                best, best_overlap = k, ov
    return best


def _complete(doc, stats: CorpusStats) -> bool:
    """Whether every token has its vector (a pipeline parsing selected sentences only leaves gaps)."""
    t = doc.tensor
    if t is not None and t.ndim == 2 and t.shape[0] == len(doc):
        return True
    stats.skipped += 1
    return False


def _clean_doc(doc, cands, pairs, known) -> Doc:
    """A plain copy of ``doc`` (tokens, kg's parse and sentence starts, candidates, tensor, gold) for a DocBin."""
    out = Doc(
        doc.vocab,
        words=[t.text for t in doc],
        spaces=[bool(t.whitespace_) for t in doc],
        heads=[t.head.i for t in doc],
        deps=[t.dep_ for t in doc],
        lemmas=[t.lemma_ for t in doc],
        pos=[t.pos_ for t in doc],
    )
    out.spans[CANDIDATES] = [Span(out, s, e, label=t) for s, e, t in cands]
    out.user_data[GOLD] = {"known": sorted(known), "pairs": pairs}
    out.user_data[TENSOR] = doc.tensor.astype("float32")
    out.user_data[SENT_STARTS] = [s.start for s in doc.sents]
    return out


def conll04_docs(nlp, path: Path, stats: CorpusStats, batch_size: int = 32):
    mapping = load_mapping("conll04")
    trained = {label: mapping.trained_relation(label) for label in mapping.labels}
    known = {rel for rel, _ in filter(None, trained.values())}
    sents = conll04.load(path)
    for doc, sent in nlp.pipe(((s.text, s) for s in sents), as_tuples=True, batch_size=batch_size):
        if not _complete(doc, stats):
            continue
        offsets = token_offsets(sent.tokens)[1]
        cands = _candidates(doc)
        args = [_match(doc, cands, offsets[e["start"]][0], offsets[e["end"] - 1][1]) for e in sent.entities]
        labels: dict[tuple[int, int], set[str]] = {}
        for r in sent.relations:
            hit = trained.get(r["type"])
            if hit is None:
                continue
            rel, inverse = hit
            a, b = args[r["head"]], args[r["tail"]]
            if inverse:
                a, b = b, a
            if a is None or b is None or a == b:
                stats.unmatched[rel] += 1
                continue
            labels.setdefault((a, b), set()).add(rel)
        pairs = [[*cands[a][:2], *cands[b][:2], sorted(rels), sorted(known)] for (a, b), rels in labels.items()]
        for rels in labels.values():
            stats.positives.update(rels)
        stats.docs += 1
        stats.pairs += len(cands) * (len(cands) - 1)
        yield _clean_doc(doc, cands, pairs, known)


def kbp37_docs(nlp, path: Path, stats: CorpusStats, batch_size: int = 32):
    mapping = load_mapping("kbp37")
    inverse = dict(mapping.extra.get("inverse_labels", {}))
    trained = {label: mapping.trained_relation(label) for label in mapping.labels}
    known = sorted({rel for rel, _ in filter(None, trained.values())})
    for doc, inst in nlp.pipe(((x.text, x) for x in kbp37.load(path)), as_tuples=True, batch_size=batch_size):
        if not _complete(doc, stats):
            continue
        cands = _candidates(doc)
        ends = [_overlapping(doc, cands, *inst.e1), _overlapping(doc, cands, *inst.e2)]
        label = inst.normalised(inverse)
        name, _, direction = label.partition("(")
        rel = None
        hit = trained.get(name)
        if hit:
            rel, flipped = hit
            if direction.startswith("e2") != flipped:
                ends.reverse()  # the relation's subject is e2
        a, b = ends
        if a is None or b is None or a == b:
            stats.skipped += 1
            if rel:
                stats.unmatched[rel] += 1
            continue
        keep = sorted({a, b})
        cands = [cands[k] for k in keep]
        a, b = keep.index(a), keep.index(b)
        pairs = [[*cands[a][:2], *cands[b][:2], [rel] if rel else [], known], [*cands[b][:2], *cands[a][:2], [], known]]
        if rel:
            stats.positives[rel] += 1
        stats.docs += 1
        stats.pairs += 2
        yield _clean_doc(doc, cands, pairs, [])


def _overlapping(doc, cands, start: int, end: int) -> int | None:
    """The candidate overlapping the marked character span most (KBP37's marked spans are often partial)."""
    best, best_overlap = None, 0
    for k, (s, e, _) in enumerate(cands):
        ov = min(doc[e - 1].idx + len(doc[e - 1]), end) - max(doc[s].idx, start)
        if ov > best_overlap:
            best, best_overlap = k, ov
    return best


def build_corpus(nlp, data: Path, out_dir: Path, log=print) -> dict[str, Path]:
    """``train.spacy`` and ``dev.spacy`` in ``out_dir`` from the CoNLL04 and KBP37 train/dev splits under ``data``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = {
        "train": [(conll04_docs, data / "conll04" / "conll04_train.json"), (kbp37_docs, data / "kbp37" / "train.txt")],
        "dev": [(conll04_docs, data / "conll04" / "conll04_dev.json"), (kbp37_docs, data / "kbp37" / "dev.txt")],
    }
    # candidates are kg's mentions: what runs after kg_entities is not needed (the relation model
    # itself must not take part in making its own training data)
    later = ("kg_positions", "kg_coref", "kg_relations", "kg_relation_model", "kg_quotes")
    disabled = nlp.select_pipes(disable=[p for p in later if p in nlp.pipe_names])
    try:
        return _write(nlp, sources, out_dir, log)
    finally:
        disabled.restore()


def _write(nlp, sources, out_dir: Path, log) -> dict[str, Path]:
    paths = {}
    for split, parts in sources.items():
        bin_ = DocBin(store_user_data=True, attrs=["ORTH", "HEAD", "DEP", "LEMMA", "POS"])
        for make, path in parts:
            if not path.exists():
                raise FileNotFoundError(f"{path}: training data not found (expected the shared external data)")
            t0 = time.perf_counter()
            stats = CorpusStats()
            for doc in make(nlp, path, stats):
                bin_.add(doc)
            log(
                f"{split}: {path.name}: {stats.docs} sentences, {stats.pairs} pairs, positives "
                f"{dict(stats.positives)}, unmatched {dict(stats.unmatched)}, skipped {stats.skipped} "
                f"({time.perf_counter() - t0:.0f}s)"
            )
        paths[split] = out_dir / f"{split}.spacy"
        bin_.to_disk(paths[split])
    return paths


def train(corpus: dict[str, Path], out_dir: Path, config: Path = CONFIG, overrides: dict | None = None) -> Path:
    """spaCy's training loop on the corpus; the best model by dev micro F1 is ``out_dir/model-best``."""
    from spacy.cli.train import train as spacy_train

    from kg.nlp import relation_classifier  # noqa: F401  (registers the factory, architecture and reader)

    spacy_train(
        config,
        out_dir,
        use_gpu=-1,
        overrides={"paths.train": str(corpus["train"]), "paths.dev": str(corpus["dev"]), **(overrides or {})},
    )
    return out_dir / "model-best"


def install(best: Path, base_model: str, target: Path = MODEL_DIR) -> Path:
    """Copy the trained pipeline to ``target`` (what ``kg_relation_model`` loads), noting the base model
    whose ``doc.tensor`` it was trained on."""
    import spacy

    nlp = spacy.load(best)
    nlp.meta.setdefault("kg", {}).update({"base_model": base_model, "trained_on": ["conll04 train", "kbp37 train"]})
    if target.exists():
        shutil.rmtree(target)
    nlp.to_disk(target)
    return target
