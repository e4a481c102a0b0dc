"""Parse HTML once with lxml; the tree is passed along to every later stage.

libxml2 drops the text of some corrupted pages that Python's html.parser reads fine (and the other
way round). When lxml's tree holds far less text than the markup does, the page is parsed again
with BeautifulSoup's html.parser and the tree with more text is kept.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import soupparser

from cleaner.decode import InputError

# huge_tree lifts libxml2's depth limit of 256, which real pages with unclosed tags exceed.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False, huge_tree=True
)
# lxml refuses str input that still carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_NON_TEXT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.I | re.S)
_LOST = 0.2  # lxml kept less than this share of the markup's text


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse markup into an lxml tree; broken markup is repaired, not rejected."""
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        root = _soup(text)
        if root is None:
            raise InputError(f"unparsable HTML: {err}") from None
        return root
    if root is None:
        raise InputError("unparsable HTML: no document element")
    kept = _text_length(root)
    if kept < _LOST * _markup_text_length(text):
        fallback = _soup(text)
        if fallback is not None and _text_length(fallback) > 2 * kept:
            return fallback
    return root


def _soup(text: str) -> lxml.html.HtmlElement | None:
    try:
        return soupparser.fromstring(text, features="html.parser")
    except Exception:  # html.parser gives up on some inputs; lxml's result then stands
        return None


# plain strings: "smart" ones would look up each text node's parent element class, for nothing
_VISIBLE_TEXT = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style or ancestor::head"
    " or ancestor::noscript or ancestor::template)]",
    smart_strings=False,
)


def visible_text(element: etree._Element) -> str:
    """The text a browser would show under ``element`` (script, style, head and template left out)."""
    return " ".join(_VISIBLE_TEXT(element))


def _text_length(root: etree._Element) -> int:
    return len(visible_text(root).split())


def _markup_text_length(text: str) -> int:
    return len(_NON_TEXT.sub(" ", text).split())
