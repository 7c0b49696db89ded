"""The curation buttons (shown and accepted only when the app was made with ``write``): merge, split and
rename an actor through :mod:`kg.api`, recorded in the curation file at once."""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route


async def curate(request: Request):
    from kg import api

    site = request.app.state.site
    if not site.write:
        raise HTTPException(403, "this kg serve is read-only: start it with --write to curate")
    form = await site.checked_form(request)
    verb = request.path_params["verb"]
    entity = str(form.get("entity", "")).strip()
    if not entity:
        raise HTTPException(400, "which actor?")
    where = {"store": site.store, "curation": site.curation}
    if verb == "merge":
        target = str(form.get("target", "")).strip()
        if not target:
            raise HTTPException(400, "merge into which actor?")
        call = lambda: api.merge(entity, target, **where)  # noqa: E731
    elif verb == "split":
        names = [n.strip() for n in str(form.get("names", "")).split(";") if n.strip()]
        call = lambda: api.split(entity, names, **where)  # noqa: E731
    elif verb == "rename":
        new = str(form.get("name", "")).strip()
        if not new:
            raise HTTPException(400, "rename to what?")
        call = lambda: api.rename(entity, new, **where)  # noqa: E731
    else:
        raise HTTPException(404, f"no curation verb {verb!r}")
    try:
        result = await run_in_threadpool(call)
    except (KeyError, ValueError) as exc:
        raise HTTPException(400, str(exc).strip("'\"")) from None
    site.graphs.invalidate()
    shown = target if verb == "merge" else entity
    back = "/actor/" + quote(shown, safe="/") if "/" in shown else "/"
    resp = RedirectResponse(back + f"?done={verb}", status_code=303)
    resp.headers["X-KG-Curation"] = str(result.summary.get("curation", ""))
    return resp


routes = [Route("/curate/{verb}", curate, methods=["POST"])]
