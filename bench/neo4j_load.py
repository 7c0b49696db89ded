"""Neo4j load benchmark: kg's idempotent loader next to a plain ``UNWIND ... CREATE`` baseline.

Needs a running server (``NEO4J_PASSWORD=... scripts/neo4j start``) and
NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. The database is WIPED: use a server
of your own (e.g. ``NEO4J_BOLT_PORT=7697 NEO4J_HTTP_PORT=off KG_NEO4J_HOME=/tmp/kg-bench
scripts/neo4j start``), not one that others are testing against.

    .venv/bin/python bench/neo4j_load.py                       # synthetic graph (200k relations) + BBC
    .venv/bin/python bench/neo4j_load.py --relations 400000 --batch-size 10000
    .venv/bin/python bench/neo4j_load.py --no-bbc

Corpora:
  synthetic  articles of 100 relations among ~30 entities drawn from a skewed pool (hubs exist)
  bbc        the BBC News corpus (shared/data/external/bbc, 2,225 articles) extracted once by
             `kg extract` into .run/bench/bbc.jsonl (skipped with a message if the corpus is absent)

For each corpus, after a warm-up (JIT and plan caches, both loaders, on the first 5%), prints
relationships/s (one extracted relation = one relationship) for:
  baseline CREATE  UNWIND $rows CREATE of the same entities and one relationship per relation
                   (with its evidence as properties), per type, same batch size, one transaction per batch
  CREATE, no props the same relationships without properties: about the most this server writes
  kg first load    the project's loader into an empty database (MERGE of shared nodes and aggregated
                   relationships, evidence nodes, mentions, quotes; one transaction per batch)
  kg reload        the same graphs again (all unchanged: skipped by content hash)
  kg replace 10%   10% of the articles changed (old contributions removed, new ones written)
and the ratio kg first load / baseline. Wall-clock figures: on a shared machine read them with
the load average printed next to them. Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation
from kg.schema import catalogue, ids
from kg.stores import open_store
from kg.stores.neo4j.rows import names
from kg.stores.neo4j.store import DEFAULT_BATCH

ROOT = Path(__file__).resolve().parent.parent
BBC = Path(os.environ.get("KG_SHARED_DATA", ROOT.parent / "shared" / "data")) / "external" / "bbc"
BBC_CACHE = ROOT / ".run" / "bench" / "bbc.jsonl"


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


def baseline(st, graphs: list[ArticleGraph], batch: int, props: bool = True) -> tuple[float, float]:
    """Plain CREATE of the same entities and relationships; returns (node seconds, relationship seconds).
    ``props=False``: relationships without their evidence properties (what the server can do at best)."""
    n = names()
    ents = {e.id: {"id": e.id, "name": e.name, "type": e.type} for g in graphs for e in g.entities}
    by_type: dict[str, list[dict]] = {}
    for g in graphs:
        for r in g.relations:
            if r.predicate not in n.rel_types:
                continue
            ev = r.evidence
            by_type.setdefault(n.rel_types[r.predicate], []).append(
                {
                    "s": r.subject,
                    "o": r.object,
                    "p": {
                        "article_id": ev.article_id,
                        "sentence": ev.sentence,
                        "start": ev.start,
                        "end": ev.end,
                        "confidence": r.confidence,
                    },
                }
            )

    def chunks(rows):
        for i in range(0, len(rows), batch):
            yield rows[i : i + batch]

    with st.driver.session(database=st.database) as s:
        t0 = time.perf_counter()
        for rows in chunks(list(ents.values())):
            s.execute_write(
                lambda tx, rows=rows: tx.run("UNWIND $rows AS row CREATE (e:Entity) SET e = row", rows=rows).consume()
            )
        t1 = time.perf_counter()
        for typ, all_rows in by_type.items():
            for rows in chunks(all_rows):
                s.execute_write(
                    lambda tx, rows=rows, typ=typ: tx.run(
                        f"UNWIND $rows AS row MATCH (s:Entity {{id: row.s}}) MATCH (o:Entity {{id: row.o}}) "
                        f"CREATE (s)-[r:{typ}]->(o)" + (" SET r = row.p" if props else ""),
                        rows=rows,
                    ).consume()
                )
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def run(st, label: str, graphs: list[ArticleGraph], batch: int) -> dict:
    n_rel = sum(len(g.relations) for g in graphs)
    n_ent = len({e.id for g in graphs for e in g.entities})
    print(
        f"\n== {label}: {len(graphs)} articles, {n_rel:,} relations, {n_ent:,} entities, batch {batch:,} rows",
        flush=True,
    )
    wipe(st)
    st.ensure_schema()
    warm = graphs[: max(1, len(graphs) // 20)]  # JIT and plan caches warm for both loaders
    st.load(warm)
    wipe(st)
    baseline(st, warm, batch)
    wipe(st)

    out: dict = {"loadavg": [loadavg()]}
    t_nodes, t_rels = baseline(st, graphs, batch)
    out["baseline"] = n_rel / (t_nodes + t_rels)
    out["baseline_s"] = t_nodes + t_rels
    out["loadavg"].append(loadavg())
    wipe(st)
    b_nodes, b_rels = baseline(st, graphs, batch, props=False)
    out["bare"] = n_rel / (b_nodes + b_rels)
    out["bare_s"] = b_nodes + b_rels
    wipe(st)

    t = time.perf_counter()
    first = st.load(graphs)
    out["first_s"] = time.perf_counter() - t
    out["first"] = n_rel / out["first_s"]
    out["loadavg"].append(loadavg())
    s = st.stats()

    t = time.perf_counter()
    again = st.load(graphs)
    out["reload_s"] = time.perf_counter() - t
    assert again.articles_loaded == 0 and st.stats() == s, "reload changed the graph"

    changed = [replace(g, article=replace(g.article, text=g.article.text + " (updated)")) for g in graphs[::10]]
    n_changed = sum(len(g.relations) for g in changed)
    t = time.perf_counter()
    st.load(changed)
    out["replace_s"] = time.perf_counter() - t
    out["loadavg"].append(loadavg())
    assert st.stats() == s, "replacing with equal content changed the counts"
    wipe(st)

    print(f"graph: {s}")
    print(f"{'':18s} {'seconds':>8s} {'rel/s':>9s}  note")
    print(
        f"{'baseline CREATE':18s} {out['baseline_s']:8.1f} {out['baseline']:9,.0f}  "
        f"nodes {t_nodes:.1f}s + relationships {t_rels:.1f}s"
    )
    print(
        f"{'CREATE, no props':18s} {out['bare_s']:8.1f} {out['bare']:9,.0f}  "
        f"the same without evidence properties: about the most this server writes"
    )
    print(
        f"{'kg first load':18s} {out['first_s']:8.1f} {out['first']:9,.0f}  "
        f"{first.records_written:,} nodes+relationships written"
    )
    print(f"{'kg reload':18s} {out['reload_s']:8.1f} {n_rel / out['reload_s']:9,.0f}  all unchanged")
    print(
        f"{'kg replace 10%':18s} {out['replace_s']:8.1f} {n_changed / out['replace_s']:9,.0f}  "
        f"{len(changed)} articles, {n_changed:,} relations"
    )
    print(f"{'kg / baseline':18s} {'':8s} {out['first'] / out['baseline']:9.2f}  (target >= 0.5)")
    print(f"loadavg (1 min) before baseline, after baseline, after first load, at the end: {' '.join(out['loadavg'])}")
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    ap.add_argument("--relations", type=int, default=200_000)
    ap.add_argument("--per-article", type=int, default=100)
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="rows per transaction (both loaders)")
    ap.add_argument("--bbc", type=Path, default=BBC, help="the BBC corpus folder (default: shared data)")
    ap.add_argument("--no-bbc", action="store_true", help="only the synthetic graph")
    ap.add_argument("--workers", type=int, default=2, help="extraction processes for the one-time BBC extraction")
    args = ap.parse_args(argv)

    corpora = [("synthetic", lambda: synthetic(args.relations, args.per_article, args.entities))]
    if not args.no_bbc:
        corpora.append(("bbc", lambda: bbc_graphs(args.bbc, args.workers)))
    with open_store(args.uri, batch_size=args.batch_size) as st:
        for label, make in corpora:
            graphs = make()
            if graphs:
                run(st, label, graphs, args.batch_size)


if __name__ == "__main__":
    main()
