"""The relation catalogue (``schemas/catalogue.toml``), read once.

Every relation name, Neo4j relationship type, node label, RDF property and
polarity used anywhere in kg comes from here.

>>> cat = load()
>>> cat.relation("attacks").polarity
-1
>>> cat.relation("holds_position").label
'HOLDS_POSITION'
>>> cat.relation_for_cameo("0874"), cat.relation("demands").quad
('concedes_to', 'verbal_conflict')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kg.resources import SCHEMAS

CATALOGUE_PATH = SCHEMAS / "catalogue.toml"
_LABEL_RE = re.compile(r"^[A-Z][A-Za-z_]*$")
QUADS = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")


def quad_of_root(root: str) -> str:
    """The CAMEO quad class of a two-digit root ("14" -> "verbal_conflict")."""
    n = int(root)
    return QUADS[0] if n <= 5 else QUADS[1] if n <= 9 else QUADS[2] if n <= 14 else QUADS[3]


class CatalogueError(ValueError):
    """The catalogue file is inconsistent, or a name is not declared in it."""


@dataclass(frozen=True)
class EntityType:
    name: str
    label: str
    rdf: str
    aligned: tuple[str, ...] = ()
    ner: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()  # catalogue types this one is a kind of (their class is in ``aligned``)


@dataclass(frozen=True)
class RelationType:
    name: str
    label: str
    rdf: str
    domain: tuple[str, ...] | None  # None means any type
    range: tuple[str, ...] | None
    symmetric: bool = False
    polarity: int = 0
    cameo: str | None = None
    plover: str | None = None
    quad: str | None = None  # CAMEO quad class, one of QUADS
    goldstein: float | None = None  # Goldstein weight of the cameo code
    aligned: tuple[str, ...] = ()
    stance: bool = False
    tie: bool = False  # an act towards another actor that signs an alliance tie by its polarity
    structural: bool = False
    # the declared domain and range with their subtypes (a Media outlet where an Organization may be)
    domain_kinds: frozenset[str] | None = None
    range_kinds: frozenset[str] | None = None

    @property
    def root(self) -> str | None:
        """The two-digit CAMEO root of the relation's code."""
        return self.cameo[:2] if self.cameo else None

    def allows(self, subject_type: str, object_type: str) -> bool:
        return (self.domain_kinds is None or subject_type in self.domain_kinds) and (
            self.range_kinds is None or object_type in self.range_kinds
        )


@dataclass
class Catalogue:
    namespaces: dict[str, str]
    entity_types: dict[str, EntityType]
    relations: dict[str, RelationType]  # extracted relations
    structural: dict[str, RelationType]  # edges kg adds itself
    cameo: dict[str, str] = field(default_factory=dict)  # CAMEO code prefix -> relation
    _by_ner: dict[str, str] = field(default_factory=dict)

    def relation(self, name: str) -> RelationType:
        try:
            return self.relations.get(name) or self.structural[name]
        except KeyError:
            raise CatalogueError(f"relation {name!r} is not in the catalogue {CATALOGUE_PATH}") from None

    def relation_for_cameo(self, code: str) -> str | None:
        """The relation that says CAMEO event ``code`` (longest matching prefix), or None."""
        for n in range(len(code), 1, -1):
            if code[:n] in self.cameo:
                return self.cameo[code[:n]]
        return None

    def entity_type(self, name: str) -> EntityType:
        try:
            return self.entity_types[name]
        except KeyError:
            raise CatalogueError(f"entity type {name!r} is not in the catalogue {CATALOGUE_PATH}") from None

    def is_a(self, type_name: str, kind: str) -> bool:
        """Whether entity type ``type_name`` is ``kind`` or a subtype of it ("Media" is an "Organization")."""
        t = self.entity_types.get(type_name)
        return type_name == kind or (t is not None and any(self.is_a(p, kind) for p in t.parents))

    def type_for_ner(self, ner_label: str) -> str | None:
        """The entity type for a spaCy NER label, or None if kg does not keep it."""
        return self._by_ner.get(ner_label)

    def expand(self, curie: str) -> str:
        """``kg:attacks`` -> full IRI."""
        prefix, _, local = curie.partition(":")
        try:
            return self.namespaces[prefix] + local
        except KeyError:
            raise CatalogueError(f"unknown prefix in {curie!r}") from None

    def by_label(self, label: str) -> RelationType:
        for r in (*self.relations.values(), *self.structural.values()):
            if r.label == label:
                return r
        raise CatalogueError(f"relationship type {label!r} is not in the catalogue")


def _tuple(v: Iterable[str] | None) -> tuple[str, ...] | None:
    if v == "*" or v is None:
        return None
    return tuple(v)


def parse(data: dict[str, Any]) -> Catalogue:
    """Build and check a :class:`Catalogue` from the parsed TOML."""
    by_rdf = {d["rdf"]: name for name, d in data.get("entity_types", {}).items()}
    types = {
        name: EntityType(
            name=name,
            label=d["label"],
            rdf=d["rdf"],
            aligned=tuple(d.get("aligned", ())),
            ner=tuple(d.get("ner", ())),
            parents=tuple(by_rdf[a] for a in d.get("aligned", ()) if a in by_rdf and by_rdf[a] != name),
        )
        for name, d in data.get("entity_types", {}).items()
    }

    def kinds(declared: tuple[str, ...] | None) -> frozenset[str] | None:
        if declared is None:
            return None
        out = set(declared)
        while True:
            more = {n for n, t in types.items() if set(t.parents) & out} - out
            if not more:
                return frozenset(out)
            out |= more

    def rel(name: str, d: dict[str, Any], structural: bool) -> RelationType:
        domain, range_ = _tuple(d.get("domain", "*")), _tuple(d.get("range", "*"))
        return RelationType(
            name=name,
            label=d["label"],
            rdf=d["rdf"],
            domain=domain,
            range=range_,
            domain_kinds=kinds(domain),
            range_kinds=kinds(range_),
            symmetric=bool(d.get("symmetric", False)),
            polarity=int(d.get("polarity", 0)),
            cameo=d.get("cameo"),
            plover=d.get("plover"),
            quad=d.get("quad"),
            goldstein=float(d["goldstein"]) if "goldstein" in d else None,
            aligned=tuple(d.get("aligned", ())),
            stance=bool(d.get("stance", False)),
            tie=bool(d.get("tie", False)),
            structural=structural,
        )

    rels = {n: rel(n, d, False) for n, d in data.get("relations", {}).items()}
    struct = {n: rel(n, d, True) for n, d in data.get("structural", {}).items()}
    cat = Catalogue(
        namespaces=dict(data.get("namespaces", {})),
        entity_types=types,
        relations=rels,
        structural=struct,
        cameo=dict(data.get("cameo", {})),
    )
    _check(cat)
    cat._by_ner = {ner: t.name for t in types.values() for ner in t.ner}
    return cat


def _check(cat: Catalogue) -> None:
    seen_labels: dict[str, str] = {}
    for t in cat.entity_types.values():
        if not _LABEL_RE.match(t.label):
            raise CatalogueError(f"entity type {t.name}: label {t.label!r} is not a plain identifier")
        cat.expand(t.rdf)
    for r in (*cat.relations.values(), *cat.structural.values()):
        if not re.fullmatch(r"[A-Z][A-Z_]*", r.label):
            raise CatalogueError(f"relation {r.name}: label {r.label!r} must be UPPER_SNAKE")
        if r.label != r.name.upper():
            raise CatalogueError(f"relation {r.name}: label {r.label!r} must be its name in UPPER_SNAKE")
        local = r.rdf.partition(":")[2]
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), r.name)
        if r.rdf.startswith("kg:") and local != camel:
            raise CatalogueError(f"relation {r.name}: RDF property {r.rdf!r} must be kg:{camel}")
        if r.label in seen_labels:
            raise CatalogueError(f"relation {r.name}: label {r.label} already used by {seen_labels[r.label]}")
        seen_labels[r.label] = r.name
        if r.polarity not in (-1, 0, 1):
            raise CatalogueError(f"relation {r.name}: polarity must be -1, 0 or +1")
        if r.tie and not r.polarity:
            raise CatalogueError(f"relation {r.name}: a tie needs a polarity of -1 or +1")
        for type_name in (r.domain or ()) + (r.range or ()):
            if type_name not in cat.entity_types:
                raise CatalogueError(f"relation {r.name}: unknown entity type {type_name!r}")
        cat.expand(r.rdf)
        _check_event(r)
    for code, name in cat.cameo.items():
        if not re.fullmatch(r"\d{2,4}", code) or not 1 <= int(code[:2]) <= 20:
            raise CatalogueError(f"[cameo] {code!r} is not a CAMEO code")
        if name not in cat.relations:
            raise CatalogueError(f"[cameo] {code} names relation {name!r}, which is not declared")
    if cat.cameo and (missing := [f"{n:02d}" for n in range(1, 21) if f"{n:02d}" not in cat.cameo]):
        raise CatalogueError(f"[cameo] maps no relation for the CAMEO root(s) {', '.join(missing)}")


def _check_event(r: RelationType) -> None:
    """An event relation's CAMEO code, quad class and Goldstein weight agree with each other."""
    if r.cameo is None:
        if r.quad is not None or r.goldstein is not None:
            raise CatalogueError(f"relation {r.name}: quad and goldstein need a cameo code")
        return
    if not re.fullmatch(r"\d{2,4}", r.cameo) or not 1 <= int(r.cameo[:2]) <= 20:
        raise CatalogueError(f"relation {r.name}: cameo {r.cameo!r} is not a CAMEO code")
    if r.quad != quad_of_root(r.cameo[:2]):
        raise CatalogueError(f"relation {r.name}: CAMEO {r.cameo} is {quad_of_root(r.cameo[:2])}, not {r.quad}")
    if r.goldstein is None or not -10 <= r.goldstein <= 10:
        raise CatalogueError(f"relation {r.name}: a goldstein weight in -10..10 is required with a cameo code")
    if r.polarity and r.goldstein and (r.goldstein > 0) != (r.polarity > 0):
        raise CatalogueError(f"relation {r.name}: goldstein {r.goldstein} and polarity {r.polarity} disagree")


@cache
def load(path: Path | str = CATALOGUE_PATH) -> Catalogue:
    with open(path, "rb") as fh:
        return parse(tomllib.load(fh))
