"""The kg ontology (``schemas/kg.ttl``) and JSON-LD context (``schemas/context.jsonld``),
generated from the relation catalogue.

Neither file is maintained by hand: ``python -m kg.schema.ontology`` rewrites both from
``schemas/catalogue.toml`` plus the few terms the RDF mapping itself adds
(:data:`DATATYPE_PROPERTIES`, :data:`KG_CLASSES`), and a test fails when the
committed files differ from what this module generates.

What it says:

- every catalogue entity type is an ``owl:Class``, ``rdfs:subClassOf`` its
  aligned terms (schema.org, W3C ORG, SKOS): ``kg:Office ⊑ org:Post``,
  ``kg:Article ⊑ schema:NewsArticle``;
- every catalogue relation in the ``kg:`` namespace is an
  ``owl:ObjectProperty`` with ``rdfs:domain``/``rdfs:range`` (a union class
  when several types are allowed), ``rdfs:subPropertyOf`` its aligned terms
  (``kg:holdsPosition ⊑ org:holds``), ``owl:SymmetricProperty`` when
  symmetric, and polarity / CAMEO / PLOVER / Neo4j type as annotations;
- ``kg:Assertion ⊑ rdf:Statement`` (a reified relation with its evidence) and
  the datatype properties the RDF mapping writes (``kg:sentence``, ``kg:start``...).

Terms of other vocabularies (``schema:mentions``, ``prov:wasDerivedFrom``) are
used, never redefined.

>>> "kg:holdsPosition a owl:ObjectProperty" in turtle()
True
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pyoxigraph import Literal

from kg.model import MODALITIES
from kg.resources import SCHEMAS
from kg.schema import catalogue

ONTOLOGY_PATH = SCHEMAS / "kg.ttl"
CONTEXT_PATH = SCHEMAS / "context.jsonld"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
OWL_NS = "http://www.w3.org/2002/07/owl#"

#: Classes the RDF mapping adds that are not catalogue entity types: name -> (super classes, comment).
KG_CLASSES: dict[str, tuple[tuple[str, ...], str]] = {
    "Assertion": (
        ("rdf:Statement",),
        "One extracted relation, reified: rdf:subject/predicate/object plus the sentence, character "
        "span, confidence, extractor and modality it was read with, prov:wasDerivedFrom its article.",
    ),
}

#: Datatype properties written by kg.stores.rdf: local name -> (domain types, xsd range, super, comment).
DATATYPE_PROPERTIES: dict[str, tuple[tuple[str, ...], str, str | None, str]] = {
    "articleId": (("Article",), "xsd:string", "schema:identifier", "The article's id as read (file name or JSON id)."),
    "contentHash": (
        ("Article",),
        "xsd:string",
        None,
        "SHA-256 (hex) of title and text; a new hash means a changed article.",
    ),
    "source": (("Article",), "xsd:string", None, "Where the article was read: a path, or path:line."),
    "entityId": (
        (),
        "xsd:string",
        "schema:identifier",
        "The stable entity id (type/slug) the entity IRI is minted from.",
    ),
    "mergedFrom": (
        (),
        "xsd:string",
        None,
        "The id of an entity merged into this one in this article by kg merge (what kg split gives back).",
    ),
    "mentionedAs": (
        (),
        "xsd:string",
        None,
        "The name one article gives the entity, in that article's graph; the entity's one rdfs:label is "
        "chosen across articles (kg/resolve/labels.py) and lives in the entities graph.",
    ),
    "title": (
        ("Office",),
        "xsd:string",
        None,
        "The bare title of a post (President for the President of France): one value for all holders' posts.",
    ),
    "sentence": (("Assertion", "Quote"), "xsd:string", None, "The sentence the statement was read from."),
    "start": (
        ("Assertion", "Quote"),
        "xsd:integer",
        None,
        "Character offset in the article text where the evidence starts.",
    ),
    "end": (
        ("Assertion", "Quote"),
        "xsd:integer",
        None,
        "Character offset in the article text where the evidence ends.",
    ),
    "confidence": (("Assertion", "Quote"), "xsd:double", None, "Extractor confidence in [0, 1]."),
    "extractor": (("Assertion",), "xsd:string", None, "The component and rule that produced the assertion."),
    "modality": (("Assertion",), "xsd:string", None, ", ".join(MODALITIES[:-1]) + " or " + MODALITIES[-1] + "."),
    "eventDate": (
        ("Assertion",),
        "rdfs:Literal",
        None,
        "When the relation took place, of the precision the text gives: an xsd:date (2025-02-28), "
        "xsd:gYearMonth (2025-02) or xsd:gYear (2025), or an ISO 8601 week as a string (2025-W09); the "
        "sentence's date phrase anchored on the article's date (kg/nlp/dates.py).",
    ),
    "eventStart": (
        ("Assertion",),
        "xsd:date",
        None,
        "The first day of the kg:eventDate period (the day itself for a day), for comparing dates.",
    ),
    "eventEnd": (
        ("Assertion",),
        "xsd:date",
        None,
        "The last day of the kg:eventDate period (the day itself for a day), for comparing dates.",
    ),
    "publishedAt": (
        ("Article",),
        "xsd:dateTime",
        None,
        "When the article was published, where its source gives a time (schema:datePublished is the day).",
    ),
    "status": (
        ("Assertion",),
        "xsd:string",
        None,
        "Of a holds_position: current, former, designate (elected or appointed, not yet in office) or "
        "hypothetical (a condition, a wish or a possibility), as the sentence tells it.",
    ),
    "cue": (("Quote",), "xsd:string", None, "The speech verb or cue that introduced the quote."),
    "kbId": ((), "xsd:string", None, "The actor's id in kg's actor knowledge base (a Phoenix actor dictionary id)."),
    "countryCode": ((), "xsd:string", None, "The actor's CAMEO country code (GBR; an IGO's: UNO, EUR)."),
    "roleCode": (
        (),
        "xsd:string",
        None,
        "The actor's CAMEO role code (GOV, OPP, MIL, COP, REB, ...) as of the date of the article that says it.",
    ),
    "agentCode": ((), "xsd:string", None, "The agents-dictionary code of a common-noun actor (British police: COP)."),
    "kbRole": (
        (),
        "xsd:string",
        None,
        "A dated role from the actor dictionary, not read in the text: CAMEO code and ISO 8601 interval "
        "(GBRGOV 1997-05-02/2007-06-27; .. when open; the code alone when undated).",
    ),
    "quoteKind": (("Quote",), "xsd:string", None, "direct or reported speech."),
}

#: Annotation properties carrying catalogue facts on relation properties: local name -> (catalogue field, comment).
ANNOTATIONS: dict[str, tuple[str, str]] = {
    "catalogueName": ("name", "The relation's name in schemas/catalogue.toml."),
    "neo4jType": ("label", "The Neo4j relationship type of the relation."),
    "polarity": ("polarity", "+1 cooperation, -1 conflict, 0 neutral (alliance analysis)."),
    "cameo": ("cameo", "CAMEO event code."),
    "plover": ("plover", "PLOVER event type."),
    "quadClass": ("quad", "CAMEO quad class (verbal/material cooperation/conflict)."),
    "goldstein": ("goldstein", "Goldstein weight of the CAMEO code, -10 .. +10."),
    "stance": ("stance", "True when the relation expresses a position on its object."),
}


def _str(text: str) -> str:
    return str(Literal(text))  # N-Triples escaping, valid Turtle


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)  # a Turtle decimal
    return _str(str(v))


def _classes(cat: catalogue.Catalogue, types: tuple[str, ...]) -> str:
    names = [cat.entity_types[t].rdf if t in cat.entity_types else f"kg:{t}" for t in types]
    if len(names) == 1:
        return names[0]
    return f"[ a owl:Class ; owl:unionOf ( {' '.join(names)} ) ]"


def _block(subject: str, pairs: list[tuple[str, str]]) -> str:
    lines = [f"{subject} {pairs[0][0]} {pairs[0][1]}"] + [f"    {p} {o}" for p, o in pairs[1:]]
    return " ;\n".join(lines) + " .\n"


def turtle(cat: catalogue.Catalogue | None = None) -> str:
    """The ontology as Turtle text, deterministic for a given catalogue."""
    cat = cat or catalogue.load()
    kg = cat.namespaces["kg"]
    prefixes = {**cat.namespaces, "rdf": RDF_NS, "owl": OWL_NS}
    out = [
        "# The kg ontology. GENERATED from schemas/catalogue.toml by `python -m kg.schema.ontology`: do not edit;\n",
        "# tests/test_rdf.py fails when this file differs from what the catalogue generates.\n",
        *(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes.items()),
        "\n",
        _block(
            f"<{kg.rstrip('#/')}>",
            [
                ("a", "owl:Ontology"),
                ("rdfs:label", _str("kg: news knowledge graph ontology")),
                (
                    "rdfs:comment",
                    _str(
                        "Actors, offices, relations and quotes read from news articles, each relation "
                        "reified as a kg:Assertion with its evidence and provenance. Aligned with "
                        "schema.org, the W3C Organization Ontology, PROV-O and SKOS."
                    ),
                ),
            ],
        ),
        "\n# ---- classes: catalogue entity types\n\n",
    ]
    for t in cat.entity_types.values():
        pairs = [("a", "owl:Class"), ("rdfs:label", _str(t.name))]
        pairs += [("rdfs:subClassOf", a) for a in t.aligned]
        out.append(_block(t.rdf, pairs))
    out.append("\n# ---- classes: the RDF mapping\n\n")
    for name, (supers, comment) in KG_CLASSES.items():
        pairs = [("a", "owl:Class"), ("rdfs:label", _str(name)), ("rdfs:comment", _str(comment))]
        pairs += [("rdfs:subClassOf", s) for s in supers]
        out.append(_block(f"kg:{name}", pairs))

    out.append("\n# ---- annotation properties (catalogue facts about relations)\n\n")
    for local, (_, comment) in ANNOTATIONS.items():
        out.append(_block(f"kg:{local}", [("a", "owl:AnnotationProperty"), ("rdfs:comment", _str(comment))]))

    out.append("\n# ---- object properties: catalogue relations\n\n")
    for r in (*cat.relations.values(), *cat.structural.values()):
        if not cat.expand(r.rdf).startswith(kg):
            continue  # another vocabulary's term (schema:mentions, prov:wasDerivedFrom): used, not redefined
        pairs = [("a", "owl:ObjectProperty")]
        if r.symmetric:
            pairs.append(("a", "owl:SymmetricProperty"))
        pairs.append(("rdfs:label", _str(r.name.replace("_", " "))))
        if r.domain:
            pairs.append(("rdfs:domain", _classes(cat, r.domain)))
        if r.range:
            pairs.append(("rdfs:range", _classes(cat, r.range)))
        pairs += [("rdfs:subPropertyOf", a) for a in r.aligned]
        for local, (fld, _) in ANNOTATIONS.items():
            v = getattr(r, fld)
            if v is None or (fld == "stance" and not v):
                continue
            pairs.append((f"kg:{local}", _value(v)))
        out.append(_block(r.rdf, pairs))

    out.append("\n# ---- datatype properties written by the RDF mapping (kg/stores/rdfterms.py)\n\n")
    for local, (domain, rng, sup, comment) in DATATYPE_PROPERTIES.items():
        pairs = [("a", "owl:DatatypeProperty"), ("rdfs:label", _str(local)), ("rdfs:comment", _str(comment))]
        if domain:
            pairs.append(("rdfs:domain", _classes(cat, domain)))
        pairs.append(("rdfs:range", rng))
        if sup:
            pairs.append(("rdfs:subPropertyOf", sup))
        out.append(_block(f"kg:{local}", pairs))
    return "".join(out)


def context(cat: catalogue.Catalogue | None = None) -> dict:
    """The JSON-LD context: the catalogue's prefixes and a short term for every kg property."""
    cat = cat or catalogue.load()
    ctx: dict = {p: iri for p, iri in {**cat.namespaces, "rdf": RDF_NS, "owl": OWL_NS}.items()}
    ctx.update(
        {
            "label": "rdfs:label",
            "altLabel": "skos:altLabel",
            "headline": "schema:headline",
            "text": "schema:text",
            "datePublished": {"@id": "schema:datePublished", "@type": "xsd:date"},
            "url": "schema:url",
            "mentions": {"@id": "schema:mentions", "@type": "@id"},
            "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
            "about": {"@id": "schema:about", "@type": "@id"},
            "subject": {"@id": "rdf:subject", "@type": "@id"},
            "predicate": {"@id": "rdf:predicate", "@type": "@id"},
            "object": {"@id": "rdf:object", "@type": "@id"},
        }
    )
    kg = cat.namespaces["kg"]
    for r in (*cat.relations.values(), *cat.structural.values()):
        if cat.expand(r.rdf).startswith(kg):
            ctx[r.rdf.split(":", 1)[1]] = {"@id": r.rdf, "@type": "@id"}
    for local, (_, rng, _, _) in DATATYPE_PROPERTIES.items():
        plain = rng in ("xsd:string", "rdfs:Literal")  # a literal of whichever type it has
        ctx[local] = {"@id": f"kg:{local}"} if plain else {"@id": f"kg:{local}", "@type": rng}
    return {"@context": ctx}


def context_text(cat: catalogue.Catalogue | None = None) -> str:
    return json.dumps(context(cat), indent=2, ensure_ascii=False) + "\n"


def write(ontology_path: Path = ONTOLOGY_PATH, context_path: Path = CONTEXT_PATH) -> list[Path]:
    """Regenerate both files; returns the paths that changed."""
    changed = []
    for path, text in ((ontology_path, turtle()), (context_path, context_text())):
        if not path.exists() or path.read_text("utf-8") != text:
            path.write_text(text, "utf-8")
            changed.append(path)
    return changed


def graph():
    """The ontology as an rdflib Graph (for pyshacl's ``ont_graph`` and for tests)."""
    import rdflib

    return rdflib.Graph().parse(data=turtle(), format="turtle")


if __name__ == "__main__":  # pragma: no cover - exercised by hand and in the Makefile
    changed = write()
    print("\n".join(f"wrote {p}" for p in changed) or "kg.ttl and context.jsonld are up to date", file=sys.stderr)
