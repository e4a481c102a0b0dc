"""Explain a cleaned document: every block, whether it was kept, and why.

Two views of ``CleanDocument.decisions``:

- :func:`print_explanation` writes it to a terminal with rich: colored on a terminal, plain text
  when the output is piped or redirected.
- :func:`render_html` gives one self-contained HTML page (inline CSS, no scripts, no external
  resources): the metadata, every block in order with the removed ones struck through and
  labelled with their reason and rule, and a table of the reasons.

There is no learned model yet, so a decision is explained by its reason and rule id. Both views
show a score only where a decision carries one (``decision.score``, not a field yet).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # records show themselves with this module (CleanDocument._repr_html_): no import back
    from cleaner.records import CleanDocument, Decision

KEPT = "kept"
REMOVED = "removed"
TERMINAL_MAX_CHARS = 200  # a block's text is shortened to this in the terminal; the HTML report has it all

# C0/C1 control characters (a terminal would obey ESC sequences from the page) and bidi overrides
# (they reorder what follows them); shown as \xNN / \uNNNN instead. Newlines and tabs are kept.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReasonCount:
    """One row of the summary: how many blocks a reason removed, and how many characters they held."""

    reason: str
    blocks: int
    characters: int


def visible(text: str) -> str:
    """``text`` with control characters and bidi overrides written out as escapes."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def score(decision: Decision) -> float | None:
    """The model's score of a decision; None until there is a model (rules give no score)."""
    return getattr(decision, "score", None)


def label(decision: Decision) -> str:
    """Why a block was removed: ``reason · rule`` (and the score, once there is one); ``""`` when kept."""
    if decision.keep:
        parts = []
    else:
        parts = [decision.reason or "unknown"]
        if decision.rule:
            parts.append(decision.rule)
    value = score(decision)
    if value is not None:
        parts.append(f"score {value:.2f}")
    return " · ".join(parts)


def reason_counts(doc: CleanDocument) -> list[ReasonCount]:
    """The removed blocks grouped by reason: most blocks first, then by name."""
    blocks: dict[str, int] = {}
    characters: dict[str, int] = {}
    for decision in doc.decisions:
        if not decision.keep:
            reason = decision.reason or "unknown"
            blocks[reason] = blocks.get(reason, 0) + 1
            characters[reason] = characters.get(reason, 0) + len(decision.block.text)
    ordered = sorted(blocks, key=lambda reason: (-blocks[reason], reason))
    return [ReasonCount(reason, blocks[reason], characters[reason]) for reason in ordered]


def _metadata(doc: CleanDocument) -> list[tuple[str, str]]:
    """The document's metadata and provenance that a reader needs, as (name, value) pairs."""
    prov = doc.provenance
    facts = [
        ("source", prov.source if prov else None),
        ("url", doc.url),
        ("author", doc.author),
        ("date", doc.date),
        ("site", doc.sitename),
        ("language", doc.language),
        ("categories", ", ".join(doc.categories) or None),
        ("input", ", ".join(x for x in (prov.input_kind, prov.encoding) if x) if prov else None),
        ("ruleset", prov.ruleset_version if prov else None),
        ("model", prov.model_version if prov else None),
        ("error", doc.error),
    ]
    return [(name, value) for name, value in facts if value]


def _counts_line(doc: CleanDocument) -> str:
    kept = sum(1 for d in doc.decisions if d.keep)
    return f"{len(doc.decisions)} blocks: {kept} kept, {len(doc.decisions) - kept} removed"


# ---------------------------------------------------------------- terminal


def explanation(doc: CleanDocument, *, max_chars: int | None = TERMINAL_MAX_CHARS) -> Group:
    """The terminal view as a rich renderable: metadata, every block with its decision, the reasons."""
    parts: list = [_Indented(Text(visible(doc.title or "(no title)"), style="bold"), 0)]
    for name, value in _metadata(doc):
        fact = Text.assemble((f"{name}: ", "dim"), (visible(value), "bold red" if name == "error" else ""))
        parts.append(_Indented(fact, 0))
    parts.append(Text(_counts_line(doc)))
    for decision in doc.decisions:
        parts.append(Text(""))
        parts.append(_block_header(decision))
        text = _shorten(visible(decision.block.text), max_chars)
        parts.append(_Indented(Text(text, style="" if decision.keep else "dim strike"), 6))
    parts.append(Text(""))
    parts.append(_summary_table(doc))
    return Group(*parts)


def _shorten(text: str, max_chars: int | None) -> str:
    """``text`` cut at a word boundary near ``max_chars``, saying how much was left out."""
    if max_chars is None or len(text) <= max_chars + 40:
        return text
    cut = text.rfind(" ", 0, max_chars + 1)
    cut = cut if cut > max_chars // 2 else max_chars
    return f"{text[:cut].rstrip()} … [+{len(text) - cut} chars]"


class _Indented:
    """Text wrapped to the console's width after an indent, with no trailing spaces (unlike Padding)."""

    def __init__(self, text: Text, indent: int) -> None:
        self.text, self.indent = text, indent

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(options.max_width - self.indent, 10)
        for line in self.text.wrap(console, width):
            line.rstrip()
            yield from Text.assemble(" " * self.indent, line).render(console)  # keeps the line's style
            yield Segment.line()


def _block_header(decision: Decision) -> Text:
    header = Text(f"{decision.block.index:>4} ")
    if decision.keep:
        header.append(KEPT, style="bold green")
    else:
        header.append(REMOVED, style="bold red")
    why = label(decision)
    if why:
        header.append("  ")
        header.append(visible(why), style="yellow" if not decision.keep else "cyan")
    return header


def _summary_table(doc: CleanDocument) -> Table:
    table = Table(title="Removed, by reason", title_justify="left", show_footer=True, box=None, pad_edge=False)
    rows = reason_counts(doc)
    table.add_column("reason", footer="total removed")
    table.add_column("blocks", justify="right", footer=str(sum(r.blocks for r in rows)))
    table.add_column("characters", justify="right", footer=str(sum(r.characters for r in rows)))
    for row in rows:
        table.add_row(row.reason, str(row.blocks), str(row.characters))
    return table


def print_explanation(
    doc: CleanDocument, console: Console | None = None, *, max_chars: int | None = TERMINAL_MAX_CHARS
) -> None:
    """Print the explanation; a default Console colors a terminal and writes plain text to a pipe."""
    console = console or Console(highlight=False)
    console.print(explanation(doc, max_chars=max_chars), highlight=False, markup=False, emoji=False)


def render_text(doc: CleanDocument, *, width: int = 100, max_chars: int | None = TERMINAL_MAX_CHARS) -> str:
    """The terminal explanation as plain text (no ANSI codes)."""
    buffer = StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False)
    print_explanation(doc, console, max_chars=max_chars)
    return buffer.getvalue()


# ---------------------------------------------------------------- HTML

# Every selector sits under .cleaner-report, so the page also renders inside a notebook cell
# (_repr_html_) without restyling the notebook around it.
_CSS = """
.cleaner-report { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  background: #fff; max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
.cleaner-report h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 .75rem; }
.cleaner-report h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
.cleaner-report dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem;
  margin: 0 0 1rem; font-size: .9rem; }
.cleaner-report dl.meta dt { color: #59636e; }
.cleaner-report dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.cleaner-report dl.meta .error { color: #b42318; font-weight: 600; }
.cleaner-report .counts { font-size: .9rem; color: #59636e; margin: 0 0 1.5rem; }
.cleaner-report .block { margin: 0 0 1rem; white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
.cleaner-report .block.removed { border-left: 3px solid #d0d7de; padding-left: .75rem; }
.cleaner-report .block.removed .text { display: block; text-decoration: line-through; color: #8c959f;
  margin: .2rem 0 0; }
.cleaner-report .label { display: inline-block; font: .75rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace;
  color: #7d4e00; background: #fff4d4; border: 1px solid #e9c46a; border-radius: 4px; padding: 0 .4rem;
  white-space: normal; }
.cleaner-report table.summary { border-collapse: collapse; font-size: .9rem; }
.cleaner-report table.summary th, .cleaner-report table.summary td { border-bottom: 1px solid #d0d7de;
  padding: .3rem .9rem .3rem 0; text-align: left; }
.cleaner-report table.summary .num { text-align: right; font-variant-numeric: tabular-nums; }
.cleaner-report table.summary tfoot td { font-weight: 600; border-bottom: none; }
"""


def _esc(value: object) -> str:
    return html.escape(visible(str(value)), quote=True)


def render_html(doc: CleanDocument) -> str:
    """One self-contained HTML page that explains ``doc``; all text from the document is escaped."""
    title = doc.title or (doc.provenance.source if doc.provenance else None) or "untitled document"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>cleaner explain: {_esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head><body>",
        '<div class="cleaner-report">',
        '<header class="document">',
        f"<h1>{_esc(doc.title or '(no title)')}</h1>",
        '<dl class="meta">',
    ]
    for name, value in _metadata(doc):
        css = ' class="error"' if name == "error" else ""
        parts.append(f"<dt>{_esc(name)}</dt><dd{css}>{_esc(value)}</dd>")
    parts.append("</dl>")
    parts.append(f'<p class="counts">{_esc(_counts_line(doc))}</p>')
    parts.append("</header>")
    parts.append('<main class="blocks">')
    parts.extend(_html_block(decision) for decision in doc.decisions)
    parts.append("</main>")
    parts.append(_html_summary(reason_counts(doc)))
    parts.append("</div></body></html>")
    return "\n".join(parts) + "\n"


def _html_block(decision: Decision) -> str:
    block = decision.block
    common = (
        f'data-index="{block.index}" data-kind="{_esc(block.kind)}" data-start="{block.start}" data-end="{block.end}"'
    )
    value = score(decision)
    if value is not None:
        common += f' data-score="{value:.4f}"'
    if decision.keep:
        return f'<p class="block kept" {common}>{_esc(block.text)}</p>'
    reason = decision.reason or "unknown"
    rule = f' data-rule="{_esc(decision.rule)}"' if decision.rule else ""
    return (
        f'<div class="block removed" data-reason="{_esc(reason)}"{rule} {common}>'
        f'<span class="label">{_esc(label(decision))}</span>'
        f'<del class="text">{_esc(block.text)}</del></div>'
    )


def _html_summary(rows: Sequence[ReasonCount]) -> str:
    lines = [
        '<section class="summary">',
        "<h2>Removed, by reason</h2>",
        '<table class="summary">',
        '<thead><tr><th>reason</th><th class="num">blocks</th><th class="num">characters</th></tr></thead>',
        "<tbody>",
    ]
    for row in rows:
        lines.append(
            f'<tr data-reason="{_esc(row.reason)}"><td>{_esc(row.reason)}</td>'
            f'<td class="num">{row.blocks}</td><td class="num">{row.characters}</td></tr>'
        )
    if not rows:
        lines.append('<tr><td colspan="3">nothing was removed</td></tr>')
    lines.append("</tbody>")
    lines.append(
        f'<tfoot><tr><td>total removed</td><td class="num">{sum(r.blocks for r in rows)}</td>'
        f'<td class="num">{sum(r.characters for r in rows)}</td></tr></tfoot>'
    )
    lines.append("</table></section>")
    return "\n".join(lines)
