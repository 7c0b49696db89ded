"""The SPARQL servers the remote-store tests run against, as ``scripts/run-tests`` exports them: Oxigraph
(KG_SPARQL_ENDPOINT) and Apache Jena Fuseki (KG_FUSEKI_ENDPOINT, with KG_FUSEKI_USER / KG_FUSEKI_PASSWORD
when it asks for basic auth)."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import pytest

ENV = {"oxigraph": "KG_SPARQL_ENDPOINT", "fuseki": "KG_FUSEKI_ENDPOINT"}
SCRIPT = {"oxigraph": "scripts/oxigraph start", "fuseki": "scripts/fuseki start"}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def plain_url(kind: str) -> str:
    """The server's URL without credentials; fails the test in CI and skips it elsewhere without one."""
    url = os.environ.get(ENV[kind])
    if not url:
        msg = (
            f"{ENV[kind]} is not set: no {kind} server to test against "
            f"(run `{SCRIPT[kind]}` and export its URL, or use scripts/run-tests)"
        )
        if in_ci():
            pytest.fail(msg)
        pytest.skip(msg)
    return url


def fuseki_credentials() -> tuple[str, str] | None:
    password = os.environ.get("KG_FUSEKI_PASSWORD")
    return (os.environ.get("KG_FUSEKI_USER") or "kg", password) if password else None


def with_userinfo(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{quote(user, safe='')}:{quote(password, safe='')}@{parts.netloc}"))


def sparql_server(kind: str) -> str:
    """The server's URL, carrying the credentials it asks for."""
    url = plain_url(kind)
    creds = fuseki_credentials() if kind == "fuseki" else None
    return with_userinfo(url, *creds) if creds else url
