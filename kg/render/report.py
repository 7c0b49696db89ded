"""The short corpus report ``kg report`` prints (and ``make demo`` shows)."""

from __future__ import annotations

from pathlib import Path

from kg.analyse.graph import actor_graph
from kg.render.tables import table, text
from kg.schema import queries
from kg.stores.base import Result

EXAMPLE_QUERY = "positions-held"


def _named(store, name: str) -> tuple[str, str]:
    """The named query ``name`` in the store's language, as run and as shown: (text, language name)."""
    if getattr(store, "language", "sparql") == "cypher":
        return queries.named(name, "cypher"), "Cypher"
    return queries.with_prefixes(queries.named(name)), "SPARQL"


def report(store, *, top: int = 10, examples: int = 6) -> str:
    """The short text report: the store's counts, the top actors, example relations with their sentences
    and the example named query, in the store's query language (the same answers on every store)."""
    s = store.stats()
    counts = ("articles", "entities", "relations", "quotes")
    lines = [
        "# kg report",
        "",
        "  ".join(
            f"{k} {v}" for k, v in [*((k, s[k]) for k in counts), *((k, v) for k, v in s.items() if k not in counts)]
        ),
        "",
    ]
    G = actor_graph(store)
    actors = [n for n, d in G.nodes(data=True) if d["type"] in ("Person", "Organization", "GPE", "Group")]
    ranked = sorted(actors, key=lambda n: (-G.degree(n), -G.nodes[n]["articles"], n))[:top]
    lines += ["## Top actors (by relations)", ""]
    lines.append(
        table(
            Result(
                ["actor", "type", "relations", "articles"],
                [[G.nodes[n]["label"], G.nodes[n]["type"], G.degree(n), G.nodes[n]["articles"]] for n in ranked],
            ),
        )
    )
    lines += ["", "## Example triples with their source sentences", ""]
    ev = store.query(_named(store, "relations-with-evidence")[0]).dicts()
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
    q, language = _named(store, EXAMPLE_QUERY)
    shown_q = queries.named(EXAMPLE_QUERY, "cypher" if language == "Cypher" else "rq")
    lines += ["", f"## {language}: {EXAMPLE_QUERY}", "", shown_q.strip(), ""]
    res = store.query(q)
    res.rows = res.rows[:top]
    lines.append(table(res))
    return "\n".join(lines)


# -- the corpus report as one HTML or Markdown file, with its pictures -----------------------------

REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


def corpus(store, *, top: int = 15, seed: int = 0) -> dict:
    """What the file report shows, computed once: counts, the signed network and its blocs, the most
    central actors, the strongest alliances and adversaries with evidence, office holders and the
    stance matrix, plus the :class:`kg.render.layout.Scene` of the network picture."""
    from kg.analyse import alliances as al
    from kg.analyse import positions as po
    from kg.render.layout import scene

    G = actor_graph(store, evidence=True)
    sc = scene(G, top=40, seed=seed)  # annotates G: bloc, pagerank, ...
    ann = sc.annotation
    assert ann is not None  # scene() always keeps the analysis it drew from
    S, parts, frus = ann.signed, ann.partition, ann.frustration
    label = lambda n: G.nodes[n].get("label", n)  # noqa: E731
    pr = lambda n: G.nodes[n].get("pagerank", 0.0)  # noqa: E731

    def sentence(evs):
        best = sorted((e for e in evs if e.get("sentence")), key=lambda e: -float(e.get("confidence", 0)))
        return best[0]["sentence"] if best else ""

    ties = sorted(S.edges(data=True), key=lambda e: (-abs(e[2]["weight"]), e[0], e[1]))

    def tie_rows(sign):
        return [
            [label(u), label(v), d["weight"], len(d["evidence"]), sentence(d["evidence"])]
            for u, v, d in ties
            if d["sign"] == sign
        ][:top]

    blocs = [
        [
            i + 1,
            len(p),
            ", ".join(label(n) for n in sorted(p, key=lambda n: (-pr(n), n))[:12]) + (" …" if len(p) > 12 else ""),
        ]
        for i, p in enumerate(parts)
        if len(p) > 1
    ][:top]
    bridges = [
        [
            label(b["source"]),
            b["source_bloc"] + 1,
            label(b["target"]),
            b["target_bloc"] + 1,
            b["weight"],
            sentence(b["evidence"]),
        ]
        for b in al.bridges(S, parts)[:top]
    ]
    cent = [
        [r["actor"], r["type"], r["degree"], r["evidence"], r["pagerank"], r["betweenness"], r["core"]]
        for r in ann.centrality[:top]
    ]
    holders = [
        [r["holder"], r["office"], r["of"], r["evidence"], r["first"], r["last"], (r["sentences"] or [""])[0]]
        for r in po.office_holders(G, status="current")[:top]
    ]
    stances = po.stance_matrix(G)
    return {
        "stats": store.stats(),
        "scene": sc,
        "stances": stances,
        "network": {
            "actors": sum(1 for n in S if S.degree(n)),
            "ties": S.number_of_edges(),
            "blocs": sum(1 for p in parts if len(p) > 1),
            "frustration": frus,
            "balance": al.balance(S),
        },
        "tables": {
            "blocs": Result(["bloc", "actors", "members (most central first)"], blocs),
            "bridges": Result(["actor", "bloc", "other", "other bloc", "weight", "evidence"], bridges),
            "central": Result(["actor", "type", "degree", "evidence", "pagerank", "betweenness", "core"], cent),
            "alliances": Result(["actor", "ally", "weight", "evidence", "sentence"], tie_rows(1)),
            "adversaries": Result(["actor", "adversary", "weight", "evidence", "sentence"], tie_rows(-1)),
            "holders": Result(["holder", "office", "of", "evidence", "first", "last", "sentence"], holders),
            "stances": Result(
                ["actor", "issue", "stance", "supports", "opposes", "quote"],
                [
                    [r["actor"], r["issue"], r["stance"], r["supports"], r["opposes"], (r["sentences"] or [""])[0]]
                    for r in stances[:top]
                ],
            ),
        },
    }


def _sections(data: dict) -> list[tuple[str, list]]:
    """(heading, blocks): a block is a paragraph (str), a table (Result) or a picture ("png", name, caption)."""
    s, n = data["stats"], data["network"]
    t = data["tables"]
    bal = n["balance"]
    counts = (
        f"{s.get('articles', 0)} articles, {s.get('entities', 0)} entities, {s.get('relations', 0)} relations "
        f"(each with its sentence), {s.get('quotes', 0)} quotes. {n['actors']} actors are joined by {n['ties']} "
        f"signed ties (cooperation +, conflict -), which split into {n['blocs']} blocs of two or more with "
        f"frustration {n['frustration']:g}; {bal['balanced']} of {bal['triangles']} triangles are balanced."
    )
    return [
        ("Corpus", [counts]),
        (
            "The alliance network",
            [
                (
                    "png",
                    "network",
                    "The most central actors by PageRank (node size), coloured "
                    "and grouped by bloc; green ties cooperate, red ones conflict, grey dashed are "
                    "neutral.",
                )
            ],
        ),
        ("Blocs", ["Groups of the signed partition that minimises frustration (largest first).", t["blocs"]]),
        ("Bridges between blocs", [t["bridges"]]),
        ("Top actors", ["Ranked by PageRank over all relations between actors.", t["central"]]),
        ("Strongest alliances", [t["alliances"]]),
        ("Strongest adversaries", [t["adversaries"]]),
        ("Office holders", [t["holders"]]),
        (
            "Stances",
            [
                ("png", "stances", "Actor x issue stances: green supports, red opposes (cells: supports/opposes)."),
                t["stances"],
            ],
        ),
    ]


def _pictures(data: dict, folder, stem: str) -> dict[str, Path]:
    from kg.render import viz

    folder = Path(folder)
    out = {"network": viz.png(data["scene"], folder / f"{stem}-network.png", title="The alliance network")}
    if data["stances"]:
        out["stances"] = viz.stance_heatmap(data["stances"], folder / f"{stem}-stances.png")
    return out


def _md_cell(v) -> str:
    return " ".join(text(v).split()).replace("|", "\\|")


def to_markdown(data: dict, pictures: dict, title: str) -> str:
    lines = [f"# {title}", ""]
    for heading, blocks in _sections(data):
        lines += [f"## {heading}", ""]
        for b in blocks:
            if isinstance(b, Result):
                if not b.rows:
                    lines += ["(none)", ""]
                    continue
                lines.append("| " + " | ".join(b.columns) + " |")
                lines.append("|" + "|".join("---" for _ in b.columns) + "|")
                lines += ["| " + " | ".join(_md_cell(v) for v in r) + " |" for r in b.rows]
                lines.append("")
            elif isinstance(b, tuple):
                if b[1] in pictures:
                    lines += [f"![{b[1]}]({pictures[b[1]].name})", "", f"*{b[2]}*", ""]
            else:
                lines += [b, ""]
    return "\n".join(lines)


def to_html(data: dict, pictures: dict, title: str) -> str:
    import base64
    import html

    esc = lambda v: html.escape(text(v))  # noqa: E731
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        "<style>body{font-family:Helvetica,Arial,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
        "color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}td,th{border:1px solid #ddd;"
        "padding:3px 6px;vertical-align:top;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
        "figcaption{font-size:13px;color:#555}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for heading, blocks in _sections(data):
        out.append(f"<h2>{esc(heading)}</h2>")
        for b in blocks:
            if isinstance(b, Result):
                if not b.rows:
                    out.append("<p>(none)</p>")
                    continue
                out.append("<table><tr>" + "".join(f"<th>{esc(c)}</th>" for c in b.columns) + "</tr>")
                out += ["<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in b.rows]
                out.append("</table>")
            elif isinstance(b, tuple):
                if b[1] in pictures:
                    data64 = base64.b64encode(pictures[b[1]].read_bytes()).decode("ascii")
                    out.append(
                        f'<figure><img alt="{esc(b[2])}" src="data:image/png;base64,{data64}">'
                        f"<figcaption>{esc(b[2])}</figcaption></figure>"
                    )
            else:
                out.append(f"<p>{esc(b)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(store, output, *, top: int = 15, title: str = "kg report", seed: int = 0) -> dict:
    """Write the corpus report to ``output``: ``.html`` (pictures embedded as base64, one
    self-contained file) or ``.md`` (pictures written beside it as ``<name>-network.png`` and
    ``<name>-stances.png``). Returns the files written."""
    import tempfile

    output = Path(output)
    kind = REPORT_SUFFIXES.get(output.suffix.lower())
    if kind is None:
        raise ValueError(f"report output must end in .html or .md, not {output.name!r}")
    output.parent.mkdir(parents=True, exist_ok=True)
    data = corpus(store, top=top, seed=seed)
    if kind == "md":
        pictures = _pictures(data, output.parent, output.stem)
        output.write_text(to_markdown(data, pictures, title), encoding="utf-8")
        return {"report": str(output), "pictures": [str(p) for p in pictures.values()]}
    with tempfile.TemporaryDirectory() as tmp:
        pictures = _pictures(data, tmp, "report")
        output.write_text(to_html(data, pictures, title), encoding="utf-8")
    return {"report": str(output), "pictures": len(pictures)}
