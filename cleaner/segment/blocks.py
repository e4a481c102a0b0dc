"""Cut a document into blocks: lines and paragraphs of text, or block-level elements of HTML.

HTML blocks keep their DOM context (tag path, link density) and, when an element or one of its
ancestors is marked as never-content (``<nav>``, hidden, a cookie banner's class...), the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cleaner import _core
from cleaner.records import Block
from cleaner.rules import RuleSet

# --- text ---------------------------------------------------------------------------------------


def segment_text(text: str) -> list[Block]:
    """One block per line; a hard-wrapped line that continues a sentence joins the line before it.

    A Markdown table row ("| Capital | Wellington |", as extractors write tables) is a "cell" block
    without its outer pipes, so a paragraph that a layout table holds reads as the prose it is. A line
    indented by ``normalize_text(indent=True)`` starts at its text. Computed by the compiled core
    (``core/src/text.rs``); offsets index ``text`` as Python does.
    """
    return [
        Block(index=i, text=block_text, start=start, end=end, kind=kind)
        for i, (start, end, kind, block_text) in enumerate(_core.segment_text(text))
    ]


def set_together(source: str, previous: Block, block: Block) -> bool:
    """The two blocks of ``source`` (:func:`segment_text`'s input) follow one another with no blank line
    between them: lines of one stanza, list or block of code."""
    return "\n\n" not in source[previous.end : block.start]


# --- HTML ---------------------------------------------------------------------------------------
#
# The walk is the compiled core's (``core/src/segment.rs``): one pass over html5ever's tree of the
# page, in document order, without recursion (deep trees are common in the wild). It starts at the
# root, not at <body>: broken pages close the body early and carry on. What it reads, in order:
# - script, style, head, iframes, forms' controls, media and the like hold no text for a reader;
# - block-level elements (p, div, li, td, h1...) end a block and start one; inline ones do not;
# - the block kind (h, li, quote, pre, cell, caption; p otherwise) comes from the nearest block tag;
# - an element that a rule or its hidden state marks as never-content gives its reason to every
#   block inside, the outermost such element is listed for pruning, and a marker on an element that
#   holds most of the page's visible text (a page-wide class) marks nothing, unless an article's
#   prose came before it (then it is a section of its own, a long comment thread under a post);
# - the ``hidden`` attribute alone collapses an element (a closed panel or tab): its blocks stay open,
#   marked ``collapsed``, and the model decides them (:mod:`cleaner.segment.visibility`);
# - each block keeps its tag path, link density, the class and id tokens of its elements (the last
#   16, nearest last), and what the Markdown output needs: its containers and inline marks.


@dataclass(frozen=True)
class Segmented:
    blocks: list[Block]
    # outermost elements marked as never-content (the page's node numbers), pruned before
    # trafilatura's verdict is asked (:func:`cleaner.segment.parse.prune`)
    marked: list[int]
    # marked elements that are shown and hold a block of prose: markup alone is only evidence there, so
    # trafilatura's verdict must still see their text; pruned after it, before the metadata is read
    evidence: list[int] = field(default_factory=list)
    # the page's block-level elements (Block.box numbers them): each one's parent (-1 for the root) and tag
    boxes: list[int] = field(default_factory=lambda: [-1])
    box_tags: list[str] = field(default_factory=lambda: [""])


def segment_html(
    page: _core.HtmlPage, ruleset: RuleSet, *, noscript: bool = False, open_hidden: bool = False
) -> Segmented:
    """The page's blocks, with the rules' verdicts on its elements.

    ``noscript`` reads <noscript> as text: pages drawn by script put their text there for crawlers.
    ``open_hidden`` treats hidden elements (``display: none``, ``aria-hidden``) as collapsed ones,
    whose blocks the model decides: for a page whose script shows the article only once it runs.
    """
    verdicts = [_verdict(ruleset.match_element(*key)) for key in page.element_keys()]
    rows, marked, boxes, box_tags = page.segment(verdicts, noscript, open_hidden)
    blocks = [Block(index, *row) for index, row in enumerate(rows)]
    # hidden text stays unseen: only a shown marked element that holds prose is evidence
    evidence = {node for node, hidden, holds_prose in marked if holds_prose and not hidden}
    return Segmented(
        blocks,
        [node for node, _, _ in marked if node not in evidence],
        [node for node, _, _ in marked if node in evidence],
        boxes,
        box_tags,
    )


def _verdict(rule) -> tuple[str, str] | None:
    return (rule.cls, rule.id) if rule else None
