"""What both views of explain show: the summary, the runs of removed blocks, and safe text.

The terminal view (:mod:`cleaner.output.explain`) and the HTML report (:mod:`cleaner.output.explain_html`)
put the same things in the same order, so they read them from here: the counts and reasons first, then
the clean text, then the page block by block with each run of removed blocks under its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # records show themselves with explain (CleanDocument._repr_html_): no import back
    from cleaner.records import CleanDocument, Decision

UNKNOWN = "unknown"  # the reason shown for a removed block that carries none

# C0/C1 control characters (a terminal would obey ESC sequences from the page) and bidi overrides
# (they reorder what follows them); shown as \xNN / \uNNNN instead. Newlines and tabs are kept.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class ReasonCount:
    """One row of the summary: how many blocks a reason removed, and the characters and words they held."""

    reason: str
    blocks: int
    characters: int
    words: int


@dataclass(frozen=True)
class Run:
    """Blocks that follow one another with the same outcome: one kept block, or removed blocks with one reason.

    A page's menu is dozens of removed blocks in a row; the views show such a run as one line (its reason
    and size) that opens onto its blocks, so the article is not buried under them.
    """

    decisions: tuple[Decision, ...]

    @property
    def keep(self) -> bool:
        return self.decisions[0].keep

    @property
    def reason(self) -> str | None:
        return None if self.keep else (self.decisions[0].reason or UNKNOWN)

    @property
    def words(self) -> int:
        return sum(d.block.words for d in self.decisions)

    @property
    def first(self) -> int:
        return self.decisions[0].block.index

    @property
    def last(self) -> int:
        return self.decisions[-1].block.index

    def headline(self) -> str:
        """``navigation × 42 blocks (180 words)``: what a collapsed run says about itself."""
        n = len(self.decisions)
        return f"{self.reason} × {plural(n, 'block')} ({plural(self.words, 'word')})"


def plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def visible(text: str) -> str:
    """``text`` with control characters and bidi overrides written out as escapes."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def shorten(text: str, max_chars: int | None) -> str:
    """``text`` cut at a word boundary near ``max_chars``, saying how much was left out."""
    if max_chars is None or len(text) <= max_chars + 40:
        return text
    cut = text.rfind(" ", 0, max_chars + 1)
    cut = cut if cut > max_chars // 2 else max_chars
    return f"{text[:cut].rstrip()} … [+{len(text) - cut} chars]"


def score(decision: Decision) -> float | None:
    """The model's score of a decision; None where the model was not asked (rules give no score)."""
    return getattr(decision, "score", None)


def label(decision: Decision) -> str:
    """Why a block was removed: ``reason · rule`` (and the score, where there is one); ``""`` when kept."""
    if decision.keep:
        parts = []
    else:
        parts = [decision.reason or UNKNOWN]
        if decision.rule:
            parts.append(decision.rule)
    value = score(decision)
    if value is not None:
        parts.append(f"score {value:.2f}")
    return " · ".join(parts)


def reason_counts(doc: CleanDocument) -> list[ReasonCount]:
    """The removed blocks grouped by reason: most blocks first, then by name."""
    totals: dict[str, list[int]] = {}
    for decision in doc.decisions:
        if not decision.keep:
            row = totals.setdefault(decision.reason or UNKNOWN, [0, 0, 0])
            row[0] += 1
            row[1] += len(decision.block.text)
            row[2] += decision.block.words
    ordered = sorted(totals, key=lambda reason: (-totals[reason][0], reason))
    return [ReasonCount(reason, *totals[reason]) for reason in ordered]


def runs(doc: CleanDocument) -> list[Run]:
    """The page in order as runs: each kept block alone, consecutive removed blocks grouped by reason."""
    found: list[list[Decision]] = []
    for decision in doc.decisions:
        previous = found[-1][-1] if found else None
        joins = (
            previous is not None
            and not decision.keep
            and not previous.keep
            and (previous.reason or UNKNOWN) == (decision.reason or UNKNOWN)
        )
        if joins:
            found[-1].append(decision)
        else:
            found.append([decision])
    return [Run(tuple(group)) for group in found]


def paragraphs(doc: CleanDocument) -> list[str]:
    """The clean text as the record has it, split where it leaves a blank line (``"\\n\\n".join`` gives it back)."""
    return doc.text.split("\n\n") if doc.text else []


def headings(doc: CleanDocument) -> frozenset[str]:
    """The texts of the kept headings: a paragraph of the clean text that is one is shown as a heading."""
    return frozenset(d.block.text for d in doc.decisions if d.keep and d.block.kind == "h")


def facts(doc: CleanDocument) -> list[tuple[str, str]]:
    """The document's metadata and provenance that a reader needs, as (name, value) pairs."""
    prov = doc.provenance
    found = [
        ("source", prov.source if prov and prov.source != doc.url else None),  # a URL is said once
        ("url", doc.url),
        ("author", doc.author),
        ("date", doc.date),
        ("site", doc.sitename),
        ("language", doc.language),
        ("categories", ", ".join(doc.categories) or None),
        ("input", ", ".join(x for x in (prov.input_kind, prov.encoding) if x) if prov else None),
        ("ruleset", prov.ruleset_version if prov else None),
        ("model", prov.model_version if prov else None),
        ("error", doc.error),
    ]
    return [(name, value) for name, value in found if value]


@dataclass(frozen=True)
class Counts:
    """Kept and removed, in blocks and in words."""

    kept_blocks: int
    kept_words: int
    removed_blocks: int
    removed_words: int

    @property
    def blocks(self) -> int:
        return self.kept_blocks + self.removed_blocks

    def line(self) -> str:
        """``116 blocks: 7 kept (412 words), 109 removed (283 words)``."""
        return (
            f"{plural(self.blocks, 'block')}: {self.kept_blocks:,} kept ({plural(self.kept_words, 'word')}), "
            f"{self.removed_blocks:,} removed ({plural(self.removed_words, 'word')})"
        )


def counts(doc: CleanDocument) -> Counts:
    kept = [d.block.words for d in doc.decisions if d.keep]
    removed = [d.block.words for d in doc.decisions if not d.keep]
    return Counts(len(kept), sum(kept), len(removed), sum(removed))
