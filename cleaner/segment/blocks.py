"""Cut a document into blocks: lines and paragraphs of text, or block-level elements of HTML.

HTML blocks keep their DOM context (tag path, link density) and, when an element or one of its
ancestors is marked as never-content (``<nav>``, hidden, a cookie banner's class...), the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from cleaner import _core
from cleaner.decide.state import is_prose
from cleaner.records import Block
from cleaner.rules import RuleSet
from cleaner.segment.normalize import collapse, normalize_line
from cleaner.segment.parse import visible_text
from cleaner.segment.visibility import visibility

# an id made of five or more words is an anchor generated from a heading's text
_HEADING_ANCHOR = re.compile(r"^[^\W\d_]+(?:[-_][^\W\d_]+){4,}$")

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

_SKIP = frozenset(
    "script style noscript template svg math canvas iframe object embed head title meta link "
    "input textarea option datalist audio video source track map area".split()
)
_SKIP_READING_NOSCRIPT = _SKIP - {"noscript"}
_KIND = {"h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "li": "li", "dt": "li", "dd": "li"}
_KIND |= {"blockquote": "quote", "pre": "pre", "td": "cell", "th": "cell", "figcaption": "caption"}
_BLOCK = frozenset(_KIND) | frozenset(
    "p div section article main header footer aside nav ul ol dl table thead tbody tfoot tr caption "
    "figure form fieldset legend address center details summary body html hr dialog menu".split()
)
_NEVER_MARKED = frozenset({"html", "body", "main", "article"})
# what the Markdown output needs of the page's structure (cleaner.output.markdown): the containers a block
# sits in, and the inline marks inside it. Captured here, during the one walk, for a few tags only.
_FRAMED = frozenset("ul ol li table tr td th blockquote pre".split())
_INLINE = frozenset("em i strong b s del strike code kbd samp tt a".split())
_ATTR_SPLIT = re.compile(r"[\s_\-:]+")
_MAX_ATTRS = 16


@dataclass(frozen=True)
class _Context:
    reason: str | None = None
    rule: str | None = None
    in_link: bool = False
    attrs: tuple[str, ...] = ()  # class and id tokens of the element and its ancestors, nearest last
    collapsed: bool = False  # the element or an ancestor has the hidden attribute
    marker: etree._Element | None = None  # the outermost marked element this one sits in


@dataclass
class _Builder:
    """Collects inline text until a block boundary, then emits a Block with running offsets."""

    pieces: list[str] = field(default_factory=list)
    link_chars: int = 0
    kind: str = "p"
    path: str = ""
    context: _Context = field(default_factory=_Context)
    blocks: list[Block] = field(default_factory=list)
    offset: int = 0
    holding_prose: set = field(default_factory=set)  # marked elements that hold a block of prose
    frame: tuple = ()  # the block's containers, as Block.frame
    box: int = 0  # the block-level element the block's text sits in, as Block.box
    # every block-level element in document order: its parent's number (the root's is -1) and its tag
    boxes: list[int] = field(default_factory=lambda: [-1])
    box_tags: list[str] = field(default_factory=lambda: [""])
    # inline marks since the block's start: (piece index, tag, opening, href); see Block.inline
    marks: list = field(default_factory=list)
    serial: int = 0  # containers numbered in document order
    cells: int = 0  # table cells numbered in document order (a cell's column is counted from its row's first)

    def add(self, text: str | None, context: _Context, kind: str, path: str, frame: tuple = (), box: int = 0) -> None:
        if not text:
            return
        if self.pieces and (context.reason, context.rule, context.collapsed) != (
            self.context.reason,
            self.context.rule,
            self.context.collapsed,
        ):
            self.flush()
        if not self.pieces:
            self.kind, self.path, self.context, self.frame, self.box = kind, path, context, frame, box
        self.pieces.append(text)
        if context.in_link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        if not self.pieces:  # every block-level start and end flushes; most find nothing to emit
            if self.marks:
                self.marks.clear()  # marks of elements that held no text
            return
        pieces = self.pieces
        raw = "".join(pieces)
        self.pieces, link_chars, self.link_chars = [], self.link_chars, 0
        marks = ()
        if self.marks:
            marks = tuple(self.marks)
            self.marks.clear()
        if raw.isspace():  # the white space between block tags: every line of it normalizes to nothing
            return
        lines = [normalize_line(line) for line in raw.split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        start = self.offset + (2 if self.blocks else 0)
        self.offset = start + len(text)
        block = Block(
            index=len(self.blocks),
            text=text,
            start=start,
            end=self.offset,
            kind=self.kind,
            tag_path=self.path,
            dom_reason=self.context.reason,
            dom_rule=self.context.rule,
            link_density=min(1.0, link_chars / max(1, len(text))),
            attrs=self.context.attrs,
            collapsed=self.context.collapsed,
            frame=self.frame,
            box=self.box,
            # the pieces as they came, only where the Markdown needs more than the text: code verbatim, marks
            inline=(tuple(pieces), marks) if marks or self.kind == "pre" else None,
        )
        self.blocks.append(block)
        if self.context.marker is not None and is_prose(block):
            self.holding_prose.add(self.context.marker)


@dataclass(frozen=True)
class Segmented:
    blocks: list[Block]
    # outermost elements marked as never-content, pruned before trafilatura's verdict is asked
    marked: list[etree._Element]
    # marked elements that are shown and hold a block of prose: markup alone is only evidence there, so
    # trafilatura's verdict must still see their text; pruned after it, before the metadata is read
    evidence: list[etree._Element] = field(default_factory=list)
    # the page's block-level elements (Block.box numbers them): each one's parent (-1 for the root) and tag
    boxes: list[int] = field(default_factory=lambda: [-1])
    box_tags: list[str] = field(default_factory=lambda: [""])


def segment_html(
    root: etree._Element,
    ruleset: RuleSet,
    *,
    noscript: bool = False,
    open_hidden: bool = False,
    visible: str | None = None,
) -> Segmented:
    """Walk the page once, in document order, without recursion (deep trees are common in the wild).

    The walk starts at the root, not at <body>: broken pages close the body early and carry on.
    ``noscript`` reads <noscript> as text: pages drawn by script put their text there for crawlers.
    ``open_hidden`` treats hidden elements (``display: none``, ``aria-hidden``) as collapsed ones,
    whose blocks the model decides: for a page whose script shows the article only once it runs.
    ``visible`` is the root's visible text where the caller has it (:func:`cleaner.segment.parse.parse_page`).
    """
    builder = _Builder()
    marked: list[etree._Element] = []
    skip = _SKIP_READING_NOSCRIPT if noscript else _SKIP
    total_chars = _visible_chars(root) if visible is None else len(collapse(visible))
    _walk(root, ruleset, total_chars, marked, builder, skip, open_hidden)
    builder.flush()
    shown_prose = {e for e in builder.holding_prose if not _attributes(e)[1]}  # hidden text stays unseen
    return Segmented(
        builder.blocks,
        [e for e in marked if e not in shown_prose],
        [e for e in marked if e in shown_prose],
        builder.boxes,
        builder.box_tags,
    )


_CLOSE = "close"


def _walk(
    body: etree._Element,
    ruleset: RuleSet,
    total_chars: int,
    marked: list[etree._Element],
    builder: _Builder,
    skip: frozenset[str],
    open_hidden: bool = False,
) -> None:
    """Give ``builder`` every text and block boundary; an element's tail is text in its parent's context.

    The builder is called here, not fed events through a generator: a page has tens of thousands of them.
    """
    add, flush, marks = builder.add, builder.flush, builder.marks
    boxes, box_tags = builder.boxes, builder.box_tags
    stack: list[tuple] = [("open", body, _Context(), "p", "", (), 0)]
    while stack:
        item = stack.pop()
        if item[0] is _CLOSE:
            _, tag, tail, parent = item
            if tag in _BLOCK:
                flush()
            elif tag in _INLINE:
                marks.append((len(builder.pieces), tag, False, None))
            if tail:
                add(tail, *parent)
            continue
        _, element, parent_context, parent_kind, parent_path, parent_frame, parent_box = item
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag or tag in skip:
            if element.tail:
                add(element.tail, parent_context, parent_kind, parent_path, parent_frame, parent_box)
            continue
        context = _mark(element, tag, parent_context, ruleset, total_chars, marked, open_hidden, builder.blocks)
        kind = _KIND.get(tag, "p" if tag in _BLOCK else parent_kind)
        path = f"{parent_path}/{tag}"
        frame, box = parent_frame, parent_box
        if tag in _BLOCK:
            flush()
            box = len(boxes)
            boxes.append(parent_box)
            box_tags.append(tag)
            if tag in _FRAMED:  # (tag, serial, column); a row's column is that of its first cell
                builder.serial += 1
                frame = (*parent_frame, (tag, builder.serial, builder.cells))
                if tag == "td" or tag == "th":
                    builder.cells += _span(element)
        elif tag in _INLINE:
            marks.append((len(builder.pieces), tag, True, element.get("href") if tag == "a" else None))
        if tag == "br":
            add("\n", context, kind, path, frame, box)
        add(element.text, context, kind, path, frame, box)
        stack.append((_CLOSE, tag, element.tail, (parent_context, parent_kind, parent_path, parent_frame, parent_box)))
        stack.extend([("open", child, context, kind, path, frame, box) for child in reversed(element)])


def _span(cell: etree._Element) -> int:
    """The columns a table cell spans."""
    span = cell.get("colspan")
    return int(span) if span and span.isdigit() and 0 < int(span) < 100 else 1


def _mark(
    element: etree._Element,
    tag: str,
    parent: _Context,
    ruleset: RuleSet,
    total_chars: int,
    marked: list[etree._Element],
    open_hidden: bool = False,
    before: list[Block] | None = None,
) -> _Context:
    link = parent.in_link or tag == "a"
    # most elements carry no attribute at all: no lookups for them
    attributes, hidden, collapsed = _attributes(element) if element.keys() else ("", False, False)
    if hidden and open_hidden:
        hidden, collapsed = False, True
    attrs = _attr_tokens(attributes, parent.attrs)
    role = (element.get("role") or "").lower() if attributes else ""
    reason, rule_id = ("hidden", "dom.hidden") if hidden else _never_content(tag, attributes, role, ruleset)
    # a marker or a collapse on a page-wide element (<body hidden> until a script shows the page, a
    # class on the article's wrapper) is no banner and no panel; sized at most once per element
    own_collapse = collapsed and not parent.collapsed
    page_wide = tag in _NEVER_MARKED or (
        (own_collapse or bool(reason and not parent.reason))
        and _too_big(element, total_chars)
        and not _article_before(before or ())
    )
    collapsed = parent.collapsed or (own_collapse and not page_wide)
    if parent.reason:
        # already pruned with an ancestor; a more specific marker inside (a recent-posts widget
        # in a sidebar) only sharpens the reason
        return _Context(reason or parent.reason, rule_id or parent.rule, link, attrs, collapsed, parent.marker)
    if reason and not page_wide:
        marked.append(element)
        return _Context(reason, rule_id, link, attrs, collapsed, element)
    if link == parent.in_link and attrs is parent.attrs and collapsed == parent.collapsed:
        return parent
    return _Context(None, None, link, attrs, collapsed)


_ARTICLE_WORDS = 12  # one paragraph of prose


def _article_before(blocks: list[Block]) -> bool:
    """An article's prose came before: a large marked element after it (a long comment thread under a
    post) is a section of its own, not a page-wide wrapper around the article."""
    words = 0
    for block in blocks:
        if block.dom_reason is None and not block.collapsed and is_prose(block):
            words += block.words
            if words >= _ARTICLE_WORDS:
                return True
    return False


def _attributes(element: etree._Element) -> tuple[str, bool, bool]:
    """The class, id, role and aria-label that the rules read, lower-cased; whether the element is hidden;
    whether it is only collapsed.

    Hidden is never content; a collapsed element's blocks stay open, marked ``collapsed``, and the
    model decides them (:func:`cleaner.segment.visibility.visibility`).
    """
    get = element.get
    identifier = get("id")
    if identifier and _HEADING_ANCHOR.match(identifier):
        identifier = None  # "sharing-with-a-single-developer" names a section, not a share bar
    attributes = " ".join([value for value in (get("class"), identifier, get("role"), get("aria-label")) if value])
    return (attributes.lower(), *visibility(get))


def _attr_tokens(attributes: str, inherited: tuple[str, ...]) -> tuple[str, ...]:
    if not attributes:
        return inherited
    tokens = _tokens(attributes)
    return (inherited + tokens)[-_MAX_ATTRS:] if tokens else inherited


@lru_cache(maxsize=4096)
def _tokens(attributes: str) -> tuple[str, ...]:
    """Class and id tokens; remembered, since a page repeats its class lists."""
    return tuple([t for t in _ATTR_SPLIT.split(attributes) if len(t) > 1 and not t.isdigit()])


def _never_content(tag: str, attributes: str, role: str, ruleset: RuleSet) -> tuple[str | None, str | None]:
    rule = ruleset.match_element(tag, attributes, role)
    return (rule.cls, rule.id) if rule else (None, None)


def _too_big(element: etree._Element, total_chars: int) -> bool:
    """A marker on an element holding most of the page is a page-wide class, not a banner."""
    if total_chars < 500:
        return False
    if 2 * _text_chars(element) - 1 <= total_chars * 0.5:
        return False  # even all its text could not be: no visible-text walk (its XPath looks up every ancestor)
    return _visible_chars(element) > total_chars * 0.5


def _text_chars(element: etree._Element) -> int:
    """Non-space characters of all the text under ``element``, hidden text included. Its collapsed visible
    text holds at most these, one space after each but the last: at most ``2 * _text_chars - 1`` characters."""
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return len("".join(text.split()))


def _visible_chars(element: etree._Element) -> int:
    return len(collapse(visible_text(element)))
