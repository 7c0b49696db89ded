"""``kg serve`` in a process of its own on a free local port: what the browser tests, the screenshots
script and the load benchmark start and stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(store: str | os.PathLike[str], *args: str, host: str = "127.0.0.1", timeout: float = 120.0):
    """Start ``python -m kg serve --store STORE`` (plus ``args``) on a free port, wait until it answers,
    yield ``(url, process)``; stop it after. Its stderr goes to a temporary file (read it from
    ``process.stderr_path``)."""
    import tempfile

    port = free_port()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    err = tempfile.NamedTemporaryFile("w+", prefix="kg-serve-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [sys.executable, "-m", "kg", "serve", "--store", os.fspath(store), "--host", host, "--port", str(port), *args]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=env)
    proc.stderr_path = err.name  # type: ignore[attr-defined]
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"kg serve exited with {proc.returncode}: {Path(err.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/static/style.css", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"kg serve did not answer at {url} within {timeout:g} s") from None
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err.close()
        Path(err.name).unlink(missing_ok=True)


def chromium(install: bool = True) -> str | None:
    """Debian's Chromium (installed by scripts/chromium when absent and ``install``), or None."""
    if os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    script = Path(__file__).resolve().parents[2] / "scripts" / "chromium"
    if install and script.is_file():
        subprocess.run([str(script)], check=False, stdout=subprocess.DEVNULL)
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else None
