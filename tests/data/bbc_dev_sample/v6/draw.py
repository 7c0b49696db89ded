"""Draw the sixth development sample: the first sample's drawer over BBC politics and business, in two
parts (positions and quotes; relations and actors), each with its own seed and sizes.

    python tests/data/bbc_dev_sample/v6/draw.py positions GRAPHS.jsonl... --seed 6060 --out DIR
    python tests/data/bbc_dev_sample/v6/draw.py relations GRAPHS.jsonl... --seed 6061 --out DIR
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location("draw_v1", Path(__file__).resolve().parents[1] / "draw.py")
draw_v1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(draw_v1)

PARTS = {
    "positions": {"interaction": 0, "other": 0, "quotes_direct": 30, "quotes_reported": 30, "positions": 60, "actors": 0},
    "relations": {"interaction": 60, "other": 40, "quotes_direct": 0, "quotes_reported": 0, "positions": 0, "actors": 60},
}

if __name__ == "__main__":
    draw_v1.SIZES.update(PARTS[sys.argv.pop(1)])
    draw_v1.main()
