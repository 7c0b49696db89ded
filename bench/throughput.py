"""Throughput benchmark (issue 7): prints numbers, asserts nothing.

    .venv/bin/python bench/throughput.py [--limit N] [--corpus ../shared/data/external/bbc]

Measured in one run, on the same articles:
  - bare spaCy ``nlp.pipe`` words/s with the same model and components (baseline)
  - kg extraction words/s (the same pipeline plus kg's components and Doc -> ArticleGraph), and the ratio
  - kg extraction with 1 and with N worker processes, and the ratio
  - end-to-end ``kg build`` wall time into a fresh embedded store (median and range of ``--builds`` runs:
    this machine's speed drifts by up to a quarter within a day), and peak RSS
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def words_of(articles) -> int:
    return sum(len(a.text.split()) for a in articles)


def loadavg() -> str:
    try:
        return "load " + " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "load ?"


def parse_modes(articles, words: int, bs: int) -> tuple[float, dict[str, float]]:
    """Bare spaCy against kg's pipeline in both parse modes (kg/nlp/select.py), one process each,
    in this order: stock spaCy, the same model with kg's speed settings (kg/nlp/tuning.py), kg with
    [kg] parse = "all", kg with parse = "selected". Returns the seconds of bare spaCy with the same components
    and speed settings (the baseline issue 7 compares with) and kg's per mode."""
    import spacy

    from kg.nlp import load_pipeline, read_config
    from kg.pipeline import Counts, extract

    texts = [a.text for a in articles]
    seconds: dict[str, float] = {}
    stock = spacy.load(read_config()["kg"]["model"])
    t = time.perf_counter()
    for _ in stock.pipe(texts, batch_size=bs):
        pass
    bare = time.perf_counter() - t
    print(f"bare spaCy, stock ({'+'.join(stock.pipe_names)}): {words / bare:,.0f} words/s ({bare:.1f} s, {loadavg()})")
    for mode in ("all", "selected"):
        nlp = load_pipeline(parse=mode)
        if mode == "all":
            base = [n for n in nlp.pipe_names if not n.startswith("kg_")]
            t = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=bs, disable=[n for n in nlp.pipe_names if n not in base]):
                pass
            tuned = time.perf_counter() - t
            print(f"bare spaCy, same components with kg's speed settings: {words / tuned:,.0f} words/s "
                  f"({tuned:.1f} s, {bare / tuned:.2f}x stock, {loadavg()})")
        t = time.perf_counter()
        sum(1 for _ in extract(iter(articles), nlp, batch_size=bs, counts=Counts()))
        took = seconds[mode] = time.perf_counter() - t
        extra = ""
        if mode == "selected":
            st = nlp.get_pipe("kg_parse").stats
            extra = f", {st['parsed'] / max(1, st['tokens']):.0%} of tokens parsed"
        print(f"kg extraction, parse = {mode!r}, 1 process: {words / took:,.0f} words/s ({took:.1f} s, "
              f"{bare / took:.2f}x stock spaCy, {tuned / took:.2f}x the same components tuned{extra}, {loadavg()})")
    return tuned, seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "external" / "bbc"))
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--builds", type=int, default=3,
                    help="end-to-end builds to time (this machine's speed drifts: the median and range are printed)")
    args = ap.parse_args()

    from kg import read
    from kg.nlp import batch_size, parse_mode
    from kg.pipeline import Counts, extract_parallel

    if not Path(args.corpus).exists():
        sys.exit(f"corpus not found: {args.corpus}")
    files = sorted(str(p) for p in Path(args.corpus).rglob("*.txt"))[: args.limit]
    articles = [a for a in read.read(files) if not isinstance(a, read.Skipped)]
    words = words_of(articles)
    print(f"corpus: {len(articles)} articles, {words:,} words ({args.corpus})")

    bs = batch_size()
    bare, seconds = parse_modes(articles, words, bs)  # bare: the same components, tuned
    one = seconds[parse_mode()]
    print(f"kg extraction, 1 process, default parse = {parse_mode()!r}: {words / one:,.0f} words/s; "
          f"ratio to bare spaCy with the same components and settings {bare / one:.2f} (target >= 0.85)")

    t = time.perf_counter()
    nn = sum(1 for _ in extract_parallel(iter(articles), workers=args.workers, batch_size=bs, counts=Counts()))
    many = time.perf_counter() - t
    print(f"kg extraction, {args.workers} processes: {words / many:,.0f} words/s ({many:.1f} s incl. worker start, "
          f"{nn} graphs); speed-up {one / many:.2f}x (target >= 1.7x)")

    walls = []
    for k in range(max(1, args.builds)):
        with tempfile.TemporaryDirectory() as tmp:  # a fresh store each time: nothing cached
            cmd = [sys.executable, "-m", "kg.cli", "--quiet", "build", *([args.corpus] if args.limit is None else files),
                   "--store", str(Path(tmp) / "store"), "--workers", str(args.workers)]
            t = time.perf_counter()
            proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            walls.append(time.perf_counter() - t)
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"kg build -> embedded store, run {k + 1}: {walls[-1]:.1f} s wall, exit {proc.returncode}, "
                  f"peak RSS of one process {rss:,.0f} MiB ({loadavg()})")
    print(f"kg build -> embedded store: median {statistics.median(walls):.1f} s wall of {len(walls)} "
          f"(range {min(walls):.1f}-{max(walls):.1f} s; target <= 60 s for the whole BBC corpus)")
    print(f"peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
