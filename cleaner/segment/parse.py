"""Parse HTML: html5ever's tree for segmentation, lxml's for trafilatura and the metadata.

The compiled core parses with html5ever (``core/src/dom.rs``), as browsers build the tree, and
segments that tree. trafilatura and the metadata readers take lxml trees, so lxml parses the page
too. Either parser can lose a page's text where the other keeps it: libxml2 drops the text of some
corrupted pages that Python's html.parser reads fine (and the other way round), and html5ever reads
the rest of a page as one element's raw text after a misspelt ``</title`` (as a browser would).
Both are checked against the words of the markup itself (:attr:`cleaner._core.HtmlPage.markup_words`):
lxml's tree is replaced by html.parser's, and html5ever reads lxml's tree written out, where one
kept far less.

Hostile markup: both parsers compare every attribute of a tag with every other one (a tag with a
million attributes would parse for hours), so a tag's attributes beyond MAX_ATTRIBUTES are
dropped before parsing. libxml2 also drops everything nested deeper than 2048 elements, and
html.parser recurses too deep on such pages; then the markup is flattened below MAX_DEPTH and
parsed again, so the text survives. The core bounds html5ever's nesting itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import lxml.html
from lxml import etree
from lxml.html import soupparser

from cleaner import _core, limits
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
_LOST = 0.2  # one parser kept less than this share of the words the other read
_FINGERPRINT_CHARS = 64  # as the core's FINGERPRINT_CHARS
MAX_ATTRIBUTES = 1000  # per tag; real pages stay far below
MAX_DEPTH = 1000  # nesting kept by the flattening fallback
# a start tag long enough to hold MAX_ATTRIBUTES attributes; [^<>] keeps the scan linear
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{3 * MAX_ATTRIBUTES},}}>")
_ATTRIBUTE = re.compile(r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""")
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^<>]*?(/?)>")
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont bgsound frame keygen".split()
)


@dataclass(frozen=True)
class Parsed:
    """A page parsed twice, once for each reader.

    ``page`` is html5ever's tree (the WHATWG tree construction browsers follow), held by the compiled
    core, which segments it (:func:`cleaner.segment.blocks.segment_html`). ``tree`` is lxml's, which
    trafilatura's main-content verdict and the metadata read; the elements segmentation marks are
    pruned from it (:func:`prune`).
    """

    page: _core.HtmlPage
    tree: lxml.html.HtmlElement


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse markup into an lxml tree; broken markup is repaired, not rejected."""
    text = _bounded(text)
    return _lxml_tree(text, _html5ever(text).markup_words)[0]


def html_page(text: str) -> _core.HtmlPage:
    """html5ever's tree alone: what segmentation reads."""
    return _html5ever(_bounded(text))


def parse_page(text: str) -> Parsed:
    """Both trees of the page (:class:`Parsed`).

    Where html5ever reads most of the page as the raw text of one element and lxml does not (a
    misspelt ``</title``, a script's ``<!--`` that never closes: as a browser would, the page shows
    nothing), segmentation reads lxml's tree, written out and parsed again.
    """
    text = _bounded(text)
    page = _html5ever(text)
    tree, words = _lxml_tree(text, page.markup_words)
    if page.visible_words < _LOST * page.markup_words and words > page.visible_words:
        page = _html5ever(lxml.html.tostring(tree, encoding="unicode"))
    return Parsed(page, tree)


def _html5ever(text: str) -> _core.HtmlPage:
    """html5ever's tree, parsed within what is left of the document's time limit."""
    try:
        return _core.HtmlPage(text, limits.seconds_left())
    except TimeoutError:
        raise limits.out_of_time() from None


def _bounded(text: str) -> str:
    """The markup without what parsers cannot take: an XML declaration, or a tag's attributes beyond MAX_ATTRIBUTES
    (both parsers compare every attribute of a tag with every other one)."""
    return _LONG_TAG.sub(_fewer_attributes, _XML_DECL.sub("", text, count=1))


def _lxml_tree(text: str, words: int) -> tuple[lxml.html.HtmlElement, int]:
    """lxml's tree and the words of its visible text; parsed again by html.parser, or flattened, where
    libxml2 kept far fewer than the markup's ``words`` (:attr:`cleaner._core.HtmlPage.markup_words`)."""
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        root = _soup(text)
        if root is None:
            raise InputError(f"unparsable HTML: {err}", NOT_TEXT) from None
        return root, _text_length(root)
    if root is None:
        raise InputError("unparsable HTML: no document element", NOT_TEXT)
    close_void_elements(root)
    kept = _text_length(root)
    if kept < _LOST * words:
        fallback = _soup(text)
        if fallback is not None:
            length = _text_length(fallback)
            if length > 2 * kept:
                return fallback, length
        flat = _flattened(text) if fallback is None else None
        if flat is not None:
            length = _text_length(flat)
            if length > kept:
                return flat, length
    return root, kept


def locate(parsed: Parsed, nodes: list[int]) -> list[lxml.html.HtmlElement]:
    """The elements of lxml's tree that are the page's ``nodes`` (html5ever's numbers).

    Each is found by its tag, class and id and its rank among the elements that share them: the two
    parsers repair broken markup differently but mostly keep a page's elements in the same order.
    Where they do not (foster parenting, the adoption agency's clones, a nested form one parser
    drops), a rank could point at another element: an element is taken only where both trees hold as
    many elements with those names and its text starts as the page's does. Call it before anything is
    pruned from lxml's tree.
    """
    if not nodes:
        return []
    wanted: dict[str, dict[tuple, tuple[list[tuple[int, str]], int]]] = {}
    for tag, cls, identifier, rank, total, fingerprint in parsed.page.locators(nodes):
        ranks, _ = wanted.setdefault(tag, {}).setdefault((cls, identifier), ([], total))
        ranks.append((rank, fingerprint))
    found = []
    for tag, by_names in wanted.items():
        same: dict[tuple, list] = {}
        for element in parsed.tree.iter(tag):
            names = (element.get("class"), element.get("id"))
            if names in by_names:
                same.setdefault(names, []).append(element)
        for names, (ranks, total) in by_names.items():
            elements = same.get(names, [])
            if len(elements) == total:
                found += [elements[rank] for rank, text in ranks if _fingerprint(elements[rank]) == text]
    return found


def _fingerprint(element: lxml.html.HtmlElement) -> str:
    """As :meth:`cleaner._core.HtmlPage.locators` gives it: the first non-space characters of the element's text."""
    return "".join(element.text_content().split())[:_FINGERPRINT_CHARS]


def prune(elements: list[lxml.html.HtmlElement]) -> None:
    """Take ``elements`` (:func:`locate`) out of lxml's tree, so that metadata and trafilatura never read them.

    Their tails stay: a tail is text of the parent's.
    """
    for element in elements:
        if element.getparent() is not None:
            element.drop_tree()


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
