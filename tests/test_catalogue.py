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


def _codebook() -> dict[str, set[str]]:
    """CAMEO code -> its PLOVER event types in the CAMEO->PLOVER codebook (root 08 is CONCEDE and RETREAT)."""
    text = shared("external/cameo_plover/CAMEO2PLOVER-2021.txt").read_text("utf-8")
    codes: dict[str, set[str]] = {}
    for m in re.finditer(r"^(\d{2,4}):\s*([A-Z]+)", text, re.M):
        codes.setdefault(m.group(1), set()).add(m.group(2))
    return codes


def test_cameo_codes_exist_in_the_codebook():
    codes = _codebook()
    for r in catalogue.load().relations.values():
        if not r.cameo:
            continue
        if r.root in ("01", "02"):  # the codebook drops statements (01) and folds appeals (02) into REQUEST
            assert r.plover in (None, "REQUEST"), r.name
            continue
        assert r.cameo in codes, f"{r.name}: CAMEO {r.cameo} not in codebook"
        assert r.plover in codes[r.cameo], f"{r.name}: CAMEO {r.cameo} is {codes[r.cameo]}, not {r.plover}"


def test_every_cameo_root_and_plover_event_has_a_relation():
    cat = catalogue.load()
    for n in range(1, 21):
        root = f"{n:02d}"
        rel = cat.relation(cat.relation_for_cameo(root) or "")
        assert rel.root == root or (root == "18" and rel.name == "assaults"), (root, rel.name)
        assert rel.quad == catalogue.quad_of_root(root)
    plover = {p for ps in _codebook().values() for p in ps}
    assert len(plover) == 16
    assert plover <= {r.plover for r in cat.relations.values()}


def test_every_code_of_the_codebook_maps_to_a_relation_of_its_plover_type_or_root():
    cat = catalogue.load()
    for code, plovers in _codebook().items():
        rel = cat.relation(cat.relation_for_cameo(code) or "")
        assert rel.plover in plovers or rel.root == code[:2], (code, plovers, rel.name)


def test_event_relations_have_polarity_quad_and_goldstein():
    cat = catalogue.load()
    for name in (
        "protests_against",
        "demands",
        "promises",
        "consults",
        "rejects",
        "concedes_to",
        "investigates",
        "mobilises_against",
        "threatens",
        "attacks",
        "eases_sanctions_on",
    ):
        r = cat.relation(name)
        assert r.quad in catalogue.QUADS and r.goldstein is not None, name
    assert cat.relation("threatens").quad == "verbal_conflict" != cat.relation("attacks").quad
    assert cat.relation("attacks").goldstein < cat.relation("threatens").goldstein < 0
    assert cat.relation("eases_sanctions_on").polarity == 1 == -cat.relation("sanctions").polarity
    assert cat.relation_for_cameo("0874") == "concedes_to"  # the longest prefix: 08
    assert cat.relation_for_cameo("0841") == "releases"
    assert cat.relation_for_cameo("1384") == "threatens" and cat.relation_for_cameo("1381") == "deters"
    assert cat.relation_for_cameo("99") is None


def test_an_event_relation_with_a_wrong_quad_or_weight_is_rejected():
    base = {
        "namespaces": {"kg": "https://x/"},
        "entity_types": {"Person": {"label": "Person", "rdf": "kg:P"}},
    }
    rel = {"label": "X", "rdf": "kg:x", "polarity": -1, "cameo": "14", "quad": "verbal_conflict", "goldstein": -6.5}
    catalogue.parse({**base, "relations": {"x": rel}})
    with pytest.raises(catalogue.CatalogueError, match="is verbal_conflict, not material_conflict"):
        catalogue.parse({**base, "relations": {"x": {**rel, "quad": "material_conflict"}}})
    with pytest.raises(catalogue.CatalogueError, match="disagree"):
        catalogue.parse({**base, "relations": {"x": {**rel, "goldstein": 3.0}}})
    with pytest.raises(catalogue.CatalogueError, match="goldstein weight"):
        catalogue.parse({**base, "relations": {"x": {k: v for k, v in rel.items() if k != "goldstein"}}})
    with pytest.raises(catalogue.CatalogueError, match="root"):
        catalogue.parse({**base, "relations": {"x": rel}, "cameo": {"14": "x"}})
    with pytest.raises(catalogue.CatalogueError, match="not declared"):
        catalogue.parse({**base, "relations": {"x": rel}, "cameo": {"14": "y"}})
