"""A rule's own examples, run as tests (``cleaner rules test``, tests/test_rules.py).

A structural rule's example is a whole document, so this module runs the pipeline: it sits above
the rules (cleaner.rules never imports the pipeline).
"""

from __future__ import annotations

from dataclasses import replace

from cleaner.api import clean
from cleaner.rules import Rule, RuleSet, builtin_ruleset


def check_examples(rule: Rule) -> list[str]:
    """Run a rule's own examples; return one message per failure."""
    failures = []
    for text in rule.positive:
        if not _example_matches(rule, text):
            failures.append(f"{rule.id}: positive example not matched: {text!r}")
    for text in rule.negative:
        if _example_matches(rule, text):
            failures.append(f"{rule.id}: negative example matched: {text!r}")
    return failures


def _example_matches(rule: Rule, text: str) -> bool:
    if rule.target in ("tag", "role"):
        return bool(rule.pattern.fullmatch(text))
    if rule.target == "attributes":
        return bool(rule.pattern.search(text))
    if rule.target == "structure":
        # the example is a whole document: run the pipeline on it
        # favor="precision": where the rule fires it removes; at the default a headline it finds is the
        # title and also stays in the text
        ruleset = RuleSet((*[r for r in builtin_ruleset().rules if r.id != rule.id], replace(rule)), "examples")
        record = clean(text, mode="text", rules=ruleset, favor="precision")
        return any(span.rule == rule.id for span in record.removed)
    return bool(rule.matches(text))
