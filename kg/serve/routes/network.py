"""The alliance network page and the JSON it draws (filtered by date range, bloc and relation type)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from kg.dates import bounds
from kg.serve import views


def page(request: Request):
    site = request.app.state.site
    snap = site.graphs.get()
    dates = sorted(a["date"] for a in snap.articles.values() if a.get("date"))
    return site.render(
        request,
        "network.html",
        relations=views.relation_names(),
        first=dates[0] if dates else "",
        last=dates[-1] if dates else "",
    )


def data(request: Request):
    site = request.app.state.site
    p = request.query_params
    since, until = p.get("since") or None, p.get("until") or None
    relation = p.get("relation") or None
    try:
        bounds(since, until)
        bloc = int(p["bloc"]) if p.get("bloc") not in (None, "") else None
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    if relation and relation not in views.relation_names():
        raise HTTPException(400, f"unknown relation type {relation!r}")
    return JSONResponse(views.network(site.graphs.get(), since=since, until=until, bloc=bloc, relation=relation))


routes = [Route("/network", page), Route("/api/network", data)]
