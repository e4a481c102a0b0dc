"""The publication date: the places a page gives it, each trusted as far as it was measured to be right.

A page states dates in its URL, its meta tags, its JSON-LD, its ``<time>`` elements and the words under
its headline, and many of them are not the publication date: a template's "last modified" stamp, the
date a shop's product page was made, the dates of a sidebar's posts. Each source below was scored on
wcxb's train split as the date of pages that have one, counting a date given on a page without one
as wrong, and only the sources and conditions that were right on at least 0.9 of the dates they gave
are used (measured: docs/decisions.md, "Publication date"). Dates are ISO ``YYYY-MM-DD``.
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
    digits, ``timed`` by the ``<time datetime>`` elements shown there (in whatever language or form
    their text is: "27.01.2026, 10:45 Uhr", "8 juillet 2025")."""

    written: tuple[str, ...] = ()
    timed: tuple[str, ...] = ()


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
    written, timed = [], []
    start = max(0, headline - _BEFORE)
    for number, line in enumerate(lines[start : headline + _AFTER], start):
        if len(line.split()) <= _LINE_WORDS:
            line = " ".join(line.split())
            written += written_dates(line)
            if number >= headline:  # above the headline, a <time> is a ticker's or the day's date
                timed += [day for text, byline, day in times if text in line or line in byline]
    return HeadlineDates(tuple(written), tuple(timed))


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
    published, other_kind, stated = None, False, set()
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
    _json_ld_dates(json_ld, stated)
    if url_date(url):
        stated.add(url_date(url))
    return DateFacts(published, frozenset(stated), other_kind)


def _json_ld_dates(scripts: Iterable[str], stated: set[str]) -> None:
    """Add every date of the JSON-LD items (``datePublished``, ``dateModified``, ...) to ``stated``."""
    for item in scripts_items(scripts):
        for key, value in item.items():
            day = iso_day(value) if isinstance(value, str) and key.startswith("date") else None
            if day:
                stated.add(day)


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
    a date written under the headline where the page names an author; and there, the one day that the
    ``<time>`` elements under the headline show. ``near`` is :func:`headline_dates`'s. JSON-LD's dates
    only confirm: alone, they and the ``<time>`` elements were right on fewer than 0.9 of the dates
    they gave (measured: docs/decisions.md, "Publication date").
    """
    day = url_date(url) or _confirmed(near.written, facts.stated)
    if day is None and (has_author or not facts.other_kind):
        day = facts.published
    if day is None and has_author:
        if near.written:
            day = near.written[0]
        elif len(set(near.timed)) == 1:  # several days there: a thread's posts or a list's items
            day = near.timed[0]
    return day


# page types whose declared date is seldom their publication date: a shop's product page states when its
# record was made (measured: docs/decisions.md, "Publication date")
UNDATED_TYPES = ("product",)


def with_declared_date(date: str | None, declared: str | None, page_type: str | None) -> str | None:
    """The date of a record: the measured sources' date, else the date the page declares, unless the page
    is a product's (its declared date is when the shop made or changed the page)."""
    if date is not None or page_type in UNDATED_TYPES:
        return date
    return declared
