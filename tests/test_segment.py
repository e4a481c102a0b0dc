"""Segmentation: text lines and paragraphs, HTML blocks with their DOM context."""

from __future__ import annotations

from pathlib import Path

import lxml.html

from cleaner.rules import builtin_ruleset
from cleaner.segment.blocks import segment_html, segment_text
from cleaner.segment.parse import html_page, locate, parse_html, parse_page, prune, visible_text

RULES = builtin_ruleset()
ROOT = Path(__file__).resolve().parent.parent


# the hand-written pages (fixtures/fuzz/ holds hostile inputs, replayed by test_fuzz_regressions.py)
_PAGES = sorted([*ROOT.glob("fixtures/html/*.html"), *ROOT.glob("fixtures/near_misses/*.html")])


def _html_blocks(markup: str):
    return segment_html(html_page(markup), RULES).blocks


def test_text_blocks_are_lines_with_spans():
    text = "Headline\n\nFirst paragraph.\nSecond line."
    blocks = segment_text(text)
    assert [b.text for b in blocks] == ["Headline", "First paragraph.", "Second line."]
    assert all(text[b.start : b.end] == b.text for b in blocks)


def test_hard_wrapped_prose_joins_into_one_block():
    text = (
        "The committee met on Tuesday to discuss the proposal, which\n"
        "would change how the city funds its libraries.\n\nNext paragraph."
    )
    blocks = segment_text(text)
    assert blocks[0].text.endswith("funds its libraries.")
    assert len(blocks) == 2


def test_html_blocks_follow_block_elements_and_keep_inline_text_together():
    blocks = _html_blocks(
        "<html><body><div>Intro <b>bold</b> tail<p>Para <a href='/x'>link</a> end.</p>after</div>"
        "<ul><li>one</li><li>two</li></ul><h2>Sub</h2></body></html>"
    )
    assert [(b.kind, b.text) for b in blocks] == [
        ("p", "Intro bold tail"),
        ("p", "Para link end."),
        ("p", "after"),
        ("li", "one"),
        ("li", "two"),
        ("h", "Sub"),
    ]
    assert blocks[1].tag_path == "/html/body/div/p"
    assert 0 < blocks[1].link_density < 1


def test_never_content_is_marked_with_its_reason():
    blocks = _html_blocks(
        "<body><nav><a href='/'>Home</a></nav><div class='cookie-banner'>We use cookies.</div>"
        "<p style='display: none'>secret</p><p aria-hidden='true'>also secret</p><script>var x = 1;</script>"
        "<p>Article text.</p></body>"
    )
    assert [(b.text, b.dom_reason) for b in blocks] == [
        ("Home", "navigation"),
        ("We use cookies.", "cookie_banner"),
        ("secret", "hidden"),
        ("also secret", "hidden"),
        ("Article text.", None),
    ]


def test_a_collapsed_panel_stays_open_and_says_so():
    """The hidden attribute closes a panel or tab that readers open: the model decides its blocks."""
    blocks = _html_blocks(
        "<body><p>Article text.</p><div hidden><h3>Specifications</h3><p>Weight: 2 kg.</p>"
        "<div class='share-buttons'>Share</div></div><p>More article text.</p>"
        "<div hidden aria-hidden='true'>Decoration</div><p hidden style='display:none'>Gone</p></body>"
    )
    assert [(b.text, b.dom_reason, b.collapsed) for b in blocks] == [
        ("Article text.", None, False),
        ("Specifications", None, True),
        ("Weight: 2 kg.", None, True),
        ("Share", "share_prompt", True),
        ("More article text.", None, False),
        ("Decoration", "hidden", False),
        ("Gone", "hidden", False),
    ]


def test_a_page_hidden_until_a_script_shows_it_is_not_collapsed():
    prose = "<p>" + "A long article sentence that carries the story forward. " * 20 + "</p>"
    for page in (f"<body hidden>{prose}</body>", f"<body><div hidden>{prose}</div><p>Footer.</p></body>"):
        assert not any(block.collapsed for block in _html_blocks(page))


def test_a_marker_on_most_of_the_page_is_ignored():
    prose = "<p>" + "A long article sentence that carries the story forward. " * 20 + "</p>"
    blocks = _html_blocks(f"<body><div class='has-comments'>{prose}</div><div class='comments'>Nice!</div></body>")
    assert blocks[0].dom_reason is None
    assert blocks[1].dom_reason == "comments"


def test_tab_labels_are_navigation_and_their_panels_stay():
    """A role="tab" element is the switch between panels; the panels (role="tabpanel", class "tab") are text."""
    blocks = _html_blocks(
        "<body><ul role='tablist'><li><a href='#a' role='tab'>Details</a></li>"
        "<li><button role='tab'>Reviews</button></li></ul>"
        "<div role='tabpanel' id='a'><p>Made of oak.</p></div><div class='tab' hidden><p>Five stars.</p></div></body>"
    )
    assert [(b.text, b.dom_reason) for b in blocks] == [
        ("Details", "navigation"),
        ("Reviews", "navigation"),
        ("Made of oak.", None),
        ("Five stars.", None),
    ]
    page = "<body><div role='tab'>" + "<p>A long article sentence that carries the story forward.</p>" * 20
    assert _html_blocks(page + "</div></body>")[0].dom_reason is None  # a page-wide one is no tab label


def test_html_spans_index_the_joined_block_text():
    blocks = _html_blocks("<body><p>One.</p><p>Two words.</p></body>")
    joined = "\n\n".join(b.text for b in blocks)
    assert all(joined[b.start : b.end] == b.text for b in blocks)


def test_deeply_nested_markup_does_not_recurse():
    depth = 1000
    markup = "<div>" * depth + "<p>Deep text.</p>" + "</div>" * depth
    blocks = _html_blocks(f"<html><body>{markup}</body></html>")
    assert blocks and blocks[-1].text == "Deep text."


def test_section_anchor_ids_are_not_markers():
    prose = "<p>" + "We push the change to the test repository and pull it into the other clone. " * 4 + "</p>"
    page = (
        "<html><body><div class='section' id='sharing-with-a-single-developer'><h2>Sharing with a single developer</h2>"
        f"{prose}</div><div id='share'><a href='#'>Facebook</a></div></body></html>"
    )
    blocks = _html_blocks(page)
    kept = {b.text[:10]: b.dom_reason for b in blocks}
    assert kept["Sharing wi"] is None and kept["We push th"] is None
    assert kept["Facebook"] == "share_prompt"


def test_the_visible_text_is_counted_as_lxml_reads_it_on_well_formed_pages():
    """Page-wide markers are sized against the visible text (script, style, head, noscript and template
    left out, invisible characters removed, white space collapsed); the core counts it on html5ever's
    tree as the Python reading of lxml's tree does, where both parsers build the same tree."""
    from cleaner.segment.normalize import collapse

    markup = (
        "<html><head><title>T</title></head><body><div id='a'>"
        + "<i>x</i> " * 300
        + "</div><div id='b'><script>"
        + "var y = 1; " * 400
        + "</script>short</div><noscript>no</noscript><div id='c'>"
        + "<p>two\u00a0words</p>" * 60
        + "</div><div id='d'>\u200b a\u200bb \x1c c</div></body></html>"
    )
    page, tree = html_page(markup), parse_html(markup)
    visible = visible_text(tree)
    assert page.visible_chars == len(collapse(visible))
    assert page.visible_words == len(collapse(visible).split())


def test_both_trees_keep_deep_markup_and_marked_elements_leave_lxmls():
    """html5ever's tree (segmentation) and lxml's (trafilatura, metadata) both keep the text of markup nested
    thousands deep; the elements segmentation marks are found in lxml's tree and pruned from it."""
    prose = "<p>The committee voted on the plan after a long debate about the budget.</p>"
    deep = "<html><body>" + "<div>" * 3000 + prose * 3 + "</div>" * 3000 + "</body></html>"
    parsed = parse_page(deep)
    assert [b.text for b in segment_html(parsed.page, RULES).blocks].count(
        "The committee voted on the plan after a long debate about the budget."
    ) == 3
    assert visible_text(parsed.tree).count("The committee voted") == 3
    wide = (
        f"<body><div class='has-comments'>{prose * 20}</div><div class='comments'>Nice!</div>"
        "<div class='comments'>Second thread.</div><nav>Home</nav></body>"
    )
    parsed = parse_page(wide)
    segmented = segment_html(parsed.page, RULES)
    assert len(segmented.marked) == 3
    prune(locate(parsed, segmented.marked))
    text = visible_text(parsed.tree)
    assert "The committee voted" in text
    assert "Nice!" not in text and "Second thread." not in text and "Home" not in text


def test_every_element_of_the_tree_is_an_html_element_form_controls_included():
    """trafilatura reads the tree with lxml.html's API (text_content, drop_tree): the parser's element
    lookup must give every element that class, also where lxml.html would give a form control's."""
    markup = (
        "<html><body><form action='/s'><label for='q'>Search</label><input id='q' name='q'>"
        "<select name='s'><option>All</option></select><textarea name='t'>Note</textarea>"
        "<button>Go</button></form><p>Text &amp; more</p></body></html>"
    )
    root = parse_html(markup)
    elements = list(root.iter())
    assert {e.tag for e in elements} >= {"form", "label", "input", "select", "option", "textarea", "button", "p"}
    assert all(isinstance(e, lxml.html.HtmlElement) for e in elements)
    assert root.find(".//form").text_content() == "SearchAllNoteGo"
    root.find(".//form").drop_tree()
    assert root.text_content() == "Text & more"


def test_markdown_table_rows_are_cells_without_their_frame():
    text = "Figures\n| Capital | Wellington |\n|---|---|\n| |\n| The article, in one layout cell. It goes on. |"
    blocks = segment_text(text)
    assert [(b.kind, b.text) for b in blocks] == [
        ("line", "Figures"),
        ("cell", "Capital | Wellington"),
        ("cell", "The article, in one layout cell. It goes on."),
    ]
    assert all(text[b.start : b.end] == b.text for b in blocks)


def test_marked_elements_are_found_in_lxmls_tree_before_any_is_pruned():
    """Evidence is located on the whole tree, as its ranks were counted; and where the trees hold a
    different number of elements with the same names, none of them is pruned by rank."""
    prose = "<p>The committee voted on the plan after a long debate about the budget, and then it adjourned.</p>"
    reader = "<p>Reader one said: the committee should have voted on the budget much earlier than it did.</p>"
    page = (
        "<body><div class=comments style='display:none'>Hidden thread</div>"
        f"<div class=comments>{reader}</div><div class=comments>{prose * 30}</div></body>"
    )
    parsed = parse_page(page)
    segmented = segment_html(parsed.page, RULES)
    assert segmented.marked and segmented.evidence
    marked, evidence = locate(parsed, segmented.marked), locate(parsed, segmented.evidence)
    prune(marked)
    prune(evidence)
    text = visible_text(parsed.tree)
    assert "The committee voted" in text
    assert "Reader one said" not in text and "Hidden thread" not in text
    # foster parenting: html5ever moves the hidden div before the table, libxml2 does not
    fostered = (
        "<body><table><tr><td><div class=note>Shown article text.</div></td></tr>"
        "<div class=note style='display:none'>Hidden text.</div></table></body>"
    )
    parsed = parse_page(fostered)
    segmented = segment_html(parsed.page, RULES)
    prune(locate(parsed, segmented.marked))
    assert "Shown article text." in visible_text(parsed.tree)
