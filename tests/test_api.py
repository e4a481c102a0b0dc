"""The library API: clean(), clean_file(), the record and its provenance."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import lxml
import pytest
import trafilatura
from conftest import HTML_FIXTURES, SEED_FILES

from cleaner import CleanDocument, __version__, clean, clean_file, model
from cleaner.rules import builtin_ruleset

RECORD_KEYS = ["text", "title", "author", "date", "url", "sitename", "language", "categories", "page_type"]
RECORD_KEYS += ["confidence", "removed", "provenance", "error", "error_kind", "duplicate_of"]


def test_record_schema_and_provenance():
    data = SEED_FILES[2].read_bytes()
    doc = clean_file(SEED_FILES[2])
    record = doc.to_dict()
    assert list(record) == RECORD_KEYS
    json.dumps(record)
    prov = record["provenance"]
    assert prov["input_sha256"] == hashlib.sha256(data).hexdigest()
    assert prov["input_kind"] == "text"
    assert prov["source"] == str(SEED_FILES[2])
    assert prov["versions"] == {
        "cleaner": __version__,
        "trafilatura": trafilatura.__version__,
        "lxml": lxml.__version__,
        "ruleset": builtin_ruleset().version,
        "model": model.version("text"),
    }
    assert prov["options"] == {"mode": "auto", "url": None, "rules": [], "favor": "balanced"}
    assert set(record["removed"][0]) == {"text", "reason", "rule", "score", "start", "end"}


def test_documents_are_frozen():
    doc = clean("Some text that is long enough to be kept as an article sentence.")
    assert isinstance(doc, CleanDocument)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "changed"


def test_str_and_bytes_give_the_same_result():
    text = SEED_FILES[0].read_text(encoding="utf-8")
    assert clean(text).text == clean(text.encode("utf-8")).text


def test_html_metadata_and_url():
    doc = clean_file(HTML_FIXTURES[12], url="https://news.example/world/asia/story")
    assert doc.author == "Jane Doe"
    assert doc.date == "2026-03-14"
    assert doc.provenance.input_kind == "html"
    assert doc.url


_ARTICLE = "<p>" + "The council met on Tuesday and agreed on the budget for the coming year. " * 4 + "</p>"


@pytest.mark.parametrize(
    ("head", "author"),
    [
        ('<meta name="author" content="Genevieve Carlton, Ph.D.">', "Genevieve Carlton, Ph.D."),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "author": '
            '[{"@type": "Person", "name": "Ana  Lima"}, {"@type": "Person", "name": "Bo Chen"}]}</script>',
            "Ana Lima, Bo Chen",
        ),
        (
            '<script type="application/ld+json">{"@type": "Article", '
            '"author": {"@type": "Organization", "name": "Example Media"}}</script>',
            None,
        ),
    ],
)
def test_the_author_the_page_declares_comes_as_written_and_never_a_publisher(head, author):
    html = f"<html><head><title>Budget agreed</title>{head}</head><body><article>{_ARTICLE}</article></body></html>"
    for preset in ("default", "fast"):
        assert clean(html, preset=preset).author == author, preset


@pytest.mark.parametrize(
    ("head", "body", "date"),
    [
        # meta tags first, then JSON-LD, then the markup's datePublished, then the first <time datetime>
        (
            '<meta property="article:published_time" content="2024-03-05T10:00:00Z">',
            '<time datetime="2020-01-01">',
            "2024-03-05",
        ),
        ('<script type="application/ld+json">{"datePublished": "2023-07-09"}</script>', "", "2023-07-09"),
        ("", '<span itemprop="datePublished" content="2022-11-30"></span><time datetime="2020-01-01">', "2022-11-30"),
        ('<meta name="date" content="05/03/2024">', '<time datetime="2021-06-15T08:00">June 15</time>', "2021-06-15"),
        # a date only in the words of the page, or one in no ISO form, is not a declared date
        ("", "<p>Published on 5 March 2024.</p><time datetime='March 5'>March 5</time>", None),
    ],
)
def test_the_date_is_the_one_the_page_declares(head, body, date):
    html = (
        f"<html><head><title>Budget agreed</title>{head}</head><body><article>{body}{_ARTICLE}</article></body></html>"
    )
    for preset in ("default", "fast"):
        assert clean(html, preset=preset).date == date, preset


def test_a_product_page_s_declared_date_is_no_publication_date():
    """A shop's page declares the date its record was made: no publication date (measured on wcxb:
    docs/decisions.md, "Publication date")."""
    head = '<script type="application/ld+json">{"@type": "Product", "name": "Oak desk", "datePublished": "2023-07-09",'
    head += ' "offers": {"@type": "Offer", "price": "120.00", "priceCurrency": "EUR"}}</script>'
    body = "<h1>Oak desk</h1><p>Price: 120.00 EUR. In stock. Add to cart.</p>" + _ARTICLE
    html = f"<html><head><title>Oak desk</title>{head}</head><body><main>{body}</main></body></html>"
    for preset in ("default", "fast"):
        doc = clean(html, url="https://shop.example.org/product/oak-desk", preset=preset)
        assert (doc.page_type, doc.date) == ("product", None), preset


def test_the_title_is_the_headline_above_the_article_not_the_seo_title():
    html = (
        "<html><head><title>Top 10 Garden Tips (2026) | Green Site</title>"
        '<meta property="og:title" content="Top 10 Garden Tips (2026) | Green Site"></head><body>'
        "<header><h1>Green Site</h1></header>"
        f"<article><h1>Ten ways to a better garden this spring</h1>{_ARTICLE}</article></body></html>"
    )
    assert clean(html).title == "Ten ways to a better garden this spring"
    without_headline = html.replace("<h1>Ten ways to a better garden this spring</h1>", "")
    assert clean(without_headline).title == "Top 10 Garden Tips (2026)"


def test_a_collapsed_h1_is_not_the_title():
    html = (
        "<html><head><title>Budget agreed after late talks | Daily Post</title>"
        '<meta property="og:title" content="Budget agreed after late talks"></head><body>'
        f'<div class="dialog" hidden><h1>Your basket is empty</h1></div><article>{_ARTICLE}</article></body></html>'
    )
    assert clean(html).title == "Budget agreed after late talks"


def test_a_json_ld_block_nested_past_the_parser_does_not_fail_the_page():
    nested = "[" * 100_000 + "]" * 100_000
    people = "[" * 50 + '{"@type": "Person", "name": "Ana Lima"}' + "]" * 50
    head = f'<script type="application/ld+json">{nested}</script>'
    head += f'<script type="application/ld+json">{{"author": {people}}}</script>'
    html = f"<html><head><title>Budget agreed</title>{head}</head><body><article>{_ARTICLE}</article></body></html>"
    for preset in ("default", "fast"):
        doc = clean(html, preset=preset)
        assert doc.error is None and "budget" in doc.text, preset
        assert doc.author is None, preset  # a name buried 50 lists deep is not a byline


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "empty input"),
        ("   \n", "empty input"),
        (b"\x00\x01\x02\x03" * 100, "not text"),
        (b"<html><body><script>x()</script></body></html>", "no text in this HTML page"),
    ],
)
def test_bad_input_gives_an_error_record(content, error):
    doc = clean(content)
    assert doc.error is not None and error in doc.error
    assert doc.text == ""
    assert doc.provenance.input_sha256


def test_missing_file_gives_an_error_record(tmp_path):
    doc = clean_file(tmp_path / "nope.html")
    assert doc.error == "cannot read file: No such file or directory"
    assert doc.provenance.source.endswith("nope.html")


def test_unknown_mode_is_a_programming_error():
    with pytest.raises(ValueError, match="mode"):
        clean("text", mode="pdf")


def test_rules_argument_accepts_files(tmp_path):
    rules = tmp_path / "r.toml"
    rules.write_text(
        "[ruleset]\nclass='promo'\nnew_classes=['promo']\n[[rules]]\nid='promo.x'\npattern='^download our app'\n"
        "positive=['Download our app today']\nnegative=['They did not download it']",
        encoding="utf-8",
    )
    text = "A first sentence of the article that is long enough to count as prose.\n\nDownload our app today"
    doc = clean(text, rules=[rules])
    assert [(s.reason, s.rule) for s in doc.removed] == [("promo", "promo.x")]


_STORY = " ".join(
    f"The harbour board met for the {n} time this year and agreed that the new pier would open in spring."
    for n in ("first", "second", "third", "fourth", "fifth")
)
_MENU = "<nav><a href='/'>Home</a> <a href='/news'>News</a> <a href='/sport'>Sport</a></nav>"


def test_an_article_hidden_until_a_script_shows_it_is_cleaned():
    """Most of the page's prose inside display:none: a script shows it once it runs, so the model decides it."""
    paragraphs = "".join(f"<p>{_STORY} Paragraph {n}.</p>" for n in range(3))
    # the shown part (menus, offers) has more text than the hidden article, but no prose
    shop = "".join(f"<li><a href='/c/{n}'>Vitamins and supplements, aisle {n}</a></li>" for n in range(80))
    page = (
        f"<html><body>{_MENU}<ul class='catalog'>{shop}</ul><p>Free delivery on orders over 40 euros.</p>"
        f"<div class='defer-block' style='display: none'><article><h1>Pier opens</h1>{paragraphs}</article></div>"
        "<footer>© Harbour News</footer></body></html>"
    )
    doc = clean(page)
    assert doc.error is None
    assert doc.text.count("harbour board met for the first time") == 3
    assert not [d for d in doc.decisions if d.reason == "hidden"]


def test_a_hidden_popup_beside_a_shown_article_stays_removed():
    page = (
        f"<html><body>{_MENU}<article><h1>Pier opens</h1><p>{_STORY}</p><p>{_STORY} Again.</p></article>"
        f"<div class='modal' style='display:none'><p>{_STORY} Hidden copy.</p></div></body></html>"
    )
    doc = clean(page)
    assert "Hidden copy" not in doc.text
    assert any(d.reason == "hidden" for d in doc.decisions)
