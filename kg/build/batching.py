"""Lists of consecutive items from a stream, for batched work (NLP batches, chunks for worker
processes, store commits)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int, seconds: float | None = None) -> Iterator[list[T]]:
    """Lists of up to ``size`` items, in order; with ``seconds``, a list is also closed once that long
    has passed since it was opened (so a slow stream still yields batches regularly).

    >>> list(batched(range(5), 2))
    [[0, 1], [2, 3], [4]]
    """
    batch: list[T] = []
    start = time.monotonic()
    for item in items:
        batch.append(item)
        if len(batch) >= size or (seconds is not None and time.monotonic() - start >= seconds):
            yield batch
            batch, start = [], time.monotonic()
    if batch:
        yield batch
