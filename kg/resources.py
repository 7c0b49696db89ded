"""Where kg finds its data files (schemas/ and pipelines/ at the project root)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("KG_HOME", Path(__file__).resolve().parent.parent))
SCHEMAS = ROOT / "schemas"
PIPELINES = ROOT / "pipelines"


def write_atomic(path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one, never half."""
    import os
    import tempfile

    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
