"""How kg's catalogue relations become each dataset's labels: ``pipelines/eval/<dataset>.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.resources import PIPELINES
from kg.schema import catalogue

EVAL_DIR = PIPELINES / "eval"


class MappingError(ValueError):
    """A pipelines/eval/<dataset>.toml file is malformed or names a relation not in the catalogue."""


@dataclass(frozen=True)
class LabelMap:
    """How our catalogue relations become one dataset's labels (``pipelines/eval/<dataset>.toml``).

    ``relations``: our relation name -> (dataset label, inverse?) where inverse means the dataset's
    head is our object. ``chains``: (first, second, label): ``A first B`` and ``B second C`` in one
    sentence give ``A label C`` ("A holds Office B, B is an office of C"). ``labels``: the dataset
    labels scored; ``symmetric``: labels scored without direction.
    """

    dataset: str
    labels: tuple[str, ...]
    relations: dict[str, tuple[str, bool]]
    chains: tuple[tuple[str, str, str], ...] = ()
    symmetric: frozenset[str] = frozenset()
    types: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self, predicate: str) -> tuple[str, bool] | None:
        return self.relations.get(predicate)

    def trained_relation(self, label: str) -> tuple[str, bool] | None:
        """The catalogue relation a model trained on this dataset learns for ``label`` (and whether the
        dataset's head is its object): the first relation ``[relations]`` lists for the label."""
        return next(((rel, inv) for rel, (lab, inv) in self.relations.items() if lab == label), None)

    def allows(self, label: str, subject_type: str | None, object_type: str | None) -> bool:
        subj, obj = self.types.get(label, (None, None))
        return (subj is None or subject_type in subj) and (obj is None or object_type in obj)


def load_mapping(dataset: str, path: str | Path | None = None) -> LabelMap:
    """Read and check ``pipelines/eval/<dataset>.toml`` (or ``path``)."""
    p = Path(path) if path else EVAL_DIR / f"{dataset}.toml"
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise MappingError(f"no label mapping for {dataset!r}: {p} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{p}: {exc}") from None
    cat = catalogue.load()
    known = set(cat.relations)
    labels = tuple(data.get("labels", []))
    if not labels:
        raise MappingError(f"{p}: 'labels' (the dataset labels to score) is missing or empty")

    def check(name: str, where: str) -> str:
        if name not in known:
            raise MappingError(f"{p}: {where} names {name!r}, which is not a relation in the catalogue")
        return name

    def check_label(label: str, where: str) -> str:
        if label not in labels:
            raise MappingError(f"{p}: {where} maps to {label!r}, which is not one of labels {list(labels)}")
        return label

    rels: dict[str, tuple[str, bool]] = {}
    for name, target in data.get("relations", {}).items():
        check(name, "[relations]")
        if isinstance(target, str):
            rels[name] = (check_label(target, f"[relations] {name}"), False)
        elif isinstance(target, dict) and isinstance(target.get("label"), str):
            rels[name] = (check_label(target["label"], f"[relations] {name}"), bool(target.get("inverse", False)))
        else:
            raise MappingError(f"{p}: [relations] {name} must be a label or {{ label = ..., inverse = true }}")
    chains = []
    for i, c in enumerate(data.get("chains", [])):
        try:
            first, second = c["path"]
            chains.append(
                (check(first, f"chains[{i}]"), check(second, f"chains[{i}]"), check_label(c["label"], f"chains[{i}]"))
            )
        except (KeyError, TypeError, ValueError):
            raise MappingError(f"{p}: chains[{i}] must be {{ path = [first, second], label = ... }}") from None
    symmetric = frozenset(check_label(s, "symmetric") for s in data.get("symmetric", []))
    etypes = set(cat.entity_types)
    types: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {}
    for label, t in data.get("types", {}).items():
        check_label(label, "[types]")
        if not isinstance(t, dict) or not set(t) <= {"subject", "object"}:
            raise MappingError(f"{p}: [types] {label} must be {{ subject = [...], object = [...] }}")
        sides: list[frozenset[str] | None] = []
        for side in ("subject", "object"):
            names = t.get(side)
            if names is not None and (not isinstance(names, list) or not set(names) <= etypes):
                raise MappingError(f"{p}: [types] {label}.{side} must list catalogue entity types, got {names!r}")
            sides.append(frozenset(names) if names is not None else None)
        types[label] = (sides[0], sides[1])
    extra = {k: v for k, v in data.items() if k not in ("labels", "relations", "chains", "symmetric", "types")}
    return LabelMap(dataset, labels, rels, tuple(chains), symmetric, types, extra)
