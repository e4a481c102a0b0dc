"""Matching blocks against trafilatura's output: the search shortcuts must answer as `text in output` does."""

from __future__ import annotations

import random

import pytest

from cleaner.records import Block
from cleaner.segment import label


def _sentence(rng: random.Random, vocabulary: list[str], words: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(words))


@pytest.mark.parametrize("index_from", [0, label._INDEX_FROM])
def test_output_holds_exactly_the_substrings(index_from, monkeypatch):
    """Blocks in order, out of order, cut inside words, and absent: with and without the triple index."""
    monkeypatch.setattr(label, "_INDEX_FROM", index_from)
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(60)] + ["a", "the", "of"]
    indexed = 0
    for size in (3, 40, 8000):
        lines = [_sentence(rng, vocabulary, rng.randint(1, 40)) for _ in range(size)]
        flat = " ".join(lines)
        output = label._Output(flat)
        indexed += output.triples is not None
        for _ in range(400):
            draw = rng.random()
            if draw < 0.4:
                start = rng.randrange(len(flat))
                text = flat[start : start + rng.randint(1, 300)]
            elif draw < 0.7:
                text = rng.choice(lines)
            else:
                text = _sentence(rng, vocabulary, rng.randint(1, 30))
            assert output.holds(text) == (text in flat), text
    assert indexed == (3 if index_from == 0 else 1)


def test_blocks_are_labelled_by_whole_lines_or_long_substrings():
    texts = ["Home", "A long paragraph of the article that trafilatura kept as it is.", "Menu item", "Two\nlines"]
    blocks = [Block(index=i, text=t, start=0, end=len(t), kind="p") for i, t in enumerate(texts)]
    extracted = "Home\nA long paragraph of the article that trafilatura kept as it is.\n- Two lines"
    labelled = label.label_main_content(blocks, extracted)
    # a short block must be a whole line of the output (list marks and line breaks do not count)
    assert [b.main_content for b in labelled] == [True, True, False, True]
