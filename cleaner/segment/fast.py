"""The ``fast`` preset: resiliparse's main content, then cleaner's rules and structure steps.

The default pipeline parses with lxml, walks every element, asks trafilatura and the learned model.
This preset hands the page to resiliparse (C++: parse, main-content heuristics, block formatting)
and keeps only its main content, as minimal HTML (headings, paragraphs, list items, links). Those
blocks, as lines of text, then go through cleaner's text mode (:func:`cleaner.decide.state.decide`: text
rules, heading regions, headline and section label, teaser lists, comment threads, author lines)
and the text model, without trafilatura. Metadata comes from a cheap reader of the page's
``<title>``, ``og:`` and ``article:`` meta tags and JSON-LD. Text input runs the default text
steps without the model.

Every removal by a rule is a removed span with its reason and rule, as in the default preset. Text
that resiliparse leaves out of the main content is not listed span by span (listing it would cost a
second extraction and an alignment); ``provenance.options`` records ``preset: fast``.

"""

from __future__ import annotations

import dataclasses
import html as htmlmod
import re
from collections.abc import Sequence

from cleaner.decide.state import TopOfDocument, decide
from cleaner.errors import EMPTY, NO_TEXT, NOT_TEXT, InputError
from cleaner.metadata.page import (
    ISO_DATE,
    META_KEYS,
    Metadata,
    best_title,
    detect_language,
    is_article_headline,
    json_ld_facts,
    lang_code,
)
from cleaner.records import Decision
from cleaner.rules import RuleSet
from cleaner.segment.blocks import segment_text
from cleaner.segment.normalize import normalize_line, normalize_text

MIN_MAIN_WORDS = 50  # a main content shorter than this is taken for a miss
LANGUAGE_CHARS = 600  # the language is told from this much of the text (the default: metadata.LANGUAGE_CHARS)

# --- HTML: resiliparse's main content as blocks ----------------------------------------------------

_BREAK = re.compile(r"</?(?:h[1-6]|p|ul|ol|li|pre)\b[^>]*>|<br\b[^>]*>")
_LINK = re.compile(r"</?a\b[^>]*>")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)


def main_lines(markup: str) -> tuple[list[str], str | None]:
    """The lines of resiliparse's minimal HTML (h1-h6, p, ul/ol/li, pre, br, a), and its first h1.

    Every block tag and <br> ends a line; links keep their text. The lines are what text mode
    reads, normalized and without blank ones.
    """
    lines = [line for line in normalize_text(_text(markup)).split("\n") if line]
    headline = None
    for h1 in _H1.finditer(markup):
        inside = _text(h1.group(1))
        headline = "\n".join(line for line in map(normalize_line, inside.split("\n")) if line) or None
        if headline:
            break
    return lines, headline


def _text(markup: str) -> str:
    """The text of minimal HTML: a line break for each block tag and <br>, links as their text."""
    return htmlmod.unescape(_LINK.sub("", _BREAK.sub("\n", markup)))


def _main_content(tree) -> tuple[list[str], str | None]:
    from resiliparse.extract.html2text import extract_plain_text

    _open_collapsed(tree)

    def extract(main: bool) -> tuple[list[str], str | None]:
        markup = extract_plain_text(tree, main_content=main, preserve_formatting="minimal_html", links=True)
        return main_lines(markup)

    # on some pages resiliparse's heuristics find (next to) nothing: then its whole text goes to the
    # text steps and the model, which decide line by line (measured: docs/decisions.md, "Fast preset")
    main = extract(True)
    if sum(len(line.split()) for line in main[0]) < MIN_MAIN_WORDS:
        whole = extract(False)
        return whole if whole[0] else main
    return main


# the elements that the default preset treats as hidden, not as collapsed (the styles' usual spellings)
_HIDDEN = (
    '[aria-hidden="true"], [style*="display:none" i], [style*="display: none" i], '
    '[style*="visibility:hidden" i], [style*="visibility: hidden" i]'
)


def _open_collapsed(tree) -> None:
    """Take the ``hidden`` attribute off collapsed panels and tabs, so that resiliparse reads them.

    As in the default preset (:func:`cleaner.segment.blocks._attributes`), an element with the ``hidden``
    attribute alone is content that readers open; resiliparse's main content would leave it out.
    """
    for node in tree.document.query_selector_all("[hidden]"):
        if not node.matches(_HIDDEN):
            node.delattr("hidden")


def _parse(text: str):
    from resiliparse.parse.html import HTMLTree

    try:
        return HTMLTree.parse(text)
    except Exception as err:  # resiliparse rejects some inputs outright
        raise InputError(f"unparsable HTML: {err}", NOT_TEXT) from None


def html_decisions(
    text: str, url: str | None, ruleset: RuleSet
) -> tuple[list[Decision], TopOfDocument, Metadata, str | None]:
    """resiliparse's main content as lines of text, decided by the text steps; also the metadata and language.

    The lines go through text mode (rules, headline, comment threads) and then the text model
    (see :func:`cleaner.api`), which scores better than deciding resiliparse's blocks as HTML blocks
    with the rules alone, at the same cost (measured: docs/decisions.md, "Fast preset").
    """
    tree = _parse(text)
    lines, headline = _main_content(tree)
    if not lines:
        raise InputError("no text in this HTML page", NO_TEXT)
    meta = page_metadata(tree, url)
    # the main content's headline before the metadata's title, as in the default preset (stages._title)
    title = headline if is_article_headline(headline, meta) else best_title(meta.title, headline, meta.sitename)
    meta = dataclasses.replace(meta, title=title)
    decisions, top = decide(segment_text("\n".join(lines)), ruleset)
    return decisions, top, meta, _language(lines, meta.html_lang)


def text_decisions(text: str, ruleset: RuleSet) -> tuple[list[Decision], TopOfDocument, str | None]:
    """Already-extracted text: the default text steps, without the model."""
    blocks = segment_text(normalize_text(text))
    if not blocks:
        raise InputError("empty input: no text", EMPTY)
    decisions, top = decide(blocks, ruleset)
    return decisions, top, _language([block.text for block in blocks], None)


def _language(lines: Sequence[str], fallback: str | None) -> str | None:
    sample, size = [], 0
    for line in lines:
        if size >= LANGUAGE_CHARS:
            break
        sample.append(line)
        size += len(line) + 2
    return detect_language("\n\n".join(sample)[:LANGUAGE_CHARS], fallback=fallback)


# --- metadata ----------------------------------------------------------------------------------------


def page_metadata(tree, url: str | None) -> Metadata:
    """Title, author, date, site name, canonical URL and section from meta tags, <title> and JSON-LD."""
    found: dict[str, str] = {}
    head = tree.head
    root = tree.document.query_selector("html")
    lang = root.getattr("lang") if root is not None else None
    if head is not None:
        for attrs in _meta_tags(head.html):
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            field = META_KEYS.get(key)
            content = " ".join(attrs["content"].split())
            if not field or not content or (content.startswith("http") and field != "url"):
                continue
            found.setdefault(field, content)
        canonical = head.query_selector('link[rel="canonical"]')
        if canonical is not None and canonical.getattr("href", "").startswith("http"):
            found["url"] = canonical.getattr("href")
    if "author" not in found or "date" not in found:
        _json_ld(tree, found)
    title = found.get("title") or " ".join((tree.title or "").split()) or None
    date = found.get("date")
    return Metadata(
        title=title,
        author=found.get("author"),
        date=date[:10] if date and ISO_DATE.match(date) else _markup_date(tree),
        url=found.get("url") or url,
        sitename=found.get("sitename"),
        categories=(found["category"],) if found.get("category") else (),
        html_lang=lang_code(lang),
    )


# <meta> tags as resiliparse serializes them: lower-case names, values in double quotes with '"' and
# '&' escaped; comments and the text of script, style and title are not markup. Read from the
# serialized <head> with a few patterns: each node object that resiliparse hands to Python costs
# about 70 us, so walking a dozen meta nodes took most of this preset's metadata time.
_META_TAG = re.compile(r"<meta((?:\s+[^\s=>]+(?:=\"[^\"]*\")?)*)>")
_NOT_MARKUP = re.compile(r"<!--.*?-->|<(script|style|title|textarea)\b[^>]*>.*?</\1>", re.S)
_ATTRIBUTE = re.compile(r"([^\s=>]+)(?:=\"([^\"]*)\")?")


def _meta_tags(head_html: str) -> list[dict[str, str]]:
    """The attributes of each <meta> with a content attribute, in document order (first of a repeated name)."""
    tags = []
    for match in _META_TAG.finditer(_NOT_MARKUP.sub("", head_html)):
        attrs: dict[str, str] = {}
        for name, value in _ATTRIBUTE.findall(match.group(1)):
            attrs.setdefault(name, htmlmod.unescape(value))
        if "content" in attrs:
            tags.append(attrs)
    return tags


def _markup_date(tree) -> str | None:
    """The date the markup marks as the publication date, as :func:`cleaner.metadata.page.declared_date` reads it."""
    for selector, names in (('[itemprop="datePublished"]', ("content", "datetime")), ("time[datetime]", ("datetime",))):
        for node in tree.document.query_selector_all(selector):
            value = next((v for v in (node.getattr(n) for n in names) if v), "").strip()
            if ISO_DATE.match(value):
                return value[:10]
    return None


def _json_ld(tree, found: dict[str, str]) -> None:
    scripts = tree.document.query_selector_all('script[type="application/ld+json"]')
    json_ld_facts((node.text or "" for node in scripts), found)
