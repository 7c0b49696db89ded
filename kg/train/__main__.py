"""``python -m kg.train``: rebuild the relation model in ``pipelines/models/relations`` from the CoNLL04 and
KBP37 train splits (dev splits for model selection); with ``--accurate``, the accurate mode's transformer
model in ``pipelines/models/accurate`` from the CoNLL04, CrossRE and KBP37 train splits. Nothing is
downloaded: the data are read from ``--data`` (default ``../shared/data/external``)."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from kg.train import relations


def _value(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.train", description=__doc__)
    ap.add_argument(
        "--data",
        type=Path,
        default=Path(os.environ.get("KG_EXTERNAL_DATA", "../shared/data/external")),
        help="folder holding conll04/ and kbp37/ (default: ../shared/data/external)",
    )
    ap.add_argument(
        "--work",
        type=Path,
        default=Path("build/relations"),
        help="corpus and training output (default: build/relations)",
    )
    ap.add_argument("--output", type=Path, default=relations.MODEL_DIR, help="where the trained model goes")
    ap.add_argument("--reuse-corpus", action="store_true", help="keep train/dev.spacy from an earlier run")
    ap.add_argument("--config", type=Path, default=relations.CONFIG)
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a training config value, e.g. training.max_epochs=5",
    )
    ap.add_argument("--accurate", action="store_true", help="train the accurate mode's transformer model instead")
    ap.add_argument("--epochs", type=int, default=3, help="--accurate: training epochs (default 3)")
    ap.add_argument("--seed", type=int, default=0, help="--accurate: random seed (default 0)")
    ap.add_argument("--threads", type=int, default=1, help="--accurate: torch CPU threads (default 1)")
    ap.add_argument("--kbp-sample", type=int, default=2000, help="--accurate: KBP37 train pairs used (default 2000)")
    a = ap.parse_args(argv)
    if a.accurate:
        return _accurate(a)

    from kg.nlp import RELATION_MODEL_ENV, base_model, load_pipeline

    t0 = time.perf_counter()
    corpus = {s: a.work / f"{s}.spacy" for s in ("train", "dev")}
    nlp = load_pipeline(parse="all")  # every sentence parsed: the corpus keeps each token's vector and arc
    base = base_model()
    if not (a.reuse_corpus and all(p.exists() for p in corpus.values())):
        corpus = relations.build_corpus(nlp, a.data, a.work)
    t1 = time.perf_counter()
    overrides = {k: _value(v) for k, v in (kv.split("=", 1) for kv in a.set)}
    best = relations.train(corpus, a.work / "output", a.config, overrides)
    t2 = time.perf_counter()
    target = relations.install(best, base, a.output)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    print(f"model: {target} ({size / 1e6:.1f} MB); corpus {t1 - t0:.0f}s, training {t2 - t1:.0f}s")
    print(f"use it: {RELATION_MODEL_ENV}={target} kg build ...  (off by default; see pipelines/kg.cfg)")
    return 0


def _accurate(a) -> int:
    from kg.train import accurate, accurate_data

    t0 = time.perf_counter()
    splits = accurate_data.load_splits(a.data, a.kbp_sample, a.seed)
    output = a.output if a.output != relations.MODEL_DIR else accurate.MODEL_DIR
    work = a.work if a.work != Path("build/relations") else Path("build/accurate")
    best = accurate.train(splits["train"], splits["dev"], work, output, epochs=a.epochs, seed=a.seed, threads=a.threads)
    print(f"model: {output}; best epoch {best['epoch']}, dev {best}; {time.perf_counter() - t0:.0f}s in all")
    print("use it: kg eval ... --config pipelines/accurate.cfg")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
