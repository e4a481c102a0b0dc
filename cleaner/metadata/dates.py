"""The publication date: the places a page gives it, each trusted as far as it was measured to be right.

A page states dates in its URL, its meta tags, its JSON-LD, its ``<time>`` elements and the words under
its headline, and many of them are not the publication date: a template's "last modified" stamp, the
date a shop's product page was made, the dates of a sidebar's posts. Each source below was scored on
wcxb's train split as the date of pages that have one, counting a date given on a page without one
as wrong, and only the sources and conditions that were right on at least 0.9 of the dates they gave
are used (measured: docs/decisions.md, "Publication date"). Where they give none, the likely date
(:func:`likely_date`) stands on article and forum pages only (:func:`dated`): the gold of the other page
types seldom has a date. Dates are ISO ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

_ISO_DAY = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
# /2024/5/17/ or /2024-05-17-: unpadded only between slashes ("/2024-4-4-2024-5-0-issue" is two versions)
_URL_DAY = re.compile(
    r"/((?:19|20)\d\d)(?:/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])|-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))(?=[/._-]|$)"
)
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# the ways an article writes its date under the headline: "May 17, 2024", "17 May 2024", "2024-05-17"
_WRITTEN = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\.?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
)
_MONTHS = {name: number for number, name in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
# a date that a label calls a later edit ("Updated on", "Last modified:", a forum's "last post by ...")
_UPDATE_LABEL = re.compile(r"(updated|modified|reviewed|edited|revised|last post|last active)\W*(?:\w+\W+){0,3}$", re.I)
_LABEL_REACH = 40  # characters before a date that its label is looked for in
# lines read around the headline, and the longest line a date line is (a byline with a date, not prose)
_BEFORE, _AFTER, _LINE_WORDS = 3, 15, 25
# meta tags whose content is the publication date, as the publisher names them
PUBLISHED_META = frozenset(
    ("article:published_time", "og:published_time", "date", "dc.date", "pubdate", "datepublished")
)
_JSON_LD_LIMIT = 200_000  # characters of JSON-LD read per page


@dataclass(frozen=True)
class DateFacts:
    """What a page's head (meta tags, JSON-LD) and URL say about its dates."""

    published: str | None = None  # the meta tags' publication date
    stated: frozenset[str] = frozenset()  # every date of the meta tags, the JSON-LD and the URL
    # og:type names another kind of page than an article ("website", "product"): WordPress SEO plugins
    # give shop, service and documentation pages a publication date too, and their gold has none
    other_kind: bool = False
    # the JSON-LD items' publication days that the same item gives another modification day for: such a
    # page shows either date as its own (the gold takes the published one on 5 of 20 train pages, the
    # modified one on 9)
    revised: frozenset[str] = frozenset()


def iso_day(value: str | None) -> str | None:
    """The first ``YYYY-MM-DD`` in ``value`` that is a day of the calendar, else None."""
    found = _ISO_DAY.search(value or "")
    return _day(*map(int, found.groups())) if found else None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def url_date(url: str | None) -> str | None:
    """The date in a URL's path (``/2024/05/17/``, ``/2024-05-17-``): sites that put it there publish
    each article under the day it appeared, and no later edit changes it (right on 25 of 25 train pages)."""
    found = _URL_DAY.search(url or "")
    return _day(*(int(part) for part in found.groups() if part)) if found else None


def written_dates(text: str) -> list[str]:
    """The dates written in ``text`` in words or ISO form, in order, less those a label calls an update.

    "Updated on March 2, 2026" is the date of an edit; the gold's date is the first publication.
    """
    found = []
    for pattern in _WRITTEN:
        for match in pattern.finditer(text):
            if _labelled_update(text, match.start()):
                continue
            parts = match.groupdict()
            month = _MONTHS[parts["mon"][:3].lower()] if parts.get("mon") else int(parts["month"])
            day = _day(int(parts["year"]), month, int(parts["day"]))
            if day:
                found.append((match.start(), day))
    return [day for _, day in sorted(found)]


def _labelled_update(text: str, at: int) -> bool:
    """The date at ``text[at:]`` follows a label that calls it a later edit."""
    return bool(_UPDATE_LABEL.search(text[max(0, at - _LABEL_REACH) : at]))


@dataclass(frozen=True)
class HeadlineDates:
    """The dates in the short lines around the headline, in order: ``written`` in the page's words or
    digits, ``timed`` by the ``<time datetime>`` elements shown in the byline (from the headline
    down to the first line of prose; in whatever language or form their text is: "27.01.2026,
    10:45 Uhr", "8 juillet 2025")."""

    written: tuple[str, ...] = ()
    timed: tuple[str, ...] = ()
    # the written dates from the headline down to the first line of prose: the byline's, not a list's
    # below the article ("More from the blog", comments)
    byline: tuple[str, ...] = ()


def headline_dates(
    lines: Sequence[str], headline: int | None, times: Sequence[tuple[str, str, str]] = ()
) -> HeadlineDates:
    """The dates in the short lines just around the headline (``lines[headline]``): where an article's
    byline gives its date. None without a headline: a date elsewhere is a list's or a footer's.

    ``times`` are the page's ``<time datetime>`` elements (:func:`shown_time`); one is shown in a line
    that holds its text, or that its byline holds (a parser may leave the element's own text out).
    """
    if headline is None:
        return HeadlineDates()
    written, timed, byline, prose = [], [], [], False
    start = max(0, headline - _BEFORE)
    for number, line in enumerate(lines[start : headline + _AFTER], start):
        if len(line.split()) <= _LINE_WORDS:
            line = " ".join(line.split())
            found = written_dates(line)
            written += found
            # above the headline, a <time> is a ticker's or the day's date; below the first line of
            # prose, a comment's or a list's
            if number >= headline and not prose:
                timed += [day for text, byline, day in times if text in line or line in byline]
                byline += found
        elif number > headline:
            prose = True
    return HeadlineDates(tuple(written), tuple(timed), tuple(byline))


def shown_time(text: str | None, around: str | None, value: str | None) -> tuple[str, str, str] | None:
    """A ``<time>`` element as :func:`headline_dates` reads it: its shown text, the text of the element
    around it where that is a short line (its byline; else its own text), and its ``datetime``'s day.
    None where it shows nothing or a label calls it an update."""
    day = iso_day(value)
    text, around = " ".join((text or "").split()), " ".join((around or "").split())
    if not day or not text or _labelled_update(around, max(0, around.find(text))):
        return None
    return text, around if len(around.split()) <= _LINE_WORDS else text, day


def date_facts(meta_tags: Iterable[Mapping[str, str]], json_ld: Iterable[str], url: str | None) -> DateFacts:
    """The dates of the ``<head>``'s meta tags, of the JSON-LD scripts' text and of the URL.

    The markup's ``<time datetime>`` is not among them: a ``<time>`` under the headline is a written
    date (:func:`headline_dates`), and one that confirmed itself was right on fewer than 0.9 of pages.
    """
    published, other_kind, stated, revised = None, False, set(), set()
    for tag in meta_tags:
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").lower()
        content = tag.get("content") or ""
        if key == "og:type" and content.strip():
            other_kind = content.strip().lower() != "article"
        day = iso_day(content)
        if day:
            stated.add(day)
            if key in PUBLISHED_META and published is None:
                published = day
    _json_ld_dates(json_ld, stated, revised)
    if url_date(url):
        stated.add(url_date(url))
    return DateFacts(published, frozenset(stated), other_kind, frozenset(revised))


def _json_ld_dates(scripts: Iterable[str], stated: set[str], revised: set[str]) -> None:
    """Add every date of the JSON-LD items (``datePublished``, ``dateModified``, ...) to ``stated``, and
    to ``revised`` the publication days that their item gives another modification day for."""
    for item in scripts_items(scripts):
        for key, value in item.items():
            day = iso_day(value) if isinstance(value, str) and key.startswith("date") else None
            if day:
                stated.add(day)
        published, modified = (item.get(key) for key in ("datePublished", "dateModified"))
        if isinstance(published, str) and isinstance(modified, str):
            day, changed = iso_day(published), iso_day(modified)
            if day and changed and changed != day:
                revised.add(day)


def scripts_items(scripts: Iterable[str], limit: int = _JSON_LD_LIMIT) -> Iterator[dict]:
    """The items of a page's JSON-LD scripts, up to ``limit`` characters of them; malformed ones skipped."""
    budget = limit
    for text in scripts:
        budget -= len(text)
        if budget < 0:
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):  # malformed, or nested past what the parser can follow
            continue
        yield from json_ld_items(data)


def json_ld_items(data, depth: int = 0) -> list[dict]:
    """The items of a JSON-LD document: a list's entries and a ``@graph``'s, a few levels deep."""
    if depth > 3:
        return []
    if isinstance(data, list):
        return [item for entry in data[:20] for item in json_ld_items(entry, depth + 1)]
    if isinstance(data, dict):
        return [data, *json_ld_items(data.get("@graph", []), depth + 1)]
    return []


def _confirmed(written: Sequence[str], stated: frozenset[str]) -> str | None:
    """The first date under the headline that a stated date confirms, within a day: a stated time in
    UTC falls on the next day for an evening article in America, and the reader's date is the written one."""
    for day in written:
        when = datetime.date.fromisoformat(day)
        if any(abs((datetime.date.fromisoformat(other) - when).days) <= 1 for other in stated):
            return day
    return None


def publication_date(facts: DateFacts, url: str | None, near: HeadlineDates, has_author: bool) -> str | None:
    """The page's publication date, or None where no source holds 0.9 precision on this page.

    In order: the URL's date; a date written under the headline that the page's stated dates confirm;
    the meta tags' publication date, unless og:type names another kind of page and no author is named;
    a date of the byline where the page names an author; and there, the one day that the
    ``<time>`` elements under the headline show. ``near`` is :func:`headline_dates`'s. JSON-LD's dates
    only confirm: alone, they and the ``<time>`` elements were right on fewer than 0.9 of the dates
    they gave (measured: docs/decisions.md, "Publication date").
    """
    day = url_date(url) or _confirmed(near.written, facts.stated)
    if day is None and (has_author or not facts.other_kind):
        day = facts.published
    if day is None and has_author:
        if near.byline:  # not above the headline or below the prose: there, right on 10 of 16 train pages
            day = near.byline[0]
        elif len(set(near.timed)) == 1:  # several days there: a thread's posts or a list's items
            day = near.timed[0]
    return day


def likely_date(facts: DateFacts, near: HeadlineDates, declared: str | None) -> str | None:
    """The date where :func:`publication_date` gives none, for a page whose type has dates (an article, a
    forum thread: :func:`dated`): the first date of the byline (the lines from the headline down to the
    first line of prose), else the one day the ``<time>`` elements there show, else the date the page
    declares (:func:`cleaner.metadata.page.declared_date`), unless the JSON-LD gives that day another
    modification day (:attr:`DateFacts.revised`). On every type of page these were right on too few of
    the dates they gave; on article and forum pages, on 59 of 71 train pages (0.83, under the 0.9 of
    :func:`publication_date`'s sources), kept for the recall they add (measured: docs/decisions.md,
    "Publication date")."""
    if near.byline:
        return near.byline[0]
    if len(set(near.timed)) == 1:
        return near.timed[0]
    return None if declared in facts.revised else declared


@dataclass(frozen=True)
class PageDates:
    """A page's dates as the date step reads them, before its type is known (:func:`page_dates`)."""

    published: str | None = None  # publication_date's: the page-type model reads whether there is one
    likely: str | None = None  # likely_date's


def page_dates(
    facts: DateFacts, url: str | None, near: HeadlineDates, has_author: bool, declared: str | None
) -> PageDates:
    """The dates of :func:`publication_date` and :func:`likely_date`."""
    return PageDates(publication_date(facts, url, near, has_author), likely_date(facts, near, declared))


# the page types whose gold has a publication date: on wcxb train 547 of 664 article and forum pages,
# 13 of 395 pages of the other types (shops, services, listings, collections, documentation)
DATED_TYPES = ("article", "forum")
# page types whose every date is seldom their publication date: a shop's product page states when its
# record was made (measured: docs/decisions.md, "Publication date")
UNDATED_TYPES = ("product",)
# the fewest words of text at which the page's type decides whether it keeps its likely date: the
# page-type model calls a short article of a few sentences a listing (wcxb train: one date more or less)
TYPED_WORDS = 100


def dated(dates: PageDates | None, page_type: str | None, words: int) -> str | None:
    """The date of a record of ``words`` words of text: the publication date, else the likely one where
    the page is an article or a forum thread, is too short for its type to tell, or has no known type
    (no model); none on a product page. The publication date stands on pages of the other types too,
    though there it was right on only 4 of 17 train pages: the page-type model calls short articles
    listings, and would take their date (measured: docs/decisions.md, "Publication date")."""
    if dates is None or page_type in UNDATED_TYPES:
        return None
    if page_type is not None and page_type not in DATED_TYPES and words >= TYPED_WORDS:
        return dates.published
    return dates.published or dates.likely
