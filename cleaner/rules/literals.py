"""A literal prefilter for rules: most rules can never fire on most blocks, so most are never tried.

Every rule is a ``regex`` search with a time limit, a few microseconds each even when nothing
matches, and a page has thousands of class lists and blocks. From each pattern we derive a set of
strings that every match must contain (``required``); one Aho-Corasick pass over a block finds the
rules whose strings occur in it, and only those (and the rules with no such set) are run, in their
usual order. The answer is the same rule as trying every rule in turn:

- strings come from the pattern's syntax tree (Python's own parser reads it; a pattern it cannot
  read, or may read otherwise than ``regex`` does, gets no set and is always tried);
- text and strings are compared case-folded, so a case-insensitive match always contains a string;
  a character that ``regex`` matches case-insensitively but that case-folds differently (the
  Turkish dotted İ for "i") makes a block skip the prefilter, as does ``regex`` lacking the case
  table this relies on;
- a rule's own positive examples must pass its prefilter, or it gets no set.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product

import ahocorasick
import regex

try:  # Python 3.11+: the parser behind ``re``
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _sre
    import sre_parse as _sre_parse

try:
    from regex._regex import get_all_cases as _all_cases  # the case table regex itself matches with
except ImportError:  # pragma: no cover
    _all_cases = None

_EXACT_LIMIT = 64  # alternatives kept when spelling out what a piece matches exactly
_CLASS_LIMIT = 8  # characters of a [set] spelled out
_CASE_FLAGS = regex.IGNORECASE | regex.VERSION0
_NOTHING = frozenset({""})  # no requirement: every string contains ""


@dataclass(frozen=True)
class _Info:
    """What a piece of a pattern matches: exactly one of ``exact`` (when known), else something containing
    one of ``need``."""

    exact: frozenset[str] | None
    need: frozenset[str]

    @property
    def strings(self) -> frozenset[str]:
        return self.exact if self.exact is not None else self.need


_UNKNOWN = _Info(None, _NOTHING)
_EMPTY = _Info(_NOTHING, _NOTHING)


def required(pattern: str, used: set[str] | None = None) -> frozenset[str] | None:
    """Case-folded strings one of which every match of ``pattern`` contains; None when there are none.

    ``used`` collects the pattern's literal characters (for the case check of :class:`Prefilter`).
    """
    with warnings.catch_warnings():
        # a warning marks syntax that regex may read otherwise ("[[:alpha:]]", set operations): no prefilter
        warnings.simplefilter("error")
        try:
            tree = _sre_parse.parse(pattern)
        except Exception:  # regex-only syntax (\p{..}, named lists, ...): no prefilter for this rule
            return None
    chars: set[str] = set()
    try:
        info = _sequence(list(tree), chars)
    except _Unsure:
        return None
    strings = info.strings
    if "" in strings or not strings:
        return None
    if used is not None:
        used.update(chars)
    return _shortest(strings)


def _shortest(strings: frozenset[str]) -> frozenset[str]:
    """Without the strings that hold another one ("ads" when "ad" is there): they add hits, not rules."""
    ordered = sorted(strings, key=len)
    kept: list[str] = []
    for string in ordered:
        if not any(shorter in string for shorter in kept):
            kept.append(string)
    return frozenset(kept)


class _Unsure(Exception):
    """The pattern may mean something else to ``regex`` than to Python's parser."""


def _sequence(items: list, chars: set[str]) -> _Info:
    """A concatenation: runs of exactly known pieces are spelled out; the best requirement wins."""
    candidates: list[frozenset[str]] = []
    run = _NOTHING  # what the current run of exactly known pieces matches
    for op, value in items:
        info = _node(op, value, chars)
        if info.exact is None:
            candidates += [run, info.need]
            run = _NOTHING
        elif len(run) * len(info.exact) <= _EXACT_LIMIT:
            run = frozenset(a + b for a, b in product(run, info.exact))
        else:
            candidates.append(run)
            run = info.exact
    if not candidates:
        return _Info(run, _NOTHING)
    return _Info(None, _best([*candidates, run]))


def _best(sets: list[frozenset[str]]) -> frozenset[str]:
    """The requirement that rules out most: longest shortest string, then fewest strings."""
    return max(sets, key=lambda s: (min(map(len, s)), -len(s)))


def _node(op, value, chars: set[str]) -> _Info:
    if op is _sre.LITERAL:
        return _Info(frozenset({_literal(value, chars)}), _NOTHING)
    if op is _sre.IN:
        return _class(value, chars)
    if op is _sre.SUBPATTERN:
        return _sequence(list(value[-1]), chars)
    if op is _sre.ATOMIC_GROUP:
        return _sequence(list(value), chars)
    if op is _sre.BRANCH:
        return _branch([_sequence(list(branch), chars) for branch in value[1]])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        return _repeat(*value, chars)
    if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
        return _EMPTY  # zero width: the match holds none of it
    return _UNKNOWN  # ., \d, [^x], back references, conditionals


def _literal(code: int, chars: set[str]) -> str:
    char = chr(code)
    if char == "{":  # regex reads "{e<=1}" as fuzzy matching where re reads literal braces
        raise _Unsure
    chars.add(char)
    return char.casefold()


def _class(items, chars: set[str]) -> _Info:
    if len(items) > _CLASS_LIMIT or any(op is not _sre.LITERAL for op, _ in items):
        return _UNKNOWN
    return _Info(frozenset(_literal(code, chars) for _, code in items), _NOTHING)


def _branch(infos: list[_Info]) -> _Info:
    if all(info.exact is not None for info in infos):
        union = frozenset().union(*(info.exact for info in infos))
        if len(union) <= _EXACT_LIMIT:
            return _Info(union, _NOTHING)
    strings = [info.strings for info in infos]
    if any("" in s for s in strings):
        return _UNKNOWN
    return _Info(None, frozenset().union(*strings))


def _repeat(low: int, high, sub, chars: set[str]) -> _Info:
    info = _sequence(list(sub), chars)
    if low == 1 and high == 1:
        return info
    if low == 0:
        if high == 1 and info.exact is not None:
            return _Info(info.exact | _NOTHING, _NOTHING)
        return _UNKNOWN
    return _Info(None, info.strings)


class Prefilter:
    """The rules of one group that may fire on a string, in order, from one Aho-Corasick pass."""

    def __init__(self, rules: Sequence, examples: bool = True) -> None:
        self.rules = tuple(rules)
        used: set[str] = set()
        self.always = 0  # bit i: rule i has no required strings and is always tried
        words: dict[str, int] = {}
        for i, rule in enumerate(self.rules):
            strings = required(rule.pattern.pattern, used) if _all_cases else None
            if strings is not None and examples and not _passes_examples(rule, strings):
                strings = None
            if strings is None:
                self.always |= 1 << i
                continue
            for string in strings:
                words[string] = words.get(string, 0) | 1 << i
        self.everything = (1 << len(self.rules)) - 1
        self.automaton = _automaton(words)
        self.odd = _odd_characters(used)
        self.odd_ascii = self.odd is not None and bool(self.odd.search("".join(map(chr, range(128)))))

    def candidates(self, text: str) -> int:
        """A bit set of the rules (by position) that may match ``text``."""
        if self.automaton is None or self._odd(text):
            return self.everything
        found = self.always
        for _, bits in self.automaton.iter(text.casefold()):
            found |= bits
        return found

    def _odd(self, text: str) -> bool:
        return self.odd is not None and (self.odd_ascii or not text.isascii()) and bool(self.odd.search(text))

    def select(self, text: str) -> list:
        """The rules that may match ``text``, in their order."""
        bits = self.candidates(text)
        if bits == self.everything:
            return list(self.rules)
        selected = []
        while bits:  # one step per candidate, lowest position first, not one per rule
            lowest = bits & -bits
            selected.append(self.rules[lowest.bit_length() - 1])
            bits ^= lowest
        return selected


def _automaton(words: dict[str, int]):
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, bits in words.items():
        automaton.add_word(word, bits)
    automaton.make_automaton()
    return automaton


def _odd_characters(used: set[str]) -> re.Pattern | None:
    """Characters that ``regex`` matches to a literal of the patterns case-insensitively but that case-fold
    to something else; a text holding one is not prefiltered."""
    odd = sorted(
        {chr(other) for char in used for other in _all_cases(_CASE_FLAGS, ord(char)) if _differs(chr(other), char)}
    )
    return re.compile("[" + "".join(re.escape(c) for c in odd) + "]") if odd else None


def _differs(other: str, char: str) -> bool:
    return other.casefold() != char.casefold()


def _passes_examples(rule, strings: frozenset[str]) -> bool:
    """A safety net: each positive example the pattern matches holds one of the strings."""
    for example in rule.positive:
        folded = example.casefold()
        if rule.pattern.search(example) and not any(s in folded for s in strings):
            return False
    return True
