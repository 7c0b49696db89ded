"""The query page: SPARQL on an RDF store, Cypher on Neo4j, the named queries in a list, the answer as a
table. Read-only unless the app was made with ``write``: only SELECT, ASK, CONSTRUCT and DESCRIBE (no
SERVICE, no LOAD) in SPARQL, no clause that writes in Cypher -- checked here and again by the store."""

from __future__ import annotations

import asyncio
import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

ROW_LIMIT = 1000
TIME_LIMIT = 30.0  # seconds the page waits for an answer

_CYPHER_WRITES = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|CALL|LOAD\s+CSV|USE|GRANT|REVOKE|DENY)\b", re.IGNORECASE
)


def refusal(text: str, language: str) -> str | None:
    """Why a read-only page refuses ``text`` (None: it may run). SPARQL goes through the stores' own check
    (no SERVICE, LOAD or update); Cypher is also refused any clause that writes, before the server's
    read transaction would refuse it."""
    from kg.stores.base import ReadOnlyError

    if language == "cypher":
        from kg.stores.cypher_guard import code

        m = _CYPHER_WRITES.search(code(text))
        return (
            f"{m.group(1).upper()} is refused: the query page is read-only (start kg serve with --write)" if m else None
        )
    from kg.schema import catalogue, queries
    from kg.stores.sparql_guard import QuerySyntaxError, check

    try:
        check(text, known={"rdf": queries.RDF_NS, **catalogue.load().namespaces})
    except ReadOnlyError as exc:
        return str(exc).replace("pass --write", "start kg serve with --write")
    except QuerySyntaxError:
        return None  # the store reports the syntax error with its caret
    return None


def _language(site) -> str:
    from kg.stores.base import scheme

    return (
        "cypher" if scheme(site.store) in ("bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc") else "sparql"
    )


def _run(site, text: str | None, name: str | None, limit: int):
    from kg import api

    return api.query(
        text or None, name=name or None, store=site.store, write=site.write, limit=limit + 1, timeout=TIME_LIMIT
    )


def _page(request: Request, **ctx):
    from kg.schema import queries

    site = request.app.state.site
    lang = _language(site)
    names = queries.names("cypher" if lang == "cypher" else "rq")
    ctx.setdefault("text", "")
    ctx.setdefault("name", "")
    ctx.setdefault("limit", ROW_LIMIT)
    return site.render(request, "query.html", language=lang, names=names, **ctx)


async def page(request: Request):
    return _page(request)


async def run(request: Request):
    site = request.app.state.site
    form = await site.checked_form(request)
    text, name = str(form.get("text", "")).strip(), str(form.get("name", "")).strip()
    try:
        limit = max(1, min(int(str(form.get("limit") or ROW_LIMIT)), 10 * ROW_LIMIT))
    except ValueError:
        limit = ROW_LIMIT
    ctx = {"text": text, "name": name, "limit": limit}
    if text and name:
        return _page(request, error="give a query text or pick a named query, not both", **ctx)
    if not text and not name:
        return _page(request, error="give a query", **ctx)
    if text and not site.write:
        why = refusal(text, _language(site))
        if why:
            return _page(request, error=why, status=400, **ctx)
    try:
        result = await asyncio.wait_for(run_in_threadpool(_run, site, text, name, limit), TIME_LIMIT)
    except TimeoutError:
        return _page(request, error=f"no answer within {TIME_LIMIT:g} s", **ctx)
    except Exception as exc:  # the store's message (syntax error, refusal) is what the user needs
        return _page(request, error=f"{type(exc).__name__}: {exc}", **ctx)
    rows = result.rows[:limit]
    return _page(request, columns=result.columns, rows=rows, cut=len(result.rows) > limit, **ctx)


routes = [Route("/query", page, methods=["GET"]), Route("/query", run, methods=["POST"])]
