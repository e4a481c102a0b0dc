"""The fast preset's metadata: the page's own facts read from resiliparse's tree, without trafilatura.

The fields and their order are the default preset's (:func:`cleaner.metadata.page.declared_facts`,
:func:`cleaner.metadata.page.declared_date`); only the reading differs. The title is the ``og:`` or
``<title>`` one and the canonical link gives the URL, where the default asks trafilatura for both.
The preset's publication date is :func:`head_date`'s, read once the main content's lines are known.
"""

from __future__ import annotations

import html as htmlmod
import re
from collections.abc import Iterator
from typing import NamedTuple

from cleaner.metadata.dates import PageDates, date_facts, headline_dates, page_dates, shown_time
from cleaner.metadata.page import Metadata, declared_date, declared_facts, lang_code


class PageNodes(NamedTuple):
    """The elements the fast preset reads besides its main content and the <head>'s meta tags."""

    hidden: list  # [hidden]: collapsed panels (:func:`cleaner.segment.fast.main_content`)
    json_ld: list[str]  # the text of each script[type="application/ld+json"]
    times: list  # time[datetime]
    published: list  # [itemprop="datePublished"]


# one selector list for all of them: each query walks the whole tree (about 0.15 ms on a dev page),
# and so does each step of iterating its result, where ``values()`` reads it once
_PAGE_NODES = '[hidden], script[type="application/ld+json"], time[datetime], [itemprop="datePublished"]'
_JSON_LD = 'script[type="application/ld+json"]'


def page_nodes(tree) -> PageNodes:
    """The elements of :class:`PageNodes`, each kind in document order, from one query of the tree."""
    hidden, json_ld, times, published = [], [], [], []
    ambiguous = False
    for node in tree.document.query_selector_all(_PAGE_NODES).values():
        if node.hasattr("hidden"):
            hidden.append(node)
        tag = node.tag
        if tag == "script":
            kind = node.getattr("type") or ""
            if kind == "application/ld+json":
                json_ld.append(node.text or "")
            # the selector reads an HTML element's type case-blind, a foreign (SVG) one's not
            ambiguous = ambiguous or kind.lower() == "application/ld+json" != kind
        elif tag == "time" and node.hasattr("datetime"):
            times.append(node)
        if node.getattr("itemprop") == "datePublished":
            published.append(node)
    if ambiguous:
        json_ld = [node.text or "" for node in tree.document.query_selector_all(_JSON_LD).values()]
    return PageNodes(hidden, json_ld, times, published)


def meta_tags(tree) -> list[dict[str, str]]:
    """The attributes of the <meta> tags of the page's head (read once: the metadata and the date use them)."""
    return _meta_tags(tree.head.html) if tree.head is not None else []


def head_metadata(
    tree, url: str | None, tags: list[dict[str, str]] | None = None, nodes: PageNodes | None = None
) -> Metadata:
    """Title, author, date, site name, canonical URL and section from meta tags (``tags``: :func:`meta_tags`,
    read here where not given), <title> and JSON-LD (``nodes``: :func:`page_nodes`, the same)."""
    head = tree.head
    root = tree.document.query_selector("html")
    lang = root.getattr("lang") if root is not None else None
    nodes = page_nodes(tree) if nodes is None else nodes
    found = declared_facts(meta_tags(tree) if tags is None else tags, lambda: nodes.json_ld)
    if head is not None:
        canonical = head.query_selector('link[rel="canonical"]')
        if canonical is not None and canonical.getattr("href", "").startswith("http"):
            found["url"] = canonical.getattr("href")
    return Metadata(
        title=found.get("title") or " ".join((tree.title or "").split()) or None,
        author=found.get("author"),
        date=declared_date(found, _markup_dates(nodes)),
        url=found.get("url") or url,
        sitename=found.get("sitename"),
        categories=(found["category"],) if found.get("category") else (),
        html_lang=lang_code(lang),
    )


def head_date(
    tree,
    url: str | None,
    lines: list[str],
    headline: str | None,
    has_author: bool,
    tags: list[dict[str, str]],
    declared: str | None,
    nodes: PageNodes | None = None,
) -> PageDates:
    """The fast preset's dates (:func:`cleaner.metadata.dates.page_dates`; ``declared``: the page's declared
    date), read from resiliparse's tree (``nodes``: :func:`page_nodes`, read here where not given), its
    meta ``tags`` (:func:`meta_tags`) and the main content's ``lines`` around its ``headline``."""
    nodes = page_nodes(tree) if nodes is None else nodes
    facts = date_facts(tags, nodes.json_ld, url)
    at = lines.index(headline) if headline in lines else None
    shown = (shown_time(n.text, n.parent.text if n.parent else "", n.getattr("datetime")) for n in nodes.times)
    times = [t for t in shown if t]
    near = headline_dates(lines, at, times)
    return page_dates(facts, url, near, has_author, declared)


# <meta> tags as resiliparse serializes them: lower-case names, values in double quotes with '"' and
# '&' escaped; comments and the text of script, style and title are not markup. Read from the
# serialized <head> with a few patterns: iterating a query's result walks the tree again for each
# node it hands to Python, so walking a dozen meta nodes took most of this preset's metadata time.
_META_TAG = re.compile(r"<meta((?:\s+[^\s=>]+(?:=\"[^\"]*\")?)*)>")
_NOT_MARKUP_START = re.compile(r"<!--|<(script|style|title|textarea)\b[^>]*>")
_ATTRIBUTE = re.compile(r"([^\s=>]+)(?:=\"([^\"]*)\")?")


def _meta_tags(head_html: str) -> list[dict[str, str]]:
    """The attributes of each <meta> with a content attribute, in document order (first of a repeated name)."""
    tags = []
    for match in _META_TAG.finditer(_markup(head_html)):
        attrs: dict[str, str] = {}
        for name, value in _ATTRIBUTE.findall(match.group(1)):
            attrs.setdefault(name, htmlmod.unescape(value))
        if "content" in attrs:
            tags.append(attrs)
    return tags


def _markup(html: str) -> str:
    """``html`` without its comments and the text of script, style, title and textarea elements.

    The same as removing the matches of ``<!--.*?-->|<(script|style|title|textarea)\\b[^>]*>.*?</\\1>``
    (re.S), which took most of the meta tags' time: its lazy ``.*?`` tries the closing tag at every
    character of the inline scripts and styles that heads are mostly made of; ``str.find`` skips them.
    """
    parts, kept, at = [], 0, 0
    while (start := _NOT_MARKUP_START.search(html, at)) is not None:
        name = start.group(1)
        closing = "-->" if name is None else f"</{name}>"
        end = html.find(closing, start.end())
        if end < 0:  # never closed: not a match here, the search goes on from the next character
            at = start.start() + 1
            continue
        parts.append(html[kept : start.start()])
        kept = at = end + len(closing)
    parts.append(html[kept:])
    return "".join(parts)


def _markup_dates(nodes: PageNodes) -> Iterator[str]:
    """The dates the markup marks, in the order of :func:`cleaner.metadata.page.markup_dates`."""
    for node in nodes.published:
        yield next((v for v in (node.getattr("content"), node.getattr("datetime")) if v), "")
    for node in nodes.times:
        yield node.getattr("datetime") or ""
