"""Export an RDF store as CSV files for ``neo4j-admin database import full`` (bulk loads).

The files describe the same graph the Neo4j loader writes (:mod:`kg.stores.neo4j.rows`): ``:Article``,
``:Entity:<label>`` (named by the smallest of its names), ``:Assertion`` and ``:Quote`` nodes;
``MENTIONS`` with the article's aliases and name, one aggregated relationship per (subject, type,
object) with its ``key``, per-article lists and their ``evidence`` sum and best ``confidence``,
``SUBJECT``/``OBJECT``/``IN_ARTICLE`` from each assertion, and ``SAID``/``ABOUT``/``QUOTED_IN``.
Labels and relationship types are the catalogue's. One file per node label and one per relationship
type, each with its header line::

    nodes/Person.csv              id:ID(Entity),name,type,title,kb,country,agent,kbRoles:string[],:LABEL
    relationships/MEETS.csv       :START_ID(Entity),:END_ID(Entity),key,evidence:int,confidence:double,
                                  articles:string[],articleEvidence:int[],articleConfidence:double[],:TYPE

What the RDF store does not hold is left empty: an assertion's ``negated`` flag
(:mod:`kg.export.neo4j_import` writes it, from the extracted graphs).

``import.args`` holds the arguments for ``neo4j-admin``, paths relative to the export directory, and
``constraints.cypher`` the loader's constraints and indexes, to run once the imported database is up::

    cd DIR && neo4j-admin database import full @import.args neo4j
    cypher-shell -f constraints.cypher

Array values are separated by ``;``, neo4j-admin's own default (``--array-delimiter``), as labels are
(docs/formats.md). neo4j-admin has no escape for it, so a ``;`` inside an array item (an alias or article
id) is written as U+FF1B ``；``; the export counts such items (``items_with_semicolon``, when there are any).
"""

from __future__ import annotations

import csv
import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote

from kg.schema import catalogue
from kg.stores.neo4j.rows import ASSERTION, ENTITY, clean, label, names, relation_key
from kg.stores.neo4j.store import CONSTRAINTS

ARRAY_DELIMITER = ";"
IN_ITEM = "\uff1b"  # what a ";" inside an array item becomes
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# typed as the loader writes them: date a Date, publishedAt a DateTime
ARTICLE_HEADER = [
    "id:ID(Article)",
    "title",
    "date:date",
    "publishedAt:datetime",
    "url",
    "source",
    "contentHash",
    ":LABEL",
]
ENTITY_HEADER = [
    "id:ID(Entity)",
    "name",
    "type",
    "title",  # a post's bare title
    "kb",
    "country",
    "agent",
    "kbRoles:string[]",
    ":LABEL",
]
ASSERTION_HEADER = [
    "id:ID(Assertion)",
    "key",
    "article_id",
    "subject",
    "predicate",
    "object",
    "sentence",
    "start:int",
    "end:int",
    "confidence:double",
    "extractor",
    "modality",
    "eventDate",
    "eventStart:date",
    "eventEnd:date",
    "status",
    "negated:boolean",
    ":LABEL",
]
QUOTE_HEADER = [
    "id:ID(Quote)",
    "article_id",
    "text",
    "cue",
    "kind",
    "sentence",
    "start:int",
    "end:int",
    "confidence:double",
    ":LABEL",
]
RELATION_HEADER = [
    ":START_ID(Entity)",
    ":END_ID(Entity)",
    "key",
    "evidence:int",
    "confidence:double",
    "articles:string[]",
    "articleEvidence:int[]",
    "articleConfidence:double[]",
    ":TYPE",
]
MENTIONS_HEADER = [":START_ID(Article)", ":END_ID(Entity)", "aliases:string[]", "name", "role", ":TYPE"]


def _rows(store, text: str) -> list[dict]:
    return store.query(text).dicts()


def _strip(iri: str, prefix: str) -> str:
    return unquote(iri[len(prefix) :]) if iri.startswith(prefix) else iri


def read(store, base: str | None = None) -> dict:
    """Everything the CSV files hold, read from an RDF store by SPARQL (one pattern per article graph)."""
    cat = catalogue.load()
    kg, rdfs, schema, skos = (cat.namespaces[k] for k in ("kg", "rdfs", "schema", "skos"))
    base = base if base is not None else getattr(store, "base", "")
    prop = {name: cat.expand(r.rdf) for name, r in {**cat.relations, **cat.structural}.items()}
    quote_class = cat.expand(cat.entity_types["Quote"].rdf)
    derived = cat.expand("prov:wasDerivedFrom")
    type_by_class = {
        cat.expand(t.rdf): name for name, t in cat.entity_types.items() if name not in ("Article", "Quote")
    }
    articles = _rows(
        store,
        f"""SELECT DISTINCT ?id ?hash ?title ?date ?at ?url ?source WHERE {{ GRAPH ?g {{
        ?a <{kg}articleId> ?id ; <{kg}contentHash> ?hash .
        OPTIONAL {{ ?a <{schema}headline> ?title }} OPTIONAL {{ ?a <{schema}datePublished> ?date }}
        OPTIONAL {{ ?a <{kg}publishedAt> ?at }}
        OPTIONAL {{ ?a <{schema}url> ?url }} OPTIONAL {{ ?a <{kg}source> ?source }} }} }}""",
    )
    entities: dict[str, dict] = {}
    for r in sorted(
        _rows(
            store,
            f"""SELECT DISTINCT ?id ?name ?class ?title WHERE {{ GRAPH ?g {{
            ?e <{kg}entityId> ?id ; <{rdfs}label> ?name ; a ?class }}
            OPTIONAL {{ GRAPH ?h {{ ?e <{kg}title> ?title }} }} }}""",
        ),
        key=lambda r: (str(r["id"]), str(r["name"]), str(r["class"])),
    ):
        if r["class"] in type_by_class and r["id"] not in entities:
            entities[r["id"]] = {
                "id": r["id"],
                "name": r["name"],
                "type": type_by_class[r["class"]],
                "title": r.get("title") or "",
            }
    # knowledge-base properties: the same in every article that names the entity
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?id ?kb ?country ?agent ?role WHERE {{ GRAPH ?g {{ ?e <{kg}entityId> ?id .
            OPTIONAL {{ ?e <{kg}kbId> ?kb }} OPTIONAL {{ ?e <{kg}countryCode> ?country }}
            OPTIONAL {{ ?e <{kg}agentCode> ?agent }} OPTIONAL {{ ?e <{kg}kbRole> ?role }} }} }}""",
    ):
        e = entities.get(r["id"])
        if e is None:
            continue
        for k in ("kb", "country", "agent"):
            if r[k] is not None:
                e[k] = min(e.get(k) or r[k], r[k])
        if r["role"] is not None:
            e.setdefault("roles", set()).add(r["role"])
    roles = {
        (r["aid"], r["id"]): r["role"]
        for r in _rows(
            store,
            f"""SELECT DISTINCT ?aid ?id ?role WHERE {{ GRAPH ?g {{
            ?a <{kg}articleId> ?aid ; <{prop["mentions"]}> ?e . ?e <{kg}entityId> ?id ; <{kg}roleCode> ?role }} }}""",
        )
    }
    mentions: dict[tuple, dict] = {}
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?aid ?id ?name ?alias WHERE {{ GRAPH ?g {{
            ?a <{kg}articleId> ?aid ; <{prop["mentions"]}> ?e . ?e <{kg}entityId> ?id ; <{kg}mentionedAs> ?name .
            OPTIONAL {{ ?e <{skos}altLabel> ?alias }} }} }}""",
    ):
        m = mentions.setdefault(
            (r["aid"], r["id"]), {"aliases": set(), "name": r["name"], "role": roles.get((r["aid"], r["id"]))}
        )
        m["name"] = min(m["name"], r["name"])
        if r["alias"] is not None:
            m["aliases"].add(r["alias"])
    by_prop = {cat.expand(r.rdf): name for name, r in cat.relations.items()}
    assertions = []
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?x ?aid ?s ?p ?o ?sent ?start ?end ?c ?ex ?mod ?when ?from ?to ?status
        WHERE {{ GRAPH ?g {{
            ?x a <{kg}Assertion> ; <{_RDF}subject> ?se ; <{_RDF}predicate> ?p ; <{_RDF}object> ?oe ;
               <{kg}confidence> ?c ; <{derived}> ?art .
            ?se <{kg}entityId> ?s . ?oe <{kg}entityId> ?o . ?art <{kg}articleId> ?aid .
            OPTIONAL {{ ?x <{kg}sentence> ?sent }} OPTIONAL {{ ?x <{kg}start> ?start ; <{kg}end> ?end }}
            OPTIONAL {{ ?x <{kg}extractor> ?ex }} OPTIONAL {{ ?x <{kg}modality> ?mod }}
            OPTIONAL {{ ?x <{kg}eventDate> ?when ; <{kg}eventStart> ?from ; <{kg}eventEnd> ?to }}
            OPTIONAL {{ ?x <{kg}status> ?status }} }} }}""",
    ):
        if r["p"] in by_prop:
            assertions.append(
                {
                    "id": _strip(r["x"], base),
                    "article_id": r["aid"],
                    "subject": r["s"],
                    "predicate": by_prop[r["p"]],
                    "object": r["o"],
                    "sentence": r["sent"],
                    "start": r["start"],
                    "end": r["end"],
                    "confidence": r["c"],
                    "extractor": r["ex"],
                    "modality": r["mod"],
                    "eventDate": r["when"],
                    "eventStart": r["from"],
                    "eventEnd": r["to"],
                    "status": r["status"],
                }
            )
    quotes: dict[str, dict] = {}
    for r in sorted(
        _rows(
            store,
            f"""
        SELECT DISTINCT ?q ?aid ?text ?cue ?kind ?sent ?start ?end ?c WHERE {{ GRAPH ?g {{
            ?q a <{quote_class}> ; <{prop["quoted_in"]}> ?art . ?art <{kg}articleId> ?aid .
            OPTIONAL {{ ?q <{schema}text> ?text }} OPTIONAL {{ ?q <{kg}cue> ?cue }}
            OPTIONAL {{ ?q <{kg}quoteKind> ?kind }} OPTIONAL {{ ?q <{kg}sentence> ?sent }}
            OPTIONAL {{ ?q <{kg}start> ?start ; <{kg}end> ?end }} OPTIONAL {{ ?q <{kg}confidence> ?c }} }} }}""",
        ),
        key=lambda r: tuple(str(r[k]) for k in ("q", "text", "cue", "kind", "sent", "c")),
    ):
        qid = _strip(r["q"], base + "id/")
        quotes.setdefault(
            qid,
            {
                "id": qid,
                "article_id": r["aid"],
                "text": r["text"],
                "cue": r["cue"],
                "kind": r["kind"],
                "sentence": r["sent"],
                "start": r["start"],
                "end": r["end"],
                "confidence": r["c"],
            },
        )
    said = {
        (r["id"], _strip(r["q"], base + "id/"))
        for r in _rows(
            store,
            f"""SELECT DISTINCT ?id ?q WHERE {{
        GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{prop["said"]}> ?q }} }}""",
        )
    }
    about = {
        (_strip(r["q"], base + "id/"), r["id"])
        for r in _rows(
            store,
            f"""SELECT DISTINCT ?q ?id WHERE {{
        GRAPH ?g {{ ?q a <{quote_class}> ; <{prop["about"]}> ?e . ?e <{kg}entityId> ?id }} }}""",
        )
    }
    return {
        "articles": articles,
        "entities": entities,
        "mentions": mentions,
        "assertions": assertions,
        "quotes": list(quotes.values()),
        "said": sorted(said),
        "about": sorted(about),
    }


def _cell(v, changed: list[int]):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (list, tuple, set)):
        items = [clean(str(x)) for x in v]
        changed[0] += sum(ARRAY_DELIMITER in x for x in items)
        return ARRAY_DELIMITER.join(x.replace(ARRAY_DELIMITER, IN_ITEM) for x in items)
    return clean(v)


def _write(path: Path, header: list[str], rows, changed: list[int]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([_cell(v, changed) for v in r])
            n += 1
    return n


def export_neo4j_csv(store, out: str | Path) -> dict[str, int]:
    """Write the CSV files and ``import.args`` into the directory ``out``; returns the numbers of
    ``nodes`` and ``relationships`` written and of CSV ``files``."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file; the neo4j-csv export writes a directory")
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    (out / "relationships").mkdir(parents=True, exist_ok=True)
    data = read(store)
    n = names()
    counts: dict[str, int] = {}
    changed = [0]  # array items that held the delimiter
    args = []

    def nodes(lab: str, header, rows):
        f = Path("nodes") / f"{lab}.csv"
        counts[str(f)] = _write(out / f, header, rows, changed)
        args.append(f"--nodes={f.as_posix()}")

    def rels(typ: str, header, rows):
        f = Path("relationships") / f"{typ}.csv"
        counts[str(f)] = _write(out / f, header, rows, changed)
        args.append(f"--relationships={f.as_posix()}")

    art = label(n.article)
    nodes(
        art,
        ARTICLE_HEADER,
        (
            [a["id"], a["title"], a["date"], a["at"], a["url"], a["source"], a["hash"], art]
            for a in sorted(data["articles"], key=lambda a: a["id"])
        ),
    )
    by_label: dict[str, list[dict]] = defaultdict(list)
    for e in data["entities"].values():
        by_label[n.entity_labels[e["type"]]].append(e)
    for lab, ents in sorted(by_label.items()):
        nodes(
            lab,
            ENTITY_HEADER,
            (
                [
                    e["id"],
                    e["name"],
                    e["type"],
                    e["title"],
                    e.get("kb"),
                    e.get("country"),
                    e.get("agent"),
                    sorted(e.get("roles", ())),
                    f"{label(ENTITY)};{label(lab)}",
                ]
                for e in sorted(ents, key=lambda e: e["id"])
            ),
        )
    known = set(data["entities"])
    asns = sorted(
        (a for a in data["assertions"] if a["subject"] in known and a["object"] in known), key=lambda a: a["id"]
    )
    for a in asns:
        a["key"] = relation_key(a["subject"], a["predicate"], a["object"])
    assertion_keys = (
        "id",
        "key",
        "article_id",
        "subject",
        "predicate",
        "object",
        "sentence",
        "start",
        "end",
        "confidence",
        "extractor",
        "modality",
        "eventDate",
        "eventStart",
        "eventEnd",
        "status",
        "negated",
    )
    nodes(label(ASSERTION), ASSERTION_HEADER, ([a.get(k) for k in assertion_keys] + [label(ASSERTION)] for a in asns))
    quote = label(n.quote)
    nodes(
        quote,
        QUOTE_HEADER,
        (
            [q[k] for k in ("id", "article_id", "text", "cue", "kind", "sentence", "start", "end", "confidence")]
            + [quote]
            for q in sorted(data["quotes"], key=lambda q: q["id"])
        ),
    )
    mentions = label(n.mentions, rel=True)
    rels(
        mentions,
        MENTIONS_HEADER,
        (
            [a, e, sorted(m["aliases"]), m["name"], m["role"], mentions]
            for (a, e), m in sorted(data["mentions"].items())
            if e in known
        ),
    )
    # per (type, subject, object): article -> [assertions, best confidence]
    agg: dict[str, dict[tuple, dict[str, list]]] = defaultdict(dict)
    for a in asns:
        per = agg[n.rel_types[a["predicate"]]].setdefault((a["subject"], a["object"]), {})
        got = per.setdefault(a["article_id"], [0, float(a["confidence"])])
        got[0] += 1
        got[1] = max(got[1], float(a["confidence"]))
    cat_name = {t: name for name, t in n.rel_types.items()}
    for typ, edges in sorted(agg.items()):
        rels(
            label(typ, rel=True),
            RELATION_HEADER,
            (
                [
                    s,
                    o,
                    relation_key(s, cat_name[typ], o),
                    sum(per[x][0] for x in sorted(per)),
                    max(per[x][1] for x in per),
                    sorted(per),
                    [per[x][0] for x in sorted(per)],
                    [per[x][1] for x in sorted(per)],
                    typ,
                ]
                for (s, o), per in sorted(edges.items())
            ),
        )
    for typ, end, space in (
        (n.subject, "subject", ENTITY),
        (n.object, "object", ENTITY),
        (n.in_article, "article_id", n.article),
    ):
        rels(
            label(typ, rel=True),
            [f":START_ID({label(ASSERTION)})", f":END_ID({label(space)})", ":TYPE"],
            ([a["id"], a[end], typ] for a in asns),
        )
    quote_ids = {q["id"] for q in data["quotes"]}
    said, about, quoted_in = (label(x, rel=True) for x in (n.said, n.about, n.quoted_in))
    rels(
        said,
        [":START_ID(Entity)", ":END_ID(Quote)", ":TYPE"],
        ([s, q, said] for s, q in data["said"] if s in known and q in quote_ids),
    )
    rels(
        about,
        [":START_ID(Quote)", ":END_ID(Entity)", ":TYPE"],
        ([q, e, about] for q, e in data["about"] if e in known and q in quote_ids),
    )
    rels(
        quoted_in,
        [":START_ID(Quote)", ":END_ID(Article)", ":TYPE"],
        ([q["id"], q["article_id"], quoted_in] for q in sorted(data["quotes"], key=lambda q: q["id"])),
    )
    args += [f"--array-delimiter={ARRAY_DELIMITER}", "--multiline-fields=true"]
    (out / "import.args").write_text("\n".join(args) + "\n", encoding="utf-8")
    shutil.copyfile(CONSTRAINTS, out / "constraints.cypher")  # the loader's indexes, to run after the import
    written = {
        "nodes": sum(v for k, v in counts.items() if k.startswith("nodes")),
        "relationships": sum(v for k, v in counts.items() if k.startswith("relationships")),
        "files": len(counts),
    }
    return {**written, "items_with_semicolon": changed[0]} if changed[0] else written
