"""Document metadata: trafilatura's for HTML, the top of the document's for text, language for both."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_catstags,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document

from cleaner.metadata.dates import (
    PageDates,
    date_facts,
    headline_dates,
    page_dates,
    scripts_items,
    shown_time,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?")
# the language is told from the start of the text (measured: docs/decisions.md, "Language sample")
LANGUAGE_CHARS = 1500


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    categories: tuple[str, ...] = ()
    html_lang: str | None = None
    # the dates of the date step (cleaner.metadata.dates.page_dates), of which the page's type picks one
    # (cleaner.metadata.dates.dated); ``date`` is their publication date until then
    dates: PageDates | None = None


def html_metadata(tree: etree._Element, url: str | None) -> Metadata:
    """Title, site name and categories as trafilatura reads them (meta tags, JSON-LD, markup); author and date
    as the page declares them first.

    Run on the pruned tree, so that a comment form's "Name" field is not taken for the author. The
    declared author is preferred to trafilatura's, which also reads bylines in the markup but splits
    and re-cases what it finds ("Genevieve Carlton; Ph D"). The date is the declared one
    (:func:`declared_date`); the default preset gives the publication date of :func:`html_date` instead,
    once the lines under the headline are known (measured: docs/decisions.md, "Publication date").
    """
    own = declared(tree)
    try:
        found = trafilatura_metadata(tree, url, with_author="author" not in own)
    except Exception:  # metadata is best effort: a malformed JSON-LD block must not fail the document
        found = None
    lang = tree.get("lang") or tree.get("xml:lang")
    if found is None:
        return Metadata(url=url, date=declared_date(own, markup_dates(tree)), html_lang=lang_code(lang))
    categories = tuple(c for c in (found.categories or []) if c)
    return Metadata(
        title=found.title or None,
        author=own.get("author") or found.author or None,
        date=declared_date(own, markup_dates(tree)),
        url=found.url or url,
        sitename=found.sitename or None,
        categories=categories,
        html_lang=lang_code(lang),
    )


def trafilatura_metadata(tree: etree._Element, url: str | None, *, with_author: bool = True) -> Document:
    """The fields of trafilatura's ``extract_metadata`` that cleaner uses: title, author, URL, site name, categories.

    Its steps, in its order, less those whose result cleaner never reads: htmldate's date guess, the
    tags, the licence and the host name. The markup's byline is looked for only ``with_author``: where
    the page declares no author of its own (measured: docs/decisions.md, "Metadata steps").
    """
    found = examine_meta(tree)
    if found.author and " " not in found.author:  # a single word is a handle, not a name
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # a malformed JSON-LD block loses its own facts only, as in extract_metadata
        pass
    found.title = found.title or extract_title(tree)
    if with_author and not found.author:
        found.author = extract_author(tree)
    found.url = found.url or extract_url(tree, url)
    found.sitename = _site_name(found.sitename or extract_sitename(tree), found.url)
    found.categories = found.categories or extract_catstags("category", tree)
    found.clean_and_trim()
    return found


def _site_name(name: str | None, url: str | None) -> str | None:
    """A site name as trafilatura gives it: without a Twitter "@", capitalised unless it is a domain;
    else the URL's host."""
    if name:
        name = name.lstrip("@")
        return name.title() if name and "." not in name and not name[0].isupper() else name
    host = META_URL.match(url) if url else None
    return host[1] if host else None


# meta tags that name a field, as the page's publisher writes them
META_KEYS = {
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
JSON_LD_LIMIT = 200_000  # characters of JSON-LD read per page


def declared(tree: etree._Element) -> dict[str, str]:
    """What the page's own meta tags and JSON-LD say (:func:`declared_facts`), read from lxml's tree."""
    head = tree.find("head")

    def json_ld() -> Iterable[str]:
        return (node.text or "" for node in tree.iter("script") if node.get("type") == "application/ld+json")

    return declared_facts(head.iter("meta") if head is not None else (), json_ld)


def declared_facts(meta_tags: Iterable[Mapping[str, str]], json_ld: Callable[[], Iterable[str]]) -> dict[str, str]:
    """The fields the page's meta tags name (the first tag of each field), JSON-LD filling in author and date.

    ``meta_tags`` are the ``<meta>`` elements of the ``<head>``, in document order, as anything with
    ``get`` (an lxml element, a dict of attributes); ``json_ld`` gives the text of the JSON-LD scripts,
    read only when the tags leave the author or the date unsaid. Both presets read a page's own facts
    here, each from its own parser's tree.
    """
    found: dict[str, str] = {}
    for tag in meta_tags:
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        field = META_KEYS.get(key)
        content = " ".join((tag.get("content") or "").split())
        if field and content and (field == "url" or not content.startswith("http")):
            found.setdefault(field, content)
    if "author" not in found or "date" not in found:
        json_ld_facts(json_ld(), found)
    return found


def declared_date(found: dict[str, str], markup: Iterable[str] = ()) -> str | None:
    """The publication date the page declares, as YYYY-MM-DD; None when it declares none in ISO form.

    The meta tags' or JSON-LD's date, else the first ISO date of the ``markup`` dates: those of the
    elements marked ``itemprop="datePublished"``, then of the ``<time datetime>`` elements
    (:func:`markup_dates`; measured: docs/decisions.md, "Author and date"). ``markup`` is read lazily.
    """
    date = found.get("date")
    if date and ISO_DATE.match(date):
        return date[:10]
    for value in markup:
        value = value.strip()
        if ISO_DATE.match(value):
            return value[:10]
    return None


def html_date(
    tree: etree._Element, url: str | None, blocks: Sequence, has_author: bool, declared: str | None
) -> PageDates:
    """The default preset's dates (:func:`cleaner.metadata.dates.page_dates`; ``declared``: the page's
    declared date), read from the pruned tree and the shown ``blocks`` around the first ``<h1>``."""
    head = tree.find("head")
    scripts = (node.text or "" for node in tree.iter("script") if node.get("type") == "application/ld+json")
    facts = date_facts(head.iter("meta") if head is not None else (), scripts, url)
    shown = [block for block in blocks if block.dom_reason is None]
    headline = next((i for i, block in enumerate(shown) if block.tag_path.endswith("/h1")), None)
    times = [t for t in map(_shown_time, tree.iter("time")) if t]
    near = headline_dates([b.text for b in shown], headline, times)
    return page_dates(facts, url, near, has_author, declared)


def _shown_time(node: etree._Element) -> tuple[str, str, str] | None:
    parent = node.getparent()
    around = parent.text_content() if parent is not None else ""
    return shown_time(node.text_content(), around, node.get("datetime"))


def markup_dates(tree: etree._Element) -> Iterator[str]:
    """The dates the markup marks, in the order :func:`declared_date` tries them, from lxml's tree."""
    for node in tree.xpath('//*[@itemprop="datePublished"]'):
        yield node.get("content") or node.get("datetime") or ""
    for node in tree.iter("time"):
        yield node.get("datetime") or ""


def json_ld_facts(scripts: Iterable[str], found: dict[str, str]) -> None:
    """Fill ``found`` with the author and publication date of JSON-LD items, where it lacks them.

    An organisation given as the author is the publisher, not a byline: it is skipped.
    """
    for item in scripts_items(scripts, JSON_LD_LIMIT):
        author = _person(item.get("author"))
        if author and "author" not in found:
            found["author"] = author
        date = item.get("datePublished")
        if isinstance(date, str) and "date" not in found:
            found["date"] = date


def _person(value, depth: int = 0) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_person(v, depth + 1) for v in value[:5]) if n] if depth < 3 else []
        return ", ".join(names) or None
    if isinstance(value, dict):
        kind = value.get("@type")
        if kind == "Organization" or (isinstance(kind, list) and "Organization" in kind):
            return None
        value = value.get("name")
    return " ".join(value.split()) or None if isinstance(value, str) else None


_TITLE_SEPARATORS = re.compile(r"\s+[-|•–—:·»]\s+")


def best_title(title: str | None, headline: str | None, sitename: str | None) -> str | None:
    """The article's own headline rather than the <title> with the site's name appended.

    The page's first <h1> wins when the metadata title contains it (or it is most of it); otherwise
    a trailing " - Site Name" or " | Site Name" is cut when it names the site or is short.
    """
    if headline and title:
        if _fold(headline) in _fold(title) and len(headline.split()) >= 2 and not names_site(headline, title, sitename):
            return headline
    if not title:
        return headline if headline and is_headline(headline) else None
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        last = parts[-1]
        site = _fold(sitename or "")
        if (site and (_fold(last) in site or site in _fold(last))) or (
            len(last.split()) <= 3 and len(" ".join(parts[:-1]).split()) >= 3
        ):
            return title[: title.rfind(last)].rstrip(" -|•–—:·»")
    return title


def article_title(meta: Metadata, near: str | None, first_h1: str | None) -> str | None:
    """The title both presets give a page: the headline ``near`` the article's start where it is one of
    the page's own, else the metadata's title, preferring the page's ``first_h1`` where that title
    contains it (:func:`best_title`).

    Pages give og:title and <title> their SEO wording ("Top 10 ... | Site"); the headline the reader
    sees is the article's own (measured: docs/decisions.md, "Title").
    """
    if is_article_headline(near, meta):
        return near
    return best_title(meta.title, first_h1, meta.sitename)


def is_headline(text: str) -> bool:
    """Long enough to name an article, short enough not to be a paragraph."""
    return 2 <= len(text.split()) <= 30


def names_site(text: str, title: str | None, sitename: str | None) -> bool:
    """The site's name: its declared name, or what follows the last separator of the <title>."""
    folded = _fold(text)
    if sitename and folded == _fold(sitename):
        return True
    parts = _TITLE_SEPARATORS.split(title) if title else []
    return len(parts) > 1 and folded == _fold(parts[-1])


def is_article_headline(text: str | None, meta: Metadata) -> bool:
    """A headline of the page's own (not its site's name) that may be its title ahead of ``meta.title``."""
    return bool(text) and is_headline(text) and not names_site(text, meta.title, meta.sitename)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def lang_code(value: str | None) -> str | None:
    if not value:
        return None
    code = value.strip().split("-")[0].split("_")[0].lower()
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def language_sample(lines: Sequence[str], chars: int = LANGUAGE_CHARS) -> str:
    """About ``chars`` characters of whole lines from the start, blank-line separated, as the text is told from."""
    sample, size = [], 0
    for line in lines:
        if size >= chars:
            break
        sample.append(line)
        size += len(line) + 2
    return "\n\n".join(sample)[:chars]


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import _load_identifier

    try:
        return _walking_identifier()
    except (AttributeError, ImportError, TypeError, ValueError):  # another py3langid: its own walk
        return _load_identifier(norm_probs=True)


# the bytes read back from each position when the automaton's states are found all at once: the
# deepest state of py3langid's model is 6 bytes from the start state; where a window is too short,
# the check in _states finds it and the text is walked byte by byte
_WALK_WINDOW = 6


def _walking_identifier():
    """py3langid's identifier with its byte-by-byte automaton walk done on all positions at once.

    The walk counts the features (byte n-grams) of the text, one Python step a byte: in the fast
    preset it took most of the language's time. The automaton's state after a byte depends only on
    the few bytes before it, so numpy finds every position's state in ``_WALK_WINDOW`` steps and
    checks that each state follows from the one before it: the counts, in first-seen order, and so
    the scores are the library's own (measured: docs/decisions.md, "Language identification").
    """
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

    if not (hasattr(LanguageIdentifier, "_raw_score") and hasattr(LanguageIdentifier, "_sparse_score")):
        raise AttributeError("py3langid without the scoring steps this walk plugs into")

    class WalkingIdentifier(LanguageIdentifier):
        __slots__ = ("_moves", "_outputs", "_rows")

        def _raw_score(self, text):
            visits = self._visits(text)
            if not visits:
                return super()._raw_score(text)
            return self._sparse_score(visits, self.nb_ptc)

        def _visits(self, text: bytes) -> Counter:
            data = np.frombuffer(text, dtype=np.uint8)
            states = _states(self._moves, self._rows, data)
            if states is None:
                return visit_counts(self.tk_nextmove, self._rowbase, self.tk_output, text) or Counter()
            features = self._outputs[states]
            return Counter(features[features >= 0].tolist())

    identifier = WalkingIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier._moves = np.asarray(identifier.tk_nextmove)
    identifier._rows = np.asarray(identifier._rowbase, dtype=np.int64)
    identifier._outputs = np.asarray(identifier.tk_output, dtype=np.int64)
    return identifier


def _states(moves, rows, data):
    """The automaton's state after each byte of ``data``, or None where the window was too short."""
    import numpy as np

    states = np.zeros(len(data), dtype=np.int64)
    for back in range(min(_WALK_WINDOW, len(data)) - 1, -1, -1):
        # the position i reads byte i - back; the first ones start later, from the start state
        states[back:] = moves[rows[states[back:]] + data[: len(data) - back]]
    before = np.concatenate(([0], states[:-1]))
    if not np.array_equal(moves[rows[before] + data], states):
        return None
    return states


def detect_language(text: str, fallback: str | None = None) -> str | None:
    """ISO 639-1 code of the text; the page's declared language when the text is too short to tell."""
    if len(text) < 40:
        return fallback
    code, probability = _identifier().classify(text[:LANGUAGE_CHARS])
    if probability < 0.5:
        return fallback
    return code
