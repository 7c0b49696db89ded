"""ArticleGraph -> RDF quads, in the article's own named graph.

Vocabulary comes only from the catalogue (classes, relation properties) and
the ``kg:`` namespace declared there. Each article's statements live in the
named graph ``ids.graph_iri(article_id)``, so re-loading a changed article
replaces exactly what it said.

An entity's ``rdfs:label`` is no article's fact: each article graph says how that article names it
(``kg:mentionedAs``), and the store keeps one label and one type per entity in the entities graph
(:func:`entity_quads`, chosen by :mod:`kg.resolve.labels`), so the union of all graphs has one of each.

Every extracted relation is written twice: as a direct triple
(``:healey kg:holdsPosition :defence-secretary``) for simple queries, and as a
reified ``kg:Assertion`` (rdf:subject/predicate/object) carrying its evidence
and ``prov:wasDerivedFrom`` the article.

Dates are typed: ``schema:datePublished`` is the article's day (``xsd:date``; ``kg:publishedAt`` the
``xsd:dateTime`` when the source gives a time); ``kg:eventDate`` has the precision the text gives
(``xsd:date``, ``xsd:gYearMonth``, ``xsd:gYear``, or an ISO week as a string) and ``kg:eventStart`` /
``kg:eventEnd`` are the first and last day of that period, so ``FILTER(?start >= "2025-03-01"^^xsd:date)``
compares dates of every precision.
"""

from __future__ import annotations

from functools import lru_cache

from pyoxigraph import Literal, NamedNode, Quad

from kg import dates
from kg.kb.table import kb_role
from kg.model import ArticleGraph, Entity
from kg.schema import catalogue, ids

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Terms:
    """Named nodes for the ontology terms kg writes, built from the catalogue."""

    def __init__(self, cat: catalogue.Catalogue):
        self.cat = cat
        self.kg = cat.namespaces["kg"]
        x = cat.expand
        self.type = NamedNode(RDF + "type")
        self.rdf_subject, self.rdf_predicate, self.rdf_object = (
            NamedNode(RDF + n) for n in ("subject", "predicate", "object")
        )
        self.label = NamedNode(x("rdfs:label"))
        self.alt_label = NamedNode(x("skos:altLabel"))
        self.derived = NamedNode(x("prov:wasDerivedFrom"))
        self.headline = NamedNode(x("schema:headline"))
        self.date = NamedNode(x("schema:datePublished"))
        self.url = NamedNode(x("schema:url"))
        self.text = NamedNode(x("schema:text"))
        self.assertion = NamedNode(self.kg + "Assertion")
        self.classes = {name: NamedNode(x(t.rdf)) for name, t in cat.entity_types.items()}
        self.props = {name: NamedNode(x(r.rdf)) for name, r in {**cat.relations, **cat.structural}.items()}
        self._kgp: dict[str, NamedNode] = {}  # kg: terms, built once

    def kgp(self, local: str) -> NamedNode:
        node = self._kgp.get(local)
        if node is None:
            node = self._kgp[local] = NamedNode(self.kg + local)
        return node


@lru_cache(maxsize=4)
def terms(path=catalogue.CATALOGUE_PATH) -> Terms:
    return Terms(catalogue.load(path))


_BOOLEAN, _INTEGER, _DOUBLE = (NamedNode(XSD + n) for n in ("boolean", "integer", "double"))
_DATE, _DATETIME, _STRING = (NamedNode(XSD + n) for n in ("date", "dateTime", "string"))
# an event date's datatype by its precision; XSD has no week type, so a week stays a string
_EVENT_TYPES = {"day": _DATE, "month": NamedNode(XSD + "gYearMonth"), "year": NamedNode(XSD + "gYear")}


def _lit(value) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=_BOOLEAN)
    if isinstance(value, int):
        return Literal(str(value), datatype=_INTEGER)
    if isinstance(value, float):
        return Literal(repr(value), datatype=_DOUBLE)
    return Literal(str(value))


def clean(text: str) -> str:
    """``text`` fit for an RDF literal: lone surrogates replaced (control characters are kept)."""
    return text.encode("utf-8", "replace").decode("utf-8")


_clean = clean


_KB_PROPS = (("kb", "kbId"), ("country", "countryCode"), ("role", "roleCode"), ("agent", "agentCode"))


def hash_quad(g: ArticleGraph, base: str = ids.DEFAULT_BASE) -> Quad:
    """The article's content hash statement (what a store compares to skip an unchanged article)."""
    a = g.article
    return Quad(
        NamedNode(ids.article_iri(a.id, base)),
        terms().kgp("contentHash"),
        _lit(a.hash),
        NamedNode(ids.graph_iri(a.id, base)),
    )


def graph_quads(g: ArticleGraph, base: str = ids.DEFAULT_BASE, content_hash: bool = True) -> list[Quad]:
    """The article's statements in its named graph; without its :func:`hash_quad` if not ``content_hash``
    (a store that writes the hashes after the graphs)."""
    out: list[Quad] = []
    gn = NamedNode(ids.graph_iri(g.article.id, base))
    _statements(g, base, _OBJECTS, lambda s, p, o: out.append(Quad(s, p, o, gn)), content_hash)
    return out


class _Objects:
    """Terms as pyoxigraph objects."""

    @property
    def t(self) -> Terms:
        return terms()

    node = once = staticmethod(NamedNode)

    @staticmethod
    def lit(value):
        return _lit(value)

    @staticmethod
    def typed(value: str, datatype: NamedNode):
        return Literal(value, datatype=datatype)


_OBJECTS = _Objects()


class _TextTerms:
    """:class:`Terms` as N-Quads text."""

    def __init__(self, t: Terms):
        self._t = t
        for k in ("type", "rdf_subject", "rdf_predicate", "rdf_object", "label", "alt_label", "derived"):
            setattr(self, k, str(getattr(t, k)))
        for k in ("headline", "date", "url", "text", "assertion"):
            setattr(self, k, str(getattr(t, k)))
        self.classes = {name: str(n) for name, n in t.classes.items()}
        self.props = {name: str(n) for name, n in t.props.items()}
        self._kgp: dict[str, str] = {}

    def kgp(self, local: str) -> str:
        node = self._kgp.get(local)
        if node is None:
            node = self._kgp[local] = str(self._t.kgp(local))
        return node


class NQuadsText:
    """Article graphs as N-Quads text, for a bulk loader's parser: the same statements as
    :func:`graph_quads`, each term as pyoxigraph serialises it (so with its escaping), the terms that
    repeat across articles cached."""

    _MAX_CACHED = 200_000

    def __init__(self, base: str = ids.DEFAULT_BASE):
        self.base = base
        self.t = _TextTerms(terms())
        self._nodes: dict[str, str] = {}
        self._lits: dict[tuple[type, object], str] = {}
        self.statements = 0  # written so far

    def article(self, g: ArticleGraph, content_hash: bool = True) -> str:
        lines: list[str] = []
        gn = self.once(ids.graph_iri(g.article.id, self.base))
        _statements(g, self.base, self, lambda s, p, o: lines.append(f"{s} {p} {o} {gn} .\n"), content_hash)
        self.statements += len(lines)
        return "".join(lines)

    def node(self, iri: str) -> str:
        text = self._nodes.get(iri)
        if text is None:
            if len(self._nodes) >= self._MAX_CACHED:
                self._nodes.clear()
            text = self._nodes[iri] = str(NamedNode(iri))
        return text

    @staticmethod
    def once(iri: str) -> str:
        """An IRI that does not repeat (not cached)."""
        return str(NamedNode(iri))

    def lit(self, value) -> str:
        if isinstance(value, str):
            return str(Literal(value))
        key = (value.__class__, value)
        text = self._lits.get(key)
        if text is None:
            if len(self._lits) >= self._MAX_CACHED:
                self._lits.clear()
            text = self._lits[key] = str(_lit(value))
        return text

    @staticmethod
    def typed(value: str, datatype: NamedNode) -> str:
        return str(Literal(value, datatype=datatype))


def _statements(g: ArticleGraph, base: str, kit, add, content_hash: bool) -> None:
    """Call ``add(s, p, o)`` for each statement of the article's graph, its terms made by ``kit``
    (:class:`_Objects` or :class:`NQuadsText`)."""
    t = kit.t
    node_of, lit, typed = kit.node, kit.lit, kit.typed
    a = g.article
    art = node_of(ids.article_iri(a.id, base))

    add(art, t.type, t.classes["Article"])
    add(art, t.kgp("articleId"), lit(_clean(a.id)))
    if content_hash:
        add(art, t.kgp("contentHash"), lit(a.hash))
    if a.title:
        add(art, t.headline, lit(_clean(a.title)))
    day = dates.day_of(a.date)
    if day:
        add(art, t.date, typed(day.isoformat(), _DATE))
    when = dates.datetime_of(a.date)
    if when:
        add(art, t.kgp("publishedAt"), typed(when.isoformat(), _DATETIME))
    if a.url:
        add(art, t.url, lit(_clean(a.url)))
    if a.source:
        add(art, t.kgp("source"), lit(_clean(a.source)))

    node = {}
    mentioned_as, entity_id, mentions = t.kgp("mentionedAs"), t.kgp("entityId"), t.props["mentions"]
    for e in g.entities:
        n = node[e.id] = node_of(ids.entity_iri(e.id, base))
        add(n, t.type, t.classes.get(e.type) or t.classes["Group"])
        add(n, mentioned_as, lit(_clean(e.name)))
        add(n, entity_id, lit(_clean(e.id)))
        for alias in e.aliases:
            add(n, t.alt_label, lit(_clean(alias)))
        if e.attrs:
            for key, local in _KB_PROPS:
                if e.attrs.get(key):
                    add(n, t.kgp(local), lit(_clean(str(e.attrs[key]))))
            for role in e.attrs.get("roles") or ():
                add(n, t.kgp("kbRole"), lit(kb_role(role)))
            if e.attrs.get("title"):  # a post's bare title: "all presidents" is one pattern
                add(n, t.kgp("title"), lit(_clean(str(e.attrs["title"]))))
        add(art, mentions, n)

    sentence, start, end, confidence = t.kgp("sentence"), t.kgp("start"), t.kgp("end"), t.kgp("confidence")
    extractor, modality = t.kgp("extractor"), t.kgp("modality")
    for i, r in enumerate(g.relations):
        if r.subject not in node or r.object not in node:
            continue
        s, p, o = node[r.subject], t.props[r.predicate], node[r.object]
        add(s, p, o)
        ev = r.evidence
        asn = kit.once(ids.assertion_iri(a.id, f"{r.subject}|{r.predicate}|{r.object}|{ev.start}|{ev.end}|{i}", base))
        add(asn, t.type, t.assertion)
        add(asn, t.rdf_subject, s)
        add(asn, t.rdf_predicate, p)
        add(asn, t.rdf_object, o)
        add(asn, sentence, lit(_clean(ev.sentence)))
        add(asn, start, lit(ev.start))
        add(asn, end, lit(ev.end))
        add(asn, confidence, lit(float(r.confidence)))
        add(asn, extractor, lit(ev.extractor))
        add(asn, modality, lit(r.modality))
        if r.attrs:
            span = dates.period(r.attrs.get("date") or "")
            if span:
                value = str(r.attrs["date"])
                add(asn, t.kgp("eventDate"), typed(value, _EVENT_TYPES.get(dates.precision(value) or "", _STRING)))
                add(asn, t.kgp("eventStart"), typed(span[0], _DATE))
                add(asn, t.kgp("eventEnd"), typed(span[1], _DATE))
            if r.attrs.get("status"):
                add(asn, t.kgp("status"), lit(str(r.attrs["status"])))
        add(asn, t.derived, art)

    seen: set = set()
    for q in g.quotes:
        ev = q.evidence
        qn = kit.once(ids.entity_iri(ids.quote_id(a.id, ev.start, ev.end), base))
        if qn in seen:  # two quotes at one span are one Quote, described by the first (as in Neo4j)
            _quote_links(add, t, node, q, qn)
            continue
        seen.add(qn)
        add(qn, t.type, t.classes["Quote"])
        add(qn, t.text, lit(_clean(q.text)))
        add(qn, t.kgp("cue"), lit(q.cue))
        add(qn, t.kgp("quoteKind"), lit(q.kind))
        add(qn, sentence, lit(_clean(ev.sentence)))
        add(qn, start, lit(ev.start))
        add(qn, end, lit(ev.end))
        add(qn, confidence, lit(float(q.confidence)))
        add(qn, t.props["quoted_in"], art)
        _quote_links(add, t, node, q, qn)


def _quote_links(add, t, node: dict, q, qn) -> None:
    """The quote's speaker and the entities it is about."""
    if q.speaker in node:
        add(node[q.speaker], t.props["said"], qn)
    for about in q.about:
        if about in node:
            add(qn, t.props["about"], node[about])


def entity_quads(
    entity: NamedNode, entity_id: str, names: dict[str, int], classes: dict[str, int], base: str = ids.DEFAULT_BASE
) -> list[Quad]:
    """The entities graph's statements of one entity: its one ``rdf:type`` and ``rdfs:label``, chosen
    from what the article graphs say (``names``: name -> articles giving it, ``classes``: class IRI ->
    articles typing it so)."""
    from kg.resolve import labels

    t = terms()
    eg = NamedNode(ids.entities_graph_iri(base))
    prefix = entity_id.partition("/")[0]
    minted = next((c.value for name, c in t.classes.items() if name.lower() == prefix), None)
    return [
        Quad(entity, t.type, NamedNode(labels.canonical_type(classes, minted)), eg),
        Quad(entity, t.kgp("entityId"), _lit(entity_id), eg),
        Quad(entity, t.label, _lit(labels.canonical(names)), eg),
    ]


def entity_class(e: Entity) -> str:
    """The class IRI an article graph types entity ``e`` with (an unknown type is a Group)."""
    t = terms()
    return (t.classes.get(e.type) or t.classes["Group"]).value


def store_quads(g: ArticleGraph, base: str = ids.DEFAULT_BASE) -> list[Quad]:
    """What a store holding only article ``g`` holds: its graph and its entities' labels and types."""
    return graph_quads(g, base) + [
        q
        for e in g.entities
        for q in entity_quads(
            NamedNode(ids.entity_iri(e.id, base)),
            _clean(e.id),
            {_clean(e.name): 1},
            {entity_class(e): 1},
            base,
        )
    ]
