"""Neo4j load benchmark: kg's loader next to a plain CREATE script of the same graph, and the neo4j-admin path.

Needs a running server (``NEO4J_PASSWORD=... scripts/neo4j start``) and
NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. The database is WIPED: use a server
of your own (e.g. ``NEO4J_BOLT_PORT=7697 NEO4J_HTTP_PORT=off KG_NEO4J_HOME=/tmp/kg-bench
scripts/neo4j start``, with KG_NEO4J_HOME exported so the server's peak memory can be read).
The neo4j-admin path needs java and the jars scripts/neo4j caches.

    .venv/bin/python bench/neo4j_load.py                       # synthetic graph (200k relations) + BBC
    .venv/bin/python bench/neo4j_load.py --relations 400000 --batch-size 10000
    .venv/bin/python bench/neo4j_load.py --no-bbc --relations 2000000 --paths admin

Corpora:
  synthetic  articles of 100 relations among ~30 entities drawn from a skewed pool (hubs exist)
  bbc        the BBC News corpus (shared/data/external/bbc, 2,225 articles) extracted once by
             `kg extract` into .run/bench/bbc.jsonl (skipped with a message if the corpus is absent)

For each corpus, after a warm-up (JIT and plan caches: both loaders and a replacement, on the first 5%),
prints seconds and relations/s (extracted relations per second of wall time) for:
  same-graph CREATE   a plain UNWIND ... CREATE script (bench/neo4j_create.py) writing exactly the graph kg
                      writes (same nodes, relationships, evidence nodes, properties, indexes), shared parts
                      worked out beforehand; same batch size, one transaction per batch
  kg first load       the project's loader into an empty database
  kg reload           the same graphs again (all unchanged: skipped by content hash)
  kg replace 10%      10% of the articles changed (old contributions removed, new ones written)
  neo4j-admin export  kg.export.neo4j_import: CSV files straight from the extracted graphs
  neo4j-admin import  `neo4j-admin database import full` of those files into a new database
then whether CREATE and kg left the same graph (nodes per label, relationships per type, property
counts), the ratios, and the peak memory of this process, the server and neo4j-admin. Wall-clock
figures: on a shared machine read them with the load average printed next to them. Not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import neo4j_create

from kg.export import neo4j_admin
from kg.export.neo4j_import import write_neo4j_import
from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation
from kg.schema import catalogue, ids
from kg.stores import open_store
from kg.stores.neo4j.store import DEFAULT_BATCH

ROOT = Path(__file__).resolve().parent.parent
BBC = Path(os.environ.get("KG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "external" / "bbc"
BBC_CACHE = ROOT / ".run" / "bench" / "bbc.jsonl"
ADMIN_HEAP = os.environ.get("KG_BENCH_ADMIN_HEAP", "2g")


def synthetic(n_relations: int, per_article: int, n_entities: int, seed: int = 7) -> list[ArticleGraph]:
    """Articles of ``per_article`` relations among ~30 entities each, drawn from a skewed pool (hubs exist)."""
    rnd = random.Random(seed)
    cat = catalogue.load()
    types = ["Person", "Organization", "GPE", "Group"]
    pool = [Entity(ids.entity_id(f"Actor {i}", types[i % 4]), f"Actor {i}", types[i % 4]) for i in range(n_entities)]
    weights = [1.0 / (i + 1) ** 0.8 for i in range(n_entities)]
    preds = [n for n, r in cat.relations.items() if r.domain is None or "Person" in r.domain]
    graphs = []
    for a in range((n_relations + per_article - 1) // per_article):
        aid = f"synthetic-{a:06d}"
        ents = list({e.id: e for e in rnd.choices(pool, weights, k=30)}.values())
        text = f"Synthetic article {a}."
        g = ArticleGraph(Article(aid, text, title=f"Article {a}", date="2025-03-01"), entities=ents)
        for i in range(min(per_article, n_relations - a * per_article)):
            s, o = rnd.sample(ents, 2)
            sent = f"{s.name} did something to {o.name} (sentence {i})."
            g.relations.append(
                Relation(
                    s.id,
                    rnd.choice(preds),
                    o.id,
                    Evidence(aid, sent, i * 50, i * 50 + len(sent), "bench", 0.8),
                    confidence=round(rnd.uniform(0.5, 1.0), 2),
                )
            )
        g.quotes = [
            Quote(
                ents[0].id,
                f"Quote {k} of article {a}",
                "said",
                Evidence(aid, "q", 9000 + k, 9010 + k),
                about=[ents[1].id],
            )
            for k in range(3)
        ]
        graphs.append(g)
    return graphs


def bbc_graphs(path: Path, workers: int) -> list[ArticleGraph] | None:
    """The BBC corpus extracted once (cached as JSONL under .run/bench/), or None if it is absent."""
    from kg import api, model

    if not BBC_CACHE.exists():
        if not path.is_dir():
            print(f"\n== bbc: SKIPPED, corpus not found at {path} (set KG_SHARED_DATA or --bbc)")
            return None
        BBC_CACHE.parent.mkdir(parents=True, exist_ok=True)
        tmp = BBC_CACHE.with_suffix(".tmp")
        t = time.perf_counter()
        print(f"extracting {path} once into {BBC_CACHE} ...", file=sys.stderr, flush=True)
        with open(tmp, "w", encoding="utf-8") as fh:
            api.extract([str(path)], fh, workers=workers)
        tmp.rename(BBC_CACHE)
        print(f"extracted in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    with open(BBC_CACHE, encoding="utf-8") as fh:
        return [g for g in model.read_jsonl(fh) if isinstance(g, ArticleGraph)]


def wipe(st) -> None:
    with st.driver.session(database=st.database) as s:
        # relationships first: DETACH DELETE of a hub node would put all its relationships in one transaction
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def rss_mb(who: str = "self") -> float:
    """Peak resident memory in MiB: of this process ("self") or of the process with that pid (VmHWM)."""
    if who == "self":
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        for line in Path(f"/proc/{who}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def server_pid() -> str | None:
    home = os.environ.get("KG_NEO4J_HOME")
    pid_file = Path(home) / "neo4j.pid" if home else ROOT / ".run" / "neo4j" / "neo4j.pid"
    return pid_file.read_text().strip() if pid_file.exists() else None


def admin_path(graphs: list[ArticleGraph], out: dict) -> None:
    """Export neo4j-admin files from the graphs and import them into a fresh database, timed."""
    if not neo4j_admin.available():
        print(f"neo4j-admin path SKIPPED: needs java and the Neo4j jars in {neo4j_admin.lib_dir()}")
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-admin-") as tmp:
        t, cpu = time.perf_counter(), time.process_time()
        files = write_neo4j_import(graphs, Path(tmp) / "csv")
        out["export_s"] = time.perf_counter() - t
        out["export_cpu"] = time.process_time() - cpu
        out["export_rss"] = rss_mb()
        got = neo4j_admin.import_full(Path(tmp) / "csv", Path(tmp) / "home", heap=ADMIN_HEAP)
        out["import_s"] = got["seconds"]
        out["import_rss"] = got["peak_mib"]
        out["admin_counts"] = (got["nodes"], got["relationships"])
        assert (files["nodes"], files["relationships"]) == out["admin_counts"], (files, got)


def run(st, label: str, graphs: list[ArticleGraph], batch: int, paths: set[str]) -> dict:
    n_rel = sum(len(g.relations) for g in graphs)
    n_ent = len({e.id for g in graphs for e in g.entities})
    print(
        f"\n== {label}: {len(graphs):,} articles, {n_rel:,} relations, {n_ent:,} entities, batch {batch:,} rows",
        flush=True,
    )
    out: dict = {"loadavg": [loadavg()]}
    online = paths & {"create", "kg"}
    if online:
        wipe(st)
        st.ensure_schema()
        warm = graphs[: max(1, len(graphs) // 20)]  # JIT and plan caches warm for both loaders
        st.load(warm)
        st.load([replace(g, article=replace(g.article, text=g.article.text + " (warm)")) for g in warm[::10]])
        wipe(st)
        if "create" in paths:
            neo4j_create.create(st, neo4j_create.statements(warm), batch)
            wipe(st)

    if "create" in paths:
        t = time.perf_counter()
        plan = neo4j_create.statements(graphs)
        out["plan_s"] = time.perf_counter() - t
        out["create_s"] = neo4j_create.create(st, plan, batch)
        del plan
        out["create_counts"] = neo4j_create.graph_counts(st)
        out["loadavg"].append(loadavg())
        wipe(st)

    if "kg" in paths:
        t = time.perf_counter()
        first = st.load(graphs)
        out["first_s"] = time.perf_counter() - t
        out["written"] = first.records_written
        out["loadavg"].append(loadavg())
        out["kg_counts"] = neo4j_create.graph_counts(st)
        s = st.stats()
        out["graph"] = s
        t = time.perf_counter()
        again = st.load(graphs)
        out["reload_s"] = time.perf_counter() - t
        assert again.articles_loaded == 0 and st.stats() == s, "reload changed the graph"
        changed = [replace(g, article=replace(g.article, text=g.article.text + " (updated)")) for g in graphs[::10]]
        out["changed"] = (len(changed), sum(len(g.relations) for g in changed))
        t = time.perf_counter()
        st.load(changed)
        out["replace_s"] = time.perf_counter() - t
        out["loadavg"].append(loadavg())
        assert st.stats() == s, "replacing with equal content changed the counts"
        out["client_rss"] = rss_mb()
        wipe(st)

    if "admin" in paths:
        admin_path(graphs, out)
    pid = server_pid()
    out["server_rss"] = rss_mb(pid) if pid and online else float("nan")
    report(out, n_rel)
    return out


def report(out: dict, n_rel: int) -> None:
    if "graph" in out:
        print(f"graph: {out['graph']}")
    if "create_counts" in out and "kg_counts" in out:
        same = out["create_counts"] == out["kg_counts"]
        print(f"same graph (nodes per label, relationships per type, property counts): {'yes' if same else 'NO'}")
        if not same:
            for k in sorted(set(out["create_counts"]) | set(out["kg_counts"])):
                a, b = out["create_counts"].get(k), out["kg_counts"].get(k)
                if a != b:
                    print(f"  {k}: CREATE {a}, kg {b}")
    print(f"{'':22s} {'seconds':>8s} {'rel/s':>9s}  note")

    def line(name: str, secs: float, note: str, rels: int = n_rel) -> None:
        print(f"{name:22s} {secs:8.1f} {rels / secs:9,.0f}  {note}")

    if "create_s" in out:
        line("same-graph CREATE", out["create_s"], f"plain UNWIND CREATE script (+{out['plan_s']:.1f}s to prepare)")
    if "first_s" in out:
        line("kg first load", out["first_s"], f"{out['written']:,} nodes+relationships written")
        line("kg reload", out["reload_s"], "all unchanged: skipped by content hash")
        a, r = out["changed"]
        line("kg replace 10%", out["replace_s"], f"{a:,} articles, {r:,} relations", r)
    if "export_s" in out:
        cpu = out["export_cpu"]
        per_s = out["admin_counts"][1] / out["export_s"]
        note = f"CSV files from the extracted graphs ({cpu:.1f} s CPU; {per_s:,.0f} Neo4j relationships/s)"
        line("neo4j-admin export", out["export_s"], note)
        line("neo4j-admin import", out["import_s"], "import full into a new database")
        both = out["export_s"] + out["import_s"]
        line("neo4j-admin total", both, f"{out['admin_counts'][0]:,} nodes, {out['admin_counts'][1]:,} relationships")
    if "create_s" in out and "first_s" in out:
        print(f"{'kg / CREATE':22s} {'':8s} {out['create_s'] / out['first_s']:9.2f}  (target >= 0.6)")
    if "first_s" in out:
        print(f"{'replace 10% / first':22s} {'':8s} {out['replace_s'] / out['first_s']:9.2f}  (target <= 0.2)")
    if "export_s" in out and "first_s" in out:
        print(f"{'neo4j-admin / kg':22s} {'':8s} {out['first_s'] / both:9.2f}  times faster than the first load")
    rss = [f"bench process {out.get('client_rss', rss_mb()):,.0f}", f"Neo4j server {out['server_rss']:,.0f}"]
    if "import_rss" in out:
        rss.append(f"neo4j-admin {out['import_rss']:,.0f}")
    print("peak RSS (MiB): " + ", ".join(rss))
    print(f"loadavg (1 min) at the start and after each step: {' '.join(out['loadavg'])}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    ap.add_argument("--relations", type=int, default=200_000)
    ap.add_argument("--per-article", type=int, default=100)
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="rows per transaction (both loaders)")
    ap.add_argument("--bbc", type=Path, default=BBC, help="the BBC corpus folder (default: shared data)")
    ap.add_argument("--no-bbc", action="store_true", help="only the synthetic graph")
    ap.add_argument("--no-synthetic", action="store_true", help="only the BBC graph")
    ap.add_argument(
        "--paths",
        default="create,kg,admin",
        help="what to run, comma-separated: create (same-graph CREATE), kg (first load, reload, replace), admin",
    )
    ap.add_argument("--workers", type=int, default=2, help="extraction processes for the one-time BBC extraction")
    args = ap.parse_args(argv)
    paths = set(args.paths.split(","))

    corpora: list[tuple[str, Callable[[], list[ArticleGraph] | None]]] = []
    if not args.no_synthetic:
        corpora.append(("synthetic", lambda: synthetic(args.relations, args.per_article, args.entities)))
    if not args.no_bbc:
        corpora.append(("bbc", lambda: bbc_graphs(args.bbc, args.workers)))
    print(f"kg on {platform.machine()}, {os.cpu_count()} cores, Neo4j at {args.uri}; paths {sorted(paths)}")
    with open_store(args.uri, batch_size=args.batch_size) as st:
        for label, make in corpora:
            graphs = make()
            if graphs:
                run(st, label, graphs, args.batch_size, paths)


if __name__ == "__main__":
    main()
