"""ArticleGraphs -> CSV files for ``neo4j-admin database import full``, straight from the extracted graphs.

The files hold the graph the Neo4j loader would write for the same articles into an empty database
(:mod:`kg.stores.neo4j.rows`: the same rows, the same properties, ``negated`` and the knowledge-base
properties included), in the layout of :mod:`kg.export.neo4j_csv`, with ``import.args`` and
``constraints.cypher`` (the loader's constraints and indexes, to run once the imported database is up)::

    w = Neo4jImportWriter("out")
    w.load(graphs)            # as often as needed; a later version of an article replaces the earlier
    w.close()                 # writes entities and aggregated relationships; the counts

    cd out && neo4j-admin database import full @import.args neo4j
    cypher-shell -f constraints.cypher

What belongs to one article (its node, mentions, evidence, quotes and their links) is written as it
arrives; entities and the aggregated relationships, which articles share, are kept in memory and written
by :meth:`Neo4jImportWriter.close`. An article given again is replaced: its earlier rows are cut out of
the files on close.
"""

from __future__ import annotations

import csv
import io
import shutil
from array import array
from collections.abc import Iterable
from pathlib import Path

from kg.export.neo4j_csv import (
    ARRAY_DELIMITER,
    ARTICLE_HEADER,
    ASSERTION_HEADER,
    ENTITY_HEADER,
    MENTIONS_HEADER,
    QUOTE_HEADER,
    RELATION_HEADER,
    _cell,
)
from kg.model import ArticleGraph
from kg.resolve.labels import canonical
from kg.schema import ids
from kg.stores.base import LoadStats
from kg.stores.neo4j.rows import ASSERTION, ENTITY, Rows, cypher_order, label, names, relation_key
from kg.stores.neo4j.store import CONSTRAINTS

_PLAIN = frozenset((str, int, float))
_SCALAR = {None: "", True: "true", False: "false"}
_SCALAR_TYPES = frozenset((type(None), bool))
_ENTITY_KEYS = ("id", "name", "type", "title", "kb", "country", "agent", "kbRoles")


def _fields(header: list[str]) -> list[str]:
    return [h.partition(":")[0] for h in header]


class _File:
    """One CSV file written article by article, remembering where each article's rows start."""

    def __init__(self, path: Path, header: list[str]):
        self.path, self.fh = path, open(path, "wb")  # noqa: SIM115 - closed by close() or drop()
        self.buf = io.StringIO()
        self.csv = csv.writer(self.buf, lineterminator="\n")
        self.starts = array("q")
        self.rows = 0
        self._put([header])

    def _put(self, rows) -> None:
        self.buf.seek(0)
        self.buf.truncate()
        self.csv.writerows(rows)
        self.fh.write(self.buf.getvalue().encode("utf-8"))

    def article(self, rows: list[list]) -> None:
        self.starts.append(self.fh.tell())
        self._put(rows)
        self.rows += len(rows)

    def drop(self, seqs: list[int], dropped_rows: int) -> None:
        """Cut the rows of the articles numbered ``seqs`` (sorted) out of the file."""
        self.fh.close()
        end = self.path.stat().st_size
        tmp = self.path.with_suffix(".tmp")
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            pos = 0
            for s in seqs:
                a = self.starts[s]
                b = self.starts[s + 1] if s + 1 < len(self.starts) else end
                src.seek(pos)
                _copy(src, dst, a - pos)
                pos = b
            src.seek(pos)
            shutil.copyfileobj(src, dst)
        tmp.replace(self.path)
        self.rows -= dropped_rows


def _safe(items: list[str]) -> bool:
    return not any(ARRAY_DELIMITER in x for x in items)


def _copy(src, dst, n: int) -> None:
    while n > 0:
        chunk = src.read(min(n, 1 << 20))
        if not chunk:
            break
        dst.write(chunk)
        n -= len(chunk)


class Neo4jImportWriter:
    """A sink with the store's ``load`` verb that writes neo4j-admin import files into ``out``."""

    name = "neo4j-import"
    language = "none"

    def __init__(self, out: str | Path, base: str = ids.DEFAULT_BASE):
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"{out} is a file; the neo4j-admin import writes a directory")
        if out.is_dir() and any(out.iterdir()):
            raise ValueError(f"{out} is not empty; the neo4j-admin import writes a new directory")
        (out / "nodes").mkdir(parents=True, exist_ok=True)
        (out / "relationships").mkdir(parents=True, exist_ok=True)
        self.out, self.base, self.location = out, base, str(out)
        n = self.n = names()
        self.changed = [0]  # array items that held the delimiter
        art, quote = label(n.article), label(n.quote)
        rel = lambda t: label(t, rel=True)  # noqa: E731
        self.files = {
            "article": _File(out / "nodes" / f"{art}.csv", ARTICLE_HEADER),
            "assertion": _File(out / "nodes" / f"{label(ASSERTION)}.csv", ASSERTION_HEADER),
            "quote": _File(out / "nodes" / f"{quote}.csv", QUOTE_HEADER),
            "mentions": _File(out / "relationships" / f"{rel(n.mentions)}.csv", MENTIONS_HEADER),
        }
        for key, typ, start, end in (
            ("subject", n.subject, ASSERTION, ENTITY),
            ("object", n.object, ASSERTION, ENTITY),
            ("in_article", n.in_article, ASSERTION, n.article),
            ("said", n.said, ENTITY, n.quote),
            ("about", n.about, n.quote, ENTITY),
            ("quoted_in", n.quoted_in, n.quote, n.article),
        ):
            header = [f":START_ID({label(start)})", f":END_ID({label(end)})", ":TYPE"]
            self.files[key] = _File(out / "relationships" / f"{rel(typ)}.csv", header)
        self._article_fields = _fields(ARTICLE_HEADER)[:-1]
        self._assertion_fields = _fields(ASSERTION_HEADER)[:-1]
        assert self._assertion_fields[12:] == ["eventDate", "eventStart", "eventEnd", "status", "negated"]
        self._quote_fields = _fields(QUOTE_HEADER)[:-1]
        self.seq: dict[str, int] = {}  # article id -> number of its latest version
        # per article version: its id, its rows in each file (in self.files' order), its mentions (entity, name)
        # and relationships
        self.versions: list[tuple[str, tuple[int, ...], list[tuple[str, str]], list[tuple]]] = []
        self.entities: dict[str, dict] = {}  # id -> row, with its label under "_label"
        self.mentioned: dict[str, int] = {}  # entity id -> article versions in force that mention it
        self.names: dict[str, dict[str, int]] = {}  # entity id -> name -> article versions in force giving it
        self.edges: dict[tuple[str, str, str], dict[str, list]] = {}  # (type, s, o) -> article -> [n, conf]
        self.stats = LoadStats()
        self.closed = False
        self.summary: dict[str, int] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:
            for f in self.files.values():
                f.fh.close()

    def _row(self, fields, d: dict, tail: list) -> list:
        # the rows' strings are already storable (kg.stores.neo4j.rows.clean): only other values need _cell
        cell = self._cell
        return [
            v if type(v) in _PLAIN else _SCALAR[v] if type(v) in _SCALAR_TYPES else cell(v) for v in map(d.get, fields)
        ] + tail

    def _assertion(self, x: dict, asn: str) -> list:
        """An :Assertion row in ASSERTION_HEADER's order (written out: the most rows of all, by far)."""
        if "eventDate" in x or "status" in x:
            return self._row(self._assertion_fields, x, [asn])
        return [
            x["id"],
            x["key"],
            x["article_id"],
            x["subject"],
            x["predicate"],
            x["object"],
            x["sentence"],
            x["start"],
            x["end"],
            x["confidence"],
            x["extractor"],
            x["modality"],
            "",
            "",
            "",
            "",
            "true" if x["negated"] else "false",
            asn,
        ]

    def load(self, graphs: Iterable[ArticleGraph]) -> LoadStats:
        stats = LoadStats()
        for g in graphs:
            self._add(g, stats)
        for k in ("articles_loaded", "articles_replaced", "records_written"):
            setattr(self.stats, k, getattr(self.stats, k) + getattr(stats, k))
        return stats

    def _add(self, g: ArticleGraph, stats: LoadStats) -> None:
        n, f = self.n, self.files
        r = Rows()
        r.add(g, self.base)
        aid = r.articles[0]["id"]
        if aid in self.seq:
            self._forget(self.versions[self.seq[aid]])
            stats.articles_replaced += 1
        self.seq[aid] = len(self.versions)
        art, asn, quote = label(n.article), label(ASSERTION), label(n.quote)
        counts = {"article": 1, "assertion": len(r.assertions), "quote": len(r.quotes)}
        f["article"].article([self._row(self._article_fields, r.articles[0], [art])])
        cell = self._cell
        f["mentions"].article(
            [[aid, m["b"], cell(m["aliases"]), m["name"], m.get("role", ""), n.mentions] for m in r.mentions]
        )
        f["assertion"].article([self._assertion(x, asn) for x in r.assertions])
        f["subject"].article([[x["id"], x["subject"], n.subject] for x in r.assertions])
        f["object"].article([[x["id"], x["object"], n.object] for x in r.assertions])
        f["in_article"].article([[x["id"], aid, n.in_article] for x in r.assertions])
        f["quote"].article([self._row(self._quote_fields, q, [quote]) for q in r.quotes])
        f["quoted_in"].article([[q["id"], aid, n.quoted_in] for q in r.quotes])
        f["said"].article([[s["a"], s["b"], n.said] for s in r.said])
        f["about"].article([[a["a"], a["b"], n.about] for a in r.about])
        counts.update(mentions=len(r.mentions), said=len(r.said), about=len(r.about))
        counts.update(subject=len(r.assertions), object=len(r.assertions), in_article=len(r.assertions))
        counts["quoted_in"] = len(r.quotes)

        ents = [(m["b"], m["name"]) for m in r.mentions]
        for eid, name in ents:
            counts = self.names.setdefault(eid, {})
            counts[name] = counts.get(name, 0) + 1
        for lab, rows in r.entities.items():
            for eid, row in rows.items():
                self.mentioned[eid] = self.mentioned.get(eid, 0) + 1
                have = self.entities.get(eid)
                if have is None:
                    self.entities[eid] = {**row, "_label": lab}
                    continue
                if row.get("title"):  # as the loader: the latest article's title
                    have["title"] = row["title"]
                for k in ("kb", "country", "agent", "kbRoles"):
                    if k in row:
                        have.setdefault(k, row[k])
        keys = []
        for typ, pairs in r.edges.items():
            for (s, o), per in pairs.items():
                key = (typ, s, o)
                self.edges.setdefault(key, {})[aid] = per[aid]
                keys.append(key)
        self.versions.append((aid, tuple(counts.get(k, 0) for k in self.files), ents, keys))
        stats.articles_loaded += 1
        stats.records_written += sum(counts.values())

    def _forget(self, version) -> None:
        """Take an article's earlier version out of the shared entities and aggregated relationships."""
        aid, _, ents, keys = version
        for eid, name in ents:
            self.mentioned[eid] -= 1
            self.names[eid][name] -= 1
        for key in keys:
            per = self.edges[key]
            per.pop(aid, None)
            if not per:
                del self.edges[key]

    def close(self) -> dict[str, int]:
        """Write the entities, the aggregated relationships, ``import.args`` and ``constraints.cypher``;
        return the numbers of ``nodes``, ``relationships`` and ``files`` written (and of array items
        whose ``;`` was replaced, ``items_with_semicolon``, when there are any)."""
        if self.closed:
            raise ValueError(f"{self.out}: already closed")
        self.closed = True
        n = self.n
        stale = sorted(i for i, v in enumerate(self.versions) if self.seq[v[0]] != i)
        for j, f in enumerate(self.files.values()):
            if stale:
                f.drop(stale, sum(self.versions[i][1][j] for i in stale))
            else:
                f.fh.close()
        counts = {str(f.path.relative_to(self.out)): f.rows for f in self.files.values()}

        by_label: dict[str, list[dict]] = {}
        for eid, e in self.entities.items():
            if self.mentioned.get(eid, 0) > 0:  # named as the loader names it, from the versions in force
                e["name"] = canonical({k: c for k, c in self.names[eid].items() if c > 0})
                by_label.setdefault(e["_label"], []).append(e)
        for lab, ents in sorted(by_label.items()):
            path = Path("nodes") / f"{lab}.csv"
            tail = [f"{label(ENTITY)}{ARRAY_DELIMITER}{label(lab)}"]
            rows = (self._row(_ENTITY_KEYS, e, tail) for e in sorted(ents, key=lambda e: e["id"]))
            counts[str(path)] = self._write(path, ENTITY_HEADER, rows)
        cat_name = {t: name for name, t in n.rel_types.items()}
        by_type: dict[str, list] = {}
        for (typ, s, o), per in self.edges.items():
            by_type.setdefault(typ, []).append((s, o, per))
        for typ, edges in sorted(by_type.items()):
            path = Path("relationships") / f"{label(typ, rel=True)}.csv"
            counts[str(path)] = self._write(path, RELATION_HEADER, self._edge_rows(typ, cat_name[typ], edges))
        args = [f"--nodes={p.as_posix()}" for p in map(Path, sorted(counts)) if p.parts[0] == "nodes"]
        args += [f"--relationships={p.as_posix()}" for p in map(Path, sorted(counts)) if p.parts[0] != "nodes"]
        args += [f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true"]
        (self.out / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
        shutil.copyfile(CONSTRAINTS, self.out / "constraints.cypher")
        written = {
            "nodes": sum(v for k, v in counts.items() if k.startswith("nodes")),
            "relationships": sum(v for k, v in counts.items() if k.startswith("relationships")),
            "files": len(counts),
        }
        self.summary = {**written, "items_with_semicolon": self.changed[0]} if self.changed[0] else written
        return self.summary

    def _edge_rows(self, typ: str, relation: str, edges):
        join = ARRAY_DELIMITER.join
        for s, o, per in edges:
            key = relation_key(s, relation, o)
            if len(per) == 1:  # most relationships: one article, nothing to sort or sum
                ((aid, (k, c)),) = per.items()
                yield [s, o, key, k, c, aid if _safe([aid]) else self._cell([aid]), k, c, typ]
                continue
            aids = sorted(per, key=cypher_order)
            ns, cs = [per[a][0] for a in aids], [per[a][1] for a in aids]
            ids_cell = join(aids) if _safe(aids) else self._cell(aids)
            yield [s, o, key, sum(ns), max(cs), ids_cell, join(map(str, ns)), join(map(str, cs)), typ]

    def _cell(self, v):
        if v is None:
            return ""
        if type(v) is list:
            if all(type(x) is str and ARRAY_DELIMITER not in x for x in v):
                return ARRAY_DELIMITER.join(v)
            if all(type(x) in (int, float) for x in v):
                return ARRAY_DELIMITER.join(map(str, v))
        return _cell(v, self.changed)

    def _write(self, path: Path, header: list[str], rows) -> int:
        k = 0
        with open(self.out / path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for row in rows:
                w.writerow(row)
                k += 1
        return k


def write_neo4j_import(graphs: Iterable[ArticleGraph], out: str | Path, base: str = ids.DEFAULT_BASE) -> dict:
    """Write the neo4j-admin import files of ``graphs`` into the new directory ``out``; the counts."""
    with Neo4jImportWriter(out, base) as w:
        w.load(graphs)
    return w.summary
