"""``kg_entities``: document-level entity resolution.

Turns spaCy's entity mentions into one entity per actor in the document:
short and long forms merge ("Healey" joins "John Healey" and takes its PERSON
label, so "Healey"/ORG disappears), titles are stripped, demonyms and country
aliases map to countries (Russian -> Russia, UK/Britain -> United Kingdom),
acronyms in parentheses join their long form, and money/percent mentions are
normalised ("20bn" after "£" becomes "£20bn"; "2.5 per cent" becomes "2.5%").
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable

import numpy
from spacy.attrs import IS_TITLE, ORTH, POS
from spacy.language import Language
from spacy.parts_of_speech import NOUN, PROPN
from spacy.tokens import Doc, Span

from kg.nlp import actors, attrs, countries, lexicon, offices, people
from kg.nlp.component import LexiconUser
from kg.schema import catalogue, ids

_CURRENCY = {"£", "$", "€", "¥"}
_PERCENT_RE = re.compile(r"^\s*([\d.,]+)\s*(?:%|per\s*cent|percent)", re.I)
_ACRONYM_STOP = {"of", "for", "the", "and", "on", "in", "to", "a", "&"}
# a preposition glued to the name by a missing space ("ofNew Labour")
_GLUED = re.compile(r"^(?:of|in|the|and|for|to|at|on|by|from|with)(?=[A-Z][a-z])")


def _clean(span: Span, titles: frozenset[str], strip_titles: bool) -> str:
    words = [t.text for t in span if not t.is_space]
    while words and words[0].lower() in ("the", "a", "an"):
        words.pop(0)
    if words and words[-1] in ("'s", "’s", "'", "’"):
        words.pop()
    if strip_titles:
        while len(words) > 1 and words[0].lower().rstrip(".") in titles:
            words.pop(0)
    text = _GLUED.sub("", " ".join(words))
    return re.sub(r"\s*-\s*", "-", ids.normalise_name(text))


def _quantity(doc: Doc, ent: Span) -> tuple[str, int]:
    """Normalised quantity text and the (possibly extended) start token."""
    start = ent.start
    if start > 0 and doc[start - 1].text in _CURRENCY:
        start -= 1
    m = _PERCENT_RE.match(ent.text)
    if m:
        return m.group(1) + "%", start
    text = "".join(t.text_with_ws for t in doc[start : ent.end]).strip()
    return (text[:-1] if text.endswith(".") and text[-2:-1].isalpha() else text), start  # "£50m." -> "£50m"


def _office_apposition(ent: Span) -> bool:
    """Whether the mention has an office in apposition ("X, the Defence Secretary")."""
    return any(c.dep_ == "appos" and c.ent_type_ == "OFFICE" for c in ent.root.children)


def _names_the_employer(doc: Doc, ent: Span, starts: dict, places: countries.Countries) -> bool:
    """Whether a one-word name the model mistyped (person, nationality, title of a work) names the
    organisation of the post before or after it: "Yukos spokesman Alexander Shadrin", "a spokesman for Crossrail"."""
    if len(ent) != 1 or ent.label_ not in ("PERSON", "NORP", "WORK_OF_ART", "ORG") or not ent[0].is_title:
        return False
    if ent.ent_id_:  # a party
        return False
    # after the post: "a spokesman for Crossrail", "an analyst at Natexis"
    i = ent.start
    if i > 1 and doc[i - 1].lower_ in ("at", "for", "with") and doc[i - 2].ent_type_ == "OFFICE":
        return not places.demonym(ent.text) and not places.lookup(ent.text)
    # before the post, possessive or not: "Yukos chief executive X", "Yukos' founder, X"
    j = ent.end + 1 if ent.end < len(doc) and doc[ent.end].text in ("'s", "’s", "'", "’") else ent.end
    office = starts.get(j)
    if office is None or office.label_ != "OFFICE":
        return False
    holder = starts.get(office.end)
    if holder is None and j > ent.end and office.end < len(doc) and doc[office.end].text == ",":
        holder = starts.get(office.end + 1)
    return (
        holder is not None
        and holder.label_ == "PERSON"
        and not places.demonym(ent.text)
        and not places.lookup(ent.text)
    )


def _join_split_names(doc: Doc, ents: list[Span]) -> list[Span]:
    """One person for two person names the model put side by side with nothing between ("Susilo Bambang"
    + "Yudhoyono"): no sentence names two people that way."""
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label_ == ent.label_ == "PERSON"
            and prev.end == ent.start
            and doc[prev.end - 1].whitespace_
            and not ent[0].is_sent_start
        ):
            out[-1] = Span(doc, prev.start, ent.end, label="PERSON")
        else:
            out.append(ent)
    return out


_ORG_KINDS = ("Organization", "Media", "Group")


def _name_word(tok, in_ent: set[int], starts: dict) -> bool:
    """Whether ``tok`` may begin a name with the untagged word after it: capitalised, no stop word, and no
    entity of its own but a nationality ("Jewish" in "Jewish Chronicle")."""
    alone = tok.i not in in_ent or (tok.i in starts and starts[tok.i].label_ == "NORP" and len(starts[tok.i]) == 1)
    return tok.is_title and tok.is_alpha and not tok.is_stop and alone


def _status_word(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is one of the office ruler's status words ("Former", "New")."""
    return any(s.start <= i < s.end for s in doc.spans.get(offices.STATUS_SPANS, ()))


def _after_title(doc: Doc, start: int, titles: frozenset[str]) -> bool:
    return start > 0 and doc[start - 1].lower_.rstrip(".") in titles


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ACRONYM_STOP).upper()


def _typed(
    doc: Doc, ent: Span, titles: frozenset[str], places: countries.Countries, tables: actors.Tables
) -> tuple[str, str, int] | None:
    """(canonical name, kg type, start token) for a mention, or None to drop it."""
    label = ent.label_
    if label == "ORG" and ent.ent_id_:  # a party (kg_parties): its canonical name
        return ent.ent_id_, "Organization", ent.start
    if label == "OFFICE":
        return (ent.ent_id_ or _clean(ent, titles, False).title()), "Office", ent.start
    if label in ("MONEY", "PERCENT"):
        text, start = _quantity(doc, ent)
        return text, "Quantity", start
    kg_type = "Issue" if label == "ISSUE" else catalogue.load().type_for_ner(label)
    if kg_type is None:
        return None
    name = _clean(ent, titles, strip_titles=(label == "PERSON"))
    if not name:
        return None
    if label == "NORP":
        if len(ent) > 1 and ent[-1].lower_ in tables.communities:
            return name, "Group", ent.start  # "the Pakistani community": a group, not Pakistan
        country = places.demonym(name)
        if country:
            return country, "GPE", ent.start
        if ent.root.tag_ not in ("NNPS", "NNS"):
            return None  # an adjective that names no country ("European")
        return name, "Group", ent.start
    if label == "PERSON" and len(ent) == 1 and ent[0].lower_ not in tables.first_sex:
        country = places.lookup(name)
        if country:
            return country, "GPE", ent.start  # "Across Wales, pickets were held": a country, not a person
    if label == "PERSON" and ent[0].lower_.rstrip(".") in tables.peerage and len(name.split()) == 1:
        return f"{ent[0].text.rstrip('.')} {name}", kg_type, ent.start  # "Lord Roberts" is a name of its own
    if label in ("GPE", "LOC", "ORG", "FAC"):
        country = places.lookup(name)
        if country:
            return country, "GPE", ent.start
        if kg_type == "Organization" and name.casefold() in tables.long_forms:
            return tables.long_forms[name.casefold()], kg_type, ent.start  # "EU" is the European Union
        if _office_apposition(ent) and 2 <= len(name.split()) <= 4:
            # "Kemi Badenoch, the Leader of the Opposition": whoever holds an office is a person
            return _clean(ent, titles, strip_titles=True), "Person", ent.start
    return name, kg_type, ent.start


def resolve_entities(
    doc: Doc,
    titles: frozenset[str] | None = None,
    places: countries.Countries | None = None,
    tables: actors.Tables | None = None,
) -> tuple[dict[str, attrs.EntityInfo], dict[int, str], list[attrs.MentionInfo]]:
    """The document's entities (id -> :class:`~kg.nlp.attrs.EntityInfo`), the entity of each token in a
    mention, and the mentions, from ``doc.ents`` (repaired first by :func:`kg.nlp.actors.repair`, which
    sets ``doc.ents``); ``titles`` (stripped from names) default to the lexicon's, ``places`` to kg's
    country tables, ``tables`` to kg's actor tables."""
    titles = lexicon.load().titles if titles is None else titles
    places = places or countries.default()
    tables = tables or actors.default()
    mentions: list[tuple[int, int, str, str, str]] = []  # start, end, name, type, ner label
    ents = _join_split_names(doc, actors.repair(doc, tables, places))
    ents = [e for e in ents if e.label_ != "OFFICE" or not offices.inside_a_name(e)]  # "producer price index"
    doc.ents = ents
    in_ent = {i for ent in ents for i in range(ent.start, ent.end)}
    title_of: dict[int, str] = {}  # mention start -> the personal title it starts with ("Mrs")
    bare: set[int] = set()  # starts of person mentions with no title at all
    starts = {e.start: e for e in ents}
    employers: set[str] = set()  # one-word names that employ the holder of a post next to them
    untagged: set[int] = set()  # indices of the mentions of names the model left untagged before a post
    for ent in ents:
        typed = _typed(doc, ent, titles, places, tables)
        if _names_the_employer(doc, ent, starts, places):
            typed = (ent.text, "Organization", ent.start)
            employers.add(ent.text.casefold())
        if typed:
            name, kg_type, start = typed
            party = ent.ent_id_ and ent.label_ == "ORG"
            mentions.append((start, ent.end, name, kg_type, "PARTY" if party else ent.label_))
            if kg_type == "Person" and tables.title_sex(ent[0].text):
                title_of[start] = ent[0].text.rstrip(".")
            elif kg_type == "Person" and ent[0].text == name.split()[0] and not _after_title(doc, start, titles):
                bare.add(start)
        # "Labour MPs", "SNP leader": a capitalised proper noun the model left untagged
        # in front of an office names the organisation the office belongs to
        i = ent.start - 1
        # a nationality may start the sentence ("Turkmen President X"); any other capitalised word there may
        # be capitalised only for that
        country = places.demonym(doc[i].text) if ent.label_ == "OFFICE" and i >= 0 else None
        if (
            ent.label_ == "OFFICE"
            and i >= 0
            and i not in in_ent
            and (doc[i].pos_ == "PROPN" or (doc[i].pos_ == "ADJ" and (country or not _status_word(doc, i))))
            and doc[i].text[:1].isupper()
            and (country or not doc[i].is_sent_start)
            and not tables.not_owner(doc[i].text)
        ):
            j = i  # the capitalised words of the same name before it ("Jewish Chronicle editor")
            while not country and j > doc[i].sent.start and _name_word(doc[j - 1], in_ent, starts):
                j -= 1
                if j - 2 >= doc[i].sent.start and offices.body_of(doc, j):
                    j -= 2  # "Association of" + "Chief Police Officers"
            name = doc[j : i + 1].text
            mentions.append((i, i + 1, country, "GPE", "GPE") if country else (j, i + 1, name, "Organization", "ORG"))
            untagged.add(len(mentions) - 1)
            if not country and ent.end in starts and starts[ent.end].label_ == "PERSON":
                employers.add(name.casefold())
    # an untagged name before a post is of the kind its tagged mentions are ("Jewish Chronicle": media)
    kinds = {m[2].casefold(): m[3] for k, m in enumerate(mentions) if k not in untagged and m[3] in _ORG_KINDS}
    mentions = [
        (*m[:3], kinds.get(m[2].casefold(), m[3]), *m[4:]) if k in untagged else m for k, m in enumerate(mentions)
    ]
    mentions = people.retype(sorted(mentions), title_of, places.lookup)
    persons = people.People(mentions, title_of, tables, bare)

    # Label voting per name: a name seen as PERSON anywhere is a person.
    votes: dict[str, Counter] = defaultdict(Counter)
    for _, _, name, kg_type, _ in mentions:
        votes[name.casefold()][kg_type] += 1

    # names a title or a given name makes a person's ("Mr Blair", "Tony Blair")
    personal = {n.casefold() for s, _, n, t, _ in mentions if t == "Person" and s in title_of}
    personal |= {n.split()[-1].casefold() for _, _, n, t, _ in mentions if t == "Person" and " " in n}

    def canonical(name: str, kg_type: str, start: int) -> tuple[str, str]:
        if kg_type in ("Person", "Organization", "Group") and " " not in name:
            found = persons.surname(name, kg_type, title_of.get(start), start in bare)
            if found:
                return found, "Person"
        if kg_type == "Person" and start in title_of and name.split()[0] == title_of[start]:
            found = persons.peer(name)
            if found:
                return found, "Person"
        v = votes[name.casefold()]
        # "Yukos chief executive X": a name that employs someone and that no title or given name makes a
        # person's is an organisation, wherever else the model took it for a person
        employer = name.casefold() in employers and name.casefold() not in personal
        if kg_type in ("Organization", "Group") and v["Person"] > 0 and not employer:
            return name, "Person"
        if kg_type == "Person" and employer:
            return name, "Organization"
        if " " in name and kg_type == "Person":
            # "Donald J. Trump" -> "Donald Trump" when that is the surname's only full form
            fulls = persons.full_by_surname.get(name.split()[-1].casefold(), set())
            shortest = min(fulls, key=len) if fulls else name
            if shortest.split()[0] == name.split()[0]:
                return shortest, "Person"
        return name, kg_type

    entities: dict[str, attrs.EntityInfo] = {}
    token_entity: dict[int, str] = {}
    text, (char_start, char_end) = attrs.text(doc), attrs.char_bounds(doc)
    out_mentions: list[attrs.MentionInfo] = []
    for start, end, name, kg_type, label in mentions:
        cname, ctype = (name, kg_type) if label == "PARTY" else canonical(name, kg_type, start)
        # a mention's span is the name itself: no leading article, no possessive
        while end - start > 1 and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end - start > 1 and doc[end - 1].text in ("'s", "’s", "'", "’"):
            end -= 1
        eid = ids.entity_id(cname, ctype)
        info = entities.setdefault(eid, attrs.EntityInfo(eid, cname, ctype))
        surface = text[char_start[start] : char_end[end - 1]]  # doc[start:end].text
        if surface != cname:
            info.aliases.add(surface)
        out_mentions.append(attrs.MentionInfo(eid, start, end))
        for i in range(start, end):
            token_entity[i] = eid

    _acronyms(doc, entities, token_entity, out_mentions)
    _propagate(doc, entities, token_entity, out_mentions)
    return entities, token_entity, out_mentions


def _propagate(doc, entities, token_entity, mentions) -> None:
    """Proper nouns the model missed that repeat a name already found ("Healey" after
    "John Healey", "Labour" in "Two Labour MPs") become mentions of that entity."""
    index: dict[tuple[str, ...], str] = {}
    people = {e.id for e in entities.values() if e.type == "Person"}
    for e in entities.values():
        if e.type in ("Quantity", "Office"):
            continue
        for form in (e.name, *e.aliases):
            index.setdefault(tuple(form.casefold().split()), e.id)
        if e.type == "Person" and " " in e.name:
            index.setdefault((e.name.split()[-1].casefold(),), e.id)
    if not index:
        return
    longest = max(len(k) for k in index)
    # candidates: a proper noun, or a capitalised word the tagger took for a common noun ("Starmer
    # replied"), which then has to repeat a person's name
    arr = doc.to_array([POS, IS_TITLE, ORTH])
    pos = arr[:, 0]
    nouns = (pos == NOUN) & (arr[:, 1] != 0)
    strings = doc.vocab.strings
    folded: dict[int, str] = {}

    def word(j: int) -> str:
        w = folded.get(j)
        if w is None:
            w = folded[j] = strings[int(arr[j, 2])].casefold()
        return w

    n_doc, after = len(doc), 0  # after: the first token not inside a mention found here
    for i in numpy.flatnonzero((pos == PROPN) | nouns).tolist():
        if i < after or i in token_entity:
            continue
        noun = bool(nouns[i])
        for n in range(min(longest, n_doc - i), 0, -1):
            eid = index.get(tuple(word(j) for j in range(i, i + n)))
            if eid and noun and eid not in people:
                continue
            if eid and not any(j in token_entity for j in range(i, i + n)):
                mentions.append(attrs.MentionInfo(eid, i, i + n))
                for j in range(i, i + n):
                    token_entity[j] = eid
                after = i + n
                break
    mentions.sort(key=lambda m: m.start)


def _acronyms(doc, entities, token_entity, mentions) -> None:
    """'Long Name (LN)': the acronym mention joins the long form's entity."""
    by_start = {m.start: m for m in mentions}
    text, (char_start, char_end) = attrs.text(doc), attrs.char_bounds(doc)

    def word(i: int) -> str:
        return text[char_start[i] : char_end[i]]

    for m in list(mentions):
        j = m.end
        if j + 2 < len(doc) and word(j) == "(" and word(j + 2) == ")" and doc[j + 1].is_upper:
            acro = doc[j + 1].text
            long = entities[m.entity_id]
            if _initials(long.name) != acro:
                continue
            other = by_start.get(j + 1)
            if other is not None:
                other.entity_id = m.entity_id
            else:
                mentions.append(attrs.MentionInfo(m.entity_id, j + 1, j + 2))
            token_entity[j + 1] = m.entity_id
            long.aliases.add(acro)
    # drop entities whose every mention moved
    used = {m.entity_id for m in mentions}
    for eid in [e for e in entities if e not in used]:
        del entities[eid]
    # mentions of the same acronym elsewhere in the text
    acro_map = {a: e.id for e in entities.values() for a in e.aliases if a.isupper() and len(a) >= 2}
    for m in mentions if acro_map else ():
        surface = text[char_start[m.start] : char_end[m.end - 1]]  # doc[m.start:m.end].text
        if surface in acro_map and m.entity_id != acro_map[surface]:
            old = m.entity_id
            m.entity_id = acro_map[surface]
            for i in range(m.start, m.end):
                token_entity[i] = m.entity_id
            if all(x.entity_id != old for x in mentions):
                entities.pop(old, None)


class EntityResolver(LexiconUser):
    """Resolve entity mentions within one document (:func:`resolve_entities`). Assigns
    ``doc._.kg_entities``, ``doc._.kg_token_entity`` and ``doc._.kg_mentions`` and repairs ``doc.ents``.
    Its country tables come from ``initialize(countries=path)`` (kg's ``pipelines/countries.toml`` and
    countryinfo), its actor tables from ``initialize(actors=path)`` (kg's ``pipelines/actors.toml``)."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        self._places: countries.Countries | None = None
        self._actors: actors.Tables | None = None
        super().__init__()

    def restore(self) -> None:
        super().restore()
        if "countries" in self.stored:
            self._places = countries.Countries(self.stored["countries"])
        if "actors" in self.stored:
            self._actors = actors.Tables(self.stored["actors"])

    @property
    def places(self) -> countries.Countries:
        """The country tables: from ``initialize`` or a saved pipeline, else kg's own (loaded when used)."""
        if self._places is None:
            self.set_stored(countries=countries.default().data)
        assert self._places is not None  # set_stored's restore() made the tables
        return self._places

    @property
    def actor_tables(self) -> actors.Tables:
        """The actor tables: from ``initialize`` or a saved pipeline, else kg's own."""
        if self._actors is None:
            self.set_stored(actors=actors.default().data)
        assert self._actors is not None
        return self._actors

    def to_bytes(self, *, exclude=()) -> bytes:
        _ = self.places, self.actor_tables  # the tables in use are saved, kg's own too
        return super().to_bytes(exclude=exclude)

    def to_disk(self, path, *, exclude=()) -> None:
        _ = self.places, self.actor_tables  # the tables in use are saved, kg's own too
        super().to_disk(path, exclude=exclude)

    def initialize(
        self,
        get_examples: Callable | None = None,
        *,
        nlp=None,
        lexicon: str | None = None,
        countries: str | None = None,
        actors: str | None = None,
    ) -> None:
        super().initialize(get_examples, nlp=nlp, lexicon=lexicon)
        self.set_stored(countries=_country_tables(countries), actors=_actor_tables(actors))

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_entities, doc._.kg_token_entity, doc._.kg_mentions = resolve_entities(
            doc, self.lex.titles, self.places, self.actor_tables
        )
        return doc


def _country_tables(path: str | None) -> dict:
    return countries.default().data if path is None else countries.tables(path)


def _actor_tables(path: str | None) -> dict:
    return actors.default().data if path is None else actors.read(path)


@Language.factory(
    "kg_entities", assigns=["doc._.kg_entities", "doc._.kg_token_entity", "doc._.kg_mentions"], requires=["doc.ents"]
)
def make_entity_resolver(nlp: Language, name: str) -> EntityResolver:
    return EntityResolver(nlp, name)
