"""Common-noun and composite actors from the agents dictionary: "British police", "Kenya's opposition",
"the Russian government", "protesters in Tbilisi", "Syrian Kurds" become entities with a country and a
role, so that events between them can be kept.

- A match is an agent phrase of the dictionary (longest first, case folded) that is no part of an entity
  mention and ends a noun phrase of a parsed sentence (not "police station", "terrorist attack").
- Its country is a country mention right before it ("British police", "Kenya's opposition") or right
  after it with "in"/"of"/"from" ("protesters in Tbilisi"); the country mention joins the new actor's
  mention. A group the English model found ("Kurds") after a country adjective is a composite too.
- A phrase without a country there becomes an actor only for the roles event data codes on their own
  (rebels, armed forces, police, protesters), not narrowed by a word before it ("peacekeeping troops"),
  and only when the text names the country: the one country
  its sentence mentions, else, when the sentence mentions none, the one country the article mentions most
  (twice or more).
- The entity is named "<country> <phrase>" ("United Kingdom police"), an Organization for state roles and
  a Group otherwise, with ``attrs`` ``country``, ``role`` (the code's first three letters) and ``agent``
  (the full code).
"""

from __future__ import annotations

from collections import Counter

import numpy
from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc

from kg.kb.table import KB
from kg.nlp import attrs, countries
from kg.schema import ids

# "opposition" alone, "leaders": the dictionary lists only their compounds ("main opposition",
# "opposition leader"); "Kenya's opposition", "Minsk's leaders" need them on their own
_EXTRA = {"opposition": ("OPP", False), "leader": ("GOV", False), "leaders": ("GOV", False)}
# generic words that name nobody in particular, even with a country ("British people")
_GENERIC = frozenset({"PPL"})
# the phrases event data codes as actors with no country word next to them, the country taken from the text
_BARE = frozenset(
    {
        *("police", "riot police", "rebel", "rebels", "insurgents", "troops", "soldiers", "army"),
        *("government forces", "security forces", "armed forces", "protester", "protesters"),
        *("demonstrator", "demonstrators"),
    }
)
_STATE = frozenset({"GOV", "MIL", "COP", "LEG", "JUD", "SPY", "PTY"})
_AFTER = frozenset({"in", "of", "from"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})


class Matcher:
    """Finds agent actors in a Doc whose entities are resolved and linked (:func:`kg.nlp.actor_kb.link`)."""

    def __init__(self, kb: KB):
        phrases = {**kb.agents, **{p: v for p, v in _EXTRA.items() if p not in kb.agents}}
        # not the phrases an article starts ("the poor"): rare as actors, and "the" starts most noun phrases
        self.phrases = {tuple(p.split()): v for p, v in phrases.items() if p.split()[0] not in ("the", "a", "an")}
        self.longest = max((len(k) for k in self.phrases), default=0)
        self.lengths: dict[str, list[int]] = {}  # first word -> the phrase lengths it starts, longest first
        for k in self.phrases:
            self.lengths.setdefault(k[0], []).append(len(k))
        for v in self.lengths.values():
            v.sort(reverse=True)
        self.first = numpy.array(sorted({get_string_id(k) for k in self.lengths}), dtype="uint64")
        self.names = _country_names(kb)
        self.kb = kb

    def __call__(self, doc: Doc, date: str | None = None) -> int:
        return add(doc, self)


def _country_names(kb: KB) -> dict[str, str]:
    """CAMEO country code -> the name kg gives the country ("GBR" -> "United Kingdom")."""
    out: dict[str, str] = {}
    for code, actor in kb.country_actor.items():
        if not code:
            continue
        for name in actor.names:
            found = countries.lookup(name)
            if found:
                out[code] = found
                break
        else:
            out[code] = actor.names[0].title()
    return out


def add(doc: Doc, m: Matcher) -> int:
    """Add the Doc's agent actors as entities and mentions; the number of mentions added."""
    if not m.longest or not len(doc):
        return 0
    ents = attrs.get(doc, "kg_entities")
    token_entity = attrs.get(doc, "kg_token_entity")
    mentions = attrs.get(doc, "kg_mentions")
    lower = doc.to_array([LOWER]).astype("uint64")
    at = numpy.minimum(numpy.searchsorted(m.first, lower), len(m.first) - 1)
    hits = numpy.flatnonzero(m.first[at] == lower).tolist()  # tokens that start a phrase (sorted look-up)
    country_of = {eid: e.attrs["country"] for eid, e in ents.items() if e.type == "GPE" and e.attrs.get("country")}
    article_country = _dominant(Counter(country_of[x.entity_id] for x in mentions if x.entity_id in country_of))
    by_start = {x.start: x for x in mentions}
    lowers = lower.tolist()  # Python ints: indexing a numpy array makes a numpy scalar each time
    added, after = 0, 0
    for i in hits:
        if i < after or i in token_entity:
            continue
        found = _longest(lowers, i, m, doc.vocab.strings)
        if found is None:
            continue
        end, (code, _before) = found
        if code in _GENERIC or any(j in token_entity for j in range(i, end)) or not _head(doc, end):
            continue
        start, country = _country_before(doc, i, end, token_entity, country_of)
        if country is None:
            if _modified(doc, i):  # "the fee regime in Scotland": the phrase alone is not the actor
                continue
            country = _country_after(doc, end, token_entity, country_of)
        if country is None:
            if " ".join(t.lower_ for t in doc[i:end]) not in _BARE:
                continue
            country = _sentence_country(doc, i, mentions, country_of, article_country)
            if country is None:
                continue
        for j in range(start, i):  # the country word joins the actor's mention
            old = by_start.pop(j, None)
            if old is not None:
                mentions.remove(old)
        words = " ".join(t.lower_ for t in doc[i:end])
        _add_entity(doc, start, end, f"{m.names.get(country, country)} {words}", country, code)
        added += 1
        after = end
    _groups(doc, country_of, m.names)
    _named_groups(doc, m)
    _drop_unmentioned(doc)
    return added


def _longest(lower: list[int], i: int, m: Matcher, strings) -> tuple[int, tuple[str, bool]] | None:
    first = strings[lower[i]]
    lengths = m.lengths.get(first, ())
    words = [first, *(strings[x] for x in lower[i + 1 : i + lengths[0]])] if lengths else []
    for n in lengths:
        v = m.phrases.get(tuple(words[:n])) if n <= len(words) else None
        if v is not None:
            return i + n, v
    return None


def _head(doc: Doc, end: int) -> bool:
    """Whether the phrase ends a noun phrase: its last word a noun, in a parsed sentence, and no noun after
    it that it modifies ("police station", "terrorist laws")."""
    last = doc[end - 1]
    if last.pos_ not in ("NOUN", "PROPN"):
        return False  # also an unparsed sentence ("selected" parse mode), where nothing tells
    return not (end < len(doc) and doc[end].pos_ in ("NOUN", "PROPN") and last.dep_ in ("compound", "amod"))


def _modified(doc: Doc, i: int) -> bool:
    """Whether a word right before the phrase narrows it ("peacekeeping troops") or names whose it is ("our
    armed forces"): then the phrase alone is not the actor."""
    if i == 0:
        return False
    before = doc[i - 1]
    return before.pos_ in ("ADJ", "NOUN", "PROPN") or before.dep_ in ("amod", "compound", "poss")


def _country_before(doc, i, end, token_entity, country_of) -> tuple[int, str | None]:
    """(start of the actor's mention, country) for a country word right before the phrase."""
    j = i - 1
    if j >= 0 and doc[j].lower_ in ("the",):
        j -= 1
    if j >= 0 and doc[j].text in _POSSESSIVE:
        j -= 1
    eid = token_entity.get(j) if j >= 0 else None
    if eid in country_of and i <= doc[j].head.i < end:  # it modifies the phrase, not "in London the government"
        k = j
        while k - 1 >= 0 and token_entity.get(k - 1) == eid:
            k -= 1
        if any(doc[x].lower_ in ("non", "non-") for x in range(max(k - 2, 0), k)):
            return i, None  # "non-British citizens" are anyone's but Britain's
        return k, country_of[eid]
    return i, None


def _country_after(doc, end, token_entity, country_of) -> str | None:
    """The country of "protesters in Tbilisi", "citizens of Switzerland": a place's name (not an adjective,
    "advocate of Turkish membership") after a preposition that attaches to the phrase."""
    if end + 1 >= len(doc) or doc[end].lower_ not in _AFTER or doc[end].head.i != end - 1:
        return None
    eid = token_entity.get(end + 1)
    if eid not in country_of:
        return None
    k = end + 1
    while k + 1 < len(doc) and token_entity.get(k + 1) == eid:
        k += 1
    return country_of[eid] if doc[k].pos_ == "PROPN" and doc[k].head.i == end else None


def _sentence_country(doc, i, mentions, country_of, article_country) -> str | None:
    """The one country the sentence mentions; the article's when it mentions none (several: none)."""
    sent = doc[i].sent
    found = {
        country_of[x.entity_id] for x in mentions if x.entity_id in country_of and sent.start <= x.start < sent.end
    }
    if not found:
        return article_country
    return found.pop() if len(found) == 1 else None


def _dominant(counts: Counter) -> str | None:
    top = counts.most_common(2)
    if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
        return top[0][0]
    return None


def _add_entity(doc: Doc, start: int, end: int, name: str, country: str, code: str) -> None:
    ents = attrs.get(doc, "kg_entities")
    token_entity = attrs.get(doc, "kg_token_entity")
    role = code[:3]
    kg_type = "Organization" if role in _STATE else "Group"
    eid = ids.entity_id(name, kg_type)
    info = ents.setdefault(eid, attrs.EntityInfo(eid, name, kg_type))
    info.attrs.update({"country": country, "role": role, "agent": code})
    surface = doc[start:end].text
    if surface != name:
        info.aliases.add(surface)
    attrs.get(doc, "kg_mentions").append(attrs.MentionInfo(eid, start, end))
    for j in range(start, end):
        token_entity[j] = eid


def _groups(doc: Doc, country_of: dict[str, str], names: dict[str, str]) -> None:
    """ "Syrian Kurds": a group right after a country adjective becomes the country's group."""
    ents = attrs.get(doc, "kg_entities")
    token_entity = attrs.get(doc, "kg_token_entity")
    mentions = attrs.get(doc, "kg_mentions")
    by_start = {x.start: x for x in mentions}
    for x in list(mentions):
        info = ents.get(x.entity_id)
        if info is None or info.type != "Group" or "country" in info.attrs or x.start == 0:
            continue
        before = by_start.get(x.start - 1)
        if before is None or before.entity_id not in country_of or before.end != x.start:
            continue
        country = country_of[before.entity_id]
        name = f"{names.get(country, country)} {info.name}"
        eid = ids.entity_id(name, "Group")
        group = ents.setdefault(eid, attrs.EntityInfo(eid, name, "Group"))
        group.attrs.update({"country": country, **({"role": info.attrs["role"]} if "role" in info.attrs else {})})
        group.aliases.add(doc[before.start : x.end].text)
        mentions.remove(before)
        x.entity_id, x.start = eid, before.start
        for j in range(x.start, x.end):
            token_entity[j] = eid
    mentions.sort(key=lambda x: x.start)


def _named_groups(doc: Doc, m: Matcher) -> None:
    """ "Turkish troops" found by the English model as one group (a country adjective and an agent phrase)
    keeps its name and gets the country and the role; a nation's adjective keeps its own name too
    ("Welsh farmers", never the United Kingdom's)."""
    for info in [e for e in attrs.get(doc, "kg_entities").values() if e.type == "Group" and "country" not in e.attrs]:
        first, *rest = info.name.split()
        actor = m.kb.actor(first) if rest else None
        agent = m.phrases.get(tuple(w.casefold() for w in rest))
        if actor is None or actor.kind != "C" or agent is None:
            continue
        country = m.kb.attrs(actor).get("country")
        if country:
            info.attrs.update({"country": country, "role": agent[0][:3], "agent": agent[0]})


def _drop_unmentioned(doc: Doc) -> None:
    """Entities whose every mention became part of an agent actor's."""
    ents = attrs.get(doc, "kg_entities")
    used = {x.entity_id for x in attrs.get(doc, "kg_mentions")} | set(attrs.get(doc, "kg_token_entity").values())
    for eid in [e for e in ents if e not in used]:
        del ents[eid]
