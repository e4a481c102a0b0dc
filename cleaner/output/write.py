"""Where clean documents go: plain text, JSON Lines or Markdown, one record per input."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from cleaner.records import CleanDocument

FORMATS = ("text", "jsonl", "markdown")


class Writer:
    """Streams documents to ``stream`` in one format; records are written as soon as they are ready."""

    def __init__(self, stream: TextIO, fmt: str, *, several: bool) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        self.stream, self.fmt, self.several, self.count = stream, fmt, several, 0

    def write_record(self, record: dict[str, Any]) -> None:
        """Write one JSONL record (``CleanDocument.to_dict()``, possibly changed by the corpus pass)."""
        if self.fmt == "jsonl":
            self.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
        elif record.get("error") is None:
            doc = _View(record)
            render = to_markdown if self.fmt == "markdown" else to_text
            separator = ("\n---\n\n" if self.fmt == "markdown" else "\n") if self.count else ""
            header = f"==> {doc.source} <==\n" if self.several and self.fmt == "text" else ""
            self.stream.write(separator + header + render(doc) + "\n")
        self.count += 1
        self.stream.flush()


class _View:
    """A record's fields as attributes, so that the renderers take records and documents alike."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.text, self.title, self.author = record.get("text") or "", record.get("title"), record.get("author")
        self.date, self.sitename, self.url = record.get("date"), record.get("sitename"), record.get("url")
        self.source = (record.get("provenance") or {}).get("source")


def to_text(doc: CleanDocument) -> str:
    return doc.text


def to_markdown(doc: CleanDocument) -> str:
    """Title as a heading, a line of metadata, then the body's paragraphs."""
    parts = []
    if doc.title:
        parts.append(f"# {doc.title}")
    facts = [fact for fact in (doc.author, doc.date, doc.sitename, doc.url) if fact]
    if facts:
        parts.append("*" + " · ".join(facts) + "*")
    if doc.text:
        parts.append(doc.text)
    return "\n\n".join(parts)


def summary_line(doc: CleanDocument) -> str:
    """One line for a person: kept and removed blocks, the reasons, the title."""
    source = doc.provenance.source if doc.provenance else "?"
    if doc.error:
        return f"{source}: error: {doc.error}"
    reasons = Counter(span.reason for span in doc.removed)
    listed = ", ".join(f"{reason}×{n}" if n > 1 else reason for reason, n in sorted(reasons.items())) or "nothing"
    total = doc.provenance.blocks_total if doc.provenance else 0
    kept = doc.provenance.blocks_kept if doc.provenance else 0
    return f"{source}: kept {kept}/{total} blocks; removed {listed}; title: {doc.title or '-'}"
