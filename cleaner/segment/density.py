"""The page's densest region of prose: a main-content verdict read from the blocks alone.

The readability family's idea, on cleaner's blocks instead of a second walk of the tree: every
paragraph of prose scores its enclosing elements (the nearest fully, the next half, those above a
third of their distance), an element's score is discounted by the share of its text in links, and
the best element, with the siblings that score nearly as well, is the article. Computed from what
segmentation already has (each block's element, ``Block.box``, and the elements' parents), so it
costs a pass over the blocks, not a second extractor.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cleaner.decide.state import is_prose
from cleaner.records import Block

# the elements a paragraph's text sits in: they score their container, not themselves
_PARAGRAPH = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd td th pre blockquote figcaption caption summary legend".split())
# readability's prior by tag: containers of articles score up, lists, forms and headings down
_TAG_PRIOR = {"div": 5.0, "article": 10.0, "main": 5.0, "section": 2.0, "pre": 3.0, "td": 3.0, "blockquote": 3.0}
_TAG_PRIOR |= dict.fromkeys(("address", "ol", "ul", "dl", "dd", "dt", "li", "form"), -3.0)
_TAG_PRIOR |= dict.fromkeys(("h1", "h2", "h3", "h4", "h5", "h6", "th", "nav", "aside", "footer", "header"), -5.0)
_MIN_CHARS = 25  # shorter blocks score nothing: labels, buttons, dates
_LEVELS = 5  # how many enclosing elements a paragraph scores
_SIBLING_SHARE = 0.2  # a sibling scoring this share of the best element's score joins it
_SIBLING_FLOOR = 10.0
# an unmarked region with this many characters of prose is the article, however much marked prose a
# page has (a long comment thread under a news story); with less, the marked prose is read as well
_ENOUGH_PROSE = 500
# the region's verdict stands alone where it holds this share of the page's prose and no rival scores
# over this share of its score (chosen on the train split of the datasets the model never saw)
_SURE_SHARE, _SURE_RIVAL = 0.7, 0.5
_WIDEN, _WIDE_LINKS = 1.3, 0.3  # the parent holds this much more prose, at most this share of its text in links


@dataclasses.dataclass(frozen=True)
class Region:
    """The chosen elements and the score of the best one; ``boxes`` empty when the page has no prose."""

    boxes: frozenset[int]
    score: float
    scores: dict[int, float]  # every scored element's score
    held: int = 0  # characters of prose in the region
    prose: int = 0  # characters of prose on the page (marked prose included where the region counts it)
    with_marked: bool = False  # chosen with the marked elements' prose counted
    # the best score of an element off the region's lines (neither in one of its elements nor holding
    # one), against the region's: a second candidate nearly as good
    rival: float = 0.0
    # the region's elements as (first, last) numbers: an element's subtree is the numbers between them
    spans: tuple[tuple[int, int], ...] = ()

    @property
    def share(self) -> float:
        """The region's share of the page's prose."""
        return self.held / max(1, self.prose)

    @property
    def sure(self) -> bool:
        """The region holds most of the page's prose and no other element comes close: its verdict stands
        alone. Elsewhere trafilatura's verdict is asked (measured: docs/decisions.md, "The densest region")."""
        return bool(self.boxes) and self.share >= _SURE_SHARE and self.rival <= _SURE_RIVAL


def densest_region(blocks: Sequence[Block], parents: Sequence[int], tags: Sequence[str]) -> Region:
    """The element (and its near-equal siblings) that holds most of the page's prose.

    Markup is evidence, not a verdict: the region is first chosen among the unmarked blocks (a
    comment thread's or a sidebar's prose must not win), and chosen again with the marked prose
    counted as any other where the unmarked region holds less prose than the marked elements do
    (an article wrapper named "share", a forum's posts named "comments"). Hidden text is never
    counted: no reader sees it, and trafilatura's verdict never reads it either.

    Linear in the blocks and elements: elements are numbered in document order, each after its
    parent, so totals are summed up the tree in one pass from the last element back.
    """
    region, held = _choose(blocks, parents, tags, with_marked=False)
    marked = sum(len(b.text) for b in blocks if _marked_prose(b) and _scores(b))
    if held < min(marked, _ENOUGH_PROSE):
        region = _choose(blocks, parents, tags, with_marked=True)[0]
    return region


def _scores(block: Block) -> bool:
    return len(block.text) >= _MIN_CHARS and block.link_density <= 0.5


def _marked_prose(block: Block) -> bool:
    """Prose in an element that markup marked (not hidden): what the second choice counts."""
    return block.dom_reason is not None and block.dom_reason != "hidden" and is_prose(block)


def _choose(
    blocks: Sequence[Block], parents: Sequence[int], tags: Sequence[str], *, with_marked: bool
) -> tuple[Region, int]:
    """The region, and the characters of prose it holds."""
    n = len(parents)
    raw = [0.0] * n
    chars = [0] * n  # each element's own text first, then (below) its whole subtree's
    link_chars = [0.0] * n
    prose = [0] * n  # characters of the blocks that score
    scored = set()
    for block in blocks:
        if block.dom_reason is not None and not (with_marked and _marked_prose(block)):
            continue
        length = len(block.text)
        counts = _scores(block)
        chars[block.box] += length
        link_chars[block.box] += block.link_density * length
        if not counts:
            continue
        prose[block.box] += length
        points = 1.0 + block.text.count(",") + min(3, length // 100)
        box = block.box
        if tags[box] in _PARAGRAPH and parents[box] >= 0:
            box = parents[box]
        level = 0
        while box > 0 and level < _LEVELS:
            raw[box] += points if level == 0 else points / 2 if level == 1 else points / (level * 3)
            scored.add(box)
            box = parents[box]
            level += 1
    last = list(range(n))  # each element's last descendant: its subtree is the numbers up to it
    for box in range(n - 1, 0, -1):
        parent = parents[box]
        chars[parent] += chars[box]
        link_chars[parent] += link_chars[box]
        prose[parent] += prose[box]
        last[parent] = max(last[parent], last[box])
    if not scored:
        return Region(frozenset(), 0.0, {}), 0
    scores = {
        box: (raw[box] + _TAG_PRIOR.get(tags[box], 0.0)) * (1.0 - min(1.0, link_chars[box] / max(1, chars[box])))
        for box in scored
    }
    best = max(scores, key=lambda box: (scores[box], -box))
    top = scores[best]
    # an article split over several elements (a lead, a body, the parts around a figure): widen to the
    # ancestor that holds clearly more of the prose while its text stays mostly out of links
    parent = parents[best]
    while parent > 0 and prose[parent] >= _WIDEN * prose[best] and link_chars[parent] <= _WIDE_LINKS * chars[parent]:
        best, parent = parent, parents[parent]
    chosen = {best}
    parent = parents[best]
    if parent >= 0:
        bar = max(_SIBLING_FLOOR, top * _SIBLING_SHARE)
        chosen.update(box for box, score in scores.items() if parents[box] == parent and score >= bar)
    spans = tuple(sorted((box, last[box]) for box in chosen))
    held = sum(prose[box] for box in chosen)
    rival = _rival(scores, spans, last) / max(1e-9, top)
    return Region(frozenset(chosen), top, scores, held, prose[0], with_marked, rival, spans), held


def _rival(scores: dict[int, float], spans: tuple[tuple[int, int], ...], last: Sequence[int]) -> float:
    """The best score of an element off the region's lines: neither in one of its elements nor holding one."""
    best = 0.0
    for candidate, score in scores.items():
        if score <= best:
            continue
        inside = any(first <= candidate <= end for first, end in spans)
        around = any(candidate <= first <= last[candidate] for first, _ in spans)
        if not inside and not around:
            best = score
    return best


def label_region(blocks: Sequence[Block], region: Region) -> list[Block]:
    """Set ``main_content`` on the blocks that trafilatura's verdict would be asked about: whether the
    densest region holds them. Blocks stay unlabelled when the page has no prose to choose by.

    A marked block (a comment under the article, inside the region's element) is in the region only
    where the region was chosen with the marked prose counted; a hidden one never is.
    """
    if not region.boxes:
        return list(blocks)
    out = []
    for block in blocks:
        if block.dom_reason is None or is_prose(block):
            countable = block.dom_reason is None or (region.with_marked and block.dom_reason != "hidden")
            held = countable and any(first <= block.box <= end for first, end in region.spans)
            block = dataclasses.replace(block, main_content=held)
        out.append(block)
    return out
