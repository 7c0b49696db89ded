"""Throughput benchmark: prints numbers, asserts nothing.

    .venv/bin/python bench/throughput.py [--limit N] [--corpus ../shared/data/external/bbc]

Measured in one run, on the same articles:
  - bare spaCy ``nlp.pipe`` words/s with the same model and components (baseline)
  - kg extraction words/s (the same pipeline plus kg's components and Doc -> ArticleGraph), and the
    ratio; both timed on the same slices of the corpus, interleaved (see parse_modes)
  - kg extraction with 1 and with N worker processes, and the ratio
  - the same for the accurate mode (``pipelines/accurate.cfg``, when its model is built), beside the default
  - end-to-end ``kg build`` wall time into a fresh embedded store (median and range of ``--builds`` runs:
    a shared machine's speed can drift by a quarter within a day), and peak RSS
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

from memory import tree_rss  # noqa: E402  (bench/memory.py, beside this script)


def words_of(articles) -> int:
    return sum(len(a.text.split()) for a in articles)


def loadavg() -> str:
    try:
        return "load " + " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "load ?"


def parse_modes(articles, words: int, bs: int, rounds: int) -> tuple[float, dict[str, float]]:
    """Bare spaCy against kg's pipeline in both parse modes (kg/nlp/select.py), one process each:
    stock spaCy, the same model with kg's speed settings (kg/nlp/tuning.py) and only the components kg
    runs before its own, kg with parse mode "all", kg with parse mode "selected".

    This machine's speed drifts by up to a quarter within minutes, so running each configuration once
    over the whole corpus, one after the other, would compare them at different speeds. Instead the
    articles are cut into ``rounds`` slices and every slice goes through all four configurations before
    the next, in an order reversed every other slice; each configuration's time is the sum over slices.
    Returns the seconds of bare spaCy with the same components and speed settings (the baseline kg is
    compared with) and kg's per mode."""
    import spacy

    from kg.build.flow import Counts, extract
    from kg.nlp import base_model, load_pipeline

    stock = spacy.load(base_model())
    kg_nlp = {mode: load_pipeline(parse=mode) for mode in ("all", "selected")}
    base = [n for n in kg_nlp["all"].pipe_names if not n.startswith("kg_")]
    skip = [n for n in kg_nlp["all"].pipe_names if n not in base]

    def run_stock(part):
        for _ in stock.pipe((a.text for a in part), batch_size=bs):
            pass

    def run_tuned(part):
        for _ in kg_nlp["all"].pipe((a.text for a in part), batch_size=bs, disable=skip):
            pass

    def run_kg(mode):
        return lambda part: sum(1 for _ in extract(iter(part), kg_nlp[mode], batch_size=bs, counts=Counts()))

    configs = {"stock": run_stock, "tuned": run_tuned, "all": run_kg("all"), "selected": run_kg("selected")}
    for run in configs.values():  # first calls allocate and fill caches: not timed
        run(articles[:20])
    seconds = dict.fromkeys(configs, 0.0)
    per_round = []  # tuned / selected per slice: how much the ratio moves with the machine
    rounds = max(1, min(rounds, len(articles)))
    for r in range(rounds):
        part = articles[r * len(articles) // rounds : (r + 1) * len(articles) // rounds]
        took = {}
        for name in list(configs) if r % 2 == 0 else list(reversed(configs)):
            t = time.perf_counter()
            configs[name](part)
            took[name] = time.perf_counter() - t
            seconds[name] += took[name]
        per_round.append(took["tuned"] / took["selected"])
    stock_s, tuned = seconds["stock"], seconds["tuned"]
    print(f"(each configuration timed on the same {rounds} slices, interleaved; {loadavg()})")
    print(f"bare spaCy, stock ({'+'.join(stock.pipe_names)}): {words / stock_s:,.0f} words/s ({stock_s:.1f} s)")
    print(
        f"bare spaCy, same components ({'+'.join(base)}) with kg's speed settings: {words / tuned:,.0f} words/s "
        f"({tuned:.1f} s, {stock_s / tuned:.2f}x stock)"
    )
    st = kg_nlp["selected"].get_pipe("kg_parse").stats
    for mode in ("all", "selected"):
        took = seconds[mode]
        extra = f", {st['parsed'] / max(1, st['tokens']):.0%} of tokens parsed" if mode == "selected" else ""
        print(
            f"kg extraction, parse = {mode!r}, 1 process: {words / took:,.0f} words/s ({took:.1f} s, "
            f"{stock_s / took:.2f}x stock spaCy, {tuned / took:.2f}x the same components tuned{extra})"
        )
    print(
        f"ratio tuned / selected per slice: {min(per_round):.2f}-{max(per_round):.2f} "
        f"(median {statistics.median(per_round):.2f})"
    )
    return tuned, {m: seconds[m] for m in ("all", "selected")}


def accurate(articles, words: int, workers: int, bs: int, one: float, many: float) -> None:
    """The accurate mode's extraction words/s, 1 and ``workers`` processes, beside the default's."""
    from kg.build.flow import Counts, extract, extract_parallel
    from kg.nlp import load_pipeline
    from kg.resources import PIPELINES

    config = PIPELINES / "accurate.cfg"
    nlp = load_pipeline(config=config)
    if nlp.get_pipe("kg_transformer_entities").net is None:
        print("accurate mode: no trained model (make model-accurate); not measured")
        return
    sum(1 for _ in extract(iter(articles[:5]), nlp, batch_size=bs, counts=Counts()))  # warm-up, not timed
    t = time.perf_counter()
    sum(1 for _ in extract(iter(articles), nlp, batch_size=bs, counts=Counts()))
    acc_one = time.perf_counter() - t
    t = time.perf_counter()
    stream = extract_parallel(iter(articles), workers=workers, config=str(config), batch_size=bs, counts=Counts())
    nn = sum(1 for _ in stream)
    acc_many = time.perf_counter() - t
    print(f"accurate mode ({config.name}), 1 process: {words / acc_one:,.0f} words/s ({acc_one:.1f} s; {loadavg()})")
    print(
        f"accurate mode, {workers} processes: {words / acc_many:,.0f} words/s ({acc_many:.1f} s incl. worker start, "
        f"{nn} graphs; target >= 1,500 words/s on 2 processes)"
    )
    print(
        f"default vs accurate words/s: 1 process {words / one:,.0f} / {words / acc_one:,.0f}; "
        f"{workers} processes {words / many:,.0f} / {words / acc_many:,.0f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "external" / "bbc"))
    ap.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument(
        "--rounds",
        type=int,
        default=8,
        help="slices of the corpus each one-process configuration is timed on, interleaved",
    )
    ap.add_argument(
        "--builds",
        type=int,
        default=3,
        help="end-to-end builds to time (a machine's speed drifts: the median and range are printed)",
    )
    ap.add_argument("--no-accurate", action="store_true", help="leave out the accurate mode")
    args = ap.parse_args()

    from kg import readers as read
    from kg.build.flow import Counts, extract_parallel
    from kg.model import Skipped
    from kg.nlp import batch_size, parse_mode

    if not Path(args.corpus).exists():
        sys.exit(f"corpus not found: {args.corpus}")
    files = sorted(str(p) for p in Path(args.corpus).rglob("*.txt"))[: args.limit]
    articles = [a for a in read.read(files) if not isinstance(a, Skipped)]
    words = words_of(articles)
    print(f"corpus: {len(articles)} articles, {words:,} words ({args.corpus})")

    bs = batch_size()
    bare, seconds = parse_modes(articles, words, bs, args.rounds)  # bare: the same components, tuned
    one = seconds[parse_mode()]
    print(
        f"kg extraction, 1 process, default parse = {parse_mode()!r}: {words / one:,.0f} words/s; "
        f"ratio to bare spaCy with the same components and settings {bare / one:.2f} (target >= 0.85)"
    )

    t = time.perf_counter()
    nn = sum(1 for _ in extract_parallel(iter(articles), workers=args.workers, batch_size=bs, counts=Counts()))
    many = time.perf_counter() - t
    print(
        f"kg extraction, {args.workers} processes: {words / many:,.0f} words/s ({many:.1f} s incl. worker start, "
        f"{nn} graphs); speed-up {one / many:.2f}x (target >= 1.7x)"
    )

    if not args.no_accurate:
        accurate(articles, words, args.workers, bs, one, many)

    walls = []
    for k in range(max(1, args.builds)):
        with tempfile.TemporaryDirectory() as tmp:  # a fresh store each time: nothing cached
            cmd = [
                sys.executable,
                "-m",
                "kg.cli",
                "--quiet",
                "build",
                *([args.corpus] if args.limit is None else files),
                "--store",
                str(Path(tmp) / "store"),
                "--workers",
                str(args.workers),
            ]
            t = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            # sampled (bench/memory.py): the children's ru_maxrss would count this process's own size,
            # which a child has until it execs
            peak_one = 0
            while proc.poll() is None:
                peak_one = max(peak_one, tree_rss(proc.pid)[1])
                time.sleep(0.2)
            walls.append(time.perf_counter() - t)
            print(
                f"kg build -> embedded store, run {k + 1}: {walls[-1]:.1f} s wall, exit {proc.returncode} "
                f"(3: some inputs skipped), peak RSS of one process {peak_one / 2**20:,.0f} MiB ({loadavg()})"
            )
    print(
        f"kg build -> embedded store: median {statistics.median(walls):.1f} s wall of {len(walls)} "
        f"(range {min(walls):.1f}-{max(walls):.1f} s; target <= 60 s for the whole BBC corpus)"
    )
    print(f"peak RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
