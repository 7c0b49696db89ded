"""A time limit per article for the NLP stage, without giving up spaCy's batching.

:func:`bounded_pipe` runs a batch of articles through ``nlp.pipe`` (and a
``finish`` step such as :func:`kg.nlp.graph.doc_to_graph`) under one timer set to
the per-article limit. Articles that came out before the timer fired are kept;
the rest of a batch that runs over the limit (or raises) is run again one
article at a time, each under the limit. So an article is reported as timed out
only when it alone takes longer than the limit, and every article that comes
through took less.

The timer is ``SIGALRM``, which Python delivers between bytecodes: it interrupts
kg's components and spaCy's models (Python code around numpy), in the main
thread of a process (the ``kg`` command and each of its worker processes).
Called from another thread, articles run without a time limit (logged once).

The timer keeps firing every :data:`REPEAT` seconds after the limit until the
block ends: an exception raised while Python runs a callback it guards (a
``gc.callbacks`` hook, a ``__del__``) is printed and dropped, and a one-shot
alarm that lands there would let the article run on without a limit.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from kg.build.batching import batched

log = logging.getLogger("kg")

DEFAULT_ARTICLE_TIMEOUT = 60.0  # seconds; a long news article takes a few
REPEAT = 0.25  # seconds between alarms after the limit, until one interrupts the article


class ArticleTimeout(BaseException):
    """The per-article time limit ran out. A BaseException, so no ``except Exception`` in a
    component swallows it."""


_armed = False
_warned = False


def _on_alarm(signum, frame) -> None:
    if _armed and not _in_unraisable_hook(frame):
        raise ArticleTimeout()


def _in_unraisable_hook(frame) -> bool:
    """Whether Python is reporting an exception it dropped (``sys.unraisablehook``, such as a test runner's):
    an alarm raised there breaks the report, so it waits for the next one (:data:`REPEAT` seconds on)."""
    hook = sys.unraisablehook
    code = getattr(getattr(hook, "func", hook), "__code__", None)
    while code is not None and frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def can_time_out() -> bool:
    """Whether :func:`time_limit` can interrupt code here (the main thread, on a system with SIGALRM)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float | None):
    """Raise :class:`ArticleTimeout` in the block if it runs longer than *seconds* (None: no limit)."""
    global _armed, _warned
    if not seconds:
        yield
        return
    if not can_time_out():
        if not _warned:
            log.warning("no per-article time limit outside the main thread")
            _warned = True
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _armed = True
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        _disarm(previous)


def _disarm(previous: Any = None) -> None:
    global _armed
    _armed = False
    signal.setitimer(signal.ITIMER_REAL, 0)
    if previous is not None:
        signal.signal(signal.SIGALRM, previous)


def timed_out_reason(seconds: float) -> str:
    return f"timed out: extraction took over the {seconds:g}-second limit per article"


def bounded_pipe(
    nlp,
    items: Iterable[tuple[str, Any]],
    finish: Callable[[Any, Any], Any],
    *,
    batch_size: int = 32,
    timeout: float | None = None,
) -> Iterator[tuple[Any, Any, str | None]]:
    """``(context, finish(doc, context), None)`` for each ``(text, context)`` in *items*, in order, or
    ``(context, None, reason)`` when that article ran over *timeout* seconds or raised.

    Texts longer than spaCy's ``nlp.max_length`` are let through (the reader's ``max_chars`` is the
    size limit), so a long text is a time question, not an error.
    """
    for batch in batched(items, batch_size):
        longest = max(len(text) for text, _ in batch)
        if longest > nlp.max_length:
            nlp.max_length = longest
        done: list[tuple[Any, Any, str | None]] = []
        try:
            with time_limit(timeout):
                for doc, context in nlp.pipe(batch, as_tuples=True, batch_size=batch_size):
                    done.append(_finish(finish, doc, context))
        except ArticleTimeout:
            _disarm()
        except Exception:  # one article's failure is found again below, alone
            log.debug("batch failed; running its articles one at a time", exc_info=True)
        yield from done
        for text, context in batch[len(done) :]:
            yield _one(nlp, text, context, finish, timeout)


def _finish(finish: Callable[[Any, Any], Any], doc, context) -> tuple[Any, Any, str | None]:
    try:
        return context, finish(doc, context), None
    except Exception as exc:  # a bug on one article must not end the run
        log.exception("extraction failed for %s", getattr(context, "source", None) or context)
        return context, None, f"extraction failed: {exc}"


def _one(nlp, text: str, context, finish, timeout: float | None) -> tuple[Any, Any, str | None]:
    try:
        with time_limit(timeout):
            return _finish(finish, nlp(text), context)
    except ArticleTimeout:
        _disarm()
        log.warning("%s: %s", getattr(context, "source", None) or context, timed_out_reason(timeout or 0))
        return context, None, timed_out_reason(timeout or 0)
    except Exception as exc:  # spaCy or a component failed on this text
        log.exception("NLP failed for %s", getattr(context, "source", None) or context)
        return context, None, f"NLP failed: {exc}"
