"""Role nouns for ``kg_coref``: how an office mention is used ("the prime minister", "a spokeswoman",
"ministers", or a title before a name) and who, named in the article, holds the office a role noun names.

A role noun resolves to the one person the article names before it as holding its office now (from
``kg_positions``: premodifier, apposition, copula) or, for "the former president", as having held it;
with the owner the role noun names ("the Tory leader", "the Pakistani president") when it names one.
Two such people, or none, leave it unresolved.
"""

from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.nlp import attrs
from kg.nlp.coref_people import People

_OWNER_TYPES = ("GPE", "Organization", "Group")
_DEFINITE = ("the", "this", "that")
_INDEFINITE = ("a", "an", "another", "one", "any", "every", "each")
PAST = ("former", "ex", "then", "late", "previous", "erstwhile")


@dataclass
class Holding:
    person: str
    office: str
    owners: set[str]  # office_of and member_of objects in the same sentence
    start: int  # character offset of the office mention
    sent_start: int
    former: bool  # "former home secretary David Blunkett"


def holdings(hits, text: str) -> list[Holding]:
    """The holds_position relations of ``kg_positions`` stated as fact (not "would be king"), current or
    former, with the owners given in the same sentence."""
    out = []
    for h in hits:
        if h.predicate != "holds_position" or h.modality != "asserted":
            continue
        status = h.attrs.get("status", "current")
        if status not in ("current", "former"):
            continue
        before = text[max(0, h.start - 12) : h.start].lower().replace("-", " ").split()
        former = status == "former" or (bool(before) and before[-1] in PAST)
        owners = {
            o.object
            for o in hits
            if o.sent_start == h.sent_start
            and (
                (o.predicate == "office_of" and o.subject == h.object)
                or (o.predicate == "member_of" and o.subject == h.subject)
            )
        }
        out.append(Holding(h.subject, h.object, owners, h.start, h.sent_start, former))
    return out


def use(doc: Doc, span: Span, tok_ent: dict, etype, people: People) -> str | None:
    """How an office mention is used: "role" ("the Prime Minister", "his chancellor"), "person" for someone
    new ("a spokeswoman", "his lawyer"), "plural" ("ministers"), or None (a title before a name, an
    apposition, a bare title)."""
    root = span.root
    if root.dep_ == "compound" and not (span.start <= root.head.i < span.end):
        return None
    nxt = span.end
    if nxt < len(doc) and (doc[nxt].ent_type_ == "PERSON" or etype(tok_ent.get(nxt)) == "Person"):
        return None
    if root.dep_ == "appos" or any(c.dep_ == "appos" for c in root.children):
        return None
    if root.tag_ in ("NNS", "NNPS"):
        return "plural"
    dets = {c.lower_ for c in root.children if c.dep_ == "det"}
    if dets & set(_INDEFINITE):
        return "person"
    possessors = [c for c in root.children if c.dep_ == "poss"]
    if any(p.pos_ == "PRON" for p in possessors) and {root.lower_, root.lemma_} & people.relatives:
        return "person"  # "his lawyer" is the lawyer of him, not the article's lawyer
    prev = doc[span.start - 1].lower_ if span.start > 0 else ""
    if dets & set(_DEFINITE) or prev == "the" or possessors:
        return "role"
    return None


class Holders:
    """Who holds the office a role noun names, in one document."""

    def __init__(self, doc: Doc, ents: dict, tok_ent: dict, people: People):
        self.doc, self.ents, self.tok_ent, self.people = doc, ents, tok_ent, people
        self.held = holdings(doc._.kg_positions or [], attrs.text(doc))
        self._in_sentence: dict[int, set[str]] | None = None

    def etype(self, eid: str | None) -> str | None:
        return self.ents[eid].type if eid in self.ents else None

    def holder(self, span: Span, office: str) -> str | None:
        """The one person named before ``span`` as holding its office; a role noun that names an owner
        takes a holder given that owner, else one whose sentence names it ("President Musharraf of
        Pakistan")."""
        root = span.root
        name = self.ents[office].name
        former = span.start > 0 and self.doc[span.start - 1].lower_.strip("-") in PAST
        held = [h for h in self.held if h.start < root.idx and h.former == former and self.same_office(name, h.office)]
        owners = self.owners(span)
        if owners:
            names = {self._name(o) for o in owners}
            strict = [h for h in held if h.owners & owners or {self._name(o) for o in h.owners} & names]
            held = strict or [h for h in held if self._named_in(h.sent_start) & owners]
        found = {h.person for h in held}
        return found.pop() if len(found) == 1 else None

    def same_office(self, role: str, office: str) -> bool:
        """Whether a role noun's office ``role`` names the office ``office`` held: "the chancellor" names the
        Chancellor of the Exchequer, "the minister" a Health Minister, neither names a Shadow Chancellor
        or a Lord Chancellor."""
        held = self.ents[office].name if office in self.ents else office
        if held == role or held.startswith(role + " of "):
            return True
        words = held.lower().replace("-", " ").split()
        return held.endswith(" " + role) and not set(words) & self.people.qualifiers

    def owners(self, span: Span) -> set[str]:
        """Parties, organisations or countries a role noun names as its owner: "the Tory leader",
        "Britain's prime minister", "the leader of the Conservatives", "the prime minister's spokesman"."""
        doc, tok_ent = self.doc, self.tok_ent
        out = set()
        i = span.start - 1
        while i >= 0 and (doc[i].text in ("'s", "’s") or i in tok_ent):
            eid = tok_ent.get(i)
            if eid and self.etype(eid) in _OWNER_TYPES:
                out.add(eid)
            elif eid:
                break
            i -= 1
        for c in span.root.children:
            if c.dep_ == "poss" and c.pos_ != "PRON" and c.i in tok_ent:
                out.add(tok_ent[c.i])
            if c.dep_ == "prep" and c.lower_ == "of":
                out |= {tok_ent[p.i] for p in c.children if self.etype(tok_ent.get(p.i)) in _OWNER_TYPES}
        return out

    def _named_in(self, sent_start: int) -> set[str]:
        """The entities mentioned in the sentence that starts at character ``sent_start``."""
        if self._in_sentence is None:
            self._in_sentence = {}
            bounds, numbers = attrs.sentence_bounds(self.doc), attrs.sentence_numbers(self.doc)
            for m in self.doc._.kg_mentions or []:
                first = self.doc[bounds[numbers[m.start]][0]].idx
                self._in_sentence.setdefault(first, set()).add(m.entity_id)
        return self._in_sentence.get(sent_start, set())

    def _name(self, eid: str) -> str:
        return self.ents[eid].name.lower() if eid in self.ents else eid
