"""One registry for kg's extension points: stores, readers, exporters, datasets and engines.

In the style of rdflib's plugins, a plugin is registered by *name* and *kind* with the module and
attribute that implement it, and its module is imported only when the plugin is first used, so
``kg --help`` and a build's main process do not import what they do not run. Third-party packages
add plugins without editing kg through entry points, one group per kind::

    # pyproject.toml of a package that adds a store
    [project.entry-points."kg.stores"]
    mystore = "mypackage.store:open_mystore"

>>> register("txt-upper", "reader", "kg.readers.text", "read_text", extensions=(".txt2",))
>>> get("txt-upper", "reader").__name__
'read_text'
>>> find("reader", extension=".txt2").name
'txt-upper'
>>> unregister("txt-upper", "reader")

What each kind's object is:

* ``store``: ``factory(location, *, read_only=False, **options) -> kg.stores.base.Store``; ``schemes``
  lists the URI schemes it serves (``bolt``, ``http``), the one with ``default=True`` serves paths.
* ``reader``: ``reader(path, *, max_bytes) -> Iterator[Article | Skipped]``; ``extensions`` lists the
  file extensions it reads.
* ``exporter``: ``export(store, out) -> dict[str, int]`` writing one format.
* ``dataset``: a module with ``evaluate(path, nlp, mapping, limit=..., batch_size=...)``.
* ``engine``: ``Engine(spec)`` running the NLP (:mod:`kg.build.engines`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

KINDS = ("store", "reader", "exporter", "dataset", "engine")
GROUPS = {kind: f"kg.{kind}s" for kind in KINDS}


class PluginError(LookupError):
    """No plugin of that name and kind, or it cannot be imported."""


@dataclass
class Plugin:
    name: str
    kind: str
    module: str
    attr: str | None = None  # None: the module itself is the plugin
    options: dict[str, Any] = field(default_factory=dict)
    _loaded: Any = None

    def load(self) -> Any:
        if self._loaded is None:
            try:
                obj: Any = importlib.import_module(self.module)
            except ImportError as exc:
                raise PluginError(
                    f"{self.kind} plugin {self.name!r} cannot be imported ({self.module}): {exc}"
                ) from exc
            self._loaded = getattr(obj, self.attr) if self.attr else obj
        return self._loaded


_PLUGINS: dict[tuple[str, str], Plugin] = {}
_ENTRY_POINTS_READ: set[str] = set()


def register(name: str, kind: str, module: str, attr: str | None = None, **options: Any) -> None:
    """Register ``module:attr`` as the ``kind`` plugin called ``name`` (replacing one of that name)."""
    if kind not in KINDS:
        raise PluginError(f"unknown plugin kind {kind!r}; kinds: {', '.join(KINDS)}")
    _PLUGINS[(kind, name)] = Plugin(name, kind, module, attr, dict(options))


def unregister(name: str, kind: str) -> None:
    _PLUGINS.pop((kind, name), None)


def _read_entry_points(kind: str) -> None:
    if kind in _ENTRY_POINTS_READ:
        return
    _ENTRY_POINTS_READ.add(kind)
    for ep in entry_points(group=GROUPS[kind]):
        module, _, attr = ep.value.partition(":")
        if (kind, ep.name) not in _PLUGINS:  # kg's own plugins win over a package's of the same name
            _PLUGINS[(kind, ep.name)] = Plugin(ep.name, kind, module.strip(), attr.strip() or None)


def plugins(kind: str) -> list[Plugin]:
    """Every plugin of ``kind``, kg's own and those of installed packages, by name."""
    if kind not in KINDS:
        raise PluginError(f"unknown plugin kind {kind!r}; kinds: {', '.join(KINDS)}")
    _read_entry_points(kind)
    return sorted((p for (k, _), p in _PLUGINS.items() if k == kind), key=lambda p: p.name)


def names(kind: str) -> list[str]:
    return [p.name for p in plugins(kind)]


def plugin(name: str, kind: str) -> Plugin:
    _read_entry_points(kind)
    try:
        return _PLUGINS[(kind, name)]
    except KeyError:
        raise PluginError(f"unknown {kind} {name!r}; known: {', '.join(names(kind))}") from None


def get(name: str, kind: str) -> Any:
    """The object the ``kind`` plugin ``name`` registered (its module imported now if not yet)."""
    return plugin(name, kind).load()


def find(kind: str, **option: Any) -> Plugin | None:
    """The first plugin of ``kind`` whose option matches: ``extension=".txt"`` is in its
    ``extensions``, ``scheme="bolt"`` in its ``schemes``, ``default=True`` equal."""
    ((key, value),) = option.items()
    for p in plugins(kind):
        have = p.options.get(key) if key in p.options else p.options.get(key + "s")
        if have == value or (isinstance(have, (tuple, list, frozenset, set)) and value in have):
            return p
    return None


# -- kg's own plugins --------------------------------------------------------------------------------

register("oxigraph", "store", "kg.stores.oxigraph", "open_oxigraph", default=True, schemes=("file",))
register("sparql", "store", "kg.stores.sparql", "open_sparql", schemes=("http", "https"))
register(
    "neo4j",
    "store",
    "kg.stores.neo4j.store",
    "open_neo4j",
    schemes=("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"),
)

register("text", "reader", "kg.readers.text", "read_text", extensions=(".txt", ".text", ".md"))
register("jsonl", "reader", "kg.readers.jsonl", "read_jsonl", extensions=(".jsonl", ".ndjson"))
register("json", "reader", "kg.readers.jsonl", "read_json", extensions=(".json",))
register("html", "reader", "kg.readers.html", "read_html", extensions=(".html", ".htm"))

for _fmt in ("graphml", "gexf", "json"):
    register(_fmt, "exporter", "kg.export.graph", f"export_{_fmt}")
for _fmt in ("ttl", "nt", "nq", "trig", "jsonld"):
    register(_fmt, "exporter", "kg.export.rdf", f"export_{_fmt}")
register("neo4j-csv", "exporter", "kg.export.neo4j_csv", "export_neo4j_csv")

for _name in ("conll04", "kbp37", "polnear", "crossre", "petrarch"):
    register(_name, "dataset", f"kg.evaluate.{_name}")

register("inprocess", "engine", "kg.build.engines", "InProcess")
register("processes", "engine", "kg.build.engines", "ProcessPool")
register("dask", "engine", "kg.build.dask", "DaskEngine")
