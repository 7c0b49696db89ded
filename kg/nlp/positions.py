"""``kg_positions``: who holds which office, and whose office it is.

Patterns (all on the dependency parse and the OFFICE entities from the office ruler):

- premodifier: "Defence Secretary John Healey", "UK and US defence secretaries John Healey and Pete Hegseth"
- apposition: "John Healey, the Defence Secretary", "the Prime Minister, Keir Starmer"
- "X, the Y of Z" and "Z's Y X" also give office_of(Y, Z); "US Defence Secretary" gives office_of(Y, US)
- copula: "Healey is the Defence Secretary"
- party: "Labour MPs A and B", "Tory foreign affairs spokesman X" give member_of(A, Labour) as well;
  a party right before a name ("Labour's Alan Milburn", "Tory Ken Clarke") gives member_of alone

Each holds_position has a ``status`` attribute (:func:`status`): ``former`` ("former home secretary
David Blunkett", "ex-chancellor", "the then prime minister", "BBC chairman Gavyn Davies resigned"),
``designate`` ("President-elect", "foreign secretary designate", "X will become leader"),
``hypothetical`` ("Charles would be the supreme governor", "Brown wants to be prime minister", "if X
became leader"), else ``current``; a copula under "not" gives no holding.
"""

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from kg.nlp import args, attrs, countries, office_names, offices, parties
from kg.schema import ids

EXTRACTOR = "kg_positions"
# offices of a state or a committee, not of a party, whoever holds them ("a Labour chancellor", "the Tory home
# secretary"); a party's shadow posts are its own
_STATE_OFFICE = re.compile(
    r"(?!Shadow )(.+ )?(Minister|Secretary|Chancellor|Chancellor of the Exchequer|Secretary to the Treasury)$"
    r"|(Secretary of State|Attorney General|Solicitor General|Senator|Governor|Mayor|Speaker|Ambassador"
    r"|Commissioner|King|Queen|Vice-President|High Representative)$"
    r"|Committee .+"  # "Lib Dem constitutional affairs committee chairman": the committee's post
)
_ORG_TYPES = ("Organization", "Media", "Group")
_OWNER_PREPS = ("of", "at", "for", "with")  # an organisation after an office: the one the post is at
_CORPORATE = frozenset(
    {"Chief Executive", "Economist", "Chief Economist", "Analyst", "Chief Analyst", "Strategist", "Managing Director"}
)
# posts a country has, so that a nationality or a country before them is their owner ("Turkmen President",
# "Brazilian finance minister"), unlike a firm's or a profession's ("Dutch co-chairman")
_COUNTRY_POST = re.compile(
    r"(.+ )?(President|Leader|Premier|MP|MEP|Envoy|Diplomat|Spokesperson|Officer|Commander|Chief of Staff"
    r"|Prosecutor|Sheriff|Whip|Monarch|Secretary General|General Secretary)$|Lord .+|Leader of .+"
)
_MARKETS = frozenset({"market", "industry", "sector", "world", "price", "brand", "technology", "cost"})
# owners named with "the": "the United States", "the Labour Party", "the Liberal Democrats", "the BBC"
_THE_OWNER = re.compile(
    r"(?!The )(United .+|.+ (Republic|Party|Union|Council|Association|Bank|Commission|Committee|Office|Service"
    r"|Federation|Institute|Society|Corporation|Board|Agency|Department|Ministry|Democrats|Fund|Assembly)"
    r"|Netherlands|Philippines|BBC|CBI|TUC|EU|UN|IMF|OECD|NHS|FBI|CIA)$"
)
_SEATS = frozenset({"MP", "MEP", "MSP", "AM", "Senator", "Congressman", "Councillor", "Candidate"})  # "for" a seat
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

    words = _status_words(doc)
    doc_ents = doc.ents
    at = {i: e for e in doc_ents for i in range(e.start, e.end)}  # token -> the model entity over it
    mentions = [(ent, attrs.entity_of(doc, ent.start)) for ent in doc_ents if ent.label_ == "OFFICE"]
    found = {
        ent.start: (_holders(doc, ent, etype, at), _owners(doc, ent, etype, at)) for ent, office in mentions if office
    }
    posts = office_names.name_posts(doc, mentions, found, etype)
    for ent, office in mentions:
        if office is None or _market_leader(doc, ent):
            continue
        holders, (office, owners) = found[ent.start][0], posts[ent.start]
        orgs = [org for org, _ in owners if etype(org) in ("Organization", "Media", "Group")]
        held = status(doc, ent, words) if holders else None
        for h in holders if held else ():
            add("holds_position", h, office, [*ent, *doc[ent.end - 1 : ent.end]], 0.9, status=held)
            if len(orgs) == 1:  # "Welsh Tory MP X": the party, not the country
                add("member_of", h, orgs[0], list(ent), 0.8)
        state = _STATE_OFFICE.match(ents[office].name) if office in ents else None
        for org, tok in owners:
            if not (state and tok.ent_id_):  # a party's premodifier on a state office is its holder's party
                add("office_of", office, org, [tok, *ent], 0.8)
    for person, party, toks in [*_party_members(doc, etype), *parties.of_party_members(doc, etype)]:
        add("member_of", person, party, toks, 0.8)
    return hits


def _market_leader(doc: Doc, ent: Span) -> bool:
    """Whether a "leader" is a firm's place in a market ("market leader Mengniu Dairy"), not a post."""
    return ent.ent_id_.endswith("Leader") and ent.start > 0 and doc[ent.start - 1].lower_ in _MARKETS


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


# the holder leaves the post: subject of these verbs ("Home Secretary David Blunkett resigned") ...
_LEAVE = frozenset({"resign", "quit", "retire", "die", "stand", "step"})  # stand/step: with "down" or "aside"
# ... passive subject of these ("ex-chairman X was sacked") ...
_REMOVED = frozenset({"sack", "oust", "dismiss", "fire", "depose", "topple", "unseat"})
# ... or named by these nouns ("the resignation of BBC chairman Gavyn Davies", "Blunkett’s resignation"; not
# "departure", which is as often from a party as from a post)
_DEPARTURE = frozenset({"resignation", "sacking", "ousting", "retirement", "death", "funeral"})
_HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "can", "must", "'d"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll"})
_CONDITIONS = frozenset({"if", "unless", "whether"})
_WHEN = frozenset({"when", "after", "once", "until", "before"})  # with a present-tense copula: a future post
# what a holder leaves when the post goes with it ("have left the firm")
_LEFT_PLACES = frozenset({"firm", "company", "post", "job", "office", "board", "bank", "group", "government"})
# "X is (set) to become leader", "X agreed to become chairman": appointed, not yet in office
_DESIGNATE_GOVERNORS = frozenset({"be", "set", "due", "agree", "appoint", "name", "choose", "elect", "nominate"})
_STILL = frozenset({"continue", "remain", "stay"})  # "X continues to be chairman": in office
_APPOINT = frozenset({"appoint", "name", "elect", "choose", "make", "install", "confirm"})  # the object holds
_COPULAS = frozenset({"be", "become", "remain", "serve"}) | _APPOINT
# what may stand between an office and the status words before it ("former Tory chancellor")
_NP_POS = frozenset({"NOUN", "PROPN", "ADJ", ""})


def _status_words(doc: Doc) -> dict[int, str]:
    """Token -> status for the ruler's status words (:data:`kg.nlp.offices.STATUS_SPANS`)."""
    spans = doc.spans.get(offices.STATUS_SPANS) if doc.spans else None
    return {i: s.label_ for s in spans or () for i in range(s.start, s.end)}


def status(doc: Doc, ent: Span, words: dict[int, str]) -> str | None:
    """The status of holdings read from the office mention ``ent`` (see the module docstring), or None
    when the sentence denies them; ``words`` from :func:`_status_words`."""
    said = _said_status(doc, ent, words)
    if said:
        return said
    verb = _copula(ent.root)
    if verb is not None:
        return _clause_status(verb)
    return "former" if _left(_noun_phrase_head(ent.root)) else "current"


def _copula(office: Token) -> Token | None:
    """The verb that gives its subject (or object) the office: "is/became/remained the Y", "named X the
    Y", "resigned/was appointed as Y"."""
    head = office.head
    if office.dep_ in ("attr", "oprd") and head.lemma_ in _COPULAS:
        return head
    verb = head.head
    if office.dep_ == "pobj" and head.lower_ == "as" and (_leaves(verb) or verb.lemma_ in _REMOVED | _APPOINT):
        return verb
    return None


def _said_status(doc: Doc, ent: Span, words: dict[int, str]) -> str | None:
    """The status the words of the office's noun phrase give: inside the mention ("President-elect"), or
    before it across owners, hyphens and portfolio words ("former Tory chancellor", "ex-Labour minister")."""
    if not words:
        return None
    for i in range(ent.start, ent.end):
        if i in words:
            return words[i]
    first = ent.sent.start
    for i in range(ent.start - 1, max(first, ent.start - 7) - 1, -1):
        if i in words:
            return words[i]
        t = doc[i]
        if not (t.text in ("-", "'s", "’s") or t.ent_type_ or (t.is_alpha and not t.is_stop and t.pos_ in _NP_POS)):
            return None
    return None


def _clause_status(verb: Token) -> str | None:
    """The status a copula's clause gives its subject's holding ("would be", "wants to be", "if he became",
    "will become"), or None when it denies it ("is not the leader")."""
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children):
        return None
    if any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in children):
        return "hypothetical"
    if verb.tag_ in ("VBZ", "VBP") and any(c.dep_ == "mark" and c.lower_ in _WHEN for c in children):
        return "designate"  # "after Charles becomes king": not yet
    aux = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass")}
    if aux & _HYPOTHETICAL_AUX:
        return "hypothetical"
    if _leaves(verb) or verb.lemma_ in _REMOVED:  # "resigned as": former; "threatened to resign as": in post
        unreal = verb.dep_ in ("xcomp", "acl") or "to" in aux or aux & (_FUTURE_AUX | _HYPOTHETICAL_AUX)
        return "current" if unreal else "former"
    if verb.dep_ in ("xcomp", "acl") and verb.head is not verb:  # "wants to be", "bid to become"
        gov = verb.head
        if gov.lemma_ in _STILL:
            return "current"
        return "designate" if gov.lemma_ in _DESIGNATE_GOVERNORS else "hypothetical"
    if aux & _FUTURE_AUX:
        return "designate"
    if any(c.dep_ == "advmod" and c.lower_ in ("once", "formerly", "previously") for c in children):
        return "former"
    if verb.lemma_ in ("be", "serve") and verb.tag_ == "VBD" and not aux and verb.dep_ != "ccomp":
        # "X was a lecturer at Oxford": a past post (not "became", which still holds, nor "said X was")
        return "former"
    return "current"


def _noun_phrase_head(tok: Token) -> Token:
    """The head of the noun phrase an office word is in: the name it premodifies ("Home Secretary David
    Blunkett"), the person it is in apposition to, or itself."""
    for _ in range(3):
        if tok.dep_ in ("compound", "nmod", "amod", "appos") and tok.head is not tok:
            tok = tok.head
        else:
            break
    return tok


def _leaves(verb: Token) -> bool:
    """Whether ``verb`` says its subject leaves a post ("resigned", "stood down"; not "stood as")."""
    if verb.lemma_ in ("stand", "step"):
        return any(c.dep_ in ("prt", "advmod") and c.lower_ in ("down", "aside") for c in verb.children)
    return verb.lemma_ in _LEAVE


def _left(np: Token) -> bool:
    """Whether the sentence has the person named by the noun phrase ``np`` leave their post."""
    while np.dep_ == "conj" and np.head is not np:  # "the resignation of A, B and C"
        np = np.head
    head = np.head
    if np.dep_ == "nsubj" and head.lemma_ == "leave" and not any(c.dep_ == "neg" for c in head.children):
        return any(c.dep_ == "dobj" and c.lemma_ in _LEFT_PLACES for c in head.children)
    if np.dep_ == "nsubj" and _leaves(head):
        # "is stepping down at the election": still in post; "resigned the party whip": another post
        if head.tag_ == "VBG" or any(c.dep_ == "dobj" for c in head.children):
            return False
        return not any(c.dep_ == "neg" or c.lower_ in _FUTURE_AUX | _HYPOTHETICAL_AUX for c in head.children)
    if np.dep_ == "nsubjpass" and (head.lemma_ in _REMOVED or _voted_out(head)):
        return not any(c.dep_ == "neg" for c in head.children)
    if np.dep_ == "dobj" and (head.lemma_ in _REMOVED or _voted_out(head)) and head.tag_ in ("VBD", "VBN"):
        # "the board sacked its chairman X": done, unless only threatened or denied
        return not any(c.dep_ in ("neg", "aux") and c.lower_ not in ("has", "have", "had") for c in head.children)
    if np.dep_ == "poss" and head.lemma_ in _DEPARTURE:
        return True
    return np.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_ in _DEPARTURE


def _voted_out(verb: Token) -> bool:
    return verb.lemma_ == "vote" and any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children)


def _person_chain(doc, tok, etype, list_of: Span | None = None) -> list[str]:
    """The people listed with ``tok``; for the plural office ``list_of``, only those between it and the
    next office ("Balfour Beatty managers A and B, and Railtrack managers C and D")."""
    out = []
    lo, hi = (list_of.end, _next_office(doc, list_of.end)) if list_of is not None else (0, len(doc))
    for t in args.conjuncts(tok):
        if not lo <= t.i < hi:
            continue
        eid = attrs.entity_of(doc, t.i)
        if eid and etype(eid) == "Person" and eid not in out:
            out.append(eid)
    return out


def _next_office(doc: Doc, start: int) -> int:
    return next((e.start for e in doc.ents if e.label_ == "OFFICE" and e.start >= start), len(doc))


def _holders(doc: Doc, ent: Span, etype, at: dict[int, Span]) -> list[str]:
    """People holding the office ``ent`` (``at``: token -> the entity over it)."""
    holders: list[str] = []
    # premodifier: office directly before a person's name
    nxt = ent.end
    named = attrs.entity_of(doc, nxt) if nxt < len(doc) else None
    if named is not None and etype(named) == "Person":
        span = at.get(nxt) or doc[nxt : nxt + 1]
        if ent.root.tag_ in ("NNS", "NNPS"):  # "defence secretaries John Healey and Pete Hegseth"
            holders += _person_chain(doc, span.root, etype, list_of=ent)
        holders += [named] if not holders else []
    root = ent.root
    # apposition in either direction, and a person list in apposition ("Two Labour MPs, A and B")
    plural = root.tag_ in ("NNS", "NNPS")
    for c in root.children:
        if c.dep_ == "appos":  # "the Prime Minister, Keir Starmer"; "Two Labour MPs, A and B"
            chain = _person_chain(doc, c, etype, list_of=ent if plural else None)
            holders += [h for h in (chain if plural else chain[:1]) if h not in holders]
    if root.dep_ == "appos":  # "John Healey, the Defence Secretary" (not the people listed after him)
        holders += [h for h in _person_chain(doc, root.head, etype)[:1] if h not in holders]
    # copula: "X is/was/became the Y", "Blair named X home secretary", "X resigned as home secretary"
    verb = _copula(root)
    if verb is not None:
        if args.is_passive(verb):
            subj = [c for c in verb.children if c.dep_ == "nsubjpass"]
        elif verb.lemma_ in _APPOINT:  # whoever names someone to a post does not hold it
            subj = [c for c in verb.children if c.dep_ == "dobj"]
        else:  # the subject, or who the infinitive is about ("Brown wants to be prime minister")
            subj = args.logical_subjects(verb)
        if subj:
            holders += [h for h in _person_chain(doc, subj[0], etype) if h not in holders]
    # the office heads the noun phrase, the person is a compound inside it ("Prime Minister Keir Starmer"
    # parsed with the name as head): the name's compound children include the office
    # ("Labour leader Tony Blair and Conservative leader Michael Howard": a singular office names one)
    if root.dep_ == "compound" and etype(attrs.entity_of(doc, root.head.i)) == "Person":
        # one name for a singular office, not the names listed with it ("Ms Jamieson and First Minister Jack
        # McConnell")
        chain = _person_chain(doc, root.head, etype, list_of=ent if plural else None)
        holders += [h for h in (chain if plural else chain[:1]) if h not in holders]
    return holders


def _owners(doc: Doc, ent: Span, etype, at: dict[int, Span]) -> list[tuple[str, Token]]:
    """Countries or organisations the office belongs to: premodifiers, possessors, 'of Z' (``at``: token ->
    the entity over it)."""
    owners: list[tuple[str, Token]] = []
    i = _before_portfolio(doc, ent.start)
    last = i - 1 if i > 0 and doc[i].text in ("'s", "’s") else i  # the word right before the post or its "'s"
    # "UK and US defence secretaries", "US Defence Secretary", "Labour MPs", "Britain's defence secretary"
    while i >= 0 and (doc[i].text in ("'s", "’s", "'", "’", "and") or attrs.entity_of(doc, i)):
        eid = attrs.entity_of(doc, i)
        if eid and _portfolio_name(doc, i, at):
            break
        if eid and etype(eid) in ("GPE", "Organization", "Media", "Group"):
            if eid not in [o for o, _ in owners]:
                owners.insert(0, (eid, doc[i]))
            elif owners[0][0] == eid:
                owners[0] = (eid, doc[i])  # the evidence starts at the owner's first word ("Liberal Democrat")
        elif (
            eid
            and doc[i].ent_type_ == "ORG"
            and etype(eid) == "Person"
            and i == last
            and (i == ent.start - 1 or _firm_as_person(doc, ent, eid))
        ):
            # "former Disney directors Roy Disney": a firm the model tagged, taken for the holder's surname;
            # "X, DaimlerChrysler's chairman": a firm the article's other mentions made a person
            org = organisation_named(doc, doc[i], "of", firm=True)
            if org:
                owners.insert(0, (org, doc[i]))
            break
        elif eid:
            break
        i -= 1
    if not owners:  # "the carmaker's chief executive": the one firm the sentence (or the one before) names
        owners += _described_owner(doc, ent, etype)
    if all(etype(o) == "GPE" for o, _ in owners):  # "its UK chief executive": the firm's
        owners += _pronoun_owner(doc, ent, etype)
    if not owners and ent.ent_id_.endswith("Party Leader"):
        owners += _subject_party(doc, ent)
    # "director of the CBI", "an economist at Natexis", "spokesman for Liberty"; after a name the office
    # premodifies, the organisation it works at ("analyst Mike Powell of Dresdner", "economist X at IXIS")
    heads = dict.fromkeys([ent.root, ent[-1]])  # "vice-chairman of X" may hang "of" on "chairman", not "vice"
    found = [(p, t) for p in _OWNER_PREPS for h in heads for t in args.prep_objects(h, p)]
    if ent.ent_id_ in _CORPORATE:  # "an investment analyst from ING": where the analyst works
        found += [("at", t) for h in heads for t in args.prep_objects(h, "from")]
    person = at.get(ent.end)
    if person is not None and (person.start != ent.end or person.label_ != "PERSON"):
        person = None
    if not owners and person is not None and person.end + 1 < len(doc) and doc[person.end].lower_ in ("of", "at"):
        after = doc[person.end]  # the organisation itself, not what it did ("analyst X of Inbev's results")
        found += [(after.lower_, c) for c in after.children if c.dep_ == "pobj" and attrs.entity_of(doc, c.i)]
    apart: set[int] = set()  # "Professor X, of the University of Y": an organisation only, never a place
    if not owners and person is not None and person.end + 2 < len(doc) and doc[person.end].text == ",":
        after = doc[person.end + 1]
        if after.lower_ in ("of", "at"):
            objs = [c for c in after.children if c.dep_ == "pobj" and attrs.entity_of(doc, c.i)]
            found += [("at", c) for c in objs]
            apart |= {c.i for c in objs}
    state = bool(_STATE_OFFICE.match(ent.ent_id_))
    if not owners and not state and any(p in ("of", "at") and _described(t) for p, t in found):
        owners += _one_firm(doc, ent.sent, etype)  # "chief executive of the firm": the firm the text names
    for prep, t in found:
        if prep == "for" and (any(etype(o) != "GPE" for o, _ in owners) or state or ent.ent_id_ in _SEATS):
            continue  # "MP for Sleaford", "Minister for Planning", "Tory spokesman for the Cabinet Office"
        eid = args.entity_of(doc, t)
        kinds = ("GPE", *_ORG_TYPES) if prep == "of" else _ORG_TYPES
        if not state and ent.ent_id_ not in _SEATS and (eid is None or etype(eid) not in kinds):
            # a firm's post "at" a place name is at the firm of that name ("economist at Halifax")
            firm = prep == "at" and ent.ent_id_ in _CORPORATE and t.i not in apart
            eid = organisation_named(doc, t, prep, firm=firm) or eid
        if eid and etype(eid) in kinds and eid not in [o for o, _ in owners]:
            owners.append((eid, t))
    # "UK economist at RBS", "its UK chief executive": a region the post covers, not its owner; "Dutch
    # co-chairman", "Malaysia entrepreneur": a nationality, as no country has such a post
    country_post = state or _COUNTRY_POST.match(ent.ent_id_)
    if not country_post or ent.ent_id_ in _CORPORATE or any(etype(o) != "GPE" for o, _ in owners):
        owners = [(o, t) for o, t in owners if etype(o) != "GPE"]
    return owners


def _firm_as_person(doc: Doc, ent: Span, eid: str) -> bool:
    """Whether the person entity ``eid`` that a name the model tagged ORG before a post's "'s" resolved to is
    a firm taken for a person: a one-word name ("Peoplesoft's director"), or the holder's own surname; not
    someone else's full name ("Napier's lawyer", Robert Napier a client). Right before the post ("Disney
    directors") the model's tag is taken as it is."""
    info = (doc._.kg_entities or {}).get(eid)
    return bool(info and " " not in info.name) or (ent.end < len(doc) and attrs.entity_of(doc, ent.end) == eid)


def organisation_named(doc: Doc, t: Token, prep: str, firm: bool = False) -> str | None:
    """The organisation entity for the capitalised name ending at ``t`` after a post's "at", "of" or "for"
    that the model left untagged or took for a place or a person ("an analyst at Gartmore", "analyst at
    brokers Jefferies", "director general of Age Concern England", "analyst at ASK-Raymond James"), made if
    need be; None when the words are no such name (a known place, a lower-case noun, part of a longer name).
    ``firm``: the words are known to name an organisation whatever the model says (a firm's post "at" a
    name, "economist at Halifax"; a name the model tagged ORG before a post, "Disney directors")."""
    ents, tokens = doc._.kg_entities, doc._.kg_token_entity
    if ents is None or tokens is None or not (t.is_title or t.is_upper) or not t.is_alpha or t.pos_ != "PROPN":
        return None
    start = t.i
    while start - 1 > t.sent.start and (doc[start - 1].is_title or doc[start - 1].text == "&") and t.i - start < 5:
        start -= 1
    hyphened = False  # "ASK-Raymond James": capitalised words joined by a hyphen are one firm's name
    while (
        start - 2 > t.sent.start
        and doc[start - 1].text == "-"
        and not doc[start - 2].whitespace_
        and not doc[start - 1].whitespace_
        and (doc[start - 2].is_title or doc[start - 2].is_upper)
        and doc[start - 2].ent_type_ != "PERSON"  # "Robert Kilroy-Silk": a double-barrelled name
    ):
        start, hyphened = start - 2, True
    if doc[start].text == "&" or any(w.ent_type_ in ("OFFICE", "DATE") or w.is_stop for w in doc[start : t.i + 1]):
        return None
    span = doc[start : t.i + 1]
    if prep == "of" and len(span) == 1 and not t.is_upper and not firm:
        return None  # "professor of Economics": a subject, unless a longer name or an acronym
    # the words are a whole name or none: no entity may run on past them
    if any(e.start < start < e.end or e.start <= t.i < e.end - 1 for e in doc.ents):
        return None
    places = countries.default()
    if not firm and (places.lookup(span.text) or places.demonym(span.text) or places.place(span.text)):
        return None
    old = {tokens.get(i) for i in range(span.start, span.end)} - {None}
    if not (firm or hyphened) and any(ents[o].type == "Person" and " " in ents[o].name for o in old if o in ents):
        return None  # a person's full name: the model may be right
    new = ids.entity_id(span.text, "Organization")
    ents.setdefault(new, attrs.EntityInfo(new, span.text, "Organization"))
    for i in range(span.start, span.end):
        tokens[i] = new
    mentions = doc._.kg_mentions
    if mentions is not None:
        mentions[:] = [m for m in mentions if not (span.start <= m.start < span.end)]
        mentions.append(attrs.MentionInfo(new, span.start, span.end))
    for o in old:
        if o in ents and not any(m.entity_id == o for m in mentions or ()):
            ents.pop(o)
    return new


_DESCRIPTORS = frozenset(
    {"carmaker", "bank", "firm", "company", "group", "airline", "retailer", "insurer", "lender", "brewer", "exchange"}
)


def _described_owner(doc: Doc, ent: Span, etype) -> list[tuple[str, Token]]:
    """The firm "the carmaker's" or "the bank's" before a post stands for: the one organisation the
    sentence names, or else the one the sentence before names ("When asked if BMW would ..., the carmaker's
    chief executive X said"); none when there are more or none."""
    k = _before_portfolio(doc, ent.start)
    while k > 0 and doc[k].lower_ in ("new", "former"):  # "the company's new chief executive"
        k -= 1
    if k < 2 or doc[k].text not in ("'s", "’s") or doc[k - 1].lower_ not in _DESCRIPTORS:
        return []
    if doc[k - 2].lower_ != "the":
        return []
    return _one_firm(doc, ent.sent, etype)


def _described(t: Token) -> bool:
    """Whether ``t`` is "the [adjectives] <descriptor>" ("chief executive of the Frankfurt-based exchange")."""
    return t.lower_ in _DESCRIPTORS and t.pos_ == "NOUN" and any(c.lower_ == "the" for c in t.children)


def _one_firm(doc: Doc, sent: Span, etype) -> list[tuple[str, Token]]:
    """The one organisation ``sent`` names, or else the one the sentence before names; none if more."""
    spans = [sent]
    if sent.start > 0:
        spans.append(doc[sent.start - 1].sent)
    for span in spans:
        orgs: dict[str, Token] = {}
        for tok in span:
            eid = attrs.entity_of(doc, tok.i)
            if eid and etype(eid) in _ORG_TYPES and tok.ent_type_ != "OFFICE":
                orgs.setdefault(eid, tok)
        if orgs:
            kinds = {etype(o) for o in orgs}
            return list(orgs.items()) if len(orgs) == 1 and kinds == {"Organization"} else []
    return []


def _pronoun_owner(doc: Doc, ent: Span, etype) -> list[tuple[str, Token]]:
    """The organisation "its" or "their" before an office stands for: the nearest subject above it that
    names one ("Vodafone has drafted in its UK chief executive X", "Yukos claims ... its founder X")."""
    k = ent.start - 1
    while (
        k >= 0 and ent.start - k <= _PORTFOLIO and (_portfolio_word(doc[k]) or etype(attrs.entity_of(doc, k)) == "GPE")
    ):
        k -= 1
    if k < 0 or doc[k].lower_ not in ("its", "their"):
        return []
    for verb in doc[k].ancestors:
        for subj in (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")):
            if subj.left_edge.i <= k <= subj.right_edge.i:
                continue  # the phrase "its" is in
            eid = attrs.entity_of(doc, subj.i)
            if eid:  # the nearest named subject, or none: "its" may stand for a name mistyped as a person
                # ... and no other name between them that "its" may stand for
                between = {attrs.entity_of(doc, i) for i in range(subj.i + 1, k)} - {None, eid}
                rival = any(etype(o) in ("Person", *_ORG_TYPES) for o in between)
                return [(eid, subj)] if etype(eid) in _ORG_TYPES and not rival else []
    return []


def _subject_party(doc: Doc, ent: Span) -> list[tuple[str, Token]]:
    """The party a bare "leader" is of when the clause above it has that party as its subject and the
    sentence names no other: "The Liberal Democrats launched ..., with leader Charles Kennedy saying"."""
    named = {t.ent_id_ for t in ent.sent if t.ent_id_ and t.ent_type_ == "ORG"}
    if len(named) != 1:
        return []
    for verb in ent.root.ancestors:
        for subj in (c for c in verb.children if c.dep_ == "nsubj"):
            eid = attrs.entity_of(doc, subj.i)
            if subj.ent_id_ in named and eid:
                return [(eid, subj)]
    return []


def _portfolio_name(doc: Doc, i: int, at: dict[int, Span]) -> bool:
    """Whether the name ending at token ``i`` before an office is its portfolio, not its owner: "Monetary
    Affairs Commissioner", "Economy and Labour Minister" (a party after "and" and a capitalised word)."""
    if doc[i].text == "Affairs" and i > 0 and doc[i - 1].is_title:
        return True
    if doc[i].text == "Labour" and i + 1 < len(doc) and doc[i + 1].text in ("Minister", "Secretary"):
        return True  # "Labour Minister X" in capitals: the minister of labour, as "Labour minister" is the party's
    ent = at.get(i)
    j = ent.start if ent is not None else i
    return bool(
        ent is not None
        and ent.ent_id_
        and j > 1
        and doc[j - 1].lower_ in ("and", "&")
        and doc[j - 2].is_title
        and not attrs.entity_of(doc, j - 2)
    )


def _before_portfolio(doc: Doc, start: int) -> int:
    """The token before an office's portfolio words, when an entity stands there ("Tory [foreign affairs]
    spokesman", "Israeli [industry] minister", "Tory Party [co-]chairman"), else the token before the office."""
    i = start - 1
    while i >= 0 and start - i <= _PORTFOLIO and (_joining_hyphen(doc, i) or _portfolio_word(doc[i])):
        if attrs.entity_of(doc, i):
            break
        i -= 1
    if i > 0 and i < start - 1 and doc[i].text in ("'s", "’s", "'", "’") and attrs.entity_of(doc, i - 1):
        return i  # a possessor: "IMF's managing director", "the Liberal Democrats' economics spokesman"
    return i if i < start - 1 and i >= 0 and attrs.entity_of(doc, i) else start - 1


def _joining_hyphen(doc: Doc, i: int) -> bool:
    return doc[i].text == "-" and not doc[i].whitespace_ and i > 0 and not doc[i - 1].whitespace_


def _portfolio_word(tok) -> bool:
    """A word of a post's title: "home affairs", "industry", "founding" (BNP founding chairman), or one
    in capitals no name claims ("Lib Dem Home Affairs spokesman"); not a preposition such as "including"."""
    title_word = tok.pos_ in ("NOUN", "ADJ", "PROPN", "X") or tok.tag_ in ("VBG", "VBN")
    cased = tok.is_lower or (tok.is_title and not tok.ent_type_ and not tok.is_sent_start)
    return cased and tok.is_alpha and title_word and tok.dep_ != "prep"


class PositionExtractor:
    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_positions = positions(doc)
        return doc


@Language.factory("kg_positions", assigns=["doc._.kg_positions"], requires=["doc._.kg_entities"])
def make_positions(nlp: Language, name: str) -> PositionExtractor:
    return PositionExtractor(nlp, name)
