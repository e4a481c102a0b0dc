"""Parse HTML once with lxml; the tree is passed along to every later stage.

libxml2 drops the text of some corrupted pages that Python's html.parser reads fine (and the other
way round). When lxml's tree holds far less text than the markup does, the page is parsed again
with BeautifulSoup's html.parser and the tree with more text is kept.

Hostile markup: libxml2 compares every attribute of a tag with every other one (a tag with a
million attributes would parse for hours), so a tag's attributes beyond MAX_ATTRIBUTES are
dropped before parsing. libxml2 also drops everything nested deeper than 2048 elements, and
html.parser recurses too deep on such pages; then the markup is flattened below MAX_DEPTH and
parsed again, so the text survives.
"""

from __future__ import annotations

import re
from collections import Counter

import lxml.html
from lxml import etree
from lxml.html import soupparser

from cleaner.errors import NOT_TEXT, InputError

# huge_tree lifts libxml2's depth limit of 256, which real pages with unclosed tags exceed.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False, huge_tree=True
)
# lxml.html picks each element's Python class with a lookup written in Python, called every time an
# element object is made (every step of a walk, here and in trafilatura's copies of the tree). The
# C-level default lookup gives the same HtmlElement class; only form controls lose their subclasses
# (FormElement, InputElement, ...), whose form-filling API neither cleaner nor trafilatura uses.
# (measured: docs/decisions.md, "Parser element lookup")
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
# lxml refuses str input that still carries an XML encoding declaration, even a broken one
# ("<?xml version="1.0" encoding="a, b, c..." with no "?>").
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_NON_TEXT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.I | re.S)
_LOST = 0.2  # lxml kept less than this share of the markup's text
MAX_ATTRIBUTES = 1000  # per tag; real pages stay far below
MAX_DEPTH = 1000  # nesting kept by the flattening fallback
# a start tag long enough to hold MAX_ATTRIBUTES attributes; [^<>] keeps the scan linear
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{3 * MAX_ATTRIBUTES},}}>")
_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen".split()
)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse markup into an lxml tree; broken markup is repaired, not rejected."""
    return parse_page(text)[0]


def parse_page(text: str) -> tuple[lxml.html.HtmlElement, str | None]:
    """The tree (as :func:`parse_html`) and its visible text, which parsing reads anyway (None when it did not).

    Segmentation sizes page-wide markers against the visible text: handed on, it is not read twice.
    """
    text = _XML_DECL.sub("", text, count=1)
    text = _LONG_TAG.sub(_fewer_attributes, text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        root = _soup(text)
        if root is None:
            raise InputError(f"unparsable HTML: {err}", NOT_TEXT) from None
        return root, None
    if root is None:
        raise InputError("unparsable HTML: no document element", NOT_TEXT)
    close_void_elements(root)
    visible = visible_text(root)
    kept = len(visible.split())
    if kept < _LOST * _markup_text_length(text):
        fallback = _soup(text)
        if fallback is not None and _text_length(fallback) > 2 * kept:
            return fallback, None
        flat = _flattened(text) if fallback is None else None
        if flat is not None and _text_length(flat) > kept:
            return flat, None
    return root, visible


# HTML5's void elements that libxml2 (an HTML4 parser) does not know: it opens them as containers,
# and everything up to their parent's end becomes their content
_VOID = ("embed", "source", "track", "wbr", "keygen")


def close_void_elements(root: lxml.html.HtmlElement) -> None:
    """Give the content that libxml2 put inside a void element back to the element's parent, after it.

    HTML5 says ``<embed src=...>`` has no content and no end tag; libxml2 reads the rest of the
    article as its content, which the never-content rules (``<embed>`` is a plugin) then remove.
    """
    for element in list(root.iter(*_VOID)):
        parent = element.getparent()
        if parent is None or (not len(element) and not element.text):
            continue
        children, tail = list(element), element.tail or ""
        element.tail, element.text = element.text, None
        at = parent.index(element)
        for offset, child in enumerate(children, 1):
            parent.insert(at + offset, child)  # moves it, with its own tail
        last = children[-1] if children else element
        last.tail = (last.tail or "") + tail or None


def _fewer_attributes(match: re.Match) -> str:
    """The start tag cut after MAX_ATTRIBUTES attributes (the tag name counts as the first match)."""
    tag = match.group(0)
    for count, attribute in enumerate(_ATTRIBUTE.finditer(tag, 1, len(tag) - 1)):
        if count == MAX_ATTRIBUTES:
            return tag[: attribute.start()] + ">"
    return tag


def _flattened(text: str) -> lxml.html.HtmlElement | None:
    """lxml's tree of the markup with start and end tags deeper than MAX_DEPTH left out, when it nests deeper.

    Only called when both parsers lost the text; None when the markup is not that deep.
    """
    pieces: list[str] = []
    depth, dropped, last, deep = 0, Counter(), 0, False
    for tag in _TAG_TOKEN.finditer(text):
        closing, name = tag.group(1), tag.group(2).lower()
        if name in _VOID or tag.group(3):
            continue
        if not closing and depth >= MAX_DEPTH:
            dropped[name] += 1
        elif closing and dropped[name]:
            dropped[name] -= 1
        else:
            depth = max(depth + (-1 if closing else 1), 0)
            continue
        deep = True
        pieces.append(text[last : tag.start()])
        last = tag.end()
    if not deep:
        return None
    pieces.append(text[last:])
    try:
        return lxml.html.document_fromstring("".join(pieces), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def _soup(text: str) -> lxml.html.HtmlElement | None:
    # html.parser rescans to the end of the text for every "<" that no ">" follows (quadratic: 20,000
    # "<meta charset=" took 90 s); after the last ">" a "<" can only be text, so it is given as text.
    end = text.rfind(">") + 1
    text = text[:end] + text[end:].replace("<", "&lt;")
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
    """Words outside tags, comments, scripts and styles. Linear: nothing after the last ">" can be markup,
    and so is left as it is (each "<" there would make _NON_TEXT scan to the end in vain)."""
    head = text[: text.rfind(">") + 1]
    return len((_NON_TEXT.sub(" ", _defused(head)) + text[len(head) :]).split())


_RAW_EDGES = re.compile(r"<(/)?(script|style|noscript|template)\b(?(1)\s*>)|<!--", re.I)


def _defused(text: str) -> str:
    """``text`` with every ``<script``, ``<style``, ... and ``<!--`` that has no end after it made ``<_script``.

    _NON_TEXT would scan from each such opening to the end of the text in vain before reading it as a plain
    tag (quadratic: 20,000 unclosed ``<script>`` took 20 s). The defused opening is read as the same plain
    tag at once, so the word count is unchanged.
    """
    last_end: dict[str, int] = {"<!--": text.rfind("-->")}  # found apart: "<!-->" holds both
    opens: list[tuple[int, str]] = []
    for edge in _RAW_EDGES.finditer(text):
        if edge.group(0) == "<!--":
            opens.append((edge.start(), "<!--"))
        elif edge.group(1):
            last_end[edge.group(2).lower()] = edge.start()
        else:
            opens.append((edge.start(), edge.group(2).lower()))
    # a comment needs "-->" at least 4 characters on (after "<!--"); an element its end tag after its name
    stranded = [at for at, name in opens if last_end.get(name, -1) < at + (4 if name == "<!--" else 1)]
    if not stranded:
        return text
    pieces, last = [], 0
    for at in stranded:
        pieces += [text[last : at + 1], "_"]
        last = at + 1
    pieces.append(text[last:])
    return "".join(pieces)
