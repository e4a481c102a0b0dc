"""Precision guard: articles that talk about cookies, newsletters, comments... must survive whole."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, as_laid_out

from cleaner import clean_file
from cleaner.input.decode import decode
from cleaner.segment.normalize import normalize_text

NEAR_MISSES = sorted((FIXTURES / "near_misses").glob("*.txt"))


def test_the_corpus_covers_the_known_traps():
    assert len(NEAR_MISSES) >= 12


@pytest.mark.parametrize("path", NEAR_MISSES, ids=[p.stem for p in NEAR_MISSES])
def test_every_block_survives(path):
    doc = clean_file(path)
    assert [(span.reason, span.text) for span in doc.removed] == []
    assert doc.text == as_laid_out(decode(path.read_bytes()).text)


LEDES = [path for path in NEAR_MISSES if "lede" in path.stem]


@pytest.mark.parametrize("subheading", ["Related articles", "You may also like", "See also"])
@pytest.mark.parametrize("path", LEDES, ids=[p.stem for p in LEDES])
def test_a_page_keeps_a_boilerplate_sounding_lede_and_subheading(path, subheading):
    """As a web page: the lede that opens with a banner's words and an <h2> that reads like a widget's
    heading stay, with every paragraph; the page's own menu and footer go."""
    from html import escape

    from cleaner import clean

    blocks = [line for line in normalize_text(decode(path.read_bytes()).text).split("\n") if line]
    body = [f"<h2>{escape(b)}</h2>" if b[-1] not in '.!?"' else f"<p>{escape(b)}</p>" for b in blocks]
    body.insert(len(body) - 1, f"<h2>{escape(subheading)}</h2>")  # above the last paragraph
    page = (
        "<html><head><title>The story | Valley Courier</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"
        f"<article><h1>The story</h1>{''.join(body)}</article>"
        "<footer><p>Copyright 2026 Valley Courier. All rights reserved.</p></footer></body></html>"
    )
    doc = clean(page, url="https://courier.example/news/the-story")
    text = doc.text.split("\n\n")
    assert [block for block in [*blocks, subheading] if block not in text] == []
    assert "Copyright 2026" not in doc.text
