"""The page-at-once feature computation against their definition, written block by block.

``cleaner.model.features`` computes columns over the whole page for speed; the reference below
is the plain per-block reading of each feature. The model was trained on exactly these values,
so the two must agree to the last bit, on HTML blocks and on text lines.
"""

from __future__ import annotations

import importlib
import math

import features_reference as R
import numpy
import pytest
from conftest import HTML_FIXTURES, SEED_FILES

from cleaner import clean, clean_file
from cleaner.records import Block, Decision

F = importlib.import_module("cleaner.model.features")  # the package's name `features` is the function

_STRIP = ".,;:!?\"'()[]“”‘’«»"


def _own(block, n_counted: int) -> list[float]:
    text = block.text
    words = text.split()
    n_words = max(1, len(words))
    tokens = [w.strip(_STRIP).lower() for w in words]
    return [
        math.log1p(n_counted),
        math.log1p(len(text)),
        len(R._PUNCT.findall(text)) / max(1, len(text)),
        len(R._DIGIT.findall(text)) / max(1, len(text)),
        sum(1 for w in words if w[:1].isupper()) / n_words,
        sum(1 for t in tokens if t in F.STOPWORDS) / n_words,
        sum(len(w) for w in words) / n_words,
        1.0 if R._TERMINAL.search(text) else 0.0,
        1.0 if text.endswith(("…", "...")) else 0.0,
        float(text.count("\n") + 1),
        block.link_density,
        float(block.tag_path.count("/")),
    ]


def _word_count(text: str) -> int:
    cjk = len(R._CJK.findall(text))
    return len(text.split()) + cjk // 2


def _one_hot(decision) -> list[float]:
    block = decision.block
    names = [f"kind_{block.kind}"]
    if not decision.keep:
        names.append(f"reason_{decision.reason}")
    names += [f"attr_{t}" for t in block.attrs] + [f"path_{t}" for t in block.tag_path.split("/")]
    start, end = F.NAMES.index(f"kind_{F.KINDS[0]}"), F.NAMES.index(f"path_{F.PATH_TAGS[-1]}") + 1
    return [1.0 if name in names else 0.0 for name in F.NAMES[start:end]]


def reference(decisions) -> list[list[float]]:
    """Every row, block by block, in the order of ``NAMES``."""
    n = len(decisions)
    total = max(1, decisions[-1].block.end)
    verdicts = [{True: 1.0, False: 0.0, None: 0.5}[d.block.main_content] for d in decisions]
    kept = [0.0 if F.rule_removed(d) else 1.0 for d in decisions]
    counts = [_word_count(d.block.text) for d in decisions]
    own = [_own(d.block, c) for d, c in zip(decisions, counts, strict=True)]
    page = R._page(counts, verdicts, kept)
    nearest = R._distance_to_kept_by_trafilatura(verdicts)
    first, last = R._dense_region(counts, kept)
    stamps = [c <= 14 and bool(R._STAMP.search(d.block.text)) for d, c in zip(decisions, counts, strict=True)]
    rows, last_heading = [], -100
    for i, decision in enumerate(decisions):
        if decision.block.kind == "h":
            last_heading = i
        row = [*own[i], i / n, decision.block.start / total, verdicts[i], 1.0 - kept[i], math.log1p(n)]
        row += [sum(kept) / n, float(min(20, i - last_heading)), *_one_hot(decision)]
        for j in (max(0, i - 1), min(n - 1, i + 1)):
            same = j == i
            row += [0.0 if same else own[j][0], 0.5 if same else verdicts[j], 0.0 if same else own[j][10]]
            row.append(0.5 if same else kept[j])
        window = range(max(0, i - 3), min(n, i + 4))
        row += [sum(verdicts[j] for j in window) / len(window), sum(kept[j] for j in window) / len(window)]
        for j in (i - 1, i + 1):
            row += [own[j][7], own[j][5]] if 0 <= j < n else [0.0, 0.0]
        row += [sum(own[j][column] for j in window) / len(window) for column in (0, 7, 5)]
        row += [float(sum(stamps[max(0, i - 4) : i + 5])), math.log1p(sum(stamps))]
        row += [*page[:3], 1.0 if page[3] <= i <= page[4] else 0.0, float(min(20, nearest[i]))]
        row += [1.0 if first <= i <= last else 0.0, float(min(20, max(first - i, i - last, 0)))]
        row.append(sum(counts[first : last + 1]) / max(1, sum(counts)))
        row.append(1.0 if decision.block.collapsed else 0.0)
        rows.append(row)
    return rows


_MIXED = "Überschrift\n\n東京の天気は晴れです。明日も晴れるでしょう。\n\n« Zurück | Weiter »\n\n" + "Ein Satz. " * 30
DOCUMENTS = [*HTML_FIXTURES, *SEED_FILES, "mixed scripts"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: getattr(document, "name", document))
def test_page_at_once_features_equal_the_block_by_block_definition(document):
    decisions = clean(_MIXED, mode="text").decisions if document == "mixed scripts" else clean_file(document).decisions
    assert decisions
    rows = F.features(decisions)
    assert rows.shape == (len(decisions), len(F.NAMES))
    assert numpy.array_equal(rows, numpy.array(reference(decisions)))


@pytest.mark.parametrize(
    ("text", "words"),
    [("Three plain words", 3), ("Überschrift für alle", 3), ("東京の天気は晴れです", 6), ("Tokyo 東京の天気", 4)],
)
def test_word_count_counts_two_cjk_characters_as_a_word(text, words):
    assert F.word_count(text) == words == _word_count(text)
    assert F.word_count(text, text.split()) == words


def test_no_blocks_no_rows():
    assert F.features([]).shape == (0, len(F.NAMES))


def context_reference(probabilities, words, open_) -> list[list[float]]:
    """Every context row, block by block, in the order of ``CONTEXT_NAMES``."""
    n = len(probabilities)
    p = [q if o else 0.0 for q, o in zip(probabilities, open_, strict=True)]
    share = sum(w for w, q in zip(words, p, strict=True) if q >= 0.5) / max(1.0, sum(words))
    first, last = F._probable_region(numpy.array([(q - 0.5) * max(w, 1.0) for q, w in zip(p, words, strict=True)]))
    rows = []
    for i in range(n):
        row = [p[i]] + [p[i + k] if 0 <= i + k < n else 0.5 for k in (-1, 1, -2, 2)]
        for half in (3, 10):
            window = range(max(0, i - half), min(n, i + half + 1))
            others = [j for j in window if j != i]
            row.append(sum(p[j] for j in others) / max(1, len(others)))
            row.append(sum(p[j] * words[j] for j in window) / max(1.0, sum(words[j] for j in window)))
        before = [i - j for j in range(i + 1) if p[j] >= 0.8]
        after = [j - i for j in range(i, n) if p[j] >= 0.8]
        row += [float(min([30, *before])), float(min([30, *after])), share]
        row += [1.0 if first <= i <= last else 0.0, float(min(30, max(first - i, i - last, 0)))]
        rows.append(row)
    return rows


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda document: getattr(document, "name", document))
def test_context_columns_equal_the_block_by_block_definition(document):
    decisions = clean(_MIXED, mode="text").decisions if document == "mixed scripts" else clean_file(document).decisions
    rows = F.features(decisions)
    probabilities = numpy.random.default_rng(len(decisions)).random(len(decisions))
    open_ = numpy.array([not F.rule_removed(d) for d in decisions])
    columns = F.context(probabilities, rows, open_)
    assert columns.shape == (len(decisions), len(F.CONTEXT_NAMES))
    words = [math.expm1(row[0]) for row in rows]
    expected = numpy.array(context_reference(probabilities.tolist(), words, open_.tolist()))
    numpy.testing.assert_allclose(columns, expected, rtol=0, atol=1e-12)


def test_probable_region_is_the_run_the_model_believes_in():
    # a short teaser, the article (three confident paragraphs, one doubtful line inside), then a list
    probabilities = numpy.array([0.3, 0.9, 0.95, 0.45, 0.9, 0.2, 0.1])
    words = [6, 80, 120, 8, 90, 5, 5]
    rows = numpy.zeros((len(words), len(F.NAMES)))
    rows[:, 0] = numpy.log1p(words)
    columns = F.context(probabilities, rows, numpy.ones(len(words), dtype=bool))
    inside = columns[:, F.CONTEXT_NAMES.index("inside_probable_region")]
    assert inside.tolist() == [0, 1, 1, 1, 1, 0, 0]
    assert columns[0, F.CONTEXT_NAMES.index("prev_probability")] == 0.5  # nothing before the first block
    assert columns[3, F.CONTEXT_NAMES.index("confident_before")] == 1
    removed = F.context(probabilities, rows, numpy.array([True, True, False, True, True, True, True]))
    assert removed[2, F.CONTEXT_NAMES.index("probability")] == 0.0  # a block a rule removed counts as 0


@pytest.mark.parametrize(
    "text",
    [
        "".join(map(chr, range(128))),
        "Plain: 3 words, 12 digits 0123456789!",
        "a_b\x1c\x1f\x7f",
        "Zürich, 2025 — ٣ أيام",
    ],
)
def test_symbol_counts_equal_the_patterns_matches(text):
    """Punctuation and digits are counted as the patterns match them, control characters included."""
    row = F.features([Decision(Block(0, text, 0, len(text)), keep=True)])[0]
    n = max(1, len(text))
    assert row[F.NAMES.index("punct_ratio")] == len(R._PUNCT.findall(text)) / n
    assert row[F.NAMES.index("digit_ratio")] == len(R._DIGIT.findall(text)) / n
