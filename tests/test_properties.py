"""Properties of cleaning, checked with hypothesis on generated pages and texts.

- cleaning is deterministic;
- every word of the output occurs in the input's visible text, in order (nothing is invented);
- the kept and removed blocks together cover the input's blocks (and every visible word);
- cleaning a clean article's text again removes nothing.

Example counts are bounded so that the file runs in well under a minute.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import clean

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Plain words: prose made of them is an article, never boilerplate.
WORDS = (
    "the council met on tuesday to debate a new budget for schools roads and parks while residents asked "
    "many questions about taxes water housing rivers farmers winter harvest engineers bridge museum "
    "library teachers nurses doctors village mountain coast weather election history science music"
).split()
# Boilerplate that pages carry: the cleaner should remove much of it, and never invent any.
BOILERPLATE = [
    "Share this article",
    "Subscribe to our newsletter",
    "This website uses cookies. By continuing to use this site, you accept our use of cookies.",
    "by Admin",
    "Recent Posts",
    "You may also like",
    "Leave a Comment",
    "Source Link",
    "Home | News | Sport | Contact",
    "Posted in Politics",
    "Read more",
    "© 2024 Example Media. All rights reserved.",
]

word = st.sampled_from(WORDS)


@st.composite
def sentence(draw) -> str:
    words = draw(st.lists(word, min_size=6, max_size=16))
    return " ".join(words).capitalize() + "."


@st.composite
def paragraph(draw) -> str:
    return " ".join(draw(st.lists(sentence(), min_size=2, max_size=5)))


article = st.lists(paragraph(), min_size=2, max_size=8)
line = st.one_of(paragraph(), st.sampled_from(BOILERPLATE), sentence())


@st.composite
def messy_text(draw) -> str:
    """Already-extracted text: paragraphs and boilerplate lines, blank lines between some."""
    lines = draw(st.lists(line, min_size=1, max_size=12))
    return "\n".join(line + ("\n" if draw(st.booleans()) else "") for line in lines)


INLINE = ("b", "i", "a", "span", "em", "strong")


@st.composite
def inline_text(draw, text: str) -> str:
    """``text`` with some of its words wrapped in inline elements and some characters escaped."""
    words = text.split(" ")
    out = []
    for w in words:
        if draw(st.integers(0, 9)) == 0:
            tag = draw(st.sampled_from(INLINE))
            href = ' href="/x"' if tag == "a" else ""
            w = f"<{tag}{href}>{html.escape(w)}</{tag}>"
        else:
            w = html.escape(w)
        out.append(w)
    return " ".join(out)


@st.composite
def element(draw, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["p", "p", "p", "h2", "ul", "div", "nav", "footer", "aside", "script", "blockquote"]))
    if kind == "script":
        return "<script>var secret = 'scriptword';</script>"
    if kind == "ul":
        items = draw(st.lists(st.one_of(st.sampled_from(BOILERPLATE), sentence()), min_size=1, max_size=4))
        return "<ul>" + "".join(f"<li>{draw(inline_text(item))}</li>" for item in items) + "</ul>"
    if kind in ("div", "nav", "footer", "aside") and depth < 3:
        children = draw(st.lists(element(depth + 1), min_size=1, max_size=3))
        return f"<{kind}>" + "".join(children) + f"</{kind}>"
    text = draw(line)
    tag = "p" if kind in ("div", "nav", "footer", "aside") else kind
    return f"<{tag}>{draw(inline_text(text))}</{tag}>"


@st.composite
def messy_page(draw) -> str:
    title = draw(sentence())
    body = "".join(draw(st.lists(element(), min_size=1, max_size=10)))
    main = "".join(f"<p>{draw(inline_text(p))}</p>" for p in draw(article))
    return (
        f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title>"
        f"<style>.x {{ color: red }}</style></head><body><h1>{html.escape(title)}</h1>"
        f"{body}<article>{main}</article>{draw(element())}</body></html>"
    )


class _Visible(HTMLParser):
    """The text a browser shows: everything outside head, script and style (an independent parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("head", "script", "style", "title"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("head", "script", "style", "title"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return " ".join(parser.parts)


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_words_in_order(output: str, source: str) -> None:
    """Each word of ``output`` occurs in ``source`` after the previous one.

    Whitespace is ignored on the source side: inline markup can join or split words (``foo<b>bar</b>``).
    """
    haystack = _squeezed(source)
    position = 0
    for w in output.split():
        found = haystack.find(w, position)
        assert found >= 0, f"{w!r} is not in the input after position {position}"
        position = found + len(w)


def assert_blocks_cover(doc) -> None:
    """Every block is kept or removed, the record says so, and the text is the kept blocks."""
    kept = [d for d in doc.decisions if d.keep]
    removed = [d for d in doc.decisions if not d.keep]
    assert doc.provenance.blocks_total == len(doc.decisions)
    assert doc.provenance.blocks_kept == len(kept)
    assert [(s.text, s.start, s.end) for s in doc.removed] == [
        (d.block.text, d.block.start, d.block.end) for d in removed
    ]
    assert all(span.reason for span in doc.removed)
    if doc.provenance.input_kind == "text":  # laid out as the input was: the kept blocks' words, in order
        assert doc.text.split() == " ".join(d.block.text for d in kept).split()
        assert "\n\n\n" not in doc.text and doc.text == doc.text.strip("\n")
    else:
        assert doc.text == "\n\n".join(d.block.text for d in kept)
    starts = [d.block.start for d in doc.decisions]
    assert starts == sorted(starts)


@SETTINGS
@given(messy_page())
def test_html_cleaning_is_deterministic(page):
    assert clean(page).to_dict() == clean(page).to_dict()


@SETTINGS
@given(messy_text())
def test_text_cleaning_is_deterministic(text):
    assert clean(text, mode="text").to_dict() == clean(text, mode="text").to_dict()


@SETTINGS
@given(messy_page())
def test_html_output_words_come_from_the_visible_text_in_order(page):
    doc = clean(page)
    visible = visible_text(page)
    assert_words_in_order(doc.text, visible)
    assert "scriptword" not in doc.text


@SETTINGS
@given(messy_text())
def test_text_output_words_come_from_the_input_in_order(text):
    assert_words_in_order(clean(text, mode="text").text, text)


@SETTINGS
@given(messy_page())
def test_html_blocks_cover_the_visible_text(page):
    doc = clean(page)
    assert_blocks_cover(doc)
    blocks = " ".join(d.block.text for d in doc.decisions)
    assert_words_in_order(visible_text(page).replace("\n", " "), blocks)


@SETTINGS
@given(messy_text())
def test_text_blocks_cover_the_input(text):
    doc = clean(text, mode="text")
    assert_blocks_cover(doc)
    assert _squeezed(" ".join(d.block.text for d in doc.decisions)) == _squeezed(text)


@SETTINGS
@given(article)
def test_a_clean_article_loses_nothing(paragraphs):
    """Prose paragraphs with nothing else: cleaning removes nothing, and cleaning the result changes nothing."""
    text = "\n\n".join(paragraphs)
    doc = clean(text, mode="text")
    assert doc.removed == () and doc.text == text
    again = clean(doc.text, mode="text")
    assert again.removed == () and again.text == doc.text


@SETTINGS
@given(messy_page())
def test_cleaning_the_clean_text_again_removes_nothing(page):
    """The clean text of a messy page is a clean article: a second pass keeps all of it."""
    first = clean(page)
    if not first.text:
        return
    again = clean(first.text, mode="text")
    assert [(s.reason, s.text) for s in again.removed] == []
    assert again.text == first.text


def test_a_category_line_kept_by_html_mode_is_not_a_headline_for_text_mode():
    """Found by the property above: "Posted in Politics" survived HTML mode, and text mode then took it
    for the headline. It is a category line, which HTML mode removes now."""
    sentence_ = "<p>" + "The council met again on Tuesday to discuss the budget of the city. " * 3 + "</p>"
    page = (
        "<html><body><h1>Budget talks resume</h1><ul><li><b>Share</b> this article</li>"
        f"<li><b>Posted</b> in Politics</li></ul><article>{sentence_}{sentence_}</article></body></html>"
    )
    first = clean(page)
    assert "Posted in Politics" not in first.text
    assert [s.reason for s in first.removed if s.text == "Posted in Politics"] == ["section_label"]
    again = clean(first.text, mode="text")
    assert again.removed == () and again.text == first.text
