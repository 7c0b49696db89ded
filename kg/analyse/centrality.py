"""Centrality and structure of the actor network: who is central, who is near whom, what changed.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> for n in "abcd": G.add_node(n, label=n.upper(), type="Person")
>>> add_relation(G, "a", "meets", "b", sentence="A met B.")
>>> add_relation(G, "b", "criticises", "c", sentence="B criticised C.")
>>> add_relation(G, "c", "meets", "d", sentence="C met D.")
>>> [(s["source"], s["predicate"], s["target"]) for s in path(G, "a", "d")]
[('a', 'meets', 'b'), ('b', 'criticises', 'c'), ('c', 'meets', 'd')]
>>> centrality(G)[0]["actor_id"]
'b'
"""

from __future__ import annotations

import itertools

import networkx as nx

from kg.analyse.graph import ACTOR_TYPES

__all__ = ["actor_network", "centrality", "changes", "ego", "pagerank", "path"]


def actor_network(
    G: nx.MultiDiGraph, *, types: tuple[str, ...] | None = ACTOR_TYPES, predicates: set[str] | None = None
) -> nx.Graph:
    """The undirected simple graph between actors: one edge per pair, ``weight`` = evidence count
    summed over all relations, ``relations`` = the underlying (subject, predicate, object, data) list.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from("ab", type="GPE")
    >>> G.add_edge("a", "b", key="meets", predicate="meets", weight=2)
    'meets'
    >>> G.add_edge("b", "a", key="aids", predicate="aids", weight=1)
    'aids'
    >>> actor_network(G)["a"]["b"]["weight"]
    3
    """
    H = nx.Graph()
    for n, d in G.nodes(data=True):
        if types is None or d.get("type") in types:
            H.add_node(n, **{k: v for k, v in d.items() if not isinstance(v, (list, dict))})
    for u, v, d in G.edges(data=True):
        if u == v or u not in H or v not in H:
            continue
        if predicates is not None and d.get("predicate") not in predicates:
            continue
        if H.has_edge(u, v):
            H[u][v]["weight"] += d.get("weight", 1)
            H[u][v]["relations"].append((u, d.get("predicate"), v, d))
        else:
            H.add_edge(u, v, weight=d.get("weight", 1), relations=[(u, d.get("predicate"), v, d)])
    return H


def pagerank(
    H: nx.Graph, *, alpha: float = 0.85, weight: str = "weight", tol: float = 1e-10, max_iter: int = 200
) -> dict:
    """Weighted PageRank by power iteration in pure Python (networkx's default needs scipy).

    >>> pr = pagerank(nx.star_graph(3)); round(pr[0], 3), round(sum(pr.values()), 6)
    (0.48, 1.0)
    """
    nodes = list(H)
    n = len(nodes)
    if n == 0:
        return {}
    strength = {
        u: sum(d.get(weight, 1) for _, _, d in H.edges(u, data=True))
        if not H.is_directed()
        else sum(d.get(weight, 1) for _, _, d in H.out_edges(u, data=True))
        for u in nodes
    }
    x = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(x[u] for u in nodes if not strength[u]) / n
        nxt = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u in nodes:
            if not strength[u]:
                continue
            share = alpha * x[u] / strength[u]
            for _, v, d in H.edges(u, data=True) if not H.is_directed() else H.out_edges(u, data=True):
                nxt[v] += share * d.get(weight, 1)
        err = sum(abs(nxt[u] - x[u]) for u in nodes)
        x = nxt
        if err < n * tol:
            break
    return x


def centrality(
    G: nx.MultiDiGraph,
    *,
    top: int | None = None,
    types: tuple[str, ...] | None = ACTOR_TYPES,
    connected_only: bool = True,
) -> list[dict]:
    """Degree (distinct partners), weighted degree (evidence), PageRank, betweenness and k-core of each
    actor, ranked by PageRank. ``connected_only`` leaves out actors with no relation.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from("abc", type="Person")
    >>> _ = G.add_edge("a", "b", key="meets", predicate="meets")
    >>> _ = G.add_edge("b", "c", key="meets", predicate="meets")
    >>> [(r["actor_id"], r["degree"], r["betweenness"], r["core"]) for r in centrality(G)]
    [('b', 2, 1.0, 1), ('a', 1, 0.0, 1), ('c', 1, 0.0, 1)]
    """
    H = actor_network(G, types=types)
    if connected_only:
        H = H.subgraph([n for n in H if H.degree(n) > 0]).copy()
    if H.number_of_nodes() == 0:
        return []
    pr = pagerank(H)
    bt = nx.betweenness_centrality(H, normalized=True)
    core = nx.core_number(H)
    rows = [
        {
            "actor_id": n,
            "actor": H.nodes[n].get("label", n),
            "type": H.nodes[n].get("type", ""),
            "degree": H.degree(n),
            "evidence": H.degree(n, weight="weight"),
            "pagerank": round(pr[n], 4),
            "betweenness": round(bt[n], 4),
            "core": core[n],
        }
        for n in H
    ]
    rows.sort(key=lambda r: (-r["pagerank"], -r["degree"], r["actor_id"]))
    return rows[:top] if top else rows


def ego(G: nx.MultiDiGraph, node, *, radius: int = 1, types: tuple[str, ...] | None = None) -> nx.MultiDiGraph:
    """The ego network of ``node``: every node within ``radius`` relations (either direction) and all
    relations among them.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("d", "a")])
    >>> sorted(ego(G, "a"))
    ['a', 'b', 'd']
    """
    keep = set(nx.ego_graph(G.to_undirected(as_view=True), node, radius=radius))
    if types is not None:
        keep = {n for n in keep if n == node or G.nodes[n].get("type") in types}
    return G.subgraph(keep).copy()


def path(G: nx.MultiDiGraph, source, target, *, types: tuple[str, ...] | None = None) -> list[dict]:
    """A shortest chain of relations from ``source`` to ``target`` (direction ignored), each step with
    its relation, direction and the sentences behind it. Among equally short chains, the one with the
    most evidence wins. Raises ``networkx.NetworkXNoPath`` when there is none.

    >>> G = nx.MultiDiGraph(); G.add_nodes_from("abc", type="Person")
    >>> _ = G.add_edge("b", "a", key="meets", predicate="meets", weight=1)
    >>> _ = G.add_edge("b", "c", key="aids", predicate="aids", weight=1)
    >>> [(s["source"], s["predicate"], s["target"], s["forward"]) for s in path(G, "a", "c")]
    [('b', 'meets', 'a', False), ('b', 'aids', 'c', True)]
    """
    H = actor_network(G, types=types)
    if source not in H or target not in H:
        raise nx.NodeNotFound(f"{source if source not in H else target} is not an actor in the graph")
    # shortest in hops; ties broken towards stronger evidence
    for _u, _v, d in H.edges(data=True):
        d["cost"] = 1.0 + 1.0 / (1.0 + d["weight"]) / (H.number_of_nodes() + 1)
    nodes = nx.shortest_path(H, source, target, weight="cost")
    steps = []
    for a, b in itertools.pairwise(nodes):
        rels = sorted(H[a][b]["relations"], key=lambda r: (-r[3].get("weight", 1), r[1]))
        s, p, o, d = rels[0]
        steps.append(
            {
                "from": a,
                "to": b,
                "source": s,
                "predicate": p,
                "target": o,
                "forward": s == a,
                "source_label": G.nodes[s].get("label", s),
                "target_label": G.nodes[o].get("label", o),
                "weight": d.get("weight", 1),
                "polarity": d.get("polarity", 0),
                "sentences": [e["sentence"] for e in d.get("evidence", []) if e.get("sentence")][:3],
                "others": [r[1] for r in rels[1:]],
            }
        )
    return steps


def changes(
    before: nx.MultiDiGraph,
    after: nx.MultiDiGraph,
    *,
    top: int | None = 10,
    types: tuple[str, ...] | None = ACTOR_TYPES,
) -> dict:
    """What changed between two actor graphs (for example two date windows of
    :func:`kg.analyse.graph.actor_graph`): ties that appeared, ties that disappeared, ties whose
    sign flipped, and the actors whose PageRank rose or fell most.

    >>> from kg.analyse.graph import add_relation
    >>> A = nx.MultiDiGraph(); B = nx.MultiDiGraph()
    >>> for g in (A, B): g.add_nodes_from("xyz", type="GPE")
    >>> add_relation(A, "x", "praises", "y"); add_relation(B, "x", "attacks", "y"); add_relation(B, "y", "aids", "z")
    >>> c = changes(A, B)
    >>> c["new"], c["flipped"]
    ([('y', 'z')], [('x', 'y')])
    """
    from kg.analyse.alliances import signed_graph

    nb, na = actor_network(before, types=types), actor_network(after, types=types)
    eb = {tuple(sorted(e)) for e in nb.edges}
    ea = {tuple(sorted(e)) for e in na.edges}
    sb, sa = signed_graph(before, types=types), signed_graph(after, types=types)
    flipped = sorted(
        e for e in eb & ea if sb.has_edge(*e) and sa.has_edge(*e) and sb.edges[e]["sign"] != sa.edges[e]["sign"]
    )
    rb = {r["actor_id"]: r["pagerank"] for r in centrality(before, types=types)}
    ra = {r["actor_id"]: r["pagerank"] for r in centrality(after, types=types)}
    delta = [
        {
            "actor_id": n,
            "actor": (after.nodes[n] if n in after else before.nodes[n]).get("label", n),
            "before": rb.get(n, 0.0),
            "after": ra.get(n, 0.0),
            "change": round(ra.get(n, 0.0) - rb.get(n, 0.0), 4),
        }
        for n in set(rb) | set(ra)
    ]
    delta.sort(key=lambda r: (-abs(r["change"]), r["actor_id"]))
    return {
        "new": sorted(ea - eb),
        "lost": sorted(eb - ea),
        "flipped": flipped,
        "centrality": delta[:top] if top else delta,
    }
