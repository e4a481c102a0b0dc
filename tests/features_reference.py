"""The Python feature rows that the compiled core replaced (``cleaner._core.Features``).

Kept here alone, verbatim, as the reference the core is checked against in ``test_core_equivalence.py``
and ``test_features.py``: the same rows, bit for bit. The vocabularies below are the reference's own
copies; the tests check them equal to ``cleaner.model.features``'s.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
from array import array
from collections.abc import Iterable, Sequence

import numpy

from cleaner.records import Block, Decision

KINDS = ("p", "h", "li", "quote", "pre", "cell", "caption", "line")
# reasons that rules and DOM markers give; "kept" and trafilatura's verdict are features of their own
REASONS = (
    "cookie_banner consent subscription_prompt paywall newsletter share_prompt feedback_prompt related_content "
    "recent_posts comment_prompt comments navigation form sidebar byline source_link title section_label "
    "duplicate_title timestamp_list legal_footer advertising hidden page_header"
).split()
ATTR_TOKENS = (
    "content article body post entry text story main single page wrapper container inner col row "
    "comment comments reply footer header nav menu sidebar widget related share social meta byline author "
    "date time caption ad ads promo newsletter subscribe tag tags category breadcrumb title summary lead "
    "intro card teaser list item link links button banner modal popup hidden rich prose markdown"
).split()
PATH_TAGS = ("article", "main", "aside", "footer", "header", "table", "li", "blockquote", "section", "form")
STOPWORDS = frozenset(
    "the a an and or but of to in on for with at by from as is are was were be been it its this that these "
    "those he she they we you i his her their our not no have has had will would can could should may "
    "der die das und ist nicht ein eine zu den von mit sich des auf für im dem le la les et est un une "
    "des du en que qui dans pour pas sur el los las y es un una por con para del se lo il di che non per "
    "una sono da o de e em um uma os na no do da het een en van is dat op te zijn yang dan di ini itu "
    "dengan untuk tidak dari dalam".split()
)
# the boilerplate classes the class model names for the blocks the content model removes: rule
# classes that describe what a block is (not structural steps such as title or hidden)
CLASSES = (
    "navigation related_content recent_posts comments comment_prompt share_prompt newsletter subscription_prompt "
    "paywall cookie_banner consent advertising legal_footer sidebar byline timestamp_list form source_link "
    "feedback_prompt"
).split()
OPEN_REASONS = ("outside_main_content", "low_content")  # trafilatura's verdict alone: the model may overrule it
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
# the ASCII characters each pattern matches, as bytes to delete: counting them in an ASCII text is
# then one C-level pass (bytes.translate) instead of a list of matches
_ASCII_PUNCT = bytes(c for c in range(128) if _PUNCT.match(chr(c)))
_ASCII_DIGITS = bytes(c for c in range(128) if _DIGIT.match(chr(c)))
_TERMINAL = re.compile(r"[.!?\"”’»)]$")
# a short line with a clock time or an age ("Peter 07.08.12 at 13:24", "5 days ago"): a comment's or a teaser's header
_STAMP = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d+ (minutes?|hours?|days?|weeks?|months?|years?) ago\b", re.I)
_STAMP_WORDS = 14
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str, words: Sequence[str] | None = None) -> int:
    """Words, where Chinese, Japanese and Korean text (no spaces) counts two characters as a word.

    ``words`` is ``text.split()`` when the caller has it already.
    """
    n_words = len(text.split() if words is None else words)
    cjk = 0 if text.isascii() else len(_CJK.findall(text))
    return n_words + cjk // 2 if cjk else n_words


NAMES: tuple[str, ...] = (
    "log_words",
    "log_chars",
    "punct_ratio",
    "digit_ratio",
    "capital_ratio",
    "stopword_ratio",
    "mean_word_length",
    "terminal",
    "ellipsis",
    "lines",
    "link_density",
    "depth",
    "position",
    "char_position",
    "trafilatura",
    "removed_by_rules",
    "log_blocks",
    "kept_share",
    "heading_distance",
    *(f"kind_{k}" for k in KINDS),
    *(f"reason_{r}" for r in REASONS),
    *(f"attr_{t}" for t in ATTR_TOKENS),
    *(f"path_{t}" for t in PATH_TAGS),
    *(f"{side}_{name}" for side in ("prev", "next") for name in ("log_words", "trafilatura", "link_density", "kept")),
    "window_trafilatura",
    "window_kept",
    *(f"{side}_{name}" for side in ("prev", "next") for name in ("terminal", "stopword_ratio")),
    "window_log_words",
    "window_terminal",
    "window_stopword_ratio",
    "window_stamps",
    "page_log_stamps",
    "page_log_words",
    "page_trafilatura_log_words",
    "page_trafilatura_share",
    "inside_trafilatura_span",
    "trafilatura_distance",
    "inside_dense_region",
    "dense_region_distance",
    "dense_region_share",
    "collapsed",
)


_STRIP = ".,;:!?\"'()[]“”‘’«»"


def _text_statistics(blocks: Sequence[Block]) -> tuple[numpy.ndarray, list[int]]:
    """The blocks' text statistics, link density and depth: the first columns of their rows; and their word counts.

    This is the hottest loop of cleaning: the per-word work runs once over all the page's words
    (``map`` over str methods, in C) and is summed back per block.
    """
    texts = [block.text for block in blocks]
    split = [text.split() for text in texts]
    counts = [word_count(text, words) for text, words in zip(texts, split, strict=True)]
    flat = list(itertools.chain.from_iterable(split))
    bounds = numpy.concatenate(([0], numpy.cumsum([len(words) for words in split])))

    def per_block(values: Iterable[int]) -> numpy.ndarray:
        running = numpy.concatenate(([0], numpy.cumsum(numpy.fromiter(values, numpy.int64, len(flat)))))
        return running[bounds[1:]] - running[bounds[:-1]]

    n_words = numpy.maximum(1, numpy.diff(bounds))
    n_chars = numpy.maximum(1, [len(text) for text in texts])
    out = numpy.empty((len(blocks), _OWN_COLUMNS))
    out[:, 0] = list(map(math.log1p, counts))
    out[:, 1] = list(map(math.log1p, map(len, texts)))
    out[:, 2:4] = numpy.array([_symbols(text) for text in texts]).reshape(-1, 2) / n_chars[:, None]
    out[:, 4] = per_block(map(str.isupper, map(_FIRST, flat))) / n_words
    out[:, 5] = per_block(map(STOPWORDS.__contains__, map(str.lower, map(_STRIPPED, flat)))) / n_words
    out[:, 6] = per_block(map(len, flat)) / n_words
    out[:, 7] = [1.0 if _TERMINAL.search(text) else 0.0 for text in texts]
    out[:, 8] = [1.0 if text.endswith(("…", "...")) else 0.0 for text in texts]
    out[:, 9] = [float(text.count("\n") + 1) for text in texts]
    out[:, 10] = [block.link_density for block in blocks]
    out[:, 11] = [float(block.tag_path.count("/")) for block in blocks]
    return out, counts


def _symbols(text: str) -> tuple[int, int]:
    """Punctuation marks and digits in a text (``_PUNCT`` and ``_DIGIT`` matches)."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw) - len(raw.translate(None, _ASCII_PUNCT)), len(raw) - len(raw.translate(None, _ASCII_DIGITS))
    return len(_PUNCT.findall(text)), len(_DIGIT.findall(text))


_OWN_COLUMNS = 12
_FIRST = operator.itemgetter(0)
_STRIPPED = operator.methodcaller("strip", _STRIP)
_VERDICT = {True: 1.0, False: 0.0, None: 0.5}


def rule_removed(decision: Decision) -> bool:
    """Removed by a rule (built-in or the user's), a DOM marker or a structural step: not the model's to decide.

    A DOM marker on a block of prose is evidence, not a verdict (``Decision.evidence``): the model
    decides that block, with the marker's reason among its features.
    """
    return not decision.keep and not decision.evidence and decision.reason not in OPEN_REASONS


def as_if_open(row: Sequence[float]) -> list[float]:
    """A rule-removed block's row as the class model sees it: as if no rule had fired on the block.

    The class model learns from blocks that rules named and is asked about blocks they did not,
    so the features that say which rule fired are blanked.
    """
    out = [float(x) for x in row]
    out[_REMOVED_BY_RULES] = 0.0
    for i in _REASON_COLUMNS:
        out[i] = 0.0
    return out


def features(decisions: Sequence[Decision]) -> numpy.ndarray:
    """One feature row per block, in the order of ``NAMES``: a (blocks, features) array.

    Computed column by column over the whole page; only the text statistics and the one-hot
    columns look at blocks one at a time.
    """
    n = len(decisions)
    out = numpy.zeros((n, len(NAMES)))
    if not n:
        return out
    blocks = [d.block for d in decisions]
    verdicts = numpy.array([_VERDICT[b.main_content] for b in blocks])
    kept = numpy.array([0.0 if rule_removed(d) else 1.0 for d in decisions])
    out[:, :_OWN_COLUMNS], counts = _text_statistics(blocks)
    at_rows, at_columns = array("q"), array("q")  # 8 bytes an entry, not a tuple of two ints
    markup: dict = {}
    for i, decision in enumerate(decisions):
        columns = _one_hot(decision, markup)
        at_rows.extend([i] * len(columns))
        at_columns.extend(columns)
    if at_rows:
        out[numpy.frombuffer(at_rows, dtype=numpy.int64), numpy.frombuffer(at_columns, dtype=numpy.int64)] = 1.0
    index = numpy.arange(n)
    out[:, _POSITION] = index / n
    out[:, _POSITION + 1] = numpy.array([b.start for b in blocks]) / max(1, blocks[-1].end)
    out[:, _POSITION + 2] = verdicts
    out[:, _POSITION + 3] = 1.0 - kept
    out[:, _POSITION + 4] = math.log1p(n)
    out[:, _POSITION + 5] = kept.sum() / n
    headings = numpy.where([b.kind == "h" for b in blocks], index, -100)
    out[:, _POSITION + 6] = numpy.minimum(20, index - numpy.maximum.accumulate(headings))
    _neighbours(out, verdicts, kept)
    out[:, _STAMPS : _STAMPS + 2] = _stamps(blocks, counts)
    page = _page(counts, verdicts.tolist(), kept.tolist())
    first, last = _dense_region(counts, kept.tolist())
    out[:, _PAGE : _PAGE + 3] = page[:3]
    out[:, _PAGE + 3] = (index >= page[3]) & (index <= page[4])
    out[:, _PAGE + 4] = numpy.minimum(20, _distance_to_kept_by_trafilatura(verdicts.tolist()))
    out[:, _PAGE + 5] = (index >= first) & (index <= last)
    out[:, _PAGE + 6] = numpy.minimum(20, numpy.maximum(numpy.maximum(first - index, index - last), 0))
    out[:, _PAGE + 7] = sum(counts[first : last + 1]) / max(1, sum(counts))
    out[:, _COLLAPSED] = [b.collapsed for b in blocks]
    return out


def _neighbours(out: numpy.ndarray, verdicts: numpy.ndarray, kept: numpy.ndarray) -> None:
    """The previous and next block's words, verdict, link density, keep, sentence end and stop words,
    and the 7-block window's means.

    The first block has no previous one and the last no next one: their columns hold the
    neutral values (0 words, verdict and keep 0.5, no links, no sentence end, no stop words).
    """
    n = len(out)
    own = {
        "log_words": out[:, 0],
        "trafilatura": verdicts,
        "link_density": out[:, 10],
        "kept": kept,
        "terminal": out[:, 7],
        "stopword_ratio": out[:, 5],
    }
    empty = {"log_words": 0.0, "trafilatura": 0.5, "link_density": 0.0, "kept": 0.5, "terminal": 0.0}
    for side, shift in (("prev", 1), ("next", -1)):
        for name, values in own.items():
            column = numpy.full(n, empty.get(name, 0.0))
            if shift == 1:
                column[1:] = values[:-1]
            else:
                column[:-1] = values[1:]
            out[:, NAMES.index(f"{side}_{name}")] = column
    counted = numpy.minimum(n, numpy.arange(n) + 4) - numpy.maximum(0, numpy.arange(n) - 3)
    for name in ("trafilatura", "kept", "log_words", "terminal", "stopword_ratio"):
        out[:, NAMES.index(f"window_{name}")] = _window_sums(own[name], 3) / counted


def _window_sums(values: numpy.ndarray, half: int) -> numpy.ndarray:
    """Each value's sum with its ``half`` neighbours either side, added in order (no running-sum rounding)."""
    padded = numpy.concatenate((numpy.zeros(half), values, numpy.zeros(half)))
    return numpy.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1).sum(axis=1)


def _one_hot(decision: Decision, markup: dict) -> list[int]:
    """The kind, reason, class/id token and tag-path columns that apply to the block (a one in each).

    ``markup`` remembers the columns of each (class/id tokens, tag path) pair: sibling blocks share them.
    """
    block = decision.block
    columns = [_KIND_COLUMN.get(block.kind)]
    if not decision.keep:
        columns.append(_REASON_COLUMN.get(decision.reason))
    key = (block.attrs, block.tag_path)
    found = markup.get(key)
    if found is None:
        named = [*map(_ATTR_COLUMN.get, block.attrs), *map(_PATH_COLUMN.get, block.tag_path.split("/"))]
        found = markup[key] = [column for column in named if column is not None]
    return [column for column in columns if column is not None] + found


def _page(counts: list[int], verdicts: list[float], kept: list[float]) -> tuple[float, ...]:
    """How much text the page has, how much of it trafilatura kept, and where its kept span lies.

    On an article page trafilatura's verdict is strong; on a listing or forum it keeps little.
    """
    words = [c * k for c, k in zip(counts, kept, strict=True)]
    total = sum(words)
    by_trafilatura = sum(w for w, v in zip(words, verdicts, strict=True) if v == 1.0)
    kept_at = [i for i, v in enumerate(verdicts) if v == 1.0]
    first, last = (kept_at[0], kept_at[-1]) if kept_at else (len(verdicts), -1)
    return math.log1p(total), math.log1p(by_trafilatura), by_trafilatura / max(1, total), first, last


def _stamps(blocks: Sequence[Block], counts: list[int]) -> numpy.ndarray:
    """Stamp lines within four blocks either side, and on the whole page (log): comment threads and teaser lists.

    Comments are prose like the article; the "Name 07.08.12 at 13:24" lines between them are not.
    """
    stamps = numpy.array(
        [float(c <= _STAMP_WORDS and bool(_STAMP.search(b.text))) for b, c in zip(blocks, counts, strict=True)]
    )
    return numpy.column_stack((_window_sums(stamps, 4), numpy.full(len(stamps), math.log1p(stamps.sum()))))


_DENSE_WORDS = 10  # a block longer than this adds to a dense region, a shorter one takes away


def _dense_region(counts: list[int], kept: list[float]) -> tuple[int, int]:
    """The run of blocks with the most words beyond ``_DENSE_WORDS`` each: where the article's prose is.

    The maximum-sum subarray over (words - 10) per block, as body-text extraction does over
    tokens and tags; blocks a rule removed count as short ones.
    """
    return _best_run([(words if open_ else 0) - _DENSE_WORDS for words, open_ in zip(counts, kept, strict=True)])


def _best_run(gains: Sequence[float]) -> tuple[int, int]:
    """First and last index of the run of blocks whose gains add up most; (len, -1) when none adds up above 0."""
    best, span = 0.0, (len(gains), -1)
    running, start = 0.0, 0
    for i, gain in enumerate(gains):
        if running <= 0:
            running, start = gain, i
        else:
            running += gain
        if running > best:
            best, span = running, (start, i)
    return span


def _distance_to_kept_by_trafilatura(verdicts: list[float]) -> list[int]:
    """Blocks between each block and the nearest one trafilatura kept (100 when it kept none)."""
    out = [100] * len(verdicts)
    last = None
    for i, v in enumerate(verdicts):
        if v == 1.0:
            last = i
        if last is not None:
            out[i] = i - last
    last = None
    for i in range(len(verdicts) - 1, -1, -1):
        if verdicts[i] == 1.0:
            last = i
        if last is not None:
            out[i] = min(out[i], last - i)
    return out


_REMOVED_BY_RULES = NAMES.index("removed_by_rules")
_REASON_COLUMNS = [NAMES.index(f"reason_{r}") for r in REASONS]
_POSITION = NAMES.index("position")
_PAGE = NAMES.index("page_log_words")
_STAMPS = NAMES.index("window_stamps")
_COLLAPSED = NAMES.index("collapsed")
_KIND_COLUMN = {k: NAMES.index(f"kind_{k}") for k in KINDS}
_REASON_COLUMN = {r: NAMES.index(f"reason_{r}") for r in REASONS}
_ATTR_COLUMN = {t: NAMES.index(f"attr_{t}") for t in ATTR_TOKENS}
_PATH_COLUMN = {t: NAMES.index(f"path_{t}") for t in PATH_TAGS}


# The context model's extra columns: the content model's probabilities of the block's neighbours.
# A teaser headline looks like a section heading; what tells them apart is whether the lines around
# it are article prose, which the content model has already scored.
CONTEXT_NAMES: tuple[str, ...] = (
    "probability",
    "prev_probability",
    "next_probability",
    "prev2_probability",
    "next2_probability",
    "window3_probability",
    "window3_word_probability",
    "window10_probability",
    "window10_word_probability",
    "confident_before",
    "confident_after",
    "page_probable_share",
    "inside_probable_region",
    "probable_region_distance",
)
_CONFIDENT = 0.8  # a neighbour this sure of content anchors the distance columns
_FAR = 30


def context(probabilities: numpy.ndarray, rows: numpy.ndarray, open_: numpy.ndarray) -> numpy.ndarray:
    """The context columns of every block, in the order of ``CONTEXT_NAMES``: (blocks, columns).

    ``rows`` are the blocks' ``features``; ``open_`` says which blocks no rule removed (a removed
    block counts as probability 0). Missing neighbours at the page's ends count as 0.5.
    """
    n = len(probabilities)
    p = numpy.where(open_, probabilities, 0.0)
    words = numpy.expm1(rows[:, 0])
    out = numpy.empty((n, len(CONTEXT_NAMES)))
    out[:, 0] = p
    for column, shift in ((1, 1), (2, -1), (3, 2), (4, -2)):
        out[:, column] = _shifted(p, shift, 0.5)
    index = numpy.arange(n)
    for column, half in ((5, 3), (7, 10)):
        counted = numpy.minimum(n, index + half + 1) - numpy.maximum(0, index - half)
        out[:, column] = (_window_sums(p, half) - p) / numpy.maximum(1, counted - 1)
        out[:, column + 1] = _window_sums(p * words, half) / numpy.maximum(1, _window_sums(words, half))
    confident = p >= _CONFIDENT
    before = numpy.maximum.accumulate(numpy.where(confident, index, -_FAR))
    after = numpy.minimum.accumulate(numpy.where(confident, index, n + _FAR)[::-1])[::-1]
    out[:, 9] = numpy.minimum(_FAR, index - before)
    out[:, 10] = numpy.minimum(_FAR, after - index)
    out[:, 11] = (words * (p >= 0.5)).sum() / max(1.0, words.sum())
    first, last = _probable_region((p - 0.5) * numpy.maximum(words, 1.0))
    out[:, 12] = (index >= first) & (index <= last)
    out[:, 13] = numpy.minimum(_FAR, numpy.maximum(numpy.maximum(first - index, index - last), 0))
    return out


def _shifted(values: numpy.ndarray, shift: int, fill: float) -> numpy.ndarray:
    """``values`` moved ``shift`` places later (earlier when negative), ``fill`` where nothing moved in."""
    out = numpy.full(len(values), fill)
    if abs(shift) < len(values):
        if shift > 0:
            out[shift:] = values[:-shift]
        else:
            out[:shift] = values[-shift:]
    return out


def _probable_region(gains: numpy.ndarray) -> tuple[int, int]:
    """The run of blocks whose probability-weighted words add up most: where the model sees the article."""
    return _best_run(gains.tolist())
