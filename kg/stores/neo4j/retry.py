"""Talking to a Neo4j server that may fail: bounded retries with backoff for transient errors, driver
errors as one-line StoreErrors, and a prefetching iterator that prepares the next batch while one is
written."""

from __future__ import annotations

import logging
import queue
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from neo4j.exceptions import (
    DriverError,
    IncompleteCommit,
    Neo4jError,
)

from kg.stores.base import StoreError

DEFAULT_ATTEMPTS = 5


BACKOFF = 0.5  # seconds before the first retry; doubled for each further one (with +-20% jitter)


MAX_BACKOFF = 8.0


log = logging.getLogger("kg")

T = TypeVar("T")


def is_transient(exc: BaseException) -> bool:
    """Whether a failed write transaction is worth running again.

    The driver's own verdict (``is_retryable()``: transient server errors such
    as deadlocks, lost connections, a server that is not up yet), plus
    ``IncompleteCommit``: kg's batches are safe to run twice (see the module
    docstring), so a commit whose answer was lost is simply redone.
    """
    if isinstance(exc, IncompleteCommit):
        return True
    return isinstance(exc, (Neo4jError, DriverError)) and exc.is_retryable()


def retry(
    work: Callable[[], T],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = BACKOFF,
    max_backoff: float = MAX_BACKOFF,
    sleep: Callable[[float], Any] = time.sleep,
) -> T:
    """``work()``, run again after a transient error (:func:`is_transient`) at most ``attempts`` times in all.

    Waits ``backoff * 2**k`` seconds (capped at ``max_backoff``, +-20% jitter)
    before retry k+1. Any other error, or the last transient one, is raised.
    """
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except Exception as exc:
            if attempt >= attempts or not is_transient(exc):
                raise
            delay = min(max_backoff, backoff * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)
            log.warning(
                "transient Neo4j error (attempt %d of %d), retrying in %.1fs: %s", attempt, attempts, delay, _cause(exc)
            )
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _cause(exc: Exception) -> str:
    """One line saying why (the server's message for server errors, the driver's otherwise, reduced to its
    reason when it has one: "Connection refused" rather than three renderings of the address)."""
    msg = (exc.message if isinstance(exc, Neo4jError) else None) or str(exc) or type(exc).__name__
    msg = " ".join(str(msg).split())
    reason = re.search(r"\(reason (?:\[Errno -?\d+\] )?(.+?)\)$", msg)
    return reason.group(1) if reason else msg


class _Errors:
    """Context manager: Neo4j/driver errors -> StoreError(f"{prefix}: {cause}")."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if isinstance(exc, (Neo4jError, DriverError)):
            raise StoreError(f"{self.prefix}: {_cause(exc)}") from None
        return False


_DONE = object()


def prefetch(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """``items``, produced by a background thread up to ``depth`` ahead of the consumer.

    The loader builds the next batch's rows (and, in ``kg build``, pulls the
    next articles through extraction) while Neo4j writes the current one. An
    exception in the producer is raised in the consumer; when the consumer
    stops early, the producer stops at its next item.
    """
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(x) -> bool:
        while not stop.is_set():
            try:
                q.put(x, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for x in items:
                if not put((x, None)):
                    return
            put((_DONE, None))
        except BaseException as exc:  # handed to the consumer
            put((_DONE, exc))

    t = threading.Thread(target=produce, name="kg-neo4j-rows", daemon=True)
    t.start()
    try:
        while True:
            x, exc = q.get()
            if exc is not None:
                raise exc
            if x is _DONE:
                return
            yield x
    finally:
        stop.set()
        t.join()
