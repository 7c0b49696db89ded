"""ArticleGraphs -> parameter rows for the Neo4j loader (pure Python, no driver).

Everything read from an article (names, sentences, quotes, ids) ends up in
these rows, which travel to Neo4j as query *parameters*. The only names that
are formatted into Cypher text are node labels and relationship types, and
those come from the catalogue and pass :func:`label` first.

The graph written (see :mod:`kg.stores.neo4j.store` for how it is replaced):

- ``(:Article {id, title, date, publishedAt, url, source, contentHash})``: ``date`` a Neo4j ``Date`` (the
  day), ``publishedAt`` a ``DateTime`` where the source gives a time
- ``(:Entity:<catalogue label> {id, name, type[, kb, country, agent, kbRoles]})``, one node per entity id
  (the knowledge base's id, country, agent code and dated roles, the first article's);
  ``name`` is the name most of the articles that mention it give, as the embedded store's label
  (:func:`kg.resolve.labels.canonical`, over the ``name`` of its ``MENTIONS``)
- ``(:Article)-[:MENTIONS {aliases, name[, role]}]->(:Entity)``, aliases, name and knowledge-base role as
  used by that article
- ``(:Assertion {id, key, article_id, subject, predicate, object, sentence, start,
  end, confidence, extractor, modality, negated[, eventDate, eventStart, eventEnd, status]})``, one per
  extracted relation (the evidence; same ids as the RDF store's ``kg:Assertion``), with
  ``-[:SUBJECT]->(:Entity)``, ``-[:OBJECT]->(:Entity)`` and ``-[:IN_ARTICLE]->(:Article)``
  (``rdf:subject``, ``rdf:object`` and ``prov:wasDerivedFrom`` in RDF); ``eventDate`` is the ISO
  text of the precision the sentence gives (2025-02-28, 2025-W09, 2025-02, 2025), ``eventStart`` and
  ``eventEnd`` the first and last day of that period as ``Date`` values
- ``(:Entity)-[:<catalogue type> {key, evidence, confidence, articles,
  articleEvidence, articleConfidence}]->(:Entity)``, ONE relationship per
  (subject, type, object), aggregated over articles: ``key`` is
  :func:`relation_key`, shared with the relationship's ``:Assertion`` nodes
  (indexed: ``MATCH (x:Assertion {key: r.key})-[:IN_ARTICLE]->(a)`` gives its
  evidence and articles); ``articles`` are the supporting article ids, sorted;
  ``articleEvidence[i]`` / ``articleConfidence[i]`` the number of assertions
  and best confidence of ``articles[i]``; ``evidence`` / ``confidence`` their
  sum / maximum
- ``(:Quote {id, article_id, text, cue, kind, sentence, start, end,
  confidence})`` with ``(speaker)-[:SAID]->``, ``-[:ABOUT]->(entity)`` and
  ``-[:QUOTED_IN]->(:Article)``
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from kg import dates
from kg.kb.table import kb_role
from kg.model import ArticleGraph
from kg.resolve import labels
from kg.schema import catalogue, ids
from kg.stores.base import StoreError

# rows (mentions + relations + quotes) per write transaction: as fast a first load as larger batches, and
# replacements touch less of the hub relationships per transaction (docs/performance.md, "Batch size")
DEFAULT_BATCH = 5000
ENTITY = "Entity"  # every entity node carries it besides its catalogue label
ASSERTION = "Assertion"  # evidence nodes, as kg:Assertion in RDF

_LABEL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


def label(name: str, *, rel: bool = False) -> str:
    """``name`` if it is safe to format into Cypher as a label (or relationship type), else StoreError."""
    if not (_TYPE_RE if rel else _LABEL_RE).fullmatch(name or ""):
        raise StoreError(f"refusing {'relationship type' if rel else 'label'} {name!r}: not a plain identifier")
    return name


@dataclass(frozen=True)
class Names:
    """Labels and relationship types the loader uses, all from the catalogue."""

    article: str
    quote: str
    mentions: str
    said: str
    about: str
    quoted_in: str
    subject: str
    object: str
    in_article: str
    entity_labels: dict[str, str]  # entity type -> label
    rel_types: dict[str, str]  # relation name -> relationship type


@lru_cache(maxsize=4)
def names(path=catalogue.CATALOGUE_PATH) -> Names:
    cat = catalogue.load(path)
    et, st = cat.entity_types, cat.structural
    return Names(
        article=label(et["Article"].label),
        quote=label(et["Quote"].label),
        mentions=label(st["mentions"].label, rel=True),
        said=label(st["said"].label, rel=True),
        about=label(st["about"].label, rel=True),
        quoted_in=label(st["quoted_in"].label, rel=True),
        subject=label(st["subject"].label, rel=True),
        object=label(st["object"].label, rel=True),
        in_article=label(st["in_article"].label, rel=True),
        entity_labels={n: label(t.label) for n, t in et.items() if n not in ("Article", "Quote")},
        rel_types={n: label(r.label, rel=True) for n, r in cat.relations.items()},
    )


def _kb(attrs: dict) -> dict:
    """An entity node's knowledge-base properties: kb (dictionary id), country, agent code, kbRoles (the
    dated dictionary roles as kg:kbRole literals)."""
    out = {k: clean(str(attrs[k])) for k in ("kb", "country", "agent") if attrs.get(k)}
    if attrs.get("roles"):
        out["kbRoles"] = sorted(kb_role(r) for r in attrs["roles"])  # as an RDF store gives them back
    return out


def relation_key(subject: str, relation: str, obj: str) -> str:
    """The ``key`` of the aggregated relationship ``subject -relation-> obj`` and of its Assertion nodes:
    the entity ids around the catalogue name (unambiguous for kg's entity ids, ``type/slug``, which hold
    no spaces).

    >>> relation_key("person/keir-starmer", "meets", "person/emmanuel-macron")
    'person/keir-starmer meets person/emmanuel-macron'
    """
    return f"{subject} {relation} {obj}"


def cypher_order(text: str) -> bytes:
    """Sort key that orders strings as Cypher's ``<`` does: by UTF-16 code unit (Java's order), which differs
    from Python's code point order for characters beyond U+FFFF. Every choice the loader makes in Python
    (an article's name of an entity, sorted article ids) uses it, so batch boundaries never change the outcome."""
    return text.encode("utf-16-be", "surrogatepass")


def _event_dates(value) -> dict:
    """An assertion's ``eventDate`` (ISO text of the precision read) and the first and last day of that
    period as Neo4j Dates (``eventStart``, ``eventEnd``); nothing for a relation without a date."""
    if not value:
        return {}
    span = dates.period(value)
    if not span:
        return {}
    return {"eventDate": str(value), "eventStart": date.fromisoformat(span[0]), "eventEnd": date.fromisoformat(span[1])}


def clean(value):
    """Strings as Neo4j can store them (lone surrogates replaced, as in the RDF store)."""
    if isinstance(value, str) and not value.isascii():
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def clean_row(value):
    """``value`` with every string in it (in lists and dicts too) made storable by :func:`clean`."""
    if isinstance(value, dict):
        return {k: clean_row(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_row(v) for v in value]
    return clean(value)


@dataclass
class Rows:
    """The rows of one write transaction: a whole number of articles.

    Rows refer to nodes by their kg ids (``id`` property); the loader swaps
    these for element ids once the transaction has merged the nodes.
    """

    replaced: list[str] = field(default_factory=list)  # article ids whose old contributions go first
    articles: list[dict] = field(default_factory=list)
    entities: dict[str, dict[str, dict]] = field(default_factory=dict)  # label -> id -> row
    names: dict[str, dict[str, int]] = field(default_factory=dict)  # entity id -> name -> articles giving it
    mentions: list[dict] = field(default_factory=list)
    assertions: list[dict] = field(default_factory=list)
    edges: dict[str, dict[tuple[str, str], dict]] = field(default_factory=dict)  # type -> (s, o) -> row
    quotes: list[dict] = field(default_factory=list)
    said: list[dict] = field(default_factory=list)  # {"a": speaker entity id, "b": quote id}
    about: list[dict] = field(default_factory=list)  # {"a": quote id, "b": entity id}
    article_ids: set[str] = field(default_factory=set)
    # the graphs these rows came from and whether each replaces a stored article, to rebuild half a batch
    graphs: list[tuple[ArticleGraph, bool]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.mentions) + len(self.assertions) + len(self.quotes)

    def __bool__(self) -> bool:
        return bool(self.articles or self.replaced)

    def add(self, g: ArticleGraph, base: str = ids.DEFAULT_BASE) -> None:
        n = names()
        a = g.article
        aid = clean(a.id)
        self.article_ids.add(a.id)
        props = {"id": aid, "contentHash": a.hash}
        for k in ("title", "url", "source"):
            if getattr(a, k):
                props[k] = clean(getattr(a, k))
        if dates.day_of(a.date):  # a Neo4j Date: a.date >= date("2025-03-01") compares
            props["date"] = dates.day_of(a.date)
        if dates.datetime_of(a.date):
            props["publishedAt"] = dates.datetime_of(a.date)
        self.articles.append(props)

        known: dict[str, list[str]] = {}
        named: dict[str, str] = {}
        # the knowledge base's role as of this article's date goes on its MENTIONS edge, not on the node
        roles = {e.id: {"role": e.attrs["role"]} for e in g.entities if e.attrs.get("role")}
        for e in g.entities:
            etype = e.type if e.type in n.entity_labels else "Group"  # as the RDF mapping does
            eid, name = clean(e.id), clean(e.name)
            rows = self.entities.setdefault(n.entity_labels[etype], {})
            row = rows.get(eid)
            if row is None:
                row = rows[eid] = {"id": eid, "name": name, "type": etype}
            if e.attrs.get("title"):  # a post's bare title: "all presidents" is one property match
                row["title"] = clean(str(e.attrs["title"]))
            for k, v in _kb(e.attrs).items():
                row.setdefault(k, v)
            named[e.id] = min(name, named.get(e.id, name), key=cypher_order)
            known.setdefault(e.id, []).extend(clean(x) for x in e.aliases)
        self.mentions += [
            {"a": aid, "b": clean(eid), "aliases": sorted(set(al)), "name": named[eid], **roles.get(eid, {})}
            for eid, al in known.items()
        ]
        for eid, name in named.items():
            counts = self.names.setdefault(clean(eid), {})
            counts[name] = counts.get(name, 0) + 1

        for i, r in enumerate(g.relations):
            if r.subject not in known or r.object not in known or r.predicate not in n.rel_types:
                continue
            ev = r.evidence
            key = f"{r.subject}|{r.predicate}|{r.object}|{ev.start}|{ev.end}|{i}"
            s, o, conf = clean(r.subject), clean(r.object), float(r.confidence)
            self.assertions.append(
                {
                    "id": ids.assertion_iri(a.id, key, base=""),
                    "key": relation_key(s, r.predicate, o),
                    "article_id": aid,
                    "subject": s,
                    "predicate": r.predicate,
                    "object": o,
                    "sentence": clean(ev.sentence),
                    "start": ev.start,
                    "end": ev.end,
                    "confidence": conf,
                    "extractor": clean(ev.extractor),
                    "modality": clean(r.modality),
                    "negated": bool(r.negated),
                    **_event_dates(r.attrs.get("date")),
                    **({"status": clean(str(r.attrs["status"]))} if r.attrs.get("status") else {}),
                }
            )
            per = self.edges.setdefault(n.rel_types[r.predicate], {}).setdefault((s, o), {})
            got = per.get(aid)
            per[aid] = [1, conf] if got is None else [got[0] + 1, max(got[1], conf)]

        seen: set[str] = set()  # two quotes at one span are one Quote node (the first), with both's links
        said: dict[tuple[str, str], None] = {}
        about: dict[tuple[str, str], None] = {}
        for q in g.quotes:
            ev = q.evidence
            qid = ids.quote_id(a.id, ev.start, ev.end)
            if qid not in seen:
                seen.add(qid)
                self.quotes.append(
                    {
                        "id": qid,
                        "article_id": aid,
                        "text": clean(q.text),
                        "cue": clean(q.cue),
                        "kind": clean(q.kind),
                        "sentence": clean(ev.sentence),
                        "start": ev.start,
                        "end": ev.end,
                        "confidence": float(q.confidence),
                    }
                )
            if q.speaker in known:
                said[(clean(q.speaker), qid)] = None
            about.update(((qid, clean(x)), None) for x in q.about if x in known)
        self.said += [{"a": s, "b": q} for s, q in said]
        self.about += [{"a": q, "b": e} for q, e in about]

    def entity_rows(self) -> dict[str, list[dict]]:
        """label -> entity rows, each named by what these articles call it."""
        for rows in self.entities.values():
            for eid, row in rows.items():
                row["name"] = labels.canonical(self.names[eid])
        return {lab: list(rows.values()) for lab, rows in self.entities.items()}

    def edge_rows(self) -> dict[str, list[dict]]:
        """type -> rows ``{s, o, aids, ns, cs}``: supporting articles sorted, with their evidence and confidence."""
        out: dict[str, list[dict]] = {}
        relation = {t: name for name, t in names().rel_types.items()}
        for t, rows in self.edges.items():
            lst = out[t] = []
            for (s, o), per in rows.items():
                aids = sorted(per, key=cypher_order)
                lst.append(
                    {
                        "s": s,
                        "o": o,
                        "key": relation_key(s, relation[t], o),
                        "aids": aids,
                        "ns": [per[x][0] for x in aids],
                        "cs": [per[x][1] for x in aids],
                    }
                )
        return out
