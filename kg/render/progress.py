"""Progress bars on stderr for the long commands (build, extract, load, eval): items/s and ETA.

On when stderr is a terminal; off when it is not (pipes, files, CI), with ``kg --quiet``, or with
``KG_PROGRESS=0``; forced on with ``kg --progress`` or ``KG_PROGRESS=1``. ``--quiet`` wins over
everything. Bars are drawn by tqdm and never go to stdout, so ``kg extract -o -`` stays clean.

>>> with bar("build", total=3) as b:                        # doctest: +SKIP
...     for _ in range(3):
...         b.update()
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

_setting: bool | None = None  # None: decide from KG_PROGRESS and whether stderr is a terminal


def configure(enabled: bool | None) -> None:
    """True: always draw bars; False: never (``--quiet``); None: automatic."""
    global _setting
    _setting = enabled


def enabled() -> bool:
    if _setting is not None:
        return _setting
    env = os.environ.get("KG_PROGRESS", "").strip().lower()
    if env in ("1", "true", "yes", "on"):
        return True
    if env in ("0", "false", "no", "off"):
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Off:
    """The bar when progress is off: does nothing."""

    def update(self, n: int = 1) -> None:
        pass

    def set_postfix_str(self, s: str) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


def bar(desc: str, total: int | None = None, unit: str = "article"):
    """A progress bar on stderr (a context manager with ``update(n)``), or a no-op when progress is off."""
    if not enabled():
        return _Off()
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        dynamic_ncols=True,
        mininterval=0.5,
        smoothing=0.1,
        leave=True,
    )


def track(items: Iterable, desc: str, total: int | None = None, unit: str = "article") -> Iterator:
    """``items``, advancing a bar by one per item."""
    with bar(desc, total, unit) as b:
        for item in items:
            yield item
            b.update(1)


def estimate_inputs(inputs: Iterable[str]) -> int | None:
    """About how many inputs ``kg.readers.read(inputs)`` will yield (for the ETA): one per text or HTML
    file, one per non-blank JSON Lines line. None when unknown (stdin, JSON arrays, many files)."""
    from kg.readers import files as reader_files
    from kg.readers.article import STDIN

    total = 0
    for item in inputs:
        item = os.fspath(item)
        if item == STDIN:
            return None
        p = Path(item)
        files: Iterator[str]
        if p.is_dir():
            files = (f for f in reader_files.walk(item) if isinstance(f, str))
        elif p.is_file():
            files = iter([item])
        else:
            files = (f for f in reader_files.expand(sorted(glob.glob(item, recursive=True))) if isinstance(f, str))
        for f in files:
            n = _estimate_file(f)
            if n is None:
                return None
            total += n
    return total or None


def _estimate_file(path: str) -> int | None:
    ext = os.path.splitext(path)[1].lower()
    if not os.path.isfile(path):  # a pipe or device (the reader skips it): never open it here
        return 0
    if ext in (".jsonl", ".ndjson"):
        return count_lines(path)
    if ext == ".json":
        return None
    return 1


def count_lines(path: str) -> int:
    """Non-blank lines of a file, read in binary blocks."""
    n = 0
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                n += 1
    return n


class ProgressNLP:
    """A spaCy pipeline whose ``pipe`` advances a progress bar (used by ``kg eval``); everything else
    is the wrapped pipeline's."""

    def __init__(self, nlp, desc: str = "eval", unit: str = "doc"):
        self._nlp, self._desc, self._unit = nlp, desc, unit

    def __getattr__(self, name):
        return getattr(self._nlp, name)

    def __call__(self, *a, **kw):
        return self._nlp(*a, **kw)

    def pipe(self, texts, *args, **kwargs):
        texts = list(texts)  # the gold records are in memory already: knowing the total gives an ETA
        return track(self._nlp.pipe(texts, *args, **kwargs), self._desc, total=len(texts), unit=self._unit)
