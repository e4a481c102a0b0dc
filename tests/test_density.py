"""The densest region of prose: which element of a page holds the article, read from the blocks alone."""

from __future__ import annotations

from cleaner.rules import builtin_ruleset
from cleaner.segment.blocks import segment_html
from cleaner.segment.density import densest_region, label_region
from cleaner.segment.parse import html_page

SENTENCE = "The council met on Tuesday, and after a long debate, it voted to repair the old bridge by spring. "


def _segmented(markup: str):
    return segment_html(html_page(markup), builtin_ruleset())


def _kept(markup: str) -> list[str]:
    segmented = _segmented(markup)
    labelled = label_region(segmented.blocks, _region(segmented))
    return [b.text for b in labelled if b.main_content]


def _region(segmented):
    return densest_region(segmented.blocks, segmented.boxes, segmented.box_tags)


def test_boxes_number_block_elements_with_their_parents():
    segmented = _segmented("<html><body><div><p>One line of text here.</p></div><p>Another.</p></body></html>")
    tags, parents = segmented.box_tags, segmented.boxes
    first, second = segmented.blocks
    assert tags[first.box] == "p" and tags[parents[first.box]] == "div"
    assert tags[parents[parents[first.box]]] == "body"
    assert parents[second.box] == parents[parents[first.box]]  # both sit in <body>
    assert parents[0] == -1 and all(0 <= parents[i] < i for i in range(1, len(parents)))


def test_the_article_wins_over_menus_and_link_lists():
    links = "".join(f"<li><a href='/{i}'>A story about the bridge and the town, number {i}</a></li>" for i in range(12))
    markup = (
        f"<html><body><div class='top'><ul>{links}</ul></div>"
        f"<div class='story'><h1>Bridge repairs</h1><p>{SENTENCE * 3}</p><p>{SENTENCE * 2}</p></div>"
        "<div class='bottom'><p>Copyright, all rights reserved, 2024.</p></div></body></html>"
    )
    kept = _kept(markup)
    assert kept[0] == "Bridge repairs" and len(kept) == 3
    assert not any("number" in text for text in kept)


def test_an_article_split_over_sibling_elements_is_one_region():
    """A lead and a body in two elements, a figure between them: the region widens to hold both."""
    markup = (
        "<html><body><nav><a href='/'>Home</a></nav><div class='article'>"
        f"<div class='lead'><p>{SENTENCE * 2}</p></div><figure><figcaption>The bridge</figcaption></figure>"
        f"<div class='body'><p>{SENTENCE * 3}</p><p>{SENTENCE}</p></div></div>"
        "<aside><p>Short note.</p></aside></body></html>"
    )
    kept = _kept(markup)
    assert sum(SENTENCE.strip() in text for text in kept) == 3


def test_a_comment_thread_does_not_outweigh_the_article():
    """An article of a few paragraphs (500 characters or more) stays the region under a longer thread."""
    comments = "".join(f"<li><p>{SENTENCE * 2}</p></li>" for _ in range(6))
    markup = (
        f"<html><body><div class='post'><p>{SENTENCE * 4}</p><p>{SENTENCE * 2}</p></div>"
        f"<div class='comments'><ol>{comments}</ol></div></body></html>"
    )
    segmented = _segmented(markup)
    region = densest_region(segmented.blocks, segmented.boxes, segmented.box_tags)
    article = segmented.blocks[0]
    assert segmented.boxes[article.box] in region.boxes  # the post's <div>
    labelled = label_region(segmented.blocks, region)
    assert [b.main_content for b in labelled[:2]] == [True, True]
    assert not any(b.main_content for b in labelled[2:])


def test_marked_prose_is_read_where_nothing_unmarked_is_an_article():
    """A forum whose posts are all in elements named "comments": markup is evidence, not a verdict."""
    posts = "".join(f"<div class='comment'><p>{SENTENCE * 2}</p></div>" for _ in range(4))
    markup = f"<html><body><div class='menu'><a href='/'>Home</a></div><div class='thread'>{posts}</div></body></html>"
    assert sum(SENTENCE.strip() in text for text in _kept(markup)) == 4


def test_a_page_without_prose_stays_unlabelled():
    links = "<li><a href='/a'>Home</a></li><li><a href='/b'>News</a></li>"
    segmented = _segmented(f"<html><body><ul>{links}</ul></body></html>")
    region = densest_region(segmented.blocks, segmented.boxes, segmented.box_tags)
    assert not region.boxes and region.held == 0
    assert not region.sure
    assert all(b.main_content is None for b in label_region(segmented.blocks, region))


def test_deep_nesting_is_walked_without_recursion():
    depth = 5000
    markup = "<html><body>" + "<div>" * depth + f"<p>{SENTENCE * 2}</p>" + "</div>" * depth + "</body></html>"
    segmented = _segmented(markup)
    region = densest_region(segmented.blocks, segmented.boxes, segmented.box_tags)
    assert region.boxes and region.held > 0


def _paragraphs(n: int, first: int = 0) -> str:
    return "".join(f"<p>{SENTENCE * 4}This is part {i} of it.</p>" for i in range(first, first + n))


MENU = "".join(f"<li><a href='/{i}'>Another story about the bridge, number {i}</a></li>" for i in range(40))
SURE = f"<html><body><nav><a href='/'>Home</a></nav><div class='story'>{_paragraphs(4)}</div></body></html>"
# a second element of prose nearly as good as the region's, in another part of the page: unsure
RIVALS = (
    f"<html><body><div class='x'><div class='a'>{_paragraphs(3)}</div><ul>{MENU}</ul></div>"
    f"<div class='y'><div class='b'>{_paragraphs(2, 3)}</div><ul>{MENU}</ul></div></body></html>"
)


def _count_trafilatura_calls(monkeypatch) -> list:
    from cleaner import stages

    calls = []
    original = stages.main_content_text
    monkeypatch.setattr(stages, "main_content_text", lambda tree, url: calls.append(url) or original(tree, url))
    return calls


def test_main_content_option_decides_when_trafilatura_is_asked(monkeypatch):
    from cleaner import clean

    calls = _count_trafilatura_calls(monkeypatch)
    for html in (SURE, RIVALS):
        assert clean(html, mode="html", main_content="region").text
    assert calls == []
    clean(SURE, mode="html", main_content="auto")
    assert calls == []
    clean(RIVALS, mode="html", main_content="auto")
    assert len(calls) == 1
    doc = clean(SURE, mode="html")  # the default asks trafilatura on every page
    assert len(calls) == 2
    assert "main_content" not in dict(doc.provenance.options)
    assert dict(clean(SURE, mode="html", main_content="auto").provenance.options)["main_content"] == "auto"


def test_the_region_removes_what_lies_outside_it_with_its_own_rule():
    from cleaner import clean

    links = "".join(f"<li><a href='/{i}'>Another story about the bridge, number {i}</a></li>" for i in range(8))
    html = f"<html><body><div class='story'>{_paragraphs(4)}</div><div><ul>{links}</ul></div></body></html>"
    doc = clean(html, mode="html", main_content="region")
    assert doc.text.count(SENTENCE.strip()) == 16
    assert "number" not in doc.text
    assert all(span.rule != "trafilatura" for span in doc.removed)


def test_a_region_of_two_siblings_is_not_its_own_rival():
    """The region's elements, what they hold and what holds them are never the rival."""
    html = (
        f"<html><body><div class='page'><ul>{MENU}</ul><div class='part'>{_paragraphs(3)}</div>"
        f"<div class='part'>{_paragraphs(4, 3)}</div></div></body></html>"
    )
    segmented = _segmented(html)
    region = _region(segmented)
    assert len(region.boxes) == 2 and region.rival == 0.0 and region.sure


def test_hidden_prose_is_never_the_region_nor_in_it():
    """Text no reader sees: not counted for the marked-prose choice, never labelled main content."""
    hidden = "".join(f"<div style='display:none'><p>{SENTENCE * 3} Hidden {i}.</p></div>" for i in range(8))
    html = f"<html><body><div class='story'><p>{SENTENCE * 2}</p>{hidden}</div></body></html>"
    segmented = _segmented(html)
    region = _region(segmented)
    assert not region.with_marked
    labelled = label_region(segmented.blocks, region)
    assert all(not b.main_content for b in labelled if b.dom_reason == "hidden")
    assert labelled[0].main_content
