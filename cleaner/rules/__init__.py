"""Rules as data: TOML files, one per boilerplate class, each rule with its own examples.

A rule says where it applies (``target``), what it looks for (``pattern``, a regular expression
run by the ``regex`` module under a time limit), in which languages, and carries positive and
negative examples that the test suite runs. Targets:

- ``text``: searched in a block's text (blocks longer than ``max_words`` are never matched,
  so long article prose is only removed on a strong marker);
- ``heading``: a short block that opens a region of boilerplate (everything it heads is
  removed until the article's own prose resumes);
- ``attributes``: searched in an HTML element's ``class``, ``id``, ``role`` and ``aria-label``;
- ``tag``: matched against an HTML element's tag name;
- ``role``: matched against an HTML element's whole ``role`` attribute (``tab``, not ``tablist``);
- ``structure``: a parameter of the decision's structural steps (headline, repeated headline,
  section label, teaser lists, script text); its pattern says what such a block looks like, and
  its examples are whole documents.

A ruleset may name ``domains`` in its ``[ruleset]`` table; its rules then apply only to pages
whose URL is on one of them (or a subdomain).

Every built-in rule carries its precision measured on the train split (``precision.json``,
written by ``python -m benchmarks.rule_precision --write``): the share of the words it removes
that are not in the gold. A rule decides alone only when it reads text and that precision is at
least ``DECIDES_ALONE``, or when its ruleset says ``removes_directly = true`` (the boilerplate the
project exists to remove: cookie and consent notices, subscription, newsletter, share, feedback
and comment prompts, related and recent posts, comments, source links, bylines, section labels);
otherwise its hit is evidence, which the learned model weighs against the block's text and
neighbours. Markup (a class, id, role, tag or hidden state) never removes a block of prose alone,
however precise: there it is evidence, and a prior (:func:`cleaner.model.refine`).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import regex

from cleaner.rules import checks
from cleaner.rules.literals import Prefilter

RULESET_VERSION = "1.1"
TARGETS = ("text", "heading", "attributes", "tag", "role", "structure")
DEFAULT_MAX_WORDS = {"text": 60, "heading": 8, "attributes": 0, "tag": 0, "role": 0, "structure": 0}
_MARKUP_TARGETS = ("attributes", "tag", "role")
DECIDES_ALONE = 0.95  # measured precision a text rule needs to remove a block without the model's say
MATCH_TIMEOUT = 0.05  # seconds one pattern may spend on one block before it counts as no match
_REMEMBER_CHARS = 1000  # strings up to this long have their rule matches remembered...
_REMEMBER_ENTRIES = 20000  # ...this many per ruleset, forgotten all at once when full


class RuleError(ValueError):
    """A ruleset file is malformed; the message names the file and rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    cls: str
    target: str
    pattern: regex.Pattern
    languages: tuple[str, ...]
    description: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    max_words: int
    weak: bool = False  # inside a region, the region's class wins over this rule's
    similarity: float = 0.0  # structure rules that compare blocks (repeated headlines)
    to_end_after: int = 0  # heading, text mode: after this many words of article prose, the region runs to the end
    min_chars: int = 0  # structure rules that measure a line: only lines at least this long
    share: float = 0.0  # ...and only when the pattern's matches cover at least this share of the line
    domains: tuple[str, ...] = ()
    origin: str = ""
    precision: float | None = None  # measured on the train split (built-in rules); None: not measured
    # a text rule of a class cleaner exists to remove (cookie notices, prompts, bylines...): it removes by
    # itself whatever its measured precision, which then says where the rule needs work
    removes_directly: bool = False
    # heading: the section it opens is prose of its own (reader comments), so prose right under it does
    # not make it a subheading of the article
    prose_section: bool = False
    # text: its cue opens a paragraph that is boilerplate to its end (a legal notice's first sentence), so
    # prose after that first sentence does not make the paragraph the article's
    whole_paragraph: bool = False

    @property
    def decides_alone(self) -> bool:
        """A hit removes the block by itself: a text rule measured precise enough, or a user's own rule.

        Markup rules never do on prose (``Decision.evidence``); their hits on other blocks stand.
        """
        if self.target in _MARKUP_TARGETS:
            return False
        return self.removes_directly or self.precision is None or self.precision >= DECIDES_ALONE

    def matches(self, text: str) -> regex.Match | None:
        if self.max_words and len(text.split()) > self.max_words:
            return None
        try:
            return self.pattern.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            return None

    def applies_to(self, host: str | None) -> bool:
        if not self.domains:
            return True
        return host is not None and any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass(frozen=True)
class Hit:
    """A rule that fired on a block; ``author`` is captured by byline rules."""

    rule: Rule
    author: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str
    _grouped: dict = field(default=None, init=False, repr=False, compare=False)
    _hosts: dict = field(default=None, init=False, repr=False, compare=False)
    _seen: dict = field(default=None, init=False, repr=False, compare=False)
    _filters: dict = field(default=None, init=False, repr=False, compare=False)
    _markup_free: RuleSet | None = field(default=None, init=False, repr=False, compare=False)
    # the domains the site rules among these apply to (none: no rule is a site rule)
    site_domains: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped = {target: tuple(r for r in self.rules if r.target == target) for target in TARGETS}
        object.__setattr__(self, "_grouped", grouped)
        object.__setattr__(self, "_hosts", {})
        object.__setattr__(self, "_seen", {})
        object.__setattr__(self, "_filters", {})
        object.__setattr__(self, "site_domains", tuple(sorted({d for rule in self.rules for d in rule.domains})))

    def __getstate__(self) -> dict:
        """Pickled (sent to a Spark or DataTrove worker) without the remembered matches and prefilters."""
        return {**self.__dict__, "_seen": {}, "_filters": {}}

    def by_target(self, target: str) -> tuple[Rule, ...]:
        return self._grouped[target]

    def structure(self, rule_id: str) -> Rule | None:
        """A structural rule by id, or None when it is not in this ruleset (switched off)."""
        return next((rule for rule in self._grouped["structure"] if rule.id == rule_id), None)

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(rule.cls for rule in self.rules))

    def without(self, classes: Iterable[str]) -> RuleSet:
        """The same rules minus whole classes (for ablation studies)."""
        dropped = set(classes)
        kept = tuple(rule for rule in self.rules if rule.cls not in dropped)
        return RuleSet(kept, f"{self.version}-{'-'.join(sorted(dropped))}")

    def without_markup(self) -> RuleSet:
        """The same rules minus those that match markup (class, id, tag, role): for a page whose markup misleads.

        Built once per ruleset, so its prefilters and remembered matches serve every such page.
        """
        if self._markup_free is None:
            kept = tuple(rule for rule in self.rules if rule.target not in _MARKUP_TARGETS)
            object.__setattr__(self, "_markup_free", RuleSet(kept, self.version))
        return self._markup_free

    def for_url(self, url: str | None) -> RuleSet:
        """The rules that apply to a page at ``url``: site rules only on their own domains."""
        if not self.site_domains:
            return self
        host = (urlsplit(url).hostname or "").lower() if url else None
        if host not in self._hosts:
            kept = tuple(rule for rule in self.rules if rule.applies_to(host))
            self._hosts[host] = RuleSet(kept, self.version)
        return self._hosts[host]

    def match_text(self, text: str) -> Hit | None:
        """The first heading rule, else the first text rule, that fires on a block."""
        return self._remembered(("text", text), self._match_text, text)

    def _match_text(self, text: str) -> Hit | None:
        words = len(text.split())  # once, not once per rule (Rule.matches counts them itself)
        prefilter, most_words = self._prefilter("text")
        if most_words and words > most_words:
            return None  # too long for every rule: article prose
        for rule in prefilter.select(text):
            if rule.max_words and words > rule.max_words:
                continue
            try:
                match = rule.pattern.search(text, timeout=MATCH_TIMEOUT)
            except TimeoutError:
                continue
            if match:
                author = match.groupdict().get("author")
                return Hit(rule, author.strip() if author else None, match.start(), match.end())
        return None

    def _prefilter(self, group: str) -> tuple[Prefilter, int]:
        """The prefilter of heading and text rules (tried in that order) or of attribute rules, built on
        first use; and the most words any of them looks at (0: no limit)."""
        found = self._filters.get(group)
        if found is None:
            rules = self._grouped["heading"] + self._grouped["text"] if group == "text" else self._grouped[group]
            limits = [rule.max_words for rule in rules]
            found = self._filters[group] = (Prefilter(rules), 0 if 0 in limits else max(limits, default=0))
        return found

    def match_element(self, tag: str, attributes: str, role: str = "") -> Rule | None:
        """The first tag, attribute or role rule that fires on an HTML element."""
        return self._remembered(("element", tag, role, attributes), self._match_element, tag, attributes, role)

    def _remembered(self, key: tuple, match, *args):
        """Remember the answers for short strings: a page repeats its class lists and its
        "Reply" lines, and every rule is a regex search with a time limit (microseconds each)."""
        if len(key[-1]) > _REMEMBER_CHARS:
            return match(*args)
        seen = self._seen
        if key in seen:
            return seen[key]
        if len(seen) >= _REMEMBER_ENTRIES:
            seen.clear()
        answer = seen[key] = match(*args)
        return answer

    def _match_element(self, tag: str, attributes: str, role: str = "") -> Rule | None:
        for rule in self._grouped["tag"]:
            if rule.pattern.fullmatch(tag):
                return rule
        if attributes:
            for rule in self._prefilter("attributes")[0].select(attributes):
                if rule.pattern.search(attributes, timeout=MATCH_TIMEOUT):
                    return rule
        for rule in self._grouped["role"] if role else ():
            if rule.pattern.fullmatch(role, timeout=MATCH_TIMEOUT):
                return rule
        return None


def _compile(raw: dict, defaults: dict, origin: str) -> Rule:
    rule_id = raw.get("id", "?")
    try:
        target = raw.get("target", "text")
        if target not in TARGETS:
            raise RuleError(f"{origin}: rule {rule_id}: unknown target {target!r} (one of {', '.join(TARGETS)})")
        positive = tuple(raw.get("positive", ()))
        negative = tuple(raw.get("negative", ()))
        if not positive or not negative:
            raise RuleError(f"{origin}: rule {rule_id}: needs at least one positive and one negative example")
        flags = regex.IGNORECASE if raw.get("ignore_case", True) else 0
        return Rule(
            id=raw["id"],
            cls=raw.get("class", defaults["class"]),
            target=target,
            pattern=regex.compile(raw["pattern"], flags | regex.VERSION0),
            languages=tuple(raw.get("languages", ())),
            description=raw.get("description", ""),
            positive=positive,
            negative=negative,
            max_words=int(raw.get("max_words", DEFAULT_MAX_WORDS[target])),
            weak=bool(raw.get("weak", False)),
            similarity=float(raw.get("similarity", 0.0)),
            to_end_after=int(raw.get("to_end_after", 0)),
            min_chars=int(raw.get("min_chars", 0)),
            share=float(raw.get("share", 0.0)),
            removes_directly=bool(raw.get("removes_directly", defaults.get("removes_directly", False))),
            prose_section=bool(raw.get("prose_section", defaults.get("prose_section", False))),
            whole_paragraph=bool(raw.get("whole_paragraph", defaults.get("whole_paragraph", False))),
            domains=tuple(d.lower().lstrip(".") for d in raw.get("domains", defaults.get("domains", ()))),
            origin=origin,
        )
    except KeyError as err:
        raise RuleError(f"{origin}: rule {rule_id} is missing the key {err}") from None
    except regex.error as err:
        raise RuleError(f"{origin}: rule {rule_id}: bad pattern: {err}") from None
    except (TypeError, ValueError) as err:
        raise RuleError(f"{origin}: rule {rule_id}: {err}") from None


def parse_ruleset(text: str, origin: str) -> list[Rule]:
    """Compile the rules of one TOML document."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise RuleError(f"{origin}: not valid TOML: {err}") from None
    except RecursionError:
        raise RuleError(f"{origin}: not valid TOML: nested too deeply") from None
    checks.validate(data, origin, RuleError)
    defaults = data.get("ruleset", {})
    if not defaults.get("class"):
        raise RuleError(f"{origin}: missing [ruleset] class")
    if not isinstance(data.get("rules", []), list):
        raise RuleError(f"{origin}: rules must be an array of tables ([[rules]])")
    return [_compile(raw, defaults, origin) for raw in data.get("rules", [])]


def check_cost(rule: Rule) -> None:
    """Refuse a user rule that backtracks catastrophically or is slow on a long page (:mod:`cleaner.rules.checks`)."""
    checks.check_cost(rule, RuleError)


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("cleaner.rules")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8")) for entry in folder.iterdir() if entry.name.endswith(".toml")
    )


@lru_cache(maxsize=1)
def _measured() -> tuple[str, dict[str, float]]:
    """The built-in rules' measured precision (``precision.json``) and the file's text, for the version."""
    entry = resources.files("cleaner.rules") / "precision.json"
    if not entry.is_file():
        return "", {}
    text = entry.read_text(encoding="utf-8")
    rules = json.loads(text)["rules"]
    return text, {rule: row["precision"] for rule, row in rules.items() if row["precision"] is not None}


def measured_precision(rule_id: str | None) -> float | None:
    """A built-in rule's measured precision, by id (None: not a built-in rule, or never measured)."""
    return _measured()[1].get(rule_id) if rule_id else None


def _assemble(sources: Sequence[tuple[str, str]], *, probe_from: int) -> RuleSet:
    """``sources[:probe_from]`` are the built-in files: their rules get their measured precision; the
    others (the user's) are timed on probes and on a long page (:func:`check_cost`)."""
    rules: list[Rule] = []
    seen: set[str] = set()
    digest = hashlib.sha256()
    measured_text, measured = _measured()
    digest.update(measured_text.encode() + b"\0")
    for position, (origin, text) in enumerate(sources):
        digest.update(origin.encode() + b"\0" + text.encode() + b"\0")
        for rule in parse_ruleset(text, origin):
            if rule.id in seen:
                raise RuleError(f"{origin}: duplicate rule id {rule.id}")
            if position >= probe_from:
                check_cost(rule)
            elif rule.id in measured:
                rule = replace(rule, precision=measured[rule.id])
            seen.add(rule.id)
            rules.append(rule)
    return RuleSet(tuple(rules), f"{RULESET_VERSION}+{digest.hexdigest()[:12]}")


@lru_cache(maxsize=1)
def builtin_ruleset() -> RuleSet:
    """The rules shipped with cleaner, compiled once per process."""
    return _assemble(_builtin_files(), probe_from=10**9)


@lru_cache(maxsize=32)
def _load_user(paths: tuple[Path, ...], stamps: tuple[float, ...]) -> RuleSet:
    sources = _builtin_files()
    builtin = len(sources)
    for path in paths:
        try:
            sources.append((str(path), path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as err:
            raise RuleError(f"{path}: cannot read rules: {getattr(err, 'strerror', None) or err}") from None
    return _assemble(sources, probe_from=builtin)


def load_ruleset(extra: Iterable[str | Path] = ()) -> RuleSet:
    """The built-in rules plus user TOML files (tried after the built-in ones), compiled once per process."""
    paths = tuple(Path(p) for p in extra)
    if not paths:
        return builtin_ruleset()
    stamps = tuple(path.stat().st_mtime if path.exists() else -1.0 for path in paths)
    return _load_user(paths, stamps)
