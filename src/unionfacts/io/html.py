"""Web pages: the main text of an HTML page (trafilatura), its title and its declared
publication date (``<meta>`` article dates).

The text is what the facts' offsets index; the CLI writes it in the document record, so every
offset can be checked against it. trafilatura is an optional dependency (``unionfacts[html]``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["META_DATES", "Page", "looks_like_html", "read_page"]

#: ``<meta>`` names and properties that declare an article's publication date, most specific first.
META_DATES = ("article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate",
              "publish_date", "dc.date.issued", "dcterms.issued", "dc.date", "weibo:article:create_at")

_HTML_START = re.compile(r"\A(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL)


def looks_like_html(text: str) -> bool:
    """A page: a doctype, ``<html>`` or ``<head>`` first (after blanks and comments). A text
    with a few stray tags in it stays text, so its offsets keep indexing the file."""
    return bool(_HTML_START.match(text[:4096]))


@dataclass(frozen=True, slots=True)
class Page:
    """What a web page gives: its main text (title first), and its declared date."""

    text: str
    title: str | None
    published: str | None
    """The ISO date of the first readable ``<meta>`` article date, as the page gives it."""
    published_meta: str | None
    """The ``<meta>`` name or property the date was read from."""


class MissingDependency(ImportError):
    """HTML input needs trafilatura (``pip install 'unionfacts[html]'``)."""


def _meta_date(tree: object) -> tuple[str, str] | None:
    from unionfacts.pipeline.timebase import parse_published

    found: dict[str, str] = {}
    for el in tree.iter("meta"):  # type: ignore[attr-defined]
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key in META_DATES and content and key not in found:
            found[key] = content
    for key in META_DATES:
        if key in found:
            try:
                parse_published(found[key])
            except ValueError:
                continue
            return key, found[key]
    return None


def read_page(html: str) -> Page:
    """The main text of a page with its title as the first line (entities decoded, navigation,
    related links and footers left out), and the ``<meta>`` publication date."""
    try:
        import lxml.html  # type: ignore[import-untyped]
        import trafilatura
    except ImportError as exc:
        raise MissingDependency(f"HTML input needs trafilatura: pip install 'unionfacts[html]' ({exc})") from None
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ValueError(f"not a readable HTML page: {exc}") from None
    meta = _meta_date(tree)
    doc = trafilatura.bare_extraction(tree, include_comments=False, include_tables=True,
                                      with_metadata=True, fast=False)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    title = (getattr(doc, "title", None) or "").strip() or None if doc is not None else None
    text = f"{title}\n\n{body}" if title and body and not body.startswith(title) else (body or title or "")
    return Page(text, title, meta[1] if meta else None, meta[0] if meta else None)
