"""``kg_coref``: rule-based coreference for pronouns and role nouns.

- he/she/him/her/his/hers: the most recent person mentioned before, preferring
  one that was the subject of a clause in the last three sentences;
- they/them/their: the most recent group, organisation or country subject;
- role nouns ("the Prime Minister", "the new US president"): the person who
  holds that office in this article (from ``kg_positions``), else the most
  recent person who holds any office and was the subject of a speech verb
  ("the Cabinet minister said").

Assigns ``doc._.kg_coref`` (token index -> entity id).
"""

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.tokens import Doc

from kg.nlp import attrs, lexicon
from kg.nlp.component import LexiconUser

_SINGULAR = {"he", "him", "his", "she", "her", "hers", "himself", "herself"}
_OBJECTIVE = {"him", "her", "hers", "himself", "herself"}
_PLURAL = {"they", "them", "their", "theirs", "themselves"}
_GROUP_TYPES = ("Organization", "GPE", "Group")
_SUBJ = ("nsubj", "nsubjpass")


def coreference(doc: Doc, cues: frozenset[str] | None = None, window: int = 3, pronouns=None) -> dict[int, str]:
    """Token index -> entity id for the pronouns and role nouns of ``doc`` that refer to an entity
    (needs ``kg_entities`` and ``kg_positions``). ``cues``: the lexicon's speech verbs; ``pronouns``:
    :func:`~kg.nlp.attrs.hashes` of the pronouns resolved, for speed."""
    cues = lexicon.load().quote_cues if cues is None else cues
    pronouns = attrs.hashes(doc.vocab, _SINGULAR | _PLURAL) if pronouns is None else pronouns
    ents = doc._.kg_entities or {}
    tok_ent = doc._.kg_token_entity or {}
    holders: dict[str, str] = {}  # office id -> person id
    office_holders: set[str] = set()
    for h in doc._.kg_positions or []:
        if h.predicate == "holds_position":
            holders.setdefault(h.object, h.subject)
            office_holders.add(h.subject)
    coref: dict[int, str] = {}
    recent: list[tuple[int, str, bool, int]] = []  # token i, entity, is subject, sentence index
    numbers = attrs.sentence_numbers(doc)
    ent_at: dict[int, object] = {}  # token -> its entity span, filled on the first office seen
    last_speaker: tuple[str, int] | None = None  # (entity, sentence) of the last speech-verb subject

    def sent_no(tok):
        return numbers[tok.i]

    # only tokens in a mention or pronouns can refer: the others are skipped without a Token object
    for i in sorted({*tok_ent, *attrs.indices(doc, LOWER, pronouns)}):
        tok = doc[i]
        eid = tok_ent.get(tok.i)
        lower = tok.lower_
        ref = None
        if eid is None and lower in _SINGULAR and tok.pos_ == "PRON":
            is_person = lambda e: ents[e].type == "Person"  # noqa: E731
            if (
                tok.dep_ in _SUBJ
                and tok.head.lemma_ in cues
                and last_speaker
                and sent_no(tok) - last_speaker[1] <= window
            ):
                ref = last_speaker[0]  # "He added": the last speaker goes on speaking
            elif lower in _OBJECTIVE:
                ref = _pick(recent, sent_no(tok), is_person, window, prefer_subject=False)
            else:
                ref = _pick(recent, sent_no(tok), is_person, window)
        elif eid is None and lower in _PLURAL and tok.pos_ == "PRON":
            ref = _pick(recent, sent_no(tok), lambda e: ents[e].type in _GROUP_TYPES, window)
        elif eid is not None and ents.get(eid) and ents[eid].type == "Office" and _role_noun(doc, tok, ent_at):
            ref = holders.get(eid)
            if (
                ref is None
                and tok.dep_ in _SUBJ
                and tok.head.lemma_ in cues
                and last_speaker
                and last_speaker[0] in office_holders
            ):
                ref = last_speaker[0]
        if ref:
            coref[tok.i] = ref
        target = ref or eid
        if target and target in ents and (ref or tok.i == 0 or tok_ent.get(tok.i - 1) != eid or tok.dep_ in _SUBJ):
            is_subj = tok.dep_ in _SUBJ
            recent.append((tok.i, target, is_subj, sent_no(tok)))
            if is_subj and _speech(tok.head, cues) and ents[target].type == "Person":
                last_speaker = (target, sent_no(tok))
    return coref


def _speech(verb, cues) -> bool:
    """A speech verb, or a verb conjoined with one ("welcomed the plan and said ...")."""
    return verb.lemma_ in cues or any(c.dep_ == "conj" and c.lemma_ in cues for c in verb.children)


def _pick(recent, sent, accept, window: int, prefer_subject=True):
    for _, eid, is_subj, s in reversed(recent):
        if sent - s > window or not prefer_subject:
            break
        if is_subj and accept(eid):
            return eid
    for _, eid, _, _ in reversed(recent):
        if accept(eid):
            return eid
    return None


def _role_noun(doc: Doc, tok, ent_at: dict) -> bool:
    """An office mention used on its own as a noun phrase ("the Prime Minister said"). ``ent_at``:
    token -> entity span of ``doc`` (filled here when empty)."""
    if tok.i != tok.head.i and tok.dep_ == "compound":
        return False
    if not ent_at:
        ent_at.update((i, e) for e in doc.ents for i in range(e.start, e.end))
    span = ent_at.get(tok.i)
    if span is None or tok.i != span.root.i:
        return False
    nxt = span.end
    if nxt < len(doc) and doc[nxt].ent_type_ == "PERSON":
        return False  # premodifier of a name
    if any(c.dep_ == "appos" for c in tok.children) or tok.dep_ == "appos":
        return False
    first = doc[span.start - 1] if span.start > 0 else None
    # "the Prime Minister", "the new US president"
    return any(c.lower_ in ("the", "this", "that") for c in tok.children if c.dep_ == "det") or (
        first is not None and first.lower_ == "the"
    )


class Coreference(LexiconUser):
    def __init__(self, nlp: Language, name: str, window: int = 3):
        self.name = name
        self.window = window
        self.pronouns = attrs.hashes(nlp.vocab, _SINGULAR | _PLURAL)
        super().__init__()

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_coref = coreference(doc, self.lex.quote_cues, self.window, self.pronouns)
        return doc


@Language.factory(
    "kg_coref",
    assigns=["doc._.kg_coref"],
    requires=["doc._.kg_entities", "doc._.kg_positions"],
    default_config={"window": 3},
)
def make_coref(nlp: Language, name: str, window: int) -> Coreference:
    return Coreference(nlp, name, window)
