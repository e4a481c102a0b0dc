"""The ``fast`` preset's segmentation: resiliparse's main content as lines of text.

The default pipeline parses with lxml, walks every element, asks trafilatura and the learned model.
This preset hands the page to resiliparse (C++: parse, main-content heuristics, block formatting)
and keeps only its main content, as minimal HTML (headings, paragraphs, list items, links). Those
lines then go through the same text steps as already-extracted text (:func:`cleaner.stages.fast_html`):
rules, heading regions, headline and section label, teaser lists, comment threads, author lines,
then the text model. Metadata comes from :mod:`cleaner.metadata.head`.

Text that resiliparse leaves out of the main content is not listed span by span (listing it would
cost a second extraction and an alignment); ``provenance.options`` records ``preset: fast``.
"""

from __future__ import annotations

import html as htmlmod
import re

from cleaner.errors import NOT_TEXT, InputError
from cleaner.segment.normalize import normalize_line, normalize_text
from cleaner.segment.visibility import visibility

MIN_MAIN_WORDS = 50  # a main content shorter than this is taken for a miss

# --- HTML: resiliparse's main content as blocks ----------------------------------------------------

_BREAK = re.compile(r"</?(?:h[1-6]|p|ul|ol|li|pre)\b[^>]*>|<br\b[^>]*>")
_LINK = re.compile(r"</?a\b[^>]*>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def main_lines(markup: str) -> tuple[list[str], str | None]:
    """The lines of resiliparse's minimal HTML (h1-h6, p, ul/ol/li, pre, br, a), and its first h1.

    Every block tag and <br> ends a line; links keep their text. The lines are what text mode
    reads, normalized and without blank ones.
    """
    lines = [line for line in normalize_text(_text(markup)).split("\n") if line]
    headline = None
    for h1 in _H1.finditer(markup):
        inside = _text(h1.group(1))
        headline = "\n".join(line for line in map(normalize_line, inside.split("\n")) if line) or None
        if headline:
            break
    return lines, headline


def _text(markup: str) -> str:
    """The text of minimal HTML: a line break for each block tag and <br>, links as their text."""
    return htmlmod.unescape(_LINK.sub("", _BREAK.sub("\n", markup)))


def main_content(tree, hidden=None) -> tuple[list[str], str | None]:
    """The lines of the page's main content as resiliparse finds it, collapsed panels opened, and its first h1.

    ``hidden``: the page's elements with a ``hidden`` attribute where they are known
    (:func:`cleaner.metadata.head.page_nodes`).
    """
    from resiliparse.extract.html2text import extract_plain_text

    _open_collapsed(tree, hidden)

    def extract(main: bool) -> tuple[list[str], str | None]:
        markup = extract_plain_text(tree, main_content=main, preserve_formatting="minimal_html", links=True)
        return main_lines(markup)

    # on some pages resiliparse's heuristics find (next to) nothing: then its whole text goes to the
    # text steps and the model, which decide line by line (measured: docs/decisions.md, "Fast preset")
    main = extract(True)
    if not _has_words(main[0], MIN_MAIN_WORDS):
        whole = extract(False)
        return whole if whole[0] else main
    return main


def _has_words(lines: list[str], count: int) -> bool:
    """Whether ``lines`` hold at least ``count`` words (counted only as far as that)."""
    words = 0
    for line in lines:
        words += len(line.split())
        if words >= count:
            return True
    return False


def _open_collapsed(tree, hidden=None) -> None:
    """Take the ``hidden`` attribute off collapsed panels and tabs, so that resiliparse reads them.

    As in the default preset (:func:`cleaner.segment.visibility.visibility`), an element with the
    ``hidden`` attribute alone is content that readers open; resiliparse's main content would leave it out.
    ``hidden``: those elements where they are known, else found here (``values()`` reads the query's
    result once: iterating it walks the tree again for each element).
    """
    nodes = tree.document.query_selector_all("[hidden]").values() if hidden is None else hidden
    for node in nodes:
        if visibility(node.getattr)[1]:
            node.delattr("hidden")


def parse(text: str):
    """resiliparse's tree of the page; a page it rejects is not a page (an error record)."""
    from resiliparse.parse.html import HTMLTree

    try:
        return HTMLTree.parse(text)
    except Exception as err:  # resiliparse rejects some inputs outright
        raise InputError(f"unparsable HTML: {err}", NOT_TEXT) from None
