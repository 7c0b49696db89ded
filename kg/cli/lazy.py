"""``api``: :mod:`kg.api`, imported when a command first uses it, so that ``kg --help`` and
``kg --version`` do not load networkx, the stores and the NLP code."""

from __future__ import annotations

import importlib
from typing import Any


class _Lazy:
    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


api: Any = _Lazy("kg.api")
