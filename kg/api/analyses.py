"""The analysis verbs of :mod:`kg.api` (``kg alliances``, ``kg positions``, ``kg centrality``,
``kg path``, ``kg ego``, ``kg actors``, ``kg merge``, ``kg split``).

Each opens the store read-only, builds the actor graph (optionally for a date window) and returns an
:class:`Analysis`: a table (``columns``/``rows``, rendered by :mod:`kg.render.tables`) plus a ``summary``
dict. For the full structures use :mod:`kg.analyse.alliances`, ``positions`` and ``centrality``.

>>> from kg import api                                             # doctest: +SKIP
>>> api.alliances(store="kg-store", top=10).summary["balance"]       # doctest: +SKIP
{'triangles': 3, 'balanced': 2, 'ratio': 0.6667}
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kg.analyse import alliances as _al
from kg.analyse import centrality as _ce
from kg.analyse import positions as _po
from kg.analyse.graph import actor_graph, find_actor
from kg.api.common import Analysis, StoreLocation, open_for_reading
from kg.dates import bounds


def graph(*, store: StoreLocation = None, since: str | None = None, until: str | None = None):
    """The actor graph of a store (with evidence lists), for a date window: the embedded store at
    a directory, or a SPARQL or Neo4j server (see :func:`kg.stores.open_store`); ``since``/``until`` are ISO
    years, months or days (ValueError otherwise), and leave undated articles out."""
    bounds(since, until)
    with open_for_reading(store) as st:
        return actor_graph(st, since=since, until=until, evidence=True)


def _find(G, name: str, store: StoreLocation) -> str:
    """The actor ``name`` refers to (:func:`kg.analyse.graph.find_actor`), else the one actor the
    articles also called ``name`` (an alias, such as a name merged into another actor)."""
    try:
        return find_actor(G, name)
    except KeyError:
        key = " ".join(name.split()).casefold()
        with open_for_reading(store) as st:
            known = st.aliases()
        hits = sorted(n for n, names in known.items() if n in G and key in {a.casefold() for a in names})
        if len(hits) == 1:
            return hits[0]
        raise


def _sentence(evidence: list[dict]) -> str:
    for e in sorted(evidence, key=lambda e: -float(e.get("confidence", 0))):
        if e.get("sentence"):
            return e["sentence"]
    return ""


def _label(G, n):
    return G.nodes[n].get("label", n) if n in G else n


def _partner(G, r: dict) -> dict:
    """An ally or adversary as ``kg alliances --json`` gives it: who, the tie's weight, the relations it
    rests on with their counts, and each piece of evidence."""
    return {
        "actor": _label(G, r["actor"]),
        "id": r["actor"],
        "weight": r["weight"],
        "relations": r["relations"],
        "evidence": [
            {
                "subject": _label(G, e["subject"]),
                "relation": e["predicate"],
                "object": _label(G, e["object"]),
                "weight": e["weight"],
                "modality": e.get("modality", "asserted"),
                "sentence": e.get("sentence", ""),
                "article": e.get("article", ""),
                "date": e.get("date", ""),
            }
            for e in r["evidence"]
        ],
    }


def alliances(
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = 20,
    seed: int = 0,
    partners: int = 3,
) -> Analysis:
    """Blocs and each actor's strongest allies and adversaries, with the acts each tie rests on.

    Ties come from acts of support and conflict only (:mod:`kg.analyse.ties`); party membership seeds the
    blocs (:func:`kg.analyse.alliances.signed_partition`). One row per actor (the ``top`` with the most
    partners): its ``bloc``, the party the bloc is seeded by (``bloc_party``), the actor, its ``type``
    and own ``party``, its ``partners`` strongest ``allies`` and ``adversaries`` -- each a dict with the
    partner's name (``actor``) and ``id``, the signed ``weight``, the ``relations`` the tie rests on
    with their evidence counts and the ``evidence`` (subject, relation, object, weight, modality,
    sentence, article, date) -- and the strongest sentence. ``summary``: balance, frustration,
    blocs (with their party and actors), bridges between blocs."""
    from kg.analyse.parties import membership

    G = graph(store=store, since=since, until=until)
    S = _al.signed_graph(G)
    party = membership(G)
    parts, frus = _al.signed_partition(S, seed=seed, members=party)
    side = _al.bloc_of(parts)
    bloc_party = {}  # a bloc's party: the one with the most members in it
    for i, p in enumerate(parts):
        counts = sorted((-sum(1 for m in p if party.get(m) == q), q) for q in set(party.values()) & p)
        bloc_party[i] = _label(G, counts[0][1]) if counts and counts[0][0] < 0 else ""
    actors = sorted(
        (n for n in S if S.degree(n)),
        key=lambda n: (-S.degree(n, weight=None), -sum(abs(d["weight"]) for d in S[n].values()), n),
    )
    if top:
        actors = actors[:top]
    rows = []
    for n in actors:
        al, ad = _al.allies(S, n, partners), _al.adversaries(S, n, partners)
        rows.append(
            [
                side.get(n, ""),
                bloc_party.get(side.get(n, -1), ""),
                _label(G, n),
                G.nodes[n].get("type", ""),
                _label(G, party[n]) if n in party else "",
                [_partner(G, r) for r in al],
                [_partner(G, r) for r in ad],
                _sentence([e for r in al + ad for e in r["evidence"]]),
            ]
        )
    order = {id(r): i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (r[0] if r[0] != "" else 1e9, order[id(r)]))
    bridges = [
        {
            "source": _label(G, b["source"]),
            "target": _label(G, b["target"]),
            "weight": b["weight"],
            "sentence": _sentence(b["evidence"]),
        }
        for b in _al.bridges(S, parts)[: top or None]
    ]
    summary = {
        "actors": sum(1 for n in S if S.degree(n)),
        "ties": S.number_of_edges(),
        "balance": _al.balance(S),
        "frustration": frus,
        "blocs": [
            {"bloc": i, "party": bloc_party[i], "actors": sorted(_label(G, n) for n in p)}
            for i, p in enumerate(parts)
            if len(p) > 1
        ],
        "bridges": bridges,
    }
    columns = ["bloc", "bloc_party", "actor", "type", "party", "allies", "adversaries", "evidence"]
    return Analysis(columns, rows, summary)


def positions(
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    stances: bool = False,
    status: str | Iterable[str] | None = "current",
    kb: bool = False,
) -> Analysis:
    """Office holders (who holds which post of which organisation or country, with what status, first/last
    date, the sentence), or with ``stances`` the actor × issue stance matrix with counts and sentences.
    ``status``: the holdings to list, by default the current ones (``former``, ``designate``,
    ``hypothetical``, several of them, or None for all; see :func:`kg.analyse.positions.office_holders`).
    ``kb``: each holder's roles in the actor knowledge base too, after the holder's extracted rows, with a
    ``source`` column ("text" or "dictionary")."""
    G = graph(store=store, since=since, until=until)
    if stances:
        rs = _po.stance_matrix(G)[: top or None]
        return Analysis(
            ["actor", "issue", "stance", "supports", "opposes", "evidence"],
            [[r["actor"], r["issue"], r["stance"], r["supports"], r["opposes"], r["sentences"][:2]] for r in rs],
            {"cells": len(rs)},
        )
    rs = _po.office_holders(G, status=status)[: top or None]
    columns = ["holder", "office", "of", "status", "evidence", "first", "last", "sentence"]
    rows = [
        [
            r["holder"],
            r["office"],
            r["of"],
            r["status"],
            r["evidence"],
            r["first"],
            r["last"],
            (r["sentences"] or [""])[0],
        ]
        for r in rs
    ]
    if kb:
        with open_for_reading(store) as st:
            known = st.kb_roles()
        columns, rows = [*columns, "source"], _po.with_dictionary_roles(rows, known)
    return Analysis(
        columns,
        rows,
        {"holders": len(rs)},
    )


def centrality(
    *, store: StoreLocation = None, since: str | None = None, until: str | None = None, top: int | None = 20
) -> Analysis:
    """Degree, evidence, PageRank, betweenness and k-core of each actor, by PageRank."""
    G = graph(store=store, since=since, until=until)
    rs = _ce.centrality(G, top=top)
    cols = ["actor", "type", "degree", "evidence", "pagerank", "betweenness", "core"]
    return Analysis(cols, [[r[c] for c in cols] for r in rs], {"actors": len(rs)})


def path(
    source: str,
    target: str,
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
) -> Analysis:
    """The shortest chain of relations between two actors (names, aliases or ids), with the sentences."""
    import networkx as nx

    G = graph(store=store, since=since, until=until)
    a, b = _find(G, source, store), _find(G, target, store)
    try:
        steps = _ce.path(G, a, b)
    except nx.NetworkXNoPath:
        raise ValueError(f"no path between {_label(G, a)} and {_label(G, b)}") from None
    except nx.NodeNotFound as exc:
        raise ValueError(str(exc)) from None
    return Analysis(
        ["step", "subject", "relation", "object", "sentence"],
        [
            [i, s["source_label"], s["predicate"], s["target_label"], (s["sentences"] or [""])[0]]
            for i, s in enumerate(steps, 1)
        ],
        {"source": a, "target": b, "length": len(steps)},
    )


def ego(
    actor: str,
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    radius: int = 1,
    top: int | None = None,
) -> Analysis:
    """The relations around an actor (within ``radius`` steps), strongest first, with a sentence each."""
    G = graph(store=store, since=since, until=until)
    n = _find(G, actor, store)
    E = _ce.ego(G, n, radius=radius)
    edges = sorted(E.edges(data=True), key=lambda e: (-e[2].get("weight", 1), e[0], e[1], e[2]["predicate"]))
    rows = [
        [
            _label(G, u),
            d["predicate"],
            _label(G, v),
            d.get("polarity", 0),
            d.get("weight", 1),
            _sentence(d.get("evidence", [])),
        ]
        for u, v, d in edges[: top or None]
    ]
    return Analysis(
        ["subject", "relation", "object", "polarity", "evidence", "sentence"],
        rows,
        {"actor": n, "nodes": E.number_of_nodes(), "edges": E.number_of_edges()},
    )


def actors(
    *,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = None,
    types: tuple[str, ...] | None = None,
) -> Analysis:
    """Actors with their type, aliases, article count and first/last article date, most mentioned first."""
    from kg.analyse.graph import ACTOR_TYPES

    lo, hi = bounds(since, until)
    with open_for_reading(store) as st:
        G = actor_graph(st, since=since, until=until)
        aliases = st.aliases()
    keep = types or ACTOR_TYPES
    nodes = [
        n
        for n, d in G.nodes(data=True)
        if d.get("type") in keep
        and (not (since or until) or (d.get("first") and d["last"] >= (lo or "") and d["first"] <= (hi or "9999")))
    ]
    nodes.sort(key=lambda n: (-G.nodes[n].get("articles", 0), n))
    rows = [
        [
            n,
            G.nodes[n]["label"],
            G.nodes[n]["type"],
            sorted(a for a in aliases.get(n, ()) if a != G.nodes[n]["label"]),
            G.nodes[n].get("articles", 0),
            G.nodes[n].get("first", ""),
            G.nodes[n].get("last", ""),
        ]
        for n in nodes[: top or None]
    ]
    return Analysis(["id", "name", "type", "aliases", "articles", "first", "last"], rows, {"actors": len(nodes)})


def changes(
    *,
    a_since: str | None = None,
    a_until: str | None = None,
    b_since: str | None = None,
    b_until: str | None = None,
    store: StoreLocation = None,
    top: int | None = None,
) -> Analysis:
    """Alliances and conflicts that appeared, broke, lapsed or ended between window A
    (``a_since``..``a_until``) and window B (``b_since``..``b_until``), one row per tie with both
    signed weights and a sentence (:func:`kg.analyse.alliances.tie_changes`). ``summary``: the count
    of each kind, the actors whose PageRank rose or fell most, and how much evidence is from undated
    articles (in neither window)."""
    from kg.analyse.graph import window

    if not any((a_since, a_until)) or not any((b_since, b_until)):
        raise ValueError("give both windows: --a-since/--a-until and --b-since/--b-until (ISO dates)")
    bounds(a_since, a_until), bounds(b_since, b_until)
    G = graph(store=store)
    undated = sum(1 for *_, d in G.edges(data=True) for e in d.get("evidence", ()) if not e.get("date"))
    A, B = window(G, a_since, a_until), window(G, b_since, b_until)
    rows = _al.tie_changes(_al.signed_graph(A), _al.signed_graph(B))
    counts = {kind: sum(1 for r in rows if r["change"] == kind) for kind in _al.CHANGES.values()}
    movers = _ce.changes(A, B, top=5)["centrality"]
    table = [
        [r["change"], r["source_label"], r["target_label"], r["before"], r["after"], _sentence(r["evidence"])]
        for r in rows[: top or None]
    ]
    return Analysis(
        ["change", "actor", "other", "before", "after", "evidence"],
        table,
        {
            "windows": {"a": [a_since, a_until], "b": [b_since, b_until]},
            "changes": counts,
            "pagerank": [{"actor": m["actor"], "change": m["change"]} for m in movers],
            "undated_evidence": undated,
        },
    )


def viz(
    output: str | Path | None = None,
    *,
    png: str | Path | None = None,
    store: StoreLocation = None,
    since: str | None = None,
    until: str | None = None,
    top: int | None = 40,
    seed: int = 0,
) -> dict:
    """Draw the alliance network of the ``top`` actors by PageRank: a self-contained interactive HTML page
    at ``output`` and/or a PNG at ``png`` (:mod:`kg.render.viz`). Returns what was drawn and written."""
    from kg.render import viz as _viz
    from kg.render.layout import overlaps, scene

    if not output and not png:
        raise ValueError("give an HTML file to write (-o FILE.html) and/or --png FILE.png")
    G = graph(store=store, since=since, until=until)
    sc = scene(G, top=top, seed=seed)
    articles = None
    if output:
        from kg.api.queries import article_index

        with open_for_reading(store) as st:
            articles = article_index(st)
    window = f" ({since or '…'} to {until or '…'})" if since or until else ""
    title = f"kg: alliances{window}"
    written = []
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(_viz.html(sc, title=title, articles=articles), encoding="utf-8")
        written.append(str(output))
    if png:
        written.append(str(_viz.png(sc, png, title=title)))
    return {
        "actors": len(sc.nodes),
        "ties": len(sc.edges),
        "groups": len(sc.groups),
        "overlaps": overlaps(sc),
        "written": written,
    }


def report(*, store: StoreLocation = None, output: str | Path | None = None, top: int = 15) -> str | dict:
    """The corpus report. Without ``output``: the short text report ``kg report`` prints (and returns
    it). With ``output`` ending in ``.html`` or ``.md``: the full report with its pictures written
    there (:func:`kg.render.report.write_report`); returns the files written."""
    from kg.render import report as _report

    with open_for_reading(store) as st:
        if output:
            return _report.write_report(st, output, top=top)
        return _report.report(st, top=min(top, 10))
