"""Markdown inside a block: text escaped where Markdown would read it as markup, and inline marks.

A block's inline marks (``Block.inline``: its raw pieces and where each ``<em>``, ``<strong>``,
``<code>``, ``<a>``... opened and closed, noted during segmentation) stand in its raw text as
characters of a private use plane while the text is normalized as the block's text was, so that
each mark lands between the same words; where the result and the block's text disagree, the text
alone is written. :mod:`cleaner.output.markdown` puts the blocks together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin

from cleaner.records import Block
from cleaner.segment.normalize import normalize_line

# --- escaping -----------------------------------------------------------------------------------

_INLINE_SYNTAX = re.compile(
    r"\\(?=[!-/:-@\[-`{-~]|$)"  # a backslash that would escape what follows, or break the line
    r"|[`\[\]~]"  # code spans, links, strikethrough
    r"|(?<!\s)\*|\*(?!\s)"  # a "*" that could open or close emphasis (not one between spaces)
    r"|(?<![^\W_])_|_(?![^\W_])"  # a "_" that is not inside a word
    r"|<(?=[A-Za-z/!?])"  # an HTML tag or autolink
    r"|&(?=#?\w+;)"  # an entity
)
_LINE_SYNTAX = re.compile(
    r"#{1,6}(?=\s|$)"  # a heading
    r"|>"  # a quote
    r"|[-+](?=\s|$)"  # a list item ("*" is escaped already)
    r"|(?=\d{1,9}[.)](?:\s|$))"  # an ordered list item: "1\. "
    r"|[=-]+$"  # the underline of a heading, or a rule
)
_NUMBER_END = re.compile(r"^(\d{1,9})([.)])")


def escape(text: str) -> str:
    """``text`` (one line) with what Markdown would read as markup escaped; leading spaces stay."""
    return _escape_start(_INLINE_SYNTAX.sub(r"\\\g<0>", text))


def _escape_start(line: str) -> str:
    stripped = line.lstrip(" ")
    match = _LINE_SYNTAX.match(stripped)
    if match is None:
        return line
    indent = line[: len(line) - len(stripped)]
    if match.end() == 0:  # an ordered list item: escape the "." or ")"
        return indent + _NUMBER_END.sub(r"\1\\\2", stripped, count=1)
    return f"{indent}\\{stripped}"


def text_markdown(text: str) -> str:
    """Markdown of a text input's clean text: the same lines, indentation kept, each escaped."""
    return "\n".join(escape(line) for line in text.split("\n"))


# --- inline marks -------------------------------------------------------------------------------

_EMPHASIS = {"em": "*", "i": "*", "strong": "**", "b": "**", "s": "~~", "del": "~~", "strike": "~~"}
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_SENTINEL = 0xF0000  # marks stand in the text as characters of a private use plane while it is normalized
_SENTINELS = re.compile("[\U000f0000-\U000fffff]")
_OPEN_SPACE = re.compile("([\U000f0000-\U000f7fff]+) ")
_SPACE_CLOSE = re.compile(" ([\U000f8000-\U000fffff]+)")
_CLOSING = 0x8000
_MAX_MARKS = 4000  # a block with more marks than this (a page of links in one block) is its text alone
_SPACES = re.compile(" {2,}")


def _pairs(marks: Sequence[tuple], links: bool) -> dict[int, tuple[int, str, str | None]]:
    """Opening mark index -> (closing mark index, style, href) for the marks that pair up and are shown.

    A mark inside one of the same style (``<b>`` in ``<strong>``) and anything inside code is left out.
    """
    opened: list[int] = []
    pairs: dict[int, tuple[int, str, str | None]] = {}
    for i, (_, tag, opening, _href) in enumerate(marks):
        if opening:
            opened.append(i)
            continue
        for j in range(len(opened) - 1, -1, -1):
            if marks[opened[j]][1] == tag:
                start = opened.pop(j)
                style = "code" if tag in _CODE else ("a" if tag == "a" else _EMPHASIS[tag])
                if style != "a" or (links and _linkable(marks[start][3])):
                    pairs[start] = (i, style, marks[start][3])
                break
    shown: dict[int, tuple[int, str, str | None]] = {}
    spans: list[tuple[int, int, str]] = []
    for start in sorted(pairs):
        end, style, href = pairs[start]
        inside = [s for s in spans if s[0] < start and end < s[1]]
        if any(s[2] == "code" or s[2] == style for s in inside):
            continue
        spans.append((start, end, style))
        shown[start] = (end, style, href)
    return shown


def inline_lines(block: Block, links: bool, base_url: str | None) -> list[str]:
    """The block's lines in Markdown: escaped, with its emphasis, code and (``links``) links."""
    plain = block.text.split("\n")
    if block.inline is None or not block.inline[1]:
        return [escape(line) for line in plain]
    pieces, marks = block.inline
    if len(marks) > _MAX_MARKS:
        return [escape(line) for line in plain]
    pairs = {
        start: pair
        for start, pair in _pairs(marks, links).items()
        if "".join(pieces[marks[start][0] : marks[pair[0]][0]]).strip()  # marks around no text go
    }
    if not pairs:
        return [escape(line) for line in plain]
    tokens: dict[int, str] = {}  # sentinel -> its Markdown
    codes: set[str] = set()
    slots: dict[int, list[str]] = {}
    for start, (end, style, href) in pairs.items():
        opening, closing = chr(_SENTINEL + start), chr(_SENTINEL + _CLOSING + end)
        slots.setdefault(marks[start][0], []).append(opening)
        slots.setdefault(marks[end][0], []).insert(0, closing)
        if style == "code":
            codes.add(opening)
            tokens[opening] = tokens[closing] = "`"
        elif style == "a":
            tokens[opening], tokens[closing] = "[", f"]({_href(href, base_url)})"
        else:
            tokens[opening] = tokens[closing] = style
    raw = "".join("".join(slots.get(i, ())) + piece for i, piece in enumerate(pieces))
    raw += "".join(slots.get(len(pieces), ()))
    lines = _normalized(raw)
    if [_SENTINELS.sub("", line) for line in lines] != plain:
        return [escape(line) for line in plain]  # the marks and the text disagree: the text alone
    return [_render_line(line, tokens, codes) for line in lines]


def _normalized(raw: str) -> list[str]:
    """``raw``'s lines normalized as the block's text was, the marks kept where they stood and hugging the
    text they mark; marks on a line of no text close the line before or open the line after."""
    lines: list[str] = []
    carried = ""
    for line in raw.split("\n"):
        line, carried = carried + line, ""
        plain = normalize_line(_SENTINELS.sub("", line))
        if not plain:
            for mark in _SENTINELS.findall(line):
                if ord(mark) >= _SENTINEL + _CLOSING and lines:
                    lines[-1] += mark
                else:
                    carried += mark
            continue
        lines.append(_hugging(_aligned(normalize_line(line), plain)))
    if carried and lines:
        lines[-1] += carried
    return lines


def _aligned(line: str, plain: str) -> str:
    """``line`` without the spaces that ``plain`` (its text, normalized) lacks: those beside its marks."""
    out: list[str] = []
    j = 0
    for char in line:
        if j < len(plain) and char == plain[j]:
            out.append(char)
            j += 1
        elif char != " ":
            out.append(char)  # a mark (or a disagreement, which the caller notices)
    return "".join(out)


def _hugging(line: str) -> str:
    """Marks moved past the spaces beside them: "*<space>text" -> "<space>*text"; "text<space>*" -> "text*<space>"."""
    for _ in range(8):
        moved = _SPACE_CLOSE.sub(r"\1 ", _OPEN_SPACE.sub(r" \1", line))
        if moved == line:
            break
        line = moved
    return _SPACES.sub(" ", line).strip(" ")


def _render_line(line: str, tokens: dict[str, str], codes: set[str]) -> str:
    out: list[str] = []
    code: list[str] | None = None
    first = True
    for part in re.split("([\U000f0000-\U000fffff])", line):
        if not part:
            continue
        if part in tokens:
            if part in codes:
                code = []
            elif code is not None and tokens[part] == "`":
                out.append(_code_span("".join(code)))
                code = None
            elif code is None:
                out.append(tokens[part])
            first = False
            continue
        if code is not None:
            code.append(part)
        else:
            out.append(escape(part) if first else _INLINE_SYNTAX.sub(r"\\\g<0>", part))
            first = False
    if code is not None:
        out.append(_code_span("".join(code)))
    return "".join(out)


def _code_span(content: str) -> str:
    ticks = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    pad = " " if content.startswith("`") or content.endswith("`") else ""
    return f"{ticks}{pad}{content}{pad}{ticks}"


def _href(href: str | None, base_url: str | None) -> str:
    href = (href or "").strip()
    if base_url:
        href = urljoin(base_url, href)
    return href.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def _linkable(href: str | None) -> bool:
    href = (href or "").strip().lower()
    return bool(href) and not href.startswith(("#", "javascript:", "data:"))
