"""``kg_actor_kb``: entities linked to the actor knowledge base built from the PETRARCH/Phoenix dictionaries
(:mod:`kg.kb.table`), and common-noun actors ("British police", :mod:`kg.nlp.agent_actors`).

- A link is an exact match of the entity's normalised name or one of its aliases. A one-word name never
  links to a person: a surname alone ("Blair") is linked only through the full name the article gives,
  which ``kg_entities`` has already joined it to.
- A linked entity gets ``attrs``: ``kb`` (dictionary id), ``country`` (CAMEO code), ``roles`` (dated) and
  ``role`` as of the article's date; :func:`kg.kb.table.as_of` chooses it again in
  :func:`kg.nlp.graph.doc_to_graph`, where the article's date is known (``doc.user_data["kg_date"]``
  serves callers of the pipeline alone).
- A known person the English model typed as an organisation or group becomes a Person.
- A capital that speaks or acts ("Moscow said") stands for its country's government: role GOV.

Tables: ``[initialize.components.kg_actor_kb] tables`` (a folder with ``actors.tsv.gz`` and ``agents.tsv``;
null: kg's own ``pipelines/kb``), or raw PETRARCH dictionaries by configuration:
``components.kg_actor_kb.dictionaries=/path/to/folder`` (``*.actors.txt`` and ``*agents.txt``). With raw
dictionaries (small and made for the text at hand, such as PETRARCH's validation suite) their capitalised
names also become entities where the English model found none (:class:`NameFinder`).
"""

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from kg.kb.actors import folder_rows
from kg.kb.table import KB, KB_DIR, rows
from kg.nlp import agent_actors, attrs, lexicon
from kg.nlp.component import StoredData
from kg.schema import ids

DATE_KEY = "kg_date"  # doc.user_data: the article's ISO date, when the pipeline runs without doc_to_graph
_LINKABLE = frozenset({"Person", "Organization", "Group", "GPE", "Location", "Media"})
_SUBJECT = frozenset({"nsubj", "nsubjpass"})


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Capital cities, case folded (countryinfo)."""
    from countryinfo import all_countries

    out = set()
    for c in all_countries():
        cap = c.info().get("capital")
        if isinstance(cap, str) and cap:
            out.add(cap.casefold().removesuffix(" d.c."))  # news says "Washington"
    return frozenset(out)


def _retype(doc: Doc, info: attrs.EntityInfo, kg_type: str) -> attrs.EntityInfo:
    """The entity as ``kg_type``: a new id, joined with an entity already of that id, every reference moved."""
    ents = attrs.get(doc, "kg_entities")
    new_id = ids.entity_id(info.name, kg_type)
    if new_id == info.id:
        return info
    target = ents.get(new_id)
    if target is None:
        target = ents[new_id] = attrs.EntityInfo(new_id, info.name, kg_type, set(info.aliases), dict(info.attrs))
    else:
        target.aliases |= info.aliases
        for k, v in info.attrs.items():
            target.attrs.setdefault(k, v)
    del ents[info.id]
    token_entity = attrs.get(doc, "kg_token_entity")
    for i, eid in token_entity.items():
        if eid == info.id:
            token_entity[i] = new_id
    for m in attrs.get(doc, "kg_mentions"):
        if m.entity_id == info.id:
            m.entity_id = new_id
    return target


def link(doc: Doc, kb: KB, date: str | None = None, trust: bool = False) -> int:
    """Link the Doc's entities to ``kb`` (see the module's notes); the number linked. ``trust``: the
    dictionaries' kinds overrule the English model's types (one's own dictionaries, made for the text)."""
    ents = attrs.get(doc, "kg_entities")
    linked = 0
    for info in list(ents.values()):
        if info.type not in _LINKABLE:
            continue
        actor = None
        for name in (info.name, *sorted(info.aliases)):
            found = kb.actor(name)
            if found is None:
                continue
            if found.kind == "P" and (" " not in name.strip() or info.type in ("GPE", "Location")):
                continue  # a surname alone, or a place that shares a person's name
            if found.kind != "P" and info.type == "Person" and not trust:
                continue  # a person who shares a place's or an organisation's name
            actor = found
            break
        if actor is None:
            continue
        linked += 1
        info.attrs.update(kb.attrs(actor, date))
        if actor.kind == "P" and info.type != "Person":
            info = _retype(doc, info, "Person")
        elif trust and actor.kind != "P" and info.type == "Person":
            info = _retype(doc, info, _KIND_TYPE[actor.kind])
    _metonymy(doc, ents)
    return linked


_KIND_TYPE = {"P": "Person", "C": "GPE", "O": "Organization"}


class NameFinder:
    """The knowledge base's names in a Doc where the English model found no entity, the way PETRARCH
    matches its dictionaries' phrases: longest first, case folded, whole tokens."""

    def __init__(self, kb: KB):
        self.kb = kb
        self.lengths: dict[str, list[int]] = {}
        for name, actor in kb.by_name.items():
            words = name.split()
            if actor is not None and words:
                self.lengths.setdefault(words[0], []).append(len(words))
        for v in self.lengths.values():
            v.sort(reverse=True)

    def __call__(self, doc: Doc) -> int:
        ents = attrs.get(doc, "kg_entities")
        token_entity = attrs.get(doc, "kg_token_entity")
        mentions = attrs.get(doc, "kg_mentions")
        words = [t.lower_ for t in doc]
        added, i = 0, 0
        while i < len(words):
            found = None
            for n in self.lengths.get(words[i], ()) if i not in token_entity else ():
                span = range(i, i + n)
                if i + n <= len(words) and not any(j in token_entity for j in span):
                    actor = self.kb.by_name.get(" ".join(words[i : i + n]))
                    if actor is not None and doc[i].text[:1].isupper():  # a name, not the common word
                        found = (n, actor)
                        break
            if found is None:
                i += 1
                continue
            n, actor = found
            kg_type = _KIND_TYPE.get(actor.kind, "Organization")
            name = doc[i : i + n].text
            eid = ids.entity_id(name, kg_type)
            ents.setdefault(eid, attrs.EntityInfo(eid, name, kg_type))
            mentions.append(attrs.MentionInfo(eid, i, i + n))
            for j in range(i, i + n):
                token_entity[j] = eid
            added += 1
            i += n
        mentions.sort(key=lambda m: m.start)
        return added


def _metonymy(doc: Doc, ents: dict[str, attrs.EntityInfo]) -> None:
    """A capital that is the subject of a speech or event verb ("Moscow said", "Washington accused") stands
    for its country's government."""
    caps = {eid for eid, e in ents.items() if e.attrs.get("country") and e.name.casefold() in capitals()}
    if not caps:
        return
    lex = lexicon.load()
    for m in attrs.get(doc, "kg_mentions"):
        if m.entity_id not in caps:
            continue
        tok = doc[m.end - 1]
        if tok.dep_ in _SUBJECT and (tok.head.lemma_ in lex.quote_cues or tok.head.lemma_ in lex.verbs):
            ents[m.entity_id].attrs["role"] = "GOV"


class ActorKB(StoredData):
    """The component: links entities (:func:`link`) and adds common-noun actors
    (:func:`kg.nlp.agent_actors.add`). Its tables are stored (``actors``, ``agents`` rows) and saved with
    the pipeline."""

    def __init__(self, nlp: Language, name: str, dictionaries: str = ""):
        self.name = name
        self.dictionaries = dictionaries
        self.stored = {}
        self._kb: KB | None = None
        self._names: NameFinder | None = None
        if dictionaries:
            self.set_stored(**folder_rows(dictionaries))

    def restore(self) -> None:
        if "actors" in self.stored:
            self._kb = KB.from_rows(self.stored["actors"], self.stored["agents"])
            self._agents = agent_actors.Matcher(self._kb)
            self._names = NameFinder(self._kb) if self.dictionaries else None

    @property
    def kb(self) -> KB:
        """The knowledge base: from ``initialize``, the configured dictionaries or a saved pipeline, else kg's own."""
        if self._kb is None:
            self.set_stored(**_table_rows(None))
        assert self._kb is not None
        return self._kb

    def initialize(self, get_examples: Callable | None = None, *, nlp=None, tables: str | None = None) -> None:
        self.set_stored(**(folder_rows(self.dictionaries) if self.dictionaries else _table_rows(tables)))

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        _ = self.kb  # the tables in use are saved, kg's own too
        return super().to_bytes(exclude=exclude)

    def to_disk(self, path, *, exclude: Iterable[str] = ()) -> None:
        _ = self.kb
        super().to_disk(path, exclude=exclude)

    def __call__(self, doc: Doc) -> Doc:
        kb = self.kb
        date = doc.user_data.get(DATE_KEY)
        if self._names is not None:
            self._names(doc)
        link(doc, kb, date, trust=bool(self.dictionaries))
        self._agents(doc, date)
        return doc


def _table_rows(folder: str | None) -> dict[str, list]:
    path = Path(folder) if folder else KB_DIR
    return {
        "actors": [list(r) for r in rows(path / "actors.tsv.gz")],
        "agents": [list(r) for r in rows(path / "agents.tsv")],
    }


@Language.factory(
    "kg_actor_kb",
    assigns=["doc._.kg_entities", "doc._.kg_mentions", "doc._.kg_token_entity"],
    requires=["doc._.kg_entities"],
    default_config={"dictionaries": ""},
)
def make_actor_kb(nlp: Language, name: str, dictionaries: str) -> ActorKB:
    return ActorKB(nlp, name, dictionaries)
