"""Running a query within a time limit and a row limit, for engines that run in this process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from kg.stores.base import QueryTimeout


def take(
    start: Callable[[], tuple[list[str], Iterable[list[Any]]]], limit: int | None, timeout: float | None
) -> tuple[list[str], list[list[Any]], bool]:
    """Columns, at most ``limit`` rows and whether there were more, from ``start()`` (columns and a row
    iterator), within ``timeout`` seconds. The query runs in a thread that stops at its next row once the
    time is up (an engine releasing the GIL keeps this thread responsive meanwhile)."""
    stop = threading.Event()
    out: dict[str, Any] = {}

    def run() -> None:
        rows: Iterable[list[Any]] = ()
        try:
            cols, rows = start()
            got: list[list[Any]] = []
            for row in rows:
                if stop.is_set():
                    return
                if limit is not None and len(got) >= limit:
                    out["truncated"] = True
                    break
                got.append(row)
            out["answer"] = (cols, got)
        except BaseException as exc:  # handed to the caller's thread, without frames that hold the answer object
            out["error"] = exc.with_traceback(None)
        finally:  # the engine's answer object is freed in the thread that made it (pyoxigraph requires it)
            close = getattr(rows, "close", None)
            if close:
                close()
            del rows

    if timeout is None:
        run()
    else:
        worker = threading.Thread(target=run, name="kg-query", daemon=True)
        worker.start()
        worker.join(timeout)
        if worker.is_alive():
            stop.set()
            raise QueryTimeout(f"the query ran past its time limit of {timeout:g} s (--timeout SECONDS)")
    if "error" in out:
        raise out["error"]
    cols, rows = out["answer"]
    return cols, rows, bool(out.get("truncated"))
