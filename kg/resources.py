"""Where kg finds its package data: the relation catalogue and schemas (``schemas/``) and the pipeline
configs and tables (``pipelines/``).

An installed wheel holds them inside the package (``kg/schemas``, ``kg/pipelines``); a source checkout
keeps them at the top of the repository. ``KG_HOME`` names another folder holding both.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path


def _root() -> Path:
    if os.environ.get("KG_HOME"):
        return Path(os.environ["KG_HOME"])
    package = Path(str(files("kg")))
    if (package / "schemas").is_dir():
        return package
    return package.parent


ROOT = _root()
SCHEMAS = ROOT / "schemas"
PIPELINES = ROOT / "pipelines"
