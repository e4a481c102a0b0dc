"""The stages a preset plugs in before the model, and how the model and the settling steps run after them.

One pipeline (:func:`cleaner.api._pipeline`) runs every preset: what differs is the *front* stage,
the steps before the model. The default parses with lxml, segments the page into blocks, labels them
with trafilatura's main-content verdict, reads the metadata and lets the rules decide
(:func:`html_decisions`; for text, :func:`text_decisions`). The fast preset takes resiliparse's main
content as lines of text instead (:mod:`cleaner.segment.fast`) and the page's head for its metadata
(:mod:`cleaner.metadata.head`), decided by the text steps and the text model without its context
pass, and leaves the settling steps out. Title, language, visibility and the decision itself are the
same functions in both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from cleaner import errors
from cleaner.decide.state import HTML, LINES, VERDICT_RULES, TopOfDocument, decide, is_prose
from cleaner.errors import InputError
from cleaner.metadata.head import head_date, head_metadata, meta_tags, page_nodes
from cleaner.metadata.page import Metadata, article_title, html_date, html_metadata, language_sample
from cleaner.options import Options
from cleaner.records import Decision
from cleaner.rules import RuleSet
from cleaner.segment import fast
from cleaner.segment.blocks import segment_html, segment_text
from cleaner.segment.density import densest_region, label_region
from cleaner.segment.label import label_main_content, main_content_text
from cleaner.segment.normalize import normalize_text
from cleaner.segment.parse import locate, parse_page, prune


@dataclass(frozen=True)
class Input:
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


@dataclass(frozen=True)
class Front:
    """What the front stage gives the rest of the pipeline."""

    decisions: list[Decision]
    top: TopOfDocument
    meta: Metadata | None = None  # HTML: what the page says about itself
    # the text the language is told from; None: the clean text (the fast preset tells it from the
    # start of its input, before the model, where the default reads the article)
    language_sample: str | None = None
    # text: the normalized input the blocks index into; the clean text keeps its line layout
    source: str | None = None
    # the model that decides this document's open blocks where it is not the preset's: the model that
    # learned from the main-content verdict the front stage took (cleaner.segment.density)
    model: str | None = None


@dataclass(frozen=True)
class Stages:
    """A preset's stages for one kind of input."""

    front: Callable[[Input], Front]
    model: str | None  # the model that decides the blocks the rules left open ("html", "text"); None: none
    context: bool = True  # the text model's second pass over the neighbours' probabilities
    settle: bool = True  # the article-flow, list and repeated-paragraph steps and the safety net


def default_html(document: Input) -> Front:
    verdict = VERDICTS[document.options.main_content]
    decisions, top, meta, taken = html_decisions(document.text, document.url, document.ruleset, verdict=verdict)
    return Front(decisions, top, meta, model=VERDICT_MODELS[taken])


def default_text(document: Input) -> Front:
    decisions, top, source = text_decisions(document.text, document.ruleset)
    return Front(decisions, top, source=source)


def fast_html(document: Input) -> Front:
    """resiliparse's main content as lines of text, decided by the text steps (the text model follows).

    Deciding those lines as text scores better than deciding resiliparse's blocks as HTML blocks with
    the rules alone, at the same cost (measured: docs/decisions.md, "Fast preset").
    """
    tree = fast.parse(document.text)
    nodes = page_nodes(tree)  # one query of the tree for what the main content and the metadata read
    lines, headline = fast.main_content(tree, nodes.hidden)
    if not lines:
        raise InputError("no text in this HTML page", errors.NO_TEXT)
    tags = meta_tags(tree)
    meta = head_metadata(tree, document.url, tags, nodes)
    title = article_title(meta, headline, headline)
    decisions, top = decide(segment_text("\n".join(lines)), document.ruleset, reading=LINES)
    has_author = bool(meta.author or top.author)
    dates = head_date(tree, document.url, lines, headline, has_author, tags, meta.date, nodes)
    meta = dataclasses.replace(meta, title=title, date=dates.published, dates=dates)
    return Front(decisions, top, meta, language_sample(lines, FAST_LANGUAGE_CHARS))


def fast_text(document: Input) -> Front:
    """Already-extracted text: the default text steps (the fast preset runs no model after them)."""
    decisions, top, source = text_decisions(document.text, document.ruleset)
    sample = language_sample([d.block.text for d in decisions], FAST_LANGUAGE_CHARS)
    return Front(decisions, top, None, sample, source=source)


FAST_LANGUAGE_CHARS = 600  # the fast preset tells the language from this much of its input's start


STAGES: dict[tuple[str, str], Stages] = {
    ("default", "html"): Stages(default_html, "html"),
    ("default", "text"): Stages(default_text, "text"),
    ("fast", "html"): Stages(fast_html, "text", context=False, settle=False),
    ("fast", "text"): Stages(fast_text, None, settle=False),
}


def text_decisions(text: str, ruleset: RuleSet) -> tuple[list[Decision], TopOfDocument, str]:
    """Rule and structure decisions for already-extracted text (before the learned model), and the
    normalized text the blocks index into (indentation kept: the clean text follows its layout)."""
    source = normalize_text(text, indent=True)
    blocks = segment_text(source)
    if not blocks:
        raise InputError("empty input: no text", errors.EMPTY)
    return (*decide(blocks, ruleset), source)


_FALLBACK_WORDS = 50  # fewer words than this outside DOM markers: the markup hid the article


def _segment(page, ruleset: RuleSet, open_hidden: bool = True):
    """Blocks of the page; read again without markup rules, <noscript> included, when they left no text,
    and with hidden elements collapsed when these hold the article (``open_hidden``).

    A page-wide wrapper named "nav" or "comments", a page drawn by script whose text for crawlers
    sits in <noscript>, or an article in a wrapper that a script shows, would otherwise be lost.
    """
    segmented = segment_html(page, ruleset)
    if open_hidden and _hidden_holds_the_article(segmented.blocks):
        return segment_html(page, ruleset, open_hidden=True)
    if _open_words(segmented.blocks) >= _FALLBACK_WORDS:
        return segmented
    retry = segment_html(page, ruleset.without_markup(), noscript=True)
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


TRAFILATURA, REGION, AUTO = "trafilatura", "region", "auto"
VERDICTS = {"trafilatura": TRAFILATURA, "auto": AUTO, "region": REGION}  # by Options.main_content
# the HTML model that learned from each main-content verdict
VERDICT_MODELS = {TRAFILATURA: "html", REGION: "html_region", None: "html"}


def html_decisions(
    text: str,
    url: str | None,
    ruleset: RuleSet,
    *,
    use_trafilatura: bool = True,
    open_hidden: bool = True,
    verdict: str = TRAFILATURA,
) -> tuple[list[Decision], TopOfDocument, Metadata, str | None]:
    """Parse, segment, prune never-content, label the main content, decide by rules (before the model).

    The main-content verdict is trafilatura's, the densest region's (:mod:`cleaner.segment.density`),
    or (``verdict=AUTO``: ``Options.main_content="auto"``) the region's where it is sure of itself
    and trafilatura's elsewhere: trafilatura then runs on a fraction of the pages. The verdict taken is
    returned last (None without one: ``use_trafilatura=False``, the rules alone), for the model
    that learned from it. ``open_hidden=False`` keeps hidden elements never-content even where they
    hold the article (:func:`_hidden_holds_the_article`): training reads pages so.
    """
    parsed = parse_page(text)
    tree = parsed.tree
    segmented = _segment(parsed.page, ruleset, open_hidden)
    if not segmented.blocks:
        raise InputError("no text in this HTML page", errors.NO_TEXT)
    # both found before either is pruned: the ranks count the whole tree
    marked, evidence = locate(parsed, segmented.marked), locate(parsed, segmented.evidence)
    prune(marked)
    blocks = segmented.blocks
    taken = None
    if use_trafilatura:
        region = None if verdict == TRAFILATURA else densest_region(blocks, segmented.boxes, segmented.box_tags)
        if region is not None and (verdict == REGION or region.sure):
            blocks, taken = label_region(blocks, region), REGION
        else:
            blocks, taken = label_main_content(blocks, main_content_text(tree, url)), TRAFILATURA
    prune(evidence)
    meta = html_metadata(tree, url)
    meta = dataclasses.replace(meta, title=_title(meta, blocks))
    rule = VERDICT_RULES.get(taken, VERDICT_RULES[TRAFILATURA])
    decisions, top = decide(blocks, ruleset, title=meta.title, author=meta.author, reading=HTML, verdict=rule)
    dates = html_date(tree, url, blocks, bool(meta.author or top.author), meta.date)
    meta = dataclasses.replace(meta, date=dates.published, dates=dates)
    return decisions, top, meta, taken


def _title(meta: Metadata, blocks) -> str | None:
    """The <h1> just above the article's first paragraph (as trafilatura kept it), else the metadata's
    title, preferring the page's first shown <h1> (:func:`cleaner.metadata.page.article_title`)."""
    # a collapsed <h1> (a closed dialog's, a template's "{{ title }}") is not what the reader sees
    headings = [b for b in blocks if b.tag_path.endswith("/h1") and b.dom_reason is None and not b.collapsed]
    first_prose = next((b.index for b in blocks if b.main_content and is_prose(b)), None)
    above = [b for b in headings if first_prose is not None and b.index < first_prose]
    return article_title(meta, above[-1].text if above else None, headings[0].text if headings else None)
