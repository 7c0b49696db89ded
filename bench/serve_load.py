"""Load benchmark of ``kg serve``: concurrent local clients browsing actor, article and network pages.

    .venv/bin/python bench/serve_load.py [--store DIR] [--corpus DIR] [--clients 50] [--seconds 60]

Serves ``--store``, or else a store built once from ``--corpus`` (default: the BBC politics corpus in
../shared/data/external/bbc/politics when present, else examples/articles) into .run/serve-load/. Starts
``kg serve`` on a free 127.0.0.1 port, reads the actor and article links from its pages, then runs
``--clients`` threads (at most 200), each requesting one page after another with no pause for
``--seconds`` (at most 600): 40 % actor pages, 40 % article pages, 20 % the network's JSON for one of a
few date windows. Prints the requests, errors, p50/p95/p99 page times (all and by page) and the server's
RSS before the load, half-way and at the end. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BBC = ROOT.parent / "shared" / "data" / "external" / "bbc" / "politics"
WINDOWS = [("", ""), ("2004-01-01", "2004-12-31"), ("2005-01-01", "2005-06-30"), ("2004-06-01", "2005-03-31")]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fetch(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    url = urllib.parse.quote(url, safe=":/?=&%")  # actor ids may hold any letter
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def store_for(args) -> str:
    if args.store:
        return args.store
    corpus = Path(args.corpus or (BBC if BBC.is_dir() else ROOT / "examples" / "articles"))
    store = ROOT / ".run" / "serve-load" / f"{corpus.name}-store"
    if not store.is_dir():
        print(f"building {store} from {corpus} (once)", file=sys.stderr)
        store.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "kg", "-q", "build", str(corpus), "--store", str(store)], check=True)
    return str(store)


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", help="the store to serve")
    ap.add_argument("--corpus", help="build the store from this corpus (once) when --store is not given")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    clients = max(1, min(args.clients, 200))
    seconds = max(1.0, min(args.seconds, 600.0))

    from kg.serve.process import running

    store = store_for(args)
    with running(store) as (url, proc):
        assert url.startswith("http://127.0.0.1:")
        t0 = time.perf_counter()
        status, body = fetch(url + "/")
        first = time.perf_counter() - t0
        # the most mentioned actors, then the actors and articles their pages link to
        found = list(dict.fromkeys(re.findall(r'href="/actor/([^"]+)"', body.decode())))
        articles: set[str] = set()
        cold: list[float] = []  # first visits: the page is computed, not yet kept
        for a in found[:60]:
            t = time.perf_counter()
            _, page = fetch(f"{url}/actor/{a}")
            cold.append(time.perf_counter() - t)
            found.extend(
                x for x in dict.fromkeys(re.findall(r'href="/actor/([^"]+)"', page.decode())) if x not in found
            )
            articles.update(re.findall(r'href="/article/([^"#]+)"', page.decode()))
        for letter in "abcdefghijklmnopqrstuvwxyz":  # and whoever the search finds by each letter
            _, page = fetch(f"{url}/?q={letter}")
            found.extend(
                x for x in dict.fromkeys(re.findall(r'href="/actor/([^"]+)"', page.decode())) if x not in found
            )
        actors = found
        articles_l = sorted(articles)
        print(f"store {store}: {len(actors)} actors and {len(articles_l)} articles to browse")
        print(f"first page: {first:.2f} s, status {status}")
        print(
            f"first visit of {len(cold)} actor pages, one client: p50 {pct(cold, 50) * 1000:.0f} ms, "
            f"p95 {pct(cold, 95) * 1000:.0f} ms"
        )
        rss = {"start": rss_mib(proc.pid)}

        times: dict[str, list[float]] = {"actor": [], "article": [], "network": []}
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def client(i: int) -> None:
            rnd = random.Random(args.seed * 1000 + i)
            while time.monotonic() < deadline:
                r = rnd.random()
                if r < 0.4 or not articles_l:
                    kind, path = "actor", f"/actor/{rnd.choice(actors)}"
                elif r < 0.8:
                    kind, path = "article", f"/article/{rnd.choice(articles_l)}"
                else:
                    since, until = rnd.choice(WINDOWS)
                    kind, path = "network", f"/api/network?since={since}&until={until}"
                t = time.perf_counter()
                try:
                    code, _ = fetch(url + path)
                except Exception as exc:  # every failure is counted, none stops a client
                    code, path = 0, f"{path} ({type(exc).__name__}: {exc})"
                dt = time.perf_counter() - t
                with lock:
                    times[kind].append(dt)
                    if code != 200:
                        errors.append(f"{code} {path}")

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        time.sleep(seconds / 2)
        rss["middle"] = rss_mib(proc.pid)
        for t in threads:
            t.join()
        rss["end"] = rss_mib(proc.pid)

    every = [x for xs in times.values() for x in xs]
    print(
        f"{clients} clients for {seconds:g} s: {len(every)} requests ({len(every) / seconds:.1f}/s), "
        f"{len(errors)} errors"
    )
    for e in errors[:5]:
        print(f"  error: {e}")
    print(f"{'page':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, xs in [*times.items(), ("all", every)]:
        if xs:
            row = [pct(xs, 50), pct(xs, 95), pct(xs, 99), statistics.fmean(xs)]
            print(f"{kind:<8} {len(xs):>8} " + " ".join(f"{v * 1000:>8.0f}" for v in row))
    print("server RSS MiB: " + ", ".join(f"{k} {v:.0f}" for k, v in rss.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
