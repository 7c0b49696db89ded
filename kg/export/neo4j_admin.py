"""Run ``neo4j-admin database import full`` over an export directory with the Neo4j jars scripts/neo4j caches
(``org.neo4j.cli.AdminTool``; no Neo4j installation needed).

>>> import_full("out", "/tmp/home", lib_dir())            # doctest: +SKIP
{'nodes': 3123, 'relationships': 9876, 'seconds': 4.2, 'peak_mib': 812.0}
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

NEO4J_VERSION = "5.26.30"  # the version scripts/neo4j-server/pom.xml pins


def lib_dir(version: str = NEO4J_VERSION) -> Path:
    """Where scripts/neo4j keeps the jars: $KG_CACHE_DIR (default ~/.cache/kg)/neo4j-<version>/lib."""
    return Path(os.environ.get("KG_CACHE_DIR", Path.home() / ".cache" / "kg")) / f"neo4j-{version}" / "lib"


def available(lib: Path | None = None) -> bool:
    lib = lib or lib_dir()
    return bool(shutil.which("java")) and (lib / f"neo4j-import-tool-{NEO4J_VERSION}.jar").exists()


def import_full(csv_dir: str | Path, home: str | Path, lib: Path | None = None, heap: str = "1g") -> dict:
    """Import the export in ``csv_dir`` (its ``import.args``) as database ``neo4j`` under ``home``/data;
    the numbers of nodes and relationships neo4j-admin reports, the seconds it took and its peak memory
    (MiB). RuntimeError with the tool's output if it fails."""
    lib, home = lib or lib_dir(), Path(home)
    (home / "conf").mkdir(parents=True, exist_ok=True)
    (home / "conf" / "neo4j.conf").write_text(
        f"server.directories.data={home / 'data'}\nserver.directories.logs={home / 'logs'}\n", encoding="utf-8"
    )
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    java = shutil.which("java") or "java"
    cmd = [java, f"-Xmx{heap}", "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool"]
    cmd += ["database", "import", "full", "@import.args", "neo4j"]
    t = time.perf_counter()
    peak = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=csv_dir, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        while proc.poll() is None:  # the tool's own peak (a child's ru_maxrss also counts the parent's at fork)
            peak = max(peak, _hwm(proc.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - t
        log.seek(0)
        output = log.read()
    m = re.search(r"IMPORT DONE.*?Imported:\s*(\d+) nodes\s*(\d+) relationships", output, re.S)
    if proc.returncode != 0 or not m:
        raise RuntimeError(f"neo4j-admin import failed (exit {proc.returncode}):\n{output[-6000:]}")
    return {"nodes": int(m.group(1)), "relationships": int(m.group(2)), "seconds": seconds, "peak_mib": peak / 1024}


def _hwm(pid: int) -> int:
    """The peak resident memory (VmHWM, KiB) of a running process, 0 if unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
