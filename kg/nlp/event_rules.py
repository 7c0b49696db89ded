"""The event patterns of ``kg_relations`` (:class:`kg.nlp.relations.Rules` holds them): CAMEO verb
patterns from the verb table, rejections of another actor's request, and demands made in a speech act's
subjunctive clause. Each gives ``Relation.attrs["cameo"]``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Doc, Token

from kg.nlp import args, attrs, countries, event_verbs

if TYPE_CHECKING:
    from kg.nlp import interactions, lexicon
    from kg.schema import catalogue


def _subjunctive(verb: Token) -> bool:
    """A base form after a singular subject ("demanding that Tony Blair spell out"), which the tagger may
    call present tense; "insists England are ready" asserts and asks nothing."""
    if any(c.dep_ in ("aux", "auxpass") and c.lemma_ in ("do", "will", "shall") for c in verb.children):
        return False  # "insisted that his work did not influence him": an assertion, asking nothing
    if verb.tag_ == "VB":
        return True
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    return (
        verb.tag_ == "VBP"
        and verb.lemma_ != "be"
        and bool(subjects)
        and all(s.tag_ in ("NN", "NNP") and not s.conjuncts for s in subjects)
    )


# nouns of what an actor owns or makes, which no act with the actor makes a partner ("selling its X products")
_GOODS = frozenset(
    {
        "product",
        "brand",
        "drug",
        "medicine",
        "model",
        "car",
        "range",
        "line",
        "label",
        "unit",
        "subsidiary",
        "division",
        "arm",
        "plant",
        "factory",
        "store",
        "chain",
        "title",
        "service",
    }
)


def _own_goods(tok: Token) -> bool:
    """A name inside a noun phrase of the actor's own goods or units ("Pfizer is selling its Celebrex
    and Bextra products"): the subject's property, no other side."""
    t = tok
    for _ in range(4):
        if t.dep_ not in ("compound", "nmod", "conj", "amod", "appos") or t.head is t:
            break
        t = t.head
    return t.lemma_.lower() in _GOODS and any(
        c.dep_ == "poss" and c.lower_ in ("its", "their", "his", "her") for c in t.children
    )


# verbs of leaving a tie: "pay X to get out of a deal", "paid to leave the alliance"
_LEAVE = frozenset({"leave", "quit", "exit", "end", "terminate", "cancel", "scrap", "withdraw", "escape", "abandon"})


def _to_leave(verb: Token) -> bool:
    """A verb whose purpose clause is leaving a tie ("pay Fiat to get out of a deal", "paid to quit")."""
    for c in verb.children:
        if c.dep_ not in ("advcl", "xcomp") or not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children):
            continue
        if c.lemma_ in _LEAVE:
            return True
        if c.lemma_ in ("get", "pull", "back", "walk", "opt") and any(
            p.lower_ in ("out", "away") and p.dep_ in ("prep", "prt", "advmod") for p in c.children
        ):
            return True
    return False


class EventRules:
    """Mixed into the relation rules, whose ``_emit`` makes the relations."""

    lex: lexicon.Lexicon
    words: interactions.Words
    cat: catalogue.Catalogue
    ents: dict
    verb_table: event_verbs.VerbTable

    def _emit(self, doc, rel, subjects, objects, trigger, scope) -> list[attrs.RelationHit]:
        raise NotImplementedError

    def _among(
        self, doc: Doc, rel: str, subjects: list[Token], verb: Token, noun: bool = False
    ) -> list[attrs.RelationHit]:
        raise NotImplementedError

    def _event_verb(self, doc: Doc, verb: Token) -> list[attrs.RelationHit]:
        """A CAMEO verb pattern ("turned down requests from", "imposed a curfew on", "fired at")."""
        if verb.lemma_ not in self.lex.event_verbs and not any(c.dep_ in ("dobj", "prep") for c in verb.children):
            return []  # a verb the lexicon does not list needs an object noun to name an event
        if verb.tag_ == "VBN" and verb.dep_ == "acl":
            return []  # "Roma Czechs refused entry to Britain": its noun undergoes the act
        if verb.lemma_ not in self.words.demote and any(
            c.dep_ == "dobj" and c.lemma_ in self.lex.nouns for c in verb.children
        ):
            return []  # "launched an attack on": the lexicon's noun says which act, and whether verbal
        # a verb's default code, or a bare preposition ("left with", "took on"), names an event only for
        # the verbs the lexicon lists; an object noun may name one for any verb, of the specific kinds
        only = None if verb.lemma_ in self.lex.event_verbs else self.lex.event_relations_any_verb
        m = self.verb_table.match(verb, lambda t: args.entity_of(doc, t) in self.ents, only)
        if m is not None and not m.targets and m.pattern and self.cat.relation(m.relation).symmetric:
            hits = self._among(doc, m.relation, args.logical_subjects(verb), verb, noun=True)  # "renewed ties"
            for h in hits:
                h.attrs["cameo"] = event_verbs.cameo_of(self.cat, m.code, h.predicate)
            return hits
        if m is None or not m.targets:
            return []
        if self.cat.relation(m.relation).polarity > 0 and _to_leave(verb):
            return []  # "is to pay Fiat to get out of a deal": buying an end to a tie, no cooperation
        targets = [t for t in m.targets if not self._place(doc, t) and not _own_goods(t)]
        hits = self._emit(doc, m.relation, args.logical_subjects(verb), targets, verb, verb)
        for h in hits:
            h.attrs["cameo"] = event_verbs.cameo_of(self.cat, m.code, h.predicate)
        return hits

    def _place(self, doc: Doc, tok: Token) -> bool:
        """A town reached through a preposition ("halt its flights from Heathrow to Jeddah"): where the act
        goes, not an actor it is done to; a country ("cut aid to Sudan") may be one."""
        eid = args.entity_of(doc, tok)
        info = self.ents.get(eid) if eid else None
        if info is None or info.type not in ("GPE", "Location") or tok.head.dep_ != "prep":
            return False
        if countries.lookup(info.name) is not None:
            return False
        kb = str(info.attrs.get("kb", "")).strip("_").replace("_", " ").lower()
        # a known town, or one the actor table files under a country other than itself (Jeddah: Saudi Arabia)
        return countries.default().place(info.name) or bool(kb and kb != info.name.lower())

    def _rejection(self, doc: Doc, verb: Token) -> list[attrs.RelationHit]:
        """'Warsaw turned down fresh requests from Minsk': a rejection of whoever made the request."""
        particles = [c.lower_ for c in verb.children if c.dep_ == "prt"]
        if not any(p.split()[1:] in ([], particles[:1]) for p in self.lex.rejections if p.split()[0] == verb.lemma_):
            return []
        asks = [t for t in args.logical_objects(verb) if t.lemma_ in self.lex.rejected_asks]
        makers = [
            m
            for a in asks
            for m in (
                *args.prep_objects(a, "from"),
                *args.prep_objects(a, "by"),
                *(c for c in a.children if c.dep_ == "poss"),
            )
        ]
        hits = self._emit(doc, "rejects", args.logical_subjects(verb), makers, verb, verb)
        for h in hits:
            h.attrs["cameo"] = self.cat.relation(h.predicate).cameo
        return hits

    def _clause_request(self, doc: Doc, verb: Token) -> list[attrs.RelationHit]:
        """'France demanded that Russia withdraw its troops': a demand of Russia, beside the quote."""
        clauses = [
            c
            for c in verb.children
            if c.dep_ == "ccomp"
            and c.i > verb.i
            and _subjunctive(c)
            and not any(a.dep_ == "aux" and a.lower_ in self.lex.modality for a in c.children)
        ]
        addressees = [t for c in clauses for s in c.children if s.dep_ == "nsubj" for t in args.conjuncts(s)]
        if not addressees:
            return []
        rel = self.lex.clause_requests[verb.lemma_]
        hits = self._emit(doc, rel, args.logical_subjects(verb), addressees, verb, verb)
        for h in hits:
            h.attrs["cameo"] = self.cat.relation(h.predicate).cameo
        return hits

    def _one_rejection(self, hits: list[attrs.RelationHit]) -> list[attrs.RelationHit]:
        """One act, one relation: a rejection that the stance rules already read as opposing the same
        actor ("rejected the Lib Dems' call": opposes the Liberal Democrats) is not counted twice."""

        def act(h: attrs.RelationHit) -> tuple:
            return h.subject, h.object, h.sent_start, h.attrs.get("trigger")

        opposed = {act(h) for h in hits if h.predicate == "opposes"}
        return [h for h in hits if h.predicate != "rejects" or act(h) not in opposed]
