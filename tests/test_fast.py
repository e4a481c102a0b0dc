"""The fast preset: resiliparse's main content through text mode and the text model, real parsing."""

from __future__ import annotations

import json

import pytest
from conftest import HTML_FIXTURES, SEED_FILES, SEEDS, load_expected, run_cli

from cleaner import clean, clean_file, model
from cleaner.metadata.head import head_metadata
from cleaner.rules import builtin_ruleset
from cleaner.segment.fast import _open_collapsed, main_lines


def _expected(page):
    return load_expected(page.with_name(page.stem + ".expected.json"))


@pytest.mark.parametrize("page", HTML_FIXTURES, ids=[p.stem for p in HTML_FIXTURES])
def test_fast_keeps_every_article_paragraph_and_records_the_preset(page):
    doc = clean_file(page, preset="fast")
    assert doc.error is None
    assert doc.provenance.input_kind == "html"
    assert dict(doc.provenance.options)["preset"] == "fast"
    assert doc.provenance.model_version == model.version("text")  # resiliparse's lines go to the text model
    kept = doc.text.split("\n\n")
    expected = _expected(page)["text"].split("\n\n")
    # the paragraphs; the headline is not always among resiliparse's main lines (it stays in ``title``)
    assert [p for p in expected if p not in kept and p != doc.title] == []
    for span in doc.removed:
        assert span.reason and span.reason != "unknown"
        assert span.text not in expected
        assert 0 <= span.start < span.end


def test_fast_removes_known_boilerplate():
    pages = {p.stem: p for p in HTML_FIXTURES}
    consent = clean_file(pages["01_cookie_consent_modal"], preset="fast")
    assert "cookies" not in consent.text.lower()
    assert consent.title == "Riverton council approves eastern tram extension"
    assert consent.author == "Tom Hale"
    # resiliparse's lines go through text mode: the headline is the text's title line, kept once
    assert {"section_label", "byline"} <= {span.reason for span in consent.removed}
    assert consent.text.startswith("Riverton council approves eastern tram extension\n\n")
    precise = clean_file(pages["01_cookie_consent_modal"], preset="fast", favor="precision")
    assert "title" in {span.reason for span in precise.removed}
    assert not precise.text.startswith("Riverton council approves")
    paywall = clean_file(pages["02_paywall_teaser"], preset="fast")
    assert "Subscribe to continue reading" not in paywall.text
    assert {"paywall", "subscription_prompt"} <= {span.reason for span in paywall.removed}
    blog = clean_file(pages["03_blog_related_and_comment_form"], preset="fast")
    assert "Leave a Reply" not in blog.text
    assert "comment_prompt" in {span.reason for span in blog.removed}
    assert blog.text.startswith("Posted on by Margaret Olsen") or "Every October someone asks me" in blog.text


def test_fast_text_mode_on_a_seed():
    doc = clean_file(SEEDS / "002_51033e559864e0e3.txt", preset="fast")
    assert doc.error is None and doc.provenance.input_kind == "text"
    reasons = {span.reason for span in doc.removed}
    expected = {"byline", "duplicate_title", "source_link", "related_content", "comment_prompt"}
    expected.add("cookie_banner")
    assert reasons == expected
    assert doc.author == "Admin"
    assert "But for a better view of why North Korea shouldn’t be ignored" in doc.text
    assert doc.text.startswith(f"{doc.title}\n\n")  # the headline once, as in the default
    assert "You may also like" not in doc.text


@pytest.mark.parametrize("seed", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_fast_text_mode_removes_what_the_default_rules_remove(seed):
    """Without the model, text mode is the default's rule decisions: the same blocks with the same rules
    (the headline's first occurrence kept, as an extraction's is at the default)."""
    from cleaner.decide.state import keep_headline
    from cleaner.stages import text_decisions

    text = seed.read_text(encoding="utf-8")
    fast = clean(text, mode="text", preset="fast")
    assert fast.provenance.text_form == "extracted"
    rules_only = keep_headline(text_decisions(text, builtin_ruleset())[0])
    assert [(s.reason, s.rule, s.text) for s in fast.removed] == [
        (d.reason, d.rule, d.block.text) for d in rules_only if not d.keep
    ]


def test_main_lines_and_headline_of_minimal_html():
    markup = '<h2>Kicker</h2><h1>Title &amp; <a href="/t">more</a></h1>\n\n<p>Text  with <a href="x">a link</a>.</p>\n'
    markup += '<ul><li><a href="y">Home</a></li><li>Two<br>lines</li></ul><p>\u00a0</p><pre>a\r\nb</pre>'
    lines, headline = main_lines(markup)
    assert lines == ["Kicker", "Title & more", "Text with a link.", "Home", "Two", "lines", "a", "b"]
    assert headline == "Title & more"
    assert main_lines("<h1> </h1><p>Body</p><h1>Second</h1>") == (["Body", "Second"], "Second")
    assert main_lines("<p>No heading</p>") == (["No heading"], None)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "empty input"),
        (b"   \n\t ", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "not text"),
        ('{"html": "<p>x</p>"}', "not a web page"),
        ("<html><body><nav>Home</nav></body></html>", "no article text found"),
    ],
)
def test_fast_bad_input_gives_an_error_record(content, error):
    doc = clean(content, preset="fast")
    assert doc.text == "" and doc.error is not None and doc.error.startswith(error), doc.error
    assert dict(doc.provenance.options)["preset"] == "fast"


def test_fast_unreadable_file_and_unknown_preset(tmp_path):
    doc = clean_file(tmp_path / "missing.html", preset="fast")
    assert doc.error.startswith("cannot read file") and dict(doc.provenance.options)["preset"] == "fast"
    with pytest.raises(ValueError, match="preset"):
        clean("<p>text</p>", preset="turbo")


def test_default_records_carry_no_preset():
    doc = clean_file(HTML_FIXTURES[0])
    assert "preset" not in dict(doc.provenance.options)


def test_cli_preset_fast_with_a_bad_file(tmp_path):
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    out = tmp_path / "out.jsonl"
    done = run_cli("clean", str(bad), str(HTML_FIXTURES[0]), "--preset", "fast", "-j", "1", "-o", str(out), "--quiet")
    assert done.returncode == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["error"] is None for r in records] == [False, True]
    assert all(r["provenance"]["options"]["preset"] == "fast" for r in records)
    assert "Riverton city council voted 9 to 4" in records[1]["text"]


def test_page_metadata_reads_meta_tags_but_not_comments_scripts_or_broken_attributes():
    """The meta tags are read from the serialized <head>: what only looks like a tag is not one."""
    from resiliparse.parse.html import HTMLTree

    page = (
        "<html lang='en-GB'><head><title>Site | Fallback title</title>"
        "<!--[if IE]><meta name='author' content='From a comment'><![endif]-->"
        '<script>var s = \'<meta name="author" content="From a script">\';</script>'
        '<meta property="og:title" content="Broken "quotes" here">'
        "<meta property='og:title' content='Rock &amp; Roll &quot;Live&quot;'>"
        "<meta name=author content='Jane Doe'><meta name='author' content='Second Author'>"
        "<meta property='article:published_time' content='2024-03-05T10:00:00Z'>"
        "<meta name='description'></head><body><p>x</p></body></html>"
    )
    meta = head_metadata(HTMLTree.parse(page), "https://example.org/a")
    assert meta.title == "Broken"
    assert meta.author == "Jane Doe"
    assert meta.date == "2024-03-05"
    assert meta.html_lang == "en"
    single = "<html><head><meta property='og:title' content='Rock &amp; Roll &quot;Live&quot;'></head></html>"
    assert head_metadata(HTMLTree.parse(single), None).title == 'Rock & Roll "Live"'


def test_only_collapsed_elements_lose_their_hidden_attribute():
    from resiliparse.parse.html import HTMLTree

    tree = HTMLTree.parse(
        '<body><div hidden id="panel">A</div><div hidden style="visibility: hidden" id="styled">B</div>'
        '<div hidden aria-hidden="true" id="decor">C</div><div hidden style="DISPLAY:none" id="gone">D</div></body>'
    )
    _open_collapsed(tree)
    still = {node.id: node.hasattr("hidden") for node in tree.document.query_selector_all("div")}
    assert still == {"panel": False, "styled": True, "decor": True, "gone": True}


def test_fast_scores_with_the_content_model_alone():
    import numpy

    from cleaner.model.features import features, rule_removed
    from cleaner.options import Options
    from cleaner.stages import Input, fast_html

    page = HTML_FIXTURES[2]
    html = page.read_bytes().decode("utf-8")
    options = Options(preset="fast")
    decisions = fast_html(Input(html, page.read_bytes(), "utf-8", str(page), options, builtin_ruleset())).decisions
    open_ = numpy.array([not rule_removed(d) for d in decisions])
    loaded = model.load("text")
    alone = loaded.forest.probabilities(features(decisions))
    doc = clean(html, preset="fast")
    scored = [(d.score, p) for d, p, o in zip(doc.decisions, alone, open_, strict=True) if o]
    assert scored and all(score == p for score, p in scored)
    assert loaded.context is not None  # it is there, and the fast preset leaves it out


@pytest.mark.parametrize(
    "head, body",
    [
        ("<meta name='author' content='Jane Doe'><meta name='date' content='2023-01-02'>", "<p>x</p>"),
        (
            '<script type="application/ld+json">'
            '{"author": {"name": "Ann Lee"}, "datePublished": "2022-05-06"}</script>',
            "",
        ),
        (
            "",
            '<p><span itemprop="datePublished" content="2021-07-08">8 July</span>'
            ' <time datetime="2020-01-01">x</time></p>',
        ),
        ("", '<p><time>soon</time><time datetime="2019-02-03T10:00">3 Feb</time></p>'),
        ("<meta property='article:author' content='https://example.org/jane'>", "<p>x</p>"),
    ],
)
def test_both_presets_read_the_pages_declared_author_and_date_alike(head, body):
    """The fast preset reads resiliparse's tree, the default lxml's: the facts and their order are one function."""
    from lxml import html as lxml_html
    from resiliparse.parse.html import HTMLTree

    from cleaner.metadata.page import declared, declared_date, markup_dates

    page = f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"
    fast = head_metadata(HTMLTree.parse(page), None)
    tree = lxml_html.fromstring(page)
    own = declared(tree)
    assert (fast.author, fast.date) == (own.get("author"), declared_date(own, markup_dates(tree)))
