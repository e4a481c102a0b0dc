"""Document metadata: trafilatura's for HTML, the top of the document's for text, language for both."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")
# the language is told from the start of the text (measured: docs/decisions.md, "Language sample")
LANGUAGE_CHARS = 1500


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    categories: tuple[str, ...] = ()
    html_lang: str | None = None


def html_metadata(tree: etree._Element, url: str | None) -> Metadata:
    """Title, site name and categories as trafilatura reads them (meta tags, JSON-LD, markup); author and date
    as the page declares them first.

    Run on the pruned tree, so that a comment form's "Name" field is not taken for the author. The
    declared author is preferred to trafilatura's, which also reads bylines in the markup but splits
    and re-cases what it finds ("Genevieve Carlton; Ph D"). The date is the declared one
    (:func:`declared_date`): trafilatura's adds nothing where the page declares none, as its guesses
    there are mostly wrong (measured: docs/decisions.md, "Author and date").
    """
    own = declared(tree)
    try:
        found = trafilatura_metadata(tree, url, with_author="author" not in own)
    except Exception:  # metadata is best effort: a malformed JSON-LD block must not fail the document
        found = None
    lang = tree.get("lang") or tree.get("xml:lang")
    if found is None:
        return Metadata(url=url, date=declared_date(own, tree), html_lang=lang_code(lang))
    categories = tuple(c for c in (found.categories or []) if c)
    return Metadata(
        title=found.title or None,
        author=own.get("author") or found.author or None,
        date=declared_date(own, tree),
        url=found.url or url,
        sitename=found.sitename or None,
        categories=categories,
        html_lang=lang_code(lang),
    )


def trafilatura_metadata(tree: etree._Element, url: str | None, *, with_author: bool = True) -> Document:
    """The fields of trafilatura's ``extract_metadata`` that cleaner uses: title, author, URL, site name, categories.

    Its steps, in its order, less those whose result cleaner never reads: htmldate's date guess, the
    tags, the licence and the host name. The markup's byline is looked for only ``with_author``: where
    the page declares no author of its own (measured: docs/decisions.md, "Metadata steps").
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:  # a single word is a handle, not a name
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # a malformed JSON-LD block loses its own facts only, as in extract_metadata
        pass
    found.title = found.title or extract_title(tree)
    if with_author and not found.author:
        found.author = extract_author(tree)
    found.url = found.url or extract_url(tree, url)
    found.sitename = _site_name(found.sitename or extract_sitename(tree), found.url)
    found.categories = found.categories or extract_catstags("category", tree)
    found.clean_and_trim()
    return found


def _site_name(name: str | None, url: str | None) -> str | None:
    """A site name as trafilatura gives it: without a Twitter "@", capitalised unless it is a domain;
    else the URL's host."""
    if name:
        name = name.lstrip("@")
        return name.title() if name and "." not in name and not name[0].isupper() else name
    host = META_URL.match(url) if url else None
    return host[1] if host else None


# meta tags that name a field, as the page's publisher writes them (also read by the fast preset)
META_KEYS = {
    "og:title": "title",
    "twitter:title": "title",
    "author": "author",
    "article:author": "author",
    "dc.creator": "author",
    "article:published_time": "date",
    "og:published_time": "date",
    "date": "date",
    "dc.date": "date",
    "pubdate": "date",
    "og:site_name": "sitename",
    "application-name": "sitename",
    "og:url": "url",
    "article:section": "category",
}
JSON_LD_LIMIT = 200_000  # characters of JSON-LD read per page


def declared(tree: etree._Element) -> dict[str, str]:
    """What the page's own meta tags say (the first tag of each field), with JSON-LD filling in author and date.

    Read the way the fast preset reads them from resiliparse's tree (:func:`cleaner.segment.fast.page_metadata`).
    """
    found: dict[str, str] = {}
    head = tree.find("head")
    if head is not None:
        for node in head.iter("meta"):
            key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
            field = META_KEYS.get(key)
            content = " ".join((node.get("content") or "").split())
            if field and content and (field == "url" or not content.startswith("http")):
                found.setdefault(field, content)
    if "author" not in found or "date" not in found:
        scripts = (node.text or "" for node in tree.iter("script") if node.get("type") == "application/ld+json")
        json_ld_facts(scripts, found)
    return found


def declared_date(found: dict[str, str], tree: etree._Element | None = None) -> str | None:
    """The publication date the page declares, as YYYY-MM-DD; None when it declares none in ISO form.

    The meta tags' or JSON-LD's date, else (given the tree) the markup's: an element marked
    ``itemprop="datePublished"``, else the first ``<time datetime>`` (measured: docs/decisions.md,
    "Author and date").
    """
    date = found.get("date")
    if date and ISO_DATE.match(date):
        return date[:10]
    if tree is None:
        return None
    for node in tree.xpath('//*[@itemprop="datePublished"]'):
        value = (node.get("content") or node.get("datetime") or "").strip()
        if ISO_DATE.match(value):
            return value[:10]
    for node in tree.iter("time"):
        value = (node.get("datetime") or "").strip()
        if ISO_DATE.match(value):
            return value[:10]
    return None


def json_ld_facts(scripts: Iterable[str], found: dict[str, str]) -> None:
    """Fill ``found`` with the author and publication date of JSON-LD items, where it lacks them.

    An organisation given as the author is the publisher, not a byline: it is skipped.
    """
    budget = JSON_LD_LIMIT
    for text in scripts:
        budget -= len(text)
        if budget < 0:
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # malformed, or nested past what the parser can follow
            continue
        for item in _items(data):
            author = _person(item.get("author"))
            if author and "author" not in found:
                found["author"] = author
            date = item.get("datePublished")
            if isinstance(date, str) and "date" not in found:
                found["date"] = date


def _items(data, depth: int = 0) -> list[dict]:
    if depth > 3:
        return []
    if isinstance(data, list):
        return [item for entry in data[:20] for item in _items(entry, depth + 1)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph", []), depth + 1)]
    return []


def _person(value, depth: int = 0) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_person(v, depth + 1) for v in value[:5]) if n] if depth < 3 else []
        return ", ".join(names) or None
    if isinstance(value, dict):
        kind = value.get("@type")
        if kind == "Organization" or (isinstance(kind, list) and "Organization" in kind):
            return None
        value = value.get("name")
    return " ".join(value.split()) or None if isinstance(value, str) else None


_TITLE_SEPARATORS = re.compile(r"\s+[-|•–—:·»]\s+")


def best_title(title: str | None, headline: str | None, sitename: str | None) -> str | None:
    """The article's own headline rather than the <title> with the site's name appended.

    The page's first <h1> wins when the metadata title contains it (or it is most of it); otherwise
    a trailing " - Site Name" or " | Site Name" is cut when it names the site or is short.
    """
    if headline and title:
        if _fold(headline) in _fold(title) and len(headline.split()) >= 2 and not names_site(headline, title, sitename):
            return headline
    if not title:
        return headline if headline and is_headline(headline) else None
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        last = parts[-1]
        site = _fold(sitename or "")
        if (site and (_fold(last) in site or site in _fold(last))) or (
            len(last.split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3
        ):
            return title[: title.rfind(last)].rstrip(" -|•–—:·»")
    return title


def is_headline(text: str) -> bool:
    """Long enough to name an article, short enough not to be a paragraph."""
    return 2 <= len(text.split()) <= 30


def names_site(text: str, title: str | None, sitename: str | None) -> bool:
    """The site's name: its declared name, or what follows the last separator of the <title>."""
    folded = _fold(text)
    if sitename and folded == _fold(sitename):
        return True
    parts = _TITLE_SEPARATORS.split(title) if title else []
    return len(parts) > 1 and folded == _fold(parts[-1])


def is_article_headline(text: str | None, meta: Metadata) -> bool:
    """A headline of the page's own (not its site's name) that may be its title ahead of ``meta.title``."""
    return bool(text) and is_headline(text) and not names_site(text, meta.title, meta.sitename)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def lang_code(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str, fallback: str | None = None) -> str | None:
    """ISO 639-1 code of the text; the page's declared language when the text is too short to tell."""
    if len(text) < 40:
        return fallback
    code, probability = _identifier().classify(text[:LANGUAGE_CHARS])
    if probability < 0.5:
        return fallback
    return code
