"""The ``fast`` preset: resiliparse's main content, then cleaner's rules and structure steps.

The default pipeline parses with lxml, walks every element, asks trafilatura and the learned model.
This preset hands the page to resiliparse (C++: parse, main-content heuristics, block formatting)
and keeps only its main content, as minimal HTML (headings, paragraphs, list items, links). Those
blocks then go through cleaner's own decisions (:func:`cleaner.decide.decide`: text rules, heading
regions, headline and section label, teaser lists, author lines, link lists), without trafilatura
and without the model. Metadata comes from a cheap reader of the page's ``<title>``, ``og:`` and
``article:`` meta tags and JSON-LD. Text mode runs the default text steps without the model.

Every removal by a rule is a removed span with its reason and rule, as in the default preset. Text
that resiliparse leaves out of the main content is not listed span by span (listing it would cost a
second extraction and an alignment); ``provenance.options`` records ``preset: fast``.

Rules are matched with the same patterns and in the same order as :meth:`RuleSet.match_text`, so a
block gets the same hit; only which rules are tried differs: a rule whose necessary literals (read
from its pattern) occur nowhere in the document cannot match there, and is skipped.
"""

from __future__ import annotations

import bisect
import html as htmlmod
import json
import re
from collections.abc import Sequence
from functools import lru_cache

from cleaner.decide import TopOfDocument, decide
from cleaner.decode import InputError
from cleaner.metadata import Metadata, best_title, detect_language
from cleaner.normalize import normalize_line, normalize_text
from cleaner.records import Block, Decision
from cleaner.rules import MATCH_TIMEOUT, Hit, Rule, RuleSet
from cleaner.segment import segment_text

PRESETS = ("default", "fast")
LANGUAGE_CHARS = 600  # the language is told from this much of the clean text (the default reads 5000)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")

# --- rules, matched document by document -----------------------------------------------------------


def necessary_literals(pattern: str, shortest: int = 3) -> frozenset[str] | None:
    """Lower-cased strings one of which every match of ``pattern`` contains, or None when none can be read.

    Read from the pattern's syntax tree (Python's own parser; the rules are written in the common
    subset of ``re`` and ``regex``): a sequence needs what its most telling element needs, an
    alternation needs what one of its branches needs, a repeat at least once needs what its body
    needs. Sets with a string shorter than ``shortest`` characters are not worth a search.
    """
    from re import _parser

    try:
        tree = _parser.parse(pattern, 0)
    except Exception:  # regex-only syntax: the rule is tried on every block
        return None
    found = _required(list(tree))
    if not found or min(len(s) for s in found) < shortest:
        return None
    return frozenset(s.lower() for s in found)


def _telling(found: set[str] | None) -> tuple[int, int]:
    return (min(len(s) for s in found), -len(found)) if found else (-1, 0)


def _required(items: list) -> set[str] | None:
    from re import _constants as c

    best: set[str] | None = None
    run: list[str] = []

    def better(found: set[str] | None) -> None:
        nonlocal best
        if found and (best is None or _telling(found) > _telling(best)):
            best = found

    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            better({"".join(run)})
            run = []
        if op is c.SUBPATTERN:
            better(_required(list(arg[-1])))
        elif op is c.BRANCH:
            union: set[str] | None = set()
            for branch in arg[1]:
                needed = _required(list(branch))
                if needed is None:
                    union = None
                    break
                union |= needed
            better(union)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            better(_required(list(arg[2])))
        elif op is c.ATOMIC_GROUP:
            better(_required(list(arg)))
    if run:
        better({"".join(run)})
    return best


@lru_cache(maxsize=64)
def _prepared(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, frozenset[str] | None], ...]:
    return tuple((rule, necessary_literals(rule.pattern.pattern)) for rule in rules)


class DocumentRules:
    """A ruleset's heading and text rules for one document: ``match_text`` gives what
    :meth:`RuleSet.match_text` gives, trying only the rules that can match in this document."""

    def __init__(self, ruleset: RuleSet, texts: Sequence[str], language: str | None = None) -> None:
        self.ruleset = ruleset
        ordered = _prepared(ruleset.by_target("heading") + ruleset.by_target("text"))
        if language:  # a rule written for other languages only is not tried
            ordered = tuple((r, lits) for r, lits in ordered if not r.languages or language in r.languages)
        document = "\n".join(texts).lower()
        starts, position = [], 0
        for text in texts:
            starts.append(position)
            position += len(text) + 1
        self._candidates: dict[int, list[int]] = {}  # line -> positions of the rules that may match it
        self._everywhere: list[int] = []  # rules without literals: tried on every block
        self._rules = [rule for rule, _ in ordered]
        for k, (_, literals) in enumerate(ordered):
            if literals is None:
                self._everywhere.append(k)
                continue
            lines: set[int] = set()
            for literal in literals:
                at = document.find(literal)
                while at >= 0:
                    line = bisect.bisect_right(starts, at) - 1
                    lines.add(line)
                    at = document.find(literal, starts[line + 1]) if line + 1 < len(starts) else -1
            for line in lines:
                self._candidates.setdefault(line, []).append(k)
        self._lines = {text: i for i, text in reversed(list(enumerate(texts)))}
        self._seen: dict[str, Hit | None] = {}

    def match_text(self, text: str) -> Hit | None:
        if text in self._seen:
            return self._seen[text]
        line = self._lines.get(text)
        if line is None:  # not one of the document's blocks: try every rule
            tried = range(len(self._rules))
        else:
            tried = sorted(self._candidates.get(line, []) + self._everywhere)
        words = len(text.split())
        hit = None
        for k in tried:
            rule = self._rules[k]
            if rule.max_words and words > rule.max_words:
                continue
            try:
                match = rule.pattern.search(text, timeout=MATCH_TIMEOUT)
            except TimeoutError:
                continue
            if match:
                author = match.groupdict().get("author")
                hit = Hit(rule, author.strip() if author else None, match.start(), match.end())
                break
        self._seen[text] = hit
        return hit

    def structure(self, rule_id: str) -> Rule | None:
        return self.ruleset.structure(rule_id)


# --- HTML: resiliparse's main content as blocks ----------------------------------------------------

_TAG = re.compile(r"<(/?)(h[1-6]|p|ul|ol|li|pre|br|a)\b[^>]*>")
_KIND = {"h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "li": "li", "pre": "pre"}


def minimal_blocks(markup: str) -> list[Block]:
    """Blocks of resiliparse's minimal HTML (h1-h6, p, ul/ol/li, pre, br, a), with link density.

    Offsets run over the blocks joined by blank lines, as in :func:`cleaner.segment.segment_html`.
    """
    blocks: list[Block] = []
    pieces: list[str] = []
    state = {"link": 0, "kind": "p", "path": "", "offset": 0}

    def flush() -> None:
        raw = htmlmod.unescape("".join(pieces)) if pieces else ""
        pieces.clear()
        link_chars, state["link"] = state["link"], 0
        text = "\n".join(line for line in map(normalize_line, raw.split("\n")) if line)
        if not text:
            return
        start = state["offset"] + (2 if blocks else 0)
        state["offset"] = start + len(text)
        blocks.append(
            Block(
                index=len(blocks),
                text=text,
                start=start,
                end=state["offset"],
                kind=state["kind"],
                tag_path=state["path"],
                link_density=min(1.0, link_chars / max(1, len(text))),
                main_content=True,
            )
        )

    position, in_link = 0, False
    for tag in _TAG.finditer(markup):
        if tag.start() > position:
            piece = markup[position : tag.start()]
            pieces.append(piece)
            if in_link:
                state["link"] += len(htmlmod.unescape(piece).strip())
        position = tag.end()
        closing, name = tag.group(1), tag.group(2)
        if name == "a":
            in_link = not closing
        elif name == "br":
            pieces.append("\n")
        else:
            flush()
            if not closing:
                state["kind"], state["path"] = _KIND.get(name, "p"), "/" + name
    if position < len(markup):
        pieces.append(markup[position:])
    flush()
    return blocks


def _main_content(tree) -> list[Block]:
    from resiliparse.extract.html2text import extract_plain_text

    def extract(main: bool) -> list[Block]:
        markup = extract_plain_text(tree, main_content=main, preserve_formatting="minimal_html", links=True)
        return minimal_blocks(markup)

    # resiliparse's heuristics find nothing on a few pages: then its whole text goes to the rules
    return extract(True) or extract(False)


def _parse(text: str):
    from resiliparse.parse.html import HTMLTree

    try:
        return HTMLTree.parse(text)
    except Exception as err:  # resiliparse rejects some inputs outright
        raise InputError(f"unparsable HTML: {err}") from None


def html_decisions(
    text: str, url: str | None, ruleset: RuleSet
) -> tuple[list[Decision], TopOfDocument, Metadata, str | None]:
    """resiliparse's main content, decided by the rules; also the metadata and the body's language."""
    tree = _parse(text)
    blocks = _main_content(tree)
    if not blocks:
        raise InputError("no text in this HTML page")
    meta = page_metadata(tree, url)
    headline = next((b.text for b in blocks if b.tag_path == "/h1"), None)
    meta = Metadata(
        title=best_title(meta.title, headline, meta.sitename),
        author=meta.author,
        date=meta.date,
        url=meta.url,
        sitename=meta.sitename,
        categories=meta.categories,
        html_lang=meta.html_lang,
    )
    language = _language(blocks, meta.html_lang)
    rules = DocumentRules(ruleset, [b.text for b in blocks], language)
    decisions, top = decide(blocks, rules, title=meta.title, author=meta.author, html=True)  # type: ignore[arg-type]
    return decisions, top, meta, language


def text_decisions(text: str, ruleset: RuleSet) -> tuple[list[Decision], TopOfDocument, str | None]:
    """Already-extracted text: the default text steps (no model), rules matched document by document."""
    blocks = segment_text(normalize_text(text))
    if not blocks:
        raise InputError("empty input: no text")
    language = _language(blocks, None)
    rules = DocumentRules(ruleset, [b.text for b in blocks], language)
    decisions, top = decide(blocks, rules)  # type: ignore[arg-type]
    return decisions, top, language


def _language(blocks: Sequence[Block], fallback: str | None) -> str | None:
    sample, size = [], 0
    for block in blocks:
        if size >= LANGUAGE_CHARS:
            break
        sample.append(block.text)
        size += len(block.text) + 2
    return detect_language("\n\n".join(sample)[:LANGUAGE_CHARS], fallback=fallback)


def body_language(decisions: Sequence[Decision], fallback: str | None) -> str | None:
    """The clean text's language from its first ``LANGUAGE_CHARS`` characters."""
    return _language([d.block for d in decisions if d.keep], fallback)


# --- metadata ----------------------------------------------------------------------------------------

_META_KEYS = {
    "og:title": "title",
    "twitter:title": "title",
    "author": "author",
    "article:author": "author",
    "dc.creator": "author",
    "article:published_time": "date",
    "og:published_time": "date",
    "date": "date",
    "dc.date": "date",
    "pubdate": "date",
    "og:site_name": "sitename",
    "application-name": "sitename",
    "og:url": "url",
    "article:section": "category",
}
_JSON_LD_LIMIT = 200_000  # characters of JSON-LD read per page


def page_metadata(tree, url: str | None) -> Metadata:
    """Title, author, date, site name, canonical URL and section from meta tags, <title> and JSON-LD."""
    found: dict[str, str] = {}
    head = tree.head
    root = tree.document.query_selector("html")
    lang = root.getattr("lang") if root is not None else None
    if head is not None:
        for node in head.query_selector_all("meta[content]"):
            key = (node.getattr("property") or node.getattr("name") or node.getattr("itemprop") or "").lower()
            field = _META_KEYS.get(key)
            content = " ".join((node.getattr("content") or "").split())
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
        date=date[:10] if date and _ISO_DATE.match(date) else None,
        url=found.get("url") or url,
        sitename=found.get("sitename"),
        categories=(found["category"],) if found.get("category") else (),
        html_lang=_lang_code(lang),
    )


def _json_ld(tree, found: dict[str, str]) -> None:
    budget = _JSON_LD_LIMIT
    for node in tree.document.query_selector_all('script[type="application/ld+json"]'):
        text = node.text or ""
        budget -= len(text)
        if budget < 0:
            return
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for item in _items(data):
            author = _name(item.get("author"))
            if author and "author" not in found:
                found["author"] = author
            date = item.get("datePublished")
            if isinstance(date, str) and "date" not in found:
                found["date"] = date


def _items(data, depth: int = 0) -> list[dict]:
    if depth > 3:
        return []
    if isinstance(data, list):
        return [item for entry in data[:20] for item in _items(entry, depth + 1)]
    if isinstance(data, dict):
        return [data, *_items(data.get("@graph", []), depth + 1)]
    return []


def _name(value) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_name(v) for v in value[:5]) if n]
        return ", ".join(names) or None
    if isinstance(value, dict):
        value = value.get("name")
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _lang_code(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None
