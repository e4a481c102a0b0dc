"""Precision guard: articles that talk about cookies, newsletters, comments... must survive whole."""

from __future__ import annotations

import pytest
from conftest import FIXTURES

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
    blocks = [line for line in normalize_text(decode(path.read_bytes()).text).split("\n") if line]
    assert doc.text == "\n\n".join(blocks)
