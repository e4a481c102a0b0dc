"""Features of a block and its neighbours, for the learned block classifier.

One row per block, all numbers; the names are stored with the model, so a model and the code
that feeds it can never disagree silently. The rows are computed by the compiled core
(``cleaner._core.Features``, in ``core/src/features.rs``); the names, their order and every
vocabulary the core tests a block against are defined here, and handed to it once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy

from cleaner import _core
from cleaner.records import Decision

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
# a short line (at most 14 words) with a clock time or an age ("Peter 07.08.12 at 13:24", "5 days ago"):
# a comment's or a teaser's header; the core matches r"\b\d{1,2}:\d{2}\b|\b\d+ (minutes?|...) ago\b"
# with re.IGNORECASE, for these units
STAMP_UNITS = ("minute", "hour", "day", "week", "month", "year")
# Chinese, Japanese and Korean characters (kana, ideographs, hangul): two count as a word
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF))
_CJK = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _CJK_RANGES) + "]")


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


_STRIP = ".,;:!?\"'()[]“”‘’«»"  # stripped from a word before it is looked up among the stop words
_TERMINAL = '.!?"”’»)'  # a block that ends with one (or with one and a line end) ends a sentence
_ELLIPSES = ("…", "...")


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

    The core reads the blocks' fields and computes every column with the GIL released.
    """
    return _ROWS.rows(decisions)


def _window_sums(values: numpy.ndarray, half: int) -> numpy.ndarray:
    """Each value's sum with its ``half`` neighbours either side, added in order (no running-sum rounding)."""
    padded = numpy.concatenate((numpy.zeros(half), values, numpy.zeros(half)))
    return numpy.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1).sum(axis=1)


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


_REMOVED_BY_RULES = NAMES.index("removed_by_rules")
_REASON_COLUMNS = [NAMES.index(f"reason_{r}") for r in REASONS]
# the core places each column by its name, and refuses names it does not compute
_ROWS = _core.Features(
    NAMES,
    kinds=KINDS,
    reasons=REASONS,
    attr_tokens=ATTR_TOKENS,
    path_tags=PATH_TAGS,
    open_reasons=OPEN_REASONS,
    heading="h",
    stopwords=sorted(STOPWORDS),
    strip=_STRIP,
    terminal=_TERMINAL,
    endings=_ELLIPSES,
    cjk=_CJK_RANGES,
    stamp_units=STAMP_UNITS,
    stamp_after="ago",
)


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
