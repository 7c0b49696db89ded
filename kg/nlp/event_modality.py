"""What governs an event's clause: a threat, a wish, a request or a permission, none of which is the act.

"Russia threatened to attack Ukraine" is a threat, not an attack; "Obama wants Putin to attack
Switzerland" a wish; "France demanded that Russia withdraw" a request; "will allow Russia to help
Israel" a permission. :func:`governor` walks up from the event's word through the clauses that govern it
and names the first such governor; the word lists are the lexicon's ``[events]`` section.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

# the links from a clause up to the word that governs it
_UP = ("xcomp", "ccomp", "advcl", "acl", "relcl", "dobj", "pobj", "prep", "pcomp", "dative")


@dataclass(frozen=True)
class Governors:
    threats: frozenset[str]  # verbs: the act under them is threatened
    wishes: frozenset[str]  # verbs: an act of someone else under them is wished
    requests: frozenset[str]  # verbs: an act under them is asked of someone
    permissions: frozenset[str]  # verbs and nouns: an act under them is permitted


def governors(data: dict) -> Governors:
    ev = data.get("events", {})
    return Governors(
        threats=frozenset(ev.get("threats", ())),
        wishes=frozenset(ev.get("wishes", ())),
        requests=frozenset(ev.get("requests", ())),
        permissions=frozenset(ev.get("permissions", ())),
    )


def _own_subject(clause: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children)


def _asked(clause: Token) -> bool:
    """An infinitive or a subjunctive clause ("told him to go", "demanded that Russia withdraw"), not a
    report ("told jurors he met Mr Ebbers", "asked whether they would match")."""
    if clause.dep_ == "xcomp":
        return True
    auxes = [c.lower_ for c in clause.children if c.dep_ in ("aux", "auxpass")]
    return clause.tag_ == "VB" and all(a in ("to", "should", "be") for a in auxes)


def governor(word: Token, g: Governors) -> tuple[str, Token] | None:
    """("threat" | "wish" | "request" | "permission", the governing word) for the event at ``word``."""
    node = word
    for _ in range(6):
        if node.head is node or node.dep_ not in _UP:
            return None
        clause, node = node, node.head
        lemma = node.lemma_.lower()
        if lemma in g.threats and node.pos_ == "VERB":
            return "threat", node
        if lemma in g.permissions or any(c.dep_ == "dobj" and c.lemma_ in g.permissions for c in node.children):
            return "permission", node  # "allow Russia to help", "give permission to Russia to help"
        if lemma in g.requests and node.pos_ == "VERB" and clause.dep_ in ("xcomp", "ccomp"):
            return ("request", node) if _asked(clause) else None
        if lemma in g.wishes and node.pos_ == "VERB" and clause.dep_ in ("xcomp", "ccomp") and _asked(clause):
            # "wants Putin to attack": another's act is wished; "wants to attack": the lexicon's intent
            if _own_subject(clause) or any(c.dep_ == "dobj" for c in node.children):
                return "wish", node
            return None
        if node.pos_ in ("VERB", "AUX") and _own_subject(node) and clause.dep_ in ("ccomp", "advcl"):
            return None  # a clause of its own under a verb of no such kind ("said he would ...")
    return None
