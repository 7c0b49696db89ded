"""Extraction quality: run the real pipeline on a gold file in its published format and score it.

One module per dataset (``conll04``, ``kbp37``, ``polnear``, ``crossre``, ``petrarch``), each a ``dataset`` plugin
(:mod:`kg.plugins`) with ``load`` (the gold file as plain records) and ``evaluate(path, nlp, mapping,
limit)``. What they share: :mod:`.metrics` (P/R/F1, matching), :mod:`.spans`, :mod:`.mapping` (how
our catalogue relations become each dataset's labels: data, in ``pipelines/eval/<dataset>.toml``),
:mod:`.report` and :mod:`.relations` (scoring kg's relations on gold sentences).

>>> from kg.evaluate import evaluate                                   # doctest: +SKIP
>>> r = evaluate("conll04", "../shared/data/external/conll04/conll04_dev.json", limit=20)  # doctest: +SKIP
>>> r.metric("strict micro").f1                                        # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from kg import plugins
from kg.evaluate.mapping import LabelMap, MappingError, load_mapping
from kg.evaluate.metrics import Score
from kg.evaluate.report import Metric, Report


def datasets() -> list[str]:
    """The gold datasets kg can score (its own and those of installed packages)."""
    return plugins.names("dataset")


def evaluate(
    dataset: str,
    path: str | Path,
    limit: int | None = None,
    *,
    nlp=None,
    mapping: str | Path | None = None,
    model_name: str | None = None,
    config: str | None = None,
    dictionaries: str | Path | None = None,
) -> Report:
    """Score kg's extraction on the gold file/directory ``path`` of ``dataset`` (first ``limit`` documents).
    ``dictionaries``: a folder of PETRARCH-format dictionaries the pipeline loads instead of kg's own
    tables (see :func:`dictionary_overrides`)."""
    if dataset not in datasets():
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(datasets())}")
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if limit is not None and limit < 1:
        raise ValueError("limit must be a positive number of documents")
    labels = load_mapping(dataset, mapping)
    if nlp is None:
        from kg.nlp import load_pipeline

        overrides = dictionary_overrides(dictionaries) if dictionaries else None
        # the raw dictionaries' names the English model misses are found after the parse selection
        # (kg.nlp.select counts the model's entities), so their sentences are all parsed
        parse = "all" if dictionaries else None
        nlp = load_pipeline(config=config, model=model_name, parse=parse, overrides=overrides)
        if dictionaries:
            nlp.meta["kg"]["dictionaries"] = str(dictionaries)
    from kg.nlp import batch_size

    module = plugins.get(dataset, "dataset")
    return module.evaluate(path, nlp, labels, limit=limit, batch_size=batch_size(config))


def dictionary_overrides(folder: str | Path) -> dict[str, str]:
    """The pipeline config settings that point kg's actor and verb components at a folder of
    PETRARCH-format dictionaries: ``[dictionaries] overrides`` in ``pipelines/eval/petrarch.toml``."""
    p = Path(folder)
    if not p.is_dir():
        raise FileNotFoundError(f"{p}: no such folder (expected one holding PETRARCH-format *.actors.txt, *.verbs.txt)")
    keys = load_mapping("petrarch").extra.get("dictionaries", {}).get("overrides", [])
    return {key: str(p.resolve()) for key in keys}


__all__ = [
    "LabelMap",
    "MappingError",
    "Metric",
    "Report",
    "Score",
    "datasets",
    "dictionary_overrides",
    "evaluate",
    "load_mapping",
]
