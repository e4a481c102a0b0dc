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

from cleaner.metadata.dates import PageDates, date_facts, headline_dates, page_dates, shown_time
from cleaner.metadata.page import Metadata, declared_date, declared_facts, lang_code


def meta_tags(tree) -> list[dict[str, str]]:
    """The attributes of the <meta> tags of the page's head (read once: the metadata and the date use them)."""
    return _meta_tags(tree.head.html) if tree.head is not None else []


def head_metadata(tree, url: str | None, tags: list[dict[str, str]] | None = None) -> Metadata:
    """Title, author, date, site name, canonical URL and section from meta tags (``tags``: :func:`meta_tags`,
    read here where not given), <title> and JSON-LD."""
    head = tree.head
    root = tree.document.query_selector("html")
    lang = root.getattr("lang") if root is not None else None

    def json_ld():
        return (node.text or "" for node in tree.document.query_selector_all('script[type="application/ld+json"]'))

    found = declared_facts(meta_tags(tree) if tags is None else tags, json_ld)
    if head is not None:
        canonical = head.query_selector('link[rel="canonical"]')
        if canonical is not None and canonical.getattr("href", "").startswith("http"):
            found["url"] = canonical.getattr("href")
    return Metadata(
        title=found.get("title") or " ".join((tree.title or "").split()) or None,
        author=found.get("author"),
        date=declared_date(found, _markup_dates(tree)),
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
) -> PageDates:
    """The fast preset's dates (:func:`cleaner.metadata.dates.page_dates`; ``declared``: the page's declared
    date), read from resiliparse's tree, its meta ``tags`` (:func:`meta_tags`) and the main content's
    ``lines`` around its ``headline``."""
    scripts = (node.text or "" for node in tree.document.query_selector_all('script[type="application/ld+json"]'))
    facts = date_facts(tags, scripts, url)
    at = lines.index(headline) if headline in lines else None
    nodes = tree.document.query_selector_all("time[datetime]")
    times = [
        t for t in (shown_time(n.text, n.parent.text if n.parent else "", n.getattr("datetime")) for n in nodes) if t
    ]
    near = headline_dates(lines, at, times)
    return page_dates(facts, url, near, has_author, declared)


# <meta> tags as resiliparse serializes them: lower-case names, values in double quotes with '"' and
# '&' escaped; comments and the text of script, style and title are not markup. Read from the
# serialized <head> with a few patterns: each node object that resiliparse hands to Python costs
# about 70 us, so walking a dozen meta nodes took most of this preset's metadata time.
_META_TAG = re.compile(r"<meta((?:\s+[^\s=>]+(?:=\"[^\"]*\")?)*)>")
_NOT_MARKUP = re.compile(r"<!--.*?-->|<(script|style|title|textarea)\b[^>]*>.*?</\1>", re.S)
_ATTRIBUTE = re.compile(r"([^\s=>]+)(?:=\"([^\"]*)\")?")


def _meta_tags(head_html: str) -> list[dict[str, str]]:
    """The attributes of each <meta> with a content attribute, in document order (first of a repeated name)."""
    tags = []
    for match in _META_TAG.finditer(_NOT_MARKUP.sub("", head_html)):
        attrs: dict[str, str] = {}
        for name, value in _ATTRIBUTE.findall(match.group(1)):
            attrs.setdefault(name, htmlmod.unescape(value))
        if "content" in attrs:
            tags.append(attrs)
    return tags


def _markup_dates(tree) -> Iterator[str]:
    """The dates the markup marks, in the order of :func:`cleaner.metadata.page.markup_dates`."""
    for node in tree.document.query_selector_all('[itemprop="datePublished"]'):
        yield next((v for v in (node.getattr("content"), node.getattr("datetime")) if v), "")
    for node in tree.document.query_selector_all("time[datetime]"):
        yield node.getattr("datetime") or ""
