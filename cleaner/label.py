"""Label blocks with trafilatura's main-content verdict.

trafilatura runs on the already-parsed tree (it copies it) and its plain-text output is matched
back onto our blocks, so every block learns whether trafilatura kept it.
"""

from __future__ import annotations

import dataclasses
import logging
import re

import trafilatura
from lxml import etree

from cleaner.normalize import collapse
from cleaner.records import Block

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

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
    """Set ``main_content`` on every block not already marked by the DOM."""
    if extracted is None:
        return blocks
    lines = [collapse(_LIST_MARK.sub("", line)) for line in extracted.split("\n")]
    whole = set(lines)
    whole.update(cell.strip() for line in lines if " | " in line for cell in line.split(" | "))
    flat = " ".join(line for line in lines if line)
    labelled = []
    for block in blocks:
        if block.dom_reason is None:
            text = collapse(block.text)
            if len(text) < _SHORT:
                kept = text in whole
            else:
                kept = text in flat or (text[:_SHORT] in flat and text[-_SHORT:] in flat)
            block = dataclasses.replace(block, main_content=kept)
        labelled.append(block)
    return labelled
