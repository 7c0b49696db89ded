"""The short corpus report ``kg report`` prints (and ``make demo`` shows)."""

from __future__ import annotations

from . import queries
from .analyse.graph import actor_graph
from .output import table
from .stores.base import Result

EXAMPLE_QUERY = "positions-held"


def report(store, *, top: int = 10, examples: int = 6) -> str:
    s = store.stats()
    lines = ["# kg report", "",
             f"articles {s['articles']}  entities {s['entities']}  relations {s['relations']}  "
             f"quotes {s['quotes']}  quads {s['quads']}", ""]
    G = actor_graph(store)
    actors = [n for n, d in G.nodes(data=True) if d["type"] in ("Person", "Organization", "GPE", "Group")]
    ranked = sorted(actors, key=lambda n: (-G.degree(n), -G.nodes[n]["articles"], n))[:top]
    lines += ["## Top actors (by relations)", ""]
    lines.append(table(Result(["actor", "type", "relations", "articles"],
                              [[G.nodes[n]["label"], G.nodes[n]["type"], G.degree(n), G.nodes[n]["articles"]]
                               for n in ranked]), 110))
    lines += ["", "## Example triples with their source sentences", ""]
    ev = store.query(queries.with_prefixes(queries.named("relations-with-evidence"))).dicts()
    seen, shown = set(), 0
    for r in sorted(ev, key=lambda r: (-r["confidence"], r["relation"])):
        key = (r["subject"], r["relation"], r["object"])
        if key in seen or r["relation"] in seen:
            continue
        seen.update([key, r["relation"]])
        lines.append(f"- {r['subject']} --{r['relation']}--> {r['object']}  ({r['modality']}, {r['confidence']:.2f})")
        lines.append(f"    \u201c{r['sentence']}\u201d")
        shown += 1
        if shown >= examples:
            break
    q = queries.named(EXAMPLE_QUERY)
    lines += ["", f"## SPARQL: {EXAMPLE_QUERY}", "", q.strip(), ""]
    res = store.query(queries.with_prefixes(q))
    res.rows = res.rows[:top]
    lines.append(table(res, 110))
    return "\n".join(lines)
