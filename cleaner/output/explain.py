"""Explain a cleaned document: every block, whether it was kept, and why.

Three views of ``CleanDocument.decisions``, each in the same order, so the article is never buried
under a page's menus: a summary (metadata, kept and removed counts, the reasons), then the clean
text, then the page block by block, with each run of removed blocks under its reason.

- :func:`print_explanation` writes it to a terminal with rich: colored on a terminal, plain text
  when the output is piped or redirected.
- :func:`render_html` gives one self-contained HTML page (inline CSS, no scripts, no external
  resources) in which each run of removed blocks is a ``<details>`` element that opens onto its
  struck-through blocks, and the reasons in the summary filter them.
- :func:`notebook_html` is what a notebook shows for a document (``CleanDocument._repr_html_``): the
  summary and the start of the clean text only; :func:`report` shows the whole report there.

A decision is explained by its reason and rule id, and by its score where the model gave one.
"""

from __future__ import annotations

from io import StringIO
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from cleaner.output.explain_html import Report, notebook_html, render_html, report
from cleaner.output.explain_parts import (
    ReasonCount,
    Run,
    counts,
    facts,
    label,
    paragraphs,
    reason_counts,
    runs,
    score,
    shorten,
    visible,
)

if TYPE_CHECKING:  # records show themselves with this module (CleanDocument._repr_html_): no import back
    from cleaner.records import CleanDocument, Decision

__all__ = [
    "ReasonCount",
    "Report",
    "Run",
    "explanation",
    "label",
    "notebook_html",
    "print_explanation",
    "reason_counts",
    "render_html",
    "render_text",
    "report",
    "runs",
    "score",
    "visible",
]

KEPT = "kept"
REMOVED = "removed"
TERMINAL_MAX_CHARS = 200  # a block's text is shortened to this in the terminal; the HTML report has it all
CLEAN_TEXT = "Clean text"
BLOCKS = "Blocks, in page order"


def explanation(doc: CleanDocument, *, max_chars: int | None = TERMINAL_MAX_CHARS) -> Group:
    """The terminal view as a rich renderable: summary, clean text, then every block in runs."""
    parts: list = [_Indented(Text(visible(doc.title or "(no title)"), style="bold"), 0)]
    for name, value in facts(doc):
        fact = Text.assemble((f"{name}: ", "dim"), (visible(value), "bold red" if name == "error" else ""))
        parts.append(_Indented(fact, 0))
    parts.append(Text(counts(doc).line()))
    parts.append(Text(""))
    parts.append(_summary_table(doc))

    parts.append(Text(""))
    parts.append(Text(CLEAN_TEXT, style="bold underline"))
    for paragraph in paragraphs(doc) or ["(nothing was kept)"]:
        parts.append(Text(""))
        parts.append(_Indented(Text(visible(paragraph)), 2))

    parts.append(Text(""))
    parts.append(Text(BLOCKS, style="bold underline"))
    for run in runs(doc):
        parts.append(Text(""))
        if len(run.decisions) > 1:  # a run of removed blocks says what it is before its blocks, one after another
            parts.append(Text(visible(f"     {run.headline()}, blocks {run.first}-{run.last}"), style="bold yellow"))
        for decision in run.decisions:
            parts.append(_block_header(decision))
            text = shorten(visible(decision.block.text), max_chars)
            parts.append(_Indented(Text(text, style="" if decision.keep else "dim strike"), 6))
    return Group(*parts)


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
    table.add_column("words", justify="right", footer=str(sum(r.words for r in rows)))
    table.add_column("characters", justify="right", footer=str(sum(r.characters for r in rows)))
    for row in rows:
        table.add_row(visible(row.reason), str(row.blocks), str(row.words), str(row.characters))
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
