"""The compiled core gives what the Python it replaced gave: the same normalized text, the same blocks
(character offsets, collapsed text, kinds), on random Unicode text and on every fixture and seed.

The reference below is the removed Python implementation of ``normalize_text`` and ``segment_text``,
kept here alone, as the specification the core is checked against.

The core follows the Unicode version of Rust and of its crates, Python its own (Python 3.11: Unicode 14).
Six characters' Lowercase property changed in between, which decides whether a line that starts with
one continues a hard-wrapped sentence: :data:`LOWERCASE_CHANGED` lists them, and the random texts leave
them out. On every other character Python assigns, the two agree, NFC included (checked one by one).

The core's LightGBM evaluator (``cleaner.model.trees``) is checked the same way, against the numpy
evaluator it replaced (``trees_reference.py``): the same raw scores, bit for bit, for every shipped model.

And the core's feature rows (``cleaner.model.features``) against the Python that computed them
(``features_reference.py``): the same rows, bit for bit, on random pages of random Unicode text and
on every fixture and seed. Their character classes follow Python's own (``core/python_unicode.py``
writes them from its Unicode database): on the Unicode version they were written from, every code
point is checked one by one.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import threading
import unicodedata

import features_reference
import lightgbm
import numpy
import pytest
import trees_reference
from conftest import HTML_FIXTURES, ROOT, SEED_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import _core, clean, clean_file
from cleaner import model as models
from cleaner.model import trees
from cleaner.records import Block, Decision
from cleaner.segment.blocks import segment_text
from cleaner.segment.normalize import normalize_text

# --- the reference: the Python implementation the core replaced ---------------------------------

_SPACES = re.compile(r"[ \t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\x00]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_UNUSUAL = re.compile(r"[\t\f\v\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\u2060\ufeff\u00ad\x00]")
_PLAIN_RUNS = re.compile(" {2,}")
_INDENTED = re.compile(r"(?m)^[ \t]+\S")
_TABLE_ROW = re.compile(r"^\|.*\|$")
_TERMINAL = re.compile(r"[.!?:;…\"”’»)\]]$")


def reference_normalize_text(text: str, indent: bool = False) -> str:
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = _NEWLINES.sub("\n", text)
    text = original = unicodedata.normalize("NFC", text)
    if _UNUSUAL.search(text):
        text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    elif "  " in text:
        text = _PLAIN_RUNS.sub(" ", text)
    if indent and _INDENTED.search(original):
        return _reference_indented(original, text)
    return "\n".join([line.strip() for line in text.split("\n")]).strip("\n")


def _reference_indented(original: str, normalized: str) -> str:
    lines = normalized.split("\n")
    widths = [
        len(raw.expandtabs(4)) - len(raw.expandtabs(4).lstrip(" \t")) if line.strip() else None
        for raw, line in zip(original.split("\n"), lines, strict=True)
    ]
    common = min((w for w in widths if w is not None), default=0)
    out = [" " * (w - common) + line.strip() if w is not None else "" for w, line in zip(widths, lines, strict=True)]
    return "\n".join(out).strip("\n")


def reference_segment_text(text: str) -> list[tuple[int, int, str, str]]:
    blocks: list[tuple[int, int, str]] = []
    offset = 0
    previous_blank = True
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line:
            previous_blank = True
            continue
        if line[0] == " ":
            start += len(line) - len(line.lstrip(" "))
            line = line.lstrip(" ")
        if _TABLE_ROW.match(line):
            inner = line.strip("| ")
            if inner.strip("-:| "):
                first = start + line.index(inner)
                blocks.append((first, first + len(inner), "cell"))
            previous_blank = False
            continue
        if blocks and not previous_blank and _continues(text[blocks[-1][0] : blocks[-1][1]], line):
            blocks[-1] = (blocks[-1][0], end, blocks[-1][2])
        else:
            blocks.append((start, end, "line"))
        previous_blank = False
    return [(start, end, kind, _collapse(text[start:end])) for start, end, kind in blocks]


def _continues(previous: str, line: str) -> bool:
    return not _TERMINAL.search(previous) and line[:1].islower() and len(previous) >= 40


def _collapse(text: str) -> str:
    return " ".join(_INVISIBLE.sub("", text).split())


# --- the checks -----------------------------------------------------------------------------------


# str.islower() in Unicode 14 and char::is_lowercase in Rust's Unicode (16 and later) tell apart: U+0295 is
# no longer Lowercase since Unicode 16, the modifier letters are since Unicode 15
LOWERCASE_CHANGED = frozenset("\u0295\u10fc\ua7f2\ua7f3\ua7f4\uab69")


def _assigned(char: str) -> bool:
    """Python's Unicode database knows the character (and it is no lone surrogate, which no text holds)."""
    return unicodedata.category(char) not in ("Cn", "Cs")


def _comparable(char: str) -> bool:
    return _assigned(char) and char not in LOWERCASE_CHANGED


def _check(text: str) -> None:
    for indent in (False, True):
        normalized = normalize_text(text, indent=indent)
        assert normalized == reference_normalize_text(text, indent), (text, indent)
        blocks = [(b.start, b.end, b.kind, b.text) for b in segment_text(normalized)]
        assert blocks == reference_segment_text(normalized), (normalized, indent)
    raw = [(b.start, b.end, b.kind, b.text) for b in segment_text(text)]  # segmented as it came
    assert raw == reference_segment_text(text), text


# what the two steps treat apart: line ends, spaces and invisible characters, tabs and indentation,
# table pipes, sentence ends, letters of both cases, combining marks (NFC), the characters Python strips
SPECIAL = (
    "\n\r\u2028\u2029\x85 \t\f\v\x1c\x1d\x1e\x1f\u00a0\u1680\u2000\u2007\u200a\u202f\u205f\u3000"
    '\u200b\u2060\ufeff\u00ad\x00\u200c\u200d\u180e|-:.!?;…"”’»)]aAzZéÉßǅ\u0301\u0308\u0327\u0323'
    "e\u1100\u1161\u11a8\uac00\u0915\u093c\u2126\u212b\ufb01ǈǉ\U0001d41a\U0001f600"
)
_WORD = st.text(alphabet="abcdefghij ", min_size=0, max_size=45)
_CHARS = st.one_of(
    st.sampled_from(SPECIAL),
    st.characters(codec="utf-8").filter(_comparable),
)
_PIECES = st.one_of(
    st.text(alphabet=_CHARS, max_size=12),
    _WORD,
    st.sampled_from(["\n", "\r\n", "\n\n", "  ", "\t", "    ", "| ", " |", "|", "| --- |", ".\n", "\u2028"]),
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_TEXTS)
def test_the_core_is_the_python_it_replaced_on_random_text(text):
    _check(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", " ", "  ", "\t", " \t", "\t "]), _WORD), max_size=12))
def test_indentation_is_kept_as_the_python_kept_it(lines):
    _check("\n".join(indent + words for indent, words in lines))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n",
        "   ",
        "|",
        "||",
        "| |",
        "|-|",
        "| a |",
        "  | a | b |  ",
        "x" * 39 + "\nb",
        "x" * 40 + "\nb",
        "x" * 40 + ".\nb",
        "x" * 40 + "\nB",
        "x" * 40 + "\n  b",
        "\x1ca\x1f",
        "e\u0301\u0327 Å",
        "a\r\rb\r\n\r\nc",
        "\t\tcode\n\t  more\n  less",
    ],
)
def test_edges(text):
    _check(text)


def test_every_character_that_python_knows():
    """Each assigned code point on its own line (NFC of it) and starting a line after 40 letters
    (str.islower(): a lowercase letter continues a hard-wrapped sentence)."""
    chars = [chr(c) for c in range(sys.maxunicode + 1) if _assigned(chr(c)) and chr(c) not in "\n\r\x85\u2028\u2029"]
    assert normalize_text("\n".join(chars)) == reference_normalize_text("\n".join(chars))
    wrapped = [
        c for c in chars if _blocks("x" * 40 + "\n" + c + "y") != reference_segment_text("x" * 40 + "\n" + c + "y")
    ]
    assert set(wrapped) <= LOWERCASE_CHANGED
    if unicodedata.unidata_version == "14.0.0":
        assert set(wrapped) == LOWERCASE_CHANGED


def _blocks(text: str) -> list[tuple[int, int, str, str]]:
    return [(b.start, b.end, b.kind, b.text) for b in segment_text(text)]


_FILES = sorted(
    path
    for folder in ("fixtures", "seeds")
    for path in (ROOT / folder).rglob("*")
    if path.is_file() and path.suffix in (".txt", ".md", ".html", ".json")
)


@pytest.mark.parametrize("path", _FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_fixture_and_seed(path):
    _check(path.read_bytes().decode("utf-8", errors="replace"))  # NUL bytes included, which decode() refuses


# --- the trees -----------------------------------------------------------------------------------


def _rows(reference: trees_reference.Forest, count: int, seed: int) -> numpy.ndarray:
    """Rows that reach every kind of decision: values on a split's threshold, either side of it, zero,
    values within LightGBM's zero threshold, NaN, negatives and large values."""
    rng = numpy.random.default_rng(seed)
    thresholds = reference.threshold[numpy.isfinite(reference.threshold)]
    choices = [
        rng.choice(thresholds, size=(count, reference.n_features)),
        numpy.nextafter(rng.choice(thresholds, size=(count, reference.n_features)), numpy.inf),
        rng.random((count, reference.n_features)) * 10,
        -rng.random((count, reference.n_features)),
        numpy.full((count, reference.n_features), 0.0),
        numpy.full((count, reference.n_features), 1e-36),
        numpy.full((count, reference.n_features), numpy.nan),
        numpy.full((count, reference.n_features), 1e300),
    ]
    pick = rng.integers(0, len(choices), size=(count, reference.n_features))
    return numpy.choose(pick, choices)


_MODELS = sorted(path.name for path in models.HERE.glob("*.txt"))


@pytest.mark.parametrize("name", _MODELS)
def test_the_core_scores_every_shipped_model_as_the_numpy_did(name):
    text = (models.HERE / name).read_text(encoding="utf-8")
    reference, forest = trees_reference.parse(text), trees.parse(text)
    assert (forest.n_features, forest.n_classes) == (reference.n_features, reference.n_classes)
    assert forest.max_leaves == reference.leaf.shape[1]
    rows = _rows(reference, 500, seed=len(name))
    assert numpy.array_equal(forest.raw(rows), reference.raw(rows))
    assert numpy.array_equal(forest.probabilities(rows), reference.probabilities(rows))
    for layout in (numpy.asfortranarray(rows), rows[::-1], numpy.hstack([rows, rows])[:, ::2]):
        assert numpy.array_equal(forest.raw(layout), reference.raw(numpy.ascontiguousarray(layout)))
    # a few rows are walked down the trees instead: the same scores as among many rows. (The numpy
    # summed the trees of a lone row pairwise, not in their order, which LightGBM and the core follow.)
    for few in (1, 2, 3, 5):
        assert numpy.array_equal(forest.raw(rows[-few:]), reference.raw(rows)[-few:])


@pytest.mark.parametrize(
    "params",
    [{}, {"zero_as_missing": True}, {"use_missing": False}, {"objective": "multiclass", "num_class": 3}],
    ids=["nan", "zero", "none", "multiclass"],
)
def test_the_core_scores_missing_values_as_the_numpy_did(params):
    rng = numpy.random.default_rng(3)
    rows = rng.normal(size=(800, 6))
    labels = (rows[:, 0] + rows[:, 1] > 0).astype(int) + (rows[:, 2] > 1)
    rows[rng.random(rows.shape) < 0.2] = numpy.nan
    rows[rng.random(rows.shape) < 0.2] = 0.0
    settings = {"objective": "binary", "verbosity": -1, "num_threads": 1, "seed": 1, "deterministic": True}
    booster = lightgbm.train({**settings, **params}, lightgbm.Dataset(rows, label=labels), num_boost_round=20)
    text = booster.model_to_string()
    reference, forest = trees_reference.parse(text), trees.parse(text)
    assert numpy.array_equal(forest.raw(rows), reference.raw(rows))


def test_the_trees_score_in_threads_with_the_same_results():
    forest = trees.parse((models.HERE / "html.txt").read_text(encoding="utf-8"))
    rows = numpy.random.default_rng(1).random((3000, forest.n_features))
    expected = forest.raw(rows)
    results = []
    threads = [threading.Thread(target=lambda: results.append(forest.raw(rows))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(numpy.array_equal(result, expected) for result in results)


# --- the feature rows ----------------------------------------------------------------------------

F = importlib.import_module("cleaner.model.features")  # the package's name `features` is the function


def _same_rows(decisions) -> None:
    """The core's rows are the reference's, bit for bit (-0.0 and 0.0 told apart)."""
    rows, expected = F.features(decisions), features_reference.features(decisions)
    assert rows.dtype == expected.dtype and rows.shape == expected.shape
    if rows.tobytes() != expected.tobytes():
        wrong = sorted({F.NAMES[j] for _, j in numpy.argwhere(rows != expected)})
        raise AssertionError(f"columns {wrong} differ: {[d.block.text for d in decisions]!r}")


def test_the_vocabularies_are_the_reference_s():
    for name in ("NAMES", "KINDS", "REASONS", "ATTR_TOKENS", "PATH_TAGS", "STOPWORDS", "OPEN_REASONS", "_STRIP"):
        assert getattr(F, name) == getattr(features_reference, name), name
    assert F._CJK.pattern == features_reference._CJK.pattern
    assert features_reference._TERMINAL.pattern == "[" + F._TERMINAL.replace('"', '\\"') + "]$"
    units = "|".join(f"{unit}s?" for unit in F.STAMP_UNITS)
    assert features_reference._STAMP.pattern == rf"\b\d{{1,2}}:\d{{2}}\b|\b\d+ ({units}) ago\b"


# what the text statistics treat apart: Python's whitespace (U+001C to U+001F too), the characters
# stripped from a word and ending a sentence, digits of other scripts, CJK, letters that lowercase to a
# stop word (the Kelvin sign, dotted I), letters that re.IGNORECASE matches to ASCII ones, combining
# marks (letters to Rust, punctuation to Python), underscore, final sigma
_FEATURE_SPECIAL = (
    " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u202f\u3000\u200b\u180e"
    ".,;:!?\"'()[]“”‘’«»…_-/|"
    "0123456789٣۴߂१০௫๑\uff10\U0001d7ce²½Ⅻ"
    "あア漢字한국\u3040\u30ff\u3400\u4dbf\u4e00\u9fff\uac00\ud7af\u3000\u303f"
    "TtHhEeİıſKkÅåÜüΣσςẞßǅ\u0301\u093e\u0903Ⓐ"
)
_TOKENS = (
    "the The THE für FÜR İn In ın a A y Y i I o e de DE ago AGO minutes Minute hours days weeks months "
    "years ſeconds weeKs mınutes hİurs day"
).split()
_STAMPS = [
    "12:30",
    "7:05",
    "123:45",
    "1:234",
    "x12:30",
    "12:30x",
    "_1:30",
    "٣:٤٥",
    "5 minutes ago",
    "5 minute ago",
    "1 HOURS AGO",
    "3 dayss ago",
    "3 days agox",
    "3 days ago_",
    "a3 days ago",
    "30 ſeconds ago",
    "2 weeKs ago",
    "2 mİnutes ago",
    "2 mınute ago",
    "5  days ago",
    "5 days  ago",
    "٥ days ago",
]
_CJK_EDGES = "あア漢한\u3040\u30ff\u3400\u4dbf\u4e00\u9fff\uac00\ud7af\u303f\u3100\ud7b0"  # the ranges' ends and beyond
_FEATURE_CHARS = st.one_of(st.sampled_from(_FEATURE_SPECIAL), st.characters(codec="utf-8"))
_STAMP_PARTS = st.tuples(
    st.sampled_from(["5", "12", "٣", "x5", "_5", "5 "]),
    st.sampled_from([*F.STAMP_UNITS, "MINUTE", "weeK", "mİnute", "mınute", "ſecond", "Hour", "second", "dayz"]),
    st.sampled_from(["", "s", "S", "ſ", "ss"]),
    st.sampled_from(["ago", "AGO", "agO", "ag", "agos"]),
    st.sampled_from(["", ".", "x", "_", " ", "٣", "\n"]),
)
_CLOCK_PARTS = st.tuples(
    st.sampled_from(["", " ", "x", "_", "9", ".", "٣"]),
    st.sampled_from(["1", "12", "123", "٣", "1٣"]),
    st.sampled_from(["3", "30", "300", "٣٤"]),
    st.sampled_from(["", " ", "x", "_", "9", ".", ":"]),
)
_STRIPPED = st.text(alphabet=F._STRIP + "x_ ", max_size=2)
_FEATURE_PIECES = st.one_of(
    st.text(alphabet=_FEATURE_CHARS, max_size=8),
    st.text(alphabet=_CJK_EDGES, min_size=2, max_size=5),
    st.tuples(_STRIPPED, st.sampled_from(_TOKENS), _STRIPPED).map("".join),
    _STAMP_PARTS.map(lambda parts: "{} {}{} {}{}".format(*parts)),
    _CLOCK_PARTS.map(lambda parts: "{}{}:{}{}".format(*parts)),
    st.sampled_from(_STAMPS),
    st.sampled_from([" ", "  ", "\n", ". ", "...", "…", "\n\n"]),
)
_FEATURE_TEXTS = st.tuples(
    st.lists(_FEATURE_PIECES, max_size=30),
    st.sampled_from([" ", ""]),
    st.sampled_from(["", "\n", *F._TERMINAL, *(c + "\n" for c in F._TERMINAL), "…", "...", "x", "..\n"]),
).map(lambda parts: parts[1].join(parts[0]) + parts[2])
_TAGS = [*F.PATH_TAGS, "div", "p", "span", ""]
_ATTRS = [*F.ATTR_TOKENS[:12], "Content", "x-nav", ""]
_REASONS = [None, *F.REASONS[:6], *F.OPEN_REASONS, "kept", "unknown"]


@st.composite
def _pages(draw) -> list[Decision]:
    texts = draw(st.lists(_FEATURE_TEXTS, min_size=1, max_size=14))
    decisions, at = [], draw(st.integers(0, 3))
    for i, text in enumerate(texts):
        block = Block(
            i,
            text,
            at,
            at + len(text),
            kind=draw(st.sampled_from([*F.KINDS, "other"])),
            tag_path="/".join(draw(st.lists(st.sampled_from(_TAGS), max_size=5))),
            link_density=draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0))),
            main_content=draw(st.sampled_from([True, False, None])),
            attrs=tuple(draw(st.lists(st.sampled_from(_ATTRS), max_size=4))),
            collapsed=draw(st.booleans()),
        )
        at += len(text) + draw(st.integers(0, 2))
        keep = draw(st.booleans())
        reason = None if keep and draw(st.booleans()) else draw(st.sampled_from(_REASONS))
        decisions.append(Decision(block, keep=keep, reason=reason, evidence=draw(st.booleans())))
    return decisions


@settings(max_examples=600, deadline=None)
@given(_pages())
def test_the_core_s_rows_are_the_python_s_on_random_pages(decisions):
    _same_rows(decisions)


@pytest.mark.parametrize(
    "texts",
    [
        [""],
        ["", " ", "\n"],
        ["a\ud800b \udfff.", "\ud83d\ude00 the"],  # lone surrogates, which UTF-8 cannot hold
        ["ends.\n", "ends\n.", "ends.\n\n", "…", "...", "..", "end»", "end »\n"],
        ["东京的天气", "東京", "東", "한국어 텍스트", "ひらがな カタカナ"],
        ["ΣΑΣ σας ΟΔΟΣ.", "İstanbul İN", "KELVIN K", "ǅemal"],
        [f"Peter 07.08.12 at {h}:{m}" for h in ("1", "12", "123") for m in ("3", "30", "300")],
        ["5 days ago " * 3, "5 days ago " * 5],  # a stamp only in a line of at most 14 words
    ],
)
def test_the_core_s_rows_are_the_python_s_at_the_edges(texts):
    blocks = [Block(i, text, 10 * i, 10 * i + len(text)) for i, text in enumerate(texts)]
    _same_rows([Decision(block, keep=True) for block in blocks])


@pytest.mark.parametrize("path", [*HTML_FIXTURES, *SEED_FILES], ids=lambda path: path.name)
def test_the_core_s_rows_are_the_python_s_on_every_fixture_and_seed(path):
    decisions = clean_file(path).decisions
    assert decisions
    _same_rows(decisions)


def test_the_core_s_rows_for_every_character_python_knows():
    """Each code point that Python assigns, and every 97th other one (unassigned, private use or a
    surrogate), in a block of its own, once and twice (the text statistics: Python's classes)."""
    if unicodedata.unidata_version != _core.PYTHON_UNICODE:
        pytest.skip(f"the core's classes are Unicode {_core.PYTHON_UNICODE}'s, Python's {unicodedata.unidata_version}")
    chars = [chr(c) for c in range(sys.maxunicode + 1) if _assigned(chr(c)) or c % 97 == 0]
    texts = [f"{c} {c}{c}x" for c in chars]
    blocks = [Block(i, text, i, i + len(text)) for i, text in enumerate(texts)]
    step = 1 << 15
    for first in range(0, len(blocks), step):
        chunk = blocks[first : first + step]
        rows = F.features([Decision(block, keep=True) for block in chunk])[:, : features_reference._OWN_COLUMNS]
        expected = features_reference._text_statistics(chunk)[0]
        if rows.tobytes() != expected.tobytes():
            wrong = sorted({chunk[i].text[0] for i, _ in numpy.argwhere(rows != expected)})
            raise AssertionError(f"{len(wrong)} differ: {[hex(ord(c)) for c in wrong[:20]]}")


def test_the_core_s_character_classes_are_written_from_python():
    """``core/src/python_unicode.rs`` is what ``core/python_unicode.py`` writes from this Python."""
    if unicodedata.unidata_version != _core.PYTHON_UNICODE:
        pytest.skip(f"the tables are Unicode {_core.PYTHON_UNICODE}'s, Python's {unicodedata.unidata_version}")
    written = subprocess.run(
        [sys.executable, str(ROOT / "core" / "python_unicode.py")], capture_output=True, text=True, check=True
    )
    assert written.stdout == (ROOT / "core" / "src" / "python_unicode.rs").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "names",
    [F.NAMES[:-1], (*F.NAMES, "unknown"), (*F.NAMES, F.NAMES[0]), (*F.NAMES[:3], "kind_p", *F.NAMES[3:])],
    ids=["missing", "unknown", "twice", "twice one-hot"],
)
def test_the_core_refuses_names_it_does_not_compute_exactly_once(names):
    vocabularies = {
        "kinds": F.KINDS,
        "reasons": F.REASONS,
        "attr_tokens": F.ATTR_TOKENS,
        "path_tags": F.PATH_TAGS,
        "open_reasons": F.OPEN_REASONS,
        "heading": "h",
        "stopwords": sorted(F.STOPWORDS),
        "strip": F._STRIP,
        "terminal": F._TERMINAL,
        "endings": F._ELLIPSES,
        "cjk": F._CJK_RANGES,
        "stamp_units": F.STAMP_UNITS,
        "stamp_after": "ago",
    }
    assert _core.Features(F.NAMES, **vocabularies).width == len(F.NAMES)
    with pytest.raises(ValueError, match="feature"):
        _core.Features(names, **vocabularies)


def test_the_rows_are_computed_in_threads_with_the_same_results():
    decisions = [d for path in HTML_FIXTURES[:6] for d in clean_file(path).decisions] * 20
    expected = F.features(decisions)
    results = []
    threads = [threading.Thread(target=lambda: results.append(F.features(decisions))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and all(numpy.array_equal(result, expected) for result in results)


# --- safety ---------------------------------------------------------------------------------------


def test_a_panic_in_the_core_is_an_exception_not_a_crash():
    with pytest.raises(_core.PanicException, match="the tests asked for"):
        _core._panic_for_tests()


def test_a_panic_in_the_core_is_the_document_s_internal_error(monkeypatch):
    """PanicException is no Exception (it derives from BaseException): clean() still records it as the
    document's error, and the next document is cleaned."""
    import cleaner.stages

    assert not issubclass(_core.PanicException, Exception)
    monkeypatch.setattr(cleaner.stages, "normalize_text", lambda text, indent=False: _core._panic_for_tests())
    doc = clean("Some words of an article here. " * 5, mode="text")
    assert doc.error_kind == "internal"
    assert "PanicException" in doc.error
    monkeypatch.undo()
    assert clean("Some words of an article here. " * 5, mode="text").error is None


def test_the_core_runs_in_threads_with_the_same_results():
    text = ("  indented line of some words\n| a | b |\n" + "x" * 50 + "\nwrapped on\n\n") * 2000
    expected = [(b.start, b.end, b.kind, b.text) for b in segment_text(normalize_text(text, indent=True))]
    results = []

    def run():
        blocks = segment_text(normalize_text(text, indent=True))
        results.append([(b.start, b.end, b.kind, b.text) for b in blocks])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
