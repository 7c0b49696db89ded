"""The id scheme: one place that says how entities, articles and their IRIs are named.

An entity's id comes from its type and canonical name, so the same actor gets
the same id in every article, every store and every export:

>>> entity_id("John Healey", "Person")
'person/john-healey'
>>> entity_id("Institute for Government", "Organization")
'organization/institute-for-government'
>>> entity_id("£25", "Quantity"), entity_id("25%", "Quantity")
('quantity/gbp-25', 'quantity/25-percent')
>>> entity_iri('person/o"brien <x>', base="https://kg.example.org/")
'https://kg.example.org/id/person/o%22brien%20%3Cx%3E'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

DEFAULT_BASE = "https://kg.example.org/"

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
# symbols that carry meaning in an amount: without them "£25", "$25" and "25%" would share one id
_SYMBOLS = str.maketrans({"£": " gbp ", "$": " usd ", "€": " eur ", "¥": " yen ", "%": " percent "})


def normalise_name(name: str) -> str:
    """Unicode-normalised, whitespace-collapsed form used for matching names."""
    name = unicodedata.normalize("NFKC", name)
    name = name.replace("\u2019", "'")
    return " ".join(name.split())


def slug(name: str) -> str:
    """Lower-case, word characters joined by '-'; a short hash when nothing is left."""
    s = _NON_WORD.sub("-", normalise_name(name).translate(_SYMBOLS).casefold()).strip("-_")
    if not s:
        s = "x" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return s


def entity_id(name: str, type_: str) -> str:
    return f"{type_.lower()}/{slug(name)}"


def quote_id(article_id: str, start: int, end: int) -> str:
    return f"quote/{slug(article_id)}-{start}-{end}"


@lru_cache(maxsize=8192)  # the same article and entity ids come back for every relation and mention
def _iri_segment(value: str, safe: str = "") -> str:
    # Percent-encode everything outside the unreserved set (RFC 3987-safe for
    # N-Triples, Turtle and SPARQL), keeping '/' when asked.
    return quote(value.encode("utf-8", "surrogatepass"), safe=safe)


def entity_iri(entity_id_: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}id/{_iri_segment(entity_id_, safe='/')}"


def article_iri(article_id: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}article/{_iri_segment(article_id)}"


def graph_iri(article_id: str, base: str = DEFAULT_BASE) -> str:
    """The named graph that holds everything one article said."""
    return f"{base}graph/{_iri_segment(article_id)}"


def entities_graph_iri(base: str = DEFAULT_BASE) -> str:
    """The named graph that holds each entity's one label and type, chosen across the article graphs."""
    return f"{base}entities"


def assertion_iri(article_id: str, key: str, base: str = DEFAULT_BASE) -> str:
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{base}assertion/{_iri_segment(article_id)}/{digest}"
