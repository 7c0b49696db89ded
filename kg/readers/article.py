"""Records and text -> :class:`~kg.model.Article`: ids, titles, fields, and the limits every article obeys."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from kg.model import Article, Skipped, content_hash
from kg.readers.dating import date_article, split_front_matter

Result = Article | Skipped


Reader = Callable[..., Iterator[Result]]


DEFAULT_MAX_BYTES = 20_000_000


DEFAULT_MAX_CHARS = 1_000_000  # characters of title + text; spaCy's own default max_length


MAX_JSON_DEPTH = 64  # nesting of one JSON record; deeper ones would overflow the stack downstream


STDIN = "-"


STDIN_SOURCE = "<stdin>"


ID_LENGTH = 20  # hex digits of the content hash used when no id is given


TITLE_MAX_CHARS = 200  # a longer first line is text, not a title


TEXT_KEYS = ("text", "body", "content")


TITLE_KEYS = ("title", "headline")


STRING_KEYS = ("date", "url")


def make_id(text: str, given: str | None = None) -> str:
    """The article id: *given* if non-empty, else a hash of *text*."""
    return given or content_hash(text)[:ID_LENGTH]


def normalise_newlines(text: str) -> str:
    """Windows line ends to ``\\n``; nothing else changes."""
    return text.replace("\r\n", "\n")


def _json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def parse_plain_text(text: str, source: str, meta: dict[str, Any] | None = None) -> Result:
    """One article from plain text.

    A first line of at most 200 characters followed by more text is the title
    (Markdown ``#`` marks removed); the text is the rest, minus leading blank lines.
    Front matter (``key: value`` lines between ``---`` lines) is not text: it gives the title, after the
    dateline and the file name the date (:mod:`kg.readers.dating`), and its other fields go into ``meta``.
    """
    text = normalise_newlines(text).removeprefix("\ufeff")
    front, text = split_front_matter(text)
    if not text.strip():
        return Skipped(source, "empty article")
    title: str | None
    if front.get("title"):
        title, body = front["title"], _strip_leading_blank_lines(text)
    else:
        title, body = _split_title(_strip_leading_blank_lines(text))
    extra = {k: v for k, v in front.items() if k not in ("title", "date")}
    article = Article(id=make_id(body), text=body, title=title, source=source, meta={**extra, **(meta or {})})
    return date_article(article, front=front.get("date"))


def _strip_leading_blank_lines(text: str) -> str:
    """Drop blank lines at the start, keeping the indentation of the first real line."""
    return text[re.match(r"(?:[ \t\f\v]*\n)*", text).end() :]  # type: ignore[union-attr]


def _split_title(text: str) -> tuple[str | None, str]:
    """``(title, rest)`` if the first line is short and more text follows, else ``(None, text)``."""
    first, _, rest = text.partition("\n")
    title = re.sub(r"^#{1,6}\s+", "", first.strip())  # a Markdown heading's marks
    if not title or len(title) > TITLE_MAX_CHARS or not rest.strip():
        return None, text
    return title, _strip_leading_blank_lines(rest)


def record_to_article(record: Any, path: str, line: int | None = None) -> Result:
    """An Article from one JSON object, or a Skipped saying what is wrong with it.

    Known fields: ``id``, ``title`` (or ``headline``), ``date``, ``url`` and
    ``text`` (or ``body``/``content``). All other fields go into ``meta``, and a
    ``meta`` object is merged into it.
    """

    def skip(reason: str) -> Skipped:
        return Skipped(path, reason, line)

    if not isinstance(record, dict):
        return skip(f"expected a JSON object, got {_json_type(record)}")
    if _nested_deeper_than(record, MAX_JSON_DEPTH):
        return skip(f"too deeply nested: over {MAX_JSON_DEPTH} levels of arrays and objects")
    text_key, text = _pick(record, TEXT_KEYS)
    if text_key is None or text is None:
        return skip("missing text: no 'text', 'body' or 'content' field")
    if not isinstance(text, str):
        return skip(f"'{text_key}' must be a string, got {_json_type(text)}")
    if not text.strip():
        return skip("empty article")
    given_id = record.get("id")
    if given_id is not None and (isinstance(given_id, bool) or not isinstance(given_id, (str, int))):
        return skip(f"'id' must be a string or an integer, got {_json_type(given_id)}")
    title_key, title = _pick(record, TITLE_KEYS)
    fields = {"title": title, **{key: record.get(key) for key in STRING_KEYS}}
    for name, value in fields.items():
        if value is not None and not isinstance(value, str):
            shown = title_key if name == "title" else name
            return skip(f"'{shown}' must be a string, got {_json_type(value)}")

    text = normalise_newlines(text)
    article = Article(
        id=make_id(text, None if given_id is None else str(given_id)),
        text=text,
        source=path if line is None else f"{path}:{line}",
        meta=_extra_fields(record, {"id", text_key, title_key, *STRING_KEYS}),
        **fields,
    )
    return date_article(article, path)


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects in *value* nest more than *limit* levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _pick(record: dict[str, Any], keys: Iterable[str]) -> tuple[str | None, Any]:
    """The first of *keys* with a non-null value (or else the first present) and its value."""
    present = [key for key in keys if key in record]
    chosen = next((key for key in present if record[key] is not None), present[0] if present else None)
    return chosen, (record[chosen] if chosen else None)


def _extra_fields(record: dict[str, Any], used: set[str | None]) -> dict[str, Any]:
    """The fields of *record* not in *used*, with a nested ``meta`` object flattened in."""
    extra = {key: value for key, value in record.items() if key not in used}
    nested = extra.pop("meta") if isinstance(extra.get("meta"), dict) else {}
    return {**nested, **extra}


_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_replace_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


def _without_surrogates(article: Article) -> Article:
    """The article with each lone surrogate in its text, fields and meta replaced by U+FFFD.

    (A file name with bytes that are not UTF-8 reaches ``source`` as surrogates too.)"""
    for f in ("id", "text", "title", "date", "url", "source"):
        setattr(article, f, _replace_surrogates(getattr(article, f)))
    if article.meta:
        article.meta = _replace_surrogates(article.meta)
    return article
