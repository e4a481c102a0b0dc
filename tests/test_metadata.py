"""Metadata: cleaner's call of trafilatura's metadata steps gives what ``extract_metadata`` gives; the
publication date."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, HTML_FIXTURES, load_expected
from trafilatura.metadata import extract_metadata

from cleaner import clean
from cleaner.metadata.dates import (
    DateFacts,
    HeadlineDates,
    PageDates,
    date_facts,
    dated,
    headline_dates,
    likely_date,
    publication_date,
    shown_time,
    url_date,
    written_dates,
)
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


# Publication dates: fixtures/dates/*.html, each with its URL and expected date in fixtures/dates/expected.json
DATE_FIXTURES = FIXTURES / "dates"
DATE_PAGES = load_expected(DATE_FIXTURES / "expected.json")


# where no measured source gives a date, the date the page declares stands on a page too short for its type
# to tell (cleaner.metadata.dates, dated): this page's declared date is a related post's, an open defect
DECLARED_BUT_WRONG = ("related_and_comments.html",)


@pytest.mark.parametrize("preset", ["default", "fast"])
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason="the declared date stands where no source is"))
        if name in DECLARED_BUT_WRONG
        else name
        for name in sorted(DATE_PAGES)
    ],
)
def test_the_publication_date_of_each_date_fixture(name, preset):
    """URL dates, a <time> in the byline, JSON-LD confirming the written day, the meta tags' date, an
    "Updated" date beside the published one, and two pages with no date of their own (a service page
    with its SEO plugin's dates; an article whose only dates are its related posts' and comments')."""
    page = DATE_PAGES[name]
    html = (DATE_FIXTURES / name).read_text(encoding="utf-8")
    assert clean(html, mode="html", url=page["url"], preset=preset).date == page["date"]


def test_every_date_fixture_is_listed():
    assert sorted(path.name for path in DATE_FIXTURES.glob("*.html")) == sorted(DATE_PAGES)
    assert any(page["date"] is None for page in DATE_PAGES.values())


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://example.org/2024/05/17/a-story/", "2024-05-17"),
        ("https://example.org/news/2024-05-07-a-story", "2024-05-07"),
        ("https://example.org/2024/5/7/a-story", "2024-05-07"),
        ("https://example.org/2024/02/30/no-such-day", None),
        ("https://example.org/2024/05/a-month-only", None),
        ("https://example.org/t/2024-4-4-2024-5-0-issue/724779", None),  # a version number, not a path segment
        (None, None),
    ],
)
def test_url_date(url, date):
    assert url_date(url) == date


def test_written_dates_leave_out_updates():
    assert written_dates("Published January 5, 2026 · Updated on March 2, 2026") == ["2026-01-05"]
    assert written_dates("17th May, 2024 and 2024-05-18") == ["2024-05-17", "2024-05-18"]
    assert written_dates("Last modified: 9 Mar 2026") == []
    assert written_dates("February 30, 2024") == []


def test_headline_dates_read_only_the_lines_around_the_headline():
    lines = ["Menu", "A headline", "By Ana Ruiz, May 3, 2024", "A paragraph. " * 40 + "June 1, 2024", "June 2, 2024"]
    near = headline_dates(lines, 1)
    assert near.written == ("2024-05-03", "2024-06-02")  # the long paragraph's date is prose, not a byline
    assert headline_dates(lines, None) == HeadlineDates()
    # a <time> counts from the headline down, whether the parser kept its text in the line or not
    times = [shown_time("3 mai 2024", "Par Ana Ruiz · 3 mai 2024", "2024-05-03T10:00:00+02:00")]
    assert headline_dates(["Une manchette", "Par Ana Ruiz ·"], 0, times).timed == ("2024-05-03",)
    assert headline_dates(["Par Ana Ruiz ·", "Une manchette"], 1, times).timed == ()
    assert shown_time("March 2, 2026", "Updated March 2, 2026", "2026-03-02") is None


def test_the_order_of_the_sources():
    facts = DateFacts(published="2024-03-05", stated=frozenset({"2024-03-05", "2024-03-09"}))
    written = HeadlineDates(written=("2024-03-08", "2024-03-09"))
    # the URL's day first; then a written day that a stated one confirms, before the meta tags' date
    assert publication_date(facts, "https://x.example/2024/03/01/a", written, False) == "2024-03-01"
    assert publication_date(facts, None, written, False) == "2024-03-08"  # a day from the stated 2024-03-09
    assert publication_date(facts, None, HeadlineDates(), False) == "2024-03-05"
    # a page that calls itself something else, with no author: its meta date is the page's, not an article's
    shop = DateFacts(published="2024-03-05", other_kind=True)
    assert publication_date(shop, None, HeadlineDates(), False) is None
    assert publication_date(shop, None, HeadlineDates(), True) == "2024-03-05"
    # a date of the byline alone, and a <time> there alone, count where an author is named
    byline = HeadlineDates(written=("2024-01-02",), byline=("2024-01-02",))
    assert publication_date(DateFacts(), None, byline, False) is None
    assert publication_date(DateFacts(), None, byline, True) == "2024-01-02"
    # a date above the headline or below the prose is no byline's
    assert publication_date(DateFacts(), None, HeadlineDates(written=("2024-01-02",)), True) is None
    assert publication_date(DateFacts(), None, HeadlineDates(timed=("2024-01-02",) * 2), True) == "2024-01-02"
    assert publication_date(DateFacts(), None, HeadlineDates(timed=("2024-01-02", "2024-01-05")), True) is None


def test_date_facts_read_meta_tags_json_ld_and_the_url():
    tags = [
        {"property": "og:type", "content": "product"},
        {"property": "article:modified_time", "content": "2025-11-19T14:04:23+00:00"},
        {"name": "date", "content": "2018-05-18"},
        {"name": "date", "content": "2019-01-01"},
    ]
    json_ld = ['{"@graph": [{"@type": "WebPage", "datePublished": "2017-02-03T10:00:00Z"}]}', "{not json"]
    facts = date_facts(tags, json_ld, "https://x.example/2016/07/15/a")
    assert facts.published == "2018-05-18"
    assert facts.other_kind
    assert facts.stated == {"2025-11-19", "2018-05-18", "2019-01-01", "2017-02-03", "2016-07-15"}
    assert not date_facts([{"property": "og:type", "content": "article"}], [], None).other_kind


def test_the_byline_is_the_dates_from_the_headline_down_to_the_prose():
    prose = "A paragraph of the article. " * 10
    lines = ["A headline", "By Ana Ruiz", "May 3, 2024", prose, "More from the blog", "A related post June 1, 2024"]
    near = headline_dates(lines, 0)
    assert near.byline == ("2024-05-03",)
    assert near.written == ("2024-05-03", "2024-06-01")
    # the dates of a list under the article are no byline's
    assert headline_dates(["A headline", prose, "A related post June 1, 2024"], 0).byline == ()
    # above the headline, a date is a ticker's
    assert headline_dates(["June 1, 2024", "A headline"], 1).byline == ()


def test_a_comments_time_below_the_article_is_no_byline_time():
    """A reply's <time> under the prose is the comment's day, not the article's."""
    prose = "A paragraph of the article. " * 10
    times = [("March 4", "Reply by Bob March 4", "2021-03-04"), ("May 3", "By Ana Ruiz May 3", "2024-05-03")]
    below = headline_dates(["A headline", prose, "Reply by Bob March 4"], 0, times[:1])
    assert below.timed == () and likely_date(DateFacts(), below, None) is None
    near = headline_dates(["A headline", "By Ana Ruiz May 3", prose, "Reply by Bob March 4"], 0, times)
    assert near.timed == ("2024-05-03",)


def test_json_ld_publication_days_with_another_modification_day_are_revised():
    json_ld = [
        '{"@type": "Article", "datePublished": "2020-05-13T10:00:00Z", "dateModified": "2025-01-02T15:06:08Z"}',
        '{"@type": "WebPage", "datePublished": "2021-01-01", "dateModified": "2021-01-01T18:00:00Z"}',
    ]
    facts = date_facts([], json_ld, None)
    assert facts.revised == {"2020-05-13"}  # the same day modified is no revision


def test_the_likely_date():
    facts = DateFacts(revised=frozenset({"2020-05-13"}))
    # the byline's first date, then the one day that the <time> elements there show, then the declared date
    assert likely_date(facts, HeadlineDates(byline=("2024-05-03", "2024-05-04")), "2023-01-01") == "2024-05-03"
    assert likely_date(facts, HeadlineDates(timed=("2024-05-03",) * 2), "2023-01-01") == "2024-05-03"
    assert likely_date(facts, HeadlineDates(timed=("2024-05-03", "2024-05-09")), "2023-01-01") == "2023-01-01"
    # a declared day that the JSON-LD gives another modification day for may be either the gold's: none
    assert likely_date(facts, HeadlineDates(), "2020-05-13") is None
    assert likely_date(facts, HeadlineDates(written=("2024-05-03",)), None) is None  # written below the prose


def test_the_page_type_picks_the_date():
    both = PageDates(published="2024-05-03", likely="2023-01-01")
    likely = PageDates(likely="2023-01-01")
    long_page, short_page = 500, 40
    for page_type in ("article", "forum", None):
        assert dated(both, page_type, long_page) == "2024-05-03"
        assert dated(likely, page_type, long_page) == "2023-01-01"
    # a page of another type keeps its publication date, not the likely one, unless too short to be typed
    assert dated(both, "listing", long_page) == "2024-05-03"
    assert dated(likely, "service", long_page) is None
    assert dated(likely, "service", short_page) == "2023-01-01"
    # a product page has no date
    assert dated(both, "product", long_page) is None
    assert dated(None, "article", long_page) is None
