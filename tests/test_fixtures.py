"""Hand-written HTML pages modelled on real patterns, each with its expected clean result."""

from __future__ import annotations

import json

import pytest
from conftest import HTML_FIXTURES, load_expected, run_cli

from cleaner import clean_file

FIELDS = ("text", "title", "author", "date", "language")


def _expected(page):
    return load_expected(page.with_name(page.stem + ".expected.json"))


def test_at_least_twelve_fixtures():
    assert len(HTML_FIXTURES) >= 12


@pytest.mark.parametrize("page", HTML_FIXTURES, ids=[p.stem for p in HTML_FIXTURES])
def test_library_matches_expected(page):
    doc = clean_file(page)
    expected = _expected(page)
    assert doc.error is None
    assert doc.provenance.input_kind == "html"
    assert {field: getattr(doc, field) for field in FIELDS} == {field: expected[field] for field in FIELDS}


@pytest.mark.parametrize("page", HTML_FIXTURES, ids=[p.stem for p in HTML_FIXTURES])
def test_every_removed_block_has_a_reason_and_never_holds_expected_text(page):
    doc = clean_file(page)
    kept_blocks = set(_expected(page)["text"].split("\n\n"))
    for span in doc.removed:
        assert span.reason and span.reason != "unknown"
        assert span.text not in kept_blocks


def test_cli_matches_expected_for_every_fixture():
    result = run_cli("clean", *map(str, HTML_FIXTURES))
    assert result.returncode == 0, result.stderr.decode()
    records = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(records) == len(HTML_FIXTURES)
    for page, record in zip(HTML_FIXTURES, records, strict=True):
        expected = _expected(page)
        assert {field: record[field] for field in FIELDS} == {field: expected[field] for field in FIELDS}, page.name


def test_cli_text_output_of_one_fixture_is_the_clean_text():
    page = HTML_FIXTURES[0]
    result = run_cli("clean", str(page))
    assert result.returncode == 0
    assert result.stdout.decode("utf-8") == _expected(page)["text"] + "\n"


def test_known_boilerplate_reasons_are_reported():
    reasons = {span.reason for page in HTML_FIXTURES for span in clean_file(page).removed}
    for reason in ("cookie_banner", "subscription_prompt", "share_prompt", "related_content", "comment_prompt"):
        assert reason in reasons
    assert {"navigation", "hidden", "newsletter", "recent_posts"} <= reasons
    # the default keeps the headline's first occurrence in the text; favor="precision" names it a duplicate
    assert "duplicate_title" in {
        span.reason for page in HTML_FIXTURES for span in clean_file(page, favor="precision").removed
    }
