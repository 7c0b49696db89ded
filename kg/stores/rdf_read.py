"""What the analyses read from an RDF store (the embedded store or a SPARQL server), by SPARQL: the rows
of :func:`kg.analyse.graph.actor_graph` and the aliases of each entity. :class:`RdfReading` gives a
store these as methods (:mod:`kg.stores.neo4j.read` does the same for Neo4j by Cypher)."""

from __future__ import annotations

from kg.schema import catalogue

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _rows(store, text: str) -> list[dict]:
    return store.query(text).dicts()


def actor_rows(store) -> dict:
    """The rows :func:`kg.analyse.graph.actor_graph` needs, read from an RDF store by SPARQL."""
    cat = catalogue.load()
    kg = cat.namespaces["kg"]
    rdfs = cat.namespaces["rdfs"]
    schema = cat.namespaces["schema"]
    type_by_class = {cat.expand(t.rdf): name for name, t in cat.entity_types.items()}
    # Every pattern sits inside GRAPH ?g: an entity's triples repeat in each article graph that
    # names it, and joining them over the union graph would multiply rows by that count per pattern.
    mentions = {
        r["id"]: int(r["n"])
        for r in _rows(
            store,
            f"""
        SELECT ?id (COUNT(DISTINCT ?a) AS ?n)
        WHERE {{ GRAPH ?g {{ ?a <{schema}mentions> ?e . ?e <{kg}entityId> ?id }} }}
        GROUP BY ?id""",
        )
    }
    entities = [
        {"id": r["id"], "label": r["label"], "type": type_by_class.get(r["class"]), "title": r.get("title")}
        for r in sorted(
            _rows(
                store,
                f"""
        SELECT DISTINCT ?id ?label ?class ?title WHERE {{
          GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{rdfs}label> ?label ; a ?class }}
          OPTIONAL {{ GRAPH ?h {{ ?e <{kg}title> ?title }} }} }}""",
            ),
            key=lambda r: (str(r["id"]), str(r["label"]), str(r["class"])),
        )
    ]
    dates = {
        r["id"]: (r["first"], r["last"])
        for r in _rows(
            store,
            f"""
        SELECT ?id (MIN(?date) AS ?first) (MAX(?date) AS ?last) WHERE {{
          GRAPH ?g {{ ?a <{schema}mentions> ?e ; <{schema}datePublished> ?date . ?e <{kg}entityId> ?id }}
        }} GROUP BY ?id""",
        )
    }
    by_prop = {cat.expand(rt.rdf): rt.name for rt in cat.relations.values()}
    # One row per assertion, read inside its article's graph.
    assertions = [
        {
            "x": r["x"],
            "s": r["s"],
            "p": by_prop.get(r["p"]),
            "o": r["o"],
            "c": r["c"],
            "aid": r["aid"],
            "date": r["date"],
            "sentence": r["sent"],
            "start": r["start"],
            "end": r["end"],
            "modality": r["mod"],
            "status": r["status"],
        }
        for r in _rows(
            store,
            f"""
        SELECT DISTINCT ?x ?s ?p ?o ?c ?aid ?date ?sent ?start ?end ?mod ?status WHERE {{ GRAPH ?g {{
          ?x a <{kg}Assertion> ; <{_RDF}subject> ?se ; <{_RDF}predicate> ?p ; <{_RDF}object> ?oe ;
             <{kg}confidence> ?c ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?art .
          ?se <{kg}entityId> ?s . ?oe <{kg}entityId> ?o . ?art <{kg}articleId> ?aid .
          OPTIONAL {{ ?art <{schema}datePublished> ?date }}
          OPTIONAL {{ ?x <{kg}sentence> ?sent }}
          OPTIONAL {{ ?x <{kg}start> ?start ; <{kg}end> ?end }}
          OPTIONAL {{ ?x <{kg}modality> ?mod }}
          OPTIONAL {{ ?x <{kg}status> ?status }}
        }} }}""",
        )
    ]
    base = getattr(store, "base", None) or ""
    for a in assertions:  # the same assertion ids as the Neo4j loader's (without the base IRI)
        if base and str(a["x"]).startswith(base):
            a["x"] = str(a["x"])[len(base) :]
    return {"entities": entities, "mentions": mentions, "dates": dates, "assertions": assertions}


def aliases(store) -> dict[str, set[str]]:
    """entity id -> the other names articles used for it (``skos:altLabel``)."""
    cat = catalogue.load()
    kg, skos = cat.namespaces["kg"], cat.namespaces["skos"]
    out: dict[str, set[str]] = {}
    for r in _rows(
        store, f"SELECT DISTINCT ?id ?alias WHERE {{ GRAPH ?g {{ ?e <{kg}entityId> ?id ; <{skos}altLabel> ?alias }} }}"
    ):
        out.setdefault(r["id"], set()).add(str(r["alias"]))
    return out


def kb_roles(store) -> dict[str, dict]:
    """entity id -> {"label", "kb", "country", "roles"} for entities linked to the actor knowledge base
    (``kg:kbId``; roles: the ``kg:kbRole`` literals)."""
    cat = catalogue.load()
    kg, rdfs = cat.namespaces["kg"], cat.namespaces["rdfs"]
    out: dict[str, dict] = {}
    for r in _rows(
        store,
        f"""SELECT DISTINCT ?id ?label ?kb ?country ?role WHERE {{ GRAPH ?g {{
            ?e <{kg}entityId> ?id ; <{kg}kbId> ?kb .
            OPTIONAL {{ ?e <{kg}countryCode> ?country }} OPTIONAL {{ ?e <{kg}kbRole> ?role }} }}
            GRAPH ?l {{ ?e <{rdfs}label> ?label }} }}""",
    ):
        row = out.setdefault(r["id"], {"label": r["label"], "kb": r["kb"], "country": r.get("country"), "roles": []})
        row["label"] = min(row["label"], r["label"])
        if r.get("role") and r["role"] not in row["roles"]:
            row["roles"].append(r["role"])
    return out


class RdfReading:
    """The analysis reads of an RDF store, as methods (mixed into the RDF stores)."""

    language = "sparql"

    def actor_rows(self) -> dict:
        return actor_rows(self)

    def aliases(self) -> dict[str, set[str]]:
        return aliases(self)

    def kb_roles(self) -> dict[str, dict]:
        return kb_roles(self)
