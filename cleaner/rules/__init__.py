"""Rules as data: TOML files, one per boilerplate class, each rule with its own examples.

A rule says where it applies (``target``), what it looks for (``pattern``, a Python regular
expression), in which languages, and carries positive and negative examples that the test
suite runs. Targets:

- ``text``: searched in a block's text (blocks longer than ``max_words`` are never matched,
  so long article prose is only removed on a strong marker);
- ``heading``: a short block that opens a region of boilerplate (everything it heads is
  removed until the article's own prose resumes);
- ``attributes``: searched in an HTML element's ``class``, ``id``, ``role`` and ``aria-label``;
- ``tag``: matched against an HTML element's tag name.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

RULESET_VERSION = "1.0"
TARGETS = ("text", "heading", "attributes", "tag")
DEFAULT_MAX_WORDS = {"text": 60, "heading": 8, "attributes": 0, "tag": 0}


class RuleError(ValueError):
    """A ruleset file is malformed; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    cls: str
    target: str
    pattern: re.Pattern[str]
    languages: tuple[str, ...]
    description: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    max_words: int
    weak: bool = False  # inside a region, the region's class wins over this rule's

    def matches(self, text: str) -> re.Match[str] | None:
        if self.max_words and len(text.split()) > self.max_words:
            return None
        return self.pattern.search(text)


@dataclass(frozen=True)
class Hit:
    """A rule that fired on a block; ``author`` is captured by byline rules."""

    rule: Rule
    author: str | None = None


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str

    def __post_init__(self) -> None:
        grouped = {target: tuple(r for r in self.rules if r.target == target) for target in TARGETS}
        object.__setattr__(self, "_grouped", grouped)

    def by_target(self, target: str) -> tuple[Rule, ...]:
        return self._grouped[target]

    def match_text(self, text: str) -> Hit | None:
        """The first heading rule, else the first text rule, that fires on a block."""
        for target in ("heading", "text"):
            for rule in self.by_target(target):
                match = rule.matches(text)
                if match:
                    author = match.groupdict().get("author")
                    return Hit(rule, author.strip() if author else None)
        return None

    def match_element(self, tag: str, attributes: str) -> Rule | None:
        """The first tag or attribute rule that fires on an HTML element."""
        for rule in self.by_target("tag"):
            if rule.pattern.fullmatch(tag):
                return rule
        if attributes:
            for rule in self.by_target("attributes"):
                if rule.pattern.search(attributes):
                    return rule
        return None


def _compile(raw: dict, cls: str, origin: str) -> Rule:
    try:
        rule_id = raw["id"]
        target = raw.get("target", "text")
        if target not in TARGETS:
            raise RuleError(f"{origin}: rule {rule_id}: unknown target {target!r}")
        positive = tuple(raw.get("positive", ()))
        negative = tuple(raw.get("negative", ()))
        if not positive or not negative:
            raise RuleError(f"{origin}: rule {rule_id}: needs at least one positive and one negative example")
        return Rule(
            id=rule_id,
            cls=raw.get("class", cls),
            target=target,
            pattern=re.compile(raw["pattern"], re.IGNORECASE if raw.get("ignore_case", True) else 0),
            languages=tuple(raw.get("languages", ())),
            description=raw.get("description", ""),
            positive=positive,
            negative=negative,
            max_words=int(raw.get("max_words", DEFAULT_MAX_WORDS[target])),
            weak=bool(raw.get("weak", False)),
        )
    except KeyError as err:
        raise RuleError(f"{origin}: rule is missing the key {err}") from None
    except re.error as err:
        raise RuleError(f"{origin}: rule {raw.get('id')}: bad pattern: {err}") from None


def parse_ruleset(text: str, origin: str) -> list[Rule]:
    """Compile the rules of one TOML document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{origin}: not valid TOML: {err}") from None
    cls = data.get("ruleset", {}).get("class")
    if not cls:
        raise RuleError(f"{origin}: missing [ruleset] class")
    return [_compile(raw, cls, origin) for raw in data.get("rules", [])]


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("cleaner.rules")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8")) for entry in folder.iterdir() if entry.name.endswith(".toml")
    )


def _assemble(sources: Sequence[tuple[str, str]]) -> RuleSet:
    rules: list[Rule] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    for origin, text in sources:
        digest.update(origin.encode() + b"\0" + text.encode() + b"\0")
        for rule in parse_ruleset(text, origin):
            if rule.id in seen:
                raise RuleError(f"{origin}: duplicate rule id {rule.id}")
            seen.add(rule.id)
            rules.append(rule)
    return RuleSet(tuple(rules), f"{RULESET_VERSION}+{digest.hexdigest()[:12]}")


@lru_cache(maxsize=1)
def builtin_ruleset() -> RuleSet:
    """The rules shipped with cleaner, compiled once per process."""
    return _assemble(_builtin_files())


def load_ruleset(extra: Iterable[str | Path] = ()) -> RuleSet:
    """The built-in rules plus user TOML files (their rules are tried after the built-in ones)."""
    extra = tuple(Path(p) for p in extra)
    if not extra:
        return builtin_ruleset()
    sources = _builtin_files()
    for path in extra:
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except OSError as err:
            raise RuleError(f"{path}: cannot read rules: {err.strerror}") from None
    return _assemble(sources)


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
    if rule.target == "tag":
        return bool(rule.pattern.fullmatch(text))
    if rule.target == "attributes":
        return bool(rule.pattern.search(text))
    return bool(rule.matches(text))
