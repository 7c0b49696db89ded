"""Cross-article entity resolution: one actor, one id, across articles.

Runs between extract and load (``ArticleGraph -> resolve -> sink``). Inside one
article ``kg_entities`` already joins "Starmer" to "Keir Starmer"; across
articles this stage does, using

- the Person full names already known (from the store, the alias table and the
  articles seen so far in this run),
- a persistent alias table next to the store (``<store>/aliases.json``) that
  remembers how names resolved (acronyms and short forms of organisations too),
- the curation file (:mod:`kg.resolve.curation`), whose merges and splits always win.

Rules, in order: titles and post-nominal letters are stripped ("Sir Keir Starmer",
"Mr Starmer", "Philippe Sands QC"), and so is a role or an organisation's name the
model put before a name ("Backbencher Stephen Pound", "Unison Dave Prentis"); a full
name resolves to a known full name with the same surname and a compatible first
name (equal, an initial, or close by rapidfuzz: "Volodymyr Zelenskyy" ->
"Volodymyr Zelensky"), never across different first names (David Miliband and
Ed Miliband stay two people); a bare surname resolves only when exactly one known
full name has it (two known Milibands: "Miliband" stays unresolved); a knight
named by title and first name ("Sir Alan") resolves to the one person of that
first name the article names ("Sir Alan Budd"), else to the one knight of that
first name known, and is otherwise "Sir Alan", never a surname "Alan"; a royal
keeps the title ("Prince Harry"); other types resolve through the alias table.
Ids stay :func:`kg.schema.ids.entity_id` of the canonical name, so they are stable.

Mentions, relation subjects/objects, quote speakers and ``about`` lists are all
rewritten together. An article whose resolution changed since it was loaded is
reloaded (its content hash carries a fingerprint of the resolution).

>>> from kg.model import Article, ArticleGraph, Entity
>>> r = Resolver()
>>> r.learn_name("person/keir-starmer", "Keir Starmer")
>>> g = ArticleGraph(Article(id="a", text="Mr Starmer spoke."),
...                  entities=[Entity("person/starmer", "Starmer", "Person")])
>>> r.resolve(g).entities[0].id
'person/keir-starmer'
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import fields, replace
from pathlib import Path

from kg.model import Article, ArticleGraph, Entity, content_hash
from kg.resolve import labels
from kg.resolve.atomic import write_atomic
from kg.resolve.curation import Curation
from kg.resolve.names import (
    FUZZ,
    KNIGHTHOOD,
    close_lengths,
    first_compatible,
    first_name_ref,
    is_first_name,
    is_peer,
    knight_first_name,
    person_name,
    sex,
)
from kg.schema import catalogue, ids

log = logging.getLogger("kg")

ALIASES_FILE = "aliases.json"
_NAME_TYPES = ("Person",)
# the types of a known name that, before a person's name, is no first name ("Unison Dave Prentis")
_OTHER_TYPES = ("Organization", "GPE", "Group", "Media", "Location")
# articles a bare surname waits for its full name before it is loaded (Resolver.stream): a longer wait
# means fewer articles loaded twice, but those still waiting when the input ends are loaded after the NLP
# has finished
STREAM_WINDOW = 200


def _type_of_id(entity_id: str) -> str | None:
    prefix = entity_id.partition("/")[0]
    for name in catalogue.load().entity_types:
        if name.lower() == prefix:
            return name
    return None


class _ResolvedArticle(Article):
    """An Article whose content hash also covers how its entities were resolved, so a changed
    resolution (a new curation, a newly known full name) reloads the article."""

    _resolution: str = ""

    @property
    def hash(self) -> str:
        base = content_hash((self.title or "") + "\n" + self.text)
        return content_hash(base + "\n" + self._resolution) if self._resolution else base


class Resolver:
    """Resolves entity ids across articles. See the module docstring for the rules."""

    def __init__(self, curation: Curation | None = None, path: str | Path | None = None):
        self.curation = curation or Curation()
        self.path = Path(path) if path else None
        self.people: dict[str, str] = {}  # person id -> full name
        self.names: dict[str, tuple[str, str]] = {}  # id -> (canonical name, type)
        self.aliases: dict[str, str] = {}  # "Type|alias" -> id
        self.ambiguous: set[str] = set()
        self._by_surname: dict[str, set[str]] = defaultdict(set)
        self._surnames: dict[int, list[str]] = defaultdict(list)  # the keys of _by_surname by length
        self._close: dict[str, tuple[dict[int, int], list[str]]] = {}  # surname -> (compared per length, close ones)
        self.offices: dict[str, set[str]] = defaultdict(set)  # person id -> office ids held
        self.knights: dict[str, set[str]] = defaultdict(set)  # first name -> ids of known "Sir <first> <surname>"
        self.revised = 0  # articles stream() yielded a second time, resolved anew at the end
        if self.path and self.path.exists():
            self._load_table(self.path)

    # -- knowledge -----------------------------------------------------------

    def _load_table(self, path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        for pid, name in data.get("people", {}).items():
            self.learn_name(pid, name)
        for i, (name, type_) in data.get("names", {}).items():
            self.names.setdefault(i, (name, type_))
        self.aliases.update(data.get("aliases", {}))
        self.ambiguous.update(data.get("ambiguous", []))
        for first, pids in data.get("knights", {}).items():
            self.knights[first].update(pids)

    def save(self, path: str | Path | None = None) -> Path | None:
        """Write the alias table (people, names, aliases) to ``path`` or where it was read from."""
        p = Path(path) if path else self.path
        if p is None:
            return None
        p.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "people": dict(sorted(self.people.items())),
            "names": {k: list(v) for k, v in sorted(self.names.items())},
            "aliases": dict(sorted(self.aliases.items())),
            "ambiguous": sorted(self.ambiguous),
            "knights": {k: sorted(v) for k, v in sorted(self.knights.items())},
        }
        write_atomic(p, json.dumps(data, ensure_ascii=False, indent=1))
        return p

    def learn_name(self, entity_id: str, name: str, type_: str = "Person") -> None:
        """Know an entity (a Person with a full name becomes a resolution target)."""
        self.names.setdefault(entity_id, (name, type_))
        if type_ != "Person":
            return
        clean = person_name(name)
        if len(clean.split()) < 2:
            return
        pid = ids.entity_id(clean, "Person")  # "Sir Keir Starmer" is known as person/keir-starmer
        if pid in self.people or self.curation.target(pid) != pid or self.curation.target(entity_id) != entity_id:
            return  # known already, or merged away by the user: not a target
        if self.prefixed(clean.split()) or self.candidates(clean):
            return  # a variant of a known name ("Donald J. Trump" after "Donald Trump")
        self.people[pid] = clean
        self.names[pid] = (clean, "Person")
        if is_peer(clean):
            return  # "Lord Roberts" is known by that name only: a bare "Roberts" is someone else
        surname = clean.split()[-1].casefold()
        if surname not in self._by_surname:
            self._surnames[len(surname)].append(surname)
        self._by_surname[surname].add(pid)

    def learn_knight(self, e: Entity) -> None:
        """Know a person named as a knight or dame with their full name ("Sir Alan Budd")."""
        if e.type != "Person":
            return
        for form in (e.name, *e.aliases):
            first = knight_first_name(form)
            if first is None:
                continue
            pid = e.id if e.id in self.people else ids.entity_id(person_name(e.name), "Person")
            if pid in self.people and self.people[pid].split()[0].casefold() == first.casefold():
                self.knights[first.casefold()].add(pid)

    def learn_alias(self, type_: str, alias: str, entity_id: str) -> None:
        key = f"{type_}|{alias.casefold()}"
        if key in self.ambiguous:
            return
        have = self.aliases.get(key)
        if have is None:
            self.aliases[key] = entity_id
        elif have != entity_id:
            del self.aliases[key]
            self.ambiguous.add(key)

    def learn_store(self, store) -> None:
        """Know the entities (and non-person aliases) an RDF store already holds."""
        cat = catalogue.load()
        kg, rdfs = cat.namespaces["kg"], cat.namespaces["rdfs"]
        by_class = {cat.expand(t.rdf): n for n, t in cat.entity_types.items()}
        try:
            rows = store.query(f"""SELECT DISTINCT ?id ?label ?class WHERE {{
                GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{rdfs}label> ?label ; a ?class }} }}""").dicts()
        except Exception as exc:  # Neo4j and friends: the alias table alone
            log.debug("resolve: store not readable as SPARQL (%s)", exc)
            return
        for r in sorted(rows, key=lambda r: (str(r["id"]), str(r["label"]))):
            t = by_class.get(r["class"])
            if t and t not in ("Article", "Quote"):
                self.learn_name(str(r["id"]), str(r["label"]), t)

    def learn_graph(self, g: ArticleGraph) -> None:
        """Know the full names and aliases in one (resolved or raw) article graph."""
        for person, held in _held(g).items():
            if person in self.people:
                self.offices[person] |= held
        for e in g.entities:
            self.learn_name(e.id, e.name, e.type)
            self.learn_knight(e)
            if e.type not in _NAME_TYPES and e.type not in ("Quantity", "Office"):
                for a in e.aliases:
                    if a and a.casefold() != e.name.casefold():
                        self.learn_alias(e.type, ids.normalise_name(a), e.id)

    # -- decisions -------------------------------------------------------------

    def candidates(self, name: str, type_: str = "Person") -> list[str]:
        """Known person ids that ``name`` may refer to (exact, same-surname compatible, or unique surname).

        >>> r = Resolver(); r.learn_name("person/ed-miliband", "Ed Miliband")
        >>> r.learn_name("person/david-miliband", "David Miliband")
        >>> r.candidates("Miliband"), r.candidates("Mr Ed Miliband")
        (['person/david-miliband', 'person/ed-miliband'], ['person/ed-miliband'])
        """
        clean = person_name(name)
        words = clean.split()
        if not words:
            return []
        exact = ids.entity_id(clean, "Person")
        if exact in self.people:
            return [exact]
        if self.prefixed(words):
            return self.candidates(" ".join(words[1:]))
        if len(words) == 1:
            return sorted(self._by_surname.get(words[0].casefold(), ()))
        first = words[0]
        out = set()
        for sur in self._close_surnames(words[-1].casefold()):
            for pid in self._by_surname[sur]:
                known = self.people[pid].split()
                if first_compatible(first, known[0]):
                    out.add(pid)
        return sorted(out)

    def prefixed(self, words: list[str]) -> bool:
        """Whether the first of three or more words is no given name but a word the model put before one:
        a role or a known organisation ("Backbencher Stephen Pound", "Unison Dave Prentis"); such a name
        is the rest's, never a person of its own."""
        if len(words) < 3 or is_first_name(words[0]):
            return False
        return is_first_name(words[1]) or any(ids.entity_id(words[0], t) in self.names for t in _OTHER_TYPES)

    def _close_surnames(self, surname: str) -> list[str]:
        """The known surnames equal or close to ``surname``. Only surnames of a length that can score
        ``FUZZ`` are compared (see :func:`close_lengths`), and surnames are only ever added, so each
        query compares only those learned since it was last asked (one rapidfuzz call per length: a
        Python loop over all of them cost more than the rest of a corpus load)."""
        from rapidfuzz import fuzz, process

        compared, close = self._close.setdefault(surname, ({}, []))
        for n in close_lengths(len(surname)):
            known = self._surnames.get(n, ())
            if compared.get(n, 0) < len(known):
                new = process.extract(
                    surname, known[compared.get(n, 0) :], scorer=fuzz.ratio, score_cutoff=FUZZ, limit=None
                )
                close.extend(sur for sur, _score, _i in new)
                compared[n] = len(known)
        return close

    def target(
        self, e: Entity, offices: set[str] | None = None, present: set[str] | None = None
    ) -> tuple[str, str, str]:
        """(id, name, type) that entity ``e`` resolves to. ``offices``: the posts ``e`` holds in its
        article, which pick among several known people with its surname ("Blair", Prime Minister);
        ``present``: the known people its article names in full, who pick next ("Mr MacDonald" in an
        article on Ian MacDonald, with Ken Macdonald known from another)."""
        cur = self.curation
        tid, tname, ttype = e.id, e.name, e.type
        if cur.target(e.id) != e.id:
            tid = cur.target(e.id)
        else:
            found = None
            if e.type == "Person":
                c = self.candidates(e.name)
                known = sex([e.name, *e.aliases])  # "Mrs Howard" is not Michael Howard
                if known:
                    c = [p for p in c if sex([self.people.get(p, "")]) in (None, known)]
                if len(c) > 1 and offices:
                    c = [p for p in c if self.offices.get(p, set()) & offices] or c
                if len(c) > 1 and present:
                    c = [p for p in c if p in present] or c
                if len(c) == 1:
                    found = c[0]
                elif not c:
                    key = f"Person|{person_name(e.name).casefold()}"
                    found = self.aliases.get(key)
            else:
                found = self.aliases.get(f"{e.type}|{ids.normalise_name(e.name).casefold()}")
            if (
                found
                and found != e.id
                and not cur.keeps_apart(found, e.name)
                and not cur.keeps_apart(found, person_name(e.name))
            ):
                tid = cur.target(found)
        if tid == e.id:
            return tid, tname, ttype
        name, type_ = self.names.get(tid, (None, None))
        if tid in self.people:
            name, type_ = self.people[tid], "Person"
        return tid, name or tname, type_ or _type_of_id(tid) or ttype

    def titled(self, g: ArticleGraph) -> dict[str, tuple[tuple[str, str, str], bool]]:
        """entity id -> (its target, whether a full name settled it) for the people ``g`` names by a
        title and first name ("Sir Alan", "Prince Harry"; see the module docstring)."""
        full = [x for x in g.entities if x.type == "Person" and len(person_name(x.name).split()) > 1]
        out: dict[str, tuple[tuple[str, str, str], bool]] = {}
        for e in g.entities:
            ref = first_name_ref(e.name, e.aliases) if e.type == "Person" else None
            if ref is None or self.curation.target(e.id) != e.id:
                continue
            title, first = ref
            if title.casefold() in KNIGHTHOOD:
                same = [x for x in full if person_name(x.name).split()[0].casefold() == first.casefold()]
                knighted = [x for x in same if any(knight_first_name(a) for a in (x.name, *x.aliases))]
                if len(knighted) == 1 or (len(same) == 1 and not knighted):
                    out[e.id] = self.target((knighted or same)[0]), True
                    continue
                known = sorted(self.knights.get(first.casefold(), ()))
                if len(known) == 1 and not same:
                    out[e.id] = (known[0], self.people[known[0]], "Person"), True
                    continue
            name = f"{title} {first}"
            out[e.id] = (
                (self.curation.target(ids.entity_id(name, "Person")), name, "Person"),
                title.casefold() not in KNIGHTHOOD,
            )
        return out

    def pending(self, g: ArticleGraph) -> bool:
        """Whether ``g`` has a bare person surname, a knight named by first name ("Sir Alan") or a name
        behind a role word (:meth:`prefixed`) that no known full name explains yet (resolve it later)."""
        titled = self.titled(g)
        return any(not settled for _, settled in titled.values()) or any(
            e.type == "Person"
            and e.id not in titled
            and (len(person_name(e.name).split()) == 1 or self.prefixed(person_name(e.name).split()))
            and not self.candidates(e.name)
            and self.curation.target(e.id) == e.id
            for e in g.entities
        )

    # -- rewriting -------------------------------------------------------------

    def resolve(self, g: ArticleGraph) -> ArticleGraph:
        """A copy of ``g`` with every entity id resolved and every reference rewritten."""
        mapping: dict[str, str] = {}
        merged: dict[str, Entity] = {}
        held = _held(g)
        titled = self.titled(g)
        present = {
            p
            for x in g.entities
            if x.type == "Person" and len(person_name(x.name).split()) > 1
            for p in self.candidates(x.name)
        }
        for e in g.entities:
            tid, tname, ttype = titled[e.id][0] if e.id in titled else self.target(e, held.get(e.id), present)
            mapping[e.id] = tid
            ent = merged.get(tid)
            if ent is None:
                ent = merged[tid] = Entity(id=tid, name=_own_name(e, tname, ttype), type=ttype, aliases=[])
            # a post's title and what the knowledge base says: the first entity's, then gaps filled
            for k, v in e.attrs.items():
                ent.attrs.setdefault(k, v)
            for a in [*e.aliases, e.name]:
                if a and a != ent.name and a not in ent.aliases:
                    ent.aliases.append(a)
        renamed = labels.undateline(g, merged, mapping, self.names)
        for ent in merged.values():
            new = self.curation.names.get(ent.id)
            if new and new != ent.name:  # the curated name wins; the article's becomes an alias
                ent.aliases.append(ent.name)
                ent.name = new
                renamed[ent.id] = new
            ent.aliases = sorted({a for a in ent.aliases if a != ent.name})
        changed = {k: v for k, v in mapping.items() if k != v}
        if not changed and not renamed:
            return g

        def m(i):
            return mapping.get(i, i) if i is not None else None

        rels = []
        for r in g.relations:
            s, o = m(r.subject), m(r.object)
            if s == o and r.subject != r.object:
                continue  # "Starmer met Keir Starmer": one actor after resolution
            rels.append(replace(r, subject=s, object=o))
        quotes = [replace(q, speaker=m(q.speaker), about=list(dict.fromkeys(m(a) for a in q.about))) for q in g.quotes]
        mentions = [replace(x, entity_id=m(x.entity_id)) for x in g.mentions]
        art = _ResolvedArticle(**{f.name: getattr(g.article, f.name) for f in fields(Article)})
        art._resolution = json.dumps(sorted(changed.items()) + sorted(renamed.items()))
        return ArticleGraph(
            article=art, entities=list(merged.values()), mentions=mentions, relations=rels, quotes=quotes
        )

    def stream(self, graphs: Iterable[ArticleGraph], window: int = STREAM_WINDOW) -> Iterator[ArticleGraph]:
        """Resolve a stream of article graphs. An article with a bare surname that no full name seen so
        far explains waits for ``window`` more articles (one of them often names the person), is then
        resolved and yielded, and is resolved again at the end of the stream (what it teaches is
        learned only then); when that changes its resolution it is yielded a second time: its content
        hash covers the resolution, so a store replaces the first version. The end state is what
        holding such articles back until the end gives, whatever the window and the input order, without
        keeping their loading for the end. Yields are not in input order. ``self.revised`` counts the
        second yields."""
        held: list[tuple[ArticleGraph, str]] = []  # (graph, hash of the version yielded)
        waiting: deque[tuple[int, ArticleGraph]] = deque()

        def release() -> ArticleGraph:
            g = waiting.popleft()[1]
            out = self.resolve(g)
            held.append((g, out.article.hash))
            return out

        for k, g in enumerate(graphs):
            for e in g.entities:  # full names are knowledge whatever the order
                if e.type == "Person":
                    self.learn_name(e.id, e.name, e.type)
                    self.learn_knight(e)
            if self.pending(g):
                waiting.append((k, g))
            else:
                out = self.resolve(g)
                self.learn_graph(out)
                yield out
            while waiting and waiting[0][0] <= k - window:
                yield release()
        while waiting:
            yield release()
        for g, first in held:
            out = self.resolve(g)
            self.learn_graph(out)
            if out.article.hash != first:
                self.revised += 1
                yield out


def _own_name(e: Entity, target_name: str, target_type: str) -> str:
    """The name an article gives a person it names in full, spelled as the article spells it ("Robert
    Peston" joined to a "Robert Preston" known from a misspelt article): the store's label is then the
    spelling most articles use. Other entities, and a person named by surname alone, take the target's."""
    if target_type != "Person" or e.type != "Person":
        return target_name
    own = person_name(e.name)
    return own if len(own.split()) > 1 and own.split()[-1][:1].isupper() else target_name


def _held(g: ArticleGraph) -> dict[str, set[str]]:
    """person id -> the offices they hold in ``g``: each post and its bare title, so that "Blair" holding
    the Prime Minister of the United Kingdom here and a bare Prime Minister elsewhere is one holder."""
    titles = {e.id: ids.entity_id(e.attrs["title"], e.type) for e in g.entities if e.attrs.get("title")}
    held: dict[str, set[str]] = defaultdict(set)
    for r in g.relations:
        if r.predicate == "holds_position":
            held[r.subject].add(r.object)
            if r.object in titles:
                held[r.subject].add(titles[r.object])
    return held


def for_store(store_dir: str | Path | None, store=None, curation: str | Path | None = None) -> Resolver:
    """The resolver for a build into ``store_dir`` (alias table and curation file kept there; a
    ``curation`` path overrides), knowing what the open ``store`` holds."""
    cur = Curation.load(curation if curation else store_dir)
    r = Resolver(cur, Path(store_dir) / ALIASES_FILE if store_dir else None)
    if store is not None:
        r.learn_store(store)
    return r


def resolve_stream(graphs: Iterable[ArticleGraph], resolver: Resolver) -> Iterator[ArticleGraph]:
    """``resolver.stream(graphs)``, saving the alias table when the stream is done."""
    try:
        yield from resolver.stream(graphs)
    finally:
        resolver.save()
