"""The library entry points: clean() and clean_file(). They never raise on bad input."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner import errors, limits, model
from cleaner import options as options_module
from cleaner.decide.safety import settle, text_form
from cleaner.decide.state import TopOfDocument, decide, is_prose, keep_headline
from cleaner.errors import InputError
from cleaner.input.decode import decode
from cleaner.input.detect import detect_kind, is_json
from cleaner.metadata.page import Metadata, best_title, detect_language, html_metadata, is_article_headline
from cleaner.options import Options
from cleaner.output import assemble
from cleaner.records import CleanDocument, Decision
from cleaner.rules import RuleSet
from cleaner.segment import fast
from cleaner.segment.blocks import prune, segment_html, segment_text
from cleaner.segment.label import label_main_content, main_content_text
from cleaner.segment.normalize import normalize_text
from cleaner.segment.parse import parse_page

MODES, FAVORS, PRESETS = options_module.MODES, options_module.FAVORS, options_module.PRESETS
DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES = options_module.DEFAULT_TIMEOUT, options_module.DEFAULT_MAX_BYTES


def clean(
    content: str | bytes,
    options: Options | Mapping[str, Any] | None = None,
    *,
    source: str | None = None,
    origin: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> CleanDocument:
    """Clean one document (HTML or already-extracted text) and say what was removed and why.

    ``options`` is a :class:`cleaner.Options`; keyword arguments (``mode``, ``favor``, ``preset``,
    ``rules``, ``url``, ``timeout``, ``max_bytes``) build one or change the given one, and a bad
    value raises ValueError at once. ``source`` names the input in provenance; ``origin`` says where
    the document sits inside a container (a WARC record, a JSONL line) and goes into the provenance
    as given. Bad input (empty, binary, undecodable) gives a CleanDocument whose ``error`` says why.
    So does a document over ``max_bytes``, or one that takes longer than ``timeout`` seconds (None
    turns a limit off); see :mod:`cleaner.limits`. ``preset="fast"`` runs :mod:`cleaner.segment.fast`
    (resiliparse's main content, then the text steps and the text model; no trafilatura).
    """
    opts = Options.of(options, **kwargs)
    size = len(content.encode("utf-8", errors="surrogatepass")) if isinstance(content, str) else len(content)
    if opts.max_bytes is not None and size > opts.max_bytes:
        doc = _failed(
            b"", f"too large: {size} bytes, over the limit of {opts.max_bytes}", errors.TOO_LARGE, opts, source
        )
    else:
        try:
            with limits.time_limit(opts.timeout):
                doc = _clean(content, opts, source)
        except limits.TimeLimitExceeded:
            data = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else bytes(content)
            doc = _failed(data, f"timeout: over {opts.timeout:g} s", errors.TIMEOUT, opts, source)
    if origin and doc.provenance is not None:
        located = dataclasses.replace(doc.provenance, origin=tuple(origin.items()))
        doc = dataclasses.replace(doc, provenance=located)
    return doc


def _failed(data: bytes, message: str, kind: str, options: Options, source: str | None) -> CleanDocument:
    return assemble.failed(
        data,
        message,
        kind,
        source=source or options.url or "<string>",
        url=options.url,
        options=options.recorded(),
        ruleset_version=options.ruleset().version,
    )


@dataclass(frozen=True)
class _Input:
    """A decoded document and what every stage after decoding needs to know about it."""

    text: str
    data: bytes
    encoding: str | None
    source: str
    options: Options
    ruleset: RuleSet

    @property
    def url(self) -> str | None:
        return self.options.url

    @property
    def favor(self) -> str:
        return self.options.favor


def _clean(content: str | bytes, options: Options, source: str | None) -> CleanDocument:
    data = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else bytes(content)
    try:
        if isinstance(content, str):
            if not content.strip():
                raise InputError("empty input", errors.EMPTY)
            text, encoding = content, None
        else:
            decoded = decode(data)
            text, encoding = decoded.text, decoded.encoding
        if options.mode == "auto" and is_json(text):
            raise InputError(
                "not a web page: JSON data (clean its records as a .jsonl input with --field)", errors.NOT_TEXT
            )
        kind = detect_kind(text) if options.mode == "auto" else options.mode
        document = _Input(
            text, data, encoding, source or options.url or "<string>", options, options.ruleset().for_url(options.url)
        )
        if options.preset == "fast":
            doc = _clean_html_fast(document) if kind == "html" else _clean_text_fast(document)
        else:
            doc = _clean_html(document) if kind == "html" else _clean_text(document)
        if not doc.text:
            message = f"no article text found: all {len(doc.removed)} blocks were removed"
            return dataclasses.replace(doc, error=message, error_kind=errors.NO_TEXT)
        return doc
    except InputError as err:
        return _failed(data, str(err), err.kind, options, source)
    except RecursionError:
        return _failed(data, "input too deeply nested", errors.TOO_LARGE, options, source)
    except Exception as err:  # one bad document must never stop a batch; tests and fuzzing treat it as a bug
        return _failed(data, f"internal error: {type(err).__name__}: {err}", errors.INTERNAL, options, source)


def clean_file(path: str | Path, options: Options | Mapping[str, Any] | None = None, **kwargs: Any) -> CleanDocument:
    """Clean the document stored at ``path``; a missing or unreadable file gives an error record."""
    opts = Options.of(options, **kwargs)
    path = Path(path)
    try:
        size = path.stat().st_size
        if opts.max_bytes is not None and size > opts.max_bytes:  # do not even read it
            message = f"too large: {size} bytes, over the limit of {opts.max_bytes}"
            return _failed(b"", message, errors.TOO_LARGE, opts, str(path))
        data = path.read_bytes()
    except OSError as err:
        return _failed(b"", f"cannot read file: {err.strerror or err}", errors.UNREADABLE, opts, str(path))
    return clean(data, opts, source=str(path))


def text_decisions(text: str, ruleset: RuleSet) -> tuple[list[Decision], TopOfDocument]:
    """Rule and structure decisions for already-extracted text (before the learned model)."""
    blocks = segment_text(normalize_text(text))
    if not blocks:
        raise InputError("empty input: no text", errors.EMPTY)
    return decide(blocks, ruleset)


_FALLBACK_WORDS = 50  # fewer words than this outside DOM markers: the markup hid the article


def _segment(tree, ruleset: RuleSet, open_hidden: bool = True, visible: str | None = None):
    """Blocks of the page; read again without markup rules, <noscript> included, when they left no text,
    and with hidden elements collapsed when these hold the article (``open_hidden``).

    A page-wide wrapper named "nav" or "comments", a page drawn by script whose text for crawlers
    sits in <noscript>, or an article in a wrapper that a script shows, would otherwise be lost.
    """
    segmented = segment_html(tree, ruleset, visible=visible)
    if open_hidden and _hidden_holds_the_article(segmented.blocks):
        return segment_html(tree, ruleset, open_hidden=True, visible=visible)
    if _open_words(segmented.blocks) >= _FALLBACK_WORDS:
        return segmented
    retry = segment_html(tree, ruleset.without_markup(), noscript=True, visible=visible)
    return retry if _open_words(retry.blocks) > _open_words(segmented.blocks) else segmented


# words of prose in hidden elements, and how many times the shown prose, before they may hold the
# article (measured: docs/decisions.md, "Hidden elements that hold the article")
_HIDDEN_PROSE, _HIDDEN_SHARE = 100, 3


def _hidden_holds_the_article(blocks) -> bool:
    """Most of the page's prose is hidden: a script shows the article once it runs.

    Prose is paragraphs of 25 words or more that end a sentence. Hidden elements stay never-content
    otherwise: menus, modals, popups and templates are hidden for good.
    """
    hidden = shown = 0
    for block in blocks:
        if block.dom_reason in (None, "hidden") and is_prose(block, min_words=25):
            if block.dom_reason:
                hidden += block.words
            else:
                shown += block.words
    return hidden >= _HIDDEN_PROSE and hidden >= _HIDDEN_SHARE * shown


def _open_words(blocks) -> int:
    """Words the decision can still keep: outside DOM markers, or prose that a shown marker holds (evidence)."""
    return sum(
        block.words
        for block in blocks
        if block.dom_reason is None or (block.dom_reason != "hidden" and is_prose(block))
    )


def html_decisions(
    text: str, url: str | None, ruleset: RuleSet, *, use_trafilatura: bool = True, open_hidden: bool = True
) -> tuple[list[Decision], TopOfDocument, Metadata]:
    """Parse once, segment, prune never-content, ask trafilatura, decide by rules (before the model).

    ``open_hidden=False`` keeps hidden elements never-content even where they hold the article
    (:func:`_hidden_holds_the_article`): training reads pages so.
    """
    tree, visible = parse_page(text)
    segmented = _segment(tree, ruleset, open_hidden, visible)
    if not segmented.blocks:
        raise InputError("no text in this HTML page", errors.NO_TEXT)
    prune(segmented.marked)
    blocks = segmented.blocks
    if use_trafilatura:
        blocks = label_main_content(blocks, main_content_text(tree, url))
    prune(segmented.evidence)
    meta = html_metadata(tree, url)
    meta = dataclasses.replace(meta, title=_title(meta, blocks))
    decisions, top = decide(blocks, ruleset, title=meta.title, author=meta.author, html=True)
    return decisions, top, meta


def _title(meta: Metadata, blocks) -> str | None:
    """The <h1> just above the article's first paragraph (as trafilatura kept it), else the metadata's
    title, preferring the page's first <h1> where that title contains it.

    Pages give og:title and <title> their SEO wording ("Top 10 ... | Site"); the headline the reader
    sees is the article's own (measured: docs/decisions.md, "Title").
    """
    # a collapsed <h1> (a closed dialog's, a template's "{{ title }}") is not what the reader sees
    headings = [b for b in blocks if b.tag_path.endswith("/h1") and b.dom_reason is None and not b.collapsed]
    first_prose = next((b.index for b in blocks if b.main_content and is_prose(b)), None)
    above = [b for b in headings if first_prose is not None and b.index < first_prose]
    if above and is_article_headline(above[-1].text, meta):
        return above[-1].text
    return best_title(meta.title, headings[0].text if headings else None, meta.sitename)


def _clean_text(document: _Input) -> CleanDocument:
    favor = document.favor
    decisions, top = text_decisions(document.text, document.ruleset)
    form = text_form([d.block for d in decisions])
    point = "recall" if favor == "balanced" and form == "extracted" else favor  # where in doubt, keep
    decisions, _ = settle(model.refine(decisions, "text", point), html=False)
    decisions = _favored(decisions, favor, form)  # after the safety net, which reads the article without it
    body = assemble.body_text(decisions)
    facts = {"title": top.title, "author": top.author, "url": document.url, "categories": top.categories}
    return _document(document, body, decisions, facts, "text", detect_language(body), form=form)


def _clean_html(document: _Input) -> CleanDocument:
    decisions, top, meta = html_decisions(document.text, document.url, document.ruleset)
    decisions, net = settle(model.refine(decisions, "html", document.favor), html=True)
    decisions = _favored(decisions, document.favor)  # after the safety net, which reads the article without it
    body = assemble.body_text(decisions)
    facts = _page_facts(meta, top, document.url)
    language = detect_language(body, fallback=meta.html_lang)
    return _document(document, body, decisions, facts, "html", language, net=net)


def _favored(decisions: list[Decision], favor: str, form: str | None = None) -> list[Decision]:
    """The headline's first occurrence stays in the text (as well as in ``title``), except at "precision".

    A headline is the article's, not boilerplate, and most gold texts count it. In text it stays where
    the recall point is in use (an extraction, ``form="extracted"``, at the default); in a page's flat
    text, where the headline is told from a menu line less surely, the default moves it to ``title``
    only. Its repeats, the section label above it and the byline go in every case (measured:
    docs/decisions.md, "The headline stays in the text").
    """
    if favor == "precision" or (favor == "balanced" and form == "page"):
        return decisions
    return keep_headline(decisions)


def _page_facts(meta: Metadata, top: TopOfDocument, url: str | None) -> dict:
    """What an HTML page says about itself: its metadata first, the top of its text where that is silent."""
    return {
        "title": meta.title or top.title,
        "author": meta.author or top.author,
        "date": meta.date,
        "url": meta.url or url,
        "sitename": meta.sitename,
        "categories": meta.categories + tuple(c for c in top.categories if c not in meta.categories),
    }


def _clean_text_fast(document: _Input) -> CleanDocument:
    decisions, top, language = fast.text_decisions(document.text, document.ruleset)
    form = text_form([d.block for d in decisions])
    decisions = _favored(decisions, document.favor, form)
    body = assemble.body_text(decisions)
    facts = {"title": top.title, "author": top.author, "url": document.url, "categories": top.categories}
    return _document(document, body, decisions, facts, "text", language, "none", form=form)


def _clean_html_fast(document: _Input) -> CleanDocument:
    decisions, top, meta, language = fast.html_decisions(document.text, document.url, document.ruleset)
    favor = document.favor
    decisions = _favored(model.refine(decisions, "text", favor, use_context=False), favor)
    body = assemble.body_text(decisions)
    facts = _page_facts(meta, top, document.url)
    return _document(document, body, decisions, facts, "html", language, model.version("text"))


def _document(
    document: _Input, body, decisions, facts, kind, language, model_version=None, net=None, form=None
) -> CleanDocument:
    """Assemble the record: the clean text, what the page says about itself, what was removed, provenance."""
    provenance = assemble.provenance(
        document.data,
        kind=kind,
        source=document.source,
        ruleset_version=document.ruleset.version,
        model_version=model.version(kind) if model_version is None else model_version,
        options=document.options.recorded(),
        encoding=document.encoding,
        decisions=decisions,
        safety_net=net,
        text_form=form,
    )
    return CleanDocument(
        text=body,
        language=language,
        removed=assemble.removed_spans(decisions),
        decisions=tuple(decisions),
        provenance=provenance,
        **facts,
    )
