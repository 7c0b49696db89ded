"""The query page: SPARQL on an RDF store, Cypher on Neo4j, the named queries in a list, the answer as a
table. Read-only unless the app was made with ``write``: only SELECT, ASK, CONSTRUCT and DESCRIBE (no
SERVICE, no LOAD) in SPARQL, no clause that writes in Cypher -- checked here and again by the store."""

from __future__ import annotations

import asyncio
import inspect
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route

ROW_LIMIT = 1000
TIME_LIMIT = 30.0  # seconds the page waits for an answer

_SPARQL_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_SPARQL_FORBIDDEN = re.compile(r"\b(SERVICE|LOAD)\b", re.IGNORECASE)
_CYPHER_WRITES = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|CALL|LOAD\s+CSV|USE|GRANT|REVOKE|DENY)\b", re.IGNORECASE
)


def _without_comments_and_strings(text: str, comment: str) -> str:
    # strings and IRIs go first so that a '#' inside them is not taken for a comment
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>\s]*>', '""', text)
    return re.sub(comment + r"[^\n]*", " ", text)


def refusal(text: str, language: str) -> str | None:
    """Why a read-only page refuses ``text`` (None: it may run)."""
    if language == "cypher":
        bare = _without_comments_and_strings(text, "//")
        m = _CYPHER_WRITES.search(bare)
        return (
            f"{m.group(1).upper()} is refused: the query page is read-only (start kg serve with --write)" if m else None
        )
    bare = _without_comments_and_strings(text, "#")
    m = _SPARQL_FORBIDDEN.search(bare)
    if m:
        return f"{m.group(1).upper()} is refused: the query page reads this store only"
    body = re.sub(r"\b(PREFIX\s+\S*:\s*\"\"|BASE\s+\"\")", " ", bare, flags=re.IGNORECASE).split()
    first = body[0].upper() if body else ""
    if first not in _SPARQL_FORMS:
        return "only SELECT, ASK, CONSTRUCT and DESCRIBE queries run here (start kg serve with --write for updates)"
    return None


def _language(site) -> str:
    from kg.stores.base import scheme

    return (
        "cypher" if scheme(site.store) in ("bolt", "neo4j", "bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc") else "sparql"
    )


def _run(site, text: str | None, name: str | None, limit: int):
    from kg import api

    kwargs: dict[str, Any] = {}
    params = inspect.signature(api.query).parameters
    # the API's own row and time limits, where it has them
    if "limit" in params:
        kwargs["limit"] = limit + 1
    if "timeout" in params:
        kwargs["timeout"] = TIME_LIMIT
    return api.query(text or None, name=name or None, store=site.store, write=site.write, **kwargs)


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
