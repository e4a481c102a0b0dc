"""The explain report as HTML: a page for a browser, and the short view a notebook shows.

The report leads with what a reader opens it for: a summary (title, metadata, what was kept and
removed, the reasons), then the clean text, then the page block by block. There, each run of removed
blocks is one ``<details>`` element that says its reason and size and opens onto its struck-through
blocks, so a menu of a hundred links is one line and the article is not buried under it.

The reasons in the summary are checkboxes that hide their runs. The filter is CSS (``:has``), not a
script: the page runs no code, and with no support for ``:has`` it still reads in full. Every piece
of text from the document is escaped; a reason reaches the CSS only as its row's number.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cleaner.output.explain_parts import (
    UNKNOWN,
    Run,
    counts,
    facts,
    headings,
    label,
    paragraphs,
    plural,
    reason_counts,
    runs,
    score,
    shorten,
    visible,
)

if TYPE_CHECKING:  # records show themselves with explain (CleanDocument._repr_html_): no import back
    from cleaner.records import CleanDocument, Decision

NOTEBOOK_PARAGRAPHS = 4  # the notebook view shows the clean text up to this many paragraphs ...
NOTEBOOK_CHARS = 1_500  # ... or about this many characters, whichever comes first
NOTEBOOK_FACT_CHARS = 300  # and shortens the title and a metadata value (a hostile page's title can be any length)
WIDE_FACT_CHARS = 40  # a longer metadata value takes the whole width of the summary
PREVIEW_CHARS = 160  # a collapsed run shows about this much of its text on its one line

# Every selector sits under .cleaner-report, so the report also renders inside a notebook cell
# without restyling the notebook around it.
_CSS = """
.cleaner-report { font: 15px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  background: #fff; max-width: 54rem; margin: 0 auto; padding: 1.5rem; text-align: left; }
.cleaner-report * { box-sizing: border-box; }
.cleaner-report .overview { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 10px;
  padding: .9rem 1.25rem 1rem; }
.cleaner-report .kicker { margin: 0; font-size: .7rem; font-weight: 600; letter-spacing: .08em;
  text-transform: uppercase; color: #59636e; }
.cleaner-report h1 { font-size: 1.4rem; line-height: 1.3; margin: .1rem 0 .6rem; overflow-wrap: anywhere; }
.cleaner-report dl.meta { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr);
  gap: .05rem .75rem; margin: 0 0 .75rem; font-size: .84rem; }
.cleaner-report dl.meta dt { color: #59636e; }
.cleaner-report dl.meta dt[data-wide] { grid-column: 1; }
.cleaner-report dl.meta dd[data-wide] { grid-column: 2 / -1; }
.cleaner-report dl.meta dd { margin: 0; overflow-wrap: anywhere; unicode-bidi: isolate; }
.cleaner-report dl.meta .error { color: #b42318; font-weight: 600; }
.cleaner-report .counts { margin: 0 0 .3rem; font-size: .88rem; }
.cleaner-report .bar { display: flex; height: 6px; border-radius: 3px; overflow: hidden; margin: 0 0 .85rem;
  background: #eaeef2; }
.cleaner-report .bar-kept { background: #2da44e; }
.cleaner-report .bar-removed { background: #f0a8a3; }
.cleaner-report .summary-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem 1rem;
  justify-content: space-between; }
.cleaner-report .summary-head h2 { font-size: .9rem; margin: 0; padding: 0; border: 0; }
.cleaner-report .hint { font-size: .78rem; color: #59636e; margin: 0; }
.cleaner-report table.summary { border-collapse: collapse; font-size: .84rem; width: 100%; margin-top: .2rem; }
.cleaner-report table.summary th { font-size: .72rem; font-weight: 600; color: #59636e; letter-spacing: .04em;
  text-transform: uppercase; }
.cleaner-report table.summary th, .cleaner-report table.summary td { border-bottom: 1px solid #d8dee4;
  padding: .18rem 0 .18rem .9rem; text-align: left; }
.cleaner-report table.summary :is(th, td):first-child { padding-left: 0; width: 100%; }
.cleaner-report table.summary .num { text-align: right; font-variant-numeric: tabular-nums; }
.cleaner-report table.summary tfoot td { font-weight: 600; border-bottom: none; }
.cleaner-report label.filter { display: inline-flex; align-items: center; gap: .45rem; cursor: pointer; }
.cleaner-report label.filter input { margin: 0; accent-color: #59636e; }
.cleaner-report tr:has(input:not(:checked)) td { color: #8c959f; }
.cleaner-report tr:has(input:not(:checked)) .name { text-decoration: line-through; }
.cleaner-report h2 { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .75rem; font-size: 1.05rem;
  margin: 1.6rem 0 .8rem; padding-bottom: .3rem; border-bottom: 1px solid #d0d7de; }
.cleaner-report h2 .sub { font-size: .8rem; font-weight: 400; color: #59636e; }
.cleaner-report .para { margin: 0 0 .9rem; white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
.cleaner-report h3.para { font-size: 1.12rem; line-height: 1.35; margin: 1.1rem 0 .5rem; }
.cleaner-report .more, .cleaner-report .empty { color: #59636e; font-style: italic; }
.cleaner-report .howto { font-size: .84rem; color: #59636e; border-top: 1px solid #d8dee4; padding-top: .6rem; }
.cleaner-report code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff2f5;
  padding: .05rem .3rem; border-radius: 4px; }
.cleaner-report .block { margin: 0 0 .8rem; white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; }
.cleaner-report .block.kept { border-left: 3px solid #2da44e; padding-left: .75rem; }
.cleaner-report details.run { margin: 0 0 .8rem; border: 1px solid #d8dee4; border-left: 3px solid #f0a8a3;
  border-radius: 6px; background: #fafbfc; }
.cleaner-report details.run > summary { display: flex; align-items: baseline; gap: .6rem; padding: .3rem .7rem;
  cursor: pointer; list-style: none; font-size: .84rem; color: #59636e; }
.cleaner-report details.run > summary::-webkit-details-marker { display: none; }
.cleaner-report details.run > summary::before { content: "\\25B8"; color: #8c959f; }
.cleaner-report details.run[open] > summary::before { content: "\\25BE"; }
.cleaner-report details.run[open] > summary { border-bottom: 1px solid #d8dee4; margin-bottom: .3rem; }
.cleaner-report details.run[open] { padding-bottom: .3rem; }
.cleaner-report details.run[open] .preview { visibility: hidden; }
.cleaner-report .headline { white-space: nowrap; }
.cleaner-report .preview { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
  color: #8c959f; }
.cleaner-report .run .block.removed { display: flex; align-items: baseline; gap: .75rem; margin: .35rem .75rem; }
.cleaner-report .run .block.removed .text { flex: 1; min-width: 0; margin: 0; }
.cleaner-report .run .block.removed .label { order: 2; flex: none; max-width: 45%; color: #59636e;
  background: #fff; border-color: #d8dee4; }
.cleaner-report .block.removed .text { display: block; text-decoration: line-through; color: #8c959f;
  margin: .15rem 0 0; }
.cleaner-report .label, .cleaner-report .reason { display: inline-block;
  font: .75rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; color: #7d4e00; background: #fff4d4;
  border: 1px solid #e9c46a; border-radius: 4px; padding: 0 .4rem; white-space: normal; }
@media (max-width: 44rem) {
  .cleaner-report dl.meta { grid-template-columns: max-content minmax(0, 1fr); }
}
"""


def _esc(value: object) -> str:
    return html.escape(visible(str(value)), quote=True)


@dataclass(frozen=True)
class Report:
    """The full report of a document, for a notebook: the last expression of a cell shows every block."""

    doc: CleanDocument

    def _repr_html_(self) -> str:
        return report_fragment(self.doc)


def report(doc: CleanDocument) -> Report:
    """The full report, for display in a notebook (``CleanDocument`` itself shows the short view)."""
    return Report(doc)


def render_html(doc: CleanDocument) -> str:
    """One self-contained HTML page that explains ``doc``; all text from the document is escaped."""
    title = doc.title or (doc.provenance.source if doc.provenance else None) or "untitled document"
    head = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>cleaner explain: {_esc(title)}</title>",
        "</head><body>",
    ]
    return "\n".join([*head, report_fragment(doc), "</body></html>"]) + "\n"


def report_fragment(doc: CleanDocument) -> str:
    """The full report as a fragment (its style, then one element): the page's body, or a notebook cell."""
    rows = reason_counts(doc)
    order = {row.reason: number for number, row in enumerate(rows)}
    parts = [
        f"<style>{_CSS}{_filter_css(len(rows))}</style>",
        '<div class="cleaner-report">',
        _overview(doc, filters=True),
        _clean_text(doc, limit=None),
        '<main class="blocks">',
        '<h2>Page, block by block <span class="sub">each run of removed blocks is folded under its reason:'
        " open it to see the blocks</span></h2>",
    ]
    for run in runs(doc):
        if run.keep:
            parts.extend(_html_block(decision) for decision in run.decisions)
        else:
            parts.append(_html_run(run, order[run.reason]))
    if not doc.decisions:
        parts.append('<p class="empty">the document has no blocks</p>')
    parts.append("</main></div>")
    return "\n".join(parts)


def notebook_html(doc: CleanDocument) -> str:
    """What a notebook shows for ``doc``: the summary and the start of the clean text, a few kB for any page."""
    return "\n".join(
        [
            f"<style>{_CSS}</style>",
            '<div class="cleaner-report notebook">',
            _overview(doc, filters=False),
            _clean_text(doc, limit=NOTEBOOK_CHARS),
            '<p class="howto">Every block of the page, with the removed ones: '
            "<code>cleaner.output.explain.report(doc)</code> shows the full report here, "
            "<code>cleaner.output.explain.render_html(doc)</code> returns it as a page, and "
            "<code>cleaner explain INPUT --html report.html</code> writes it.</p>",
            "</div>",
        ]
    )


def _filter_css(reasons: int) -> str:
    """One rule per reason: its runs are hidden while its checkbox is cleared. Numbers only, never a name."""
    return "".join(
        f'.cleaner-report:has(input[data-r="{n}"]:not(:checked)) .run[data-r="{n}"] {{ display: none; }}\n'
        for n in range(reasons)
    )


def _overview(doc: CleanDocument, *, filters: bool) -> str:
    """The summary; without ``filters`` (the notebook view) it is short: long values are cut, no checkboxes."""
    limit = None if filters else NOTEBOOK_FACT_CHARS
    parts = [
        '<header class="overview">',
        '<p class="kicker">cleaner explain</p>',
        f"<h1>{_esc(shorten(doc.title or '(no title)', limit))}</h1>",
        '<dl class="meta">',
    ]
    for name, value in facts(doc):
        css = ' class="error"' if name == "error" else ""
        wide = " data-wide" if len(value) > WIDE_FACT_CHARS else ""  # a long URL gets a row of its own
        parts.append(f"<dt{wide}>{_esc(name)}</dt><dd{css}{wide}>{_esc(shorten(value, limit))}</dd>")
    parts.append("</dl>")
    total = counts(doc)
    parts.append(f'<p class="counts">{_esc(total.line())}</p>')
    words = total.kept_words + total.removed_words
    if words:
        kept = 100 * total.kept_words / words
        parts.append(
            f'<div class="bar" title="{kept:.0f}% of the words kept"><span class="bar-kept" style="width: {kept:.1f}%">'
            f'</span><span class="bar-removed" style="width: {100 - kept:.1f}%"></span></div>'
        )
    parts.append(_summary_table(doc, filters=filters))
    parts.append("</header>")
    return "\n".join(parts)


def _summary_table(doc: CleanDocument, *, filters: bool) -> str:
    rows = reason_counts(doc)
    hint = "untick a reason to hide its blocks in the page below" if filters and rows else ""
    lines = [
        '<section class="summary">',
        f'<div class="summary-head"><h2>Removed, by reason</h2><p class="hint">{hint}</p></div>',
        '<table class="summary">',
        '<thead><tr><th>reason</th><th class="num">blocks</th><th class="num">words</th>'
        '<th class="num">characters</th></tr></thead>',
        "<tbody>",
    ]
    for number, row in enumerate(rows):
        name = f'<span class="name">{_esc(row.reason)}</span>'
        if filters:
            name = f'<label class="filter"><input type="checkbox" checked data-r="{number}">{name}</label>'
        lines.append(
            f'<tr data-reason="{_esc(row.reason)}"><td>{name}</td><td class="num">{row.blocks}</td>'
            f'<td class="num">{row.words}</td><td class="num">{row.characters}</td></tr>'
        )
    if not rows:
        lines.append('<tr><td colspan="4">nothing was removed</td></tr>')
    lines.append("</tbody>")
    lines.append(
        f'<tfoot><tr><td>total removed</td><td class="num">{sum(r.blocks for r in rows)}</td>'
        f'<td class="num">{sum(r.words for r in rows)}</td><td class="num">{sum(r.characters for r in rows)}</td>'
        "</tr></tfoot>"
    )
    lines.append("</table></section>")
    return "\n".join(lines)


def _clean_text(doc: CleanDocument, *, limit: int | None) -> str:
    """The clean text as the record has it, a heading where a kept heading is; with ``limit``, its start."""
    shown, more = _first_paragraphs(paragraphs(doc), limit)
    total = counts(doc)
    sub = f"{plural(total.kept_blocks, 'block')} kept, {plural(total.kept_words, 'word')}"
    parts = ['<section class="clean-text">', f'<h2>Clean text <span class="sub">{_esc(sub)}</span></h2>']
    titles = headings(doc)
    for paragraph in shown:
        tag = "h3" if paragraph in titles else "p"
        parts.append(f'<{tag} class="para">{_esc(paragraph)}</{tag}>')
    if not shown:
        parts.append('<p class="empty">nothing was kept</p>')
    if more:
        words = sum(len(p.split()) for p in more)
        parts.append(f'<p class="more">… {plural(len(more), "more paragraph")} ({plural(words, "word")})</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _first_paragraphs(found: Sequence[str], limit: int | None) -> tuple[list[str], list[str]]:
    """The paragraphs to show within ``limit`` characters (the last one shortened), and those left out."""
    if limit is None:
        return list(found), []
    shown: list[str] = []
    used = 0
    for number, paragraph in enumerate(found):
        if len(shown) == NOTEBOOK_PARAGRAPHS or used >= limit:
            return shown, list(found[number:])
        shown.append(shorten(paragraph, max(limit - used, 80)))
        used += len(paragraph)
    return shown, []


def _html_run(run: Run, number: int) -> str:
    """A run of removed blocks: one line (reason, size, the start of its text) that opens onto the blocks."""
    preview = shorten(" · ".join(d.block.text for d in run.decisions[:12]), PREVIEW_CHARS)
    size = run.headline().removeprefix(str(run.reason))
    parts = [
        f'<details class="run" data-reason="{_esc(run.reason)}" data-r="{number}" data-blocks="{len(run.decisions)}"'
        f' data-words="{run.words}" data-first="{run.first}" data-last="{run.last}">',
        f'<summary><span class="headline"><span class="reason">{_esc(run.reason)}</span>{_esc(size)}</span>'
        f' <span class="preview">{_esc(preview)}</span></summary>',
    ]
    parts.extend(_html_block(decision) for decision in run.decisions)
    parts.append("</details>")
    return "\n".join(parts)


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
    reason = decision.reason or UNKNOWN
    rule = f' data-rule="{_esc(decision.rule)}"' if decision.rule else ""
    return (
        f'<div class="block removed" data-reason="{_esc(reason)}"{rule} {common}>'
        f'<span class="label">{_esc(label(decision))}</span>'
        f'<del class="text">{_esc(block.text)}</del></div>'
    )
