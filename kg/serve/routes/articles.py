"""An article's page: headline, date, link, and the text with entities, triggers and quotes marked."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from kg.serve import article as art


def context(snap, aid: str, roots) -> dict:
    """What the article page shows (computed once per article and state of the store)."""
    meta = snap.articles[aid]
    rels = snap.evidence_by_article().get(aid, [])
    quotes = [q for q in snap.quotes if q["article"] == aid]
    text = art.read_text(meta, roots)
    if text is not None and not art.text_matches(text, quotes):
        text = None
    ents = sorted(snap.mentions.get(aid, ()))
    entities = {e: sorted({snap.label(e), *snap.aliases.get(e, ())}) for e in ents if e in snap.G}
    types = {e: str(snap.G.nodes[e].get("type", "")) for e in entities}
    sentences = sorted({r["sentence"] for r in rels} | {q["sentence"] for q in quotes})
    segs = None
    if text is not None:
        with_span = [r for r in rels if r.get("start") is not None]
        marks = art.spans(text, entities=entities, types=types, relations=with_span, quotes=quotes)
        segs = art.segments(text, marks, sentences)
    evidence = [
        {
            **r,
            "subject_label": snap.label(r["subject"]),
            "object_label": snap.label(r["object"]),
            "anchor": art.sentence_anchor(r["sentence"]),
        }
        for r in sorted(rels, key=lambda r: (r.get("start") or 0, r["predicate"]))
    ]
    return {
        "meta": meta,
        "segments": segs,
        "evidence": evidence,
        "quotes": [{**q, "speaker_label": snap.label(q["speaker"]) if q["speaker"] else ""} for q in quotes],
        "entities": [{"id": e, "name": snap.label(e), "type": types[e]} for e in entities],
    }


def article(request: Request):
    site = request.app.state.site
    snap = site.graphs.get()
    aid = request.path_params["id"]
    if aid not in snap.articles:
        raise HTTPException(404, f"no article {aid!r} in this store")
    return site.render(
        request, "article.html", **snap.memoised(("article", aid), lambda: context(snap, aid, site.roots))
    )


routes = [Route("/article/{id:path}", article)]
