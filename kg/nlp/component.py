"""What kg's components share: data read by ``initialize`` (the cue lexicon, patterns, country tables)
and saved with the pipeline by ``to_disk``/``to_bytes``, so that a saved pipeline carries the data it
was built with (kg's code and its catalogue, ``schemas/catalogue.toml``, come from the installed kg).

A component keeps its data as JSON values in ``self.stored`` (name -> value): ``to_disk`` writes one
``<name>.json`` per value and ``from_disk`` reads them back and calls ``restore``, which rebuilds what
the component works with from them. Until ``initialize`` or ``from_disk`` runs, a component works with
kg's own files (``pipelines/``), so one added with ``nlp.add_pipe`` runs at once.
"""

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly

from kg.nlp import lexicon as cue_lexicon

# no ``from __future__ import annotations`` here: spaCy validates initialize's settings against its
# signature's annotations, which must be types, not strings


class StoredData:
    """Base of kg's components with data: ``to_disk``/``from_disk``, ``to_bytes``/``from_bytes``."""

    name: str
    stored: dict[str, Any]

    def restore(self) -> None:
        """Rebuild the component's working state from ``self.stored``."""

    def set_stored(self, **values: Any) -> None:
        self.stored.update(values)
        self.restore()

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps(self.stored)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()):
        self.set_stored(**srsly.msgpack_loads(data))
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for key, value in self.stored.items():
            srsly.write_json(path / f"{key}.json", value)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()):
        self.set_stored(**{p.stem: srsly.read_json(p) for p in sorted(Path(path).glob("*.json"))})
        return self


class LexiconUser(StoredData):
    """A component that reads the cue lexicon: ``initialize(lexicon=path)`` (``None``: kg's own
    ``pipelines/lexicon.toml``) and ``self.lex``, the :class:`~kg.nlp.lexicon.Lexicon`."""

    def __init__(self):
        self.stored = {"lexicon": cue_lexicon.read()}
        self.restore()

    def restore(self) -> None:
        self.lex = cue_lexicon.from_data(self.stored["lexicon"], f"{self.name}'s lexicon")

    def initialize(self, get_examples: Callable | None = None, *, nlp=None, lexicon: str | None = None) -> None:
        self.set_stored(lexicon=cue_lexicon.read(lexicon))
