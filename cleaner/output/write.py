"""Where clean documents go: plain text, JSON Lines or Markdown, one record per input."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, TextIO

from cleaner.output import markdown
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
        self.markdown = record.get("markdown")
        # blocks a batch's corpus pass removed after the Markdown was made
        self.dropped = tuple(s["text"] for s in record.get("removed") or () if s.get("reason") == "site_template")


def to_text(doc: CleanDocument) -> str:
    return doc.text


def to_markdown(doc: CleanDocument) -> str:
    """Title as a heading, a line of metadata, then the body: the document's Markdown where it has one
    (``Options.markdown``; :mod:`cleaner.output.markdown`), else its clean text escaped.

    The body's first line goes where it repeats the title. A document without text (``--only-articles``
    empties a page that is not an article) has no body.
    """
    body = "" if not doc.text else doc.markdown if doc.markdown is not None else markdown.text_markdown(doc.text)
    body = markdown.without(body, getattr(doc, "dropped", ()))
    parts = []
    if doc.title:
        parts.append(f"# {markdown.escape(doc.title)}")
        body = markdown.without_title(body, doc.title)
    facts = [markdown.escape(fact) for fact in (doc.author, doc.date, doc.sitename, doc.url) if fact]
    if facts:
        parts.append("*" + " · ".join(facts) + "*")
    if body:
        parts.append(body)
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
