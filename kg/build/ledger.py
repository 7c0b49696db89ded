"""The build ledger: what ``kg build`` already extracted, and what reached the store, so runs resume.

One SQLite file (WAL journal, one transaction per chunk of articles, so a ``kill -9`` loses at most
the chunk in hand). By default it is ``<store>/ledger.sqlite`` for the embedded store and
``.kg-ledger/<host>-<hash of the URI>.sqlite`` in the working directory for Neo4j and remote SPARQL
servers (``kg build --ledger PATH`` chooses another file, ``--no-ledger`` goes without).

Two tables:

``articles``  one row per article id: the *key* (SHA-256 of the pipeline fingerprint, the id, the date and
              the text), the raw ArticleGraph the NLP produced for it (zlib-compressed JSON, before
              cross-article resolution), the state (``extracted``, then ``loaded`` once the sink has
              committed it) and the content hash the sink holds.
``runs``      one row per build: the inputs, start and end time, and the resolver's state at the
              start, so an interrupted build resumes with exactly the resolution an uninterrupted
              one would have had.

``kg build`` looks every article up here *before* the NLP: an article whose key is known is not
parsed again; its stored graph goes on to resolution and the sink as if freshly extracted. The
sink, not the ledger, decides what to write (it compares content hashes), so an article the store
has but the ledger lacks (killed between the store's commit and the ledger's) is compared and,
if needed, replaced: loads are idempotent. The pipeline fingerprint covers the model (name and
version), the config and the environment switches that override it, kg's version and the source of
``kg/nlp``, ``kg/model.py`` and ``pipelines/``: change any and every article is extracted again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
import zlib
from collections.abc import Iterable
from pathlib import Path

from kg.model import Article, ArticleGraph

LEDGER_FILE = "ledger.sqlite"
REMOTE_DIR = ".kg-ledger"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    state TEXT NOT NULL,            -- extracted | loaded
    graph BLOB NOT NULL,            -- zlib(JSON of the raw ArticleGraph without its article)
    loaded_hash TEXT,               -- content hash the sink holds, once loaded
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    inputs TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    resolver TEXT                   -- the resolver's alias table at the start of the run (JSON)
);
"""


def default_path(store: str | os.PathLike | None = None, uri: str | None = None) -> Path:
    """Where the ledger of a build goes: in the embedded store's directory, or keyed by server URI."""
    if uri:
        clean = re.sub(r"//[^@/]*@", "//", uri)  # never keep credentials in a file name
        host = re.sub(r"[^A-Za-z0-9.-]+", "-", clean.split("//", 1)[-1]).strip("-")[:60] or "server"
        digest = hashlib.sha256(clean.encode()).hexdigest()[:12]
        return Path(os.environ.get("KG_LEDGER_DIR", REMOTE_DIR)) / f"{host}-{digest}.sqlite"
    if store is None:
        raise TypeError("default_path needs the store directory or the server URI")
    return Path(store) / LEDGER_FILE


def _model_name(cfg: Path, model_name: str | None) -> str:
    """The English model a pipeline config sources its components from ([paths] base_model)."""
    if model_name or os.environ.get("KG_SPACY_MODEL"):
        return str(model_name or os.environ.get("KG_SPACY_MODEL"))
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string((cfg / "config.cfg" if cfg.is_dir() else cfg).read_text(encoding="utf-8"))
    raw = parser.get("paths", "base_model", fallback='""')
    try:
        return str(json.loads(raw))
    except ValueError:
        return raw


def _version(dist: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(dist)
    except (metadata.PackageNotFoundError, ValueError):  # a model given as a path
        return ""


def pipeline_fingerprint(config: str | os.PathLike | None = None, model_name: str | None = None) -> str:
    """A hash of everything that decides what the NLP extracts (see the module docstring). Cheap: it
    reads files and package versions and imports no spaCy."""
    from kg import __version__
    from kg.resources import PIPELINES

    cfg = Path(config or Path(PIPELINES) / "kg.cfg")
    name = _model_name(cfg, model_name)
    h = hashlib.sha256()
    switches = [os.environ.get(v, "") for v in ("KG_PARSE", "KG_RELATION_MODEL")]  # override the config
    for part in (__version__, _version("spacy"), name, _version(name), *switches):
        h.update(part.encode() + b"\0")
    for f in sorted(p for p in cfg.rglob("*") if p.is_file()) if cfg.is_dir() else [cfg]:  # a saved pipeline: all of it
        h.update(f.read_bytes() + b"\0")
    pkg = Path(__file__).parents[1]
    files = [
        *sorted((pkg / "nlp").rglob("*.py")),
        pkg / "model.py",
        *sorted(p for p in Path(PIPELINES).rglob("*") if p.is_file() and "eval" not in p.parts),
    ]
    for f in files:
        h.update(str(f.relative_to(f.parents[1])).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def article_key(article: Article, fingerprint: str) -> str:
    """What an article's extraction depends on: the pipeline, its id (in every evidence), its date (what
    "on Friday" means) and its text."""
    h = hashlib.sha256()
    h.update(fingerprint.encode() + b"\0" + article.id.encode("utf-8", "surrogatepass") + b"\0")
    h.update((article.date or "").encode("utf-8", "surrogatepass") + b"\0")
    h.update(article.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def pack_graph(graph: ArticleGraph) -> bytes:
    """A raw graph as the ledger stores it (compressed JSON, without its article), which is also how
    worker processes send graphs back: smaller than a pickle and cheaper to take apart."""
    d = graph.to_dict()
    del d["article"]
    return zlib.compress(json.dumps(d, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass"), 6)


def unpack_graph(blob: bytes, article: Article) -> ArticleGraph:
    """The graph :func:`pack_graph` packed, for ``article``."""
    d = json.loads(zlib.decompress(blob).decode("utf-8", "surrogatepass"))
    g = ArticleGraph.from_dict({**d, "article": {"id": article.id, "text": ""}})
    g.article = article
    return g


class Ledger:
    """The ledger file at ``path`` (created if absent). Use as a context manager or ``close()`` it."""

    def __init__(self, path: str | os.PathLike, fingerprint: str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fingerprint = fingerprint
        self.db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # durable across a killed process; WAL keeps it consistent
        self.db.executescript(_SCHEMA)

    # -- articles ------------------------------------------------------------

    def key(self, article: Article) -> str:
        return article_key(article, self.fingerprint)

    def cached(self, articles: list[Article]) -> dict[int, ArticleGraph]:
        """{index in ``articles``: its stored raw graph} for the articles extracted before by this pipeline."""
        if not articles:
            return {}
        ids = list({a.id for a in articles})
        rows: dict[str, tuple[str, bytes]] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            q = f"SELECT id, key, graph FROM articles WHERE id IN ({','.join('?' * len(part))})"
            rows.update({r[0]: (r[1], r[2]) for r in self.db.execute(q, part)})
        out: dict[int, ArticleGraph] = {}
        for i, a in enumerate(articles):
            row = rows.get(a.id)
            if row is not None and row[0] == self.key(a):
                out[i] = unpack_graph(row[1], a)
        return out

    def record(self, graphs: list[ArticleGraph], packed: list[bytes | None] | None = None) -> None:
        """Remember freshly extracted raw graphs (state ``extracted``), in one transaction. ``packed``:
        each graph already packed (:func:`pack_graph`) as a worker sent it, or None."""
        now = time.time()
        packed = packed or [None] * len(graphs)
        rows = [(g.article.id, self.key(g.article), blob or pack_graph(g), now) for g, blob in zip(graphs, packed)]
        if rows:
            with self._tx():
                self.db.executemany(
                    "INSERT INTO articles (id, key, state, graph, loaded_hash, updated) "
                    "VALUES (?, ?, 'extracted', ?, NULL, ?) "
                    "ON CONFLICT(id) DO UPDATE SET key=excluded.key, state='extracted', graph=excluded.graph, "
                    "loaded_hash=NULL, updated=excluded.updated",
                    rows,
                )

    def mark_loaded(self, graphs: Iterable[ArticleGraph]) -> None:
        """Record that the sink has committed these (resolved) graphs."""
        now = time.time()
        rows = [(g.article.hash, now, g.article.id) for g in graphs]
        if rows:
            with self._tx():
                self.db.executemany("UPDATE articles SET state='loaded', loaded_hash=?, updated=? WHERE id=?", rows)

    def states(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT state, COUNT(*) FROM articles GROUP BY state").fetchall())

    # -- runs ----------------------------------------------------------------

    def unfinished_run(self, inputs: str) -> tuple[int, str | None] | None:
        """(run id, resolver snapshot) of the last run if it did not finish and read the same ``inputs``."""
        row = self.db.execute("SELECT id, inputs, finished, resolver FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        if row and row[2] is None and row[1] == inputs:
            return row[0], row[3]
        return None

    def start_run(self, inputs: str, resolver: str | None) -> int:
        with self._tx():
            cur = self.db.execute(
                "INSERT INTO runs (inputs, started, resolver) VALUES (?, ?, ?)", (inputs, time.time(), resolver)
            )
        assert cur.lastrowid is not None  # set by the INSERT
        return cur.lastrowid

    def finish_run(self, run_id: int) -> None:
        with self._tx():
            self.db.execute("UPDATE runs SET finished=?, resolver=NULL WHERE id=?", (time.time(), run_id))

    # -- plumbing --------------------------------------------------------------

    def _tx(self):
        db = self.db

        class _T:
            def __enter__(self):
                db.execute("BEGIN IMMEDIATE")

            def __exit__(self, exc_type, *rest):
                db.execute("ROLLBACK" if exc_type else "COMMIT")

        return _T()

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
