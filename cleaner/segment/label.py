"""Label blocks with trafilatura's main-content verdict.

trafilatura runs on the already-parsed tree (it copies it) and its plain-text output is matched
back onto our blocks, so every block learns whether trafilatura kept it.
"""

from __future__ import annotations

import dataclasses
import re

import numpy
import trafilatura
from lxml import etree

from cleaner.decide.state import is_prose
from cleaner.records import Block
from cleaner.segment.normalize import collapse

_LIST_MARK = re.compile(r"^[-*•]\s+")
_SHORT = 40  # below this many characters a block must equal a whole line (or table cell) of the output


def main_content_text(tree: etree._Element, url: str | None) -> str | None:
    """trafilatura's main text for the (pruned) tree, or None when it finds none."""
    try:
        document = trafilatura.bare_extraction(
            tree, url=url, include_comments=False, include_tables=True, with_metadata=False
        )
    except Exception:  # trafilatura raises a variety of errors on odd trees; its verdict is then unknown
        return None
    text = getattr(document, "text", None) if document is not None else None
    return text or None


def label_main_content(blocks: list[Block], extracted: str | None) -> list[Block]:
    """Set ``main_content`` on every block not already marked by the DOM, and on the marked blocks of prose:
    markup is only evidence there (:class:`cleaner.records.Decision`), and trafilatura saw their text."""
    if extracted is None:
        return blocks
    lines = [collapse(_LIST_MARK.sub("", line)) for line in extracted.split("\n")]
    whole = set(lines)
    whole.update(cell.strip() for line in lines if " | " in line for cell in line.split(" | "))
    output = _Output(" ".join(line for line in lines if line))
    labelled = []
    for block in blocks:
        if block.dom_reason is None or is_prose(block):
            text = collapse(block.text)
            if len(text) < _SHORT:
                kept = text in whole
            else:
                kept = output.holds(text) or (output.holds(text[:_SHORT]) and output.holds(text[-_SHORT:]))
            block = dataclasses.replace(block, main_content=kept)
        labelled.append(block)
    return labelled


_INDEX_FROM = 200_000  # characters of output from which its word triples are indexed


class _Output:
    """trafilatura's output as one line, searched for block texts.

    Blocks come mostly in the output's order, so each search starts where the last one ended and
    goes back to the start only when that fails. On a long output, a block whose words cannot be
    in it (most boilerplate) is answered from an index of the output's word triples without a
    search: otherwise every such block would scan the whole output, which on a 20 MB page of
    paragraphs takes minutes.
    """

    def __init__(self, flat: str) -> None:
        self.flat = flat
        self.cursor = 0
        self.triples = _triples(flat.split(" ")) if len(flat) >= _INDEX_FROM else None

    def holds(self, text: str) -> bool:
        if self.triples is not None and not self._may_hold(text):
            return False
        found = self.flat.find(text, self.cursor)
        if found < 0 and self.cursor:
            found = self.flat.find(text)
        if found < 0:
            return False
        self.cursor = found + len(text)
        return True

    def _may_hold(self, text: str) -> bool:
        """False only when ``text`` cannot be a substring: its second to fourth words are no triple of the output's.

        The first and last words of a substring may be parts of words; those inside are whole.
        """
        words = text.split(" ")
        if len(words) < 5:
            return True
        key = _triples(words[1:4])
        position = numpy.searchsorted(self.triples, key[0])
        return bool(position < len(self.triples) and self.triples[position] == key[0])


def _triples(words: list[str]) -> numpy.ndarray:
    """Sorted 64-bit hashes of every three consecutive words."""
    hashes = numpy.fromiter((hash(word) for word in words), dtype=numpy.int64, count=len(words))
    if len(hashes) < 3:
        return numpy.empty(0, dtype=numpy.int64)
    with numpy.errstate(over="ignore"):
        mixed = hashes[:-2] * numpy.int64(_K1) + hashes[1:-1] * numpy.int64(_K2) + hashes[2:]
    return numpy.sort(mixed)


_K1, _K2 = 0x9E3779B97F4A7C15 - 2**64, 0xC2B2AE3D27D4EB4F - 2**64  # odd multipliers, as signed 64-bit
