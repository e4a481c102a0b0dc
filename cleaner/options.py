"""One options object for every entry point: the library, the CLI, the batch and the integrations.

Options are validated once, when the object is made, so a bad value fails at start (on a Spark
driver, when a Scrapy pipeline opens), not once per document; and every entry point records the
same options in provenance. ``clean(content, **kwargs)`` builds one for a caller who does not.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaner.rules import RuleSet

MODES = ("auto", "html", "text")
FAVORS = ("precision", "balanced", "recall")
PRESETS = ("default", "fast")
# whose main-content verdict the default preset's model reads on HTML: trafilatura's, the densest
# region's where it is sure and trafilatura's elsewhere, or the region's alone (cleaner.segment.density)
MAIN_CONTENT = ("trafilatura", "auto", "region")
DEFAULT_TIMEOUT = 30.0  # seconds per document
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Options:
    """How to clean a document.

    - ``mode``: "auto" (HTML or text, told from the content), "html" or "text".
    - ``favor``: "precision" removes more, "recall" keeps more, "balanced" in between.
    - ``preset``: "default", or "fast" (resiliparse's main content, the rules and the text model).
    - ``rules``: extra rule files (TOML), by path; or an already loaded :class:`~cleaner.rules.RuleSet`.
    - ``url``: the document's URL (metadata, provenance, site rules).
    - ``timeout``: seconds per document before it becomes an error record; None: no limit.
    - ``max_bytes``: larger documents become error records; None: no limit.
    - ``only_articles``: a page that is not an article (``page_type``) keeps its record, with an empty
      text; the blocks it would have kept are removed with the reason ``not_article``.
    - ``main_content``: the default preset's main-content verdict on HTML: "trafilatura" (the best
      F1), "auto" (trafilatura asked only where the densest region of prose is unsure: a quarter of
      the pages, about 0.7x the CPU time, lower F1 on news pages) or "region" (never trafilatura);
      measured in BENCHMARKS.md, "Without trafilatura".
    - ``markdown``: also write the kept blocks as Markdown (``CleanDocument.markdown``, the record's
      ``markdown`` field); ``markdown_links`` keeps links in it as ``[text](href)``.
    """

    mode: str = "auto"
    favor: str = "balanced"
    preset: str = "default"
    rules: tuple[str, ...] | RuleSet = ()
    url: str | None = None
    timeout: float | None = DEFAULT_TIMEOUT
    max_bytes: int | None = DEFAULT_MAX_BYTES
    only_articles: bool = False
    main_content: str = "trafilatura"
    markdown: bool = False
    markdown_links: bool = False

    def __post_init__(self) -> None:
        _one_of("mode", self.mode, MODES)
        _one_of("favor", self.favor, FAVORS)
        _one_of("preset", self.preset, PRESETS)
        _one_of("main_content", self.main_content, MAIN_CONTENT)
        if self.preset == "fast" and self.main_content != "trafilatura":
            raise ValueError("main_content applies to the default preset; the fast preset reads resiliparse's")
        if not _is_ruleset(self.rules):
            if isinstance(self.rules, (str, Path)):
                raise ValueError("rules must be a list of rule files or a RuleSet, not one path")
            object.__setattr__(self, "rules", tuple(str(path) for path in self.rules or ()))
        if not isinstance(self.only_articles, bool):
            raise ValueError(f"only_articles must be True or False, not {self.only_articles!r}")
        for name in ("markdown", "markdown_links"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be True or False, not {getattr(self, name)!r}")
        if self.url is not None and not isinstance(self.url, str):
            raise ValueError(f"url must be a string or None, not {self.url!r}")
        for name in ("timeout", "max_bytes"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value) or value < 0
            ):
                raise ValueError(f"{name} must be a number of at least 0 or None, not {value!r}")
            if value is not None and math.isinf(value):
                object.__setattr__(self, name, None)  # an infinite limit is no limit

    @classmethod
    def of(cls, options: Options | Mapping[str, Any] | None = None, **changes: Any) -> Options:
        """``options`` (an Options, a mapping of its fields, or None for the defaults) with ``changes``."""
        if options is None:
            base = cls()
        elif isinstance(options, Options):
            base = options
        elif isinstance(options, Mapping):
            base = cls(**options)
        else:
            raise TypeError(f"options must be an Options, a mapping or None, not {type(options).__name__}")
        unknown = set(changes) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(base, **changes) if changes else base

    def replace(self, **changes: Any) -> Options:
        return Options.of(self, **changes)

    def ruleset(self) -> RuleSet:
        """The built-in rules with ``rules`` added (compiled once per process while the files are unchanged)."""
        from cleaner.rules import load_ruleset

        return self.rules if _is_ruleset(self.rules) else load_ruleset(self.rules)

    def recorded(self) -> dict[str, Any]:
        """What provenance records: the same dict from every entry point (``preset``, ``only_articles`` and
        ``main_content`` only when not the default)."""
        rules = [f"ruleset {self.rules.version}"] if _is_ruleset(self.rules) else list(self.rules)
        out: dict[str, Any] = {"mode": self.mode, "url": self.url, "rules": rules, "favor": self.favor}
        if self.preset != "default":
            out["preset"] = self.preset
        if self.only_articles:
            out["only_articles"] = True
        if self.main_content != "trafilatura":
            out["main_content"] = self.main_content
        return out


def _one_of(name: str, value: Any, allowed: Iterable[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


def _is_ruleset(rules: Any) -> bool:
    from cleaner.rules import RuleSet

    return isinstance(rules, RuleSet)
