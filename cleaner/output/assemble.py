"""Assemble the clean text, metadata and provenance into a CleanDocument."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from cleaner import errors
from cleaner.records import CleanDocument, Decision, Provenance, RemovedSpan
from cleaner.segment.blocks import set_together
from cleaner.version import __version__


@cache
def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def provenance(
    data: bytes,
    *,
    kind: str | None,
    source: str,
    ruleset_version: str,
    options: Mapping[str, Any],
    model_version: str = "none",
    encoding: str | None = None,
    decisions: Sequence[Decision] = (),
    safety_net: str | None = None,
    text_form: str | None = None,
) -> Provenance:
    return Provenance(
        input_sha256=sha256(data),
        input_kind=kind,
        source=source,
        cleaner_version=__version__,
        trafilatura_version=package_version("trafilatura"),
        lxml_version=package_version("lxml"),
        ruleset_version=ruleset_version,
        model_version=model_version,
        options=tuple(sorted(options.items())),
        encoding=encoding,
        blocks_total=len(decisions),
        blocks_kept=sum(1 for d in decisions if d.keep),
        safety_net=safety_net,
        text_form=text_form,
    )


def body_text(decisions: Sequence[Decision], source: str | None = None) -> str:
    """Kept blocks in document order, separated by blank lines.

    With ``source`` (the normalized text that text blocks index into) the clean text keeps the
    input's layout: lines that followed one another with no blank line between them (a stanza, an
    ingredient list, code) still do, with their indentation, and a hard-wrapped paragraph keeps its
    line breaks. What an extraction set apart, or what removed lines parted, stays apart.
    """
    if source is None:
        return "\n\n".join(d.block.text for d in decisions if d.keep)
    parts: list[str] = []
    previous = None
    for decision in decisions:
        if not decision.keep:
            continue
        block = decision.block
        line_start = source.rfind("\n", 0, block.start) + 1
        if block.kind == "cell" or source[line_start : block.start].strip():
            line_start = block.start  # a table row's cell: its text, without the pipes
        if previous is not None:
            together = previous.index + 1 == block.index and set_together(source, previous, block)
            parts.append("\n" if together else "\n\n")
        parts.append(source[line_start : block.end])
        previous = block
    return "".join(parts)


def removed_spans(decisions: Sequence[Decision]) -> tuple[RemovedSpan, ...]:
    return tuple(
        RemovedSpan(d.block.text, d.reason or "unknown", d.block.start, d.block.end, d.rule, d.score)
        for d in decisions
        if not d.keep
    )


def failed(
    data: bytes,
    message: str,
    kind: str,
    *,
    source: str,
    url: str | None,
    options: Mapping[str, Any],
    ruleset_version: str,
) -> CleanDocument:
    """The record of a document that could not be cleaned: no text, why (``message``) and ``kind``."""
    if kind not in errors.KINDS:
        raise ValueError(f"unknown error kind {kind!r}")
    return CleanDocument(
        text="",
        url=url,
        provenance=provenance(data, kind=None, source=source, ruleset_version=ruleset_version, options=options),
        error=message,
        error_kind=kind,
    )
