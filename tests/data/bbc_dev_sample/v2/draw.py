"""Draw the second development sample: the first sample's drawer with smaller sizes.

    python tests/data/bbc_dev_sample/v2/draw.py GRAPHS.jsonl... --seed 2026 --out DIR
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("draw_v1", Path(__file__).resolve().parents[1] / "draw.py")
draw_v1 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(draw_v1)

draw_v1.SIZES.update({"interaction": 50, "other": 30, "quotes_direct": 15, "quotes_reported": 15,
                      "positions": 30, "actors": 60})

if __name__ == "__main__":
    draw_v1.main()
