"""Neo4j load benchmark: kg's idempotent loader next to a plain ``UNWIND ... CREATE`` baseline.

Needs a running server (``NEO4J_PASSWORD=... scripts/neo4j start``) and
NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD. The database is WIPED.

    .venv/bin/python bench/neo4j_load.py                       # synthetic graph, 200k relations
    .venv/bin/python bench/neo4j_load.py --relations 400000 --batch-size 10000
    .venv/bin/python bench/neo4j_load.py --bbc ../shared/data/external/bbc --workers 2

Prints relationships/s (one extracted relation = one relationship) for:
  kg first load   the project's loader into an empty database (MERGE, evidence nodes, aggregation)
  kg reload       the same graphs again (all unchanged: skipped by content hash)
  kg replace      10% of the articles changed (old contributions removed, new written)
  baseline        UNWIND $rows CREATE of the same entities and relationships (with evidence
                  properties), same batch size, one transaction per batch
Not a test: it prints numbers.
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

from kg import catalogue, ids  # noqa: E402
from kg.model import Article, ArticleGraph, Entity, Evidence, Quote, Relation  # noqa: E402
from kg.stores import open_store  # noqa: E402
from kg.stores.neo4j_rows import names  # noqa: E402


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
            g.relations.append(Relation(s.id, rnd.choice(preds), o.id,
                                        Evidence(aid, sent, i * 50, i * 50 + len(sent), "bench", 0.8),
                                        confidence=round(rnd.uniform(0.5, 1.0), 2)))
        g.quotes = [Quote(ents[0].id, f"Quote {k} of article {a}", "said", Evidence(aid, "q", 9000 + k, 9010 + k),
                          about=[ents[1].id]) for k in range(3)]
        graphs.append(g)
    return graphs


def bbc_graphs(path: str, workers: int) -> list[ArticleGraph]:
    """The BBC corpus extracted once (cached as JSONL under .run/bench/)."""
    from kg import api, model

    cache = Path(__file__).resolve().parent.parent / ".run" / "bench" / "bbc.jsonl"
    if not cache.exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        with open(cache.with_suffix(".tmp"), "w", encoding="utf-8") as fh:
            api.extract([path], fh, workers=workers)
        cache.with_suffix(".tmp").rename(cache)
        print(f"extracted {path} in {time.perf_counter() - t:.0f}s -> {cache}", file=sys.stderr)
    with open(cache, encoding="utf-8") as fh:
        return [g for g in model.read_jsonl(fh) if isinstance(g, ArticleGraph)]


def wipe(st) -> None:
    with st.driver.session(database=st.database) as s:
        # relationships first: DETACH DELETE of a hub node would put all its relationships in one transaction
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def baseline(st, graphs: list[ArticleGraph], batch: int) -> tuple[float, float]:
    """Plain CREATE of the same entities and relationships; returns (node seconds, relationship seconds)."""
    n = names()
    ents = {e.id: {"id": e.id, "name": e.name, "type": e.type} for g in graphs for e in g.entities}
    by_type: dict[str, list[dict]] = {}
    for g in graphs:
        for r in g.relations:
            ev = r.evidence
            by_type.setdefault(n.rel_types[r.predicate], []).append(
                {"s": r.subject, "o": r.object, "p": {"article_id": ev.article_id, "sentence": ev.sentence,
                                                        "start": ev.start, "end": ev.end, "confidence": r.confidence}})

    def chunks(rows):
        for i in range(0, len(rows), batch):
            yield rows[i:i + batch]

    with st.driver.session(database=st.database) as s:
        t0 = time.perf_counter()
        for rows in chunks(list(ents.values())):
            s.execute_write(lambda tx, rows=rows: tx.run(
                "UNWIND $rows AS row CREATE (e:Entity) SET e = row", rows=rows).consume())
        t1 = time.perf_counter()
        for typ, all_rows in by_type.items():
            for rows in chunks(all_rows):
                s.execute_write(lambda tx, rows=rows, typ=typ: tx.run(
                    f"UNWIND $rows AS row MATCH (s:Entity {{id: row.s}}) MATCH (o:Entity {{id: row.o}}) "
                    f"CREATE (s)-[r:{typ}]->(o) SET r = row.p", rows=rows).consume())
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"))
    ap.add_argument("--relations", type=int, default=200_000)
    ap.add_argument("--per-article", type=int, default=100)
    ap.add_argument("--entities", type=int, default=20_000)
    ap.add_argument("--batch-size", type=int, default=5000, help="rows per transaction (both loaders)")
    ap.add_argument("--bbc", default=None, help="also load the BBC corpus extracted from this folder")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)

    corpora = [("synthetic", synthetic(args.relations, args.per_article, args.entities))]
    if args.bbc:
        corpora.append(("bbc", bbc_graphs(args.bbc, args.workers)))

    with open_store("neo4j", uri=args.uri, batch_size=args.batch_size) as st:
        for label, graphs in corpora:
            n_rel = sum(len(g.relations) for g in graphs)
            print(f"\n== {label}: {len(graphs)} articles, {n_rel} relations, "
                  f"{len({e.id for g in graphs for e in g.entities})} entities, batch {args.batch_size} rows")
            wipe(st)
            st.ensure_schema()
            t = time.perf_counter()
            first = st.load(graphs)
            t_first = time.perf_counter() - t
            s = st.stats()
            t = time.perf_counter()
            again = st.load(graphs)
            t_again = time.perf_counter() - t
            assert again.articles_loaded == 0 and st.stats() == s, "reload changed the graph"
            changed = [replace(g, article=replace(g.article, text=g.article.text + " (updated)"))
                       for g in graphs[:: 10]]
            n_changed = sum(len(g.relations) for g in changed)
            t = time.perf_counter()
            st.load(changed)
            t_repl = time.perf_counter() - t
            assert st.stats() == s, "replacing with equal content changed the counts"

            wipe(st)
            t_nodes, t_rels = baseline(st, graphs, args.batch_size)
            wipe(st)

            kg_rate = n_rel / t_first
            base_total, base_rels = n_rel / (t_nodes + t_rels), n_rel / t_rels
            print(f"graph: {s}")
            print(f"kg first load   {t_first:7.1f}s  {kg_rate:9,.0f} relationships/s "
                  f"({first.records_written:,} records)")
            print(f"kg reload       {t_again:7.1f}s  {n_rel / t_again:9,.0f} relationships/s (all unchanged)")
            print(f"kg replace 10%  {t_repl:7.1f}s  {n_changed / t_repl:9,.0f} relationships/s ({len(changed)} articles)")
            print(f"baseline CREATE {t_nodes + t_rels:7.1f}s  {base_total:9,.0f} relationships/s "
                  f"(nodes {t_nodes:.1f}s + relationships {t_rels:.1f}s = {base_rels:,.0f}/s for relationships alone)")
            print(f"kg / baseline   {kg_rate / base_total:.2f} (vs relationships alone {kg_rate / base_rels:.2f})")


if __name__ == "__main__":
    main()
