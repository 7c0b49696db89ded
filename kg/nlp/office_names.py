"""The name of the post an office mention stands for, when its title alone does not say which post it is.

- A party's leader is the leader of that party: "Conservative leader" is the Leader of the Conservative
  Party, "Labour's deputy leader" the Deputy Leader of the Labour Party; a leader of a party's group in a
  legislature or a nation is that group's ("SNP Holyrood leader": Leader of the Scottish National Party
  in Holyrood; "leader of the Liberal Democrats in the assembly"); a "leader" of another organisation (a
  union) is its Leader, not a party leader.
- A bare title that is one country's post goes by that post's name in an article about that country
  (:data:`NATIONAL`): "Chancellor Gordon Brown" in an article about Britain (more than about Germany)
  is the Chancellor of the Exchequer,
  unless the article gives that holder (or, for a title with no holder, anyone) another country's post.

:func:`rename` gives the new name and the owners left; :func:`rewire` makes the mention an entity of it.
"""

import re
from collections import Counter
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from kg.nlp import args, attrs, parties
from kg.schema import ids

# bare title -> (country, the post's name there, countries whose own post goes by the bare title)
NATIONAL = {"Chancellor": ("United Kingdom", "Chancellor of the Exchequer", ("Germany", "Austria"))}
_COUNTRY_CODES = {"GB": "United Kingdom"}  # party-table country codes of the countries in NATIONAL
# legislatures a party's group sits in: they qualify its leader's post and own none
LEGISLATURES = {
    "holyrood": "Holyrood",
    "westminster": "Westminster",
    "stormont": "Stormont",
    "assembly": "the Assembly",
    "welsh assembly": "the Welsh Assembly",
    "scottish parliament": "the Scottish Parliament",
    "european parliament": "the European Parliament",
    "commons": "the Commons",
    "house of commons": "the Commons",
    "lords": "the Lords",
    "house of lords": "the Lords",
}
_NATIONS = {"scottish": "Scotland", "welsh": "Wales", "english": "England"}  # a party's national branch
_PARTY_LEADER = "Party Leader"
_CABINET = re.compile(r"(Wales|Scotland|Northern Ireland|Health|Education|Trade|Culture|Transport) Secretary$")

Owners = list[tuple[str, Token]]


@lru_cache(maxsize=1)
def _party_countries() -> dict[str, str]:
    """Party name -> country name, for the countries of :data:`NATIONAL`."""
    out = {}
    for entry in parties.read().get("party", []):
        country = _COUNTRY_CODES.get(entry.get("country", ""))
        if country:
            out[entry["name"]] = country
    return out


def name_posts(doc: Doc, mentions: list, found: dict, etype) -> dict[int, tuple[str, Owners]]:
    """Start of each office mention -> (the entity of the post it stands for, its owners), the mentions
    made entities of their posts; ``mentions`` are (mention, office entity) pairs, ``found`` the holders and
    owners of each mention by its start. A bare title whose holders the article gives one post it names
    elsewhere is that post ("party leader Michael Howard" after "Tory leader Michael Howard")."""
    ents = doc._.kg_entities or {}
    counts = countries(doc)
    abroad_: set[tuple[str, str | None]] = {  # (title, holder) another country's ("German Chancellor X")
        (ents[office].name, h)
        for ent, office in mentions
        if office in ents
        and any(etype(o) == "GPE" and abroad(ents[office].name, ents[o].name) for o, _ in found[ent.start][1])
        for h in [*found[ent.start][0], None]
    }
    named: dict[int, tuple[str, str, Owners]] = {}  # start -> (bare name, post, owners)
    for ent, office in mentions:
        if office is None:
            continue
        holders, owners = found[ent.start]
        name = ents[office].name if office in ents else ""
        foreign = any((name, h) in abroad_ for h in ([*holders] if holders else [None]))
        named[ent.start] = (name, *rename(doc, ent, name, owners, etype, counts, foreign))
    held: dict[str, set[str]] = {}
    for start, (_, post, _) in named.items():
        for h in found[start][0]:
            held.setdefault(h, set()).add(post)
    out = {}
    for ent, office in mentions:
        if office is None:
            continue
        name, post, owners = named[ent.start]
        if post == name:
            known = {p for h in found[ent.start][0] for p in held[h] if refines(name, p)}
            post = known.pop() if len(known) == 1 else post
        out[ent.start] = (rewire(doc, ent, office, post) if post != name else office, owners)
    return out


def countries(doc: Doc) -> Counter:
    """How often the article names each country, by its places and its parties."""
    ents = doc._.kg_entities or {}
    counts: Counter = Counter()
    by_party = _party_countries()
    for m in doc._.kg_mentions or ():
        e = ents.get(m.entity_id)
        if e is None:
            continue
        if e.type == "GPE":
            counts[e.name] += 1
        elif e.name in by_party:
            counts[by_party[e.name]] += 1
    return counts


def abroad(name: str, owner: str) -> bool:
    """Whether ``owner`` (a country) makes the bare title ``name`` another country's post than :data:`NATIONAL`
    says ("German Chancellor")."""
    return name in NATIONAL and owner != NATIONAL[name][0]


def refines(bare: str, post: str) -> bool:
    """Whether ``post`` is one of the posts a bare title names ("Leader of the Labour Party" of "Party
    Leader", "Chancellor of the Exchequer" of "Chancellor")."""
    if bare == _PARTY_LEADER:
        return post.startswith("Leader of the ") and " in " not in post
    return bare in NATIONAL and post == NATIONAL[bare][1]


def rename(doc: Doc, ent: Span, name: str, owners: Owners, etype, counts: Counter, foreign: bool) -> tuple[str, Owners]:
    """The post the office mention ``ent`` (canonical ``name``, ``owners`` from the positions extractor)
    stands for, and the owners that still own it; ``counts`` are the article's :func:`countries`,
    ``foreign`` whether the article gives this holder (or anyone, for a title with no holder) the title
    as another country's post."""
    if name.endswith(_PARTY_LEADER):
        return _leader(doc, ent, name[: -len(_PARTY_LEADER)], owners, etype)
    if _CABINET.match(name) and any(t.i >= ent.end and etype(o) == "Organization" for o, t in owners):
        return "Secretary", owners  # "Welsh secretary of the British Medical Association": its secretary
    if name in NATIONAL and not foreign and not any(etype(o) == "GPE" for o, _ in owners):
        home, post, natives = NATIONAL[name]
        # the article is about the post's country more than about a country whose own post it is
        if counts[home] > 0 and counts[home] >= max(counts[n] for n in natives):
            return post, owners
    return name, owners


def _leader(doc: Doc, ent: Span, prefix: str, owners: Owners, etype) -> tuple[str, Owners]:
    ents = doc._.kg_entities or {}
    named = [(o, t, ents[o].name if o in ents else o) for o, t in owners]
    party = [(o, t, n) for o, t, n in named if t.ent_id_ and etype(o) == "Organization"]
    where = [n for o, t, n in named if n.casefold() in LEGISLATURES or etype(o) == "GPE"]
    if len(party) != 1:
        others = [(o, t) for o, t, n in named if n.casefold() not in LEGISLATURES]
        return (f"{prefix}Leader" if others and not party else f"{prefix}{_PARTY_LEADER}"), owners
    p_id, p_tok, p_name = party[0]
    where += _in_legislature(doc, ent.root, p_tok.head)
    if p_tok.lower_ in _NATIONS and not p_name.lower().startswith(p_tok.lower_):  # "Scottish Labour leader"
        where.append(_NATIONS[p_tok.lower_])
    if ent.start > 0 and doc[ent.start - 1].lower_ in LEGISLATURES:  # "the SNP's Holyrood leader"
        where.append(doc[ent.start - 1].text)
    places = {LEGISLATURES.get(n.casefold(), n) for n in where}
    post = f"{prefix}Leader of the {p_name}"
    if len(places) == 1:
        post += f" in {places.pop()}"
    return post, [(p_id, p_tok)]


def _in_legislature(doc: Doc, *heads: Token) -> list[str]:
    """Legislatures named by "in the X" under the office or its party ("leader of the Lib Dems in the
    assembly")."""
    out = []
    for head in heads:
        for t in args.prep_objects(head, "in"):
            words = " ".join(w.lower_ for w in t.subtree if not w.is_stop and w.is_alpha)
            if words in LEGISLATURES and LEGISLATURES[words] not in out:
                out.append(words)
    return out


def rewire(doc: Doc, ent: Span, old: str, name: str) -> str:
    """Make the office mention ``ent`` (now of entity ``old``) a mention of the office called ``name``; its id."""
    ents, tokens = doc._.kg_entities, doc._.kg_token_entity
    new = ids.entity_id(name, "Office")
    if new == old or ents is None or tokens is None:
        return old
    info = ents.setdefault(new, attrs.EntityInfo(new, name, "Office"))
    if ent.text != name:
        info.aliases.add(ent.text)
    for i in range(ent.start, ent.end):
        if tokens.get(i) == old:
            tokens[i] = new
    mentions = doc._.kg_mentions or []
    for m in mentions:
        if m.entity_id == old and ent.start <= m.start < ent.end:
            m.entity_id = new
    if not any(m.entity_id == old for m in mentions):
        ents.pop(old, None)
    return new
