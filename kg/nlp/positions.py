"""``kg_positions``: who holds which office, and whose office it is.

Patterns (all on the dependency parse and the OFFICE entities from the office ruler):

- premodifier: "Defence Secretary John Healey", "UK and US defence secretaries John Healey and Pete Hegseth"
- apposition: "John Healey, the Defence Secretary", "the Prime Minister, Keir Starmer"
- "X, the Y of Z" and "Z's Y X" also give office_of(Y, Z); "US Defence Secretary" gives office_of(Y, US)
- copula: "Healey is the Defence Secretary"
- party: "Labour MPs A and B", "Tory foreign affairs spokesman X" give member_of(A, Labour) as well;
  a party right before a name ("Labour's Alan Milburn", "Tory Ken Clarke") gives member_of alone
"""

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp import args, attrs

EXTRACTOR = "kg_positions"
# offices of a state, not of a party, whoever holds them ("a Labour chancellor", "the Tory home secretary");
# a party's shadow posts are its own
_STATE_OFFICE = re.compile(
    r"(?!Shadow )(.+ )?(Minister|Secretary|Chancellor|Chancellor of the Exchequer|Secretary to the Treasury)$"
    r"|(Secretary of State|Attorney General|Solicitor General|Senator|Governor|Mayor|Speaker|Ambassador"
    r"|Commissioner|King|Queen|Vice-President|High Representative)$"
)
_PORTFOLIO = 3  # lower-case words between an owner and its office ("Liberal Democrat home affairs spokesman")


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
        orgs = [org for org, _ in owners if etype(org) in ("Organization", "Media", "Group")]
        for h in holders:
            add("holds_position", h, office, [*ent, *doc[ent.end - 1 : ent.end]], 0.9)
            if len(orgs) == 1:  # "Welsh Tory MP X": the party, not the country
                add("member_of", h, orgs[0], list(ent), 0.8)
        state = _STATE_OFFICE.match(ents[office].name) if office in ents else None
        for org, tok in owners:
            if not (state and tok.ent_id_):  # a party's premodifier on a state office is its holder's party
                add("office_of", office, org, [tok, *ent], 0.8)
    for person, party, toks in _party_members(doc, etype):
        add("member_of", person, party, toks, 0.8)
    return hits


def _party_members(doc: Doc, etype) -> list[tuple[str, str, list]]:
    """(person, party, tokens) for a party mention right before a person's name, possessive or not:
    "Labour's Alan Milburn", "the Tories' Oliver Letwin", "Tory Ken Clarke"."""
    out = []
    for ent in doc.ents:
        if ent.label_ != "ORG" or not ent.ent_id_:  # kg_parties gives a party's mentions their canonical name
            continue
        party = attrs.entity_of(doc, ent.start)
        j = ent.end
        if j < len(doc) and doc[j].text in ("'s", "’s", "'", "’"):
            j += 1
        if (
            j + 1 < len(doc) and doc[j].is_title and not attrs.entity_of(doc, j)
        ):  # a title: "Lib Dem Sir Archy Kirkwood"
            j += 1
        person = attrs.entity_of(doc, j) if j < len(doc) else None
        if party and person and etype(person) == "Person":
            out.append((person, party, list(doc[ent.start : j + 1])))
    return out


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
    # ("Labour leader Tony Blair and Conservative leader Michael Howard": a singular office names one)
    if root.dep_ == "compound" and etype(attrs.entity_of(doc, root.head.i)) == "Person":
        chain = _person_chain(doc, root.head, etype)
        holders += [h for h in (chain if plural else chain[:1]) if h not in holders]
    return holders


def _owners(doc: Doc, ent: Span, etype) -> list[tuple[str, Token]]:
    """Countries or organisations the office belongs to: premodifiers, possessors, 'of Z'."""
    owners: list[tuple[str, Token]] = []
    i = _before_portfolio(doc, ent.start)
    # "UK and US defence secretaries", "US Defence Secretary", "Labour MPs", "Britain's defence secretary"
    while i >= 0 and (doc[i].text in ("'s", "’s", "and") or attrs.entity_of(doc, i)):
        eid = attrs.entity_of(doc, i)
        if eid and etype(eid) in ("GPE", "Organization", "Media", "Group"):
            if eid not in [o for o, _ in owners]:
                owners.insert(0, (eid, doc[i]))
            elif owners[0][0] == eid:
                owners[0] = (eid, doc[i])  # the evidence starts at the owner's first word ("Liberal Democrat")
        elif eid:
            break
        i -= 1
    for t in args.prep_objects(ent.root, "of"):
        eid = args.entity_of(doc, t)
        if eid and etype(eid) in ("GPE", "Organization", "Media", "Group"):
            owners.append((eid, t))
    return owners


def _before_portfolio(doc: Doc, start: int) -> int:
    """The token before an office's portfolio words, when an entity stands there ("Tory [foreign affairs]
    spokesman", "Israeli [industry] minister", "Tory Party [co-]chairman"), else the token before the office."""
    i = start - 1
    while i >= 0 and start - i <= _PORTFOLIO and (_joining_hyphen(doc, i) or _portfolio_word(doc[i])):
        if attrs.entity_of(doc, i):
            break
        i -= 1
    return i if i < start - 1 and i >= 0 and attrs.entity_of(doc, i) else start - 1


def _joining_hyphen(doc: Doc, i: int) -> bool:
    return doc[i].text == "-" and not doc[i].whitespace_ and i > 0 and not doc[i - 1].whitespace_


def _portfolio_word(tok) -> bool:
    """A lower-case word of a post's title: "home affairs", "industry", "founding" (BNP founding chairman),
    not a preposition such as "including"."""
    title_word = tok.pos_ in ("NOUN", "ADJ", "PROPN", "X") or tok.tag_ in ("VBG", "VBN")
    return tok.is_lower and tok.is_alpha and title_word and tok.dep_ != "prep"


class PositionExtractor:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_positions = positions(doc)
        return doc


@Language.factory("kg_positions", assigns=["doc._.kg_positions"], requires=["doc._.kg_entities"])
def make_positions(nlp: Language, name: str) -> PositionExtractor:
    return PositionExtractor(nlp, name)
