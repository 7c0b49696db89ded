"""The JSONL interchange: real output validates against the JSON Schema and round-trips."""

import io
import json

import jsonschema

from kg import model
from kg.resources import SCHEMAS
from kg.schema import catalogue

SCHEMA = json.loads((SCHEMAS / "article-graph.schema.json").read_text("utf-8"))


def test_real_output_validates_against_the_schema(example_graphs):
    graphs, counts = example_graphs
    assert counts.extracted == len(graphs) >= 12
    validator = jsonschema.Draft202012Validator(SCHEMA)
    cat = catalogue.load()
    for g in graphs:
        data = json.loads(g.to_json())
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, f"{g.article.id}: {errors[0].message} at {list(errors[0].path)}"
        assert all(r["predicate"] in cat.relations for r in data["relations"])
        assert all(e["type"] in cat.entity_types for e in data["entities"])


def test_schema_rejects_a_broken_line():
    bad = {
        "article": {"id": "a", "text": "x"},
        "entities": [{"id": "no-slash", "name": "", "type": "Person", "aliases": []}],
        "mentions": [],
        "relations": [],
        "quotes": [],
    }
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(bad))
    assert errors


def test_jsonl_round_trip(example_graphs):
    graphs = example_graphs[0][:3]
    buf = io.StringIO()
    assert model.write_jsonl(graphs, buf) == 3
    buf.seek(0)
    back = list(model.read_jsonl(buf))
    assert [b.to_json() for b in back] == [g.to_json() for g in graphs]


def test_bad_jsonl_line_is_skipped_with_line_number(example_graphs):
    good = example_graphs[0][0].to_json()
    buf = io.StringIO(good + "\n{not json\n" + good + "\n")
    items = list(model.read_jsonl(buf, source="x.jsonl"))
    assert isinstance(items[1], model.Skipped) and items[1].line == 2
    assert isinstance(items[0], model.ArticleGraph) and isinstance(items[2], model.ArticleGraph)


def test_evidence_offsets_point_into_the_article(example_graphs):
    for g in example_graphs[0]:
        for q in g.quotes:
            assert g.article.text[q.evidence.start : q.evidence.end] == q.text
        for m in g.mentions:
            assert g.article.text[m.start : m.end] == m.text


def test_to_dict_is_what_dataclasses_asdict_gives(example_graphs):
    import dataclasses

    from kg.resolve.resolver import _ResolvedArticle

    graphs = example_graphs[0]
    for g in graphs:
        assert g.to_dict() == dataclasses.asdict(g)
    g = next(g for g in graphs if g.relations)
    art = _ResolvedArticle(**{f.name: getattr(g.article, f.name) for f in dataclasses.fields(g.article)})
    art._resolution = "not a field"
    # a copy of the first relation: every test reads the same example graphs
    first = dataclasses.replace(g.relations[0], attrs={"nested": [{"a": 1}]})
    g = dataclasses.replace(g, article=art, relations=[first, *g.relations[1:]])
    d = g.to_dict()
    assert d == dataclasses.asdict(g) and "_resolution" not in d["article"]
    d["relations"][0]["attrs"]["nested"][0]["a"] = 2  # a copy, as asdict's
    assert g.relations[0].attrs == {"nested": [{"a": 1}]}


def test_the_modalities_are_the_same_in_the_model_the_json_schema_and_the_shapes():
    import json
    import re

    from kg.model import MODALITIES
    from kg.resources import SCHEMAS

    schema = json.dumps(json.loads((SCHEMAS / "article-graph.schema.json").read_text(encoding="utf-8")))
    assert f'"modality": {{"enum": {json.dumps(list(MODALITIES))}}}' in schema
    shapes = (SCHEMAS / "shapes.ttl").read_text(encoding="utf-8")
    listed = re.search(r"sh:path kg:modality[^\]]*?sh:in \(([^)]*)\)", shapes)
    assert listed and tuple(re.findall(r'"(\w+)"', listed.group(1))) == MODALITIES
