"""``kg_relations``: typed relations between entities from dependency patterns.

A verb or noun from the cue lexicon (``pipelines/lexicon.toml``) links its
logical subject to the entity in the slot the lexicon names. Handles passive
voice ("was attacked by"), coordination ("the UK and France backed Kyiv"),
control ("deter Russia from attacking Ukraine", "urged Germany to support"),
relative clauses ("Poland, which plans to reach 4.7%"), noun phrases ("Russia's
invasion of Ukraine", "launched an attack on Kyiv", "held talks with"),
negation (no edge from "refused to support", "did not back") and modality
("would be willing to send" is recorded as intent, not fact).
Every relation is checked against the catalogue's domain and range.
"""

from functools import cache, partial
from pathlib import Path

from spacy.attrs import LEMMA
from spacy.language import Language
from spacy.tokens import Doc, Token

from kg.nlp import args, attrs, event_modality, event_verbs, interactions, lexicon
from kg.nlp.component import LexiconUser
from kg.nlp.event_rules import EventRules
from kg.schema import catalogue, ids

EXTRACTOR = "kg_relations"
_PARTICLES = {"up", "down", "off", "out", "away", "back"}
_SPENDING_VERBS = {"reach", "raise", "increase", "hit", "spend", "commit", "boost", "lift", "meet"}


def relations(doc: Doc, lex: lexicon.Lexicon | None = None, confidence: float = 0.75) -> list[attrs.RelationHit]:
    """The relations the lexicon's patterns find in ``doc`` (needs ``kg_entities`` and ``kg_coref``;
    may add Issue entities to ``doc._.kg_entities``); ``confidence``: that of an asserted relation
    without coreference."""
    return Rules(doc.vocab, lex or lexicon.load(), confidence).find(doc)


@cache
def _own_words() -> interactions.Words:
    return interactions.words(lexicon.read())


@cache
def _own_governors() -> event_modality.Governors:
    return event_modality.governors(lexicon.read())


class Rules(EventRules):
    """The relation patterns with a lexicon (:func:`relations`); ``words``: the interaction rules'
    word lists (default: those of kg's own lexicon)."""

    def __init__(
        self,
        vocab,
        lex: lexicon.Lexicon,
        confidence: float = 0.75,
        words: interactions.Words | None = None,
        verbs: event_verbs.VerbTable | None = None,
        governors: event_modality.Governors | None = None,
    ):
        self.base = confidence
        self.lex = lex
        self.words = words or _own_words()
        self.trigger_verbs = frozenset(self.lex.verbs)
        self.cat = catalogue.load()
        self.verb_table = verbs if verbs is not None else event_verbs.load()
        self.governors = governors or _own_governors()
        self.rejection_verbs = {phrase.split()[0] for phrase in self.lex.rejections}
        # the CAMEO verbs the lexicon does not already cover (its entries are tuned on news)
        self.event_verbs = frozenset(self.verb_table.verbs) - self.trigger_verbs - set(self.lex.event_verbs_skipped)
        # the lemmas a pattern below starts from
        self.triggers = attrs.hashes(
            vocab,
            [
                *self.lex.verbs,
                *self.lex.nouns,
                *_SPENDING_VERBS,
                *self.lex.stance_adjectives,
                *self.words.letters,
                *self.event_verbs,
                *self.lex.clause_requests,
                *(phrase.split()[0] for phrase in self.lex.rejections),
            ],
        )

    def find(self, doc: Doc) -> list[attrs.RelationHit]:
        self.ents = doc._.kg_entities or {}
        self.coref = doc._.kg_coref or {}
        self.sides = interactions.Sides(doc, self.ents, self.words, self.trigger_verbs)
        hits: list[attrs.RelationHit] = []
        seen: set[tuple] = set()
        for i in attrs.indices(doc, LEMMA, self.triggers):
            tok = doc[i]
            if tok.pos_ in ("VERB", "AUX") and tok.lemma_ in self.lex.verbs:
                found = self._verb(doc, tok, self.lex.verbs[tok.lemma_])
            elif tok.pos_ in ("NOUN", "PROPN") and tok.lemma_ in self.lex.nouns:
                found = self._noun(doc, tok, self.lex.nouns[tok.lemma_])
            elif tok.pos_ == "VERB" and tok.lemma_ in self.event_verbs:
                found = self._event_verb(doc, tok)
            else:
                found = []
            if tok.pos_ == "VERB" and tok.lemma_ in _SPENDING_VERBS:
                found += self._spending(doc, tok)
            if tok.pos_ == "ADJ" and tok.lemma_ in self.lex.stance_adjectives:
                found += self._stance_adjective(doc, tok)
            if tok.pos_ == "VERB" and tok.lemma_ in self.rejection_verbs:
                found += self._rejection(doc, tok)
            if tok.pos_ == "VERB" and tok.lemma_ in self.lex.clause_requests:
                found += self._clause_request(doc, tok)
            if tok.pos_ == "VERB" and tok.lemma_ in self.words.letters:
                found += self._letter(doc, tok)
            for h in found:
                key = (h.subject, h.predicate, h.object, h.start)
                if key not in seen:
                    seen.add(key)
                    hits.append(h)
        for h in self._attachments(doc):
            key = (h.subject, h.predicate, h.object, h.start)
            if key not in seen:
                seen.add(key)
                hits.append(h)
        return self._one_rejection(hits)

    # -- patterns ---------------------------------------------------------

    def _verb(self, doc: Doc, verb: Token, slots: dict[str, str]) -> list[attrs.RelationHit]:
        subjects = args.logical_subjects(verb)
        if not subjects and args.is_passive(verb) and any(slot != "dobj" for slot in slots):
            # "was born in Ohio": with no agent, the passive subject goes with a prepositional slot
            subjects = [t for c in verb.children if c.dep_ == "nsubjpass" for t in args.conjuncts(c)]
            slots = {k: v for k, v in slots.items() if k != "dobj"}
        if not subjects:
            return []
        out = []
        for slot, rel in slots.items():
            if slot == "dobj":
                objects = args.logical_objects(verb)
            elif " " in slot:  # a phrasal verb: "hit out at", the preposition on the verb or the particle
                particle, prep = slot.split()
                parts = [c for c in verb.children if c.dep_ in ("prt", "advmod") and c.lower_ == particle]
                objects = [t for p in parts[:1] for t in (*args.prep_objects(verb, prep), *args.prep_objects(p, prep))]
            else:  # the prepositional phrase may hang on the verb or on its object
                objects = args.prep_objects(verb, slot) or [
                    t for o in args.logical_objects(verb) for t in args.prep_objects(o, slot)
                ]
            if not objects and self.cat.relation(rel).symmetric:
                out += self._among(doc, rel, subjects, verb)  # "The US, Russia and Switzerland met"
                continue
            if slot == "dobj" and not objects:
                continue
            rtype = self.cat.relation(rel)
            if slot == "dobj" and rtype.polarity < 0 and any(o.lemma_.lower() in _DEALS for o in objects):
                continue  # "trying to strike a deal with Russia": an agreement, no attack
            named = any(args.names_actor(doc, o) for o in objects)
            if slot == "dobj" and rtype.cameo and not rtype.stance and not named:
                # "condemned an attack by Osgiliath soldiers": the event's other side is the first actor
                # inside the object phrase (a stance keeps its issue: "rejected the proposal from")
                objects = [*objects, *event_verbs.phrase_actors(verb, lambda t: args.entity_of(doc, t) in self.ents)]
            if slot == "dobj" and any(c.dep_ == "prt" and c.lower_ in _PARTICLES for c in verb.children):
                continue  # "back up his optimism", "back down": another verb

            out += self._emit(doc, rel, subjects, objects, verb, verb)
        return self._table_code(doc, verb, out)

    def _among(
        self, doc: Doc, rel: str, subjects: list[Token], verb: Token, noun: bool = False
    ) -> list[attrs.RelationHit]:
        """A symmetric act with no other side between the actors of a conjoined subject ("The US, Russia
        and Switzerland met"; with ``noun``, the act's noun is the verb's object: "Gondor and Osgiliath
        have renewed diplomatic ties"): one relation for each pair."""
        if verb.dep_ in ("acl", "relcl", "amod", "xcomp", "advcl", "pcomp"):
            return []  # "... met representatives to discuss the issue": the subject is another verb's
        if any((c.dep_ == "dobj" and not noun) or (c.dep_ == "prep" and c.lower_ == "with") for c in verb.children):
            return []  # "met supporters' representatives": they met someone else
        out = []
        for i, a in enumerate(subjects):
            for b in subjects[i + 1 :]:
                out += self._emit(doc, rel, [a], [b], verb, verb)
        return out

    def _table_code(self, doc: Doc, verb: Token, hits: list[attrs.RelationHit]) -> list[attrs.RelationHit]:
        """The CAMEO code of a lexicon verb's event is its verb-table pattern's, as an event coder reads
        it ("condemned an attack": 122, rejection, not the lexicon relation's 112), when the table
        knows the verb in this context."""
        events = [h for h in hits if h.attrs.get("cameo") or self.cat.relation(h.predicate).cameo]
        if not events:
            return hits
        m = self.verb_table.match(verb, lambda t: args.entity_of(doc, t) in self.ents)
        named = self.cat.relation_for_cameo(m.code) if m is not None and m.code[:2].isdigit() else None
        if m is None or named is None:
            return hits
        for h in events:  # within the relation's quad class: "attacked Labour's taxes" stays verbal
            if self.cat.relation(named).quad == self.cat.relation(h.predicate).quad:
                h.attrs["cameo"] = m.code
        return hits

    def _noun(self, doc: Doc, noun: Token, slots: dict[str, str]) -> list[attrs.RelationHit]:
        subjects = [
            c
            for c in noun.children
            if c.dep_ in ("poss", "amod", "compound")
            and (e := args.entity_of(doc, c))
            and self.ents.get(e)
            and self.ents[e].type != "Quantity"
            and _next_to(c, noun)
        ]
        gov = noun.head
        if not subjects and noun.dep_ == "appos" and args.entity_of(doc, gov):
            subjects = [gov]  # "Ferraro, a native of Bethany"
        if not subjects and noun.dep_ == "attr" and gov.lemma_ == "be":
            subjects = [c for c in gov.children if c.dep_ == "nsubj"]  # "Booth was the assassin of Lincoln"
        if any(r == "signs_agreement_with" for r in slots.values()) and not (
            noun.dep_ in ("dobj", "nsubjpass", "conj") and gov.lemma_ in self.words.agree
        ):
            return []  # "its agreement with Chelsea would end", "lost deals with": no agreement made
        if (
            not subjects
            and noun.dep_ == "dobj"
            and gov.pos_ in ("VERB", "AUX")
            and gov.lemma_ not in self.words.undergo  # "faces opposition to the move"
        ):
            # "launched an attack on", "was given a budget" (the passive's subject receives it)
            subjects = (
                [t for c in gov.children if c.dep_ == "nsubjpass" for t in args.conjuncts(c)]
                if args.is_passive(gov)
                else args.logical_subjects(gov)
            )
        if not subjects:
            return []
        out = []
        for slot, rel in slots.items():
            if noun.dep_ == "dobj" and gov.lemma_ in self.words.demote and self.cat.relation(rel).polarity < 0:
                continue  # "lift the sanctions on Iran", "end the attacks on": the act undone, not done
            if slot == "amount":
                objects = [
                    t
                    for t in noun.subtree
                    if t.i < noun.i
                    and (e := args.entity_of(doc, t))
                    and self.ents.get(e)
                    and self.ents[e].type == "Quantity"
                ][:1]
            else:
                objects = args.prep_objects(noun, slot)
            if not objects and noun.dep_ == "dobj" and slot != "amount":
                objects = args.prep_objects(gov, slot)  # "held talks with X" parsed on the verb
            scope = gov if noun.dep_ == "dobj" and gov.pos_ in ("VERB", "AUX") else noun
            out += self._emit(doc, rel, subjects, objects, noun, scope)
        if self.sides.planned(noun):  # "the meeting is scheduled for Friday": intended, not done
            for h in out:
                if h.modality in ("asserted", "reported") and interactions.is_interaction(
                    self.cat.relation(h.predicate)
                ):
                    h.modality = "intent"
        return out

    def _stance_adjective(self, doc: Doc, adj: Token) -> list[attrs.RelationHit]:
        """'X would be willing to send peacekeeping troops': X supports what the infinitive does."""
        rel = self.lex.stance_adjectives[adj.lemma_]
        out = []
        for verb in (c for c in adj.children if c.dep_ == "xcomp"):
            subjects = args.logical_subjects(adj) if adj.dep_ != "acomp" else args.logical_subjects(adj.head)
            out += self._emit(doc, rel, subjects, [verb], adj, adj)
        return out

    def _letter(self, doc: Doc, verb: Token) -> list[attrs.RelationHit]:
        """'Howard has written to Tony Blair demanding an explanation': a request to the addressee."""
        addressees = args.prep_objects(verb, "to")
        asks = [
            c
            for t in (verb, *addressees)
            for c in t.children
            if c.dep_ in ("advcl", "xcomp", "acl", "conj") and c.pos_ == "VERB" and c.lemma_ in self.words.requests
        ]
        if not asks or not addressees:
            return []
        return self._emit(doc, "calls_on", args.logical_subjects(verb), addressees, asks[0], verb)

    def _issue(self, doc: Doc, start: int, end: int, name: str) -> str:
        """An Issue entity for a stance object that names no actor ("sending peacekeeping troops")."""
        eid = ids.entity_id(name, "Issue")
        info = self.ents.setdefault(eid, attrs.EntityInfo(eid, name, "Issue"))
        span = doc[start:end]
        if span.text != name:
            info.aliases.add(span.text)
        own = [t.i for t in span if attrs.entity_of(doc, t.i) in (None, eid)]  # an entity inside stays itself
        if own:
            doc._.kg_mentions.append(attrs.MentionInfo(eid, own[0], own[-1] + 1))
        for i in own:
            doc._.kg_token_entity[i] = eid
        return eid

    def _attachments(self, doc: Doc) -> list[attrs.RelationHit]:
        """Relations read off how two mentions attach: apposition, 'in'/'of'/'from' phrases, compounds."""
        table = self.lex.attachments
        out = []
        for m in doc._.kg_mentions or []:
            info = self.ents.get(m.entity_id)
            if info is None:
                continue
            root = doc[m.start : m.end].root
            for c in root.children:
                if c.dep_ == "appos" or (c.dep_ == "compound" and c.i < m.start):
                    targets, how = [c], c.dep_
                elif c.dep_ == "prep" and c.lower_ in ("in", "of", "from"):
                    targets, how = [p for p in c.children if p.dep_ == "pobj"], c.lower_
                else:
                    continue
                for t in targets:
                    o = args.entity_of(doc, t)
                    if not o or o == m.entity_id or o not in self.ents:
                        continue
                    rel = table.get((info.type, how, self.ents[o].type))
                    if rel:
                        out += self._emit(doc, rel, [root], [t], root, root)
        return out

    def _spending(self, doc: Doc, verb: Token) -> list[attrs.RelationHit]:
        """'plans to raise spending to 2.5% of GDP', 'Poland, which plans to reach 4.7%'."""
        sent = attrs.sentence(verb).text.lower()
        if "gdp" not in sent and "spending" not in sent:
            return []
        targets = [
            t
            for t in (*args.logical_objects(verb), *args.prep_objects(verb, "to"))
            if (e := args.entity_of(doc, t)) and self.ents[e].type == "Quantity" and self.ents[e].name.endswith("%")
        ]
        if not targets:
            return []
        subjects = args.logical_subjects(verb)
        return self._emit(doc, "spending_target", subjects, targets, verb, verb)

    # -- output -----------------------------------------------------------

    def _emit(self, doc, rel, subjects, objects, trigger, scope) -> list[attrs.RelationHit]:
        """Relations from every subject to every object; ``scope`` is the word whose
        auxiliaries and governors decide negation and modality."""
        rtype = self.cat.relation(rel)
        modality, negated = args.modality_and_negation(scope, self.lex.modality, self.lex.negation_governors)
        if negated:
            return []
        if rtype.cameo and (gov := event_modality.governor(scope, self.governors)):
            kind, word = gov
            if kind == "threat" and rtype.quad == "material_conflict":
                rel, rtype = "threatens", self.cat.relation("threatens")  # "threatened to shell": a threat
            elif kind != "threat" and modality in ("asserted", "intent"):
                modality = kind
            if kind == "permission":  # "gave permission to Russia to help": the permitted acts
                subjects = [
                    o
                    for c in word.children
                    if c.dep_ in ("prep", "dative") and c.lower_ == "to"
                    for o in c.children
                    if o.dep_ == "pobj"
                ] or subjects
        if interactions.is_interaction(rtype):
            return self._emit_interaction(doc, rel, rtype, subjects, objects, trigger, scope, modality)
        out = []
        for s_tok in subjects:
            s = args.entity_of(doc, s_tok)
            for o_tok in objects:
                o = args.entity_of(doc, o_tok)
                if not s or not o or s == o or s not in self.ents or o not in self.ents:
                    continue
                if not rtype.allows(self.ents[s].type, self.ents[o].type):
                    continue
                conf = self.base
                if s_tok.i in self.coref or o_tok.i in self.coref:
                    conf -= 0.15
                if modality != "asserted":
                    conf -= 0.1
                subj, obj = (min(s, o), max(s, o)) if rtype.symmetric else (s, o)
                out.append(
                    args.hit(
                        doc,
                        rel,
                        subj,
                        obj,
                        [s_tok, trigger, o_tok],
                        EXTRACTOR,
                        round(conf, 2),
                        modality,
                        trigger=trigger.lemma_,
                    )
                )
        return out

    def _emit_interaction(self, doc, rel, rtype, subjects, objects, trigger, scope, modality):
        """:meth:`_emit` for the interaction and stance relations, with their stricter sides
        (:mod:`kg.nlp.interactions`)."""
        clause = self.sides.clause_modality(scope)
        if clause == "negated" or not self.sides.asks(rel, trigger):
            return []
        if clause == "possible" and modality == "intent":
            modality = clause  # "not known whether they would support"
        if modality == "asserted":
            modality = clause or ("intent" if self.sides.arranged(scope) else modality)
        out = []
        issue = partial(self._issue, doc)
        actors = {self.sides.subject(t) for t in subjects}
        seen = set()  # "Ernst & Young urged him": one relation, not one per word of the name
        for s_tok in subjects:
            s = self.sides.subject(s_tok)
            if s is None:
                continue
            for o_tok in objects:
                for t, o, r in self.sides.objects(o_tok, rel, rtype, trigger, issue):
                    if o is None or o in actors or o not in self.ents:  # "Labour and the Tories attacked his ..."
                        continue
                    r = self.sides.verbal(r, trigger, s_tok, s, o)
                    if (s, r, o) in seen:
                        continue
                    seen.add((s, r, o))
                    rt = self.cat.relation(r)
                    if not rt.allows(self.ents[s].type, self.ents[o].type):
                        continue
                    conf = self.base - (0.15 if s_tok.i in self.coref or t.i in self.coref else 0)
                    conf -= 0.1 if modality != "asserted" else 0
                    # "X is trying to negotiate with Y": the side who intends it stays the subject
                    mutual = rt.symmetric and modality in ("asserted", "reported")
                    subj, obj = (min(s, o), max(s, o)) if mutual else (s, o)
                    out.append(
                        args.hit(
                            doc,
                            r,
                            subj,
                            obj,
                            [s_tok, trigger, t],
                            EXTRACTOR,
                            round(conf, 2),
                            modality,
                            trigger=trigger.lemma_,
                        )
                    )
        return out


# nouns of an agreement, which a hostile verb's object ("strike a deal") makes no attack
_DEALS = frozenset({"deal", "agreement", "accord", "pact", "bargain", "compromise", "truce", "treaty", "contract"})


def _next_to(mod: Token, noun: Token) -> bool:
    """Whether a modifier before its noun is part of its noun phrase ("the Tory calls", "Labour's plans"),
    not one the parser hung on it across a clause ("elected in a safe Tory seat - prompted calls")."""
    if mod.i > noun.i:
        return True
    end = max(t.i for t in mod.subtree)
    for t in noun.doc[end + 1 : noun.i]:
        node = t
        while node.i != noun.i and node.dep_ in ("compound", "amod", "nmod", "poss", "case", "det", "punct", "advmod"):
            node = node.head
        if node.i != noun.i:
            return False
    return True


class RelationExtractor(LexiconUser):
    """``verbs``: the CAMEO verb table (``.tsv``) or a folder or file of raw PETRARCH verb dictionaries
    (``PETR.Validate.verbs.txt``), whose rows are saved with the pipeline; empty for kg's own
    ``pipelines/kb/verbs.tsv``."""

    def __init__(self, nlp: Language, name: str, confidence: float = 0.75, verbs: str = ""):
        self.name = name
        self.vocab = nlp.vocab
        self.confidence = confidence
        self.verbs_source = verbs
        super().__init__()
        if verbs:
            self.set_verbs(verbs)

    def set_verbs(self, source: str | Path) -> None:
        """Use the verb table or raw dictionaries at ``source`` (see the class)."""
        self.set_stored(verbs=[list(r) for r in event_verbs.read_rows(source)])

    def restore(self) -> None:
        super().restore()
        if "verbs" in self.stored:
            table = event_verbs.from_rows([tuple(r) for r in self.stored["verbs"]])
        else:
            table = event_verbs.load(self.verbs_source or event_verbs.TABLE_PATH)
        self.rules = Rules(
            self.vocab,
            self.lex,
            self.confidence,
            interactions.words(self.stored["lexicon"]),
            verbs=table,
            governors=event_modality.governors(self.stored["lexicon"]),
        )

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_relations = self.rules.find(doc)
        return doc


@Language.factory(
    "kg_relations",
    assigns=["doc._.kg_relations"],
    requires=["doc._.kg_entities", "doc._.kg_coref", "token.dep", "token.lemma"],
    default_config={"confidence": 0.75, "verbs": ""},
)
def make_relations(nlp: Language, name: str, confidence: float, verbs: str) -> RelationExtractor:
    return RelationExtractor(nlp, name, confidence, verbs)
