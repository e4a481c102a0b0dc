"""Every rule's own examples, and the ruleset loader's errors."""

from __future__ import annotations

import re
import time

import pytest

from cleaner.rules import (
    RuleError,
    builtin_ruleset,
    check_cost,
    load_ruleset,
    parse_ruleset,
)
from cleaner.rules.examples import check_examples

BUILTIN = builtin_ruleset()


@pytest.mark.parametrize("rule", BUILTIN.rules, ids=[rule.id for rule in BUILTIN.rules])
def test_rule_examples(rule):
    assert check_examples(rule) == []


def test_every_rule_has_examples_and_a_class():
    for rule in BUILTIN.rules:
        assert rule.positive and rule.negative and rule.cls


def test_text_classes_cover_the_issue_languages():
    languages = {lang for rule in BUILTIN.rules for lang in rule.languages}
    assert {"en", "de", "fr", "es", "it", "pt", "nl", "id"} <= languages


def test_ruleset_version_changes_with_user_rules(tmp_path):
    extra = tmp_path / "site.toml"
    extra.write_text(
        """
[ruleset]
class = "share_prompt"
[[rules]]
id = "site.jakarta.share"
pattern = '^share the best of the jakarta post'
positive = ["Share the best of The Jakarta Post with friends"]
negative = ["The Jakarta Post reported the best results"]
""",
        encoding="utf-8",
    )
    combined = load_ruleset([extra])
    assert combined.version != BUILTIN.version
    assert combined.rules[-1].id == "site.jakarta.share"
    assert combined.match_text("Share the best of The Jakarta Post with friends").rule.cls == "share_prompt"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml [", "not valid TOML"),
        ("[[rules]]\nid='x'\npattern='a'\npositive=['a']\nnegative=['b']", "missing [ruleset] class"),
        (
            "[ruleset]\nclass='c'\nnew_classes=['c']\n[[rules]]\nid='x'\npattern='('\npositive=['a']\nnegative=['b']",
            "bad pattern",
        ),
        (
            "[ruleset]\nclass='c'\nnew_classes=['c']\n[[rules]]\nid='x'\npattern='a'\npositive=['a']",
            "positive and one negative",
        ),
        (
            "[ruleset]\nclass='c'\nnew_classes=['c']\n[[rules]]\nid='x'\ntarget='css'\npattern='a'\npositive=['a']\nnegative=['b']",
            "target",
        ),
        (
            "[ruleset]\nclass='c'\nnew_classes=['c']\n[[rules]]\npattern='a'\npositive=['a']\nnegative=['b']",
            "missing the key",
        ),
    ],
)
def test_malformed_rulesets_are_rejected_with_the_reason(text, message):
    with pytest.raises(RuleError, match=re.escape(message)):
        parse_ruleset(text, "user.toml")


def test_duplicate_rule_ids_are_rejected(tmp_path):
    extra = tmp_path / "dup.toml"
    extra.write_text(
        "[ruleset]\nclass='c'\nnew_classes=['c']\n[[rules]]\nid='byline.text'\npattern='a'\npositive=['a']\nnegative=['b']",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_ruleset([extra])


def test_long_prose_is_never_matched_by_a_short_rule():
    prose = "We use cookies " + "and the article goes on about the bakery's history " * 10
    assert BUILTIN.match_text(prose) is None


def test_byline_captures_the_author():
    assert BUILTIN.match_text("by Admin").author == "Admin"
    assert BUILTIN.match_text("Von Anna Schmidt | 14. März 2026").author == "Anna Schmidt"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_catastrophic_user_pattern_is_rejected(tmp_path):
    evil = _write(
        tmp_path,
        "evil.toml",
        "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='evil'\npattern='(a|aa)+$'\npositive=['aaaa']\nnegative=['b']",
    )
    with pytest.raises(RuleError, match="backtrack catastrophically"):
        load_ruleset([evil])


def test_builtin_rules_pass_the_backtracking_probe():
    for rule in BUILTIN.rules:
        check_cost(rule)


def test_site_rules_apply_only_on_their_domain(tmp_path):
    site = _write(
        tmp_path,
        "jakarta.toml",
        """
[ruleset]
class = "subscription_prompt"
domains = ["thejakartapost.com"]
[[rules]]
id = "site.jakartapost.best_of"
pattern = '^share the best of the jakarta post'
positive = ["Share the best of The Jakarta Post with friends"]
negative = ["The Jakarta Post reported the best results"]
""",
    )
    rules = load_ruleset([site])
    line = "Share the best of The Jakarta Post with friends and family today"
    on_site = rules.for_url("https://www.thejakartapost.com/opinion/2023/09/20/x.html")
    assert on_site.match_text(line).rule.id == "site.jakartapost.best_of"
    assert rules.for_url("https://example.org/a").match_text(line) is None
    assert rules.for_url(None).match_text(line) is None


def test_without_drops_whole_classes():
    fewer = BUILTIN.without(["cookie_banner"])
    assert "cookie_banner" not in fewer.classes
    assert fewer.match_text("This website uses cookies.") is None
    assert fewer.version != BUILTIN.version


def test_structure_rules_can_be_switched_off():
    from cleaner import clean

    text = "World\n\nBridge to reopen in May\n\n" + "The council approved the budget after a long debate. " * 3
    assert clean(text).title == "Bridge to reopen in May"
    assert clean(text, rules=BUILTIN.without(["title"])).title is None


def test_patterns_are_compiled_once():
    assert builtin_ruleset() is builtin_ruleset()


TEXT_CLASSES = "consent cookie_banner subscription_prompt share_prompt related_content recent_posts comments"


@pytest.mark.parametrize("cls", [*TEXT_CLASSES.split(), "comment_prompt", "legal_footer"])
def test_text_classes_speak_the_eight_languages(cls):
    languages = {
        lang
        for rule in BUILTIN.rules
        if rule.cls == cls and rule.target in ("text", "heading")
        for lang in rule.languages
    }
    assert {"en", "de", "fr", "es", "it", "pt", "nl", "id"} <= languages, cls


def test_role_rules_match_the_whole_role_and_are_markup(tmp_path):
    extra = _write(
        tmp_path,
        "dialogs.toml",
        '[ruleset]\nclass = "consent"\n\n[[rules]]\nid = "consent.role.user"\ntarget = "role"\n'
        "description = \"Alert dialogs.\"\npattern = '''alertdialog'''\n"
        'positive = ["alertdialog"]\nnegative = ["dialog"]\n',
    )
    rules = load_ruleset([extra])
    assert rules.match_element("div", "modal", "alertdialog").id == "consent.role.user"
    assert rules.match_element("div", "alertdialog", "") is None  # a class of that name is not the role
    assert rules.match_element("div", "", "dialog") is None
    assert builtin_ruleset().match_element("a", "tab", "tab").id == "navigation.role"
    assert builtin_ruleset().match_element("ul", "tablist", "tablist") is None
    assert builtin_ruleset().without_markup().match_element("a", "tab", "tab") is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[ruleset]\nclass='Bad Class!'\n", "[ruleset]: class must be a lower-case name"),
        (
            "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='r'\npattern='a'\npositive=['a']\nnegative=['b']\nmax_words=-5",
            "rule r: max_words must be a whole number, 0 or more, not -5",
        ),
        (
            "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='r'\npatern='a'\npositive=['a']\nnegative=['b']",
            "rule r: unknown key 'patern'",
        ),
        ("[ruleset]\nclass='x'\nnew_classes=['x']\nremove_directly=true\n", "[ruleset]: unknown key 'remove_directly'"),
        (
            "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='r'\npattern='a'\npositive='a'\nnegative=['b']",
            "rule r: positive must be a list of strings",
        ),
        (
            "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='r'\npattern='a'\npositive=['a']\nnegative=['b']\nsimilarity=2",
            "rule r: similarity must be a number from 0 to 1",
        ),
        ("[ruleset]\nclass='x'\nnew_classes=['x']\n[extra]\nkey=1\n", "unknown table 'extra'"),
        ("ruleset = 'x'\n", "[ruleset] must be a table"),
        (
            "[ruleset]\nclass='x'\nnew_classes=['x']\nrules=" + "[" * 5000 + "]" * 5000 + "\n",
            "not valid TOML: nested too deeply",
        ),
    ],
)
def test_a_rule_file_is_checked_against_its_schema(tmp_path, body, message):
    path = _write(tmp_path, "mine.toml", body)
    with pytest.raises(RuleError) as raised:
        load_ruleset([path])
    assert message in str(raised.value)


def test_a_user_rule_too_slow_for_a_long_page_is_refused_and_a_large_fast_one_accepted(tmp_path):
    """Each paragraph within the match time limit, but a page of a thousand of them over a second: refused
    as slow (not as catastrophic), quickly. A 20,000-word alternation is large, not slow: accepted."""
    slow = _write(
        tmp_path,
        "slow.toml",
        "[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='slow'\npattern='''(?:.*?e){4}q'''\npositive=['eeeeq']\nnegative=['b']",
    )
    started = time.monotonic()
    with pytest.raises(RuleError, match=r"rule slow: pattern is too slow \(over 1 s on a page of 1,000 paragraphs\)"):
        load_ruleset([slow])
    assert time.monotonic() - started < 10
    words = "|".join(f"w{n:05d}x" for n in range(20000))
    big = _write(
        tmp_path,
        "big.toml",
        f"[ruleset]\nclass='x'\nnew_classes=['x']\n[[rules]]\nid='big'\npattern='''\\b(?:{words})\\b'''\npositive=['w00001x']\nnegative=['b']",
    )
    started = time.monotonic()
    assert any(rule.id == "big" for rule in load_ruleset([big]).rules)
    assert time.monotonic() - started < 10


def test_a_class_is_a_known_reason_or_one_the_file_declares(tmp_path):
    """A misspelt class ("promo" for "advertising") would become a new reason silently: it is refused,
    and a file that means a class of its own says so in ``new_classes``."""
    rule = "[[rules]]\nid='promo.app'\npattern='^download our app'\npositive=['Download our app']\nnegative=['No']\n"
    with pytest.raises(RuleError, match=r"unknown class .promo.*new_classes"):
        load_ruleset([_write(tmp_path, "promo.toml", f"[ruleset]\nclass='promo'\n{rule}")])
    with pytest.raises(RuleError, match="unknown class 'promo'"):  # a rule's own class as well
        load_ruleset([_write(tmp_path, "own.toml", f"[ruleset]\nclass='advertising'\n{rule}class='promo'\n")])
    declared = load_ruleset(
        [_write(tmp_path, "declared.toml", f"[ruleset]\nclass='promo'\nnew_classes=['promo']\n{rule}")]
    )
    assert declared.match_text("Download our app").rule.cls == "promo"
    known = load_ruleset([_write(tmp_path, "known.toml", f"[ruleset]\nclass='advertising'\n{rule}")])
    assert known.match_text("Download our app").rule.cls == "advertising"


def test_site_rules_apply_by_the_url_a_page_declares(tmp_path):
    """A folder of saved pages has no URL beside it: the page's canonical link (or og:url) stands for it."""
    from cleaner import clean

    site = _write(
        tmp_path,
        "site.toml",
        "[ruleset]\nclass='subscription_prompt'\ndomains=['example.org']\n[[rules]]\nid='site.example.gift'\n"
        "pattern='^share the best of example'\npositive=['Share the best of Example with friends.']\n"
        "negative=['Example reported the best results.']\n",
    )
    prose = "<p>" + "The council met on Tuesday to discuss the bridge and its repairs over the coming year. " * 3
    body = f"<body><article><h1>Bridge</h1>{prose}</p><p>Share the best of Example with friends.</p>{prose}.</p>"
    for head in (
        '<link href="https://www.example.org/a" rel="canonical">',
        "<meta content='https://example.org/a' property='og:url'>",
    ):
        doc = clean(f"<html><head>{head}</head>{body}</article></body></html>", rules=[site])
        assert [s.rule for s in doc.removed] == ["site.example.gift"], head
    elsewhere = f'<html><head><link rel="canonical" href="https://other.org/a"></head>{body}</article></body></html>'
    assert clean(elsewhere, rules=[site]).removed == ()
    given = clean(elsewhere, rules=[site], url="https://example.org/b")  # a given URL wins over the declared one
    assert [s.rule for s in given.removed] == ["site.example.gift"]
