"""The search page and an actor's page."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Route

from kg.serve import views


def index(request: Request):
    site = request.app.state.site
    snap = site.graphs.get()
    q = request.query_params.get("q", "")
    hits = views.search(snap, q)
    return site.render(request, "index.html", q=q, hits=hits, total=len(views.actor_index(snap)))


def actor(request: Request):
    site = request.app.state.site
    snap = site.graphs.get()
    n = request.path_params["id"]
    if n not in snap.G:
        raise HTTPException(404, f"no actor {n!r} in this store")
    return site.render(request, "actor.html", a=snap.memoised(("actor", n), lambda: views.actor(snap, n)))


routes = [Route("/", index), Route("/actor/{id:path}", actor)]
