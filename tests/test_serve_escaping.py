"""Hostile names, aliases, headlines, sentences and quotes, loaded into a real embedded store, render as text
on every page of kg serve: no markup, no event handler, no evaluated template expression."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

if os.environ.get("CI", "").lower() != "true":  # in CI a missing serve extra fails the run
    pytest.importorskip("starlette", reason="kg serve needs the serve extra: pip install -e '.[serve]'")

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from kg.serve import make_app

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}",
    "{% raw %}x",
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "' onmouseover='alert(1)",
    "</script><script>alert(1)</script>",
]

piece = st.sampled_from(HOSTILE) | st.text(alphabet="<>\"'&{}%/=;: ab", min_size=1, max_size=12)
name = st.builds(lambda a, b: f"{a} {b}".strip(), piece, st.sampled_from(["Ann", "Bo", "Cy Dee"]))


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_no_injected_markup(html: str) -> None:
    p = Tags()
    p.feed(html)
    for tag, attrs in p.tags:
        assert tag not in ("img", "iframe", "object", "embed", "svg", "math", "base", "textarea") or (
            tag == "textarea" and attrs.get("name") == "text"
        ), tag
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        for k in ("href", "src", "action"):
            assert not (attrs.get(k) or "").lower().lstrip().startswith("javascript:"), (tag, attrs)
    assert ">49<" not in html and " 49 " not in html


def build_store(path, a_name: str, b_name: str, headline: str, sentence: str, said: str):
    """A one-article embedded store: A supports B in ``sentence``, A says ``said``; the article is a
    JSONL line beside it, so the article page reads its text."""
    from kg.model import ArticleGraph, Entity, Evidence, Quote, Relation
    from kg.readers import read
    from kg.schema.ids import entity_id
    from kg.stores import open_store

    text = f"{sentence} \u201c{said}\u201d, {a_name} said."
    src = path / "articles.jsonl"
    src.write_text(json.dumps({"id": 'a/b?c#d "<x>', "title": headline, "date": "2025-03-01", "text": text}) + "\n")
    (article,) = list(read([str(src)]))
    a = Entity(entity_id("Ann Able", "Person"), a_name, "Person", aliases=[a_name + " x"])
    b = Entity(entity_id("Bo Bell", "Person"), b_name, "Person")
    at = text.index(sentence)
    ev = Evidence(article.id, sentence, at, at + max(1, min(4, len(sentence))))
    q0 = text.index(said)
    g = ArticleGraph(
        article,
        entities=[a, b],
        relations=[Relation(a.id, "supports", b.id, ev, confidence=0.9)],
        quotes=[Quote(a.id, said, "said", Evidence(article.id, text, q0, q0 + len(said)))],
    )
    store = path / "kg-store"
    with open_store(str(store)) as s:
        s.load([g])
    return store, article.id, a.id


def test_the_usual_attacks_render_no_markup(tmp_path):
    check_pages(tmp_path, HOSTILE[0] + " Ann", HOSTILE[1] + " Bo", HOSTILE[2], HOSTILE[7], HOSTILE[4])


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a_name=name, b_name=name, headline=piece, sentence=piece, quote_text=piece)
def test_hostile_text_renders_no_markup(tmp_path_factory, a_name, b_name, headline, sentence, quote_text):
    check_pages(tmp_path_factory.mktemp("hostile"), a_name, b_name, headline, sentence, quote_text)


def check_pages(path, a_name: str, b_name: str, headline: str, sentence: str, quote_text: str) -> None:
    sentence = f"Ann {sentence} backed Bo."
    store, aid, a = build_store(path, a_name, b_name, headline, sentence, quote_text)
    client = TestClient(make_app(store, write=True))
    pages = {
        "search": client.get("/", params={"q": a_name[:3]}),
        "actor": client.get(f"/actor/{a}"),
        "article": client.get("/article/" + quote(aid, safe="/")),
        "network": client.get("/network"),
        "query": client.get("/query"),
    }
    for what, page in pages.items():
        assert page.status_code == 200, what
        assert_no_injected_markup(page.text)
    actor = pages["actor"].text
    assert "could not be read" not in pages["article"].text
    # the article's link from the actor page leads to it
    assert f'href="/article/{quote(aid, safe="/")}' in actor
    # the names and the sentence are there, as text
    assert a_name in _text(actor)
    assert sentence in _text(actor)
    assert quote_text in _text(pages["article"].text)
    # the network's JSON carries the names as data
    nodes = client.get("/api/network").json()["nodes"]
    assert {n["data"]["label"] for n in nodes} >= {a_name, b_name} - {""} or not nodes


def _text(html: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities decoded)."""
    import html as h

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    p = Text()
    p.feed(html)
    return h.unescape("".join(p.parts))
