"""Who acts on whom in the interaction and stance relations (supports, criticises, accuses, calls_on ...).

An interaction feeds the alliance network, so its two sides must be actors the sentence names:

- subjects: the entity itself, or the organisation or country an institution noun speaks for ("British
  officials", "the Labour government"), never the one modifying a person ("a Highland councillor",
  "Labour backbenchers") or an abstract noun ("Mr Blair's view"); a law or a disaster is no actor;
- objects: an entity; for a bare common noun ("the proposals", "the idea"), the issue its complement
  names ("plans to introduce ID cards": ID cards; "plans to scrap fees": the opposite stance on fees) or
  its owner ("backed Mr Howard's stance": Michael Howard), else nothing; rejecting a claim ("rejected
  the idea that ...") is a denial, not a stance; an office without its holder is left out;
- verbal conflict: "attack" names criticism unless the attacker is armed or two countries fight;
- modality: a relation in a clause under a claim or a rumour is reported, one in an if-clause possible.

The word lists are the ``[interactions]`` section of the cue lexicon (``pipelines/lexicon.toml``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from kg.nlp import attrs, countries
from kg.schema import catalogue

_MODIFIERS = ("compound", "poss", "amod", "nmod")
# the links from a clause up to what governs it (not "conj": a coordinated clause is said on its own)
_CLAUSES = ("ccomp", "acl", "relcl", "advcl", "xcomp", "pcomp", "prep", "pobj", "dobj")


@dataclass(frozen=True)
class Words:
    vague: frozenset[str]
    owned: frozenset[str]
    claims: frozenset[str]
    denials: frozenset[str]
    with_complement: frozenset[str]
    wants: frozenset[str]
    promote: frozenset[str]
    demote: frozenset[str]
    generic: frozenset[str]
    institutions: frozenset[str]
    undergo: frozenset[str]
    agree: frozenset[str]
    reported: frozenset[str]  # verbs and adverbs
    reported_nouns: frozenset[str]
    not_actors: frozenset[str]
    asks_with_clause: frozenset[str]
    not_issues: frozenset[str]
    kin: frozenset[str]
    personal: frozenset[str]  # relations that a meeting with one's family is not
    reported_passives: frozenset[str]
    letters: frozenset[str]
    requests: frozenset[str]
    verbal: dict[str, str]  # material-conflict relation -> the criticism it names when verbal
    verbal_triggers: frozenset[str]
    armed: frozenset[str]  # heads of an attacker's noun phrase that make an attack material
    material: frozenset[str]  # words of a sentence that make an attack material
    offers: frozenset[str]  # nouns of offers, named with whose offer they are ("a takeover offer from X")
    sources: frozenset[str]  # unnamed sources and reports whose word a clause under them is ("sources said")
    planned: frozenset[str]  # governors and modifiers that make an event noun planned, not done
    times: frozenset[str]  # nouns of time ("for some time"), which name nothing wanted
    actor_types: frozenset[str]  # entity types that may act in an interaction (the catalogue's domains)


def words(data: dict) -> Words:
    """The word lists from the lexicon's data (``lexicon.read()``), relations checked against the catalogue."""
    sec = data.get("interactions", {})
    verbal = dict(sec.get("verbal", {}))
    lists = {k: verbal.pop(k, []) for k in ("triggers", "armed", "material")}
    cat = catalogue.load()
    for rel, to in verbal.items():
        if rel not in cat.relations or to not in cat.relations:
            raise catalogue.CatalogueError(f"[interactions.verbal] {rel} = {to!r}: not relations of the catalogue")

    def fs(key: str) -> frozenset[str]:
        return frozenset(sec.get(key, ()))

    return Words(
        vague=fs("vague"),
        owned=fs("owned"),
        claims=fs("claims"),
        denials=fs("denials"),
        with_complement=fs("with_complement"),
        wants=fs("wants"),
        promote=fs("promote"),
        demote=fs("demote"),
        generic=fs("generic_adjectives"),
        institutions=fs("institutions"),
        undergo=fs("undergo"),
        agree=fs("agree"),
        reported=fs("reported"),
        reported_nouns=fs("reported_nouns"),
        not_actors=fs("not_actors"),
        asks_with_clause=fs("asks_with_clause"),
        not_issues=fs("not_issues"),
        kin=fs("kin"),
        personal=fs("not_with_kin"),
        reported_passives=fs("reported_passives"),
        letters=fs("letters"),
        requests=fs("requests"),
        verbal=verbal,
        verbal_triggers=frozenset(lists["triggers"]),
        armed=frozenset(lists["armed"]),
        material=frozenset(lists["material"]),
        planned=fs("planned"),
        sources=fs("sources"),
        offers=fs("offers"),
        times=fs("times"),
        actor_types=frozenset(
            t
            for t in cat.entity_types
            if any(is_interaction(r) and r.domain is not None and r.allows(t, "Person") for r in cat.relations.values())
        ),
    )


def is_interaction(rtype: catalogue.RelationType) -> bool:
    return bool(rtype.cameo or rtype.stance)


OPPOSITE = {"supports": "opposes", "opposes": "supports"}


def _country_word(word: str) -> bool:
    return bool(countries.lookup(word) or countries.demonym(word))


# offices held for a seat: the place beside them is a constituency
_SEATED = frozenset({"mp", "msp", "mep", "am", "mla", "member", "councillor", "candidate"})


# quantifiers of a plural noun that make it a part of the group it names ("some Tories", "many EU ministers")
_PART_OF = frozenset({"some", "many", "several", "few", "most", "various", "numerous", "other", "dozens", "hundreds"})


def _some_of(tok: Token) -> bool:
    """A plural noun phrase naming only some members of a party or body: "some Tories", "many EU
    ministers", "two Labour MPs", "a few Lib Dems"."""
    if tok.tag_ not in ("NNS", "NNPS"):
        return False
    return any(
        (c.dep_ in ("det", "amod", "nummod", "quantmod") and (c.lower_ in _PART_OF or c.like_num)) for c in tok.children
    )


class Sides:
    """The subject and object rules over one Doc (``ents``: its ``kg_entities``)."""

    def __init__(self, doc: Doc, ents: dict[str, attrs.EntityInfo], w: Words, triggers: frozenset[str] = frozenset()):
        self.doc = doc
        self.ents = ents
        self.w = w
        self.triggers = triggers  # verbs with relations of their own, which name no issue

    def actor(self, eid: str | None) -> str | None:
        info = self.ents.get(eid) if eid else None
        if info is None or info.type not in self.w.actor_types:
            return None
        last = info.name.lower().replace("-", " ").split()[-1:] or [""]
        return None if last[0] in self.w.not_actors else eid

    def guessed(self, tok: Token, eid: str) -> bool:
        """A common-noun actor whose country the text does not name at the mention ("the police", read
        as "United Kingdom police"): which force or body it is stays unknown, so it is no side."""
        info = self.ents.get(eid)
        if info is None or "agent" not in info.attrs:
            return False
        spans = [m for m in self.doc._.kg_mentions or () if m.entity_id == eid and m.start <= tok.i < m.end]
        if not spans:
            return False
        for t in self.doc[spans[0].start : spans[0].end]:
            for c in t.children:
                named = any(attrs.entity_of(self.doc, o.i) for o in c.children)
                if c.dep_ == "prep" and c.lower_ in ("in", "of", "from") and named:
                    return False  # "leaders in Baghdad": the text names where they are from
        return all(
            t.is_lower or t.pos_ in ("DET", "PRON") or (t.is_sent_start and not _country_word(t.text))
            for m in spans
            for t in self.doc[m.start : m.end]
        )

    def _entity(self, i: int) -> str | None:
        """The entity of a token other than an Issue this component made (whose words stay free)."""
        eid = attrs.entity_of(self.doc, i)
        info = self.ents.get(eid) if eid else None
        return eid if info is not None and info.type != "Issue" else None

    # -- subjects ---------------------------------------------------------------------------

    def subject(self, tok: Token) -> str | None:
        """The actor a subject token names: its entity, or the one an institution noun speaks for."""
        eid = attrs.entity_of(self.doc, tok.i)
        compared = tok.i > 0 and self.doc[tok.i - 1].lower_ in ("like", "unlike")  # "Like Labour, the Lib Dems ..."
        if _some_of(tok):
            return None  # "Some Tories", "many EU ministers": a group within the party or body, not it
        if eid and not compared:
            if self.guessed(tok, eid):
                return None
            info = self.ents.get(eid)
            if self.actor(eid) is None and info is not None and info.type == "Office":
                # "The US commander in Iraq, General David Petraeus, held talks": the holder named
                # beside the office, else its owner ("Iraq's national security advisor met")
                named = self._named(tok)
                return named[0][1] if named else self._owner(tok)
            return self.actor(eid)
        named = self._named(tok)
        return named[0][1] if named else self._institution(tok)

    def _owner(self, tok: Token) -> str | None:
        """The actor owning an office: "Iraq's advisor", "the US commander", "the ambassadors of Arnor"
        (a member's place is the seat, not who the member acts for: "the Glasgow Kelvin MP"; nor is
        the party the act of some of its members: "Labour MPs criticised" is no act of Labour)."""
        seated = tok.lemma_.lower() in _SEATED
        for c in tok.children:
            owners = []
            if c.dep_ in ("poss", "compound", "amod", "nmod") and c.pos_ != "PRON":
                owners = [c]
            elif c.dep_ == "prep" and c.lower_ == "of":
                owners = [o for o in c.children if o.dep_ == "pobj"]
            for o in owners:
                eid = self.actor(attrs.entity_of(self.doc, o.i))
                if eid and not seated:
                    return eid
        return None

    def _named(self, tok: Token, depth: int = 0) -> list[tuple[Token, str]]:
        """The actors in apposition: "Labour's election chief Alan Milburn", "his Israeli counterpart,
        Ariel Sharon, and the Palestinian leader, Mahmoud Abbas" (the parser hangs the second on the first)."""
        out = []
        for c in tok.children:
            if c.dep_ != "appos" or depth > 2:
                continue
            for t in (c, *c.conjuncts):
                if eid := self.actor(attrs.entity_of(self.doc, t.i)):
                    out.append((t, eid))
                else:
                    out += self._named(t, depth + 1)
        return out

    # -- objects ----------------------------------------------------------------------------

    def objects(self, tok: Token, rel: str, rtype: catalogue.RelationType, trigger: Token, issue) -> list:
        """(token, entity id, relation) for each thing an object token stands for; ``issue(start,
        end, name)`` makes an Issue entity for a stance on something that is no entity."""
        doc = self.doc
        if rel in self.w.personal and any(t.lemma_.lower() in self.w.kin for t in (tok, tok.head, *tok.children)):
            return []  # "met his future wife Glenys"
        eid = attrs.entity_of(doc, tok.i)
        info = self.ents.get(eid) if eid else None
        if info is not None and info.type not in ("Issue", "Office"):
            return [(tok, eid, rel)] if info.type != "Quantity" and not self.guessed(tok, eid or "") else []
        if named := self._named(tok):
            # "his Israeli counterpart, Ariel Sharon, and the Palestinian leader, Mahmoud Abbas"
            return [(t, o, rel) for t, o in named]
        if inst := self._institution(tok):
            return [(tok, inst, rel)]  # "met British officials"
        if info is not None and info.type == "Office":
            return []  # "praised his chancellor": the holder, which coreference did not find, is the object
        if tok.pos_ == "VERB":
            return self._action(tok, rel, rtype, issue, None) if rtype.stance else []
        if tok.pos_ not in ("NOUN", "PROPN"):
            return []
        lemma = tok.lemma_.lower()
        if trigger.lemma_ in self.w.denials and lemma in self.w.claims:
            return []  # "rejected the idea that ...", "rejected allegations": a denial
        owners = self._owners(tok)
        if not rtype.stance:
            # "praised Lord Scarman's ability to listen", "attacked Labour's plans": the owner is judged
            return [(t, o, rel) for t, o in owners if t.dep_ == "poss" or lemma in self.w.owned]
        name = self.issue_name(tok)
        if name and name[2] not in self.w.vague and name[2].rstrip("s") not in self.w.vague:
            out = [(tok, issue(*name), rel)]  # "backed stem cell research", "Lebed's peace plan"
        else:
            out = self._complement(tok, rel, rtype, issue)
        if lemma in self.w.owned:
            out += [(t, o, rel) for t, o in owners]
        return out

    def _vague(self, tok: Token) -> bool:
        """A bare common noun that names no issue ("the proposals"), not one with a topic ("immigration
        proposals", "the Iraq war")."""
        if tok.lemma_.lower() not in self.w.vague:
            return False
        for c in tok.lefts:
            # a topic ("immigration proposals", "anti-terror legislation", "the Iraq war"); not a name,
            # which is an owner ("Tory plans")
            if c.dep_ in ("compound", "nmod", "amod") and c.lower_ not in self.w.generic:
                eid = self._entity(c.i)
                if (c.pos_ in ("NOUN", "ADJ") and eid is None) or (eid and tok.lemma_.lower() not in self.w.owned):
                    return False
        return True

    def _owners(self, tok: Token) -> list[tuple[Token, str]]:
        """The actors owning a noun: "Labour's plans", "Tory plans", "a plea by Lord Falconer", "the
        candidacy of Massimo D'Alema"."""
        out = []
        for c in tok.children:
            if c.dep_ in _MODIFIERS:
                cands = [c]
            elif c.dep_ == "prep" and (c.lower_ == "by" or (c.lower_ == "of" and tok.lemma_.lower() in self.w.owned)):
                cands = [p for p in c.children if p.dep_ == "pobj"]
            else:
                continue
            if c.lower_ == "their":
                continue  # a plural pronoun's referent is too often guessed wrong to stand for an owner
            for t in cands:
                if eid := self.actor(attrs.entity_of(self.doc, t.i)):
                    out.append((t, eid))
        return out

    def _institution(self, tok: Token) -> str | None:
        """The organisation or country an institution noun speaks for ("British officials", "his EU
        counterparts", "their party"), not a person ("his officials")."""
        if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in self.w.institutions:
            return None
        mods = sorted((c for c in tok.children if c.dep_ in _MODIFIERS), key=lambda c: c.pos_ == "PRON")
        for c in mods:
            eid = self.actor(attrs.entity_of(self.doc, c.i))
            if eid and (c.pos_ != "PRON" or self.ents[eid].type != "Person"):
                return eid
        return None

    def _complement(self, tok: Token, rel: str, rtype, issue) -> list:
        """The issue a vague noun's complement names: "plans to introduce ID cards", "a call for a
        quota", "a ban on hunting"."""
        lemma = tok.lemma_.lower()
        for c in tok.children:
            if (
                c.dep_ in ("acl", "relcl")
                and c.pos_ == "VERB"
                and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
            ):
                return self._action(c, rel, rtype, issue, c)
            if c.dep_ != "prep" or c.lower_ != "for" or lemma not in self.w.wants:
                continue
            for p in c.children:
                if p.dep_ == "pcomp" and p.pos_ == "VERB":
                    return self._action(p, rel, rtype, issue, p)  # "calls for scrapping the tax"
                if p.dep_ != "pobj" or self.is_time(p):
                    continue  # "opposed the bid for some time"
                if eid := self.actor(attrs.entity_of(self.doc, p.i)):
                    return [(p, eid, rel)] if rtype.allows("Person", self.ents[eid].type) else []
                if name := self.issue_name(p):
                    return [(p, issue(*name), rel)]
        if lemma in self.w.with_complement and (name := self.issue_name(tok)):
            return [(tok, issue(*name), rel)]  # "a ban on hunting"
        return []

    def is_time(self, tok: Token) -> bool:
        """A noun of time ("for some time", "for years", "on Monday"), which names no issue."""
        return tok.ent_type_ in ("DATE", "TIME") or tok.lemma_.lower() in self.w.times

    def planned(self, noun: Token) -> bool:
        """An event noun that is only planned: "the meeting is scheduled for Friday", "trying to arrange a
        meeting", "a planned visit", "the talks are expected to ..."."""
        if any(c.dep_ in ("amod", "compound") and c.lemma_.lower() in self.w.planned for c in noun.lefts):
            return True
        if any(c.dep_ in ("amod", "compound") and c.lower_ in self.w.planned for c in noun.lefts):
            return True
        gov = noun.head
        return (
            noun.dep_ in ("dobj", "nsubj", "nsubjpass")
            and gov.pos_ in ("VERB", "AUX", "ADJ")
            and gov.lemma_.lower() in self.w.planned
        )

    def arranged(self, verb: Token) -> bool:
        """A present progressive with a day ahead, which news uses for what is arranged, not done: "is
        meeting Ms Furse on Thursday", "are visiting Paris next week"."""
        if verb.tag_ != "VBG" or not any(c.dep_ == "aux" and c.lower_ in ("is", "are", "am") for c in verb.children):
            return False
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tomorrow", "next")
        when = [c for c in verb.children if c.dep_ == "npadvmod"]
        when += [
            p for c in verb.children if c.dep_ == "prep" and c.lower_ == "on" for p in c.children if p.dep_ == "pobj"
        ]
        return any(t.lower_ in days for w in when for t in w.subtree)

    def issue_name(self, tok: Token) -> tuple[int, int, str] | None:
        """:meth:`name` of a noun that is not vague, with what it is on ("a quota on economic migrants",
        "capital gains tax on home sales"); a vague one that takes a complement is named with it ("a ban
        on hunting", "use of wire-tap evidence", "an inquiry into the Iraq war")."""
        vague = self._vague(tok)
        if vague and tok.lemma_.lower() not in self.w.with_complement:
            return None
        if tok.lemma_.lower() in self.w.not_issues:
            return None  # "backed security chief Alexander Lebed's peace plan" (a misparse)
        head = self.name(tok)
        if head is None:
            return None
        if titled := self._title(tok):
            return titled  # "the Prevention of Terrorism Bill"
        # an act named by a noun in -ing is named with what it acts on ("a lowering of the voting age")
        vague = vague or (
            tok.tag_ == "NN" and tok.lower_.endswith("ing") and any(c.lower_ == "of" for c in tok.children)
        )
        bare = head[1] - head[0] == 1  # one word: named with its complement ("entry into the WTO")
        preps = (
            ("on", "of", "into", "in", "against") if vague else ("on", "of", "into", "in", "for") if bare else ("on",)
        )
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ in preps:
                for p in c.children:
                    if (
                        p.dep_ == "pobj"
                        and not self.is_time(p)  # "on Monday", "for some time"
                        and (vague or bare or p.pos_ == "NOUN")
                        and not self._vague(p)
                        and (inner := self.name(p, entities=vague or bare))
                    ):
                        return head[0], inner[1], f"{head[2]} {c.lower_} {inner[2]}"
        if tok.lemma_.lower() in self.w.offers:
            # "rejected a takeover offer from Foster's": whose offer is part of what is rejected
            for p in (p for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "by") for p in c.children):
                if p.dep_ == "pobj" and (eid := self.actor(attrs.entity_of(self.doc, p.i))):
                    return head[0], head[1], f"{head[2]} from {self.ents[eid].name}".replace(" 's", "'s")
        if bare and any(
            c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in tok.children
        ):
            return None  # "to support the cause": which one the sentence does not say
        return None if vague else head

    def _title(self, tok: Token) -> tuple[int, int, str] | None:
        """The title of a law or a text the entity recogniser missed, from a capitalised word in the
        middle of a sentence ("opposition to the Prevention of Terrorism Bill")."""
        doc = self.doc
        if tok.pos_ != "PROPN" or not tok.is_title or tok.is_sent_start or self._entity(tok.i):
            return None
        end = tok.i + 1
        while end < len(doc) and (doc[end].is_title or doc[end].lower_ in ("of", "the", "and", "for", "on")):
            end += 1
        while end > tok.i + 1 and not doc[end - 1].is_title:
            end -= 1
        if end == tok.i + 1:
            return None
        return tok.i, end, doc[tok.i : end].text

    def _action(self, verb: Token, rel: str, rtype, issue, via: Token | None) -> list:
        """A stance on doing something is a stance on what it acts on, the same way for a verb that
        promotes it ("opposes giving CSOs powers"), the other way for one that does away with it
        ("opposition to lifting the ban"); for another verb, through a plan (``via``), on the act
        ("the move to raise the minimum wage")."""
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        if not objs:
            return []
        lemma = verb.lemma_.lower()
        obj = objs[0]
        if any(c.dep_ == "neg" for c in verb.children):
            return []  # "his decision not to release the suspects"
        if any(c.dep_ == "poss" and c.pos_ == "PRON" for c in obj.children):
            return []  # "keen to protect their profit margins": its own interest, not a stance on an issue
        phrase = False  # the issue is the whole act
        if lemma in self.w.demote and rel in OPPOSITE:
            rel = OPPOSITE[rel]
        elif lemma not in self.w.promote:
            if via is None or lemma in self.triggers or any(c.dep_ in ("neg", "prt") for c in verb.children):
                return []
            phrase = True
        actor = self.actor(attrs.entity_of(self.doc, obj.i))
        if actor:
            return [] if phrase else [(obj, actor, rel)]
        if obj.pos_ not in ("NOUN", "PROPN"):
            return []
        name = self.issue_name(obj)
        if name and phrase:
            name = (min(verb.i, name[0]), max(verb.i + 1, name[1]), f"{lemma} {name[2]}")
        return [(obj, issue(*name), rel)] if name else []

    def name(self, tok: Token, entities: bool = False) -> tuple[int, int, str] | None:
        """(first token, end token, name) of the issue a noun names: the noun with its classifying
        modifiers ("stem cell research", "peacekeeping troops"), not evaluative ones ("controversial").
        With ``entities``, modifiers that are entities belong to it ("the Iraq war")."""
        doc = self.doc
        if not entities and tok.pos_ == "PROPN" and self._entity(tok.i):
            return None
        info = self.ents.get(self._entity(tok.i) or "") if entities else None
        if info is not None and info.type != "Issue" and not any(c.dep_ in ("compound", "amod") for c in tok.lefts):
            return tok.i, tok.i + 1, info.name  # "an inquiry into the Iraq war" keeps the name
        left = tok.i
        for c in sorted(tok.lefts, key=lambda t: -t.i):
            sub = list(c.subtree)
            if (
                c.dep_ in ("compound", "amod", "nmod")
                and sub[-1].i == left - 1
                and c.pos_ in ("NOUN", "ADJ", "PROPN", "VERB")
                and c.tag_ not in ("JJR", "JJS")  # "higher defence spending" is the issue "defence spending"
                and all(t.lower_ not in self.w.generic for t in sub)
                and all(t.pos_ in ("NOUN", "ADJ", "PROPN", "VERB") or t.text == "-" for t in sub)
                and (entities or all(self._entity(t.i) is None for t in sub))
            ):
                left = sub[0].i
            else:
                break
        words = [t.lemma_.lower() if t.i == tok.i else t.lower_ for t in doc[left : tok.i + 1]]
        if tok.tag_ in ("NNS", "NNPS"):
            words[-1] = tok.lower_  # "peacekeeping troops", not "peacekeeping troop"
        name = " ".join(words).replace(" - ", "-")
        if len(name) < 3 or tok.lemma_.lower() in self.w.generic:
            return None
        return left, tok.i + 1, name

    # -- the kind of conflict ---------------------------------------------------------------

    def asks(self, rel: str, trigger: Token) -> bool:
        """Whether a request says what is asked, where the verb needs it ("pressed Mr Blair to resign")."""
        if rel != "calls_on" or trigger.lemma_ not in self.w.asks_with_clause:
            return True
        return any(c.dep_ in ("xcomp", "ccomp") for c in trigger.children)

    def verbal(self, rel: str, trigger: Token, s_tok: Token, s: str, o: str) -> str:
        """``rel``, or the criticism it names when an attack is made with words ("He will attack
        Labour's record"), not arms ("troops attacked the town", "Russia attacked Ukraine")."""
        if rel not in self.w.verbal or trigger.lemma_ not in self.w.verbal_triggers:
            return rel
        if s_tok.lemma_.lower() in self.w.armed or any(
            c.dep_ in _MODIFIERS and c.lemma_.lower() in self.w.armed for c in s_tok.children
        ):
            return rel
        if self.ents[s].type in ("GPE", "Group") and self.ents[o].type in ("GPE", "Location", "Group"):
            return rel
        if any(t.lemma_.lower() in self.w.material for t in attrs.sentence(trigger)):
            return rel
        return self.w.verbal[rel]

    # -- modality ---------------------------------------------------------------------------

    def clause_modality(self, scope: Token) -> str | None:
        """ "reported" for a relation in a clause under a claim or a rumour ("claims a leak suggested
        Mr Brown was ready to ..."), "possible" in an if-clause, "negated" under a negation ("would do
        nothing to help"); else None."""
        node, sibling = scope, False
        for i in range(8):
            # a coordinated predicate is not under its sibling's negation or attribution ("is reported
            # to be pro-life and has opposed embryo research"), but is under what governs both
            negated = any(c.dep_ == "neg" or (c.dep_ == "dobj" and c.lower_ == "nothing") for c in node.children)
            if i > 0 and not sibling and negated:
                return "negated"
            if any(c.dep_ == "advmod" and c.lower_ in self.w.reported for c in node.children) and not sibling:
                return "reported"
            if any(c.dep_ == "prep" and c.lower_ == "according" for c in node.children) and not sibling:
                return "reported"  # "held talks with MCI, according to the Financial Times"
            if node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in node.children):
                return "possible"
            if node.dep_ == "ccomp" and any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in node.children):
                return "possible"  # "it is not known whether they would support a bid"
            if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
                return None  # a clause of its own
            if node.head is node or node.dep_ not in (*_CLAUSES, "conj"):
                return None
            sibling = node.dep_ == "conj"
            node = node.head
            if sibling:
                continue
            lemma = node.lemma_.lower()
            if lemma in self.w.reported_passives and any(c.dep_ == "auxpass" for c in node.children):
                return "reported"  # "he is said to have discussed"
            if node.pos_ == "VERB" and any(
                c.dep_ in ("nsubj", "dobj")
                and c.lemma_.lower() in self.w.sources
                and not any(m.pos_ == "PROPN" for m in c.children)  # not a named paper ("The Mirror newspaper")
                for c in node.children
            ):
                return "reported"  # "..., Reuters quoted sources as saying", "..., sources said"
            if (node.pos_ == "NOUN" and lemma in self.w.reported_nouns) or (
                node.pos_ == "VERB" and lemma in self.w.reported
            ):
                return "reported"
        return None
