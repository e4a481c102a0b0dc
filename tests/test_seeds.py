"""The four seed documents: the project's first acceptance test, compared exactly."""

from __future__ import annotations

import json

import pytest
from conftest import SEED_FILES, SEEDS, as_laid_out, load_expected, run_cli

from cleaner import clean_file
from cleaner.input.decode import decode
from cleaner.segment.normalize import normalize_text


def _as_expected(doc) -> dict:
    return {
        "text": doc.text,
        "title": doc.title,
        "author": doc.author,
        "categories": list(doc.categories),
        "removed": [{"reason": span.reason, "text": span.text} for span in doc.removed],
    }


def test_there_are_four_seeds_each_with_an_expected_result():
    assert len(SEED_FILES) == 4
    for seed in SEED_FILES:
        assert (SEEDS / "expected" / f"{seed.stem}.json").exists()


@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.stem for s in SEED_FILES])
def test_library_reproduces_expected(seed):
    assert _as_expected(clean_file(seed)) == load_expected(SEEDS / "expected" / f"{seed.stem}.json")


def test_cli_jsonl_reproduces_expected():
    result = run_cli("clean", *[str(s.relative_to(SEEDS.parent)) for s in SEED_FILES], "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(records) == 4
    for seed, record in zip(SEED_FILES, records, strict=True):
        expected = load_expected(SEEDS / "expected" / f"{seed.stem}.json")
        got = {key: record[key] for key in ("text", "title", "author", "categories")}
        got["removed"] = [{"reason": r["reason"], "text": r["text"]} for r in record["removed"]]
        assert got == expected
        assert record["provenance"]["source"].endswith(seed.name)


def test_clean_article_loses_nothing():
    seed = SEEDS / "001_3c14234a91156810.txt"
    doc = clean_file(seed)
    assert doc.removed == ()
    assert doc.text == as_laid_out(decode(seed.read_bytes()).text)


def test_two_captures_of_one_article_share_their_sentences():
    """000 and 001 are the same article: every sentence 000 keeps after its first line is in 001."""
    kept = clean_file(SEEDS / "000_0b9a9fd855b56c50.txt").text.split("\n\n")
    other = clean_file(SEEDS / "001_3c14234a91156810.txt").text.replace("’", "'")
    for paragraph in kept[2:]:
        first_sentence = paragraph.replace("’", "'").split(". ")[0]
        assert first_sentence in other


@pytest.mark.parametrize("seed", SEED_FILES, ids=[s.stem for s in SEED_FILES])
def test_removed_spans_point_into_the_normalized_input(seed):
    doc = clean_file(seed)
    normalized = normalize_text(decode(seed.read_bytes()).text)
    for span in doc.removed:
        assert " ".join(normalized[span.start : span.end].split()) == span.text
