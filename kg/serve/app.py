"""The ``kg serve`` web application: :func:`make_app` over any store kg reads.

Read-only unless ``write``; every form post carries a CSRF token (double submit: a random cookie that
the form repeats, compared in constant time); Jinja autoescapes every template and JSON put in a page
goes through ``tojson``.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg.api.common import StoreLocation
from kg.serve.data import Graphs

# the names this machine answers to: a page elsewhere that rebinds its own name to 127.0.0.1 gets a 400
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")
CSRF_COOKIE = "kg_csrf"
CSRF_FIELD = "csrf_token"
STATIC = Path(__file__).parent / "static"


class Site:
    """What every page handler needs: the store's graphs, the templates, whether writes are allowed."""

    def __init__(
        self,
        store: StoreLocation,
        *,
        write: bool = False,
        curation: str | os.PathLike[str] | None = None,
        roots: list[Path] | None = None,
    ):
        from kg.stores.base import default_location

        self.store = os.fspath(store) if store is not None else default_location()
        self.write = write
        self.curation = os.fspath(curation) if curation else None
        self.graphs = Graphs(self.store, curation)
        # where relative article sources are looked for besides the working directory
        self.roots = roots if roots is not None else [Path(self.store).resolve().parent]
        self.env = Environment(
            loader=PackageLoader("kg.serve", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        """The page ``name`` with a CSRF token in its forms (and the cookie it must match)."""
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        html = self.env.get_template(template).render(
            request=request, csrf_token=token, csrf_field=CSRF_FIELD, write=self.write, store=self.store, **ctx
        )
        resp = HTMLResponse(html, status_code=status)
        if request.cookies.get(CSRF_COOKIE) != token:
            resp.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
        return resp

    async def checked_form(self, request: Request):
        """The posted form, after checking its CSRF token against the cookie (403 when missing or wrong)."""
        form = await request.form()
        cookie = request.cookies.get(CSRF_COOKIE, "")
        sent = str(form.get(CSRF_FIELD, ""))
        if not cookie or not sent or not secrets.compare_digest(cookie.encode(), sent.encode()):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        return form


async def _error(request: Request, exc: Exception) -> Response:
    site: Site = request.app.state.site
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return site.render(request, "error.html", status=code, code=code, detail=detail)


def make_app(
    store: StoreLocation = None,
    *,
    write: bool = False,
    curation: str | os.PathLike[str] | None = None,
    roots: list[Path] | None = None,
    hosts: tuple[str, ...] = (),
) -> Starlette:
    """The web app over ``store`` (a directory, ``bolt://``/``neo4j://`` or ``http(s)://``, as
    :func:`kg.api.query`). ``write`` shows the curation buttons (merge, split, rename), which record in
    ``curation`` (default: the embedded store's directory); ``roots``: where relative article sources
    are read from besides the working directory (default: the store's parent directory). Requests must
    name this machine (``Host``: 127.0.0.1, localhost, ::1) or one of ``hosts``."""
    from kg.serve.routes import actors, articles, curate, network, query

    site = Site(store, write=write, curation=curation, roots=roots)
    routes = [
        *actors.routes,
        *articles.routes,
        *network.routes,
        *query.routes,
        *curate.routes,
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    trusted = Middleware(TrustedHostMiddleware, allowed_hosts=[*LOCAL_NAMES, *hosts], www_redirect=False)
    app = Starlette(routes=routes, middleware=[trusted], exception_handlers={HTTPException: _error, Exception: _error})
    app.state.site = site
    return app


__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "Route", "Site", "make_app"]
