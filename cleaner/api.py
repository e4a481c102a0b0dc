"""The library entry points: clean() and clean_file(). They never raise on bad input."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cleaner import _core, errors, limits, model
from cleaner.decide.safety import input_units, settle, text_form
from cleaner.decide.state import READINGS, TopOfDocument, keep_headline
from cleaner.errors import InputError
from cleaner.input.decode import decode, valid_text
from cleaner.input.detect import detect_kind, is_json
from cleaner.input.read import read_document
from cleaner.metadata.dates import dated
from cleaner.metadata.declared import declared_url
from cleaner.metadata.page import Metadata, detect_language
from cleaner.model import page_type
from cleaner.options import Options
from cleaner.output import assemble, markdown
from cleaner.records import CleanDocument, Decision
from cleaner.rules import RuleSet
from cleaner.stages import STAGES, Input


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
    turns a limit off); see :mod:`cleaner.limits`. ``preset="fast"`` runs resiliparse's main content
    (:mod:`cleaner.segment.fast`), then the text steps and the text model; no trafilatura.
    """
    opts = Options.of(options, **kwargs)
    if not isinstance(content, (str, bytes, bytearray)):
        # a caller's mistake, not bad input: None or a list of numbers is not a document
        raise TypeError(f"content must be str or bytes, not {type(content).__name__}")
    doc = _within(content, opts, source, opts.timeout)
    if origin and doc.provenance is not None:
        located = dataclasses.replace(doc.provenance, origin=tuple(origin.items()))
        doc = dataclasses.replace(doc, provenance=located)
    return doc


def _within(content: str | bytes, opts: Options, source: str | None, seconds: float | None) -> CleanDocument:
    """Clean within the size limit and ``seconds`` (what is left of ``opts.timeout``)."""
    size = len(content.encode("utf-8", errors="surrogatepass")) if isinstance(content, str) else len(content)
    if opts.max_bytes is not None and size > opts.max_bytes:
        message = f"too large: {size} bytes, over the limit of {opts.max_bytes}"
        return _failed(b"", message, errors.TOO_LARGE, opts, source)
    try:
        if seconds is not None and seconds <= 0:
            raise limits.TimeLimitExceeded()
        with limits.time_limit(seconds):
            return _clean(content, opts, source)
    except limits.TimeLimitExceeded:
        data = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else bytes(content)
        return _failed(data, f"timeout: over {opts.timeout:g} s", errors.TIMEOUT, opts, source)


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


def _clean(content: str | bytes, options: Options, source: str | None) -> CleanDocument:
    data = content.encode("utf-8", errors="surrogatepass") if isinstance(content, str) else bytes(content)
    try:
        if isinstance(content, str):
            if not content.strip():
                raise InputError("empty input", errors.EMPTY)
            text, encoding = valid_text(content), None
        else:
            decoded = decode(data)
            text, encoding = decoded.text, decoded.encoding
        if options.mode == "auto" and is_json(text):
            raise InputError(
                "not a web page: JSON data (clean its records as a .jsonl input with --field)", errors.NOT_TEXT
            )
        kind = detect_kind(text) if options.mode == "auto" else options.mode
        ruleset = _rules_for(text, kind, options)
        document = Input(text, data, encoding, source or options.url or "<string>", options, ruleset)
        doc = _pipeline(document, kind)
        if not doc.text:
            message = f"no article text found: all {len(doc.removed)} blocks were removed"
            return dataclasses.replace(doc, error=message, error_kind=errors.NO_TEXT, page_type=None, confidence=None)
        return page_type.only_articles(doc) if options.only_articles else doc
    except InputError as err:
        return _failed(data, str(err), err.kind, options, source)
    except RecursionError:
        return _failed(data, "input too deeply nested", errors.TOO_LARGE, options, source)
    except (Exception, _core.PanicException) as err:  # one bad document must never stop a batch (a panic in the
        # compiled core is a BaseException); tests and fuzzing treat it as a bug
        return _failed(data, f"internal error: {type(err).__name__}: {err}", errors.INTERNAL, options, source)


def _rules_for(text: str, kind: str, options: Options) -> RuleSet:
    """The rules for this document: site rules where it is on their domains, by the URL given, else by the
    URL an HTML page declares (a folder of saved pages has no URL beside it)."""
    ruleset = options.ruleset()
    url = options.url
    if url is None and kind == "html" and ruleset.site_domains:
        url = declared_url(text)
    return ruleset.for_url(url)


def clean_file(path: str | Path, options: Options | Mapping[str, Any] | None = None, **kwargs: Any) -> CleanDocument:
    """Clean the document stored at ``path`` (gunzipped for ``.gz``); a missing or unreadable file gives an
    error record.

    Reading and cleaning share ``timeout``: a FIFO that no one writes, or a file that never ends, is an
    error record (timeout, too large) rather than a hang (:func:`cleaner.input.read.read_document`).
    """
    opts = Options.of(options, **kwargs)
    path = Path(path)
    start = time.monotonic()
    try:
        with limits.time_limit(opts.timeout):
            data = read_document(path, opts.max_bytes)
    except InputError as err:
        return _failed(b"", str(err), err.kind, opts, str(path))
    except limits.TimeLimitExceeded:
        return _failed(b"", f"timeout: reading took over {opts.timeout:g} s", errors.TIMEOUT, opts, str(path))
    left = None if opts.timeout is None else opts.timeout - (time.monotonic() - start)
    return _within(data, opts, str(path), left)


def _pipeline(document: Input, kind: str) -> CleanDocument:
    """One pipeline for every preset: the preset's front stage, then the model, settle, assemble.

    The preset chooses which stages plug in (:data:`cleaner.stages.STAGES`): the front stage (parse,
    segment, label, metadata and the rules' decisions; or the fast preset's main-content step), which
    model decides the blocks the rules left open, and whether the article is settled after it.
    """
    stages = STAGES[document.options.preset, kind]
    front = stages.front(document)
    favor = document.favor
    form = text_form([d.block for d in front.decisions]) if kind == "text" else None
    # where in doubt, keep: an extraction is decided at the recall point
    point = "recall" if form == "extracted" and favor == "balanced" else favor
    decisions, net = front.decisions, None
    kind_of_model = front.model or stages.model  # the model that learned from the front stage's verdict
    if kind_of_model is not None:
        decisions = model.refine(decisions, kind_of_model, point, use_context=stages.context)
    if stages.settle:
        decisions, net = settle(decisions, READINGS[kind])
    if form == "extracted" and point == "precision" and kind_of_model is not None:
        decisions = input_units(decisions, model.threshold(kind_of_model, "recall"), front.source)
    decisions = _favored(decisions, favor, form)  # after the safety net, which reads the article without it
    body = assemble.body_text(decisions, front.source)
    if front.meta is not None:
        facts = _page_facts(front.meta, front.top, document.url)
    else:
        facts = {"title": front.top.title, "author": front.top.author, "url": document.url}
        facts["categories"] = front.top.categories
    sample = body if front.language_sample is None else front.language_sample
    language = detect_language(sample, fallback=front.meta.html_lang if front.meta is not None else None)
    version = model.version(kind_of_model) if kind_of_model is not None else "none"
    doc = _document(document, body, decisions, facts, kind, language, version, net=net, form=form)
    reading = "text" if kind == "text" else "lines" if stages.model == "text" else "html"
    doc = page_type.judge(doc, reading, document.data if kind == "html" else None)
    if front.meta is not None:
        doc = dataclasses.replace(doc, date=dated(front.meta.dates, doc.page_type, len(doc.text.split())))
    return doc


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


def _document(
    document: Input, body, decisions, facts, kind, language, model_version, net=None, form=None
) -> CleanDocument:
    """Assemble the record: the clean text, what the page says about itself, what was removed, provenance."""
    provenance = assemble.provenance(
        document.data,
        kind=kind,
        source=document.source,
        ruleset_version=document.ruleset.version,
        model_version=model_version,
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
        markdown=_markdown(document.options, body, decisions, kind, facts.get("url")),
        **facts,
    )


def _markdown(options, body: str, decisions, kind: str, url: str | None) -> str | None:
    """The Markdown, where it was asked for: an HTML page's structure, or a text input's lines escaped."""
    if not options.markdown:
        return None
    if kind == "text":
        return markdown.text_markdown(body)
    return markdown.render(decisions, links=options.markdown_links, base_url=url)
