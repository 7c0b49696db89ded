"""kg as a package: every sub-package is shipped, no module imports another that imports it back, and a
wheel built from the checkout installs into a fresh virtualenv and runs there without the checkout."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> dict[str, Path]:
    mods = {}
    for f in (ROOT / "kg").rglob("*.py"):
        parts = list(f.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def import_graph() -> nx.DiGraph:
    """module -> the kg modules it imports, at any level of the file (function-level imports too); a
    module importing a sibling through its package (``from kg.nlp import attrs``) imports the sibling."""
    mods = _modules()
    G = nx.DiGraph()
    G.add_nodes_from(mods)
    for m, f in mods.items():
        for n in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(n, ast.Import):
                targets = [a.name for a in n.names]
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                subs = [f"{n.module}.{a.name}" for a in n.names if f"{n.module}.{a.name}" in mods]
                targets = subs if len(subs) == len(n.names) else [n.module, *subs]
            else:
                continue
            for t in targets:
                if t in mods and t != m and not m.startswith(t + "."):
                    G.add_edge(m, t)
    return G


def test_no_import_cycles():
    cycles = list(nx.simple_cycles(import_graph()))
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_import_graph_sees_imports():
    G = import_graph()
    assert G.has_edge("kg.build.flow", "kg.build.engines") and G.has_edge("kg.cli.options", "kg.render.tables")
    assert not G.has_edge("kg.build.engines", "kg.build.dask")  # reached through the engine plugins


def test_every_subpackage_is_in_the_wheel_list():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {m for m, f in _modules().items() if f.name == "__init__.py"}
    assert packages <= listed, f"add to [tool.setuptools] packages: {sorted(packages - listed)}"
    assert {"kg.schemas", "kg.pipelines"} <= listed


@pytest.mark.slow
def test_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    # nothing of the checkout reaches the fresh environment: with PYTHONPATH naming it, pip would take kg
    # as installed already and install nothing
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_HOME", "KG_STORE")}
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("kg-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([py, "-m", "pip", "install", "-q", str(wheel)], env=clean, check=True, capture_output=True)
    work = tmp_path / "work"
    work.mkdir()
    kg = [str(env_dir / "bin" / "kg")]
    found = subprocess.run(
        [py, "-c", "import kg.resources as r; print(r.SCHEMAS, r.PIPELINES)"],
        cwd=work,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert found.returncode == 0, found.stderr
    where = found.stdout
    assert str(env_dir) in where and str(ROOT) not in where
    build = subprocess.run(
        [*kg, "--quiet", "build", str(ROOT / "examples" / "articles"), "--store", "store", "--workers", "1"],
        cwd=work,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    rows = subprocess.run(
        [*kg, "query", "--store", "store", "--name", "positions-held", "--json"],
        cwd=work,
        env=clean,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "John Healey" in rows and "Defence Secretary" in rows
