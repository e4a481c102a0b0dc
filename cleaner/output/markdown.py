"""Markdown of the kept blocks: headings, lists, tables, code, quotes and emphasis, as the page had them.

A pure function of the decisions. The structure comes from segmentation, which notes it while it
walks the page (:mod:`cleaner.segment.blocks`): each block's containers (``Block.frame``: lists,
items, tables, rows, cells, quotes, ``<pre>``) and, for the few blocks with emphasis, code or links
or inside ``<pre>``, its raw pieces and inline marks (``Block.inline``). Nothing walks the tree
again, and only kept blocks are rendered, so removed text never appears.

Text is escaped wherever Markdown would read it as markup (a paragraph that begins "1. ", a "*"
in prose, a "|" in a table cell; :mod:`cleaner.output.markdown_text`, with the inline marks).
Text input has no markup to keep: its Markdown is the clean text, line for line, escaped
(:func:`text_markdown`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cleaner.output.markdown_text import escape, inline_lines, text_markdown
from cleaner.records import Block, Decision

__all__ = ["escape", "render", "text_markdown", "unescape", "without", "without_title"]

# --- blocks -------------------------------------------------------------------------------------

_HEADING = re.compile(r"/h([1-6])(?=/|$)")
_LAYOUT_WORDS = 60  # a cell with more words than this is prose in a layout table, not data
_STRUCTURED = frozenset({"h", "li", "pre", "quote"})


def render(decisions: Sequence[Decision], *, links: bool = False, base_url: str | None = None) -> str:
    """Markdown of an HTML page's kept blocks, in document order.

    ``links`` writes links as ``[text](href)`` (relative ones joined to ``base_url``); without it
    link text is plain text.
    """
    kept = [d.block for d in decisions if d.keep]
    out = _Out(links, base_url)
    i = 0
    while i < len(kept):
        table = _outer(kept[i], "table")
        if table is None:
            out.block(kept[i])
            i += 1
            continue
        j = i
        while j < len(kept) and _outer(kept[j], "table") == table:
            j += 1
        if _data_table(kept[i:j]):
            out.table(kept[i:j])
        else:
            for block in kept[i:j]:
                out.block(block)
        i = j
    return out.text()


def _outer(block: Block, tag: str) -> int | None:
    for entry in block.frame:
        if entry[0] == tag:
            return entry[1]
    return None


def _outer_list(block: Block) -> int | None:
    for entry in block.frame:
        if entry[0] == "ul" or entry[0] == "ol":
            return entry[1]
    return None


def _last(block: Block, *tags: str) -> tuple | None:
    for entry in reversed(block.frame):
        if entry[0] in tags:
            return entry
    return None


def _data_table(blocks: Sequence[Block]) -> bool:
    """A table of data, not one that lays out the page: cells of short text in two columns or more."""
    columns = set()
    for block in blocks:
        if sum(1 for entry in block.frame if entry[0] == "table") > 1 or block.kind in _STRUCTURED:
            return False
        cell = _last(block, "td", "th")
        if cell is None:
            continue
        if block.words > _LAYOUT_WORDS:
            return False
        row = _last(block, "tr")
        columns.add(cell[2] - (row[2] if row else 0))
    return len(columns) >= 2


class _Out:
    """The Markdown being written: units (a paragraph, an item, a table) and what separates them."""

    def __init__(self, links: bool, base_url: str | None) -> None:
        self.links, self.base_url = links, base_url
        self.parts: list[str] = []
        self.previous: Block | None = None
        self.items: dict[int, int] = {}  # list item serial -> its marker's width
        self.numbers: dict[int, int] = {}  # list serial -> items begun in it

    def text(self) -> str:
        return "".join(self.parts)

    def _emit(self, lines: list[str], block: Block, tight: bool) -> None:
        if self.parts:
            if tight:
                self.parts.append("\n")
            else:
                depth = _shared_quotes(self.previous, block) if self.previous is not None else 0
                self.parts.append("\n" + " ".join([">"] * depth) + "\n")
        self.parts.append("\n".join(lines))
        self.previous = block

    def block(self, block: Block) -> None:
        first, rest, new_item = self._prefixes(block)
        if block.kind == "pre" or _outer(block, "pre") is not None:
            lines = _fenced(block)
        elif block.kind == "h":
            level = _HEADING.findall(block.tag_path)
            lines = ["#" * int(level[-1] if level else 2) + " " + " ".join(self._inline(block))]
        else:
            lines = self._inline(block)
        lines = [
            (first if i == 0 else rest) + line if line or i == 0 else rest.rstrip() for i, line in enumerate(lines)
        ]
        previous_list = _outer_list(self.previous) if self.previous is not None else None
        self._emit(lines, block, tight=new_item and previous_list is not None and previous_list == _outer_list(block))

    def _inline(self, block: Block) -> list[str]:
        return inline_lines(block, self.links, self.base_url)

    def _prefixes(self, block: Block) -> tuple[str, str, bool]:
        """The first line's prefix, the other lines' prefix, and whether the block begins a list item."""
        first: list[str] = []
        rest: list[str] = []
        kind = "ul"
        new_item = False
        for tag, serial, _ in block.frame:
            if tag == "ul" or tag == "ol":
                kind, parent = tag, serial
            elif tag == "blockquote":
                first.append("> ")
                rest.append("> ")
            elif tag == "li":
                if serial in self.items:
                    first.append(" " * self.items[serial])
                    rest.append(" " * self.items[serial])
                    continue
                if kind == "ol":
                    number = self.numbers[parent] = self.numbers.get(parent, 0) + 1
                    marker = f"{number}. "
                else:
                    marker = "- "
                self.items[serial] = len(marker)
                first.append(marker)
                rest.append(" " * len(marker))
                new_item = True
        return "".join(first), "".join(rest), new_item

    def table(self, blocks: Sequence[Block]) -> None:
        rows: dict[int | None, dict[int, list[str]]] = {}
        for block in blocks:
            cell = _last(block, "td", "th")
            if cell is None:  # a caption, or text between the rows
                self.block(block)
                continue
            row = _last(block, "tr")
            text = "<br>".join(self._inline(block)).replace("|", "\\|")
            rows.setdefault(row[1] if row else None, {}).setdefault(cell[2] - (row[2] if row else 0), []).append(text)
        width = max(max(cells) for cells in rows.values()) + 1
        lines = []
        for n, cells in enumerate(rows.values()):
            lines.append("| " + " | ".join("<br>".join(cells.get(c, ())) for c in range(width)) + " |")
            if n == 0:
                lines.append("|" + " --- |" * width)
        self._emit(lines, blocks[-1], tight=False)


def _fenced(block: Block) -> list[str]:
    """A ``<pre>`` block as fenced code: its text as the page had it, with the language its class names."""
    code = "".join(block.inline[0]) if block.inline is not None else block.text
    lines = code.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    lines = [line.rstrip() for line in lines]
    longest = max((len(run) for line in lines for run in re.findall("`{3,}", line)), default=2)
    fence = "`" * (longest + 1)
    attrs = block.attrs
    language = attrs[attrs.index("language") + 1] if "language" in attrs[:-1] else ""
    if not _LANGUAGE.fullmatch(language) or language in _NOT_LANGUAGES:
        language = ""  # "language-c" loses its one-letter name to the class tokens; "hljs" is a highlighter
    return [fence + language, *lines, fence]


_LANGUAGE = re.compile(r"[a-z][a-z0-9+#]{1,15}")
_NOT_LANGUAGES = frozenset({"hljs", "highlight", "code", "source", "sourcecode", "block", "wrap", "line", "numbers"})


def _shared_quotes(previous: Block, block: Block) -> int:
    """How many quotes the two blocks are both in: the blank line between them stays inside those."""
    depth = 0
    for a, b in zip(previous.frame, block.frame, strict=False):
        if a[:2] != b[:2]:
            break
        depth += a[0] == "blockquote"
    return depth


# --- after the decisions ------------------------------------------------------------------------

_PREFIX = re.compile(r"^[> ]*(?:#{1,6} |[-+] |\d{1,9}[.)] )?")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_HEADING_MARK = re.compile(r"#{1,6} ")


def without(markdown: str, texts: Sequence[str]) -> str:
    """``markdown`` without the lines of blocks removed after it was made (a batch's site-template blocks).

    A line goes where its text, list marker, heading marker and quote aside, is one of those blocks'
    lines, escaped. A block with emphasis or links in it is not recognised, and stays.
    """
    drop = {escape(line) for text in texts for line in text.split("\n")}
    if not drop:
        return markdown
    lines = [line for line in markdown.split("\n") if _PREFIX.sub("", line, count=1) not in drop]
    return re.sub(r"\n(?:>? *\n)+\n", "\n\n", "\n".join(lines)).strip("\n")


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def without_title(markdown: str, title: str) -> str:
    """``markdown`` without its first paragraph where that is one line, a heading or not, that says ``title``
    (a text's headline, or an HTML page's ``<h1>``, that a title heading above it would repeat)."""
    first, _, rest = markdown.partition("\n")
    if rest and not rest.startswith("\n"):
        return markdown  # the first paragraph goes on: it is more than the title
    said = unescape(_HEADING_MARK.sub("", first, count=1))
    return rest.lstrip("\n") if " ".join(said.split()).casefold() == " ".join(title.split()).casefold() else markdown
