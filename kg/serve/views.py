"""What each page shows, computed from a :class:`kg.serve.data.Snapshot`: plain dicts and lists for the
templates and the network's JSON (no markup here: the templates escape everything)."""

from __future__ import annotations

from typing import Any

from kg.serve.article import sentence_anchor
from kg.serve.data import Snapshot

# the network page draws at most this many actors (the most connected), so the browser stays quick
NETWORK_NODES = 150


def actor_index(snap: Snapshot) -> list[dict[str, Any]]:
    """Every actor with its names folded for search, most mentioned first."""
    from kg.analyse.graph import ACTOR_TYPES

    def make():
        rows = []
        for n, d in snap.G.nodes(data=True):
            if d.get("type") not in ACTOR_TYPES:
                continue
            names = sorted({str(d.get("label", n)), *snap.aliases.get(n, ())})
            rows.append(
                {
                    "id": n,
                    "name": str(d.get("label", n)),
                    "type": d.get("type", ""),
                    "aliases": [a for a in names if a != d.get("label")],
                    "articles": d.get("articles", 0),
                    "keys": [a.casefold() for a in names],
                }
            )
        rows.sort(key=lambda r: (-r["articles"], r["name"]))
        return rows

    return snap.memoised("actor_index", make)


def search(snap: Snapshot, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """Actors whose name or an alias contains ``q`` (case-insensitive); names starting with it first."""
    key = " ".join(q.split()).casefold()
    rows = actor_index(snap)
    if not key:
        return rows[:limit]
    hits = [r for r in rows if any(key in k for k in r["keys"])]
    hits.sort(key=lambda r: (not any(k.startswith(key) for k in r["keys"]), -r["articles"]))
    return hits[:limit]


def _evidence(snap: Snapshot, evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in sorted(evs, key=lambda e: (str(e.get("date") or ""), str(e.get("article")))):
        art = snap.articles.get(str(e.get("article")), {})
        out.append(
            {
                "subject": snap.label(e.get("subject", "")),
                "relation": e.get("predicate", ""),
                "object": snap.label(e.get("object", "")),
                "sentence": e.get("sentence", ""),
                "anchor": sentence_anchor(e.get("sentence", "")),
                "article": e.get("article", ""),
                "title": art.get("title") or e.get("article", ""),
                "date": e.get("date") or art.get("date", ""),
                "url": art.get("url", ""),
            }
        )
    return out


def signed(snap: Snapshot):
    from kg.analyse import alliances as al

    return snap.memoised("signed", lambda: al.signed_graph(snap.G))


def party_of(snap: Snapshot) -> dict[str, str]:
    from kg.analyse.parties import membership

    return snap.memoised("party", lambda: membership(snap.G))


def actor(snap: Snapshot, n: str, partners: int = 10) -> dict[str, Any]:
    """An actor's page: names, type, party, country, offices, quotes, allies and adversaries with
    their evidence, and its other relations."""
    from kg.analyse import alliances as al
    from kg.analyse.positions import office_holders

    d = snap.G.nodes[n]
    S = signed(snap)
    party = party_of(snap).get(n)
    offices = [
        {
            "office": r["office"],
            "of": r["of"],
            "of_id": r["of_id"],
            "status": r["status"],
            "first": r["first"],
            "last": r["last"],
            "evidence": r["evidence"],
            "sentences": [{"sentence": s, "anchor": sentence_anchor(s)} for s in r["sentences"]],
        }
        for r in office_holders(snap.G, person=n)
    ]
    ties = {}
    for side, pick in (("allies", al.allies), ("adversaries", al.adversaries)):
        rows = pick(S, n, partners) if n in S else []
        ties[side] = [
            {
                "id": r["actor"],
                "name": snap.label(r["actor"]),
                "weight": round(float(r["weight"]), 2),
                "relations": r["relations"],
                "evidence": _evidence(snap, r["evidence"]),
            }
            for r in rows
        ]
    other = []
    for u, v, e in list(snap.G.out_edges(n, data=True)) + list(snap.G.in_edges(n, data=True)):
        if e["predicate"] == "holds_position":
            continue
        evs = [{**x, "subject": u, "object": v, "predicate": e["predicate"]} for x in e.get("evidence", ())]
        other.append({"subject": u, "object": v, "relation": e["predicate"], "evidence": _evidence(snap, evs)})
    other.sort(key=lambda r: (-len(r["evidence"]), r["relation"], r["subject"], r["object"]))
    quotes = [
        {**q, "anchor": sentence_anchor(q["sentence"]), "title": snap.articles.get(q["article"], {}).get("title", "")}
        for q in snap.quotes
        if q["speaker"] == n
    ]
    for q in quotes:
        q["date"] = snap.articles.get(q["article"], {}).get("date", "")
    return {
        "id": n,
        "name": str(d.get("label", n)),
        "type": d.get("type", ""),
        "aliases": sorted(a for a in snap.aliases.get(n, ()) if a != d.get("label")),
        "party": {"id": party, "name": snap.label(party)} if party else None,
        "country": snap.countries.get(n, ""),
        "articles": d.get("articles", 0),
        "first": d.get("first", ""),
        "last": d.get("last", ""),
        "offices": offices,
        "quotes": quotes,
        "other": other[:40],
        **ties,
    }


def network(
    snap: Snapshot,
    *,
    since: str | None = None,
    until: str | None = None,
    bloc: int | None = None,
    relation: str | None = None,
) -> dict[str, Any]:
    """The alliance network for the date window (and one relation type), in Cytoscape's element JSON:
    nodes with their bloc, edges signed; with ``bloc`` only that bloc's actors."""

    def make():
        from kg.analyse import alliances as al
        from kg.analyse.graph import window

        G = window(snap.G, since, until) if since or until else snap.G
        if relation:
            H = G.__class__()
            H.add_nodes_from(G.nodes(data=True))
            H.add_edges_from((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if k == relation)
            G = H
        S = al.signed_graph(G)
        members = {k: v for k, v in party_of(snap).items() if k in S and v in S}
        parts, _ = al.signed_partition(S, members=members)
        side = al.bloc_of(parts)
        keep = sorted((x for x in S if S.degree(x)), key=lambda x: (-S.degree(x), x))[:NETWORK_NODES]
        if bloc is not None:
            keep = [x for x in keep if side.get(x) == bloc]
        kept = set(keep)
        nodes = [
            {
                "data": {
                    "id": x,
                    "label": snap.label(x),
                    "type": snap.G.nodes[x].get("type", "") if x in snap.G else "",
                    "bloc": side.get(x, -1),
                    "degree": S.degree(x),
                }
            }
            for x in keep
        ]
        edges = [
            {
                "data": {
                    "id": f"{u}|{v}",
                    "source": u,
                    "target": v,
                    "weight": round(float(d["weight"]), 3),
                    "sign": d["sign"],
                }
            }
            for u, v, d in sorted(S.edges(data=True), key=lambda e: (e[0], e[1]))
            if u in kept and v in kept
        ]
        blocs = sorted({side[x] for x in S if x in side and S.degree(x)})
        return {"nodes": nodes, "edges": edges, "blocs": blocs}

    return snap.memoised(("network", since, until, bloc, relation), make)


def relation_names() -> list[str]:
    """The relation types a tie can rest on (the signed ones of the catalogue)."""
    from kg.schema import catalogue

    return sorted(n for n, r in catalogue.load().relations.items() if r.polarity)
