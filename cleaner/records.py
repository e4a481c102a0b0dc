"""Frozen records that flow between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of text the decision is made on: a paragraph, heading, list item or line.

    ``start``/``end`` locate the block in the document's normalized text
    (see :mod:`cleaner.segment.normalize`), so every removal can be traced back.
    """

    index: int
    text: str
    start: int
    end: int
    kind: str = "p"  # p | h | li | quote | pre | cell | line
    tag_path: str = ""
    dom_reason: str | None = None  # set when a DOM marker (class, id, role, tag) flags the block
    dom_rule: str | None = None
    link_density: float = 0.0
    main_content: bool | None = None  # trafilatura's verdict; None when it was not asked
    attrs: tuple[str, ...] = ()  # HTML: class and id tokens of the enclosing elements, nearest last
    collapsed: bool = False  # HTML: inside an element with the ``hidden`` attribute (a closed panel or tab)
    # HTML, for the Markdown output (cleaner.output.markdown) only: the lists, items, tables, rows, cells,
    # quotes and <pre> the block sits in, outermost first, each (tag, serial, column); and, for a block
    # with emphasis, code or links, or in <pre>, its raw pieces and inline marks
    frame: tuple = field(default=(), compare=False, repr=False)
    inline: tuple | None = field(default=None, compare=False, repr=False)
    # HTML: the number of the block-level element the text sits in (cleaner.segment.blocks.Segmented.boxes)
    box: int = field(default=0, compare=False, repr=False)
    # whitespace-separated words, asked for many times per block by the decision steps: counted once
    words: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", len(self.text.split()))


@dataclass(frozen=True, slots=True)
class Decision:
    """What happens to one block, and why."""

    block: Block
    keep: bool
    reason: str | None = None
    rule: str | None = None
    score: float | None = None  # the learned model's content probability, where it was asked
    # removed by markup alone (a class, id, role, tag or hidden state) on a block of prose: evidence the
    # model weighs against the block's text and neighbours, never a verdict of its own
    evidence: bool = False


@dataclass(frozen=True)
class RemovedSpan:
    """A dropped block: its text, a stable reason, the rule that fired, and where it was."""

    text: str
    reason: str
    start: int
    end: int
    rule: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "reason": self.reason,
            "rule": self.rule,
            "score": None if self.score is None else round(self.score, 4),
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Provenance:
    """Everything needed to reproduce a result: the input's hash, where it came from, versions, options."""

    input_sha256: str
    input_kind: str | None  # html | text | None when the input could not be read
    source: str
    cleaner_version: str
    trafilatura_version: str
    lxml_version: str
    ruleset_version: str
    model_version: str
    options: tuple[tuple[str, Any], ...] = ()
    encoding: str | None = None
    blocks_total: int = 0
    blocks_kept: int = 0
    # where the document came from inside a container: WARC file/record/offset, JSONL line and id, ...
    origin: tuple[tuple[str, Any], ...] = ()
    # why the decision fell back to the main-content candidate (None: it did not); see safety.safety_net
    safety_net: str | None = None
    # text mode: "extracted" (an extractor's output) or "page" (a page's whole text), see decide.text_form
    text_form: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_sha256": self.input_sha256,
            "input_kind": self.input_kind,
            "source": self.source,
            "encoding": self.encoding,
            "versions": {
                "cleaner": self.cleaner_version,
                "trafilatura": self.trafilatura_version,
                "lxml": self.lxml_version,
                "ruleset": self.ruleset_version,
                "model": self.model_version,
            },
            "options": dict(self.options),
            "blocks": {"total": self.blocks_total, "kept": self.blocks_kept},
            "safety_net": self.safety_net,
            "text_form": self.text_form,
            "origin": dict(self.origin) or None,
        }


@dataclass(frozen=True)
class CleanDocument:
    """The result of cleaning one input document. ``to_dict()`` is exactly the JSONL record."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    language: str | None = None
    categories: tuple[str, ...] = ()
    removed: tuple[RemovedSpan, ...] = ()
    provenance: Provenance | None = None
    error: str | None = None
    error_kind: str | None = None  # one of cleaner.errors.KINDS when error is set
    duplicate_of: str | None = None  # in a batch: the source of an earlier near-duplicate document
    # what kind of page it is (cleaner.model.page_type.TYPES), and how sure cleaner is, from 0 to 1, that
    # ``text`` is what a reader came for; None on an error record, or where no page-type model is shipped
    page_type: str | None = None
    confidence: float | None = None
    # the kept blocks as Markdown (cleaner.output.markdown), made where it was asked for (Options.markdown);
    # the record carries it then only, as its last field: every other record stays as it is
    markdown: str | None = field(default=None, repr=False)
    # every block with its decision, in document order: for explain and reports, not part of the record
    decisions: tuple[Decision, ...] = field(default=(), repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def _repr_html_(self) -> str:
        """Jupyter shows the explain summary and the start of the clean text; explain.report(doc) shows it all."""
        from cleaner.output.explain import notebook_html  # lazy: rich loads only when a notebook asks

        return notebook_html(self)

    def to_dict(self) -> dict[str, Any]:
        record = {
            "text": self.text,
            "title": self.title,
            "author": self.author,
            "date": self.date,
            "url": self.url,
            "sitename": self.sitename,
            "language": self.language,
            "categories": list(self.categories),
            "page_type": self.page_type,
            "confidence": self.confidence,
            "removed": [span.to_dict() for span in self.removed],
            "provenance": self.provenance.to_dict() if self.provenance else None,
            "error": self.error,
            "error_kind": self.error_kind,
            "duplicate_of": self.duplicate_of,
        }
        if self.markdown is not None:
            record["markdown"] = self.markdown
        return record
