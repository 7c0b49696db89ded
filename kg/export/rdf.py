"""RDF files of an RDF store: N-Quads and TriG keep one named graph per article; Turtle and N-Triples
merge them; JSON-LD is written by rdflib with ``schemas/context.jsonld`` (generated from the catalogue
by :mod:`kg.schema.ontology`), one ``@graph`` per article."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox

from kg.stores.base import StoreError


def _rdf_store(store):
    if not hasattr(store, "dump"):
        raise StoreError(f"an RDF export needs an RDF store (the embedded store or a SPARQL server), not {store.name}")
    return store


def _dump(store, fmt: ox.RdfFormat, out: Path, union: bool) -> dict[str, int]:
    _rdf_store(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        store.dump(fmt, fh, union=union)
    return {"bytes": out.stat().st_size}


def export_ttl(store, out: Path) -> dict[str, int]:
    return _dump(store, ox.RdfFormat.TURTLE, out, union=True)


def export_nt(store, out: Path) -> dict[str, int]:
    return _dump(store, ox.RdfFormat.N_TRIPLES, out, union=True)


def export_nq(store, out: Path) -> dict[str, int]:
    return _dump(store, ox.RdfFormat.N_QUADS, out, union=False)


def export_trig(store, out: Path) -> dict[str, int]:
    return _dump(store, ox.RdfFormat.TRIG, out, union=False)


def export_jsonld(store, out: Path) -> dict[str, int]:
    import rdflib

    from kg.schema.ontology import CONTEXT_PATH

    buf = io.BytesIO()
    _rdf_store(store).dump(ox.RdfFormat.N_QUADS, buf)
    ds = rdflib.Dataset()
    ds.parse(data=buf.getvalue().decode("utf-8"), format="nquads")
    context = json.loads(CONTEXT_PATH.read_text("utf-8"))["@context"]
    out.parent.mkdir(parents=True, exist_ok=True)
    ds.serialize(destination=str(out), format="json-ld", context=context, encoding="utf-8")
    return {"bytes": out.stat().st_size}
