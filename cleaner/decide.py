"""Decide, block by block, what stays and why.

A short state machine in the spirit of jusText: DOM markers, then rules (a heading rule opens a
region that lasts until the article's own prose resumes), then the top of the document (section
label, headline, repeated headline), then trafilatura's verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.records import Block, Decision
from cleaner.rules import Hit, RuleSet

_TERMINAL = re.compile(r"[.!?\"”’»)]$")
_ELLIPSIS = re.compile(r"(…|\.\.\.)$")
_WORD = re.compile(r"\w+")
_HEAD_ZONE = 8  # blocks looked at for a headline before the first paragraph of prose


@dataclass(frozen=True)
class TopOfDocument:
    """What the top of the document says about itself."""

    title: str | None = None
    author: str | None = None
    categories: tuple[str, ...] = ()


def is_prose(block: Block, min_words: int = 12) -> bool:
    """A sentence-ending paragraph of some length: the article's own flow."""
    text = block.text
    return block.words >= min_words and bool(_TERMINAL.search(text)) and not _ELLIPSIS.search(text)


def decide(
    blocks: Sequence[Block], ruleset: RuleSet, *, title: str | None = None, html: bool = False
) -> tuple[list[Decision], TopOfDocument]:
    """Decide every block; ``title`` is the title known from metadata (HTML), if any."""
    decisions: list[Decision] = []
    region: Hit | None = None
    author = None
    for block in blocks:
        if block.dom_reason:
            decisions.append(Decision(block, False, block.dom_reason, block.dom_rule))
            continue
        hit = ruleset.match_text(block.text)
        if hit and hit.rule.target == "heading":
            region = hit
            decisions.append(Decision(block, False, hit.rule.cls, hit.rule.id))
            continue
        if region and is_prose(block, min_words=25):
            region = None
        if hit and not (region and hit.rule.weak):
            if hit.author and not author:
                author = hit.author
            decisions.append(Decision(block, False, hit.rule.cls, hit.rule.id))
        elif region:
            decisions.append(Decision(block, False, region.rule.cls, region.rule.id))
        elif block.main_content is False:
            decisions.append(Decision(block, False, "outside_main_content", "trafilatura"))
        elif html and _link_list(block):
            decisions.append(Decision(block, False, "navigation", "structure.link_list"))
        elif block.main_content is None and html and _low_content(block):
            decisions.append(Decision(block, False, "low_content", "structure.low_content"))
        else:
            decisions.append(Decision(block, True))
    decisions, top = _top_of_document(decisions, title, html)
    return decisions, TopOfDocument(top.title, author, top.categories)


def _link_list(block: Block) -> bool:
    """Several lines that are nearly all links: a menu, whatever trafilatura thought."""
    return block.link_density >= 0.7 and block.text.count("\n") >= 2 and not is_prose(block)


def _low_content(block: Block) -> bool:
    """Without trafilatura's verdict: link lists and fragments are not article text."""
    return block.link_density > 0.5 or (block.kind != "h" and block.words < 4)


def _top_of_document(
    decisions: list[Decision], known_title: str | None, html: bool
) -> tuple[list[Decision], TopOfDocument]:
    """Find the section label, the headline and its repeats among the kept blocks before the prose.

    In HTML, what stands before the headline other than its section label is the page's masthead.
    """
    head = []
    for position, decision in enumerate(decisions):
        if len(head) >= _HEAD_ZONE or (decision.keep and is_prose(decision.block)):
            break
        if decision.keep:
            head.append(position)
    title = known_title
    title_at = None
    if title is None:
        title_at = next((p for p in head if _headline_like(decisions[p].block, html)), None)
        if title_at is not None:
            title = decisions[title_at].block.text
            decisions[title_at] = Decision(decisions[title_at].block, False, "title", "structure.title")
    categories: tuple[str, ...] = ()
    if title is not None:
        for position in head:
            if position != title_at and _same_headline(decisions[position].block.text, title):
                decisions[position] = Decision(
                    decisions[position].block, False, "duplicate_title", "structure.duplicate_title"
                )
                title_at = position if title_at is None else title_at
    if title_at is not None:
        before = [p for p in head if p < title_at and decisions[p].keep]
        if before and _section_label_like(decisions[before[-1]].block.text) and before[-1] == head[0]:
            label = decisions[before[-1]].block.text
            decisions[before[-1]] = Decision(
                decisions[before[-1]].block, False, "section_label", "structure.section_label"
            )
            categories = (label,)
        if html:
            for position in head:
                if position < title_at and decisions[position].keep:
                    decisions[position] = Decision(
                        decisions[position].block, False, "page_header", "structure.page_header"
                    )
    return decisions, TopOfDocument(title=title, categories=categories)


def _headline_like(block: Block, html: bool) -> bool:
    text, words = block.text, block.words
    if html and block.kind != "h":
        return False
    return 2 <= words <= 30 and not re.search(r"[.,;:]$", text) and "\n" not in text


def _section_label_like(text: str) -> bool:
    return 1 <= len(text.split()) <= 3 and len(text) <= 30 and not re.search(r"[.!?,;:]$", text)


def _tokens(text: str) -> set[str]:
    return {token.lower() for token in _WORD.findall(text)}


def _same_headline(text: str, title: str) -> bool:
    """Equal, or a close rewording: most words shared (a site's SEO headline next to its display headline)."""
    if len(text.split()) > 40:
        return False
    a, b = _tokens(text), _tokens(title)
    if not a or not b:
        return False
    overlap = len(a & b)
    return overlap / len(a | b) >= 0.6 or (overlap / min(len(a), len(b)) >= 0.9 and min(len(a), len(b)) >= 3)
