"""Memory benchmark: peak RSS of ``kg build`` on 1x and Kx a corpus; prints numbers, asserts nothing.

    .venv/bin/python bench/memory.py [--corpus ../shared/data/external/bbc/politics] [--limit 40] [--times 10]
                                     [--workers 1]

The Kx corpus is the 1x corpus repeated K times with distinct ids (``<id>-copy<k>``), generated on
the fly as JSON Lines into ``kg build -`` (stdin): no files written. Each build goes into a fresh
embedded store. Peak RSS is sampled every 0.2 s over the kg process and its worker processes
(their sum, and the largest single process). Target: Kx within 10 % of 1x.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def records(corpus: str, limit: int | None, times: int):
    from kg import readers as read
    from kg.model import Skipped

    files = sorted(str(p) for p in Path(corpus).rglob("*.txt"))[:limit]
    articles = [a for a in read.read(files) if not isinstance(a, Skipped)]
    for k in range(times):
        for a in articles:
            yield json.dumps({"id": f"{a.id}-copy{k}", "title": a.title, "text": a.text}, ensure_ascii=False)


def tree_rss(pid: int) -> tuple[int, int]:
    """(sum, largest) RSS in bytes of process ``pid`` and its descendants."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0, 0
    sizes = []
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            sizes.append(p.memory_info().rss)
    return sum(sizes), max(sizes, default=0)


def build(corpus: str, limit: int | None, times: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "kg.cli",
            "--quiet",
            "build",
            "-",
            "--store",
            str(Path(tmp) / "store"),
            "--workers",
            str(workers),
        ]
        env = {**os.environ, "KG_PROGRESS": "0"}
        t = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
        )
        n = 0

        def feed():
            nonlocal n
            try:
                for line in records(corpus, limit, times):
                    proc.stdin.write(line + "\n")
                    n += 1
            finally:
                proc.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        peak_sum = peak_one = 0
        while proc.poll() is None:
            s, one = tree_rss(proc.pid)
            peak_sum, peak_one = max(peak_sum, s), max(peak_one, one)
            time.sleep(0.2)
        feeder.join()
        err = proc.stderr.read()
        return {
            "articles": n,
            "wall": time.perf_counter() - t,
            "exit": proc.returncode,
            "peak_sum": peak_sum,
            "peak_one": peak_one,
            "stderr": err[-500:],
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "data" / "external" / "bbc" / "politics"))
    ap.add_argument("--limit", type=int, default=40, help="articles in the 1x corpus (default 40)")
    ap.add_argument("--times", type=int, default=10, help="K: the large corpus is K copies (default 10)")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    if not Path(args.corpus).exists():
        sys.exit(f"corpus not found: {args.corpus}")
    with open("/proc/loadavg") as fh:
        print(f"load average at start: {fh.read().split()[0]}")
    mib = 1024 * 1024
    runs = {}
    for k in (1, args.times):
        r = runs[k] = build(args.corpus, args.limit, k, args.workers)
        print(
            f"{k:>3}x: {r['articles']} articles, exit {r['exit']}, {r['wall']:.1f} s wall, peak RSS "
            f"{r['peak_sum'] / mib:,.0f} MiB (kg + workers), largest process {r['peak_one'] / mib:,.0f} MiB"
        )
        if r["exit"] != 0:
            print(r["stderr"])
    a, b = runs[1], runs[args.times]
    print(
        f"ratio {args.times}x / 1x peak RSS: {b['peak_sum'] / max(a['peak_sum'], 1):.3f} (kg + workers), "
        f"{b['peak_one'] / max(a['peak_one'], 1):.3f} (largest process); target <= 1.10"
    )


if __name__ == "__main__":
    main()
