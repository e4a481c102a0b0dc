"""Parse HTML once with lxml; the tree is passed along to every later stage."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from cleaner.decode import InputError

# huge_tree lifts libxml2's depth limit of 256, which real pages with unclosed tags exceed.
_PARSER = lxml.html.HTMLParser(
    remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False, huge_tree=True
)
# lxml refuses str input that still carries an XML encoding declaration.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse markup into an lxml tree; broken markup is repaired by libxml2, not rejected."""
    try:
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1), parser=_PARSER)
    except (etree.ParserError, ValueError) as err:
        raise InputError(f"unparsable HTML: {err}") from None
    if root is None:
        raise InputError("unparsable HTML: no document element")
    return root
