"""``kg_positions``: who holds which office, and whose office it is.

Patterns (all on the dependency parse and the OFFICE entities from the office ruler):

- premodifier: "Defence Secretary John Healey", "UK and US defence secretaries John Healey and Pete Hegseth"
- apposition: "John Healey, the Defence Secretary", "the Prime Minister, Keir Starmer"
- "X, the Y of Z" and "Z's Y X" also give office_of(Y, Z); "US Defence Secretary" gives office_of(Y, US)
- copula: "Healey is the Defence Secretary"
- party: "Labour MPs A and B" gives member_of(A, Labour) as well
"""

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp import args, attrs

EXTRACTOR = "kg_positions"


def positions(doc: Doc) -> list[attrs.RelationHit]:
    """holds_position, office_of and member_of relations around the document's OFFICE entities
    (needs ``doc._.kg_entities`` from ``kg_entities``)."""
    ents = doc._.kg_entities or {}
    hits: list[attrs.RelationHit] = []
    seen: set[tuple] = set()

    def etype(eid):
        return ents[eid].type if eid in ents else None

    def add(pred, s, o, toks, conf, **extra):
        key = (pred, s, o, attrs.sentence(toks[0]).start)
        if s and o and s != o and key not in seen:
            seen.add(key)
            hits.append(args.hit(doc, pred, s, o, toks, EXTRACTOR, conf, **extra))

    for ent in doc.ents:
        if ent.label_ != "OFFICE":
            continue
        office = attrs.entity_of(doc, ent.start)
        if office is None:
            continue
        holders = _holders(doc, ent, etype)
        owners = _owners(doc, ent, etype)
        for h in holders:
            add("holds_position", h, office, [*ent, *doc[ent.end - 1 : ent.end]], 0.9)
            for org, _ in owners:
                if etype(org) in ("Organization", "Media", "Group") and len(owners) == 1:
                    add("member_of", h, org, list(ent), 0.8)
        for org, tok in owners:
            add("office_of", office, org, [tok, *ent], 0.8)
    return hits


def _person_chain(doc, tok, etype) -> list[str]:
    out = []
    for t in args.conjuncts(tok):
        eid = attrs.entity_of(doc, t.i)
        if eid and etype(eid) == "Person" and eid not in out:
            out.append(eid)
    return out


def _holders(doc: Doc, ent: Span, etype) -> list[str]:
    holders: list[str] = []
    # premodifier: office directly before a person's name
    nxt = ent.end
    named = attrs.entity_of(doc, nxt) if nxt < len(doc) else None
    if named is not None and etype(named) == "Person":
        span = next((e for e in doc.ents if e.start <= nxt < e.end), doc[nxt : nxt + 1])
        if ent.root.tag_ in ("NNS", "NNPS"):  # "defence secretaries John Healey and Pete Hegseth"
            holders += _person_chain(doc, span.root, etype)
        holders += [named] if not holders else []
    root = ent.root
    # apposition in either direction, and a person list in apposition ("Two Labour MPs, A and B")
    plural = root.tag_ in ("NNS", "NNPS")
    for c in root.children:
        if c.dep_ == "appos":  # "the Prime Minister, Keir Starmer"; "Two Labour MPs, A and B"
            chain = _person_chain(doc, c, etype)
            holders += [h for h in (chain if plural else chain[:1]) if h not in holders]
    if root.dep_ == "appos":  # "John Healey, the Defence Secretary" (not the people listed after him)
        holders += [h for h in _person_chain(doc, root.head, etype)[:1] if h not in holders]
    # copula: "X is/was/became the Y"
    if root.dep_ in ("attr", "oprd") and root.head.lemma_ in ("be", "become", "remain", "serve", "appoint", "name"):
        subj = [c for c in root.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subj:
            holders += [h for h in _person_chain(doc, subj[0], etype) if h not in holders]
    # the office heads the noun phrase, the person is a compound inside it ("Prime Minister Keir Starmer"
    # parsed with the name as head): the name's compound children include the office
    if root.dep_ == "compound" and etype(attrs.entity_of(doc, root.head.i)) == "Person":
        holders += [h for h in _person_chain(doc, root.head, etype) if h not in holders]
    return holders


def _owners(doc: Doc, ent: Span, etype) -> list[tuple[str, object]]:
    """Countries or organisations the office belongs to: premodifiers, possessors, 'of Z'."""
    owners: list[tuple[str, object]] = []
    i = ent.start - 1
    # "UK and US defence secretaries", "US Defence Secretary", "Labour MPs", "Britain's defence secretary"
    while i >= 0 and (doc[i].text in ("'s", "’s", "and") or attrs.entity_of(doc, i)):
        eid = attrs.entity_of(doc, i)
        if eid and etype(eid) in ("GPE", "Organization", "Media", "Group"):
            if eid not in [o for o, _ in owners]:
                owners.insert(0, (eid, doc[i]))
        elif eid:
            break
        i -= 1
    for t in args.prep_objects(ent.root, "of"):
        eid = args.entity_of(doc, t)
        if eid and etype(eid) in ("GPE", "Organization", "Media", "Group"):
            owners.append((eid, t))
    return owners


class PositionExtractor:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_positions = positions(doc)
        return doc


@Language.factory("kg_positions", assigns=["doc._.kg_positions"], requires=["doc._.kg_entities"])
def make_positions(nlp: Language, name: str) -> PositionExtractor:
    return PositionExtractor(nlp, name)
