"""Features of a block and its neighbours, for the learned block classifier.

One row per block, all numbers; the names are stored with the model, so a model and the code
that feeds it can never disagree silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

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
_PUNCT = re.compile(r"[^\w\s]")
_DIGIT = re.compile(r"\d")
_TERMINAL = re.compile(r"[.!?\"”’»)]$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words, where Chinese, Japanese and Korean text (no spaces) counts two characters as a word."""
    words = len(text.split())
    cjk = len(_CJK.findall(text))
    return words + cjk // 2 if cjk else words


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
    "page_log_words",
    "page_trafilatura_log_words",
    "page_trafilatura_share",
    "inside_trafilatura_span",
    "trafilatura_distance",
    "inside_dense_region",
    "dense_region_distance",
    "dense_region_share",
)


def _own(decision: Decision, n_counted: int) -> list[float]:
    block = decision.block
    text = block.text
    words = text.split()
    n_words = max(1, len(words))
    tokens = [w.strip(".,;:!?\"'()[]“”‘’«»").lower() for w in words]
    return [
        math.log1p(n_counted),
        math.log1p(len(text)),
        len(_PUNCT.findall(text)) / max(1, len(text)),
        len(_DIGIT.findall(text)) / max(1, len(text)),
        sum(1 for w in words if w[:1].isupper()) / n_words,
        sum(1 for t in tokens if t in STOPWORDS) / n_words,
        sum(len(w) for w in words) / n_words,
        1.0 if _TERMINAL.search(text) else 0.0,
        1.0 if text.endswith(("…", "...")) else 0.0,
        float(text.count("\n") + 1),
        block.link_density,
        float(block.tag_path.count("/")),
    ]


def _verdict(decision: Decision) -> float:
    return {True: 1.0, False: 0.0, None: 0.5}[decision.block.main_content]


def rule_removed(decision: Decision) -> bool:
    """Removed by a rule (built-in or the user's), a DOM marker or a structural step: not the model's to decide."""
    return not decision.keep and decision.reason not in OPEN_REASONS


def as_if_open(row: list[float]) -> list[float]:
    """A rule-removed block's row as the class model sees it: as if no rule had fired on the block.

    The class model learns from blocks that rules named and is asked about blocks they did not,
    so the features that say which rule fired are blanked.
    """
    out = list(row)
    out[_REMOVED_BY_RULES] = 0.0
    for i in _REASON_COLUMNS:
        out[i] = 0.0
    return out


def features(decisions: Sequence[Decision]) -> list[list[float]]:
    """One feature row per block, in the order of ``NAMES``."""
    n = len(decisions)
    if not n:
        return []
    total = max(1, decisions[-1].block.end)
    verdicts = [_verdict(d) for d in decisions]
    kept = [0.0 if rule_removed(d) else 1.0 for d in decisions]
    counts = [word_count(d.block.text) for d in decisions]
    own = [_own(d, c) for d, c in zip(decisions, counts, strict=True)]
    kept_share = sum(kept) / n
    page = _page(counts, verdicts, kept)
    nearest = _distance_to_kept_by_trafilatura(verdicts)
    first, last = _dense_region(counts, kept)
    region_share = sum(counts[first : last + 1]) / max(1, sum(counts))
    rows = []
    last_heading = -100
    for i, decision in enumerate(decisions):
        block = decision.block
        if block.kind == "h":
            last_heading = i
        prev_i, next_i = max(0, i - 1), min(n - 1, i + 1)
        window = range(max(0, i - 3), min(n, i + 4))
        row = [
            *own[i],
            i / n,
            block.start / total,
            verdicts[i],
            1.0 - kept[i],
            math.log1p(n),
            kept_share,
            float(min(20, i - last_heading)),
            *_one_hot(decision),
        ]
        for j in (prev_i, next_i):
            row += [own[j][0] if j != i else 0.0, verdicts[j] if j != i else 0.5, own[j][10] if j != i else 0.0]
            row.append(kept[j] if j != i else 0.5)
        row += [sum(verdicts[j] for j in window) / len(window), sum(kept[j] for j in window) / len(window)]
        row += [*page[:3], 1.0 if page[3] <= i <= page[4] else 0.0, float(min(20, nearest[i]))]
        row += [1.0 if first <= i <= last else 0.0, float(min(20, max(first - i, i - last, 0))), region_share]
        rows.append(row)
    return rows


def _one_hot(decision: Decision) -> list[float]:
    """The kind, reason, class/id token and tag-path columns: zeros with a one where each applies."""
    block = decision.block
    out = [0.0] * _ONE_HOT_WIDTH
    kind = _KIND_COLUMN.get(block.kind)
    if kind is not None:
        out[kind] = 1.0
    if not decision.keep:
        reason = _REASON_COLUMN.get(decision.reason)
        if reason is not None:
            out[reason] = 1.0
    for token in block.attrs:
        column = _ATTR_COLUMN.get(token)
        if column is not None:
            out[column] = 1.0
    for tag in block.tag_path.split("/"):
        column = _PATH_COLUMN.get(tag)
        if column is not None:
            out[column] = 1.0
    return out


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


_DENSE_WORDS = 10  # a block longer than this adds to a dense region, a shorter one takes away


def _dense_region(counts: list[int], kept: list[float]) -> tuple[int, int]:
    """The run of blocks with the most words beyond ``_DENSE_WORDS`` each: where the article's prose is.

    The maximum-sum subarray over (words - 10) per block, as body-text extraction does over
    tokens and tags; blocks a rule removed count as short ones.
    """
    best, best_span = 0.0, (len(counts), -1)
    running, start = 0.0, 0
    for i, (words, open_) in enumerate(zip(counts, kept, strict=True)):
        gain = (words if open_ else 0) - _DENSE_WORDS
        if running <= 0:
            running, start = gain, i
        else:
            running += gain
        if running > best:
            best, best_span = running, (start, i)
    return best_span


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
# the one-hot columns, in NAMES order right after the block's own and position columns
_ONE_HOT_START = NAMES.index(f"kind_{KINDS[0]}")
_KIND_COLUMN = {k: NAMES.index(f"kind_{k}") - _ONE_HOT_START for k in KINDS}
_REASON_COLUMN = {r: NAMES.index(f"reason_{r}") - _ONE_HOT_START for r in REASONS}
_ATTR_COLUMN = {t: NAMES.index(f"attr_{t}") - _ONE_HOT_START for t in ATTR_TOKENS}
_PATH_COLUMN = {t: NAMES.index(f"path_{t}") - _ONE_HOT_START for t in PATH_TAGS}
_ONE_HOT_WIDTH = NAMES.index(f"path_{PATH_TAGS[-1]}") + 1 - _ONE_HOT_START
