"""Keep thinc from importing torch: ``thinc.compat`` imports it, when installed, at thinc's own import,
although kg's spaCy models never use it (seconds and hundreds of MB per process). :func:`install` makes
``import torch`` fail inside ``thinc.compat`` only; kg's accurate mode imports torch itself when it
loads a model, and thinc then finds it already imported."""

import importlib.abc
import importlib.util
import sys


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "thinc.compat":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or "torch" in sys.modules:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            # None in sys.modules makes `import torch` raise ImportError
            sys.modules["torch"] = None  # type: ignore[assignment]
            try:
                run(module)
            finally:
                if sys.modules.get("torch", 0) is None:
                    del sys.modules["torch"]

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install() -> None:
    """Until thinc is imported: its ``import torch`` fails (a no-op once thinc is imported)."""
    if "thinc.compat" not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
