"""Shared dependency-tree helpers: arguments of a predicate, and what entity a token names."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.nlp import attrs

_REL_PRONOUNS = {"who", "which", "that", "whom"}
_OBJECT_CONTROL = {
    "urge",
    "call",
    "ask",
    "press",
    "deter",
    "help",
    "force",
    "persuade",
    "encourage",
    "allow",
    "invite",
    "tell",
    "warn",
    "prevent",
    "stop",
    "enable",
    "order",
    "push",
    "pressure",
}
_MODIFIER_DEPS = ("compound", "poss", "amod", "nmod")


def conjuncts(tok: Token) -> list[Token]:
    """``tok`` and the words the parser lists with it."""
    return [tok, *tok.conjuncts]


def listed(tok: Token) -> list[Token]:
    """The actors of a verb's argument headed by ``tok``: its :func:`conjuncts`, and an apposition that
    heads a list of its own ("Mordor, the Shire, Fornost and Bree welcomed": the parser hangs the rest on
    "the Shire"); a description in apposition is not ("Pansakun, the commander of the police, Khon Kaen,
    and ..."). Not for holders of posts: "X, the Commission President, Y, the Council President" is two
    holders, each of their own post."""
    out = conjuncts(tok)
    for a in tok.children:
        if (
            a.dep_ == "appos"
            and a.pos_ == "PROPN"
            and a.left_edge.i == tok.i + 2  # the next item of the list: "Mordor, the Shire, ..."
            and tok.nbor(1).text == ","
            and any(c.dep_ == "conj" for c in a.children)
        ):
            out += [a, *a.conjuncts]
    return out


def entity_of(doc: Doc, tok: Token) -> str | None:
    """The entity a noun phrase headed by ``tok`` names: itself, or an entity modifier
    ("the Trump administration" -> Trump, "Russian forces" -> Russia)."""
    eid = attrs.entity_of(doc, tok.i)
    if eid:
        return eid
    if tok.pos_ in ("NOUN", "PROPN"):
        for child in tok.children:
            if child.dep_ in _MODIFIER_DEPS:
                eid = attrs.entity_of(doc, child.i)
                if eid:
                    return eid
    return None


def names_actor(doc: Doc, tok: Token) -> bool:
    """Whether a noun phrase headed by ``tok`` names an entity by a name of its own or of a modifier,
    not through a possessive pronoun ("their resumption of ties with X" names X, not them)."""
    return bool(attrs.entity_of(doc, tok.i)) or any(
        c.dep_ in _MODIFIER_DEPS and c.pos_ != "PRON" and attrs.entity_of(doc, c.i) for c in tok.children
    )


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def is_passive_participle(verb: Token) -> bool:
    """A participle with an agent modifying a noun: "plans, backed by the UK, to lift the embargo"."""
    return (
        verb.dep_ == "acl"
        and verb.tag_ == "VBN"
        and any(c.dep_ == "agent" for c in verb.children)
        and all(t.text == "," for t in verb.doc[verb.head.i + 1 : verb.i])  # next to its noun, not a misparse
    )


def conj_head(verb: Token) -> Token:
    """The verb a coordinated verb goes with: its head, or, for a tensed verb the parser hung on a bare
    infinitive of a clause below ("said Labour would set out plans and attacked the Tory plans"), the verb
    governing that clause."""
    head = verb.head
    if (
        verb.tag_ in ("VBD", "VBZ")
        and head.tag_ == "VB"
        and head.dep_ in ("ccomp", "xcomp")
        and head.head is not head
        and head.head.tag_ == verb.tag_
        and any(c.dep_ == "aux" and c.tag_ in ("MD", "TO") for c in head.children)
    ):
        return head.head
    return head


def logical_subjects(verb: Token, depth: int = 0) -> list[Token]:
    """Who does ``verb``: its subject, the agent of a passive, or the controller of
    an infinitive/gerund ("deter Russia from attacking" -> Russia)."""
    if depth > 4:
        return []
    if depth == 0 and (is_passive(verb) or is_passive_participle(verb)):
        agents = [p for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"]
        return listed(agents[0]) if agents else []
    for c in verb.children:
        if c.dep_ in ("nsubj", "csubj") or (depth > 0 and c.dep_ == "nsubjpass"):
            if c.lower_ in _REL_PRONOUNS and verb.dep_ == "relcl":
                return listed(verb.head)
            return listed(c)
    head = verb.head
    if head is verb:
        return []
    if verb.dep_ == "conj":
        return logical_subjects(conj_head(verb), depth + 1)
    if verb.dep_ == "xcomp":
        objs = [c for c in head.children if c.dep_ == "dobj"]
        if objs and head.lemma_ in _OBJECT_CONTROL:
            return listed(objs[0])
        return logical_subjects(head, depth + 1)
    if verb.dep_ == "pcomp" and head.dep_ == "prep":
        gov = head.head
        objs = [c for c in gov.children if c.dep_ == "dobj"]
        if objs:
            return listed(objs[0])
        return logical_subjects(gov, depth + 1)
    if verb.dep_ in ("advcl", "acomp"):
        return logical_subjects(head, depth + 1)
    return []


def logical_objects(verb: Token) -> list[Token]:
    """What ``verb`` is done to: the direct object, or the subject of a passive."""
    if is_passive(verb):
        return [t for c in verb.children if c.dep_ == "nsubjpass" for t in listed(c)]
    if is_passive_participle(verb):
        return [verb.head]
    dobjs = [c for c in verb.children if c.dep_ == "dobj"]
    # a second direct object past a comma is a list the parser broke off ("every teacher, GP and nurse")
    commas = [c.i for c in verb.children if c.dep_ == "punct" and c.text == ","]
    dobjs = dobjs[:1] + [d for d in dobjs[1:] if not any(dobjs[0].i < i < d.i for i in commas)]
    return [t for c in verb.children if c.dep_ == "dative" or c in dobjs for t in listed(c)]


def prep_objects(tok: Token, prep: str) -> list[Token]:
    """Objects of ``prep`` under ``tok``: nouns ("talks with X") and gerunds ("reservations about sending")."""
    return [
        t
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ == prep
        for p in c.children
        if p.dep_ in ("pobj", "pcomp")
        for t in listed(p)
    ]


def controller_chain(tok: Token):
    """``tok`` and the words that govern it through infinitives, gerunds and
    adjectival complements ("would be willing to send": send, willing, be)."""
    node = tok
    for _ in range(6):
        yield node
        if node.dep_ == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children):
            return  # a clause of its own ("said a delay would be disastrous and she accused the Tories")
        if node.dep_ == "conj" and node.head is not node:
            node = conj_head(node)
        elif node.dep_ in ("xcomp", "acomp") and node.head is not node:
            node = node.head
        elif node.dep_ == "pcomp" and node.head.dep_ == "prep":
            node = node.head.head
        else:
            return


def modality_and_negation(tok: Token, modality_words: dict[str, str], neg_governors) -> tuple[str, bool]:
    modality, negated = "asserted", False
    prev = None
    for i, node in enumerate(controller_chain(tok)):
        if i > 0 and node.lemma_ in neg_governors:
            negated = True
        if i > 0 and node.lemma_ in modality_words and modality == "asserted":
            modality = modality_words[node.lemma_]
        if i > 0 and node.lemma_ == "be" and prev is not None and prev.dep_ == "xcomp" and modality == "asserted":
            modality = "intent"  # "the Tories are to back the plans"
        for c in node.children:
            if c.dep_ == "neg" and (i == 0 or node.dep_ != "conj"):
                negated = True
            if (
                c.dep_ in ("aux", "auxpass")
                and c.lower_ in modality_words
                and modality == "asserted"
                and not (c.lemma_ == "have" and node.tag_ == "VBN")  # "have attacked" is done, not an obligation
            ):
                modality = modality_words[c.lower_]
        prev = node
    return modality, negated


def hit(
    doc: Doc,
    predicate: str,
    subject: str,
    obj: str,
    tokens: list[Token],
    extractor: str,
    confidence: float,
    modality: str = "asserted",
    **extra,
) -> attrs.RelationHit:
    """A relation found in ``doc``, with the character span covering ``tokens`` and their sentence."""
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    sent = attrs.sentence(first)
    return attrs.RelationHit(
        subject=subject,
        predicate=predicate,
        object=obj,
        start=first.idx,
        end=last.idx + len(last.text),
        sent_start=sent.start_char,
        sent_end=sent.end_char,
        extractor=extractor,
        confidence=confidence,
        modality=modality,
        attrs=dict(extra),
    )
