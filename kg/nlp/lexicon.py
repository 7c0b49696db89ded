"""The cue lexicon (``pipelines/lexicon.toml``), checked against the relation catalogue.

kg's components take the lexicon's data (:func:`read`) in their ``initialize`` and save it with the
pipeline, so a saved pipeline keeps the lexicon it was built with (:func:`from_data`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kg.resources import PIPELINES
from kg.schema import catalogue

LEXICON_PATH = PIPELINES / "lexicon.toml"


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, dict[str, str]]  # lemma -> slot -> relation
    nouns: dict[str, dict[str, str]]
    negation_governors: frozenset[str]
    modality: dict[str, str]  # word -> intent | possible | obligation
    quote_cues: frozenset[str]
    titles: frozenset[str]
    attachments: dict[tuple[str, str, str], str]
    stance_adjectives: dict[str, str]  # adjective -> stance relation
    event_verbs_skipped: frozenset[str] = frozenset()  # CAMEO dictionary verbs kg does not trigger on
    clause_requests: dict[str, str] = field(default_factory=dict)  # verb -> relation to its clause's subject
    event_verbs: frozenset[str] = frozenset()  # CAMEO dictionary verbs that name their event by themselves
    rejections: frozenset[str] = frozenset()  # verb phrases that turn down what their object asks
    rejected_asks: frozenset[str] = frozenset()  # nouns of asking whose maker a rejection rejects
    event_relations_any_verb: frozenset[str] = frozenset()  # relations an object-noun pattern of any verb gives


def read(path: Path | str | None = None) -> dict:
    """The lexicon file's data as it is (default: kg's own ``pipelines/lexicon.toml``)."""
    with open(path or LEXICON_PATH, "rb") as fh:
        return tomllib.load(fh)


@cache
def load(path: Path | str = LEXICON_PATH) -> Lexicon:
    return from_data(read(path), path)


def from_data(data: dict, path: Path | str = "the lexicon") -> Lexicon:
    """The lexicon from its data (:func:`read`), its relations checked against the catalogue; ``path``
    names where the data came from in errors."""
    cat = catalogue.load()
    attachments = {}
    for key, rel in data.get("attachments", {}).items():
        s_type, how, o_type = key.split(".")
        if rel not in cat.relations:
            raise catalogue.CatalogueError(f"{path}: [attachments] {key} names relation {rel!r}, not in the catalogue")
        attachments[(s_type, how, o_type)] = rel
    for rel in data.get("stance", {}):
        if rel not in cat.relations or not cat.relations[rel].stance:
            raise catalogue.CatalogueError(f"{path}: [stance] {rel!r} is not a stance relation of the catalogue")
    for verb, rel in data.get("events", {}).get("clause_requests", {}).items():
        if rel not in cat.relations:
            raise catalogue.CatalogueError(f"{path}: [events] clause_requests.{verb}: {rel!r} is not in the catalogue")
    for section in ("verbs", "nouns"):
        for lemma, slots in data.get(section, {}).items():
            for slot, rel in slots.items():
                if rel not in cat.relations:
                    raise catalogue.CatalogueError(
                        f"{path}: [{section}] {lemma}.{slot} names relation {rel!r}, "
                        f"which is not in {catalogue.CATALOGUE_PATH}"
                    )
    modality: dict[str, str] = {}
    for kind, words in data.get("modality", {}).items():
        for w in words:
            modality.setdefault(w, kind)
    return Lexicon(
        verbs=data.get("verbs", {}),
        nouns=data.get("nouns", {}),
        negation_governors=frozenset(data.get("negation", {}).get("governors", ())),
        modality=modality,
        quote_cues=frozenset(data.get("quotes", {}).get("cues", ())),
        titles=frozenset(data.get("names", {}).get("titles", ())),
        attachments=attachments,
        stance_adjectives={a: rel for rel, words in data.get("stance", {}).items() for a in words},
        event_verbs_skipped=frozenset(data.get("events", {}).get("skip", ())),
        clause_requests=dict(data.get("events", {}).get("clause_requests", {})),
        event_verbs=frozenset(data.get("events", {}).get("verbs", ())),
        rejections=frozenset(data.get("events", {}).get("rejections", ())),
        rejected_asks=frozenset(data.get("events", {}).get("rejected_asks", ())),
        event_relations_any_verb=frozenset(data.get("events", {}).get("any_verb", ())),
    )
