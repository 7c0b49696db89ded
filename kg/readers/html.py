"""HTML pages: article text, title, date and metadata by trafilatura."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from kg.model import Article, Skipped
from kg.readers.article import DEFAULT_MAX_BYTES, Result, make_id, normalise_newlines
from kg.readers.dating import date_article
from kg.readers.decode import _encoding_meta, _never_raises, _read_decoded

if TYPE_CHECKING:
    from trafilatura.settings import Document

# Dropped before trafilatura looks for the article: <noscript> text ("Please
# enable JavaScript") would otherwise pass for the body of an empty app shell.
HTML_PRUNE_XPATH = ["//noscript"]


HTML_META_FIELDS = ("author", "sitename", "description", "categories", "tags")


def extract_html(html: str) -> dict[str, Any] | None:
    """Article text and metadata from an HTML page with trafilatura, or None.

    Default trafilatura settings (neither ``favor_precision`` nor
    ``favor_recall``) with its fallback extractors: on realistic pages they keep
    every article paragraph and drop navigation, cookie banners, related-story
    asides and footers, where ``favor_recall`` pulls banners and sidebars in.
    Paragraphs, headings, lists, quotes and tables are separated by a blank line.
    """
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it
    from trafilatura.xml import xmltotxt

    if "<html" not in html[:4096].lower():  # trafilatura rejects bare fragments
        html = f"<html><body>{html}</body></html>"
    try:
        # typed as Document | dict | None, but the dict comes only with as_dict=True
        doc = cast(
            "Document | None",
            trafilatura.bare_extraction(
                html,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                prune_xpath=HTML_PRUNE_XPATH,
            ),
        )
    except Exception:  # a third-party parser on untrusted input
        return None
    if doc is None or doc.body is None:
        return None
    blocks = [block for block in (xmltotxt(el, False).strip() for el in doc.body) if block]
    if blocks and doc.title and _same_words(blocks[0], doc.title):
        blocks = blocks[1:]  # the headline repeated at the top of the body
    meta = {name: getattr(doc, name) for name in HTML_META_FIELDS if getattr(doc, name, None)}
    return {"text": "\n\n".join(blocks), "title": doc.title, "date": doc.date, "url": doc.url, "meta": meta}


def _same_words(a: str, b: str) -> bool:
    return a.casefold().split() == b.casefold().split()


@_never_raises
def read_html(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Result]:
    """Read an HTML page as one article, keeping only the article's own text."""
    source = os.fspath(path)
    decoded = _read_decoded(source, max_bytes, html=True)
    if isinstance(decoded, Skipped):
        yield decoded
        return
    html, encoding = decoded
    found = extract_html(normalise_newlines(html))
    if not found or not found["text"].strip():
        yield Skipped(source, "no article text found in HTML")
        return
    yield date_article(
        Article(
            id=make_id(found["text"]),
            text=found["text"],
            title=found["title"] or None,
            date=found["date"] or None,
            url=found["url"] or None,
            source=source,
            meta={**found["meta"], **_encoding_meta(encoding)},
        )
    )
