"""CLI start-up benchmark: wall time of ``kg --help`` and ``kg --version`` over N runs, as the median
and its ratio to ``python -c pass`` (the interpreter's own start-up); prints numbers, asserts nothing.

    .venv/bin/python bench/cli_startup.py [--runs 20]

Each run is a fresh process (``python -m kg ...`` from this checkout). The target for ``kg --help`` is
under 0.3 s; ``python -X importtime -m kg --help`` shows where the rest goes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(argv: list[str], runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    base = statistics.median(timed([sys.executable, "-c", "pass"], args.runs))
    print(f"python -c pass: median {base:.3f} s over {args.runs} runs")
    for what in (["--help"], ["--version"]):
        times = timed([sys.executable, "-m", "kg", *what], args.runs)
        median = statistics.median(times)
        print(
            f"kg {what[0]}: median {median:.3f} s (min {min(times):.3f}, max {max(times):.3f}) over {args.runs} "
            f"runs; ratio to python -c pass {median / base:.1f}"
        )


if __name__ == "__main__":
    main()
