"""What a ruleset file must be before its rules run: its shape (a schema), and each user rule's cost.

A rule file is data that a user writes, so it is checked as such: only the known tables and keys,
each of its type and range, a class that can be a reason in a record. A user's pattern is then
timed: on adversarial probes (catastrophic backtracking, which grows much faster than the text) and
on a long generated page of a thousand paragraphs, since a pattern that takes 30 ms a paragraph
passes every probe and still makes such a page take half a minute.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import regex

from cleaner.schema import REASONS

# the keys of each table, with a check of their value: (what it must be, the check)
_TEXT: tuple[str, Callable[[Any], bool]] = ("a string", lambda v: isinstance(v, str))
_FLAG: tuple[str, Callable[[Any], bool]] = ("true or false", lambda v: isinstance(v, bool))
_TEXTS: tuple[str, Callable[[Any], bool]] = (
    "a list of strings",
    lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
)
_COUNT: tuple[str, Callable[[Any], bool]] = (
    "a whole number, 0 or more",
    lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1_000_000,
)
_SHARE: tuple[str, Callable[[Any], bool]] = (
    "a number from 0 to 1",
    lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1,
)
_CLASS = re.compile(r"[a-z][a-z0-9_]{0,39}")
_CLASS_CHECK: tuple[str, Callable[[Any], bool]] = (
    "a lower-case name of letters, digits and _ (it becomes a record's reason)",
    lambda v: isinstance(v, str) and bool(_CLASS.fullmatch(v)),
)
_SHARED = {
    "class": _CLASS_CHECK,
    "description": _TEXT,
    "removes_directly": _FLAG,
    "prose_section": _FLAG,
    "whole_paragraph": _FLAG,
    "domains": _TEXTS,
}
_CLASSES: tuple[str, Callable[[Any], bool]] = (
    "a list of lower-case names of letters, digits and _",
    lambda v: isinstance(v, list) and all(isinstance(x, str) and _CLASS.fullmatch(x) for x in v),
)
RULESET_KEYS = {**_SHARED, "new_classes": _CLASSES}
RULE_KEYS = {
    **_SHARED,
    "id": _TEXT,
    "target": _TEXT,
    "pattern": _TEXT,
    "languages": _TEXTS,
    "positive": _TEXTS,
    "negative": _TEXTS,
    "max_words": _COUNT,
    "weak": _FLAG,
    "similarity": _SHARE,
    "to_end_after": _COUNT,
    "min_chars": _COUNT,
    "share": _SHARE,
    "ignore_case": _FLAG,
}


def validate(data: dict, origin: str, error: Callable[[str], Exception]) -> None:
    """Raise ``error(message)`` for the first thing in a parsed ruleset file that is not a ruleset."""
    unknown = sorted(set(data) - {"ruleset", "rules"})
    if unknown:
        raise error(f"{origin}: unknown table {unknown[0]!r} (a ruleset file has [ruleset] and [[rules]])")
    if not isinstance(data.get("ruleset", {}), dict):
        raise error(f"{origin}: [ruleset] must be a table")
    _check_table(data.get("ruleset", {}), RULESET_KEYS, f"{origin}: [ruleset]", error)
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(rule, dict) for rule in rules):
        raise error(f"{origin}: rules must be an array of tables ([[rules]])")
    declared = set(REASONS) | set(data.get("ruleset", {}).get("new_classes", ()))
    for number, rule in enumerate(rules, 1):
        where = f"{origin}: rule {rule.get('id', f'#{number}')}"
        _check_table(rule, RULE_KEYS, where, error)
        cls = rule.get("class", data.get("ruleset", {}).get("class"))
        if isinstance(cls, str) and cls not in declared:
            raise error(
                f"{where}: unknown class {cls!r}: a class is a record's reason, one of cleaner's"
                f" ({', '.join(REASONS)}), or a new one that [ruleset] declares in new_classes = [{cls!r}]"
            )


def _check_table(table: dict, keys: dict, where: str, error: Callable[[str], Exception]) -> None:
    for key, value in table.items():
        if key not in keys:
            raise error(f"{where}: unknown key {key!r} (known: {', '.join(sorted(keys))})")
        what, check = keys[key]
        if not check(value):
            raise error(f"{where}: {key} must be {what}, not {value!r}")


# --- cost -----------------------------------------------------------------------------------------

PROBE_TIMEOUT = 0.25  # seconds a pattern may spend on one 3,000-character probe
PAGE_BUDGET = 1.0  # seconds a user rule may add to a page of a thousand paragraphs
_PAGE_BLOCKS = 1000
_PROBES = ("a" * 3000 + "!", " " * 3000 + "!", "ab" * 1500 + "\n", "1" * 3000 + "x", "- " * 1500 + ":")
_SENTENCES = (
    "The council voted on Tuesday to fund the repair of the old bridge over the river.",
    "Residents had asked for the work for years, and the vote ended a long and bitter debate.",
    "Engineers expect the bridge to reopen in the spring, once the new steel beams are in place.",
    "A spokesperson said the cost would be shared between the city and the regional government.",
)


def check_cost(rule, error: Callable[[str], Exception]) -> None:
    """Refuse a user rule that backtracks catastrophically, or that is too slow on a long page.

    A probe that times out is tried again a sixteenth and an eighth as long: a pattern whose time
    more than triples when the text doubles, or that times out again, grows faster than the text
    (catastrophic); one whose time about doubles is merely slow, and is reported so. The budgets
    count this thread's CPU time, not the clock: on a busy machine (a batch's other workers) a
    fast rule would otherwise be refused as slow.
    """
    started = time.thread_time()
    _check_page(rule, error)
    for probe in (*_PROBES, *_example_probes(rule.positive)):
        try:
            rule.pattern.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            end = probe[-1]
            shorter = _timed(rule.pattern, probe[: len(probe) // 16] + end, PROBE_TIMEOUT)
            short = _timed(rule.pattern, probe[: len(probe) // 8] + end, PROBE_TIMEOUT)
            if short >= PROBE_TIMEOUT or (short > 0.001 and short > 3 * shorter):  # grows faster than the text
                raise error(
                    f"{rule.origin}: rule {rule.id}: pattern can backtrack catastrophically "
                    f"(over {PROBE_TIMEOUT}s on a {len(probe)}-character probe); rewrite it without nested repeats"
                ) from None
            raise error(_too_slow(rule, f"over {PROBE_TIMEOUT}s on a {len(probe)}-character line")) from None
        if time.thread_time() - started > 4 * PAGE_BUDGET:
            raise error(_too_slow(rule, "its checks took over 4 s")) from None


def _check_page(rule, error: Callable[[str], Exception]) -> None:
    """Time the pattern on a generated page of a thousand paragraphs and lines, as the decision runs it."""
    blocks = _page_blocks(rule)
    started = time.thread_time()
    for block in blocks:
        if rule.max_words and len(block.split()) > rule.max_words:
            continue
        try:
            rule.pattern.search(block, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            raise error(_too_slow(rule, f"over {PROBE_TIMEOUT}s on one paragraph")) from None
        if time.thread_time() - started > PAGE_BUDGET:
            raise error(_too_slow(rule, f"over {PAGE_BUDGET:g} s on a page of {_PAGE_BLOCKS:,} paragraphs")) from None


def _page_blocks(rule) -> list[str]:
    """Paragraphs of prose and short lines, with the rule's own negative examples among them."""
    lines = [*_SENTENCES, *rule.negative]
    blocks = []
    for n in range(_PAGE_BLOCKS):
        if n % 3 == 2:
            blocks.append(lines[n % len(lines)])
        else:
            blocks.append(" ".join(lines[(n + k) % len(lines)] for k in range(1 + n % 5)) + f" ({n})")
    return blocks


def _timed(pattern: regex.Pattern, text: str, timeout: float) -> float:
    """CPU seconds of one search; infinite where it timed out (the timeout is the clock's)."""
    started = time.thread_time()
    try:
        pattern.search(text, timeout=timeout)
    except TimeoutError:
        return math.inf
    return time.thread_time() - started


def _too_slow(rule, what: str) -> str:
    return f"{rule.origin}: rule {rule.id}: pattern is too slow ({what}); make it cheaper (anchors, fewer alternatives)"


def _example_probes(examples: Sequence[str]) -> list[str]:
    """Near misses built from a rule's own examples: each repeated, each cut before its last character and
    repeated (``(x|xx)*y`` on "xxxx..."), and each of their characters repeated; a NUL ends every probe."""
    probes = []
    for text in (*examples, *(e[:-1] for e in examples if len(e) > 1), *sorted(set("".join(examples)))):
        probes.append(text * (3000 // max(1, len(text)) + 1) + "\x00")
    return probes
