"""Metadata: cleaner's call of trafilatura's metadata steps gives what ``extract_metadata`` gives."""

from __future__ import annotations

import pytest
from conftest import HTML_FIXTURES
from trafilatura.metadata import extract_metadata

from cleaner.metadata.page import trafilatura_metadata
from cleaner.segment.parse import parse_html

FIELDS = ("title", "author", "url", "sitename", "categories")
URLS = (None, "https://www.example.org/news/2024/an-article")
# a page with the fields that the steps fill in from the markup alone (no meta tags to read)
MARKUP_ONLY = """<html><head><title>Rain returns to the valley | Valley Courier</title></head><body>
<div class="byline">By <a rel="author" href="/staff/ana-ruiz">Ana Ruiz</a></div>
<div class="entry-meta">Filed under <a href="/category/weather/" rel="category tag">Weather</a></div>
<article><h1>Rain returns to the valley</h1><p>After a dry month, rain fell on Tuesday across the valley and the
reservoirs began to fill again, officials said.</p></article></body></html>"""
SOCIAL = """<html><head><meta name="twitter:site" content="@valleycourier"><title>A page</title></head>
<body><p>Some text of the page, long enough to be read as a paragraph of prose.</p></body></html>"""


def _fields(document) -> tuple:
    return tuple(getattr(document, name) for name in FIELDS)


PAGES = [path.read_text(encoding="utf-8", errors="replace") for path in HTML_FIXTURES] + [MARKUP_ONLY, SOCIAL]


@pytest.mark.parametrize("url", URLS)
def test_the_used_fields_equal_extract_metadata(url):
    filled = {name: 0 for name in FIELDS}
    for page in PAGES:
        ours = trafilatura_metadata(parse_html(page), url)
        theirs = extract_metadata(parse_html(page), default_url=url, extensive=False)
        assert _fields(ours) == _fields(theirs)
        for name, value in zip(FIELDS, _fields(ours), strict=True):
            filled[name] += bool(value)
    # every field is compared on pages that have it, not only on empty ones
    assert all(filled.values()), filled


def test_the_markup_fields_are_read():
    found = trafilatura_metadata(parse_html(MARKUP_ONLY), "https://www.valleycourier.example/2024/rain")
    assert found.author == "Ana Ruiz"
    assert found.categories == ["Weather"]
    assert found.sitename == "valleycourier.example"


def test_a_declared_author_skips_the_byline_search():
    assert trafilatura_metadata(parse_html(MARKUP_ONLY), None, with_author=False).author is None
    assert trafilatura_metadata(parse_html(MARKUP_ONLY), None).author == "Ana Ruiz"
