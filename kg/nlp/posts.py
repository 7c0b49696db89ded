"""Posts: an office together with the country or organisation it belongs to is one node of its own.

``kg_positions`` links a holder to an office title ("President") and the title to its owners
(``office_of`` France); :func:`to_posts` turns each office mention with a known owner into the post
("President of France"), so that holders of different countries' presidencies never share a node:

- the post's name is "<title> of <owner>", or the title itself when it already names its owner
  ("Leader of the Conservative Party", "Chancellor of the Exchequer");
- the holders of that mention hold the post, and the post has one ``office_of`` edge to its owner;
- a mention with several owners ("UK and US defence secretaries John Healey and Pete Hegseth") gives
  one post per owner, paired with its holders in the order both are named when their numbers agree;
  otherwise its holders keep the bare title;
- a singular mention given several holders gives the post to the one named right after it (else right
  before it) and the others nothing; with no such one, all of them keep it (the analyses leave a mention
  given to several holders out);
- a holding whose owner is unknown keeps the bare title, which never gets an ``office_of`` edge;
- every office entity carries its bare title in ``attrs["title"]`` ("all presidents" is one match).

>>> from kg.model import Article, ArticleGraph, Entity, Evidence, Mention, Relation
>>> text = "French President Emmanuel Macron spoke."
>>> ev = lambda s, e: Evidence("a", text, s, e, "kg_positions", 0.9)
>>> g = ArticleGraph(Article(id="a", text=text), entities=[
...     Entity("person/emmanuel-macron", "Emmanuel Macron", "Person"),
...     Entity("office/president", "President", "Office"), Entity("gpe/france", "France", "GPE")],
...     mentions=[Mention("office/president", "President", 7, 16), Mention("gpe/france", "French", 0, 6)],
...     relations=[Relation("person/emmanuel-macron", "holds_position", "office/president", ev(7, 16)),
...                Relation("office/president", "office_of", "gpe/france", ev(0, 16))])
>>> for r in to_posts(g).relations: print(r.subject, r.predicate, r.object)
person/emmanuel-macron holds_position office/president-of-france
office/president-of-france office_of gpe/france
>>> [(e.name, e.attrs["title"], e.aliases) for e in g.entities if e.type == "Office"]
[('President of France', 'President', ['French President'])]
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from kg.model import ArticleGraph, Entity, Mention, Relation
from kg.schema import ids

OFFICE = "Office"
# titles that name their owner without its name in them
_SELF_NAMED = frozenset({"Chancellor of the Exchequer", "Lord Chancellor", "Speaker of the House of Commons"})
# owners said with "the": "President of the United States", "Leader of the Labour Party"
_THE_WORDS = re.compile(
    r"^(United |Republic |European |Holy )|( Kingdom| States| Republic| Emirates| Netherlands| Philippines"
    r"| Party| Commission| Council| Union| Bank| Committee| Parliament| Assembly| Government| Office| Fund"
    r"| Organisation| Organization| Agency| Service| Court| Department| Ministry| Institute| Association"
    r"| Federation| Confederation| Foundation| Society| Trust| Board| Authority| Conference| Alliance"
    r"| Corporation| Treasury| Cabinet| Senate| House| Congress| Democrats| Conservatives| Greens| Army"
    r"| Navy| Forces| Group| Executive| Commons| Lords| Times| Guardian| Observer| Telegraph| Independent)$"
)
_PARTY_LEADER = re.compile(r"(.*)Leader of the ")
_THE_ACRONYMS = frozenset(
    {"EU", "UN", "IMF", "CBI", "BBC", "TUC", "FBI", "CIA", "WTO", "OECD", "ECB", "UK", "US", "USA"}
)


def owner_phrase(name: str) -> str:
    """An owner's name as it follows "of" ("the United Kingdom", "France", "the BBC").

    >>> [owner_phrase(n) for n in ("United Kingdom", "France", "BBC", "Labour Party", "Nato")]
    ['the United Kingdom', 'France', 'the BBC', 'the Labour Party', 'Nato']
    """
    if name.startswith("the ") or name.startswith("The "):
        return name
    return f"the {name}" if name in _THE_ACRONYMS or _THE_WORDS.search(name) else name


def title_of(name: str) -> str:
    """The bare title of an office's name: a party's leader is a Party Leader, the Chancellor of the
    Exchequer a Chancellor (:data:`kg.nlp.office_names.NATIONAL`), any other office its own title.

    >>> [title_of(n) for n in ("Deputy Leader of the Labour Party", "Chancellor of the Exchequer", "Lord Chancellor")]
    ['Deputy Party Leader', 'Chancellor', 'Lord Chancellor']
    """
    from kg.nlp import office_names  # imports spaCy, which the analyses that name posts do without

    leader = _PARTY_LEADER.match(name)
    if leader:
        return f"{leader[1]}Party Leader"
    return next((bare for bare, (_, post, _) in office_names.NATIONAL.items() if post == name), name)


def post_name(office: str, owner: str) -> str:
    """The post ``office`` of ``owner`` ("President of France"), or the office when its name names its owner.

    >>> post_name("President", "France"), post_name("Leader of the Conservative Party", "Conservative Party")
    ('President of France', 'Leader of the Conservative Party')
    >>> post_name("Chancellor of the Exchequer", "United Kingdom"), post_name("Prime Minister", "United Kingdom")
    ('Chancellor of the Exchequer', 'Prime Minister of the United Kingdom')
    >>> post_name("Leader", "Labour Party")
    'Leader (Labour Party)'
    """
    if office in _SELF_NAMED or owner.casefold() in office.casefold():
        return office
    name = f"{office} of {owner_phrase(owner)}"
    if _PARTY_LEADER.match(name) and not _PARTY_LEADER.match(office):
        return f"{office} ({owner})"  # a leader in a party, not its leadership: "Leader (Labour Party)"
    return name


def to_posts(g: ArticleGraph) -> ArticleGraph:
    """Rewrite the office titles of ``g`` (in place) into posts as the module docstring says; returns ``g``."""
    ents = {e.id: e for e in g.entities}
    offices = {eid for eid, e in ents.items() if e.type == OFFICE}
    for eid in offices:
        ents[eid].attrs.setdefault("title", title_of(ents[eid].name))
    if not offices:
        return g
    groups: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: {"holds": [], "owners": []})
    for i, r in enumerate(g.relations):
        if r.predicate == "holds_position" and r.object in offices:
            groups[_mention_key(g, r.object, r)]["holds"].append(i)
        elif r.predicate == "office_of" and r.subject in offices:
            groups[_mention_key(g, r.subject, r)]["owners"].append(i)
    new_object: dict[int, str] = {}
    new_subject: dict[int, str] = {}
    drop: set[int] = set()
    posts: dict[str, Entity] = {}
    moved: dict[tuple[str, int, int], str] = {}  # office mention -> its post
    for (office, mstart, mend), group in groups.items():
        if not group["owners"]:
            continue
        office_name, title = ents[office].name, ents[office].attrs["title"]
        by_owner: dict[str, int] = {}
        for i in sorted(group["owners"], key=lambda i: (_owner_start(g, g.relations[i]), i)):
            by_owner.setdefault(g.relations[i].object, i)
        post_of = {}
        for owner, i in by_owner.items():
            if owner not in ents:  # no post to give it: the bare title owns nothing
                drop.add(i)
                continue
            said = _text(g, g.relations[i]) if len(by_owner) == 1 else ""  # "UK and US defence secretaries": no one's
            post = _post(posts, office_name, title, ents[owner].name, said)
            post_of[owner] = post.id
            new_subject[i] = post.id
        drop |= set(group["owners"]) - set(by_owner.values())
        holders = _holders_in_order(g, group["holds"], mstart)
        if len(post_of) == 1:
            (post_id,) = post_of.values()
            one = _next_holder(g, group["holds"], mstart, mend) if not _plural(g, mstart, mend) else None
            for i in group["holds"]:
                if one is None or g.relations[i].subject == one:
                    new_object[i] = post_id
                else:
                    drop.add(i)
            moved[(office, mstart, mend)] = post_id
        elif post_of and len(holders) == len(post_of):
            for holder, post_id in zip(holders, post_of.values(), strict=True):
                for i in group["holds"]:
                    if g.relations[i].subject == holder:
                        new_object[i] = post_id
    relations = []
    for i, r in enumerate(g.relations):
        if i in drop:
            continue
        if i in new_object or i in new_subject:
            r = replace(r, subject=new_subject.get(i, r.subject), object=new_object.get(i, r.object))
        relations.append(r)
    g.relations = _dedupe(relations)
    g.mentions = [_moved(m, moved) for m in g.mentions]
    used = {r.subject for r in g.relations} | {r.object for r in g.relations} | {m.entity_id for m in g.mentions}
    g.entities = [e for e in g.entities if e.id not in offices or e.id in used]
    known = {e.id for e in g.entities}
    g.entities += [p for p in posts.values() if p.id not in known]
    for p in posts.values():
        if p.id in known:  # a title that names its owner was already an entity of that name
            old = next(e for e in g.entities if e.id == p.id)
            old.aliases = sorted(set(old.aliases) | set(p.aliases))
    return g


def _mention_key(g: ArticleGraph, office: str, r: Relation) -> tuple[str, int, int]:
    """The office mention a relation was read from: the office's mention inside its evidence span."""
    ev = r.evidence
    for m in g.mentions:
        if m.entity_id == office and ev.start <= m.start and m.end <= ev.end:
            return office, m.start, m.end
    return office, ev.start, ev.end


def _owner_start(g: ArticleGraph, r: Relation) -> int:
    """Where the owner of an ``office_of`` relation is named within its evidence."""
    ev = r.evidence
    starts = [m.start for m in g.mentions if m.entity_id == r.object and ev.start <= m.start < ev.end]
    return min(starts, default=ev.start)


def _holders_in_order(g: ArticleGraph, holds: list[int], office_start: int) -> list[str]:
    """The holders of one office mention in the order the sentence names them after it, or [] when one of
    them is not named after it (then their order says nothing of which owner is theirs)."""
    out = []
    for i in holds:
        h = g.relations[i].subject
        after = [m.start for m in g.mentions if m.entity_id == h and office_start < m.start]
        if not after:
            return []
        out.append((min(after), h))
    return [h for _, h in sorted(set(out))]


def _plural(g: ArticleGraph, start: int, end: int) -> bool:
    """Whether the office mention at ``start:end`` names several posts ("Labour MPs", "defence secretaries")."""
    word = g.article.text[start:end].split()[-1] if g.article.text[start:end].split() else ""
    return len(word) >= 3 and word.endswith("s") and not word.lower().endswith(("ss", "us", "is"))


def _next_holder(g: ArticleGraph, holds: list[int], start: int, end: int) -> str | None:
    """Of several holders given one singular post ("Italy's prime minister, Giorgia Meloni, Poland's prime
    minister, Donald Tusk"), the one named right after the office ("Prime Minister X", "the Y, X"), else
    right before it ("X, the Y"); None for a single holder or when neither is next to it."""
    people = {g.relations[i].subject for i in holds}
    if len(people) < 2:
        return None
    text = g.article.text
    mentions = [m for m in g.mentions if m.entity_id in people]
    after = {m.entity_id for m in mentions if m.start >= end and _joins(text[end : m.start], 2)}
    if len(after) == 1:
        return after.pop()
    before = {m.entity_id for m in mentions if m.end <= start and _joins(text[m.end : start], 6)}
    return before.pop() if len(before) == 1 and not after else None


def _joins(gap: str, most: int) -> bool:
    """Whether ``gap`` is what stands between an office and a name next to it: a space, a comma, "the"."""
    return len(gap) <= most and gap.replace(",", " ").strip().lower() in ("", "the")


def _text(g: ArticleGraph, r: Relation) -> str:
    return " ".join(g.article.text[r.evidence.start : r.evidence.end].split())


def _post(posts: dict[str, Entity], office: str, title: str, owner: str, said: str) -> Entity:
    """The post of the office called ``office`` (bare title ``title``) of ``owner``, said as ``said``."""
    name = post_name(office, owner)
    pid = ids.entity_id(name, OFFICE)
    post = posts.get(pid)
    if post is None:
        post = posts[pid] = Entity(pid, name, OFFICE, attrs={"title": title})
    # the words of the mention with its owner ("French President"), never the bare title, which would
    # join the post to every other holder of that title
    if said and said.casefold() not in (name.casefold(), title.casefold()) and said not in post.aliases:
        post.aliases.append(said)
    return post


def _moved(m: Mention, moved: dict[tuple[str, int, int], str]) -> Mention:
    post = moved.get((m.entity_id, m.start, m.end))
    return replace(m, entity_id=post) if post else m


def _dedupe(relations: list[Relation]) -> list[Relation]:
    """One relation per (subject, predicate, object, span): two owners' mentions may now say the same."""
    seen, out = set(), []
    for r in relations:
        key = (r.subject, r.predicate, r.object, r.evidence.start, r.evidence.end)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
