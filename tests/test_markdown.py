"""Markdown output: the page's structure from its kept blocks, text escaped wherever Markdown would read it."""

from __future__ import annotations

import io
import itertools
import json
import re

import pytest
from conftest import FIXTURES, run_cli

from cleaner import clean, schema
from cleaner.output.markdown import escape, text_markdown
from cleaner.output.write import Writer

PAGE = FIXTURES / "markdown" / "structured_article.html"
TEXT = FIXTURES / "markdown" / "plain_text.txt"


def _markdown(html: str, **options) -> str:
    return clean(html, mode="html", markdown=True, **options).markdown


def _page(body: str) -> str:
    """A page whose article is long enough to be kept, with ``body`` inside it."""
    prose = (
        "<p>The village hall reopened this spring after a year of repairs paid for by the residents, "
        "who raised the money with a summer fair, a sponsored walk and a great many cakes.</p>"
    )
    return f"<html><body><article><h1>The hall reopens</h1>{prose}{body}{prose}</article></body></html>"


def test_the_fixture_page_as_markdown():
    doc = clean(PAGE.read_bytes(), markdown=True)
    assert doc.markdown + "\n" == (FIXTURES / "markdown" / "structured_article.md").read_text(encoding="utf-8")


def test_removed_blocks_never_appear():
    doc = clean(PAGE.read_bytes(), markdown=True)
    assert doc.markdown.startswith("# Building a rain gauge from a bottle\n\nA rain gauge tells you")
    for boilerplate in ("cookies", "Weather", "About us", "You may also like", "compost", "rights reserved"):
        assert boilerplate not in doc.markdown
        assert any(boilerplate in span.text for span in doc.removed)


def test_structure_of_the_fixture_page():
    markdown = clean(PAGE.read_bytes(), markdown=True).markdown
    assert "\n## What you need\n" in markdown and "\n### Reading it\n" in markdown
    assert "- Pebbles or gravel for the base\n  - about two handfuls\n  - washed," in markdown
    assert "2. Put the pebbles in the bottom" in markdown
    assert "\n   1. Mark the water line as zero.\n   2. Mark every centimetre" in markdown
    assert "3. Turn the top upside down" in markdown
    assert "```\ndef weekly(readings):\n    # seven readings a week, in millimetres\n" in markdown  # verbatim
    assert "\n> The best gauge is the one you read every day" in markdown
    assert "| Which week of the month | How much the gauge held | Notes from the garden |\n| --- | --- | --- |\n" in (
        markdown
    )
    assert "| two light showers \\| one short storm on Friday night |" in markdown
    assert "often *very* different" in markdown and "a little **patience**," in markdown
    assert "Call `weekly(readings)` with" in markdown and "`rain_log.txt`" in markdown
    assert "1\\. This line starts with a number" in markdown and "a \\*starred word\\*" in markdown


def test_a_commonmark_parser_reads_the_structure_back():
    markdown_it = pytest.importorskip("markdown_it")
    tokens = (
        markdown_it.MarkdownIt("commonmark").enable("table").parse(clean(PAGE.read_bytes(), markdown=True).markdown)
    )
    headings = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == [
        ("h1", "Building a rain gauge from a bottle"),
        ("h2", "What you need"),
        ("h2", "Making the gauge"),
        ("h3", "Reading it"),
        ("h3", "A first month of readings"),
    ]
    depth, deepest = {"bullet_list": 0, "ordered_list": 0}, {"bullet_list": 0, "ordered_list": 0}
    for token in tokens:
        for kind in depth:
            depth[kind] += (token.type == f"{kind}_open") - (token.type == f"{kind}_close")
            deepest[kind] = max(deepest[kind], depth[kind])
    assert deepest == {"bullet_list": 2, "ordered_list": 2}
    assert [t.content for t in tokens if t.type == "fence"] == [
        "def weekly(readings):\n    # seven readings a week, in millimetres\n"
        "    return [sum(readings[i:i + 7]) for i in range(0, len(readings), 7)]\n"
    ]
    assert sum(t.type == "blockquote_open" for t in tokens) == 1
    assert sum(t.type == "th_open" for t in tokens) == 3 and sum(t.type == "td_open" for t in tokens) == 9
    cells = ["".join(c.content for c in t.children) for p, t in itertools.pairwise(tokens) if p.type == "td_open"]
    assert "two light showers | one short storm on Friday night" in cells
    inline = [child.type for t in tokens if t.type == "inline" for child in t.children]
    assert inline.count("em_open") == 2 and inline.count("strong_open") == 1 and inline.count("code_inline") == 2
    assert not any(t.type in ("ordered_list_open", "bullet_list_open") for t in tokens[-6:])  # "1\." is prose


def test_strikethrough_code_language_and_lines():
    body = (
        "<p>Ask about <s>evening</s> afternoon bookings, which the committee prefers for reasons of its own.</p>"
        '<pre><code class="language-python">total = sum(costs)  # in pounds</code></pre>'
        "<p>The poem on the noticeboard reads:<br>Old hall, new roof,<br>the rain stays out.</p>"
    )
    markdown = _markdown(_page(body))
    assert "Ask about ~~evening~~ afternoon bookings" in markdown
    assert "\n```python\ntotal = sum(costs)  # in pounds\n```\n" in markdown
    assert "\nThe poem on the noticeboard reads:\nOld hall, new roof,\nthe rain stays out." in markdown


def test_the_markdown_keeps_the_clean_text():
    """Markdown syntax aside, the Markdown says what the clean text says, in the same order."""
    doc = clean(PAGE.read_bytes(), markdown=True)
    assert re.findall(r"[^\W\d_]+", doc.markdown) == re.findall(r"[^\W\d_]+", doc.text)


def test_links_only_when_asked():
    page = PAGE.read_bytes()
    assert "](" not in clean(page, markdown=True).markdown
    linked = clean(page, markdown=True, markdown_links=True).markdown
    assert "the [history of rain gauges](https://example.org/history-of-gauges) is" in linked


def test_relative_links_are_joined_to_the_url_and_anchors_stay_text():
    body = '<p>See <a href="/guides/hall">the guide to the hall</a> or <a href="#top">the top of the page</a>.</p>'
    markdown = _markdown(_page(body), markdown_links=True, url="https://village.example/news/hall")
    assert "See [the guide to the hall](https://village.example/guides/hall) or the top of the page." in markdown


def test_the_record_carries_markdown_only_when_asked():
    page = PAGE.read_bytes()
    assert "markdown" not in clean(page).to_dict() and clean(page).markdown is None
    record = clean(page, markdown=True).to_dict()
    assert record["markdown"].startswith("# Building a rain gauge")
    assert tuple(record) == (*schema.FIELDS, *(name for name, _ in schema.ASKED))
    with pytest.raises(ValueError, match="markdown must be True or False"):
        clean(page, markdown="yes")


def test_a_layout_table_is_paragraphs_not_a_pipe_table():
    markdown = clean((FIXTURES / "html" / "16_legacy_table_layout.html").read_bytes(), markdown=True).markdown
    assert markdown.startswith("# The old mill at Stonebeck: a short history\n\nThe water mill at Stonebeck")
    assert "|" not in markdown and "on the **first Sunday of each month** from" in markdown


def test_a_table_without_th_takes_its_first_row_as_header_and_keeps_empty_cells():
    rows = "".join(
        f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>"
        for a, b, c in [
            ("Room in the hall", "Seats for the public", "Booked most often for"),
            ("The main hall upstairs", "", "weddings, dances and the parish council"),
            ("The small meeting room", "Twenty chairs around one table", "the knitting circle on Tuesdays"),
        ]
    )
    markdown = _markdown(_page(f"<table>{rows}</table>"))
    assert (
        "| Room in the hall | Seats for the public | Booked most often for |\n"
        "| --- | --- | --- |\n"
        "| The main hall upstairs |  | weddings, dances and the parish council |\n"
        "| The small meeting room | Twenty chairs around one table | the knitting circle on Tuesdays |"
    ) in markdown


def test_heading_levels_and_quotes_of_several_paragraphs():
    body = (
        "<h4>What the builders said about the roof</h4><blockquote><p>The old roof had no felt under the slates "
        "at all, so every storm blew water straight into the loft.</p><p>We replaced every slate and the "
        "timbers under the north side, which were soft right through.</p></blockquote>"
    )
    markdown = _markdown(_page(body))
    assert "\n#### What the builders said about the roof\n\n> The old roof had no felt" in markdown
    assert "into the loft.\n>\n> We replaced every slate" in markdown


def test_prose_that_looks_like_markup_is_escaped():
    body = (
        "<p>1. The first thing the committee did was to count the chairs, all 120 of them, twice.</p>"
        "<p># of volunteers: 40, and 2 * 20 hours *each* week, as the treasurer wrote in her_notes file.</p>"
        "<p>- A dash begins this paragraph, and [brackets] and `ticks` and &lt;b&gt; tags are text here.</p>"
    )
    markdown = _markdown(_page(body))
    assert "\n1\\. The first thing the committee did" in markdown
    assert "\n\\# of volunteers: 40, and 2 * 20 hours \\*each\\* week, as the treasurer wrote in her_notes" in markdown
    assert "\n\\- A dash begins this paragraph, and \\[brackets\\] and \\`ticks\\` and \\<b> tags" in markdown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("1. not a list", "1\\. not a list"),
        ("12) nor this", "12\\) nor this"),
        ("# not a heading", "\\# not a heading"),
        ("#hashtag stays", "#hashtag stays"),
        ("- not an item", "\\- not an item"),
        ("+ nor this", "\\+ nor this"),
        ("> not a quote", "\\> not a quote"),
        ("---", "\\---"),
        ("a *word* and 2 * 3", "a \\*word\\* and 2 * 3"),
        ("snake_case stays, _this_ does not", "snake_case stays, \\_this\\_ does not"),
        ("`code` [link](x) ~strike~", "\\`code\\` \\[link\\](x) \\~strike\\~"),
        ("<div> & &amp; a<b", "\\<div> & \\&amp; a\\<b"),
        ("C:\\Users and \\*", "C:\\Users and \\\\\\*"),
        ("  1. indented", "  1\\. indented"),
        ("plain prose, nothing to do.", "plain prose, nothing to do."),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_text_input_keeps_its_lines_escaped():
    doc = clean(TEXT.read_text(encoding="utf-8"), mode="text", markdown=True)
    assert doc.markdown + "\n" == (FIXTURES / "markdown" / "plain_text.md").read_text(encoding="utf-8")
    assert doc.markdown == text_markdown(doc.text)
    assert len(doc.markdown.split("\n")) == len(doc.text.split("\n"))
    assert "\n\\- a dash at the start" in doc.markdown and "\n1\\. numbered lines" in doc.markdown


def test_cli_format_markdown():
    result = run_cli("clean", str(PAGE), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode("utf-8")
    assert out == (FIXTURES / "markdown" / "structured_article.cli.md").read_text(encoding="utf-8")
    assert out.count("Building a rain gauge from a bottle") == 1  # the title, not again as the body's heading


def test_cli_format_markdown_of_text_says_the_headline_once():
    out = run_cli("clean", str(TEXT), "--format", "markdown").stdout.decode("utf-8")
    assert out.startswith("# Keeping a rain diary\n\nA rain diary is a notebook")
    assert "\n\\- a dash at the start of a line" in out


def test_cli_links_and_jsonl():
    linked = run_cli("clean", str(PAGE), "--format", "markdown", "--links").stdout.decode("utf-8")
    assert "[history of rain gauges](https://example.org/history-of-gauges)" in linked
    refused = run_cli("clean", str(PAGE), "--links")
    assert refused.returncode == 2 and b"--links applies to --format markdown or --markdown" in refused.stderr
    record = json.loads(run_cli("clean", str(PAGE), "--format", "jsonl").stdout)
    assert "markdown" not in record


def test_cli_jsonl_records_carry_markdown_beside_the_text():
    record = json.loads(run_cli("clean", str(PAGE), "--format", "jsonl", "--markdown").stdout)
    assert record["markdown"] == clean(PAGE.read_bytes(), markdown=True).markdown
    assert record["text"] and record["markdown"].startswith("# Building a rain gauge from a bottle\n")
    linked = json.loads(run_cli("clean", str(PAGE), "--format", "jsonl", "--markdown", "--links").stdout)
    assert "[history of rain gauges](https://example.org/history-of-gauges)" in linked["markdown"]
    refused = run_cli("clean", str(PAGE), "--markdown")  # one input: text, where no field can be added
    assert refused.returncode == 2 and b"--markdown applies to --format jsonl" in refused.stderr


def test_markdown_format_leaves_out_blocks_a_batch_removed_as_site_template():
    doc = clean(PAGE.read_bytes(), markdown=True)
    record = doc.to_dict()
    record["removed"] = [*record["removed"], {"text": "What you need", "reason": "site_template"}]
    stream = io.StringIO()
    Writer(stream, "markdown", several=False).write_record(record)
    out = stream.getvalue()
    assert "What you need" not in out
    assert "\n- A clear plastic bottle with straight sides\n" in out and "**patience**" in out


def test_a_record_without_text_has_no_markdown_body():
    """--only-articles empties the text of a page that is not an article: its Markdown body goes too."""
    record = clean(PAGE.read_bytes(), markdown=True).to_dict() | {"text": ""}
    stream = io.StringIO()
    Writer(stream, "markdown", several=False).write_record(record)
    assert stream.getvalue() == "# Building a rain gauge from a bottle\n\n*Garden Notes*\n"
