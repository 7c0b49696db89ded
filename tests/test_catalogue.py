import re

import pytest

from kg.nlp import lexicon
from kg.schema import catalogue

from helpers import shared


def test_catalogue_loads_with_enough_relation_types():
    cat = catalogue.load()
    assert len(cat.relations) >= 25
    assert {r.polarity for r in cat.relations.values()} == {-1, 0, 1}
    assert cat.relation("attacks").polarity == -1
    assert cat.relation("meets").symmetric


def test_labels_are_safe_identifiers_and_unique():
    cat = catalogue.load()
    labels = [r.label for r in (*cat.relations.values(), *cat.structural.values())]
    assert len(labels) == len(set(labels))
    assert all(re.fullmatch(r"[A-Z][A-Z_]*", lab) for lab in labels)


def test_one_spelling_per_relation_derived_from_its_name():
    cat = catalogue.load()
    for r in cat.relations.values():
        assert r.label == r.name.upper() and cat.expand(r.rdf).endswith("#" + _camel(r.name))
    assert cat.relation("negotiates_with").label == "NEGOTIATES_WITH" and cat.relation("negotiates_with").rdf == (
        "kg:negotiatesWith"
    )
    bad = {
        "namespaces": {"kg": "https://x/"},
        "entity_types": {"Person": {"label": "Person", "rdf": "kg:P"}},
        "relations": {"negotiates_with": {"label": "NEGOTIATES", "rdf": "kg:negotiatesWith"}},
    }
    with pytest.raises(catalogue.CatalogueError, match="UPPER_SNAKE"):
        catalogue.parse(bad)
    bad["relations"] = {"negotiates_with": {"label": "NEGOTIATES_WITH", "rdf": "kg:negotiates"}}
    with pytest.raises(catalogue.CatalogueError, match="kg:negotiatesWith"):
        catalogue.parse(bad)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def test_unknown_relation_is_an_error():
    with pytest.raises(catalogue.CatalogueError, match="not in the catalogue"):
        catalogue.load().relation("befriends")


def test_inconsistent_catalogue_is_rejected():
    bad = {
        "namespaces": {"kg": "https://x/"},
        "entity_types": {"Person": {"label": "Person", "rdf": "kg:P"}},
        "relations": {"x": {"label": "X`) DETACH DELETE n //", "rdf": "kg:x"}},
    }
    with pytest.raises(catalogue.CatalogueError, match="UPPER_SNAKE"):
        catalogue.parse(bad)
    bad["relations"] = {"x": {"label": "X", "rdf": "kg:x", "domain": ["Alien"]}}
    with pytest.raises(catalogue.CatalogueError, match="unknown entity type"):
        catalogue.parse(bad)


def test_every_lexicon_relation_is_in_the_catalogue():
    lex = lexicon.load()
    cat = catalogue.load()
    used = {rel for section in (lex.verbs, lex.nouns) for slots in section.values() for rel in slots.values()}
    assert used <= set(cat.relations)


def test_cameo_codes_exist_in_the_codebook():
    text = shared("external/cameo_plover/CAMEO2PLOVER-2021.txt").read_text("utf-8")
    codes = {m.group(1): m.group(2).strip() for m in re.finditer(r"^(\d{2,4}):\s*([A-Z]+)", text, re.M)}
    for r in catalogue.load().relations.values():
        if r.cameo:
            assert r.cameo in codes, f"{r.name}: CAMEO {r.cameo} not in codebook"
            assert codes[r.cameo] == r.plover, f"{r.name}: CAMEO {r.cameo} is {codes[r.cameo]}, not {r.plover}"
