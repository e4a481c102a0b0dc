"""The literal prefilter changes which rules are tried, never which rule fires."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.rules import RuleSet, builtin_ruleset
from cleaner.rules.literals import Prefilter, required

BUILTIN = builtin_ruleset()
ROOT = Path(__file__).resolve().parent.parent
_SEARCHED = ("heading", "text", "attributes")


def _every_rule_text(ruleset: RuleSet, text: str):
    """The first heading or text rule that fires, trying every one (what the prefilter must reproduce)."""
    words = len(text.split())
    for rule in ruleset.by_target("heading") + ruleset.by_target("text"):
        if rule.max_words and words > rule.max_words:
            continue
        if rule.pattern.search(text):
            return rule
    return None


def _every_rule_attributes(ruleset: RuleSet, attributes: str):
    return next((rule for rule in ruleset.by_target("attributes") if rule.pattern.search(attributes)), None)


def _prefiltered_text(ruleset: RuleSet, text: str):
    hit = ruleset._match_text(text)
    return hit.rule if hit else None


@pytest.mark.parametrize(
    ("pattern", "strings"),
    [
        (r"(^|[\s_-])(ad|ads|advert)([\s_-]|$)", {"ad"}),
        (r"\bcolou?r\b", {"color", "colour"}),
        (r"^(leave a (comment|reply)|post a comment)$", {"leave a comment", "leave a reply", "post a comment"}),
        (r"(?i:By) \w+", {"by "}),
        (r"\d+ (min|hour)s? ago", {" min ago", " mins ago", " hour ago", " hours ago"}),
        (r"(?:Straße|weg)", {"strasse", "weg"}),
    ],
)
def test_required_strings(pattern, strings):
    assert required(pattern) == frozenset(strings)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",
        r"(a|\w+)z?",
        r"x*",
        r"\p{Lu}bc",
        r"(?:cookie){e<=1}",
        r"(ab)\1?|.",
        r"[a-z]+",
        r"(?|a(b)|c(d))",
        r"foo[[:alpha:]]",
        r"ab(?i)cd",
    ],
)
def test_patterns_without_required_strings_are_always_tried(pattern):
    assert required(pattern) is None


@pytest.mark.parametrize("target", _SEARCHED)
def test_every_builtin_rule_is_prefiltered(target):
    prefilter = Prefilter(BUILTIN.by_target(target))
    assert prefilter.always == 0


def test_regex_case_table_covers_every_case_insensitive_match():
    """The prefilter trusts regex's case table: a character that ``regex`` matches to a literal of a rule
    case-insensitively is in that table, whatever its code point."""
    from regex._regex import get_all_cases

    used: set[str] = set()
    for target in _SEARCHED:
        for rule in BUILTIN.by_target(target):
            required(rule.pattern.pattern, used)
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    flags = regex.IGNORECASE | regex.VERSION0
    for char in sorted(used):
        matched = set(regex.compile(regex.escape(char), flags).findall(every))
        assert matched <= {char, *map(chr, get_all_cases(flags, ord(char)))}, char


def test_dotted_capital_i_still_matches():
    """regex matches "i" to "İ" case-insensitively, but "İ" case-folds to "i̇": such a text is not prefiltered."""
    rules = RuleSet(tuple(r for r in BUILTIN.rules if r.id == "navigation.text"), "test")
    assert rules.match_text("BACK TO TOP") is not None
    text = "LOG İN"
    assert _every_rule_text(rules, text) is not None
    assert _prefiltered_text(rules, text) is _every_rule_text(rules, text)


def _seed_blocks() -> list[str]:
    blocks = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        blocks += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return blocks


def test_seed_lines_fire_the_same_rule():
    for text in _seed_blocks():
        assert _prefiltered_text(BUILTIN, text) is _every_rule_text(BUILTIN, text), text


def test_examples_fire_the_same_rule():
    for rule in BUILTIN.rules:
        for text in (*rule.positive, *rule.negative):
            if rule.target in ("heading", "text"):
                assert _prefiltered_text(BUILTIN, text) is _every_rule_text(BUILTIN, text), text
            elif rule.target == "attributes":
                assert BUILTIN._match_element("div", text) is _every_rule_attributes(BUILTIN, text), text


# pieces of the rules' own examples, glued with characters that stress case folding
_PIECES = sorted(
    {w for r in BUILTIN.rules if r.target in _SEARCHED for e in r.positive for w in regex.split(r"(\W)", e) if w}
)
_ODD = ["İ", "ı", "ſ", "K", "ß", "ẞ", "Σ", "ς", " ", "-", "_", ":", "\n", "©", "’"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.sampled_from(_ODD) | st.text(max_size=3), max_size=12), st.booleans())
def test_random_texts_fire_the_same_rule(pieces, upper):
    text = "".join(pieces)
    text = text.upper() if upper else text
    assert _prefiltered_text(BUILTIN, text) is _every_rule_text(BUILTIN, text)
    attributes = text.lower()
    assert BUILTIN._match_element("div", attributes) is _every_rule_attributes(BUILTIN, attributes)


def test_a_used_ruleset_pickles_without_its_prefilters():
    """Spark and DataTrove send the ruleset to their workers; the prefilters are rebuilt there."""
    import pickle

    BUILTIN.match_text("Back to top")
    copy = pickle.loads(pickle.dumps(BUILTIN))
    assert copy._filters == {}
    assert copy.match_text("Back to top").rule.id == BUILTIN.match_text("Back to top").rule.id
