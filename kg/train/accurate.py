"""Fine-tuning the accurate mode's span network (:mod:`kg.nlp.span_model`) on the gold sets' train splits.

Deterministic given ``seed`` (one torch thread by default); batches of sentences of similar length;
after each epoch the dev splits are scored (:func:`dev_scores`) and the best epoch's weights are kept
in ``output``; ``work/checkpoint.pt`` holds the last epoch's weights, optimiser and random state, so a
run stopped part-way resumes from there.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from kg.nlp import span_model
from kg.nlp.span_model import ENTITY_TYPES, SpanRelationNet, candidate_spans, featurize
from kg.nlp.span_predict import predict
from kg.resources import PIPELINES
from kg.train.accurate_data import Example

MODEL_DIR = PIPELINES / "models" / "accurate"
LABELS = ["works_for", "kills", "based_in", "lives_in", "located_in", "holds_position", "member_of", "opposes"]


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Sentences sorted by length into batches, in a random order of batches."""
    order = sorted(examples, key=lambda x: (len(x.words), rng.random()))
    out = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(out)
    return out


def loss(net: SpanRelationNet, batch: list[Example]) -> torch.Tensor:
    w = net.settings.max_width
    feats = featurize(net_tokenizer(net), [x.words for x in batch], net.settings.max_pieces)
    words = net.words(**feats)
    total = torch.zeros(())
    rows = [i for i, x in enumerate(batch) if x.complete]
    if rows:
        cand = candidate_spans([len(batch[i].words) for i in rows], w)
        cand[:, 0] = torch.tensor(rows)[cand[:, 0]]
        gold = {(i, s, e): ENTITY_TYPES.index(t) for i in rows for s, e, t in batch[i].entities if e - s <= w}
        target = torch.tensor([gold.get(tuple(c), 0) for c in cand.tolist()])
        total = total + nn.functional.cross_entropy(net.entity_logits(net.spans(words, cand)), target)
    spans: dict[tuple[int, int, int], int] = {}
    pairs, targets, masks = [], [], []
    for i, x in enumerate(batch):
        mask = [float(lab in x.known) for lab in net.settings.labels]
        for a, b, pos in x.pairs:
            ka = spans.setdefault((i, *a), len(spans))
            kb = spans.setdefault((i, *b), len(spans))
            pairs.append((ka, kb))
            targets.append([float(lab in pos) for lab in net.settings.labels])
            masks.append(mask)
    if pairs:
        sp = torch.tensor(list(spans), dtype=torch.long)
        vecs = net.spans(words, sp)
        types = net.entity_logits(vecs).argmax(dim=-1).detach()
        logits = net.pairs(words, sp, vecs, types, torch.tensor(pairs, dtype=torch.long))
        m = torch.tensor(masks)
        bce = nn.functional.binary_cross_entropy_with_logits(logits, torch.tensor(targets), reduction="none")
        total = total + (bce * m).sum() / m.sum().clamp(min=1.0)
    return total


_TOKENIZERS: dict[int, object] = {}


def net_tokenizer(net: SpanRelationNet):
    return _TOKENIZERS[id(net)]


def dev_scores(net: SpanRelationNet, dev: list[Example], batch_size: int = 32) -> dict[str, float]:
    """Strict micro F1 of relations between predicted entity spans (CoNLL04, CrossRE; types of the
    entities not scored) and F1 of the marked KBP37 pairs' relations."""
    counts: dict[str, list[int]] = {}
    tok = net_tokenizer(net)
    for source in ("conll04", "crossre", "kbp37"):
        part = [x for x in dev if x.source == source]
        tp = fp = fn = 0
        for i in range(0, len(part), batch_size):
            chunk = part[i : i + batch_size]
            extra = [[] if x.complete else [x.pairs[0][0], x.pairs[0][1]] for x in chunk]
            preds = predict(net, tok, [x.words for x in chunk], extra)
            for x, p in zip(chunk, preds):
                gold = {(a, b, r) for a, b, rs in x.pairs for r in rs}
                marked = {(a, b) for a, b, _ in x.pairs}
                got = {
                    (p.spans[a], p.spans[b], r)
                    for a, b, r, _ in p.relations
                    if r in x.known and (x.complete or (p.spans[a], p.spans[b]) in marked)
                }
                tp += len(gold & got)
                fp += len(got - gold)
                fn += len(gold - got)
        counts[source] = [tp, fp, fn]
    out = {}
    for source, (tp, fp, fn) in counts.items():
        out[source] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    out["mean"] = sum(out.values()) / len(counts)
    return out


def train(
    train_set: list[Example],
    dev_set: list[Example],
    work: Path,
    output: Path = MODEL_DIR,
    *,
    epochs: int = 4,
    batch_size: int = 16,
    lr: float = 5e-5,
    head_lr: float = 5e-4,
    seed: int = 0,
    threads: int = 1,
    max_steps: int | None = None,
    stop_after: int | None = None,
    log=print,
) -> dict:
    """Train, keep the best epoch by the dev mean in ``output``; returns the best epoch's dev scores.
    ``stop_after``: end this call after that many epochs (a later call resumes from the checkpoint)."""
    from tqdm import tqdm

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    net, tokenizer = span_model.build(LABELS)
    _TOKENIZERS[id(net)] = tokenizer
    enc = [p for n, p in net.named_parameters() if n.startswith("encoder.")]
    head = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": enc, "lr": lr}, {"params": head, "lr": head_lr}], weight_decay=0.01)
    n_batches = (len(train_set) + batch_size - 1) // batch_size
    total_steps = max_steps or epochs * n_batches
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min(1.0, (step + 1) / max(1, total_steps // 10)) * max(0.0, 1 - step / total_steps)
    )
    work.mkdir(parents=True, exist_ok=True)
    ckpt = work / "checkpoint.pt"
    state: dict[str, Any] = {"epoch": 0, "best": None, "history": []}
    if ckpt.exists():
        saved = torch.load(ckpt, weights_only=False)
        net.load_state_dict(saved["net"])
        opt.load_state_dict(saved["opt"])
        sched.load_state_dict(saved["sched"])
        rng.setstate(saved["rng"])
        torch.set_rng_state(saved["torch_rng"])
        state = saved["state"]
        log(f"resuming after epoch {state['epoch']}")
    steps = state["epoch"] * n_batches
    last = epochs if stop_after is None else min(epochs, state["epoch"] + stop_after)
    for epoch in range(state["epoch"], last):
        net.train()
        t0 = time.perf_counter()
        bar = tqdm(batches(train_set, batch_size, rng), desc=f"epoch {epoch + 1}/{epochs}", unit="batch")
        for batch in bar:
            if max_steps is not None and steps >= max_steps:
                break
            opt.zero_grad()
            value = loss(net, batch)
            value.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            steps += 1
            bar.set_postfix(loss=f"{value.item():.3f}")
        scores = dev_scores(net, dev_set)
        state["history"].append({"epoch": epoch + 1, "seconds": round(time.perf_counter() - t0), **scores})
        log(f"epoch {epoch + 1}: dev {json.dumps({k: round(v, 3) for k, v in scores.items()})}")
        if state["best"] is None or scores["mean"] > state["best"]["mean"]:
            state["best"] = {"epoch": epoch + 1, **scores}
            span_model.save(net, output)
        state["epoch"] = epoch + 1
        saved = {
            "net": net.state_dict(),
            "opt": opt.state_dict(),
            "sched": sched.state_dict(),
            "rng": rng.getstate(),
            "torch_rng": torch.get_rng_state(),
            "state": state,
        }
        torch.save(saved, ckpt)
        if max_steps is not None and steps >= max_steps:
            break
    (output / "training.json").write_text(json.dumps(state, indent=1), encoding="utf-8")
    return state["best"]
