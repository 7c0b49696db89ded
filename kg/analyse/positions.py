"""Positions: who holds which post, and who stands where on which issue.

>>> import networkx as nx
>>> from kg.analyse.graph import add_relation
>>> G = nx.MultiDiGraph()
>>> G.add_node("person/tony-blair", label="Tony Blair", type="Person")
>>> G.add_node("office/prime-minister", label="Prime Minister", type="Office")
>>> G.add_node("gpe/united-kingdom", label="United Kingdom", type="GPE")
>>> said = "The UK's Prime Minister, Tony Blair, said ..."
>>> add_relation(G, "person/tony-blair", "holds_position", "office/prime-minister", article="a1",
...              date="2005-01-10", sentence=said)
>>> add_relation(G, "office/prime-minister", "office_of", "gpe/united-kingdom", article="a1", sentence=said)
>>> [(r["holder"], r["office"], r["of"], r["status"], r["first"]) for r in office_holders(G)]
[('Tony Blair', 'Prime Minister', 'United Kingdom', 'current', '2005-01-10')]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import networkx as nx

from kg.analyse.graph import ACTOR_TYPES, in_window
from kg.schema import catalogue

__all__ = ["STATUSES", "office_holders", "stance_matrix", "stances_by_actor", "with_dictionary_roles"]

#: a holding's status, as kg_positions gives it (``Relation.attrs["status"]``)
STATUSES = ("current", "designate", "hypothetical", "former")


def _label(G, n) -> str:
    return str(G.nodes[n].get("label", n)) if n in G else str(n)


def _articles(d: dict) -> set[str]:
    if "evidence" in d:
        return {e["article"] for e in d["evidence"] if e.get("article")}
    return set(d.get("articles", ()))


def _sentences(d: dict, limit: int | None = 3) -> list[str]:
    out: list[str] = []
    for e in d.get("evidence", []):
        s = e.get("sentence")
        if s and s not in out:
            out.append(s)
    return out[:limit] if limit else out


def _overlap(a: dict, b: dict) -> bool:
    """Whether two pieces of evidence come from overlapping character spans of the same article."""
    if a.get("start") is None or b.get("start") is None or a.get("article") != b.get("article"):
        return False
    return a["start"] < b["end"] and b["start"] < a["end"]


def _spans(evs: list[dict] | None, sentence: str) -> bool:
    """Whether the evidence ``evs`` of ``sentence`` has character spans."""
    return any(h.get("start") is not None for h in evs or () if h.get("sentence") == sentence)


def _evidence(d: dict, since, until) -> list[dict] | None:
    if "evidence" not in d:
        return None
    return [e for e in d["evidence"] if in_window(e.get("date"), since, until)]


def office_holders(
    G: nx.MultiDiGraph,
    *,
    since: str | None = None,
    until: str | None = None,
    person: str | None = None,
    status: str | Iterable[str] | None = None,
) -> list[dict]:
    """One row per (holder, office, status): the organisation or country the post belongs to (from the
    ``office_of`` evidence of the same mention -- overlapping character spans, as in "UK Chancellor
    Gordon Brown" --, else of the same sentence, else of the same articles), first and last article
    date, evidence count and the sentences behind it. Most evidenced first.

    ``status`` is the holding's as the sentences tell it (``current``, ``former``, ``designate``,
    ``hypothetical``; evidence without one is ``current``), except that a current holding with dated
    evidence of the same post as former after its last current date is former. ``status`` (one or
    several) keeps those rows only.

    See the module example, and:

    >>> from kg.analyse.graph import add_relation
    >>> G = nx.MultiDiGraph()
    >>> add_relation(G, "person/david-blunkett", "holds_position", "office/home-secretary", date="2004-11-02")
    >>> add_relation(G, "person/david-blunkett", "holds_position", "office/home-secretary", date="2004-12-20",
    ...              status="former")
    >>> [(r["holder"], r["office"], r["status"], r["evidence"]) for r in office_holders(G)]
    [('person/david-blunkett', 'office/home-secretary', 'former', 2)]
    """
    wanted = {status} if isinstance(status, str) else set(status) if status is not None else None
    rows = []
    for u, v, d in G.edges(data=True):
        if d.get("predicate") != "holds_position" or (person and u != person):
            continue
        evs = _evidence(d, since, until)
        if evs is not None and not evs:
            continue
        if (
            evs is None
            and not (in_window(d.get("first"), since, None) and in_window(d.get("last"), None, until))
            and (since or until)
        ):
            continue
        for held, group in _by_status(evs).items():
            if wanted is None or held in wanted:
                rows.append(_holding(G, u, v, d, group, held))
    rows = _fold_bare(rows, G)
    rows.sort(key=lambda r: (-r["evidence"], r["holder"], r["office"], STATUSES.index(r["status"])))
    return rows


# a bare title -> whether a post is one it names ("Party Leader" -> "Leader of the Labour Party"), for
# graphs whose office nodes carry no title
_BARE = {
    "Party Leader": lambda post: post.startswith("Leader of the ") and " in " not in post,
    "Chancellor": lambda post: post == "Chancellor of the Exchequer",
}


def _titles(G: nx.MultiDiGraph, office_id: str, office: str) -> set[str]:
    """The bare titles a post goes by: its node's ``title`` (:mod:`kg.nlp.posts`), or the :data:`_BARE`
    titles that name it."""
    title = G.nodes[office_id].get("title") if office_id in G else None
    return {title} if title and title != office else {b for b, names in _BARE.items() if names(office)}


def _fold_bare(rows: list[dict], G: nx.MultiDiGraph | None = None) -> list[dict]:
    """Rows of a bare title with no owner ("leader Michael Howard", "Prime Minister Tony Blair") joined to
    the one post of that title the corpus gives the same holder with the same status (the Leader of the
    Conservative Party, the Prime Minister of the United Kingdom).

    >>> rows = [{"holder_id": "h", "office_id": "l", "office": "Leader of the Labour Party", "of": "Labour Party",
    ...          "status": "current", "evidence": 3, "articles": 2, "first": "2005-01-02", "last": "2005-02-01",
    ...          "sentences": ["a"]},
    ...         {"holder_id": "h", "office_id": "p", "office": "Party Leader", "of": "", "status": "current",
    ...          "evidence": 2, "articles": 1, "first": "2004-12-01", "last": "", "sentences": ["b"]}]
    >>> [(r["office"], r["evidence"], r["first"], r["sentences"]) for r in _fold_bare(rows)]
    [('Leader of the Labour Party', 5, '2004-12-01', ['a', 'b'])]
    """
    G = G if G is not None else nx.MultiDiGraph()
    posts: defaultdict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        if r["of"]:
            for bare in _titles(G, r["office_id"], r.get("post", r["office"])):
                posts[(r["holder_id"], r["status"], bare)].append(r)
    out = []
    for r in rows:
        into = posts.get((r["holder_id"], r["status"], r.get("post", r["office"])), [])
        if r["of"] or len(into) != 1:
            out.append(r)
            continue
        t = into[0]
        t["evidence"] += r["evidence"]
        t["articles"] += r["articles"]
        dates = [x for x in (t["first"], t["last"], r["first"], r["last"]) if x]
        t["first"], t["last"] = (min(dates), max(dates)) if dates else ("", "")
        t["sentences"] = (t["sentences"] + [x for x in r["sentences"] if x not in t["sentences"]])[:3]
    return out


def _short(G: nx.MultiDiGraph, office_id: str, post: str, owner: str) -> str:
    """A post's name without its owner when the owner is shown beside it ("Prime Minister" of the United
    Kingdom for the Prime Minister of the United Kingdom); a post whose title names its owner keeps its
    name ("Leader of the Conservative Party", "Chancellor of the Exchequer")."""
    from kg.nlp.posts import post_name

    title = G.nodes[office_id].get("title") if office_id in G else None
    return title if title and owner and post.casefold() == post_name(title, owner).casefold() else post


def _by_status(evs: list[dict] | None) -> dict[str, list[dict] | None]:
    """Evidence of one holding by status; current evidence dated before former evidence of the same post
    is former too (the holder has left since)."""
    if evs is None:
        return {"current": None}
    out: dict[str, list[dict]] = {}
    for e in evs:
        s = e.get("status") or "current"
        out.setdefault(s if s in STATUSES else "current", []).append(e)
    current, former = out.get("current"), out.get("former")
    if current and former:
        last_current = max((e["date"] for e in current if e.get("date")), default="")
        last_former = max((e["date"] for e in former if e.get("date")), default="")
        if last_current and last_former > last_current:
            out["former"] = current + former
            del out["current"]
    return out  # type: ignore[return-value]


def _holding(G: nx.MultiDiGraph, u: str, v: str, d: dict, evs: list[dict] | None, held: str) -> dict:
    """The row of ``u`` holding ``v`` with status ``held``, from evidence ``evs`` (None: the edge's
    summary only)."""
    arts = {e["article"] for e in evs if e.get("article")} if evs is not None else _articles(d)
    sents = {e.get("sentence") for e in evs if e.get("sentence")} if evs is not None else set()
    same_mention: defaultdict[str, int] = defaultdict(int)
    same_sentence: defaultdict[str, int] = defaultdict(int)
    same_article: defaultdict[str, int] = defaultdict(int)
    for _, org, od in G.out_edges(v, data=True):
        if od.get("predicate") != "office_of":
            continue
        for e in od.get("evidence", []):
            # another mention of the post in the same sentence is another holding ("Labour leader Tony
            # Blair and Conservative leader Michael Howard"): the sentence counts only without spans
            if e.get("sentence") in sents and not (e.get("start") is not None and _spans(evs, e["sentence"])):
                same_sentence[org] += 1
            same_mention[org] += sum(1 for h in evs or () if _overlap(h, e))
        if arts & _articles(od):
            same_article[org] += len(arts & _articles(od))
    # the post's organisation: named in the same mention ("UK Chancellor Gordon Brown"), else in the
    # same sentence, else (without sentences) in the same articles
    orgs = {o: n for o, n in same_mention.items() if n} or (same_sentence if sents else same_article)
    of = sorted(orgs, key=lambda o: (-orgs[o], o))
    dates = (
        sorted(e["date"] for e in evs if e.get("date"))
        if evs is not None
        else [x for x in (d.get("first"), d.get("last")) if x]
    )
    return {
        "holder_id": u,
        "holder": _label(G, u),
        "office_id": v,
        "office": _short(G, v, _label(G, v), _label(G, of[0]) if of else ""),
        "post": _label(G, v),
        "of_id": of[0] if of else "",
        "of": _label(G, of[0]) if of else "",
        "status": held,
        "evidence": len(evs) if evs is not None else d.get("weight", 1),
        "articles": len(arts),
        "first": dates[0] if dates else "",
        "last": dates[-1] if dates else "",
        "sentences": [e["sentence"] for e in evs if e.get("sentence")][:3] if evs is not None else _sentences(d),
    }


def stance_matrix(
    G: nx.MultiDiGraph,
    *,
    since: str | None = None,
    until: str | None = None,
    types: tuple[str, ...] | None = ACTOR_TYPES,
) -> list[dict]:
    """Actor × issue stances from the catalogue's ``stance = true`` relations (supports/opposes).

    One row per (actor, issue) with the counts for and against, the overall stance
    (``supports``, ``opposes`` or ``mixed``) and the sentences behind it; most evidenced first.

    >>> from kg.analyse.graph import add_relation
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", label="P", type="Person"); G.add_node("i", label="Brexit", type="Issue")
    >>> add_relation(G, "p", "supports", "i", sentence="P backs Brexit.")
    >>> add_relation(G, "p", "opposes", "i", sentence="P rejects Brexit.")
    >>> r = stance_matrix(G)[0]; (r["actor"], r["issue"], r["supports"], r["opposes"], r["stance"])
    ('P', 'Brexit', 1, 1, 'mixed')
    """
    cat = catalogue.load()
    stance_rel = {name: rt.polarity for name, rt in cat.relations.items() if rt.stance}
    cells: dict[tuple, dict] = {}
    for u, v, d in G.edges(data=True):
        p = d.get("predicate")
        if p not in stance_rel or (types and G.nodes[u].get("type") not in types):
            continue
        evs = _evidence(d, since, until)
        n = len(evs) if evs is not None else d.get("weight", 1)
        if not n:
            continue
        c = cells.setdefault(
            (u, v),
            {
                "actor_id": u,
                "actor": _label(G, u),
                "issue_id": v,
                "issue": _label(G, v),
                "supports": 0,
                "opposes": 0,
                "sentences": [],
            },
        )
        c["supports" if stance_rel[p] > 0 else "opposes"] += n
        for e in evs if evs is not None else []:
            if e.get("sentence") and e["sentence"] not in c["sentences"]:
                c["sentences"].append(e["sentence"])
    rows = []
    for c in cells.values():
        c["stance"] = "mixed" if c["supports"] and c["opposes"] else ("supports" if c["supports"] else "opposes")
        rows.append(c)
    rows.sort(key=lambda r: (-(r["supports"] + r["opposes"]), r["actor"], r["issue"]))
    return rows


def stances_by_actor(rows: list[dict]) -> dict[str, dict[str, str]]:
    """The stance matrix as ``{actor: {issue: stance}}``.

    >>> stances_by_actor([{"actor": "P", "issue": "Brexit", "stance": "mixed"}])
    {'P': {'Brexit': 'mixed'}}
    """
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        out[r["actor"]][r["issue"]] = r["stance"]
    return dict(out)


def with_dictionary_roles(rows: list[list], known: dict[str, dict]) -> list[list]:
    """Office-holder rows (holder label first) with a last column "text", each holder's dictionary roles
    (``known``: entity id -> {"label", "kb", "country", "roles"}, :meth:`kg.stores.base.Store.kb_roles`)
    after its rows as rows of their own marked "dictionary": the role code as the office, its country, its
    dates as first and last.

    >>> known = {"person/tony-blair": {"label": "Tony Blair", "kb": "TONY_BLAIR_", "country": "GBR",
    ...                                "roles": ["GBRGOV 1997-05-02/2007-06-27"]}}
    >>> with_dictionary_roles([["Tony Blair", "Prime Minister", "United Kingdom", "current", 3, "", "", "s"]], known)[1]
    ['Tony Blair', 'GBRGOV', 'GBR', 'dictionary', 0, '1997-05-02', '2007-06-27', 'TONY_BLAIR_', 'dictionary']
    """
    by_label: dict[str, list[dict]] = defaultdict(list)
    for k in known.values():
        by_label[k["label"]].append(k)
    out: list[list] = []
    done: set[str] = set()
    for i, row in enumerate(rows):
        out.append([*row, "text"])
        holder = row[0]
        if holder in done or (i + 1 < len(rows) and rows[i + 1][0] == holder):
            continue
        done.add(holder)
        for k in by_label.get(holder, ()):
            for role in sorted(k["roles"]):
                code, _, span = role.partition(" ")
                first, _, last = span.partition("/")
                out.append(
                    [
                        holder,
                        code,
                        k.get("country") or "",
                        "dictionary",
                        0,
                        first.strip("."),
                        last.strip("."),
                        k["kb"],
                        "dictionary",
                    ]
                )
    return out
