"""Extraction quality: run the real pipeline on a gold file in its published format and score it.

One module per dataset (``conll04``, ``kbp37``, ``polnear``, ``crossre``), each a ``dataset`` plugin
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
) -> Report:
    """Score kg's extraction on the gold file/directory ``path`` of ``dataset`` (first ``limit`` documents)."""
    if dataset not in datasets():
        raise ValueError(f"unknown dataset {dataset!r}; choose one of {', '.join(datasets())}")
    if not Path(path).exists():
        raise FileNotFoundError(f"{path}: no such file or directory")
    if limit is not None and limit < 1:
        raise ValueError("limit must be a positive number of documents")
    labels = load_mapping(dataset, mapping)
    if nlp is None:
        from kg.nlp import load_pipeline

        nlp = load_pipeline(config=config, model=model_name)
    from kg.nlp import batch_size

    module = plugins.get(dataset, "dataset")
    return module.evaluate(path, nlp, labels, limit=limit, batch_size=batch_size(config))


__all__ = ["LabelMap", "MappingError", "Metric", "Report", "Score", "datasets", "evaluate", "load_mapping"]
