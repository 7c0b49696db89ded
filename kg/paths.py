"""Where kg finds its data files (schemas/ and pipelines/ at the project root)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("KG_HOME", Path(__file__).resolve().parent.parent))
SCHEMAS = ROOT / "schemas"
PIPELINES = ROOT / "pipelines"
