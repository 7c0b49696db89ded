"""The curation file: a user's corrections to entity resolution, honoured by every later build.

It lives next to the embedded store (``<store>/curation.toml``) unless a path is given::

    # kg merge person/starmer person/keir-starmer
    [merge]
    "person/starmer" = "person/keir-starmer"

    # kg split person/ed-miliband "David Miliband": that name never resolves to that id
    [[split]]
    id = "person/ed-miliband"
    names = ["David Miliband"]

    # kg rename gpe/russia "Russian Federation": the name the actor goes by everywhere
    [rename]
    "gpe/russia" = "Russian Federation"

>>> c = Curation()
>>> c.merge("person/starmer", "person/keir-starmer"); c.target("person/starmer")
'person/keir-starmer'
>>> c.split("person/ed-miliband", ["David Miliband"]); c.keeps_apart("person/ed-miliband", "david miliband")
True
>>> c.rename("person/keir-starmer", "Sir Keir Starmer"); c.names["person/keir-starmer"]
'Sir Keir Starmer'
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from kg.resolve.atomic import write_atomic

FILENAME = "curation.toml"


@dataclass
class Curation:
    merges: dict[str, str] = field(default_factory=dict)  # id -> id it is merged into
    splits: dict[str, list[str]] = field(default_factory=dict)  # id -> names kept apart ([] = every other name)
    names: dict[str, str] = field(default_factory=dict)  # id -> the name it goes by (kg rename)
    path: Path | None = None

    @classmethod
    def load(cls, path: str | Path | None) -> Curation:
        """Read ``path`` (a file, or a store directory holding ``curation.toml``); empty if absent."""
        if path is None:
            return cls()
        p = Path(path)
        if p.is_dir() or not p.suffix:
            p = p / FILENAME
        if not p.exists():
            return cls(path=p)
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
        splits: dict[str, list[str]] = {}
        for s in data.get("split", []):
            splits.setdefault(str(s["id"]), []).extend(str(n) for n in s.get("names", []))
        return cls(
            merges={str(k): str(v) for k, v in data.get("merge", {}).items()},
            splits=splits,
            names={str(k): str(v) for k, v in data.get("rename", {}).items()},
            path=p,
        )

    def save(self, path: str | Path | None = None) -> Path:
        p = Path(path) if path else self.path
        if p is None:
            raise ValueError("no path to save the curation file to")
        if p.is_dir():
            p = p / FILENAME
        p.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            "# kg curation: corrections to entity resolution (kg merge / kg split / kg rename); every build honours it",
            "",
        ]
        lines.append("[merge]")
        for k in sorted(self.merges):
            lines.append(f"{json.dumps(k)} = {json.dumps(self.merges[k])}")
        for i in sorted(self.splits):
            lines += [
                "",
                "[[split]]",
                f"id = {json.dumps(i)}",
                f"names = [{', '.join(json.dumps(n) for n in self.splits[i])}]",
            ]
        if self.names:
            lines += ["", "[rename]"]
            lines += [f"{json.dumps(k)} = {json.dumps(self.names[k])}" for k in sorted(self.names)]
        write_atomic(p, "\n".join(lines) + "\n")
        self.path = p
        return p

    def merge(self, source: str, target: str) -> None:
        """Merge ``source`` into ``target`` (``target`` is kept); undoes a split between them."""
        if source == target:
            raise ValueError("cannot merge an actor into itself")
        if self.target(target) == source:
            raise ValueError(f"{target} is already merged into {source}")
        self.merges[source] = target
        self.splits.pop(source, None)

    def split(self, entity_id: str, names: list[str] | None = None) -> None:
        """Keep ``names`` (every name but the canonical one, when empty) from resolving to ``entity_id``;
        a merge of ``entity_id`` into another id, or of any of ``names``' ids into it, is undone."""
        self.merges.pop(entity_id, None)
        from kg.schema.ids import slug

        for src in [s for s, t in self.merges.items() if t == entity_id]:
            if not names or src.partition("/")[2] in {slug(n) for n in names}:
                del self.merges[src]
        have = self.splits.setdefault(entity_id, [])
        for n in names or []:
            if n.casefold() not in (h.casefold() for h in have):
                have.append(n)

    def rename(self, entity_id: str, name: str) -> None:
        """Make ``name`` the name ``entity_id`` goes by (its id stays, so links to it hold)."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("the new name is empty")
        self.names[entity_id] = name

    def target(self, entity_id: str) -> str:
        """Where ``entity_id`` ends after following merges (cycles stop)."""
        seen = {entity_id}
        while entity_id in self.merges and self.merges[entity_id] not in seen:
            entity_id = self.merges[entity_id]
            seen.add(entity_id)
        return entity_id

    def keeps_apart(self, entity_id: str, name: str) -> bool:
        """Whether a mention named ``name`` must not resolve to ``entity_id``."""
        if entity_id not in self.splits:
            return False
        names = self.splits[entity_id]
        return not names or name.casefold() in (n.casefold() for n in names)
